"""Image folders for the generative models (the course's faces, your photos)."""

import contextlib
import hashlib
import json
import os
import pathlib
import pickle
import zipfile
from collections.abc import Sequence

import cv2
import numpy as np

from mnist_arith._io import atomic_write
from mnist_arith._io import check_output_path
from mnist_arith._validation import check_bool
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import fail
from mnist_arith._validation import is_integer
from mnist_arith._validation import is_number

EXTENSIONS = (".png", ".jpg", ".jpeg")
"""The file types `load_images` reads (any letter case)."""


def load_images(
    directory: str | os.PathLike,
    image_size: Sequence[int] = (64, 64),
    *,
    value_range: Sequence[float] = (0.0, 1.0),
    grayscale: bool = False,
    max_images: int | None = None,
    cache: str | os.PathLike | None = None,
) -> np.ndarray:
    """Loads the PNG and JPEG images of a folder as one float32 array.

    Files are read in name order (subfolders are not searched), converted to
    RGB (or grayscale), resized with OpenCV's area interpolation to
    `image_size` (the aspect ratio is not kept: crop beforehand if it
    matters) and scaled linearly from 0..255 to `value_range`: `(0, 1)` for
    sigmoid decoders, `(-1, 1)` for a tanh GAN generator.

    With `cache`, the resized uint8 images are saved to that `.npy` file,
    with a record beside it (the same name plus `.json`) of the folder, a
    SHA-256 hash of its listing (the names, sizes and modification times of
    the files read) and the `image_size` and `grayscale` settings. Next time
    the cache is read instead of the images when the record matches. A
    cache of the same folder whose files have changed since, or a damaged
    cache or record, is rebuilt; a cache made from another folder or with
    other settings is refused with a `ValueError`, so that it is never used
    for the wrong images nor silently replaced. Both files are written
    atomically, the record last (and an old record is removed first): an
    interrupted or failed write never leaves a partial file, nor a record
    that vouches for images it does not describe.

    Args:
        directory: the folder of images.
        image_size: `(height, width)` in pixels.
        value_range: `(low, high)` of the returned values.
        grayscale: one channel instead of three.
        max_images: read at most this many files (the first in name order).
        cache: the path of a `.npy` cache file (any letter case), or `None`.
            Missing folders on its path are created.

    Returns:
        A `[num_images, height, width, channels]` float32 array.

    Raises:
        ValueError: for a missing folder, a folder without images, a file
            that can't be read or decoded, invalid sizes, range or flags, or
            a cache path that is a folder, lacks `.npy` or can't be written,
            or a cache made from another folder or with other settings.

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> red = np.full((80, 60, 3), (0, 0, 255), np.uint8)  # OpenCV writes BGR
        >>> _ = cv2.imwrite(f"{folder}/red.png", red)
        >>> images = load_images(folder, (32, 32), value_range=(-1, 1))
        >>> images.shape, images[0, 0, 0].tolist()
        ((1, 32, 32, 3), [1.0, -1.0, -1.0])

        A cache belongs to one folder and one set of settings:

        >>> cache = f"{tempfile.mkdtemp()}/red.npy"
        >>> first = load_images(folder, (32, 32), cache=cache)  # writes it
        >>> bool((load_images(folder, (32, 32), cache=cache) == first).all())
        True
        >>> try:
        ...     load_images(folder, (16, 16), cache=cache)
        ... except ValueError as error:
        ...     print(str(error).split(" (")[0])
        `cache` holds the images of another folder or other settings
    """
    if not isinstance(directory, str | os.PathLike):
        fail("directory", "a folder path (str or os.PathLike)", directory)
    folder = pathlib.Path(directory)
    if not folder.is_dir():
        raise ValueError(
            f"`directory` must be an existing folder. Received: directory="
            f"{str(directory)!r}"
        )
    image_size = _check_image_size(image_size)
    low, high = _check_value_range(value_range)
    grayscale = check_bool(grayscale, "grayscale")
    if max_images is not None:
        max_images = check_positive_int(max_images, "max_images")
    if cache is not None:
        cache = _check_cache(cache)
    files = sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.suffix.lower() in EXTENSIONS
    )[:max_images]
    if not files:
        raise ValueError(
            f"`directory` holds no {'/'.join(EXTENSIONS)} files. "
            f"Received: directory={str(directory)!r}"
        )
    channels = 1 if grayscale else 3
    expected_shape = (len(files), *image_size, channels)
    images = None
    if cache is not None:
        record = _cache_record(folder, files, image_size, grayscale)
        images = _cached_images(cache, record, expected_shape)
    if images is None:
        images = np.stack([_read(path, image_size, grayscale) for path in files])
        if cache is not None:
            _write_cache(cache, record, images)
    unit = images.astype(np.float32) / np.float32(255)
    return unit * np.float32(high - low) + np.float32(low)


def _cache_record(folder, files, image_size, grayscale):
    """What a cache was made from: the folder, its listing and the settings."""
    listing = []
    for path in files:
        status = path.stat()
        listing.append([path.name, status.st_size, status.st_mtime_ns])
    text = json.dumps(listing, separators=(",", ":"))
    return {
        "folder": str(folder.resolve()),
        "listing_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "image_size": list(image_size),
        "grayscale": grayscale,
    }


def _record_path(cache):
    return cache.with_name(cache.name + ".json")


def _cached_images(cache, record, expected_shape):
    """The cached images if the cache matches `record`, else `None`.

    Raises `ValueError` for a cache made from another folder or with other
    settings; a stale, damaged or unrecorded cache gives `None` (rebuilt).
    """
    stored = _read_record(_record_path(cache))
    if stored is None:
        return None
    settings = ("folder", "image_size", "grayscale")
    if any(stored.get(name) != record[name] for name in settings):
        made = ", ".join(f"{name}={_shown(stored.get(name))!r}" for name in settings)
        raise ValueError(
            f"`cache` holds the images of another folder or other settings "
            f"({made}); delete it or choose another cache path. "
            f"Received: cache={str(cache)!r}"
        )
    if stored.get("listing_sha256") != record["listing_sha256"]:
        return None  # The folder's files changed: rebuilt.
    cached = _read_cache(cache)
    if cached is None or cached.shape != expected_shape or cached.dtype != np.uint8:
        return None
    return cached


def _shown(value):
    """A recorded setting as the argument was given (JSON has no tuples)."""
    return tuple(value) if isinstance(value, list) else value


def _write_cache(cache, record, images):
    """Writes the images, then their record; no record vouches for old data."""
    record_path = _record_path(cache)
    with contextlib.suppress(FileNotFoundError):
        record_path.unlink()
    with atomic_write(cache) as file:
        np.save(file, images, allow_pickle=False)
    with atomic_write(record_path, "w", encoding="utf-8") as file:
        json.dump({**record, "shape": list(images.shape)}, file, indent=1)


def _read(path, image_size, grayscale):
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except PermissionError:
        raise  # Not a damaged file: a file this user may not read.
    except OSError as error:
        raise ValueError(
            f"An image file is not a valid image: {type(error).__name__}: "
            f"{error.strerror or error}. Received: path={str(path)!r}"
        ) from error
    flag = cv2.IMREAD_GRAYSCALE if grayscale else cv2.IMREAD_COLOR
    try:
        image = cv2.imdecode(data, flag) if data.size else None
    except cv2.error:
        image = None
    if image is None:
        reason = "it is empty" if not data.size else "it could not be decoded"
        raise ValueError(
            f"An image file is not a valid PNG or JPEG image: {reason}. "
            f"Received: path={str(path)!r}"
        )
    height, width = image_size
    image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    if grayscale:
        return image[..., None]
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _check_image_size(image_size):
    try:
        size = tuple(image_size)
    except TypeError:
        size = None
    if (
        size is None
        or len(size) != 2
        or not all(is_integer(value) and value >= 1 for value in size)
    ):
        raise ValueError(
            "`image_size` must be (height, width) of positive integers. "
            f"Received: image_size={image_size!r}"
        )
    return tuple(int(value) for value in size)


def _check_value_range(value_range):
    try:
        bounds = tuple(value_range)
    except TypeError:
        bounds = None
    if (
        bounds is None
        or len(bounds) != 2
        or not all(is_number(value) and np.isfinite(value) for value in bounds)
        or not bounds[0] < bounds[1]
    ):
        raise ValueError(
            "`value_range` must be (low, high) with low < high, such as (0, 1) "
            f"or (-1, 1). Received: value_range={value_range!r}"
        )
    return float(bounds[0]), float(bounds[1])


def _check_cache(cache):
    """Checks the cache path before any image is read; creates its folder."""
    if not isinstance(cache, str | os.PathLike):
        fail("cache", "None or the path of a .npy file", cache)
    path = pathlib.Path(cache)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(
            f"The folder of `cache` could not be created: {error}. "
            f"Received: cache={str(cache)!r}"
        ) from error
    return check_output_path(path, (".npy",), "cache")


def _read_record(path):
    """The record of a cache, or `None` if it is missing or damaged."""
    try:
        with open(path, encoding="utf-8") as file:
            record = json.load(file)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise  # Not damaged: a file this user may not read.
    except (OSError, ValueError):
        return None  # Damaged: the cache is rebuilt.
    return record if isinstance(record, dict) else None


def _read_cache(path):
    """The cached array, or `None` if it is missing, damaged or not an array."""
    if not path.is_file():
        return None
    try:
        cached = np.load(path, allow_pickle=False)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, pickle.PickleError):
        return None  # Damaged: rebuilt and replaced by the caller.
    if not isinstance(cached, np.ndarray):
        cached.close()  # An .npz archive under a .npy name.
        return None
    return cached
