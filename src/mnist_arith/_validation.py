"""Argument checks shared by the whole package, with Keras-style messages."""

import math

import numpy as np


def check_positive_int(value, name: str, minimum: int = 1) -> None:
    """Raises `ValueError` unless `value` is an integer (not a bool) >= `minimum`.

    The message names the argument and ends with `Received: name=value`.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value < minimum
    ):
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {expected}. Received: {name}={value!r}")


def check_positive_number(value, name: str) -> None:
    """Raises `ValueError` unless `value` is a finite number (not a bool) > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValueError(
            f"`{name}` must be a positive number. Received: {name}={value!r}"
        )
