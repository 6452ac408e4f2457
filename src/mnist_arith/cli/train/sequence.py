"""`train text2text` and `train image2text`: the sequence models."""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model

EPOCHS, BATCH_SIZE = 40, 32
"""`train image2text`'s defaults, with the factory's optimizer at a constant
rate (the recipe below was not measured on images)."""

TEXT2TEXT_EPOCHS = 60
"""`train text2text`'s epochs, with or without `--notebook`."""

RECIPE = {
    "batch_size": 100,
    "learning_rate": 5e-3,
    "weight_decay": 0.1,
    "schedule": "warmup-cosine",
}
"""`train text2text`'s training: AdamW warmed up to 0.005 then decayed to 0.

Better than the factory's constant 0.001 at batch 32 on every text task
measured (BENCHMARKS.md, "Where generalisation stands" and "Time to
accuracy"): 99% of the held-out 2023 queries from a 10% split after ~40
epochs, 99.97% from 5% (59% before), 100.00% of held-out products (76.90%
without the recipe and the digit pairs).
"""

COURSE_TRAINING = {
    "batch_size": 32,
    "learning_rate": 1e-3,
    "weight_decay": None,
    "schedule": "constant",
}
"""`train text2text --notebook`'s training: the course's Adam at a constant
0.001, batch 32 (the course's model takes no weight decay)."""

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
        epochs=TEXT2TEXT_EPOCHS,
        batch_size=None,
        batch_size_help="examples per training step " + _by_mode("batch_size"),
    )
    _common.add_split_arguments(text2text)
    text2text.add_argument(
        "--notebook",
        action="store_true",
        help="the course's reference model exactly (takes no architecture option)",
    )
    _add_architecture_arguments(text2text)
    _add_optimizer_arguments(text2text, recipe=True)
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
    _add_optimizer_arguments(image2text, recipe=False)


def _by_mode(name: str) -> str:
    """`"(default: 100; with --notebook 32)"`: text2text's default of `name`."""
    return f"(default: {RECIPE[name]}; with --notebook {COURSE_TRAINING[name]})"


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
        help="the transformer's feed-forward layers (default: gelu)",
    )
    architecture.add_argument(
        "--digit-pairs",
        action=argparse.BooleanOptionalAction,
        help="let the transformer read every pair of the operands' digits with "
        "its answer column (default: on for products, off for sums)",
    )
    architecture.add_argument(
        "--reverse", action="store_true", help="read the queries reversed"
    )


def _add_optimizer_arguments(parser: argparse.ArgumentParser, recipe: bool) -> None:
    """The optimizer's options: `RECIPE`'s defaults, else the factory's own.

    With `recipe`, the options default to `None` and `resolve_training`
    fills them in, with `COURSE_TRAINING` under `--notebook`.
    """
    schedule_help = (
        "the learning rate over training: constant, or a linear warmup over "
        "the first tenth of the steps then a cosine decay to 0 at the last"
    )
    if recipe:
        training = parser.add_argument_group(
            "optimizer",
            "(default: AdamW, warmed up to 0.005 then decayed to 0, weight decay "
            "0.1, the recipe measured best in BENCHMARKS.md; with --notebook the "
            "course's Adam at a constant 0.001)",
        )
        learning_rate_help = "the (peak) learning rate " + _by_mode("learning_rate")
        weight_decay_help = (
            f"AdamW's weight decay (default: {RECIPE['weight_decay']}; --notebook "
            "trains with Adam and takes none)"
        )
        schedule_default = None
        schedule_help += " " + _by_mode("schedule")
    else:
        training = parser.add_argument_group(
            "optimizer", "(default: the factory's own)"
        )
        learning_rate_help = "the (peak) learning rate (default: 0.001)"
        weight_decay_help = "AdamW's weight decay (default: 0.01)"
        schedule_default = "constant"
    training.add_argument("--learning-rate", type=float, help=learning_rate_help)
    training.add_argument("--weight-decay", type=float, help=weight_decay_help)
    training.add_argument(
        "--schedule", choices=SCHEDULES, default=schedule_default, help=schedule_help
    )


def resolve_training(arguments: argparse.Namespace) -> argparse.Namespace:
    """`train text2text`'s arguments with the training options left out filled in.

    `RECIPE`'s values, or `COURSE_TRAINING`'s with `--notebook`; an option
    given wins (and one the course's model cannot take, `--weight-decay`, is
    left for the factory to refuse).
    """
    defaults = COURSE_TRAINING if arguments.notebook else RECIPE
    resolved = argparse.Namespace(**vars(arguments))
    for name, default in defaults.items():
        if getattr(resolved, name) is None:
            setattr(resolved, name, default)
    return resolved


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
        "digit_pairs": arguments.digit_pairs,
        "reverse_queries": arguments.reverse or None,
        "course_model": arguments.notebook or None,
    }
    options = {name: value for name, value in options.items() if value is not None}
    return {**options, "padding": padding}


def _learning_rate(arguments: argparse.Namespace, num_train: int):
    """`--learning-rate` as given, or the schedule over every training step."""
    import math

    import mnist_arith
    from mnist_arith._validation import check_positive_number

    if arguments.schedule == "constant":
        return arguments.learning_rate
    steps = math.ceil(num_train / arguments.batch_size) * arguments.epochs
    peak = 1e-3 if arguments.learning_rate is None else arguments.learning_rate
    # Named as the factory and `--learning-rate` name it, not `peak_learning_rate`.
    peak = check_positive_number(peak, "learning_rate")
    return mnist_arith.warmup_cosine(peak, steps)


def train_text2text(arguments: argparse.Namespace, verbose):
    """Trains `text2text` on one-hot queries."""
    import mnist_arith

    arguments = resolve_training(arguments)
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
