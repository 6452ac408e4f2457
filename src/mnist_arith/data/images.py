"""Image folders for the generative models (the course's faces, your photos)."""

import os
import pathlib
from collections.abc import Sequence

import cv2
import numpy as np

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

    With `cache`, the resized uint8 images are saved to that `.npy` file and
    read from it next time, as long as it holds as many images of the same
    size as the folder would give (otherwise it is rebuilt).

    Args:
        directory: the folder of images.
        image_size: `(height, width)` in pixels.
        value_range: `(low, high)` of the returned values.
        grayscale: one channel instead of three.
        max_images: read at most this many files (the first in name order).
        cache: the path of a `.npy` cache file, or `None`.

    Returns:
        A `[num_images, height, width, channels]` float32 array.

    Raises:
        ValueError: for a missing folder, a folder without images, a file
            that can't be decoded, or invalid sizes or range.

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> red = np.full((80, 60, 3), (0, 0, 255), np.uint8)  # OpenCV writes BGR
        >>> _ = cv2.imwrite(f"{folder}/red.png", red)
        >>> images = load_images(folder, (32, 32), value_range=(-1, 1))
        >>> images.shape, images[0, 0, 0].tolist()
        ((1, 32, 32, 3), [1.0, -1.0, -1.0])
    """
    folder = pathlib.Path(directory)
    if not folder.is_dir():
        raise ValueError(
            f"`directory` must be an existing folder. Received: directory="
            f"{str(directory)!r}"
        )
    image_size = _check_image_size(image_size)
    low, high = _check_value_range(value_range)
    if max_images is not None and (
        isinstance(max_images, bool)
        or not isinstance(max_images, int)
        or max_images < 1
    ):
        raise ValueError(
            "`max_images` must be None or a positive integer. "
            f"Received: max_images={max_images!r}"
        )
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
        cache = pathlib.Path(cache)
        try:
            cached = np.load(cache, allow_pickle=False) if cache.is_file() else None
        except (OSError, ValueError):  # unreadable: rebuilt below
            cached = None
        if cached is not None and (
            cached.shape == expected_shape and cached.dtype == np.uint8
        ):
            images = cached
    if images is None:
        images = np.stack([_read(path, image_size, grayscale) for path in files])
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, images, allow_pickle=False)
    unit = images.astype(np.float32) / np.float32(255)
    return unit * np.float32(high - low) + np.float32(low)


def _read(path, image_size, grayscale):
    data = np.fromfile(path, dtype=np.uint8)
    flag = cv2.IMREAD_GRAYSCALE if grayscale else cv2.IMREAD_COLOR
    image = cv2.imdecode(data, flag) if data.size else None
    if image is None:
        raise ValueError(
            f"An image file could not be decoded. Received: path={str(path)!r}"
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
        or any(
            isinstance(value, bool) or not isinstance(value, int) or value < 1
            for value in size
        )
    ):
        raise ValueError(
            "`image_size` must be (height, width) of positive integers. "
            f"Received: image_size={image_size!r}"
        )
    return size


def _check_value_range(value_range):
    try:
        low, high = (float(value) for value in value_range)
    except (TypeError, ValueError):
        low = high = None
    if low is None or not np.isfinite([low, high]).all() or not low < high:
        raise ValueError(
            "`value_range` must be (low, high) with low < high, such as (0, 1) "
            f"or (-1, 1). Received: value_range={value_range!r}"
        )
    return low, high
