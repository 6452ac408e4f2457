"""`train text2text` and `train image2text`: the sequence models."""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model

EPOCHS, BATCH_SIZE = 40, 32

SCHEDULES = ("constant", "warmup-cosine")


def register(models: argparse._SubParsersAction) -> None:
    """Adds `train text2text` and `train image2text`."""
    text2text = add_model(
        models,
        "text2text",
        "one-hot queries to one-hot answers",
        "Trains a Text2Text model on a seeded training split of a preset's "
        "queries and reports exact match and the error analysis on the rest "
        "(for + and *, also by whether each query's swapped twin was trained).",
        train=train_text2text,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
    )
    _common.add_split_arguments(text2text)
    text2text.add_argument(
        "--notebook",
        action="store_true",
        help="the course's reference model exactly (takes no architecture option)",
    )
    _add_architecture_arguments(text2text)
    image2text = add_model(
        models,
        "image2text",
        "handwritten queries to one-hot answers",
        "Trains an Image2Text model on the seeded training split rendered in "
        "handwriting from the training pool, and reports its figures on the "
        "held-out queries rendered from the test pool. By default the shipped "
        "reference reader reads the characters (--reader FILE: another one).",
        train=train_image2text,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
    )
    _common.add_split_arguments(image2text)
    _common.add_digits_argument(image2text)
    reading = _common.add_reader_arguments(image2text, "read the characters with")
    reading.add_argument(
        "--no-reader",
        action="store_true",
        help="learn to read inside the model, with its own CNN",
    )
    reading.add_argument(
        "--notebook",
        action="store_true",
        help="the course's reference model exactly, reading with its own CNN "
        "(takes no architecture option)",
    )
    _add_architecture_arguments(image2text)


def _add_architecture_arguments(parser: argparse.ArgumentParser) -> None:
    architecture = parser.add_argument_group(
        "architecture", "(default: the model factory's own)"
    )
    architecture.add_argument(
        "--cell",
        choices=("transformer", "lstm", "gru"),
        help="the encoder-decoder's cells (default: transformer)",
    )
    architecture.add_argument(
        "--units", type=_common.positive_int, help="the width of the network"
    )
    architecture.add_argument(
        "--encoder-layers", type=_common.positive_int, help="stacked encoder layers"
    )
    architecture.add_argument(
        "--decoder-layers", type=_common.positive_int, help="stacked decoder layers"
    )
    architecture.add_argument(
        "--decoder",
        choices=("parallel", "autoregressive"),
        help="how the transformer writes answers: all characters at once, or "
        "units digit first, greedily (default: parallel)",
    )
    architecture.add_argument(
        "--feed-forward",
        choices=("gelu", "gated"),
        help="the transformer's feed-forward layers (gated: better on products)",
    )
    architecture.add_argument(
        "--reverse", action="store_true", help="read the queries reversed"
    )
    training = parser.add_argument_group("optimizer", "(default: the factory's own)")
    training.add_argument(
        "--learning-rate",
        type=float,
        help="the (peak) learning rate (default: 0.001)",
    )
    training.add_argument(
        "--weight-decay", type=float, help="AdamW's weight decay (default: 0.01)"
    )
    training.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default="constant",
        help="the learning rate over training: constant, or a linear warmup over "
        "the first tenth of the steps then a cosine decay to 0 at the last "
        "(default: constant)",
    )


def _factory_options(
    arguments: argparse.Namespace, padding: str, num_train: int
) -> dict:
    """The factory's arguments; the factory refuses any `--notebook` ignores."""
    options = {
        "learning_rate": _learning_rate(arguments, num_train),
        "weight_decay": arguments.weight_decay,
        "cell": arguments.cell,
        "units": arguments.units,
        "encoder_layers": arguments.encoder_layers,
        "decoder_layers": arguments.decoder_layers,
        "decoder": arguments.decoder,
        "feed_forward": arguments.feed_forward,
        "reverse_queries": arguments.reverse or None,
        "course_model": arguments.notebook or None,
    }
    options = {name: value for name, value in options.items() if value is not None}
    return {**options, "padding": padding}


def _learning_rate(arguments: argparse.Namespace, num_train: int):
    """`--learning-rate` as given, or the schedule over every training step."""
    import math

    import mnist_arith

    if arguments.schedule == "constant":
        return arguments.learning_rate
    steps = math.ceil(num_train / arguments.batch_size) * arguments.epochs
    peak = 1e-3 if arguments.learning_rate is None else arguments.learning_rate
    return mnist_arith.warmup_cosine(peak, steps)


def train_text2text(arguments: argparse.Namespace, verbose):
    """Trains `text2text` on one-hot queries."""
    import mnist_arith

    train, test = _common.split(arguments.preset, arguments)
    table = train.character_table
    model = mnist_arith.text2text(
        train.query_width,
        train.answer_width,
        table.characters,
        **_factory_options(arguments, train.padding, len(train)),
    )
    model.training_split = _common.training_split(arguments)
    _print_split(arguments, train, test)
    history = model.fit(
        table.encode(train.queries),
        table.encode(train.answers),
        batch_size=arguments.batch_size,
        epochs=arguments.epochs,
        verbose=verbose,
    )
    print(f"on the {len(test):,} held-out queries:")
    _common.held_out_report(model, table.encode(test.queries), train, test)
    return model, history


def train_image2text(arguments: argparse.Namespace, verbose):
    """Trains `image2text` on queries rendered from the training pool."""
    import mnist_arith

    train, test = _common.split(arguments.preset, arguments)
    digits = mnist_arith.load_digits(arguments.digits)
    options = _factory_options(arguments, train.padding, len(train))
    if arguments.notebook or arguments.no_reader:
        options["character_reader"] = None
    else:
        options["character_reader"] = _common.obtain_reader(arguments)
    model = mnist_arith.image2text(
        train.query_width,
        train.answer_width,
        train.character_table.characters,
        **options,
    )
    model.training_split = _common.training_split(arguments)
    _print_split(arguments, train, test)
    dataset = mnist_arith.QueryDataset(
        train,
        inputs="image",
        batch_size=arguments.batch_size,
        digits=digits,
        seed=arguments.seed,
    )
    history = model.fit(dataset, epochs=arguments.epochs, verbose=verbose)
    print(f"on the {len(test):,} held-out queries:")
    inputs = _common.held_out_images(test, digits, arguments.seed)
    _common.held_out_report(model, inputs, train, test)
    return model, history


def _print_split(arguments, train, test) -> None:
    print(
        f"{arguments.model} on {arguments.preset}: {len(train):,} training "
        f"queries ({_common.describe_split(arguments)}), {len(test):,} held out"
    )
