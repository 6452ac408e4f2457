"""`train reader`: the digit reader that judges generated images."""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model


def register(models: argparse._SubParsersAction) -> None:
    """Adds `train reader`."""
    parser = add_model(
        models,
        "reader",
        "a digit reader of single characters",
        "Trains a DigitReader on the training digits and operator glyphs and "
        "reports its accuracy on the test pool.",
        train=train,
        epochs=15,
        batch_size=128,
    )
    parser.add_argument(
        "--preset",
        choices=tuple(_common.PRESETS),
        default="2023",
        help="the course edition whose characters it reads",
    )
    _common.add_digits_argument(parser)
    _common.add_seed_argument(parser)


def train(arguments: argparse.Namespace, verbose):
    """Trains a digit reader of the preset's vocabulary."""
    import mnist_arith

    digits = mnist_arith.load_digits(arguments.digits)
    vocabulary = mnist_arith.make_queries(
        arguments.preset, num_samples=1, seed=0
    ).vocabulary
    model, accuracy = mnist_arith.train_digit_reader(
        digits,
        vocabulary,
        epochs=arguments.epochs,
        batch_size=arguments.batch_size,
        seed=arguments.seed,
        verbose=verbose,
    )
    print(f"reader accuracy on the {digits.source!r} test pool: {accuracy:.2%}")
    return model, model.history
