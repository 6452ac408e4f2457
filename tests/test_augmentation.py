import keras
import numpy as np
import pytest
from model_checks import assert_config_round_trip

from mnist_arith.models.augmentation import DifferentiableAugmentation
from mnist_arith.models.gan import gan


def augment(images, **settings):
    layer = DifferentiableAugmentation(**settings)
    return keras.ops.convert_to_numpy(layer(images, training=True))


def shifted(image, rows, columns):
    """`image` moved down by `rows` and right by `columns`, zeros coming in."""
    height, width = image.shape[:2]
    result = np.zeros_like(image)
    source = image[
        max(0, -rows) : height - max(0, rows),
        max(0, -columns) : width - max(0, columns),
    ]
    result[
        max(0, rows) : height - max(0, -rows),
        max(0, columns) : width - max(0, -columns),
    ] = source
    return result


def test_outside_training_images_pass_unchanged():
    images = np.random.default_rng(0).uniform(size=(3, 8, 8, 1)).astype("float32")
    layer = DifferentiableAugmentation(seed=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(images)), images)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer(images, training=False)), images
    )


def test_shifts_move_each_image_by_its_own_offset():
    # 12x10 images: shifts of at most round(12 / 4) = 3 rows and 2 columns.
    images = np.random.default_rng(1).uniform(size=(16, 12, 10, 2)).astype("float32")
    result = augment(images, translation=0.25, cutout=0, seed=2)
    offsets = []
    for image, output in zip(images, result, strict=True):
        matches = [
            (rows, columns)
            for rows in range(-3, 4)
            for columns in range(-2, 3)
            if np.allclose(output, shifted(image, rows, columns), atol=1e-6)
        ]
        assert len(matches) == 1, matches
        offsets.append(matches[0])
    assert len(set(offsets)) > 4


def test_cutouts_blank_one_clipped_square_per_image():
    images = np.ones((16, 12, 10, 1), "float32")
    result = augment(images, translation=0, cutout=0.5, seed=3)
    assert set(np.unique(result)) <= {0.0, 1.0}
    for output in result[..., 0]:
        rows = np.flatnonzero((output == 0).any(axis=1))
        columns = np.flatnonzero((output == 0).any(axis=0))
        # the blank pixels are exactly a rectangle of consecutive rows and columns
        assert 1 <= len(rows) <= 6 and 1 <= len(columns) <= 5
        assert np.array_equal(rows, np.arange(rows[0], rows[-1] + 1))
        assert np.array_equal(columns, np.arange(columns[0], columns[-1] + 1))
        assert (output == 0).sum() == len(rows) * len(columns)
    assert (result == 0).sum() > 0.1 * result.size


def test_seeded_layers_agree_and_draw_anew_on_every_call():
    images = np.random.default_rng(4).uniform(size=(4, 8, 8, 1)).astype("float32")
    first = DifferentiableAugmentation(seed=5)
    second = DifferentiableAugmentation(seed=5)
    one = keras.ops.convert_to_numpy(first(images, training=True))
    np.testing.assert_array_equal(
        one, keras.ops.convert_to_numpy(second(images, training=True))
    )
    again = keras.ops.convert_to_numpy(first(images, training=True))
    assert not np.array_equal(one, again)


def test_gradients_reach_the_layers_before_it():
    # The generator learns through the augmentation: a layer before it must
    # get a gradient from a loss after it.
    inputs = keras.Input((8, 8, 1))
    scaled = keras.layers.Dense(1, name="scale")(inputs)
    augmented = DifferentiableAugmentation(translation=0.25, cutout=0.25, seed=6)(
        scaled
    )
    outputs = keras.layers.GlobalAveragePooling2D()(augmented)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = [np.array(weight) for weight in model.get_layer("scale").get_weights()]
    images = np.random.default_rng(6).uniform(size=(4, 8, 8, 1)).astype("float32")
    model.fit(images, np.full((4, 1), 10.0), batch_size=4, epochs=1, verbose=0)
    after = model.get_layer("scale").get_weights()
    for old, new in zip(before, after, strict=True):
        assert not np.allclose(old, new)


def test_config_round_trip():
    layer = DifferentiableAugmentation(translation=0.2, cutout=0.3, seed=7)
    assert_config_round_trip(layer)
    assert layer.get_config()["translation"] == 0.2


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"translation": 1}, "Received: translation=1"),
        ({"translation": -0.1}, "Received: translation=-0.1"),
        ({"cutout": "half"}, "Received: cutout='half'"),
        ({"cutout": True}, "Received: cutout=True"),
    ],
)
def test_bad_fractions_are_rejected(settings, message):
    with pytest.raises(ValueError, match=message):
        DifferentiableAugmentation(**settings)


def test_gan_augments_on_request(tmp_path):
    assert gan(latent_dim=4, filters=4).augmentation is None
    assert gan(preset="faces", latent_dim=4, filters=4).augmentation is None
    model = gan(latent_dim=4, filters=4, augment=True, seed=0)
    assert isinstance(model.augmentation, DifferentiableAugmentation)
    images = np.random.default_rng(8).uniform(-1, 1, (32, 28, 28, 1))
    history = model.fit(images.astype("float32"), batch_size=16, epochs=2, verbose=0)
    assert np.isfinite(history.history["discriminator_loss"]).all()
    path = tmp_path / "augmented.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.augmentation.get_config() == model.augmentation.get_config()
    np.testing.assert_array_equal(loaded.generate(2, seed=1), model.generate(2, seed=1))
