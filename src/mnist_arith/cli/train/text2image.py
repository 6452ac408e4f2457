"""`train text2image`: answers drawn in handwriting."""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model


def register(models: argparse._SubParsersAction) -> None:
    """Adds `train text2image`."""
    parser = add_model(
        models,
        "text2image",
        "one-hot queries to answers drawn in handwriting",
        "Trains a text model on a seeded training split of a preset's queries "
        "(with train text2text's recipe: AdamW, weight decay 0.1, a warmup to "
        "0.005 then a cosine decay) and a conditional VAE that draws each "
        "answer character (train_text2image); judge the images with "
        "`mnist-arith evaluate`.",
        train=train,
        epochs=60,
        batch_size=100,
    )
    _common.add_split_arguments(parser)
    _common.add_digits_argument(parser)
    parser.add_argument(
        "--decoder-epochs",
        type=_common.positive_int,
        default=15,
        help="epochs of its character decoder (--epochs: of its text model)",
    )


def train(arguments: argparse.Namespace, verbose):
    """Trains the text model and the character decoder of a `Text2Image`."""
    import mnist_arith

    train_split, test = _common.split(arguments.preset, arguments)
    digits = mnist_arith.load_digits(arguments.digits)
    model = mnist_arith.train_text2image(
        train_split,
        digits,
        text_epochs=arguments.epochs,
        decoder_epochs=arguments.decoder_epochs,
        batch_size=arguments.batch_size,
        seed=arguments.seed,
        verbose=verbose,
    )
    model.text_model.training_split = _common.training_split(arguments)
    table = train_split.character_table
    predicted = table.decode(
        model.text_model.predict(table.encode(test.queries), verbose=0)
    )
    print(
        f"text model exact match on the {len(test):,} held-out queries: "
        f"{mnist_arith.analyze_errors(test, predicted).exact_match:.2%} "
        "(judge the images with `mnist-arith evaluate`)"
    )
    return model, model.history
