import keras
import numpy as np
import pytest
from model_checks import assert_config_round_trip
from model_checks import assert_saved_model_matches

from mnist_arith.models.autoencoder import Autoencoder
from mnist_arith.models.autoencoder import autoencoder


@pytest.fixture(scope="module")
def images(digits):
    return digits.train_images[:64, ..., None].astype("float32") / 255


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
    assert model.latent_dim == 4 and model.num_classes is None


def test_config_and_saving_round_trip(trained, images, tmp_path):
    model, _ = trained
    assert_config_round_trip(model)
    loaded = assert_saved_model_matches(model, images[:4], tmp_path)
    assert isinstance(loaded, Autoencoder)
    assert loaded.loss == "binary_crossentropy"
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 6
    history = loaded.fit(images, images, batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_faces_preset_follows_the_course():
    model = autoencoder(preset="faces")
    assert model.latent_dim == 512 and model.image_shape == (64, 64, 3)
    filters = [
        layer.filters
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert filters == [128] * 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"preset": "mnist"}, "Received: preset='mnist'"),
        ({"num_layers": 9}, "Received: num_layers=9"),
        ({"filters": 0}, "Received: filters=0"),
    ],
)
def test_factory_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        autoencoder(**kwargs)
