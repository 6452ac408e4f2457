"""Writes docs/api/cli-options.md, the option reference, from the CLI parser.

Usage: `python tools/write_cli_reference.py` (from the repository root). The
test suite fails when the committed page differs from what this writes.
"""

import pathlib

from mnist_arith._io import atomic_write
from mnist_arith.cli import build_parser
from mnist_arith.cli._reference import markdown_reference

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "api" / "cli-options.md"


def main() -> None:
    with atomic_write(PAGE, "w") as file:
        file.write(markdown_reference(build_parser()))
    print(f"wrote {PAGE}")


if __name__ == "__main__":
    main()
