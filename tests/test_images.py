import cv2
import numpy as np
import pytest

from mnist_arith.data import images as images_module
from mnist_arith.data.images import load_images


@pytest.fixture
def folder(tmp_path):
    """Three pictures (red, green and a gradient), a text file and a subfolder."""
    red = np.zeros((40, 30, 3), np.uint8)
    red[..., 2] = 255  # OpenCV writes BGR
    green = np.zeros((20, 20, 3), np.uint8)
    green[..., 1] = 255
    gradient = np.tile(np.linspace(0, 255, 64).astype(np.uint8), (64, 1))
    cv2.imwrite(str(tmp_path / "a_red.png"), red)
    cv2.imwrite(str(tmp_path / "b_green.JPG"), green)
    cv2.imwrite(str(tmp_path / "c_gradient.jpeg"), gradient)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "more").mkdir()
    cv2.imwrite(str(tmp_path / "more" / "d.png"), red)
    return tmp_path


def test_loads_resizes_and_scales(folder):
    images = load_images(folder, (16, 12))
    assert images.shape == (3, 16, 12, 3) and images.dtype == np.float32
    np.testing.assert_allclose(images[0, ..., 0], 1.0)  # red first: RGB order
    np.testing.assert_allclose(images[0, ..., 1:], 0.0)
    assert images[1, ..., 1].min() > 0.95 and images[1, ..., [0, 2]].max() < 0.05
    assert images.min() >= 0 and images.max() <= 1
    symmetric = load_images(folder, (16, 12), value_range=(-1, 1))
    np.testing.assert_allclose(symmetric, images * 2 - 1, atol=1e-6)
    assert symmetric[0, 0, 0].tolist() == [1.0, -1.0, -1.0]


def test_grayscale_and_max_images(folder):
    images = load_images(folder, (8, 8), grayscale=True, max_images=2)
    assert images.shape == (2, 8, 8, 1)
    gradient = load_images(folder, (8, 8), grayscale=True)[2, ..., 0]
    assert (np.diff(gradient.mean(axis=0)) > 0).all()


def test_cache_is_written_reused_and_rebuilt(folder, tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "faces.npy"
    first = load_images(folder, (8, 8), cache=cache)
    stored = np.load(cache)
    assert stored.shape == (3, 8, 8, 3) and stored.dtype == np.uint8

    def no_reading(*args):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(images_module, "_read", no_reading)
    np.testing.assert_array_equal(load_images(folder, (8, 8), cache=cache), first)
    scaled = load_images(folder, (8, 8), value_range=(-1, 1), cache=cache)
    np.testing.assert_allclose(scaled, first * 2 - 1, atol=1e-6)
    monkeypatch.undo()
    resized = load_images(folder, (4, 4), cache=cache)  # another size: rebuilt
    assert resized.shape == (3, 4, 4, 3) and np.load(cache).shape == (3, 4, 4, 3)


def test_bad_files_and_arguments(folder, tmp_path):
    with pytest.raises(ValueError, match=r"Received: directory='.*missing'"):
        load_images(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=r"holds no \.png/\.jpg/\.jpeg files"):
        load_images(empty)
    for kwargs, message in [
        ({"image_size": (8,)}, r"Received: image_size=\(8,\)"),
        ({"image_size": (8, 0)}, r"Received: image_size=\(8, 0\)"),
        ({"value_range": (1, 1)}, r"Received: value_range=\(1, 1\)"),
        ({"value_range": "ab"}, "Received: value_range='ab'"),
        ({"max_images": 0}, "Received: max_images=0"),
    ]:
        with pytest.raises(ValueError, match=message):
            load_images(folder, **kwargs)
    (folder / "broken.png").write_bytes(b"not really a png")
    with pytest.raises(
        ValueError, match=r"could not be decoded\. Received: path=.*broken"
    ):
        load_images(folder)
