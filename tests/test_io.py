import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from mnist_arith import _io
from mnist_arith._io import atomic_write
from mnist_arith._io import check_output_path


def leftovers(folder, name):
    return sorted(path.name for path in folder.iterdir() if path.name != name)


def test_atomic_write_replaces_the_file(tmp_path):
    path = tmp_path / "cache.npy"
    path.write_bytes(b"old")
    with atomic_write(path) as file:
        np.save(file, np.arange(4))
    np.testing.assert_array_equal(np.load(path), [0, 1, 2, 3])
    with atomic_write(str(path), "w", encoding="utf-8", newline="\n") as file:
        file.write("query,answer\n")
    assert path.read_bytes() == b"query,answer\n"
    assert leftovers(tmp_path, "cache.npy") == []


def test_atomic_write_keeps_the_old_file_when_the_writer_raises(tmp_path):
    path = tmp_path / "queries.csv"
    path.write_bytes(b"old bytes")
    with pytest.raises(RuntimeError, match="half-way"), atomic_write(path) as file:
        file.write(b"new bytes, but only half")
        raise RuntimeError("half-way")
    assert path.read_bytes() == b"old bytes"
    assert leftovers(tmp_path, "queries.csv") == []
    with pytest.raises(KeyboardInterrupt), atomic_write(tmp_path / "new.csv"):
        raise KeyboardInterrupt
    assert leftovers(tmp_path, "queries.csv") == []


def test_replacing_writes_through_a_path_with_the_suffix(tmp_path):
    path = tmp_path / "model.weights.h5"
    path.write_bytes(b"old")
    with _io.replacing(path, ".weights.h5") as temporary:
        assert temporary.parent == tmp_path and temporary.name.endswith(".weights.h5")
        assert not temporary.exists()
        temporary.write_bytes(b"new")
    assert path.read_bytes() == b"new"
    assert leftovers(tmp_path, "model.weights.h5") == []
    # A writer that fails half-way leaves the old file and nothing else.
    with (
        pytest.raises(RuntimeError, match="half-way"),
        _io.replacing(path, ".weights.h5") as temporary,
    ):
        temporary.write_bytes(b"partial")
        raise RuntimeError("half-way")
    assert path.read_bytes() == b"new"
    assert leftovers(tmp_path, "model.weights.h5") == []


def test_atomic_write_keeps_permissions(tmp_path):
    path = tmp_path / "shared.csv"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    with atomic_write(path) as file:
        file.write(b"new")
    assert path.read_bytes() == b"new" and (path.stat().st_mode & 0o777) == 0o640


def test_atomic_write_bad_arguments(tmp_path):
    with (
        pytest.raises(ValueError, match="Received: mode='a'"),
        atomic_write(tmp_path / "file", "a"),
    ):
        pass
    with (
        pytest.raises(ValueError, match="encoding='utf-8'"),
        atomic_write(tmp_path / "file", "wb", encoding="utf-8"),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


WRITER = """
import importlib.util, resource, signal, sys

# The module alone, without the package (and Keras) around it: a fast start.
spec = importlib.util.spec_from_file_location("_io", sys.argv[2])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
atomic_write = module.atomic_write

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    with atomic_write(sys.argv[1]) as file:
        for _ in range(100):
            file.write(b"x" * 1000)
except OSError as error:
    print(type(error).__name__, error.errno)
    sys.exit(3)
"""


@pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs RLIMIT_FSIZE"
)
def test_atomic_write_survives_a_full_disk(tmp_path):
    """A file-size limit makes every write past 4 KiB fail, like a full disk."""
    path = tmp_path / "digits.npy"
    old = bytes(range(256)) * 4
    path.write_bytes(old)
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(path), _io.__file__],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    assert result.stdout.split()[0] in ("OSError", "FileTooLargeError")
    assert path.read_bytes() == old
    assert leftovers(tmp_path, "digits.npy") == []


def test_check_output_path_accepts_files_in_any_letter_case(tmp_path):
    path = check_output_path(str(tmp_path / "queries.CSV"), (".csv", ".npz"))
    assert path == tmp_path / "queries.CSV"
    (tmp_path / "model.keras").write_bytes(b"old")  # An existing file is fine.
    assert check_output_path(tmp_path / "model.keras", ".keras").name == "model.keras"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("folder", r"not a folder\. Received: path='.*folder'"),
        ("missing/queries.csv", r"existing folder.*Received: path='.*missing"),
        ("queries.txt", r"\('\.csv', '\.npz'\).*Received: path='.*queries\.txt'"),
        ("queries", r"end with one of.*Received: path='.*queries'"),
    ],
)
def test_check_output_path_refuses(tmp_path, name, message):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ValueError, match=message):
        check_output_path(tmp_path / name, (".csv", ".npz"))


def test_check_output_path_names_the_argument(tmp_path):
    with pytest.raises(ValueError, match=r"`--output`.*Received: --output='.*\.png'"):
        check_output_path(tmp_path / "figure.png", (".npy",), "--output")
    with pytest.raises(ValueError, match="Received: path=3"):
        check_output_path(3, (".csv",))
    with pytest.raises(ValueError, match="Received: path=''"):
        check_output_path("", (".csv",))
    with pytest.raises(ValueError, match=r"Received: suffixes=\('csv',\)"):
        check_output_path(tmp_path / "a.csv", ("csv",))


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root may write to any folder",
)
def test_check_output_path_refuses_an_unwritable_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ValueError, match=r"not writable.*Received: path="):
            check_output_path(folder / "queries.csv", (".csv",))
    finally:
        folder.chmod(0o700)
