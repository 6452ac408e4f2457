import pathlib
import warnings
import zipfile

import h5py
import keras
import numpy as np
import pytest
from model_checks import assert_generative_interface
from model_checks import digit_images
from model_checks import run_model_saving_test
from model_checks import weights

import mnist_arith
from mnist_arith.models.gan import GAN
from mnist_arith.models.gan import gan

SMALL = {"latent_dim": 4, "filters": 4}


@pytest.fixture(scope="module")
def data(digits):
    return digit_images(digits, value_range=(-1.0, 1.0))


@pytest.fixture(scope="module")
def trained(data):
    """GANs (plain, conditional, InfoGAN, batch-normalised), 2 epochs of 2 batches."""
    images, labels = data
    keras.utils.set_random_seed(0)
    model = gan(**SMALL, seed=1)
    before = weights(model.generator), weights(model.discriminator)
    history = model.fit(images, batch_size=32, epochs=2, verbose=0)
    conditional = gan(**SMALL, num_classes=10, seed=1)
    conditional_history = conditional.fit(
        [images, labels], batch_size=32, epochs=2, verbose=0
    )
    info = gan(**SMALL, num_codes=10, seed=1)
    info_before = weights(info.generator), weights(info.discriminator)
    info_history = info.fit(images, batch_size=32, epochs=2, verbose=0)
    # The default networks normalise already: the option on the small ones.
    normalised = gan(**SMALL, preset="digits-small", batch_norm=True, seed=1)
    normalised_before = weights(normalised.generator), weights(normalised.discriminator)
    normalised_history = normalised.fit(images, batch_size=32, epochs=2, verbose=0)
    return {
        "gan": (model, history.history, before),
        "conditional": (conditional, conditional_history.history, None),
        "info": (info, info_history.history, info_before),
        "batch_norm": (normalised, normalised_history.history, normalised_before),
    }


@pytest.mark.parametrize("name", ["gan", "conditional", "info", "batch_norm"])
def test_fit_reports_both_losses(trained, name):
    model, history, _ = trained[name]
    assert set(history) == {"discriminator_loss", "generator_loss"}
    for values in history.values():
        assert len(values) == 2 and np.isfinite(values).all()
    # One update per batch for each network, counted by its own optimizer.
    assert int(model.discriminator_optimizer.iterations) == 4
    assert int(model.generator_optimizer.iterations) == 4
    assert int(model.optimizer.iterations) == 4


@pytest.mark.parametrize("name", ["gan", "info", "batch_norm"])
def test_training_updates_both_networks(trained, name):
    # For the InfoGAN this includes the discriminator's code head.
    model, _, (generator_before, discriminator_before) = trained[name]
    for before, network in (
        (generator_before, model.generator),
        (discriminator_before, model.discriminator),
    ):
        after = weights(network)
        assert all(
            not np.array_equal(old, new) for old, new in zip(before, after, strict=True)
        )


def test_one_step_updates_both_networks(data):
    images, _ = data
    model = gan(**SMALL)
    generator_before = weights(model.generator)
    discriminator_before = weights(model.discriminator)
    model.fit(images[:32], batch_size=32, epochs=1, verbose=0)
    for before, network in (
        (generator_before, model.generator),
        (discriminator_before, model.discriminator),
    ):
        changed = [
            not np.array_equal(old, new)
            for old, new in zip(before, weights(network), strict=True)
        ]
        assert all(changed), network.name


def test_every_step_draws_new_noise(data):
    # With a zero learning rate nothing learns, so differing losses on the
    # same batch can only come from new noise (the batch norms' moving
    # statistics do move, but training uses each batch's own statistics).
    images, _ = data
    model = gan(**SMALL, seed=3)
    model.compile(
        discriminator_optimizer=keras.optimizers.SGD(0.0),
        generator_optimizer=keras.optimizers.SGD(0.0),
    )

    def trainable(network):
        return [np.array(weight) for weight in network.trainable_weights]

    before = trainable(model.generator)
    history = model.fit(images[:16], batch_size=16, epochs=3, shuffle=False, verbose=0)
    losses = history.history["generator_loss"]
    assert len(set(losses)) == 3
    for old, new in zip(before, trainable(model.generator), strict=True):
        np.testing.assert_array_equal(old, new)


def test_generate_is_seeded(trained):
    model, _, _ = trained["gan"]
    first = model.generate(3, seed=4)
    assert first.shape == (3, 28, 28, 1) and isinstance(first, np.ndarray)
    assert first.min() >= -1 and first.max() <= 1
    np.testing.assert_array_equal(first, model.generate(3, seed=4))
    assert not np.array_equal(model.generate(3), model.generate(3))
    noise = keras.random.normal((3, 4), seed=4)
    np.testing.assert_allclose(
        first, keras.ops.convert_to_numpy(model(noise)), atol=1e-6
    )


def test_conditional_generation(trained):
    model, _, _ = trained["conditional"]
    threes = model.generate(2, labels=3, seed=0)
    assert threes.shape == (2, 28, 28, 1)
    noise = keras.random.normal((2, 4), seed=0)
    expected = model([noise, keras.ops.convert_to_tensor([3, 3])])
    np.testing.assert_allclose(threes, keras.ops.convert_to_numpy(expected), atol=1e-6)
    assert not np.allclose(threes, model.generate(2, labels=8, seed=0))
    with pytest.raises(ValueError, match=r"Received: labels=\[0, 10\]"):
        model.generate(2, labels=[0, 10])


def test_evaluate(trained, data):
    images, labels = data
    model, _, _ = trained["conditional"]
    logs = model.evaluate([images, labels], batch_size=32, verbose=0, return_dict=True)
    assert set(logs) == {"discriminator_loss", "generator_loss"}
    assert np.isfinite(list(logs.values())).all()


@pytest.mark.parametrize("name", ["gan", "conditional", "info", "batch_norm"])
def test_config_and_saving_round_trip(trained, tmp_path, name):
    model, _, _ = trained[name]
    noise = np.random.default_rng(0).normal(size=(4, 4)).astype("float32")
    takes_labels = model.num_classes or model.num_codes
    inputs = [noise, np.arange(4)] if takes_labels else noise
    loaded = run_model_saving_test(model, inputs, tmp_path)
    assert set(model.get_config()) == {
        "name", "trainable", "dtype", "generator", "discriminator", "augmentation",
        "num_classes", "num_codes", "code_weight", "seed",
    }  # fmt: skip
    # Both optimizers come back with their settings and state.
    assert float(model.discriminator_optimizer.learning_rate) == pytest.approx(2e-4)
    for attribute in ("discriminator_optimizer", "generator_optimizer"):
        saved, restored = getattr(model, attribute), getattr(loaded, attribute)
        assert isinstance(restored, keras.optimizers.Adam)
        assert float(restored.learning_rate) == pytest.approx(
            float(saved.learning_rate)
        )
        assert float(restored.beta_1) == pytest.approx(0.5)
        assert int(restored.iterations) == int(saved.iterations) == 4
        for old, new in zip(saved.variables, restored.variables, strict=True):
            np.testing.assert_allclose(
                keras.ops.convert_to_numpy(new), keras.ops.convert_to_numpy(old)
            )


def test_saved_file_holds_each_optimizer_state_once(trained, tmp_path):
    model, _, _ = trained["gan"]
    path = tmp_path / "gan.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    saved = []
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        weights.visititems(
            lambda _, item: (
                saved.append(item.size) if isinstance(item, h5py.Dataset) else None
            )
        )
    optimizer_state = sum(
        int(np.prod(variable.shape))
        for optimizer in (model.discriminator_optimizer, model.generator_optimizer)
        for variable in optimizer.variables
    )
    # Weights, both optimizers' slots once, and a few counters.
    assert optimizer_state > model.count_params()
    assert sum(saved) < model.count_params() + optimizer_state + 100


def test_batch_norm_layers_learn_their_statistics(trained):
    model, _, _ = trained["batch_norm"]
    norms = [
        layer
        for network in (model.generator, model.discriminator)
        for layer in network.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    # Every hidden layer but the discriminator's first, as in DCGAN.
    assert [layer.name for layer in norms] == [
        "dense_norm", "deconv_0_norm", "deconv_1_norm", "conv_1_norm"
    ]  # fmt: skip
    for layer in norms:
        assert np.abs(keras.ops.convert_to_numpy(layer.moving_mean)).max() > 0
    for model in (gan(**SMALL, preset="digits-small"), gan(**SMALL, batch_norm=False)):
        assert not any(
            isinstance(layer, keras.layers.BatchNormalization)
            for layer in model.generator.layers + model.discriminator.layers
        )


def test_loaded_model_trains_on(trained, data, tmp_path):
    images, labels = data
    model, _, _ = trained["conditional"]
    model.save(tmp_path / "gan.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = keras.saving.load_model(tmp_path / "gan.keras")
    discriminator_before = weights(loaded.discriminator)
    history = loaded.fit([images, labels], batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["generator_loss"]).all()
    assert int(loaded.generator_optimizer.iterations) == 6
    assert not np.array_equal(discriminator_before[0], weights(loaded.discriminator)[0])


@pytest.mark.parametrize(
    "name, num_classes, num_codes",
    [("gan", None, None), ("conditional", 10, None), ("info", None, 10)],
)
def test_generative_interface(trained, name, num_classes, num_codes):
    model, _, _ = trained[name]
    assert_generative_interface(
        model,
        latent_dim=4,
        image_shape=(28, 28, 1),
        value_range=(-1.0, 1.0),
        num_classes=num_classes,
        num_codes=num_codes,
    )
    with pytest.raises(ValueError, match="encoder"):
        model.encode(np.zeros((2, 28, 28, 1), "float32"))


def test_release_0_1_0_file_describes_itself():
    path = pathlib.Path(__file__).parent / "fixtures" / "release_0_1_0" / "gan.keras"
    model = keras.saving.load_model(path)
    assert_generative_interface(
        model, image_shape=(28, 28, 1), value_range=(-1.0, 1.0), num_classes=10
    )
    assert model.num_codes is None and model.augmentation is None


def test_unconditional_gan_refuses_labels(trained, data):
    images, labels = data
    model, _, _ = trained["gan"]
    with pytest.raises(ValueError, match="Received: labels of type ndarray"):
        model._unpack((images, labels))


def test_batches_need_labels_exactly_when_conditional(trained, data):
    images, labels = data
    conditional, _, _ = trained["conditional"]
    for batch in ([images, labels], (images, labels)):
        real, real_labels = conditional._unpack(batch)
        assert tuple(real.shape) == images.shape and real_labels is labels
    with pytest.raises(ValueError, match="no labels"):
        conditional._unpack((images,))
    model, _, _ = trained["gan"]
    with pytest.raises(ValueError, match="Received: x of 2 arrays"):
        model._unpack(([images, labels],))


def test_faces_preset_follows_the_course():
    model = gan(preset="faces")
    assert model.latent_dim == 256 and model.image_shape == (64, 64, 3)
    convolutions = [
        layer
        for layer in model.discriminator.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [layer.filters for layer in convolutions] == [128] * 4
    assert model.discriminator.output_shape == (None, 1)
    assert model.generator.get_layer("output").get_config()["activation"] == "tanh"
    for optimizer in (model.discriminator_optimizer, model.generator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert float(optimizer.beta_1) == pytest.approx(0.5)


def test_default_networks_follow_the_infogan_paper(data):
    model = gan(num_codes=10, seed=0)
    discriminator, generator = model.discriminator, model.generator
    convolutions = [
        layer
        for layer in discriminator.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [layer.filters for layer in convolutions] == [64, 128]
    assert all(layer.kernel_size == (4, 4) for layer in convolutions)
    assert discriminator.get_layer("hidden").units == 1024
    assert discriminator.get_layer("code_hidden").units == 128
    assert isinstance(
        discriminator.get_layer("code_hidden_norm"), keras.layers.BatchNormalization
    )
    assert generator.get_layer("hidden").units == 1024
    assert generator.get_layer("reshape").output.shape[1:] == (7, 7, 128)
    assert generator.get_layer("deconv_0").filters == 64
    output = generator.get_layer("output")
    assert isinstance(output, keras.layers.Conv2DTranspose)
    assert output.activation.__name__ == "tanh"
    assert float(model.discriminator_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(model.generator_optimizer.learning_rate) == pytest.approx(1e-3)
    history = model.fit(data[0][:32], batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["generator_loss"]).all()
    # A learning rate given sets both networks'.
    model = gan(learning_rate=5e-4)
    for optimizer in (model.discriminator_optimizer, model.generator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(5e-4)


def test_small_digits_preset_is_the_course_design():
    model = gan(preset="digits-small")
    convolutions = [
        layer
        for layer in model.discriminator.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [layer.filters for layer in convolutions] == [32, 64]
    assert all(layer.kernel_size == (3, 3) for layer in convolutions)
    names = [
        layer.name for layer in model.discriminator.layers + model.generator.layers
    ]
    assert "hidden" not in names
    assert not any(
        isinstance(layer, keras.layers.BatchNormalization)
        for layer in model.discriminator.layers + model.generator.layers
    )
    for optimizer in (model.discriminator_optimizer, model.generator_optimizer):
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
    # A quarter of the default networks' weights, or fewer.
    assert model.count_params() * 4 < gan().count_params()


def test_compile_errors():
    model = gan(**SMALL)
    optimizer = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="the same Adam twice"):
        model.compile(optimizer, optimizer)
    with pytest.raises(ValueError, match="Received: loss='mse'"):
        model.compile(loss="mse")
    with pytest.raises(ValueError, match="Received: preset='cats'"):
        gan(preset="cats")
    with pytest.raises(ValueError, match="Received: num_classes=0"):
        gan(num_classes=0)
    with pytest.raises(ValueError, match="Received: seed=-1"):
        gan(**SMALL, seed=-1)


def test_infogan_networks(trained):
    model, _, _ = trained["info"]
    assert model.num_codes == 10 and model.num_classes is None
    assert [tuple(shape) for shape in model.discriminator.output_shape] == [
        (None, 1),
        (None, 10),
    ]
    assert len(model.generator.inputs) == 2


def test_infogan_codes_choose_what_is_drawn(trained):
    model, _, _ = trained["info"]
    threes = model.generate(2, labels=3, seed=0)
    noise = keras.random.normal((2, 4), seed=0)
    expected = model([noise, keras.ops.convert_to_tensor([3, 3])])
    np.testing.assert_allclose(threes, keras.ops.convert_to_numpy(expected), atol=1e-6)
    assert not np.allclose(threes, model.generate(2, labels=8, seed=0))
    grid = mnist_arith.sample_grid(model, 10, 2, seed=0)  # row i: code i
    assert tuple(grid.shape) == (20, 28, 28, 1)
    with pytest.raises(ValueError, match=r"Received: labels=\[0, 10\]"):
        model.generate(2, labels=[0, 10])


def test_infogan_losses_add_the_weighted_code_cross_entropy(data):
    images, _ = data
    images = keras.ops.convert_to_tensor(images[:16])
    losses = {}
    for code_weight in (1.0, 3.0):
        keras.utils.set_random_seed(0)
        model = gan(**SMALL, num_codes=10, seed=2)
        model = GAN.from_config({**model.get_config(), "code_weight": code_weight})
        if code_weight == 1.0:
            initial = model.get_weights()
        else:
            model.set_weights(initial)
        losses[code_weight] = [
            float(keras.ops.convert_to_numpy(loss(images, None)))
            for loss in (model._discriminator_loss, model._generator_loss)
        ]
    for first, third in zip(losses[1.0], losses[3.0], strict=True):
        # The same draws in both models: the difference is twice the code's
        # cross-entropy, about log(10) for an untrained code head.
        assert 1.5 < (third - first) / 2 < 4.0
    codes = np.array([0, 1, 2])
    logits = np.array([[2.0, 0, 0], [0, 0, 0], [0, 1.0, 3.0]], "float32")
    expected = -np.mean(
        [
            np.log(np.exp(row[code]) / np.exp(row).sum())
            for row, code in zip(logits, codes, strict=True)
        ]
    )
    model = gan(**SMALL, num_codes=3)
    np.testing.assert_allclose(
        float(model._code_loss(keras.ops.convert_to_tensor(codes), logits)),
        expected,
        rtol=1e-5,
    )


def test_infogan_errors():
    with pytest.raises(ValueError, match="Received: num_codes=1"):
        gan(**SMALL, num_codes=1)
    with pytest.raises(ValueError, match="num_classes=10, num_codes=10"):
        gan(**SMALL, num_classes=10, num_codes=10)
    model = gan(**SMALL, num_codes=3)
    with pytest.raises(ValueError, match="Received: code_weight=0"):
        GAN.from_config({**model.get_config(), "code_weight": 0})


def test_loaded_model_continues_its_noise_stream(trained, tmp_path):
    model, _, _ = trained["conditional"]
    first = model.generate(3)
    model.save(tmp_path / "gan.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = keras.saving.load_model(tmp_path / "gan.keras")
    # The file holds the generator's state: the loaded model draws what the
    # original draws next, not the noise it started with.
    expected = model.generate(3)
    drawn = loaded.generate(3)
    np.testing.assert_allclose(drawn, expected, atol=1e-6)
    assert not np.allclose(drawn, first)


def test_augmentation_seed_state_is_saved(tmp_path):
    model = gan(**SMALL, num_layers=1, augment=True, seed=2)
    images = keras.ops.ones((2, 28, 28, 1))
    model.augmentation(images, training=True)
    model.save(tmp_path / "augmented.keras")
    loaded = keras.saving.load_model(tmp_path / "augmented.keras")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.augmentation.seed_generator.state),
        keras.ops.convert_to_numpy(model.augmentation.seed_generator.state),
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded.augmentation(images, training=True)),
        keras.ops.convert_to_numpy(model.augmentation(images, training=True)),
    )


def test_numpy_scalars_are_accepted():
    model = gan(
        input_shape=(np.int64(28), np.int64(28), np.int64(1)),
        latent_dim=np.int64(2),
        filters=np.int64(4),
        num_layers=np.int64(1),
        learning_rate=np.float32(1e-3),
        seed=np.int64(0),
    )
    assert model.latent_dim == 2 and model.seed == 0 and type(model.seed) is int
    images = model.generate(np.int64(2), seed=np.int64(1), temperature=np.float32(0.5))
    assert images.shape == (2, 28, 28, 1)
    config = model.get_config()
    assert type(config["code_weight"]) is float
