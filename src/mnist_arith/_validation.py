"""Argument checks shared by the whole package, with one Keras-style wording.

Every check raises `ValueError` whose message says what was expected and ends
with `Received: name=value`, and accepts NumPy scalars wherever it accepts
Python numbers. Checks that normalise their input return it (for example a
NumPy integer as a Python `int`), so callers write
`count = check_integer(count, "count")`.
"""

import math
from collections.abc import Sequence
from typing import Literal
from typing import NoReturn
from typing import overload

import numpy as np

_INTEGER_TYPES = (int, np.integer)
_NUMBER_TYPES = (int, float, np.integer, np.floating)


def fail(name: str, expected: str, value) -> NoReturn:
    """Raises the package's `ValueError`: `Expected …. Received: name=value`."""
    raise ValueError(f"Expected `{name}` to be {expected}. Received: {name}={value!r}")


def is_integer(value) -> bool:
    """Whether `value` is a Python or NumPy integer (a bool is not)."""
    return not isinstance(value, bool | np.bool_) and isinstance(value, _INTEGER_TYPES)


def is_number(value) -> bool:
    """Whether `value` is a Python or NumPy real number (a bool is not)."""
    return not isinstance(value, bool | np.bool_) and isinstance(value, _NUMBER_TYPES)


def check_integer(value, name: str, minimum: int | None = None, maximum=None) -> int:
    """Checks an integer in `[minimum, maximum]` (either bound optional)."""
    if (
        not is_integer(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        if minimum is not None and maximum is not None:
            expected = f"an integer in [{minimum}, {maximum}]"
        elif minimum == 1:
            expected = "a positive integer"
        elif minimum is not None:
            expected = f"an integer >= {minimum}"
        elif maximum is not None:
            expected = f"an integer <= {maximum}"
        else:
            expected = "an integer"
        fail(name, expected, value)
    return int(value)


def check_positive_int(value, name: str, minimum: int = 1) -> int:
    """Checks an integer (not a bool) of at least `minimum` (default 1)."""
    return check_integer(value, name, minimum)


@overload
def check_seed(
    value, name: str = "seed", *, allow_none: Literal[False] = False
) -> int: ...


@overload
def check_seed(value, name: str = "seed", *, allow_none: bool) -> int | None: ...


def check_seed(value, name: str = "seed", *, allow_none: bool = False) -> int | None:
    """Checks a random seed: a non-negative integer (or `None` where allowed)."""
    if value is None and allow_none:
        return None
    expected = "a non-negative integer" + (" or None" if allow_none else "")
    if not is_integer(value) or value < 0:
        fail(name, expected, value)
    return int(value)


def check_number(
    value,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    include_minimum: bool = True,
    include_maximum: bool = True,
) -> float:
    """Checks a finite real number within optional bounds; returns a `float`."""
    low = ("[" if include_minimum else "(") + (
        "-inf" if minimum is None else f"{minimum:g}"
    )
    high = ("inf" if maximum is None else f"{maximum:g}") + (
        "]" if include_maximum else ")"
    )
    if (
        not is_number(value)
        or not math.isfinite(value)
        or (minimum is not None and value < minimum)
        or (minimum is not None and not include_minimum and value == minimum)
        or (maximum is not None and value > maximum)
        or (maximum is not None and not include_maximum and value == maximum)
    ):
        if minimum is None and maximum is None:
            fail(name, "a finite number", value)
        fail(name, f"a number in {low}, {high}", value)
    return float(value)


def check_positive_number(value, name: str) -> float:
    """Checks a finite number greater than 0."""
    if not is_number(value) or not math.isfinite(value) or value <= 0:
        fail(name, "a positive number", value)
    return float(value)


def check_fraction(value, name: str, *, include_zero: bool = False) -> float:
    """Checks a fraction strictly below 1: in (0, 1), or [0, 1) with `include_zero`."""
    return check_number(
        value, name, 0, 1, include_minimum=include_zero, include_maximum=False
    )


def check_one_of(value, name: str, options: Sequence):
    """Checks that `value` is one of `options`: `Expected one of (…)`."""
    options = tuple(options)
    try:
        found = value in options
    except (TypeError, ValueError):  # Unhashable, or an array.
        found = False
    if isinstance(value, bool | np.bool_) and not any(
        isinstance(option, bool) for option in options
    ):
        found = False  # True == 1, but True is not the option 1.
    if not found:
        fail(name, f"one of {options}", value)
    return value


def check_verbose(value):
    """Checks a Keras progress setting: `"auto"`, 0, 1 or 2."""
    return check_one_of(value, "verbose", ("auto", 0, 1, 2))


def check_bool(value, name: str) -> bool:
    """Checks a Python or NumPy boolean."""
    if not isinstance(value, bool | np.bool_):
        fail(name, "True or False", value)
    return bool(value)


def check_image_shape(value, name: str) -> tuple[int, int, int]:
    """Checks `(height, width, channels)` of positive integers; returns a tuple."""
    try:
        shape = tuple(value)
    except TypeError:
        shape = ()
    if len(shape) != 3 or not all(is_integer(size) and size >= 1 for size in shape):
        fail(name, "(height, width, channels) of positive integers", value)
    height, width, channels = (int(size) for size in shape)
    return height, width, channels


def check_num_classes(
    value, name: str = "num_classes", absent: str = "unconditional"
) -> int | None:
    """Checks a number of classes (or InfoGAN codes): `None` or at least 2."""
    if value is None:
        return None
    if not is_integer(value) or value < 2:
        fail(name, f"None ({absent}) or an integer of at least 2", value)
    return int(value)


def check_not_given(name: str, value, reason: str, default=None) -> None:
    """Refuses an argument that cannot apply: it must keep its default.

    Used where one argument decides that another has no effect, so that no
    argument is ever silently ignored.
    """
    if value is not default and value != default:
        raise ValueError(f"`{name}` cannot be set {reason}. Received: {name}={value!r}")


def check_finite_array(value, name: str, dtype="float64") -> np.ndarray:
    """Checks an array of finite real numbers; returns it as a NumPy array.

    Args:
        value: an array-like (lists, NumPy arrays, CPU tensors).
        name: the argument's name, for the message.
        dtype: the dtype of the returned array.

    Returns:
        `value` as a NumPy array of `dtype`.

    Raises:
        ValueError: for values that are not numbers, or for NaN or infinity,
            naming the first offending entry:
            `Received: images[0, 3, 4]=nan`.
    """
    try:
        array = np.asarray(value)
        numeric = array.dtype.kind in "biuf"
        array = array.astype(dtype, copy=False) if numeric else array
    except (TypeError, ValueError):
        numeric = False
    if not numeric:
        raise ValueError(
            f"Expected `{name}` to be an array of numbers. "
            f"Received: {name} of type {type(value).__name__}"
        )
    finite = np.isfinite(array)
    if not finite.all():
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        position = ", ".join(str(i) for i in index)
        raise ValueError(
            f"Expected `{name}` to hold finite numbers (no NaN or infinity). "
            f"Received: {name}[{position}]={array[index].item()!r}"
        )
    return array
