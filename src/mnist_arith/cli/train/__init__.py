"""`mnist-arith train MODEL`: train a model and save it as `.keras`.

Each model is a sub-command with only its own options, so argparse itself
refuses an option that does not apply (`train vae --reader r.keras`). Each
model module's `register` adds its sub-commands with `_shared.add_model`,
giving a training function `(arguments, verbose) -> (model, history)`;
`_shared.run` does what every model shares: checks the outputs, seeds,
trains, reports and saves.
"""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train import generative
from mnist_arith.cli.train import reader
from mnist_arith.cli.train import sequence
from mnist_arith.cli.train import text2image

MODEL_MODULES = (sequence, text2image, reader, generative)


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `train` command and its sub-command per model."""
    parser = _common.add_command(
        commands,
        "train",
        "train a model and save it as .keras",
        "Trains a model on a seeded training split of a preset's queries "
        "(text2text, image2text, text2image) or on the training digits (reader, "
        "autoencoder, vae, gan), reports its held-out figures and saves it. "
        "`mnist-arith train MODEL --help` lists the options of one model.",
    )
    models = parser.add_subparsers(title="models", dest="model", required=True)
    for module in MODEL_MODULES:
        module.register(models)
