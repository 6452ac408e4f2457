"""Hand-drawn-looking operator glyphs, drawn with OpenCV as the course does."""

import cv2
import numpy as np

from mnist_arith._validation import check_integer
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_seed

GLYPH_STYLES = {"2021": ((4, 8), (20, 24)), "2023": ((6, 10), (18, 22))}
"""Per edition, the ranges `[low, high)` of a stroke's start and end column."""

MAX_GLYPHS = 1_000_000
"""The most glyphs one call draws (784 MB of images)."""


def draw_operator_glyphs(
    operator: str,
    num_glyphs: int = 50,
    *,
    style: str = "2023",
    seed: int | None = 0,
) -> np.ndarray:
    """Draws `num_glyphs` varied 28x28 images of `+`, `-` or `*`.

    `+` and `-` follow the course notebooks exactly: with `x` drawn from
    [12, 16) twice and `y1`, `y2` from the edition's ranges, a 2-pixel
    anti-aliased stroke joins column `y1` row `x0` to column `y2` row `x1`,
    and `+` adds the transposed stroke. The notebook's `*` glyph was a bug (it
    drew a `-`); here `*` is a real multiplication cross: two diagonal strokes
    within the same box.

    Args:
        operator: `"+"`, `"-"` or `"*"`.
        num_glyphs: how many variants to draw, from 1 to `MAX_GLYPHS`.
        style: `"2021"` (strokes span columns 4-8 to 20-24) or `"2023"`
            (6-10 to 18-22).
        seed: the seed of the stroke positions.

    Returns:
        `[num_glyphs, 28, 28]` uint8 images with strokes at 255.

    Raises:
        ValueError: for an unknown operator or style, `num_glyphs` outside
            [1, MAX_GLYPHS], or a negative seed.

    Examples:
        >>> glyphs = draw_operator_glyphs("+", 50, style="2021")
        >>> glyphs.shape, glyphs.dtype, int(glyphs.max())
        ((50, 28, 28), dtype('uint8'), 255)
    """
    check_one_of(operator, "operator", ("+", "-", "*"))
    check_one_of(style, "style", tuple(GLYPH_STYLES))
    num_glyphs = check_integer(num_glyphs, "num_glyphs", 1, MAX_GLYPHS)
    seed = check_seed(seed, allow_none=True)
    (low_start, high_start), (low_end, high_end) = GLYPH_STYLES[style]
    rng = np.random.default_rng(seed)
    x = rng.integers(12, 16, (num_glyphs, 2))
    y1 = rng.integers(low_start, high_start, num_glyphs)
    y2 = rng.integers(low_end, high_end, num_glyphs)
    images = np.zeros((num_glyphs, 28, 28), dtype=np.uint8)
    for image, (x0, x1), start, end in zip(images, x, y1, y2, strict=True):
        if operator == "*":
            # A cross inside the box the '+' strokes span, shrunk by the
            # stroke's slack so that its arms look as long as the '+' arms.
            low, high = int(start) + 2, int(end) - 2
            jitter = rng.integers(-1, 2, 4)
            _line(image, (low + jitter[0], low), (high, high + jitter[1]))
            _line(image, (low, high + jitter[2]), (high + jitter[3], low))
            continue
        _line(image, (start, x0), (end, x1))
        if operator == "+":
            _line(image, (x0, start), (x1, end))
    return images


def _line(image, start, end):
    start = tuple(int(value) for value in start)
    end = tuple(int(value) for value in end)
    cv2.line(image, start, end, 255, 2, cv2.LINE_AA)
