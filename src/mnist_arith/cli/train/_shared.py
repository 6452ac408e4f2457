"""What every `train` sub-command shares: its common options and its run."""

import argparse
import sys
import time

from mnist_arith import _keras
from mnist_arith._io import save_figure
from mnist_arith._io import save_model
from mnist_arith.cli import _common

CONVOLUTIONAL_MODELS = (
    "autoencoder",
    "vae",
    "gan",
    "image2text",
    "text2image",
    "reader",
)
"""The models whose training `print_convolution_hint` speaks of."""


def add_model(
    models: argparse._SubParsersAction,
    name: str,
    summary: str,
    description: str,
    *,
    train,
    epochs: int,
    batch_size: int | None,
    batch_size_help: str = "examples per training step",
) -> argparse.ArgumentParser:
    """Adds a model's sub-command with the options every model has.

    Args:
        models: the sub-parsers of `train`.
        name: the model, e.g. `"vae"`.
        summary: one line for `train --help`.
        description: the paragraph of `train NAME --help`.
        train: `(arguments, verbose) -> (model, history)`.
        epochs: the model's default `--epochs`.
        batch_size: the model's default `--batch-size`, or `None` where the
            model's `train` chooses it (`batch_size_help` then says how).
        batch_size_help: the help of `--batch-size`.

    Returns:
        The sub-command's parser, to add the model's own options to.
    """
    parser = _common.add_command(models, name, summary, description)
    parser.add_argument("--output", required=True, help="the .keras file to write")
    parser.add_argument(
        "--epochs", type=_common.positive_int, default=epochs, help="training epochs"
    )
    parser.add_argument(
        "--batch-size",
        type=_common.positive_int,
        default=batch_size,
        help=batch_size_help,
    )
    parser.add_argument("--figure", help="save the training curves as .png")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(command=run, train=train)
    return parser


def run(arguments: argparse.Namespace) -> None:
    """Trains the chosen model, prints how long it took and saves it."""
    import keras

    import mnist_arith

    _common.check_output(arguments.output, (".keras",), "--output")
    _common.check_output(arguments.figure, (".png",), "--figure")
    keras.utils.set_random_seed(arguments.seed)
    verbose = 0 if arguments.quiet else "auto"
    start = time.perf_counter()
    # Models whose data can be refused print the hint just before `fit`, so
    # that a bad input gives a single line.
    if not getattr(arguments, "hint_before_fit", False):
        print_convolution_hint(arguments)
    model, history = arguments.train(arguments, verbose)
    epochs = len(history.epoch)
    print(
        f"trained {arguments.model} for {epochs} epoch{'' if epochs == 1 else 's'} "
        f"in {time.perf_counter() - start:.0f} s (backend {keras.backend.backend()})"
    )
    save_model(model, arguments.output)
    print(f"saved {arguments.output}")
    if arguments.figure:
        figure = mnist_arith.plot_training_curves(history)
        save_figure(figure, arguments.figure, dpi=100, bbox_inches="tight")
        print(f"saved training curves to {arguments.figure}")


def print_convolution_hint(arguments: argparse.Namespace) -> None:
    """Prints the backend hint to stderr for a convolutional model, if due.

    One line, `mnist-arith: hint: ...`, where `_keras.current_convolution_hint`
    has one (JAX on a CPU).
    """
    if arguments.model not in CONVOLUTIONAL_MODELS:
        return
    hint = _keras.current_convolution_hint()
    if hint is not None:
        print(f"mnist-arith: hint: {hint}", file=sys.stderr, flush=True)
