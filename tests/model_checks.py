"""Shared checks every model goes through, on every backend (KerasHub style)."""

import copy

import keras
import numpy as np


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
