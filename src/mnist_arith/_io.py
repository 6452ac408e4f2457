"""Safe file output: paths checked before the work, files replaced atomically.

Helpers for every place the package writes a file:

- `check_output_path(path, suffixes)` checks an output path before any work
  starts (the folder exists and is writable, the path is not a folder, the
  extension is one of those supported), so that a long computation never ends
  in an error about its output.
- `atomic_write(path)` writes through a temporary file in the same folder and
  replaces the target only once everything is written and synced: a failed
  write (an exception, a full disk, a killed process) never leaves a partial
  file, and an existing file stays as it was.
- `replacing(path, suffix)` does the same for writers that take a path
  (Keras's `save` and `save_weights`): `save_model` is built on it.
"""

import contextlib
import os
import pathlib
import secrets
import stat
from collections.abc import Iterator
from collections.abc import Sequence
from typing import IO

_MODES = ("wb", "w")


def check_output_path(
    path: str | os.PathLike, suffixes: Sequence[str], name: str = "path"
) -> pathlib.Path:
    """Checks that a file can be written at `path`, before any work starts.

    The extension is compared case-insensitively, so `"model.KERAS"` passes
    for `suffixes=(".keras",)`. An existing file at `path` is fine (it will be
    replaced); an existing folder is not.

    Args:
        path: the output file, as a string or `os.PathLike`.
        suffixes: the accepted extensions, with their dot, e.g.
            `(".csv", ".npz")`.
        name: the argument name used in error messages (e.g. `"--output"`).

    Returns:
        `path` as a `pathlib.Path` (not resolved).

    Raises:
        ValueError: if `path` is empty, names a folder, lies in a folder that
            does not exist or is not writable, or has another extension. The
            message ends with `Received: {name}=...`.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> check_output_path(f"{folder}/queries.CSV", (".csv", ".npz")).suffix
        '.CSV'
        >>> try:
        ...     check_output_path(folder, (".csv",))
        ... except ValueError as error:
        ...     print(str(error).split(" Received")[0])
        Expected `path` to be a file path, not a folder.
    """
    accepted = _check_suffixes(suffixes)
    if not isinstance(path, str | os.PathLike) or (isinstance(path, str) and not path):
        raise ValueError(
            f"Expected `{name}` to be a non-empty file path (str or os.PathLike). "
            f"Received: {name}={path!r}"
        )
    output = pathlib.Path(path)
    received = f"Received: {name}={str(path)!r}"
    if output.is_dir():
        raise ValueError(
            f"Expected `{name}` to be a file path, not a folder. {received}"
        )
    if output.suffix.lower() not in accepted:
        raise ValueError(
            f"Expected `{name}` to end with one of {accepted} (any letter case). "
            f"{received}"
        )
    folder = output.parent
    if not folder.is_dir():
        raise ValueError(
            f"Expected `{name}` to lie in an existing folder; create "
            f"{str(folder)!r} first. {received}"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(
            f"Expected `{name}` to lie in a writable folder; {str(folder)!r} is "
            f"not writable. {received}"
        )
    return output


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike,
    mode: str = "wb",
    *,
    encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO]:
    """Opens a file for writing that replaces `path` only if all goes well.

    The data goes to a temporary file in the same folder (so that the final
    rename never crosses file systems). When the `with` block ends without an
    exception, the file is flushed and synced to disk and renamed over `path`
    with `os.replace`, which is atomic: readers see the old file or the new
    one, never a mix. If anything fails (an exception in the block, a full
    disk, a failed sync or rename), the temporary file is removed, the
    exception propagates and an existing `path` is untouched.

    The new file gets the permissions of the file it replaces, or for a new
    file the usual ones (`0o666` less the umask). A symbolic link at `path` is
    replaced by a regular file; its target is not changed.

    Args:
        path: the file to write.
        mode: `"wb"` (binary, the default) or `"w"` (text).
        encoding: the text encoding for `mode="w"` (default UTF-8).
        newline: the newline translation for `mode="w"`, as for `open`.

    Yields:
        The open temporary file, to write to (also with `np.save` or
        `np.savez_compressed`, which accept open files).

    Raises:
        ValueError: for an unknown `mode`, or `encoding`/`newline` with a
            binary mode.
        OSError: whatever the operating system raises when writing fails
            (after the clean-up).

    Example:
        >>> import tempfile, numpy as np
        >>> path = f"{tempfile.mkdtemp()}/cache.npy"
        >>> with atomic_write(path) as file:
        ...     np.save(file, np.arange(3))
        >>> np.load(path).tolist()
        [0, 1, 2]
        >>> with atomic_write(path, "w", encoding="utf-8") as file:
        ...     _ = file.write("a partial line")
        ...     raise RuntimeError("disk full")
        Traceback (most recent call last):
        ...
        RuntimeError: disk full
        >>> np.load(path).tolist()  # the old file is untouched
        [0, 1, 2]
    """
    if mode not in _MODES:
        raise ValueError(
            f"Expected `mode` to be one of {_MODES}. Received: mode={mode!r}"
        )
    if mode == "wb" and (encoding is not None or newline is not None):
        raise ValueError(
            "`encoding` and `newline` apply to the text mode 'w' only. "
            f"Received: mode={mode!r}, encoding={encoding!r}, newline={newline!r}"
        )
    target = pathlib.Path(path)
    temporary, descriptor = _create_temporary(target)
    try:
        with contextlib.suppress(OSError):  # Keep the replaced file's permissions.
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        file: IO
        if mode == "wb":
            file = os.fdopen(descriptor, "wb")
        else:
            file = os.fdopen(
                descriptor, "w", encoding=encoding or "utf-8", newline=newline
            )
        descriptor = None  # The file object owns it now.
        with file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        if descriptor is not None:
            os.close(descriptor)
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _create_temporary(target):
    """Creates a new, empty temporary file next to `target` (umask applies)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def _sync_folder(folder):
    """Syncs the folder entry of a rename where the platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _check_suffixes(suffixes):
    if isinstance(suffixes, str):
        suffixes = (suffixes,)
    accepted = tuple(suffixes)
    if not accepted or not all(
        isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1
        for suffix in accepted
    ):
        raise ValueError(
            "Expected `suffixes` to be extensions with their dot, e.g. "
            f"('.csv', '.npz'). Received: suffixes={suffixes!r}"
        )
    return tuple(suffix.lower() for suffix in accepted)


@contextlib.contextmanager
def replacing(target: pathlib.Path, suffix: str) -> Iterator[pathlib.Path]:
    """A temporary path next to `target` that replaces it once written.

    For writers that take a path rather than a file object (Keras's `save`
    and `save_weights`, which also read the extension): the caller writes to
    the yielded path; on success it replaces `target` atomically, on failure
    it is removed and `target` is untouched.

    Args:
        target: the file to replace.
        suffix: the temporary file's extension, such as `".keras"`.

    Yields:
        The temporary path, in `target`'s folder, ending with `suffix`.

    Example:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
        >>> with replacing(target, ".txt") as temporary:
        ...     _ = temporary.write_text("done")
        >>> target.read_text(), sorted(path.name for path in target.parent.iterdir())
        ('done', ['notes.txt'])
    """
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp{suffix}")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    _sync_folder(target.parent)


def save_model(model, path: str | os.PathLike) -> pathlib.Path:
    """Saves a Keras model to a `.keras` file atomically.

    Keras writes to a temporary `.keras` file in the same folder, which then
    replaces `path`; if saving fails the temporary file is removed and an
    existing file at `path` is untouched.

    Args:
        model: the `keras.Model` to save.
        path: the file to write, ending with `.keras` (any letter case).

    Returns:
        The path written, as a `pathlib.Path`.

    Raises:
        ValueError: for another extension or a folder that cannot be written.
    """
    target = check_output_path(path, (".keras",))
    with replacing(target, ".keras") as temporary:
        model.save(temporary)
    return target


def save_figure(figure, path: str | os.PathLike, **kwargs) -> pathlib.Path:
    """Saves a matplotlib figure as a PNG file atomically.

    Args:
        figure: the `matplotlib.figure.Figure` to save.
        path: the file to write, ending with `.png` (any letter case).
        **kwargs: `Figure.savefig` options (`dpi`, `bbox_inches`, ...).

    Returns:
        The path written, as a `pathlib.Path`.

    Raises:
        ValueError: for another extension or a folder that cannot be written.
    """
    target = check_output_path(path, (".png",))
    with atomic_write(target) as file:
        figure.savefig(file, format="png", **kwargs)
    return target
