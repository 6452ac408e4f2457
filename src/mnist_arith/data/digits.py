"""Handwritten digit pools: full MNIST, a user's file or arrays, or embedded.

A little over 400 lines: the readers of the three file formats (`.npz`,
MNIST's idx files, the embedded CSV) share one cache and one set of checks
that turn damaged files into errors naming the path.
"""

import dataclasses
import functools
import gzip
import math
import os
import pathlib
import pickle
import warnings
import zipfile
import zlib

import numpy as np

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_fraction
from mnist_arith._validation import check_not_given
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_seed

EMBEDDED_DIGITS_PATH = pathlib.Path(__file__).with_name("embedded_digits.npz")
"""6,000 real MNIST digits shipped with the package.

The training pool: 4,000 MNIST training digits (400 per class); the test
pool: 2,000 MNIST *test* digits (200 per class), held out from anything
trained on MNIST's training set. `tools/make_embedded_digits.py` rebuilds it.
"""

SOURCES = ("auto", "mnist", "embedded")

_ORIGINS = ("mnist", "embedded", "file", "idx", "arrays")
_POOLS = ("train", "test")
_DECODING_ERRORS = (
    OSError,  # includes gzip.BadGzipFile
    EOFError,
    ValueError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    pickle.UnpicklingError,
)
"""What NumPy, zipfile and gzip raise for a damaged or foreign file."""

IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
"""MNIST's four original files (each may also be gzipped, with `.gz` added)."""


@dataclasses.dataclass(frozen=True, eq=False)
class Digits:
    """Training and test pools of 28x28 uint8 digit images with their labels.

    The two pools never share an image: query images for training draw from
    `train_images`, held-out evaluation can draw from `test_images`.

    Attributes:
        train_images: `[n, 28, 28]` uint8 images (0..255).
        train_labels: `[n]` uint8 labels (0..9).
        test_images: `[m, 28, 28]` uint8 images.
        test_labels: `[m]` uint8 labels.
        source: where the digits came from: `"mnist"`, `"embedded"`,
            `"file"` (an `.npz`), `"idx"` (a folder of MNIST's own files) or
            `"arrays"`.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str
    _cache: dict = dataclasses.field(default_factory=dict, repr=False)

    def __post_init__(self):
        check_one_of(self.source, "source", _ORIGINS)
        for pool in _POOLS:
            images = _check_images(getattr(self, f"{pool}_images"), f"{pool}_images")
            labels = _check_labels(
                getattr(self, f"{pool}_labels"), len(images), f"{pool}_labels"
            )
            object.__setattr__(self, f"{pool}_images", images)
            object.__setattr__(self, f"{pool}_labels", labels)
        _check_disjoint(self.train_images, self.test_images)

    def __repr__(self) -> str:
        return (
            f"Digits(source={self.source!r}, train={len(self.train_labels)}, "
            f"test={len(self.test_labels)})"
        )

    def pool(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(images, labels)` of the `"train"` or `"test"` pool.

        Args:
            name: `"train"` or `"test"`.

        Returns:
            `(images, labels)`: `[n, 28, 28]` uint8 images and `[n]` labels.

        Raises:
            ValueError: for another pool name.
        """
        if not isinstance(name, str) or name not in _POOLS:
            raise ValueError(
                f"`pool` must be 'train' or 'test'. Received: pool={name!r}"
            )
        return getattr(self, f"{name}_images"), getattr(self, f"{name}_labels")

    @classmethod
    def from_arrays(
        cls,
        images: np.ndarray,
        labels: np.ndarray,
        test_images: np.ndarray | None = None,
        test_labels: np.ndarray | None = None,
        *,
        test_fraction: float = 0.2,
        seed: int = 0,
    ) -> "Digits":
        """Builds pools from arrays; without test arrays, splits off a test pool.

        Args:
            images: `[n, 28, 28]` images, uint8 0..255 or float 0..1.
            labels: `[n]` integer labels 0..9.
            test_images: optional `[m, 28, 28]` test images.
            test_labels: optional `[m]` test labels.
            test_fraction: without test arrays, the share of every class kept
                apart as the test pool.
            seed: the seed of that split.

        Returns:
            A `Digits` with `source="arrays"`.

        Raises:
            ValueError: for wrong shapes, value ranges (NaN included) or
                labels, test images that are also training images, a
                `test_fraction` outside (0, 1), a negative `seed`, or
                `test_fraction`/`seed` together with test arrays.
        """
        images = _check_images(images, "images")
        labels = _check_labels(labels, len(images), "labels")
        if (test_images is None) != (test_labels is None):
            raise ValueError(
                "Give both `test_images` and `test_labels`, or neither. Received: "
                f"test_images is None={test_images is None}, "
                f"test_labels is None={test_labels is None}"
            )
        if test_images is not None and test_labels is not None:
            reason = "when `test_images` and `test_labels` are given"
            check_not_given("test_fraction", test_fraction, reason, 0.2)
            check_not_given("seed", seed, reason, 0)
        else:
            test_fraction = check_fraction(test_fraction, "test_fraction")
            seed = check_seed(seed)
            is_test = _stratified_mask(labels, test_fraction, seed)
            images, test_images = images[~is_test], images[is_test]
            labels, test_labels = labels[~is_test], labels[is_test]
        return cls(images, labels, test_images, test_labels, source="arrays")


def load_digits(source: str | os.PathLike = "auto", *, download: bool = True) -> Digits:
    """Loads handwritten digit pools, falling back to the embedded subset offline.

    With `source="auto"` the full MNIST set is used when Keras has it cached
    (`$KERAS_HOME/datasets/mnist.npz`) or, if `download` is true, can download
    it; otherwise a one-line warning is issued and the 6,000 embedded digits
    are used: 4,000 MNIST training digits as the training pool and 2,000
    MNIST test digits as the test pool, balanced by class. Results are cached,
    so repeated calls are free.

    MNIST can also come from a file or folder you have: an `.npz` in Keras'
    layout, or a folder with MNIST's four original files
    (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
    `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or `.gz`),
    the form in which the MNIST site and many packages distribute it.

    Args:
        source: `"auto"`, `"mnist"` (full MNIST or an error), `"embedded"`
            (always offline), the path of an `.npz` file with Keras'
            layout (`x_train`, `y_train`, `x_test`, `y_test`), or the path of
            a folder holding MNIST's four files.
        download: whether `"auto"` and `"mnist"` may download MNIST.

    Returns:
        A `Digits` whose `source` says where the digits came from.

    Raises:
        ValueError: for an unknown source, a malformed file, or a folder
            without the four MNIST files.
        OSError: for `source="mnist"` when MNIST can be neither found nor
            downloaded.

    Examples:
        >>> digits = load_digits("embedded")
        >>> digits
        Digits(source='embedded', train=4000, test=2000)
        >>> digits.train_images.shape, digits.train_images.dtype
        ((4000, 28, 28), dtype('uint8'))
    """
    if not isinstance(source, str | os.PathLike):
        raise ValueError(
            f"`source` must be one of {SOURCES}, the path of an .npz file or of a "
            f"folder of MNIST files. Received: source={source!r}"
        )
    download = check_bool(download, "download")
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and source not in SOURCES
    ):
        path = pathlib.Path(source)
        if path.is_dir():
            return _load_idx_folder(path.resolve())
        if not path.is_file():
            raise ValueError(
                f"`source` must be one of {SOURCES}, the path of an .npz file or "
                f"of a folder of MNIST files. Received: source={str(source)!r}"
            )
        return _load_file(path.resolve())
    if source == "embedded":
        return _load_embedded()
    cached = _mnist_cache_path()
    if cached.is_file():
        return _load_file(cached, source="mnist")
    if download:
        try:
            return _download_mnist()
        except Exception as error:
            if source == "mnist":
                raise OSError(f"MNIST could not be downloaded: {error}") from error
            detail = (str(error).strip().splitlines() or [""])[0][:100]
            reason = (
                f"{type(error).__name__}: {detail}" if detail else type(error).__name__
            )
    else:
        if source == "mnist":
            raise OSError(f"MNIST is not cached at {cached} and download=False.")
        reason = "download=False"
    warnings.warn(
        f"Full MNIST is unavailable ({reason}); using the 6,000 embedded digits.",
        stacklevel=2,
    )
    return _load_embedded()


def _mnist_cache_path() -> pathlib.Path:
    if "KERAS_HOME" in os.environ:
        home = pathlib.Path(os.environ["KERAS_HOME"])
    else:
        base = pathlib.Path.home()
        home = (base if os.access(base, os.W_OK) else pathlib.Path("/tmp")) / ".keras"
    return home / "datasets" / "mnist.npz"


@functools.cache
def _download_mnist() -> Digits:
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return Digits(x_train, y_train, x_test, y_test, source="mnist")


@functools.cache
def _load_embedded() -> Digits:
    return _load_file(EMBEDDED_DIGITS_PATH, source="embedded")


def _load_file(path: pathlib.Path, source: str = "file") -> Digits:
    try:
        status = path.stat()
    except OSError as error:
        raise _invalid(path, "digits .npz file", error) from error
    # The size and time are part of the cache key: a rewritten file is reread.
    return _load_file_version(path, source, status.st_size, status.st_mtime_ns)


@functools.cache
def _load_file_version(path, source, size, modified) -> Digits:
    arrays = names = None
    try:
        # An open file of our own: NumPy leaks the one it opens if unzipping fails.
        with open(path, "rb") as handle:
            archive = np.load(handle, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                raise ValueError("it holds one array, not an .npz archive")
            with archive:
                names = set(archive.files)
                for layout in (
                    ("x_train", "y_train", "x_test", "y_test"),
                    ("train_images", "train_labels", "test_images", "test_labels"),
                ):
                    if names.issuperset(layout):
                        arrays = [archive[name] for name in layout]
                        break
    except PermissionError:
        raise  # Not a damaged file: a file this user may not read.
    except _DECODING_ERRORS as error:
        raise _invalid(path, "digits .npz file", error) from error
    if arrays is not None:
        x_train, y_train, x_test, y_test = arrays
        return Digits(x_train, y_train, x_test, y_test, source=source)
    raise ValueError(
        "A digits file must hold `x_train`, `y_train`, `x_test`, `y_test`. "
        f"Received: a file with arrays {sorted(names)}"
    )


@functools.cache
def _load_idx_folder(folder: pathlib.Path) -> Digits:
    arrays = {}
    for name, stem in IDX_FILES.items():
        found = [
            path for path in (folder / stem, folder / f"{stem}.gz") if path.is_file()
        ]
        if not found:
            present = sorted(path.name for path in folder.iterdir())[:10]
            raise ValueError(
                f"A folder of MNIST files must hold `{stem}` (or `{stem}.gz`). "
                f"Received: a folder holding {present}"
            )
        arrays[name] = _read_idx(found[0], dimensions=3 if "images" in name else 1)
    return Digits(**arrays, source="idx")


def _read_idx(path, dimensions):
    """Reads an idx file of unsigned bytes (the MNIST format) into an array."""
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as handle:
            data = handle.read()
    except PermissionError:
        raise  # Not a damaged file: a file this user may not read.
    except (OSError, EOFError, zlib.error) as error:
        raise _invalid(path, "MNIST idx file", error) from error
    header = 4 + 4 * dimensions
    if data[:4] != bytes((0, 0, 8, dimensions)) or len(data) < header:
        raise ValueError(
            f"`{path.name}` must be an idx file of unsigned bytes with "
            f"{dimensions} dimension(s) (magic number {8 * 256 + dimensions:08x}). "
            f"Received: a file starting with {data[:4].hex() or 'nothing'}"
        )
    shape = tuple(
        int.from_bytes(data[4 + 4 * axis : 8 + 4 * axis], "big")
        for axis in range(dimensions)
    )
    if len(data) != header + math.prod(shape):
        raise ValueError(
            f"`{path.name}` declares shape {shape}, {header + math.prod(shape)} "
            f"bytes with its header. Received: {len(data)} bytes"
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def _invalid(path, kind, error):
    """The `ValueError` for a file that cannot be decoded."""
    reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
    reason = f"{type(error).__name__}: {reason}" if reason else type(error).__name__
    return ValueError(
        f"`source` is not a valid {kind}: {reason}. Received: path={str(path)!r}"
    )


def _check_disjoint(train_images, test_images):
    """Refuses test images that are also training images (a leak)."""
    train_rows = np.ascontiguousarray(train_images).reshape(len(train_images), -1)
    test_rows = np.ascontiguousarray(test_images).reshape(len(test_images), -1)
    seen = {row.tobytes() for row in train_rows}
    shared = [index for index, row in enumerate(test_rows) if row.tobytes() in seen]
    if shared:
        raise ValueError(
            "Expected the training and test pools to share no image, so that "
            f"held-out evaluation is held out; {len(shared)} of {len(test_images)} "
            f"test images are also training images. Received: test_images"
            f"[{shared[0]}] equal to a training image"
        )


def _check_images(images, name):
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) == 0:
        raise ValueError(
            f"`{name}` must have shape [n, 28, 28] with n > 0. "
            f"Received: {name}.shape={images.shape}"
        )
    if images.dtype.kind not in "iuf":
        raise ValueError(
            f"`{name}` must be integers 0..255 or floats 0..1. "
            f"Received: {name}.dtype={images.dtype}"
        )
    if images.dtype.kind == "f":
        if not np.isfinite(images).all():
            raise ValueError(
                f"Float `{name}` must be finite (no NaN or infinity). Received: "
                f"{np.count_nonzero(~np.isfinite(images))} non-finite values in "
                f"{name}"
            )
        if images.min() < 0 or images.max() > 1:
            raise ValueError(
                f"Float `{name}` must lie in [0, 1]. Received: values from "
                f"{images.min()} to {images.max()}"
            )
        images = np.round(images * 255)
    elif images.dtype.kind in "iu" and (images.min() < 0 or images.max() > 255):
        raise ValueError(
            f"Integer `{name}` must lie in [0, 255]. Received: values from "
            f"{images.min()} to {images.max()}"
        )
    images = np.ascontiguousarray(images, dtype=np.uint8)
    images.setflags(write=False)
    return images


def _check_labels(labels, num_images, name):
    labels = np.asarray(labels)
    if labels.shape != (num_images,) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"`{name}` must be {num_images} integer labels, one per image. "
            f"Received: {name}.shape={labels.shape}, dtype={labels.dtype}"
        )
    missing = sorted(set(range(10)) - set(np.unique(labels).tolist()))
    if labels.min() < 0 or labels.max() > 9 or missing:
        raise ValueError(
            f"`{name}` must hold every digit 0..9 and nothing else. Received: "
            f"labels from {labels.min()} to {labels.max()}, missing {missing}"
        )
    labels = labels.astype(np.uint8)
    labels.setflags(write=False)
    return labels


def _stratified_mask(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    mask = np.zeros(len(labels), dtype=bool)
    for label in range(10):
        rows = rng.permutation(np.flatnonzero(labels == label))
        mask[rows[: max(1, round(fraction * len(rows)))]] = True
    return mask
