"""Rendering query and answer strings as sequences of handwritten digit images."""

from collections.abc import Sequence

import numpy as np

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_seed
from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.glyphs import GLYPH_STYLES
from mnist_arith.data.glyphs import draw_operator_glyphs
from mnist_arith.data.vocabulary import as_string_array
from mnist_arith.data.vocabulary import string_codes

NUM_GLYPHS = 50
"""Variants drawn per operator, as in the course notebooks."""

_GLYPH_SEED = 0
_DTYPES = ("uint8", "float32", "float16", "float64")


class CharacterImages:
    """All the images a character can be drawn as, grouped for vectorised gathers.

    One array holds every image: the digits of a pool sorted by label, the
    operator glyphs and one blank image for the space. For every character
    code, `offsets` and `counts` give the slice of images it draws from.

    Args:
        digits: the digit pools.
        pool: `"train"` or `"test"`.
        glyph_style: the edition whose operator glyphs to draw.
        dtype: `"uint8"` (0..255) or a float dtype (0..1).
    """

    def __init__(self, digits: Digits, pool: str, glyph_style: str, dtype: str):
        dtype = _check_bank_arguments(digits, pool, glyph_style, dtype)
        images, labels = digits.pool(pool)
        order = np.argsort(labels, kind="stable")
        groups = {
            str(label): images[order][labels[order] == label] for label in range(10)
        }
        for operator in "+-*":
            groups[operator] = draw_operator_glyphs(
                operator, NUM_GLYPHS, style=glyph_style, seed=_GLYPH_SEED
            )
        groups[" "] = np.zeros((1, 28, 28), dtype=np.uint8)

        self.offsets = np.zeros(128, dtype=np.int64)
        self.counts = np.zeros(128, dtype=np.int64)
        start = 0
        for character, group in groups.items():
            self.offsets[ord(character)] = start
            self.counts[ord(character)] = len(group)
            start += len(group)
        stacked = np.concatenate(list(groups.values()))
        if dtype == "uint8":
            self.images = stacked
        else:
            self.images = stacked.astype(dtype) / np.asarray(255, dtype=dtype)
        self.images.setflags(write=False)

    def indices(self, codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draws, per character code, a uniformly random image index of its group."""
        draws = rng.random(codes.shape)
        counts = self.counts[codes]
        return self.offsets[codes] + (draws * counts).astype(np.int64)


def character_images(
    digits: Digits, pool: str, glyph_style: str, dtype: str
) -> CharacterImages:
    """Returns the (cached) `CharacterImages` of a digit pool, style and dtype."""
    dtype = _check_bank_arguments(digits, pool, glyph_style, dtype)
    key = (pool, glyph_style, dtype)
    if key not in digits._cache:
        digits._cache[key] = CharacterImages(digits, pool, glyph_style, dtype)
    return digits._cache[key]


def render_query_images(
    strings: Sequence[str] | np.ndarray,
    digits: Digits | None = None,
    *,
    pool: str = "train",
    seed: int | np.random.Generator | None = None,
    dtype: str = "float32",
    channel_axis: bool = False,
    glyph_style: str = "2023",
) -> np.ndarray:
    """Renders equal-length query or answer strings as handwritten images.

    Every digit character is a random image of that digit from the chosen
    pool (a fresh draw per character, per string), `+`, `-` and `*` are random
    ones of 50 drawn glyphs, and a space is a blank image. The work is one
    vectorised gather: no Python loop per query or character.

    Args:
        strings: `n` strings of one length `length`, from `'0123456789+-* '`.
        digits: the digit pools; default `load_digits()` (full MNIST when
            available, else the embedded digits).
        pool: draw digits from the `"train"` or the `"test"` pool.
        seed: an int seed or a `numpy.random.Generator`; the same seed gives
            identical bytes.
        dtype: `"uint8"` (0..255) or `"float32"` (0..1, the course's format);
            `"float16"` and `"float64"` work too.
        channel_axis: whether to add a trailing channel axis of size 1.
        glyph_style: the edition (`"2021"` or `"2023"`) whose glyphs to draw.

    Returns:
        `[n, length, 28, 28]` images, or `[n, length, 28, 28, 1]`.

    Raises:
        ValueError: for characters that cannot be drawn, strings of different
            lengths, an unknown pool, dtype or style, `digits` that are not a
            `Digits`, a negative seed or a non-boolean `channel_axis`.

    Examples:
        >>> from mnist_arith import load_digits
        >>> images = render_query_images(["12+7 ", "3-45 "], load_digits("embedded"),
        ...                              seed=0)
        >>> images.shape, images.dtype, float(images[0, 4].max())
        ((2, 5, 28, 28), dtype('float32'), 0.0)
    """
    array = as_string_array(strings, "strings")
    if digits is not None:
        _check_digits(digits)
    dtype = _check_bank_arguments(None, pool, glyph_style, dtype)
    if not isinstance(seed, np.random.Generator):
        seed = check_seed(seed, allow_none=True)
    channel_axis = check_bool(channel_axis, "channel_axis")
    digits = load_digits() if digits is None else digits
    bank = character_images(digits, pool, glyph_style, dtype)
    codes = string_codes(array)
    drawable = (codes < len(bank.counts)) & (bank.counts[np.minimum(codes, 127)] > 0)
    if not drawable.all():
        row, column = np.argwhere(~drawable)[0]
        raise ValueError(
            f"Character {chr(codes[row, column])!r} cannot be drawn; use "
            f"'0123456789+-* '. Received: strings[{row}]={str(array[row])!r}"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    # np.take copies whole 784-pixel rows; fancy indexing is several times slower.
    images = np.take(bank.images, bank.indices(codes, rng), axis=0)
    return images[..., None] if channel_axis else images


def _check_digits(digits):
    if not isinstance(digits, Digits):
        raise ValueError(
            "Expected `digits` to be a `Digits` from `load_digits` or "
            f"`Digits.from_arrays`. Received: digits of type {type(digits).__name__}"
        )


def _check_bank_arguments(digits, pool, glyph_style, dtype):
    """Checks the arguments shared by the renderer; returns the dtype's name."""
    if digits is not None:
        _check_digits(digits)
    check_one_of(dtype, "dtype", _DTYPES)
    check_one_of(glyph_style, "glyph_style", tuple(GLYPH_STYLES))
    check_one_of(pool, "pool", ("train", "test"))
    return str(np.dtype(dtype))
