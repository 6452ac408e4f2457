"""The pretrained reference reader shipped with the package, loaded offline."""

import hashlib
import pathlib

from mnist_arith.data.vocabulary import MULTIPLICATION_VOCABULARY
from mnist_arith.models.reader import DigitReader

WEIGHTS_PATH = pathlib.Path(__file__).parent / "weights" / "reference_reader.weights.h5"
"""The shipped weights of the reference reader."""

REFERENCE_FILTERS = 24
"""Filters of the reference reader's first block (its second has twice as many)."""

WEIGHTS_SHA256 = "dfa15577c9f3579920fc58e96f20e19f1f650c8e8bd121ab943407aa50b82e73"
"""The SHA-256 of `WEIGHTS_PATH`, printed by `tools/train_reference_reader.py`."""

TEST_ACCURACY = 0.9966
"""Its accuracy on MNIST's 10,000 test digits, from the same run."""


def reference_reader() -> DigitReader:
    """Loads the pretrained, frozen reader of digits, operators and blanks.

    The reader classifies 28x28 images in [0, 1] into the 14 characters of
    `MULTIPLICATION_VOCABULARY`: the ten digits, `+`, `-`, the blank and `*`,
    with the operator glyphs of both editions. It is a `DigitReader` with
    `architecture="reference"` and `filters=REFERENCE_FILTERS`, trained by
    `tools/train_reference_reader.py` on MNIST's 60,000 training digits and
    on drawn glyphs and blanks, and it reads MNIST's 10,000 test digits with
    an accuracy of `TEST_ACCURACY`. The weights ship inside the package, so
    nothing is downloaded, and the reader is the same on TensorFlow, PyTorch
    and JAX. It is frozen (`trainable=False`): use it to judge generated or
    read characters (`read_images`, `readability`, `reader_features`,
    `digit_quality`), not as a model to train further.

    Returns:
        A frozen `DigitReader` named `"reference_reader"`.

    Raises:
        ValueError: if the weights file is missing or damaged, naming it.

    Examples:
        >>> from mnist_arith import load_digits, read_images, render_query_images
        >>> reader = reference_reader()
        >>> reader.vocabulary, reader.trainable
        ('0123456789+- *', False)
        >>> images = render_query_images(["12*3 ", "45-67"], load_digits("embedded"),
        ...                              pool="test", seed=0)
        >>> read_images(reader, images)
        ['12*3 ', '45-67']
    """
    weights = _checked_weights(WEIGHTS_PATH)
    reader = DigitReader(
        MULTIPLICATION_VOCABULARY,
        filters=REFERENCE_FILTERS,
        architecture="reference",
        name="reference_reader",
    )
    try:
        reader.load_weights(weights)
    except Exception as error:  # h5py and Keras raise many kinds of errors.
        raise _invalid_file(weights, f"{type(error).__name__}: {error}") from error
    reader.trainable = False
    return reader


def _checked_weights(path: pathlib.Path) -> pathlib.Path:
    """Checks that `path` is the shipped weights file, byte for byte."""
    try:
        content = pathlib.Path(path).read_bytes()
    except OSError as error:
        raise _invalid_file(path, f"it cannot be read ({error.strerror})") from error
    if hashlib.sha256(content).hexdigest() != WEIGHTS_SHA256:
        raise _invalid_file(path, "its SHA-256 differs from the one shipped")
    return pathlib.Path(path)


def _invalid_file(path, reason: str) -> ValueError:
    return ValueError(
        f"{str(path)!r} is not a valid weights file of the reference reader: "
        f"{reason}. Reinstall mnist-arith to restore it. Received: "
        f"path={str(path)!r}"
    )
