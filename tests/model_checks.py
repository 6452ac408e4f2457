"""Shared checks every model goes through, on every backend (KerasHub style)."""

import copy

import keras
import numpy as np
import pytest

from mnist_arith.models.generative import GenerativeModel


def digit_images(digits, value_range=(0.0, 1.0), count=64):
    """`count` training digits as `[count, 28, 28, 1]` floats in `value_range`."""
    low, high = value_range
    images = digits.train_images[:count, ..., None].astype("float32") / 255
    return images * (high - low) + low, digits.train_labels[:count]


def weights(network):
    """A network's weights as NumPy arrays."""
    return [np.array(weight) for weight in network.get_weights()]


def assert_config_round_trip(model):
    """`from_config(get_config())` rebuilds a model with the same config."""
    config = model.get_config()
    # from_config may consume the dict it is given: hand it a copy.
    clone = model.__class__.from_config(copy.deepcopy(config))
    assert clone.get_config() == config
    return clone


def assert_saved_model_matches(model, inputs, tmp_path, atol=1e-5):
    """Saving to `.keras` and loading gives a model with identical predictions."""
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    expected = keras.ops.convert_to_numpy(model(inputs, training=False))
    actual = keras.ops.convert_to_numpy(loaded(inputs, training=False))
    np.testing.assert_allclose(actual, expected, atol=atol)
    return loaded


def assert_generative_interface(model, **expected):
    """A `GenerativeModel` whose read-only properties have the expected values.

    `expected` maps property names (`latent_dim`, `image_shape`,
    `value_range`, `num_classes`, `num_codes`) to their values.
    """
    assert isinstance(model, GenerativeModel)
    for name, value in expected.items():
        assert getattr(model, name) == value, name
        # Not None: TensorFlow's attribute tracking lets `None` pass silently.
        with pytest.raises(AttributeError, match="has no setter"):
            setattr(model, name, 99)
        assert getattr(model, name) == value, name


def run_model_saving_test(model, inputs, tmp_path, atol=1e-5):
    """Config round trip and `.keras` round trip with identical outputs.

    For a `GenerativeModel`, the clone and the loaded model also describe
    themselves as the model does, and draw the same images from one seed.

    Returns:
        The loaded model, for further checks.
    """
    clone = assert_config_round_trip(model)
    loaded = assert_saved_model_matches(model, inputs, tmp_path, atol=atol)
    assert type(clone) is type(model) and type(loaded) is type(model)
    if isinstance(model, GenerativeModel):
        for name in ("latent_dim", "image_shape", "value_range", "num_classes"):
            assert getattr(clone, name) == getattr(loaded, name) == getattr(model, name)
        assert clone.num_codes == loaded.num_codes == model.num_codes
        np.testing.assert_allclose(
            loaded.generate(2, seed=3), model.generate(2, seed=3), atol=atol
        )
    return loaded
