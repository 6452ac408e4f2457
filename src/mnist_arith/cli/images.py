"""`mnist-arith images`: render queries in handwriting and save them."""

import argparse
import pathlib

from mnist_arith._io import atomic_write
from mnist_arith._io import save_figure
from mnist_arith.cli import _common


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `images` command."""
    parser = _common.add_command(
        commands,
        "images",
        "render queries as handwritten images and save them",
        "Renders a seeded random sample of an edition's queries (or its first "
        "ones, with --first) in handwriting from a digit pool and saves them as "
        "a .png figure (one query per row) or a .npy array of uint8 images.",
    )
    parser.add_argument(
        "preset", choices=tuple(_common.PRESETS), help="the course edition"
    )
    parser.add_argument(
        "--output", required=True, help="the .png figure or .npy array to write"
    )
    parser.add_argument(
        "--count", type=_common.positive_int, default=8, help="queries to render"
    )
    parser.add_argument(
        "--first",
        action="store_true",
        help="the first queries in the course's order instead of a random sample",
    )
    parser.add_argument(
        "--pool",
        choices=("train", "test"),
        default="train",
        help="the digit pool to draw the handwriting from",
    )
    _common.add_digits_argument(parser)
    _common.add_seed_argument(parser)
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Renders `--count` queries and saves them."""
    import numpy as np

    import mnist_arith

    _common.check_output(arguments.output, (".png", ".npy"), "--output")
    if arguments.first:
        queries = mnist_arith.make_queries(arguments.preset)[: arguments.count]
    else:
        available = len(mnist_arith.make_queries(arguments.preset))
        queries = mnist_arith.make_queries(
            arguments.preset,
            num_samples=min(arguments.count, available),
            seed=arguments.seed,
        )
    digits = mnist_arith.load_digits(arguments.digits)
    images = mnist_arith.render_query_images(
        queries.queries,
        digits,
        pool=arguments.pool,
        seed=arguments.seed,
        dtype="uint8",
        glyph_style="2021" if arguments.preset.startswith("2021") else "2023",
    )
    output = pathlib.Path(arguments.output)
    if output.suffix.lower() == ".npy":
        with atomic_write(output) as file:
            np.save(file, images)
    else:
        figure = mnist_arith.plot_image_grid(images[..., None], image_width=0.5)
        save_figure(figure, output, dpi=100, bbox_inches="tight")
    shown = ", ".join(repr(query) for query in queries.queries[:8])
    more = ", ..." if len(queries) > 8 else ""
    print(
        f"saved {len(images)} queries {images.shape} from the {digits.source!r} "
        f"{arguments.pool} pool to {output}: {shown}{more}"
    )
