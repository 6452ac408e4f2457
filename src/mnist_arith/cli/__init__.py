"""The `mnist-arith` command line: build data, train, evaluate and sample.

Every command prints what it did and saves what it made (`.keras` models,
`.png` figures, `.csv`/`.npz` data). Keras picks the backend when it is first
imported, so choose it with the environment, as for any Keras program:

```bash
KERAS_BACKEND=jax mnist-arith queries 2023 --show 5
KERAS_BACKEND=jax mnist-arith train text2text --epochs 40 --output adder.keras
KERAS_BACKEND=jax mnist-arith evaluate adder.keras --figure errors.png
KERAS_BACKEND=jax mnist-arith train vae --conditional --output vae.keras
KERAS_BACKEND=jax mnist-arith sample vae.keras --output samples.png
KERAS_BACKEND=torch mnist-arith train vae --images faces/ --output faces.keras
```

One module per command; `train` has one sub-command per model, each with only
the options that apply to it. A saved model tells the commands what it is.
Bad arguments, missing or unreadable files and a missing backend print one
line naming the argument, file or backend and exit with status 2; `--help`
works without a backend.
"""

import argparse
import sys

from mnist_arith import _keras
from mnist_arith.cli import arithmetic
from mnist_arith.cli import evaluate
from mnist_arith.cli import images
from mnist_arith.cli import interpolate
from mnist_arith.cli import queries
from mnist_arith.cli import sample
from mnist_arith.cli import train
from mnist_arith.cli._common import HelpFormatter
from mnist_arith.cli._common import UsageError

__all__ = ["build_parser", "main"]

COMMANDS = (queries, images, train, evaluate, sample, interpolate, arithmetic)


def main(argv: list[str] | None = None) -> int:
    """Runs the `mnist-arith` command line.

    Args:
        argv: the arguments after the program name; default `sys.argv[1:]`.

    Returns:
        The exit status: 0 on success, 2 for bad arguments or input.

    Examples:
        >>> main(["queries", "2023", "--show", "2"])  # doctest: +NORMALIZE_WHITESPACE
        2023: 20,000 queries, query width 5, answer width 3,
        vocabulary '0123456789+- '
        '0+0  ' -> '0  '
        '0-0  ' -> '0  '
        0
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        # Help and bad arguments need no backend; every command does.
        _keras.import_keras()
        arguments.command(arguments)
    except (UsageError, ValueError, OSError, _keras.BackendError) as error:
        parser.exit(2, f"{parser.prog}: error: {_message(error)}\n")
    return 0


def _message(error: Exception) -> str:
    """What a user error says, with the file it concerns for an `OSError`."""
    if isinstance(error, OSError) and error.filename is not None:
        reason = error.strerror or str(error)
        return f"{reason}: {error.filename}"
    return str(error)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `mnist-arith`, one sub-command per task.

    Returns:
        The parser; `parse_args` gives a namespace whose `command` runs it.

    Examples:
        >>> parser = build_parser()
        >>> arguments = parser.parse_args(["train", "vae", "--output", "v.keras"])
        >>> arguments.model, arguments.epochs, arguments.batch_size
        ('vae', 30, 64)
    """
    parser = argparse.ArgumentParser(
        prog="mnist-arith",
        description="Arithmetic on handwritten digits with Keras 3. The backend "
        "comes from the KERAS_BACKEND environment variable.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(title="commands", required=True)
    for command in COMMANDS:
        command.register(commands)
    return parser


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("mnist-arith")
    except metadata.PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
