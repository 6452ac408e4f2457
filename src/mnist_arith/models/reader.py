"""An independent reader of character images, to judge generated answers."""

import keras
import numpy as np

from mnist_arith._validation import check_positive_int
from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.glyphs import GLYPH_STYLES
from mnist_arith.data.glyphs import draw_operator_glyphs
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable
from mnist_arith.data.vocabulary import strings_from_codes

FEATURES_LAYER = "features"
"""The name of the reader's penultimate layer, used for Fréchet distances."""


def digit_reader(
    vocabulary: str = COURSE_VOCABULARY,
    *,
    filters: int = 32,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Builds a compiled CNN that classifies 28x28 character images.

    It reads digits, operator glyphs and blanks (one class per character of
    `vocabulary`), so it can read whole generated answers. Train it with
    `train_digit_reader`; no weights are downloaded.

    Args:
        vocabulary: the characters to tell apart, in class order.
        filters: filters of the first convolution (the second has twice as
            many).
        learning_rate: Adam's learning rate.

    Returns:
        A compiled `keras.Model` from `[batch, 28, 28, 1]` floats in [0, 1] to
        class probabilities `[batch, len(vocabulary)]`, with a penultimate
        layer named `"features"`.

    Raises:
        ValueError: for an empty vocabulary or non-positive `filters`.

    Examples:
        >>> reader = digit_reader()
        >>> reader.output_shape
        (None, 13)
    """
    table = CharacterTable(vocabulary)
    check_positive_int(filters, "filters")
    inputs = keras.Input((28, 28, 1), name="character_image")
    layers = [
        # Small shifts and turns, active in training only: handwriting varies
        # more than a few thousand digits show.
        keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
        keras.layers.RandomRotation(0.03, fill_mode="constant"),
        keras.layers.Conv2D(filters, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(2 * filters, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER),
        keras.layers.Dense(table.size, activation="softmax", name="classes"),
    ]
    outputs = inputs
    for layer in layers:
        outputs = layer(outputs)
    model = keras.Model(inputs, outputs, name="digit_reader")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


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
        vocabulary: the characters, in class order.
        pool: `"train"` or `"test"`.
        seed: the seed of the glyphs and the noise of the blanks.

    Returns:
        `(images, labels)`: `[n, 28, 28, 1]` float32 in [0, 1] and `[n]` int32
        class ids.
    """
    table = CharacterTable(vocabulary)
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


def train_digit_reader(
    digits: Digits | None = None,
    vocabulary: str = COURSE_VOCABULARY,
    *,
    epochs: int = 15,
    batch_size: int = 128,
    seed: int = 0,
    verbose: int = 0,
) -> tuple[keras.Model, float]:
    """Trains a `digit_reader` on the training pool and scores it on the test pool.

    Args:
        digits: the digit pools; default `load_digits()`.
        vocabulary: the characters to read.
        epochs: training epochs.
        batch_size: images per step.
        seed: the seed of the weights, shuffling and glyphs.
        verbose: Keras' verbosity during `fit`.

    Returns:
        `(reader, test_accuracy)`: the trained model and its accuracy on the
        test pool's digits and freshly drawn glyphs and blanks.
    """
    digits = load_digits() if digits is None else digits
    keras.utils.set_random_seed(seed)
    train_images, train_labels = character_dataset(digits, vocabulary, seed=seed)
    test_images, test_labels = character_dataset(
        digits, vocabulary, pool="test", seed=seed + 1000
    )
    reader = digit_reader(vocabulary)
    reader.fit(
        train_images,
        train_labels,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=True,
        verbose=verbose,
    )
    _, accuracy = reader.evaluate(test_images, test_labels, verbose=0)
    return reader, float(accuracy)


def read_images(
    reader: keras.Model, images: np.ndarray, vocabulary: str = COURSE_VOCABULARY
) -> list[str]:
    """Reads sequences of character images back into strings.

    Args:
        reader: a trained `digit_reader`.
        images: `[n, length, 28, 28]` or `[n, length, 28, 28, 1]` floats in [0, 1].
        vocabulary: the reader's vocabulary.

    Returns:
        `n` strings of `length` characters.

    Raises:
        ValueError: if `images` has the wrong shape.
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 4:
        images = images[..., None]
    if images.ndim != 5 or images.shape[2:] != (28, 28, 1):
        raise ValueError(
            "`images` must be [n, length, 28, 28] or [n, length, 28, 28, 1]. "
            f"Received: images.shape={images.shape}"
        )
    count, length = images.shape[:2]
    probabilities = reader.predict(
        images.reshape(-1, 28, 28, 1), verbose=0, batch_size=1024
    )
    codes = np.array([ord(character) for character in vocabulary], np.uint32)
    return strings_from_codes(
        codes[probabilities.argmax(-1)].reshape(count, length)
    ).tolist()


def reader_features(reader: keras.Model, images: np.ndarray) -> np.ndarray:
    """The reader's penultimate-layer features of `[n, 28, 28(, 1)]` images."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
    extractor = keras.Model(reader.input, reader.get_layer(FEATURES_LAYER).output)
    return np.asarray(extractor.predict(images, verbose=0, batch_size=1024))
