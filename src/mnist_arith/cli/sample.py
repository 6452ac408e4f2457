"""`mnist-arith sample`: draw images from a saved generative model."""

import argparse

from mnist_arith._io import save_figure
from mnist_arith.cli import _common

# Text2Image draws with a VAE's decoder, in [0, 1]; it has no `value_range`.
TEXT2IMAGE_VALUE_RANGE = (0.0, 1.0)


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `sample` command."""
    parser = _common.add_command(
        commands,
        "sample",
        "draw samples from a saved generative model",
        "Draws a grid of samples from a saved VAE or GAN (row i shows class i "
        "of a conditional model), or the answers of given queries from a saved "
        "text2image model, and saves them as .png.",
    )
    parser.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    parser.add_argument("--output", required=True, help="the .png file to write")
    grid = parser.add_argument_group("VAE and GAN")
    grid.add_argument(
        "--rows", type=_common.positive_int, default=10, help="rows of the grid"
    )
    grid.add_argument(
        "--columns", type=_common.positive_int, default=10, help="columns of the grid"
    )
    grid.add_argument(
        "--labels",
        type=int,
        nargs="+",
        help="one class (InfoGAN: code) for the grid, or one per row "
        "(default: row i draws class i of a conditional model)",
    )
    grid.add_argument(
        "--truncation", type=float, help="redraw latents beyond this many SDs"
    )
    answers = parser.add_argument_group("text2image")
    answers.add_argument(
        "--queries",
        nargs="+",
        help="the queries to answer, such as '12+7' (padded to the model's length)",
    )
    answers.add_argument("--stochastic", action="store_true", help="random handwriting")
    parser.add_argument(
        "--temperature",
        type=float,
        help="standard deviation of the latents (default: 1; text2image: its own)",
    )
    _common.add_seed_argument(parser)
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Saves a grid of samples (VAE, GAN) or of drawn answers (text2image)."""
    import mnist_arith

    _common.check_output(arguments.output, (".png",), "--output")
    labels = _grid_labels(arguments.labels, arguments.rows, arguments.columns)
    model = _common.load_model(arguments.model_path)
    kind = _common.model_kind(model)
    if kind == "text2image":
        _refuse(arguments, ("labels", "truncation"), "text2image")
        if not arguments.queries:
            raise _common.UsageError(
                "--queries is required to sample a text2image model"
            )
        queries = _padded_queries(arguments.queries, model.query_length)
        images = model.generate(
            queries,
            stochastic=arguments.stochastic,
            seed=arguments.seed,
            temperature=arguments.temperature,
        )
        # Each row is titled with its query, over the answer's first image.
        titles = [
            f"{query.strip()} =" if column == 0 else ""
            for query in queries
            for column in range(images.shape[1])
        ]
        figure = mnist_arith.plot_image_grid(
            images,
            titles=titles,
            value_range=TEXT2IMAGE_VALUE_RANGE,
            image_width=0.6,
        )
    elif kind in ("vae", "gan"):
        _refuse(arguments, ("queries", "stochastic"), kind)
        images = mnist_arith.sample_grid(
            model,
            arguments.rows,
            arguments.columns,
            labels=labels,
            temperature=1.0 if arguments.temperature is None else arguments.temperature,
            truncation=arguments.truncation,
            seed=arguments.seed,
        )
        figure = mnist_arith.plot_image_grid(
            images,
            arguments.columns,
            value_range=model.value_range,
            image_width=_common.image_width(model.image_shape),
        )
    else:
        raise _common.UsageError(
            "sample draws from VAE, GAN and text2image models. "
            f"Received: {_common.describe(kind, arguments.model_path)}"
        )
    save_figure(figure, arguments.output, dpi=100, bbox_inches="tight")
    print(f"saved {len(images)} samples from the {kind} to {arguments.output}")


def _padded_queries(queries, query_length):
    """`--queries` padded with spaces on the right to the model's query length."""
    for query in queries:
        if len(query) > query_length:
            raise _common.UsageError(
                f"This model reads queries of at most {query_length} characters. "
                f"Received: --queries {query!r}"
            )
    return [query.ljust(query_length) for query in queries]


def _grid_labels(labels, rows, columns):
    """`--labels`: one class for the whole grid, or one class per row."""
    import numpy as np

    if labels is None:
        return None
    if len(labels) == 1:
        return labels[0]
    if len(labels) != rows:
        raise _common.UsageError(
            f"--labels takes one class, or one per row ({rows}). Received: "
            f"--labels {' '.join(map(str, labels))}"
        )
    return np.repeat(np.array(labels), columns)


def _refuse(arguments, names, kind):
    """Refuses options of the other kind of model, rather than ignoring them."""
    for name in names:
        if getattr(arguments, name) not in (None, False):
            option = "--" + name.replace("_", "-")
            raise _common.UsageError(
                f"{option} does not apply to a {kind} model. Received: {option}"
            )
