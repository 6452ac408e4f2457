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


def run_layer_test(
    layer_class,
    init_kwargs,
    input_data,
    expected_output_shape,
    *,
    deterministic=True,
    trains=True,
    tmp_path=None,
):
    """Every custom layer's checks, as KerasHub's `run_layer_test` does them.

    1. The layer built from `init_kwargs` maps `input_data` to
       `expected_output_shape` (a tuple, or a list of tuples for several
       outputs), and its `compute_output_shape`, where it has one, agrees.
    2. `from_config(get_config())` rebuilds it with the same config.
    3. With `trains`, a model of the layer followed by a dense layer takes a
       training step with a finite loss (gradients flow through the layer).
    4. With `tmp_path`, a model of the layer saved to `.keras` and loaded
       gives the same outputs (`deterministic` layers only; random layers are
       checked for shape).

    Returns:
        The layer, for further checks.
    """
    layer = layer_class(**init_kwargs)
    outputs = layer(input_data)
    shapes = [tuple(output.shape) for output in keras.tree.flatten(outputs)]
    expected = (
        expected_output_shape
        if isinstance(expected_output_shape, list)
        else [expected_output_shape]
    )
    assert shapes == [tuple(shape) for shape in expected]
    config = layer.get_config()
    clone = layer_class.from_config(copy.deepcopy(config))
    assert clone.get_config() == config
    inputs = [
        keras.Input(tuple(array.shape[1:]), dtype=str(np.asarray(array).dtype))
        for array in keras.tree.flatten(input_data)
    ]
    structured = inputs if isinstance(input_data, list | tuple) else inputs[0]
    model = keras.Model(structured, layer_class(**init_kwargs)(structured))
    if trains:
        flat = keras.layers.Flatten()(keras.tree.flatten(model.outputs)[0])
        trainable = keras.Model(structured, keras.layers.Dense(1)(flat))
        trainable.compile(optimizer="sgd", loss="mse")
        target = np.zeros((len(keras.tree.flatten(input_data)[0]), 1), "float32")
        history = trainable.fit(input_data, target, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"]).all()
    if tmp_path is not None:
        path = tmp_path / f"{layer_class.__name__}.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        before = keras.tree.flatten(model(input_data, training=False))
        after = keras.tree.flatten(loaded(input_data, training=False))
        for old, new in zip(before, after, strict=True):
            if deterministic:
                np.testing.assert_allclose(
                    keras.ops.convert_to_numpy(new),
                    keras.ops.convert_to_numpy(old),
                    atol=1e-6,
                )
            else:
                assert tuple(new.shape) == tuple(old.shape)
    return layer
