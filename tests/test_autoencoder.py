import keras
import numpy as np
import pytest
from model_checks import assert_generative_interface
from model_checks import digit_images
from model_checks import run_model_saving_test

from mnist_arith.models.autoencoder import Autoencoder
from mnist_arith.models.autoencoder import autoencoder
from mnist_arith.models.generative import deserialize_sub_models
from mnist_arith.models.generative import serialize_sub_models


@pytest.fixture(scope="module")
def images(digits):
    return digit_images(digits)[0]


@pytest.fixture(scope="module")
def trained(images):
    model = autoencoder(latent_dim=4, filters=4)
    history = model.fit(images, images, batch_size=32, epochs=3, verbose=0)
    return model, history.history


def test_fit_learns(trained):
    model, history = trained
    assert set(history) == {"loss"}
    assert np.isfinite(history["loss"]).all()
    assert history["loss"][-1] < history["loss"][0]
    assert model.encoder.output_shape == (None, 4)
    assert model.decoder.output_shape == (None, 28, 28, 1)


def test_generative_interface(trained, images):
    model, _ = trained
    assert_generative_interface(
        model,
        latent_dim=4,
        image_shape=(28, 28, 1),
        value_range=(0.0, 1.0),
        num_classes=None,
        num_codes=None,
    )
    codes = model.encode(images[:3])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model.decode(codes)),
        keras.ops.convert_to_numpy(model(images[:3])),
        atol=1e-6,
    )
    drawn = model.generate(3, seed=1)
    assert drawn.shape == (3, 28, 28, 1) and 0 <= drawn.min() <= drawn.max() <= 1
    np.testing.assert_array_equal(drawn, model.generate(3, seed=1))
    with pytest.raises(ValueError, match="sample=True"):
        model.encode(images[:3], sample=True)
    with pytest.raises(ValueError, match="Received: num_samples=0"):
        model.generate(0)
    with pytest.raises(ValueError, match="Received: seed=-1"):
        model.generate(2, seed=-1)


def test_config_and_saving_round_trip(trained, images, tmp_path):
    model, _ = trained
    loaded = run_model_saving_test(model, images[:4], tmp_path)
    assert set(model.get_config()) == {
        "name", "trainable", "dtype", "encoder", "decoder"
    }  # fmt: skip
    assert loaded.loss == "binary_crossentropy"
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 6
    history = loaded.fit(images, images, batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_sub_model_serialisation_helpers():
    model = autoencoder(latent_dim=2, filters=2)
    model.decoder.compile(optimizer="sgd", loss="mse")
    kept = serialize_sub_models(model, ["encoder", "decoder"])
    dropped = serialize_sub_models(model, ["decoder"], compile_config=False)
    assert set(kept) == {"encoder", "decoder"}
    assert kept["decoder"]["compile_config"] is not None
    assert "compile_config" not in dropped["decoder"]
    config = {**kept, "other": 1, "missing": None}
    rebuilt = deserialize_sub_models(config, ["encoder", "decoder", "missing"])
    assert config["decoder"] is kept["decoder"]  # The input is not modified.
    assert isinstance(rebuilt["decoder"], keras.Model) and rebuilt["other"] == 1
    assert rebuilt["missing"] is None and rebuilt["decoder"].name == "decoder"


def test_faces_preset_follows_the_course():
    model = autoencoder(preset="faces")
    assert model.latent_dim == 512 and model.image_shape == (64, 64, 3)
    filters = [
        layer.filters
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert filters == [128] * 4


def test_one_layer_uses_no_filter_growth():
    # The faces preset's growth of 1 cannot apply to one layer: it is left out.
    model = autoencoder(preset="faces", num_layers=1, latent_dim=2, filters=2)
    assert model.encoder.get_layer("conv_0").filters == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"preset": "mnist"}, "Received: preset='mnist'"),
        ({"num_layers": 9}, "Received: num_layers=9"),
        ({"filters": 0}, "Received: filters=0"),
        ({"latent_dim": 0}, "Received: latent_dim=0"),
        ({"learning_rate": 0}, "Received: learning_rate=0"),
        ({"input_shape": (28, 28)}, r"Received: input_shape=\(28, 28\)"),
    ],
)
def test_factory_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        autoencoder(**kwargs)


def test_class_is_registered():
    assert keras.saving.get_registered_name(Autoencoder) == "mnist_arith>Autoencoder"
