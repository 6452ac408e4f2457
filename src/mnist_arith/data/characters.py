"""Labelled images of single characters, to train a reader of character images."""

import numpy as np

from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_seed
from mnist_arith.data.digits import Digits
from mnist_arith.data.glyphs import GLYPH_STYLES
from mnist_arith.data.glyphs import draw_operator_glyphs
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable

DRAWABLE_CHARACTERS = "0123456789+-* "
"""The characters `character_dataset` can draw."""


def character_dataset(
    digits: Digits,
    vocabulary: str = COURSE_VOCABULARY,
    *,
    pool: str = "train",
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled images of every character of `vocabulary`, for the reader.

    Digits come from the chosen pool; every operator gets as many glyphs
    (half in each edition's style) as the average digit class, and the space
    as many blank or nearly blank images.

    Args:
        digits: the digit pools.
        vocabulary: the characters, in class order, from `'0123456789+-* '`.
        pool: `"train"` or `"test"`.
        seed: the seed of the glyphs and the noise of the blanks.

    Returns:
        `(images, labels)`: `[n, 28, 28, 1]` float32 in [0, 1] and `[n]` int32
        class ids.

    Raises:
        ValueError: for `digits` that are not a `Digits`, an empty or
            repeating vocabulary or one with a character that cannot be
            drawn, an unknown pool or a negative seed.

    Examples:
        >>> from mnist_arith import load_digits
        >>> images, labels = character_dataset(load_digits("embedded"))
        >>> images.shape, images.dtype, labels[:3].tolist()
        ((5200, 28, 28, 1), dtype('float32'), [0, 0, 0])
    """
    if not isinstance(digits, Digits):
        raise ValueError(
            "Expected `digits` to be a `Digits` from `load_digits` or "
            f"`Digits.from_arrays`. Received: digits of type {type(digits).__name__}"
        )
    table = CharacterTable(vocabulary)
    undrawable = [
        character
        for character in table.characters
        if character not in DRAWABLE_CHARACTERS
    ]
    if undrawable:
        raise ValueError(
            f"Expected `vocabulary` to hold only characters from "
            f"{DRAWABLE_CHARACTERS!r}; {undrawable[0]!r} cannot be drawn. "
            f"Received: vocabulary={vocabulary!r}"
        )
    check_one_of(pool, "pool", ("train", "test"))
    seed = check_seed(seed)
    images, labels = digits.pool(pool)
    per_class = max(len(labels) // 10, 2)
    rng = np.random.default_rng(seed)
    parts, ids = [], []
    for character in table.characters:
        if character.isdigit():
            group = images[labels == int(character)]
        elif character == " ":
            noise = rng.uniform(0, 20, (per_class, 28, 28)) * (
                rng.random((per_class, 1, 1)) < 0.5
            )
            group = noise.astype(np.uint8)
        else:
            group = np.concatenate(
                [
                    draw_operator_glyphs(
                        character, per_class // 2 + 1, style=style, seed=seed + index
                    )
                    for index, style in enumerate(GLYPH_STYLES)
                ]
            )[:per_class]
        parts.append(group)
        ids.append(np.full(len(group), table.characters.index(character), np.int32))
    return (
        (np.concatenate(parts).astype(np.float32) / 255.0)[..., None],
        np.concatenate(ids),
    )
