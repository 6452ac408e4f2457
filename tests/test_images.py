import json
import re

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
    with pytest.raises(ValueError, match=r"other settings.*Received: cache='.*faces"):
        load_images(folder, (4, 4), cache=cache)  # another size: refused
    assert np.load(cache).shape == (3, 8, 8, 3)  # and kept


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


def test_numpy_scalars_are_accepted(folder):
    expected = load_images(folder, (8, 6), max_images=2, value_range=(-1, 1))
    images = load_images(
        folder,
        (np.int64(8), np.int32(6)),
        max_images=np.int64(2),
        value_range=(np.float32(-1), np.float64(1)),
        grayscale=np.bool_(False),
    )
    np.testing.assert_array_equal(images, expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"value_range": ("0", "1")}, r"Received: value_range=\('0', '1'\)"),
        ({"value_range": (0, np.inf)}, "Received: value_range=\\(0, inf\\)"),
        ({"value_range": (0, 1, 2)}, r"Received: value_range=\(0, 1, 2\)"),
        ({"image_size": (8.0, 8)}, r"Received: image_size=\(8\.0, 8\)"),
        ({"image_size": (True, 8)}, r"Received: image_size=\(True, 8\)"),
        ({"grayscale": "yes"}, "Received: grayscale='yes'"),
        ({"max_images": 1.5}, "Received: max_images=1.5"),
        ({"max_images": True}, "Received: max_images=True"),
        ({"cache": 3}, "Received: cache=3"),
        ({"cache": "faces.npz"}, r"\('\.npy',\).*Received: cache='faces\.npz'"),
    ],
)
def test_more_bad_arguments(folder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_images(folder, **kwargs)
    with pytest.raises(ValueError, match="Received: directory=3"):
        load_images(3)


def test_cache_path_is_checked_before_any_image_is_read(folder, monkeypatch):
    def no_reading(*args):
        raise AssertionError("images were read before the cache path was checked")

    monkeypatch.setattr(images_module, "_read", no_reading)
    (folder / "taken.npy").mkdir()
    with pytest.raises(ValueError, match=r"not a folder.*Received: cache="):
        load_images(folder, cache=folder / "taken.npy")
    (folder / "file").write_text("")
    with pytest.raises(ValueError, match=r"could not be created.*Received: cache="):
        load_images(folder, cache=folder / "file" / "faces.npy")


def test_cache_in_any_letter_case_and_damaged_caches_rebuilt(folder, tmp_path):
    cache = tmp_path / "faces.NPY"
    first = load_images(folder, (8, 8), cache=cache)
    assert np.load(cache).shape == (3, 8, 8, 3)
    for damage in (b"", b"\x93NUMPY garbage", np.random.default_rng(0).bytes(500)):
        cache.write_bytes(damage)
        np.testing.assert_array_equal(load_images(folder, (8, 8), cache=cache), first)
        assert np.load(cache).shape == (3, 8, 8, 3)
    np.savez(tmp_path / "archive.npz", images=np.zeros(3))
    (tmp_path / "archive.npz").rename(cache)  # an archive under a .npy name
    np.testing.assert_array_equal(load_images(folder, (8, 8), cache=cache), first)
    assert sorted(path.name for path in tmp_path.iterdir() if "faces" in path.name) == [
        "faces.NPY",
        "faces.NPY.json",
    ]


def test_a_failed_cache_write_keeps_the_old_cache(folder, tmp_path, monkeypatch):
    cache = tmp_path / "faces.npy"
    load_images(folder, (4, 4), cache=cache)
    old = cache.read_bytes()

    def disk_full(file, array, allow_pickle=True):
        if not hasattr(file, "write"):
            file = open(file, "wb")  # noqa: SIM115 (what a path-taking writer does)
        file.write(b"\x93NUMPY partial")
        file.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", disk_full)
    cv2.imwrite(str(folder / "e_new.png"), np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(OSError, match="No space"):
        load_images(folder, (4, 4), cache=cache)  # a new file: rebuilt
    assert cache.read_bytes() == old
    # The old record is gone, so the old images are rebuilt next time.
    assert [path.name for path in tmp_path.iterdir() if "faces" in path.name] == [
        "faces.npy"
    ]
    monkeypatch.undo()
    assert load_images(folder, (4, 4), cache=cache).shape == (4, 4, 4, 3)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "it is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "it could not be decoded"),
    ],
    ids=["empty", "bad header"],
)
def test_corrupt_image_files_raise_value_error(folder, content, reason):
    (folder / "broken.png").write_bytes(content)
    with pytest.raises(
        ValueError,
        match=rf"not a valid PNG or JPEG image: {reason}\. "
        r"Received: path='.*broken\.png'$",
    ):
        load_images(folder)


def test_a_cache_of_another_folder_or_setting_is_refused(folder, tmp_path):
    cache = tmp_path / "caches" / "faces.npy"
    load_images(folder, (8, 8), cache=cache)
    record = json.loads((tmp_path / "caches" / "faces.npy.json").read_text())
    assert record["image_size"] == [8, 8] and record["grayscale"] is False
    assert record["shape"] == [3, 8, 8, 3] and len(record["listing_sha256"]) == 64
    other = tmp_path / "other"
    other.mkdir()
    cv2.imwrite(str(other / "a.png"), np.zeros((8, 8, 3), np.uint8))
    stored = cache.read_bytes()
    for arguments, keywords in [
        ((other, (8, 8)), {}),
        ((folder, (8, 8)), {"grayscale": True}),
        ((folder, (8, 4)), {}),
    ]:
        with pytest.raises(
            ValueError,
            match=r"another folder or other settings \(folder='.*', "
            r"image_size=\(8, 8\), grayscale=False\); delete it.*"
            rf"Received: cache='{re.escape(str(cache))}'$",
        ):
            load_images(*arguments, cache=cache, **keywords)
    assert cache.read_bytes() == stored


def test_a_changed_folder_or_damaged_record_rebuilds_the_cache(
    folder, tmp_path, monkeypatch
):
    cache = tmp_path / "faces.npy"
    load_images(folder, (8, 8), cache=cache)
    reads = []
    real_read = images_module._read

    def counting_read(path, *arguments):
        reads.append(path.name)
        return real_read(path, *arguments)

    monkeypatch.setattr(images_module, "_read", counting_read)
    load_images(folder, (8, 8), cache=cache)
    assert reads == []  # the cache was used
    cv2.imwrite(str(folder / "d_blue.png"), np.full((8, 8, 3), 200, np.uint8))
    assert load_images(folder, (8, 8), cache=cache).shape == (4, 8, 8, 3)
    assert len(reads) == 4 and np.load(cache).shape == (4, 8, 8, 3)
    (tmp_path / "faces.npy.json").write_text("{not json")
    assert load_images(folder, (8, 8), cache=cache).shape == (4, 8, 8, 3)
    assert len(reads) == 8
    load_images(folder, (8, 8), cache=cache)
    assert len(reads) == 8
