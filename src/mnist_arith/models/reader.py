"""An independent reader of character images, to judge generated answers."""

import keras
import numpy as np

from mnist_arith._validation import check_finite_array
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith._validation import check_seed
from mnist_arith._validation import check_verbose
from mnist_arith.data.characters import character_dataset
from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable
from mnist_arith.data.vocabulary import strings_from_codes
from mnist_arith.models.sampling import SavesLayerSeedStates

FEATURES_LAYER = "features"
"""The name of the reader's penultimate layer, used for Fréchet distances."""

ARCHITECTURES = ("basic", "reference")
"""The reader's architectures: the small default and the reference reader's."""


@keras.saving.register_keras_serializable(package="mnist_arith")
class DigitReader(SavesLayerSeedStates):
    """A CNN that classifies 28x28 character images: digits, operators, blanks.

    It reads digits, operator glyphs and blanks (one class per character of
    `vocabulary`), so it can read whole generated answers. A saved reader
    knows what it reads: `vocabulary`, `image_shape` and `value_range` are
    attributes, and `get_config()` holds every constructor argument. Build a
    compiled one with `digit_reader` and train it with `train_digit_reader`;
    no weights are downloaded.

    Two architectures: `"basic"` (the default) has two convolutions and
    random shifts and turns that are active in training only. `"reference"`,
    the architecture of `reference_reader()`, has two blocks of two
    convolutions with batch normalisation and no augmentation layers (its
    builder, `tools/train_reference_reader.py`, shifts, turns and zooms the
    training images itself).

    Args:
        vocabulary: the characters to tell apart, in class order.
        filters: filters of the first convolution (the second has twice as
            many); with `architecture="reference"`, of the first block (the
            second block has twice as many).
        architecture: `"basic"` or `"reference"`.
        **kwargs: `keras.Model` arguments (`name`, `trainable`).

    Raises:
        ValueError: for an empty or repeating vocabulary, non-positive
            `filters` or an unknown architecture.

    Examples:
        >>> reader = DigitReader()
        >>> reader.vocabulary, reader.output_shape
        ('0123456789+- ', (None, 13))
        >>> DigitReader("0123456789", architecture="reference").count_params()
        198442
    """

    image_shape = (28, 28, 1)
    """The shape of one character image."""

    value_range = (0.0, 1.0)
    """The range of the pixel values the reader expects."""

    def __init__(
        self,
        vocabulary: str = COURSE_VOCABULARY,
        *,
        filters: int = 32,
        architecture: str = "basic",
        **kwargs,
    ):
        table = CharacterTable(vocabulary)
        filters = check_positive_int(filters, "filters")
        architecture = check_one_of(architecture, "architecture", ARCHITECTURES)
        inputs = keras.Input(self.image_shape, name="character_image")
        if architecture == "basic":
            layers = _basic_layers(filters, table.size)
        else:
            layers = _reference_layers(filters, table.size)
        outputs = inputs
        for layer in layers:
            outputs = layer(outputs)
        kwargs.setdefault("name", "digit_reader")
        # Through the setter, which freezes every layer: the constructor's
        # `trainable` sets only the model's own flag.
        trainable = kwargs.pop("trainable", True)
        super().__init__(inputs, outputs, **kwargs)
        self.trainable = trainable
        self.vocabulary = table.characters
        self.filters = filters
        self.architecture = architecture

    def get_config(self) -> dict:
        """Every constructor argument, so that a loaded reader is the same."""
        return {
            "name": self.name,
            "trainable": self.trainable,
            "vocabulary": self.vocabulary,
            "filters": self.filters,
            "architecture": self.architecture,
        }

    @classmethod
    def from_config(cls, config: dict) -> "DigitReader":
        """Rebuilds the reader from `get_config()`."""
        return cls(**config)


def _basic_layers(filters: int, num_classes: int) -> list:
    """The default reader's layers, in the order they were always created."""
    return [
        # Small shifts and turns, active in training only: handwriting
        # varies more than a few thousand digits show.
        keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),
        keras.layers.RandomRotation(0.03, fill_mode="constant"),
        keras.layers.Conv2D(filters, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(2 * filters, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER),
        keras.layers.Dense(num_classes, activation="softmax", name="classes"),
    ]


def _reference_layers(filters: int, num_classes: int) -> list:
    """Two blocks of two unpadded convolutions with batch normalisation.

    28x28 images become 26, 24, pooled 12, then 10, 8, pooled 4, so the
    dense head sees 4x4 maps of `2 * filters` channels.
    """
    return [
        *_normalized_convolution(filters),
        *_normalized_convolution(filters),
        keras.layers.MaxPooling2D(),
        *_normalized_convolution(2 * filters),
        *_normalized_convolution(2 * filters),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(128, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu", name=FEATURES_LAYER),
        keras.layers.Dropout(0.25),
        keras.layers.Dense(num_classes, activation="softmax", name="classes"),
    ]


def _normalized_convolution(filters: int) -> list:
    """A 3x3 convolution without padding or bias, batch norm, then ReLU."""
    return [
        keras.layers.Conv2D(filters, 3, use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
    ]


def digit_reader(
    vocabulary: str = COURSE_VOCABULARY,
    *,
    filters: int = 32,
    architecture: str = "basic",
    learning_rate: float = 1e-3,
) -> DigitReader:
    """Builds a compiled `DigitReader` (Adam, sparse cross-entropy, accuracy).

    Args:
        vocabulary: the characters to tell apart, in class order.
        filters: filters of the first convolution (the second has twice as
            many).
        architecture: `"basic"` or `"reference"` (see `DigitReader`).
        learning_rate: Adam's learning rate.

    Returns:
        A compiled `DigitReader` from `[batch, 28, 28, 1]` floats in [0, 1]
        to class probabilities `[batch, len(vocabulary)]`, with a penultimate
        layer named `"features"`.

    Raises:
        ValueError: for an empty vocabulary, non-positive `filters`, an
            unknown architecture or a non-positive learning rate.

    Examples:
        >>> reader = digit_reader()
        >>> reader.output_shape
        (None, 13)
    """
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    model = DigitReader(vocabulary, filters=filters, architecture=architecture)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


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

    Raises:
        ValueError: for epochs or a batch size below 1, or a negative seed.

    Returns:
        `(reader, test_accuracy)`: the trained model and its accuracy on the
        test pool's digits and freshly drawn glyphs and blanks.
    """
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
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
    reader: keras.Model,
    images: np.ndarray,
    vocabulary: str | None = None,
    *,
    verbose: int | str = 0,
) -> list[str]:
    """Reads sequences of character images back into strings.

    Args:
        reader: a trained `digit_reader`.
        images: `[n, length, 28, 28]` or `[n, length, 28, 28, 1]` floats in [0, 1].
        vocabulary: the characters of the reader's classes; default the
            `DigitReader`'s own. Needed only for another kind of classifier.
        verbose: the progress display of the reader's `predict`: 0 (none,
            the default), 1, 2 or `"auto"`.

    Returns:
        `n` strings of `length` characters.

    Raises:
        ValueError: if `reader` is not a keras model, `images` has the wrong
            shape or values that are not finite, or `vocabulary` is missing
            or disagrees with the reader's, or for another `verbose`.
    """
    check_reader(reader)
    check_verbose(verbose)
    vocabulary = reader_vocabulary(reader, vocabulary)
    images = check_finite_array(images, "images", dtype=np.float32)
    if images.ndim == 4:
        images = images[..., None]
    if images.ndim != 5 or images.shape[2:] != (28, 28, 1):
        raise ValueError(
            "`images` must be [n, length, 28, 28] or [n, length, 28, 28, 1]. "
            f"Received: images.shape={images.shape}"
        )
    count, length = images.shape[:2]
    probabilities = reader.predict(
        images.reshape(-1, 28, 28, 1), verbose=verbose, batch_size=1024
    )
    codes = np.array([ord(character) for character in vocabulary], np.uint32)
    return strings_from_codes(
        codes[probabilities.argmax(-1)].reshape(count, length)
    ).tolist()


def reader_features(reader: keras.Model, images: np.ndarray) -> np.ndarray:
    """The reader's penultimate-layer features of `[n, 28, 28(, 1)]` images.

    Args:
        reader: a `digit_reader`, or any model with a layer named
            `"features"`.
        images: `[n, 28, 28]` or `[n, 28, 28, 1]` floats in [0, 1].

    Returns:
        `[n, features]` float32 features.

    Raises:
        ValueError: for a reader without a `"features"` layer, or images of
            another shape or with values that are not finite.
    """
    check_reader(reader)
    try:
        reader.get_layer(FEATURES_LAYER)
    except ValueError:
        raise ValueError(
            f"`reader` must have a layer named {FEATURES_LAYER!r}, as a "
            f"`digit_reader` has. Received: reader={reader.name!r}"
        ) from None
    images = check_character_images(images, "images")
    extractor = keras.Model(reader.input, reader.get_layer(FEATURES_LAYER).output)
    return np.asarray(extractor.predict(images, verbose=0, batch_size=1024))


def check_reader(reader) -> keras.Model:
    """Checks that `reader` is a keras model (such as a `DigitReader`).

    Raises:
        ValueError: naming `reader` and its type.
    """
    if not isinstance(reader, keras.Model):
        raise ValueError(
            "`reader` must be a trained `digit_reader` (a keras.Model). "
            f"Received: reader of type {type(reader).__name__}"
        )
    return reader


def check_character_images(images, name: str, minimum: int = 1) -> np.ndarray:
    """`[n, 28, 28(, 1)]` images, checked, as `[n, 28, 28, 1]` float32.

    Raises:
        ValueError: for another shape, fewer than `minimum` images, or values
            that are not finite, naming `name`.
    """
    array = check_finite_array(images, name, dtype=np.float32)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4 or array.shape[1:] != (28, 28, 1) or len(array) < minimum:
        raise ValueError(
            f"`{name}` must be [n, 28, 28] or [n, 28, 28, 1] with "
            f"n >= {minimum}. Received: {name}.shape={np.shape(images)}"
        )
    return array


def reader_vocabulary(reader: keras.Model, vocabulary: str | None = None) -> str:
    """The characters `reader` reads: its own, or `vocabulary` for other models.

    Raises:
        ValueError: if a `DigitReader` is given a different vocabulary, or
            another model none.
    """
    if isinstance(reader, DigitReader):
        if vocabulary is not None and vocabulary != reader.vocabulary:
            raise ValueError(
                f"The reader reads {reader.vocabulary!r}; leave `vocabulary` "
                f"unset. Received: vocabulary={vocabulary!r}"
            )
        return reader.vocabulary
    if vocabulary is None:
        raise ValueError(
            "A reader that is not a `DigitReader` needs the `vocabulary` of its "
            f"classes. Received: vocabulary=None for a {type(reader).__name__}"
        )
    return CharacterTable(vocabulary).characters
