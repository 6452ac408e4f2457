"""Keras metrics of sequence models: exact match and character accuracy.

This module holds only `keras.metrics` and the functions behind them; it
imports nothing from the rest of the package, so every model can use it.
Error analysis and image scores live in `mnist_arith.evaluation`.
"""

import keras


@keras.saving.register_keras_serializable(package="mnist_arith")
def exact_match(y_true, y_pred):
    """1.0 for every sequence whose characters are all right, else 0.0.

    Args:
        y_true: one-hot targets `[batch, length, vocabulary]`.
        y_pred: probabilities of the same shape.

    Returns:
        A `[batch]` float tensor.

    Examples:
        >>> import numpy as np
        >>> y_true = np.eye(13)[[[1, 2], [3, 4]]]
        >>> y_pred = np.eye(13)[[[1, 2], [3, 5]]]
        >>> keras.ops.convert_to_numpy(exact_match(y_true, y_pred)).tolist()
        [1.0, 0.0]
    """
    same = keras.ops.equal(
        keras.ops.argmax(y_true, axis=-1), keras.ops.argmax(y_pred, axis=-1)
    )
    return keras.ops.cast(keras.ops.all(same, axis=-1), "float32")


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
        super().__init__(fn=keras.metrics.categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "CharacterAccuracy":
        """Rebuilds the metric from `get_config()`."""
        return cls(**config)
