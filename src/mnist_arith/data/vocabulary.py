"""The character vocabulary of arithmetic queries and its one-hot encoding."""

from collections.abc import Sequence

import numpy as np

from mnist_arith._validation import check_bool
from mnist_arith._validation import fail

COURSE_VOCABULARY = "0123456789+- "
"""The course's 13 characters, in order: the index of a character is its id."""

MULTIPLICATION_VOCABULARY = COURSE_VOCABULARY + "*"
"""The course vocabulary extended with `*` for multiplication queries."""


def as_string_array(strings: Sequence[str] | np.ndarray, name: str) -> np.ndarray:
    """Returns `strings` as a 1-D NumPy unicode array of one common length.

    Args:
        strings: a sequence of Python strings or a NumPy unicode array.
        name: the argument name used in error messages.

    Returns:
        A 1-D array of dtype `<U{length}` in which every element has `length`
        characters.

    Raises:
        ValueError: if `strings` is empty, not 1-D, not text, or if the strings
            do not all have the same length.
    """
    array = np.asarray(strings)
    if array.size == 0:
        raise ValueError(f"`{name}` must not be empty. Received: {name}={strings!r}")
    if array.ndim != 1 or array.dtype.kind != "U":
        raise ValueError(
            f"`{name}` must be a 1-D sequence of strings. "
            f"Received: {name} with shape {array.shape} and dtype {array.dtype}"
        )
    lengths = np.char.str_len(array)
    if lengths.min() != lengths.max():
        row = int(np.argmax(lengths != lengths[0]))
        raise ValueError(
            f"All strings in `{name}` must have the same length; pad them first. "
            f"Received: {name}[0]={str(array[0])!r} and "
            f"{name}[{row}]={str(array[row])!r}"
        )
    length = int(lengths[0])
    if length == 0:
        raise ValueError(
            f"`{name}` must hold non-empty strings. "
            f"Received: {name}[0]={str(array[0])!r}"
        )
    return array.astype(f"<U{length}", copy=False)


def string_codes(strings: np.ndarray) -> np.ndarray:
    """Returns the Unicode code points of equal-length strings as `[n, length]`."""
    length = strings.dtype.itemsize // 4
    contiguous = np.ascontiguousarray(strings, dtype=f"<U{length}")
    return contiguous.view(np.uint32).reshape(len(strings), length)


def strings_from_codes(codes: np.ndarray) -> np.ndarray:
    """Joins a `[n, length]` array of code points into `n` strings (no Python loop)."""
    codes = np.ascontiguousarray(codes, dtype="<u4")
    return codes.view(f"<U{codes.shape[1]}").reshape(codes.shape[0])


class CharacterTable:
    """Maps query characters to integer ids and one-hot vectors, and back.

    Encoding and decoding are vectorised with NumPy: a million 7-character
    queries encode in well under a second.

    Args:
        characters: the vocabulary, in id order. Defaults to the course's
            13 characters `'0123456789+- '`; use `MULTIPLICATION_VOCABULARY`
            for queries with `*`.

    Examples:
        >>> table = CharacterTable()
        >>> table.encode(["12+3 "]).shape
        (1, 5, 13)
        >>> table.decode(table.encode(["12+3 "]))
        ['12+3 ']
        >>> table.encode(["12+3 "], one_hot=False)
        array([[ 1,  2, 10,  3, 12]], dtype=int32)
    """

    def __init__(self, characters: str = COURSE_VOCABULARY):
        if not isinstance(characters, str) or not characters:
            raise ValueError(
                "`characters` must be a non-empty string. "
                f"Received: characters={characters!r}"
            )
        if len(set(characters)) != len(characters):
            raise ValueError(
                "`characters` must not repeat a character. "
                f"Received: characters={characters!r}"
            )
        self.characters = characters
        codes = np.array([ord(character) for character in characters], np.int64)
        self._ids = np.full(int(codes.max()) + 1, -1, dtype=np.int32)
        self._ids[codes] = np.arange(len(characters), dtype=np.int32)
        self._codes = codes.astype(np.uint32)

    def __len__(self) -> int:
        return len(self.characters)

    def __repr__(self) -> str:
        return f"CharacterTable(characters={self.characters!r})"

    @property
    def size(self) -> int:
        """The number of characters, i.e. the one-hot depth."""
        return len(self.characters)

    def ids(
        self, strings: Sequence[str] | np.ndarray, reverse: bool = False
    ) -> np.ndarray:
        """Returns the character ids of equal-length strings as int32 `[n, length]`.

        Args:
            strings: equal-length strings made of this table's characters.
            reverse: whether to reverse every string first (the keras-io
                addition example feeds queries reversed).

        Returns:
            An int32 array of shape `[len(strings), length]`.

        Raises:
            ValueError: if a string holds a character outside the vocabulary or
                the strings differ in length.
        """
        reverse = check_bool(reverse, "reverse")
        array = as_string_array(strings, "strings")
        codes = string_codes(array).astype(np.int64)
        known = codes < len(self._ids)
        ids = np.where(known, self._ids[np.where(known, codes, 0)], -1)
        if (ids < 0).any():
            row, column = np.argwhere(ids < 0)[0]
            raise ValueError(
                f"Character {chr(codes[row, column])!r} is not in the vocabulary "
                f"{self.characters!r}. Received: strings[{row}]={str(array[row])!r}"
            )
        ids = ids.astype(np.int32)
        return ids[:, ::-1].copy() if reverse else ids

    def encode(
        self,
        strings: Sequence[str] | np.ndarray,
        one_hot: bool = True,
        reverse: bool = False,
        dtype: str = "float32",
    ) -> np.ndarray:
        """Encodes equal-length strings as one-hot `[n, length, size]` or ids.

        Args:
            strings: equal-length strings made of this table's characters.
            one_hot: whether to return one-hot vectors (`True`) or int32 ids.
            reverse: whether to reverse every string before encoding.
            dtype: the dtype of the one-hot array.

        Returns:
            `[n, length, size]` one-hot array, or `[n, length]` int32 ids.

        Raises:
            ValueError: if a string holds a character outside the vocabulary,
                the strings differ in length, a flag is not a boolean or
                `dtype` is not a numeric dtype.
        """
        one_hot = check_bool(one_hot, "one_hot")
        dtype = _check_numeric_dtype(dtype)
        ids = self.ids(strings, reverse=reverse)
        if not one_hot:
            return ids
        return np.eye(self.size, dtype=dtype)[ids]

    def decode(self, array: np.ndarray, reverse: bool = False) -> list[str]:
        """Decodes one-hot vectors, probabilities or ids back into strings.

        Args:
            array: `[n, length, size]` probabilities (argmax is taken over the
                last axis) or `[n, length]` integer ids. Any array-like works,
                including backend tensors converted with `keras.ops`.
            reverse: whether the strings were encoded reversed.

        Returns:
            A list of `n` strings of `length` characters.

        Raises:
            ValueError: if the array has the wrong rank, depth or id range,
                holds NaN or infinite probabilities, or `reverse` is not a
                boolean.
        """
        reverse = check_bool(reverse, "reverse")
        array = np.asarray(array)
        if array.ndim == 3 and array.dtype.kind not in "biuf":
            raise ValueError(
                "`array` must hold numeric probabilities. "
                f"Received: array.dtype={array.dtype}"
            )
        if array.ndim == 3 and array.dtype.kind == "f":
            finite = np.isfinite(array)
            if not finite.all():
                raise ValueError(
                    "`array` must hold finite probabilities (no NaN or infinity). "
                    f"Received: {np.count_nonzero(~finite)} non-finite values in "
                    f"array of shape {array.shape}"
                )
        if array.ndim == 3:
            if array.shape[-1] != self.size:
                raise ValueError(
                    f"The last axis of `array` must have {self.size} entries, one "
                    f"per character. Received: array.shape={array.shape}"
                )
            ids = array.argmax(axis=-1)
        elif array.ndim == 2 and array.dtype.kind in "iu":
            ids = array
            if ids.size and (ids.min() < 0 or ids.max() >= self.size):
                raise ValueError(
                    f"Ids in `array` must lie in [0, {self.size}). "
                    f"Received: ids from {ids.min()} to {ids.max()}"
                )
        else:
            raise ValueError(
                "`array` must be `[n, length, size]` probabilities or `[n, length]` "
                f"integer ids. Received: array.shape={array.shape}, "
                f"dtype={array.dtype}"
            )
        if reverse:
            ids = ids[:, ::-1]
        return strings_from_codes(self._codes[ids]).tolist()


def _check_numeric_dtype(dtype):
    try:
        resolved = None if dtype is None else np.dtype(dtype)  # None means float64.
    except TypeError:
        resolved = None
    if resolved is None or resolved.kind not in "biuf":
        fail("dtype", "a numeric dtype such as 'float32'", dtype)
    return resolved
