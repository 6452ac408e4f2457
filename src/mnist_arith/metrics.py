"""Keras metrics of sequence models: exact match and character accuracy.

This module holds only `keras.metrics` and the functions behind them; it
imports nothing from the rest of the package, so every model can use it.
Error analysis and image scores live in `mnist_arith.evaluation`.
"""

import keras


def check_same_shape(y_true, y_pred) -> None:
    """Raises `ValueError` when the known static shapes of two tensors differ.

    Sizes not known while tracing (`None`, such as the batch size) are not
    compared; everything else (the rank, the answer length, the vocabulary
    size) must agree.

    Args:
        y_true: one-hot targets `[batch, length, vocabulary]`.
        y_pred: predictions that should have the same shape.

    Raises:
        ValueError: naming both shapes.

    Example:
        >>> import numpy as np
        >>> check_same_shape(np.zeros((2, 3, 13)), np.zeros((2, 3, 13)))
    """
    true_shape = tuple(keras.ops.shape(y_true))
    predicted_shape = tuple(keras.ops.shape(y_pred))
    known = [
        (first, second)
        for first, second in zip(true_shape, predicted_shape, strict=False)
        if isinstance(first, int) and isinstance(second, int)
    ]
    if len(true_shape) != len(predicted_shape) or any(a != b for a, b in known):
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape [batch, length, "
            f"vocabulary]. Received: y_true.shape={_shape(true_shape)}, "
            f"y_pred.shape={_shape(predicted_shape)}"
        )


def _shape(shape):
    return tuple(size if isinstance(size, int) else None for size in shape)


def _check_name(name):
    """The metric's name, checked to be a non-empty string."""
    if not isinstance(name, str) or not name:
        raise ValueError(
            f"Expected `name` to be a non-empty string. Received: name={name!r}"
        )
    return name


@keras.saving.register_keras_serializable(package="mnist_arith")
def exact_match(y_true, y_pred):
    """1.0 for every sequence whose characters are all right, else 0.0.

    Args:
        y_true: one-hot targets `[batch, length, vocabulary]`.
        y_pred: probabilities of the same shape.

    Returns:
        A `[batch]` float tensor.

    Raises:
        ValueError: if both shapes are known and differ.

    Examples:
        >>> import numpy as np
        >>> y_true = np.eye(13)[[[1, 2], [3, 4]]]
        >>> y_pred = np.eye(13)[[[1, 2], [3, 5]]]
        >>> keras.ops.convert_to_numpy(exact_match(y_true, y_pred)).tolist()
        [1.0, 0.0]
    """
    check_same_shape(y_true, y_pred)
    same = keras.ops.equal(
        keras.ops.argmax(y_true, axis=-1), keras.ops.argmax(y_pred, axis=-1)
    )
    return keras.ops.cast(keras.ops.all(same, axis=-1), "float32")


@keras.saving.register_keras_serializable(package="mnist_arith")
def character_accuracy(y_true, y_pred):
    """1.0 for every answer character that is right, else 0.0.

    `keras.metrics.categorical_accuracy` with the shapes checked first.

    Args:
        y_true: one-hot targets `[batch, length, vocabulary]`.
        y_pred: probabilities of the same shape.

    Returns:
        A `[batch, length]` float tensor.

    Raises:
        ValueError: if both shapes are known and differ.

    Examples:
        >>> import numpy as np
        >>> y_true = np.eye(13)[[[1, 2]]]
        >>> keras.ops.convert_to_numpy(character_accuracy(y_true, y_true)).tolist()
        [[1.0, 1.0]]
    """
    check_same_shape(y_true, y_pred)
    return keras.metrics.categorical_accuracy(y_true, y_pred)


@keras.saving.register_keras_serializable(package="mnist_arith")
class ExactMatch(keras.metrics.MeanMetricWrapper):
    """The share of answers whose every character is right.

    The course reports per-character accuracy, which hides most mistakes: an
    answer with one wrong digit out of three still scores 67%. Exact match is
    the figure that says how often the model does the arithmetic right.

    Examples:
        >>> import numpy as np
        >>> metric = ExactMatch()
        >>> y_true = np.eye(13)[[[1, 2], [3, 4]]]
        >>> y_pred = np.eye(13)[[[1, 2], [3, 5]]]
        >>> metric.update_state(y_true, y_pred)
        >>> float(metric.result())
        0.5
    """

    def __init__(self, name: str = "exact_match", dtype=None):
        name = _check_name(name)
        super().__init__(fn=exact_match, name=name, dtype=dtype)

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "ExactMatch":
        """Rebuilds the metric from `get_config()`."""
        return cls(**config)


@keras.saving.register_keras_serializable(package="mnist_arith")
class CharacterAccuracy(keras.metrics.MeanMetricWrapper):
    """The share of answer characters that are right (the course's "accuracy").

    Examples:
        >>> import numpy as np
        >>> metric = CharacterAccuracy()
        >>> y_true = np.eye(13)[[[1, 2], [3, 4]]]
        >>> metric.update_state(y_true, np.eye(13)[[[1, 2], [3, 5]]])
        >>> float(metric.result())
        0.75
    """

    def __init__(self, name: str = "character_accuracy", dtype=None):
        name = _check_name(name)
        super().__init__(fn=character_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "CharacterAccuracy":
        """Rebuilds the metric from `get_config()`."""
        return cls(**config)
