"""What the commands share: errors, argument types and groups, models, reports.

Every command module registers its parser with `add_command` and reads what it
needs to know about a saved model from the model itself (`model_kind`).
"""

import argparse
import pathlib
import zipfile

from mnist_arith._io import check_output_path
from mnist_arith.data.queries import PRESETS

DIGIT_SOURCES_HELP = (
    "where the digits come from: 'auto' (full MNIST when Keras has it or can "
    "download it, else the embedded digits), 'embedded' (offline), 'mnist', an "
    ".npz path, or a folder of MNIST's four idx files"
)

# The kind of each model class, in the order `model_kind` tries them.
KINDS = (
    ("text2text", "Text2Text"),
    ("image2text", "Image2Text"),
    ("reader", "DigitReader"),
    ("text2image", "Text2Image"),
    ("vae", "VAE"),
    ("gan", "GAN"),
    ("autoencoder", "Autoencoder"),
)


class UsageError(ValueError):
    """A command-line argument that cannot work; reported with exit status 2."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none to show."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def add_command(
    commands: argparse._SubParsersAction, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """Adds a sub-command whose help shows the defaults of its options."""
    return commands.add_parser(
        name, help=summary, description=description, formatter_class=HelpFormatter
    )


def at_least(minimum: int):
    """An argparse `type`: an integer of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected an integer. Received: {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be at least {minimum}. Received: {value}"
            )
        return value

    parse.__name__ = f"integer of at least {minimum}"
    return parse


positive_int = at_least(1)


def add_seed_argument(parser: argparse.ArgumentParser) -> None:
    """`--seed`: the one seed of data sampling, splits and initialisation."""
    parser.add_argument(
        "--seed", type=int, default=0, help="the seed of every random choice"
    )


def add_digits_argument(parser: argparse._ActionsContainer) -> None:
    """`--digits`: the source of the handwritten digits."""
    parser.add_argument("--digits", default="auto", help=DIGIT_SOURCES_HELP)


SPLIT_DEFAULTS = {
    "num_samples": None,
    "train_fraction": 0.5,
    "by_unordered_pair": False,
    "seed": 0,
}
"""The split options' defaults, where the model records none (or, for
`by_unordered_pair`, a record older than the option)."""

SPLIT_FLAGS = {"by_unordered_pair": "--split-by-pair"}
"""Split options whose flag is not their recorded name with dashes."""


def add_split_arguments(
    parser: argparse.ArgumentParser, preset_default: str | None = "2023"
) -> None:
    """The seeded split of a preset's queries that sequence models use.

    With `preset_default=None` (evaluation), the options default to `None`:
    the split the model recorded, else `SPLIT_DEFAULTS`.
    """
    recorded = preset_default is None

    parser.add_argument(
        "--preset",
        choices=tuple(PRESETS),
        default=preset_default,
        help="the course edition whose queries to use"
        + ("" if preset_default else " (default: the model's own)"),
    )
    parser.add_argument(
        "--num-samples",
        type=positive_int,
        help="a seeded random sample of the preset's queries (default: all)",
    )
    parser.add_argument(
        "--train-fraction",
        type=float,
        default=None if recorded else SPLIT_DEFAULTS["train_fraction"],
        help="the seeded training share of the queries (the rest is held out)"
        + (" (default: the model's own, else 0.5)" if recorded else ""),
    )
    parser.add_argument(
        SPLIT_FLAGS["by_unordered_pair"],
        dest="by_unordered_pair",
        action="store_true",
        default=None if recorded else False,
        help="keep each query and its operand-swapped twin (3*7, 7*3) on the "
        "same side of the split, so that no held-out query's twin is trained"
        + (" (default: the model's own, else off)" if recorded else ""),
    )
    if recorded:
        parser.add_argument(
            "--seed",
            type=int,
            help="the seed of every random choice (default: the model's own "
            "split seed, else 0)",
        )
    else:
        add_seed_argument(parser)


def training_split(arguments: argparse.Namespace) -> dict:
    """The record of a training split that a trained model carries."""
    return {
        "preset": arguments.preset,
        "num_samples": arguments.num_samples,
        "train_fraction": arguments.train_fraction,
        "by_unordered_pair": arguments.by_unordered_pair,
        "seed": arguments.seed,
    }


def resolve_split(arguments: argparse.Namespace, recorded: dict | None):
    """`arguments` with the split the model was trained on filled in.

    An option given on the command line that disagrees with the recorded
    split is refused: the held-out queries would include training queries.
    """
    resolved = argparse.Namespace(**vars(arguments))
    for name, default in {"preset": None, **SPLIT_DEFAULTS}.items():
        given = getattr(arguments, name)
        own = None if recorded is None else recorded.get(name, default)
        if recorded is not None and given is not None and given != own:
            flag = SPLIT_FLAGS.get(name, "--" + name.replace("_", "-"))
            shown = flag if given is True else f"{flag} {given}"
            raise UsageError(
                f"The model was trained on the split {recorded}; scoring it on "
                f"another one would count training queries as held out. Leave "
                f"{flag} out. Received: {shown}"
            )
        if given is None:
            given = default if recorded is None else own
        setattr(resolved, name, given)
    return resolved


def add_reader_arguments(parser: argparse.ArgumentParser, purpose: str):
    """`--reader`; returns the mutually exclusive group holding it."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--reader",
        metavar="FILE",
        help=f"a saved digit reader to {purpose} (default: the pretrained "
        "reference reader shipped with the package)",
    )
    return group


def check_output(path: str | None, suffixes: tuple[str, ...], name: str) -> None:
    """Checks an output path before any work: folder, extension, not a folder."""
    if path is not None:
        check_output_path(path, suffixes, name)


def queries(arguments: argparse.Namespace, preset: str | None = None):
    """The query set of `--preset` (or `preset`), `--num-samples` and `--seed`."""
    import mnist_arith

    return mnist_arith.make_queries(
        preset or arguments.preset,
        num_samples=arguments.num_samples,
        seed=arguments.seed,
    )


def split(preset: str, arguments: argparse.Namespace):
    """The seeded `(train, test)` split of a preset's queries."""
    import mnist_arith

    return mnist_arith.split_queries(
        queries(arguments, preset),
        arguments.train_fraction,
        by_unordered_pair=arguments.by_unordered_pair,
        seed=arguments.seed,
    )


def describe_split(arguments: argparse.Namespace) -> str:
    """`"50%, seed 1"`, and whether operand pairs were kept together."""
    text = f"{arguments.train_fraction:.0%}, seed {arguments.seed}"
    if arguments.by_unordered_pair:
        text += ", operand pairs kept together"
    return text


def held_out_images(test, digits, seed: int):
    """The held-out queries in handwriting from the test pool."""
    import mnist_arith

    return mnist_arith.render_query_images(
        test.queries,
        digits,
        pool="test",
        seed=seed + 1,
        channel_axis=True,
        glyph_style="2021" if (test.preset or "").startswith("2021") else "2023",
    )


def held_out_report(model, inputs, train, test):
    """Predicts the held-out answers, prints the error analysis and returns it.

    `train` is the training split, for the exact match on held-out `+` and `*`
    queries by whether their operand-swapped twin was trained on.
    """
    import mnist_arith

    table = test.character_table
    # Reading thousands of query images takes a while: show Keras's bar then.
    verbose = "auto" if inputs.ndim > 3 else 0
    predicted = table.decode(model.predict(inputs, batch_size=1024, verbose=verbose))
    report = mnist_arith.analyze_errors(test, predicted)
    print_report(report)
    print_twin_report(report, train, test)
    return report


def print_report(report) -> None:
    """Prints an `ErrorAnalysis`: exact match, per character, by kind."""
    print(f"  exact match: {report.exact_match:.2%}")
    print(f"  per character: {report.character_accuracy:.2%}")
    print(f"  wrong answers by kind: {report.error_kinds}")
    print(f"  exact match by operator: {_percentages(report.by_operator)}")
    print(f"  exact match by carries/borrows: {_percentages(report.by_carries)}")


def print_twin_report(report, train, test) -> None:
    """Prints exact match on held-out `+`/`*` queries by whether their twin trained.

    A model that has learned that `+` and `*` commute answers `a*b` from
    memory when `b*a` trained; the queries whose twin did not train (squares
    such as `7*7`, their own twin, among them) measure generalisation. One
    line for each group, with its count; nothing for sets without `+` or `*`
    or with more than two operands.
    """
    import numpy as np

    import mnist_arith

    if test.operands.shape[1] != 2 or train.operands.shape[1] != 2:
        return
    operators = test.operators[:, 0]
    commutative = [operator for operator in "+*" if (operators == operator).any()]
    if not commutative:
        return
    commutes = np.isin(operators, commutative)
    twin_trained = mnist_arith.twin_in_training(train, test) & commutes
    label = " and ".join(commutative)
    for name, mask in (
        ("swapped twin trained", twin_trained),
        ("swapped twin not trained", commutes & ~twin_trained),
    ):
        count = int(mask.sum())
        line = f"  held-out {label} queries, {name}: {count:,}"
        if count:
            line += f", exact match {report.correct[mask].mean():.2%}"
        print(line)


def _percentages(values: dict) -> str:
    return ", ".join(f"{key}: {value:.2%}" for key, value in values.items())


def load_model(path: str):
    """Loads a saved `.keras` model, with the package's custom objects."""
    import keras

    import mnist_arith  # noqa: F401  (registers the custom objects)

    if not pathlib.Path(path).is_file():
        raise FileNotFoundError(f"No such model file: {path}")
    check_output_path(path, (".keras",), "MODEL")
    # An unreadable file raises PermissionError here; `is_zipfile` and Keras
    # would call it "not a zip archive" or "File not found".
    open(path, "rb").close()
    if not zipfile.is_zipfile(path):  # Keras would say "File not found".
        raise ValueError(
            f"{path} is not a valid .keras model file: not a zip archive. "
            f"Received: MODEL={path!r}"
        )
    try:
        return keras.saving.load_model(path)
    except PermissionError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as error:
        # A zip archive that is not a Keras file (no config.json, ...).
        raise ValueError(
            f"{path} is not a valid .keras model file: "
            f"{type(error).__name__}: {error}. Received: MODEL={path!r}"
        ) from error


def model_kind(model) -> str:
    """What a loaded model is, from its class: `"vae"`, `"text2text"`, ..."""
    import mnist_arith
    from mnist_arith.cli import _release_0_1_0

    for kind, class_name in KINDS:
        if isinstance(model, getattr(mnist_arith, class_name)):
            return kind
    return _release_0_1_0.model_kind(model)


def obtain_reader(arguments: argparse.Namespace):
    """The reader of `--reader`, else the reference reader of the package."""
    import mnist_arith

    if arguments.reader:
        return load_model(arguments.reader)
    return mnist_arith.reference_reader()


def reader_vocabulary(reader) -> str:
    """The characters a digit reader tells apart, in class order."""
    import mnist_arith
    from mnist_arith.cli import _release_0_1_0

    if isinstance(reader, mnist_arith.DigitReader):
        return reader.vocabulary
    return _release_0_1_0.reader_vocabulary(reader)


def describe(kind: str, path: str) -> str:
    """`"an autoencoder model from PATH"`, for error messages."""
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind} model from {path}"


def image_width(image_shape) -> float:
    """Inches per image in a figure: images at their own size at 100 dpi.

    Digits get half an inch (50 pixels, a little enlarged); 64x64 photos
    0.64 inches.
    """
    return max(0.5, image_shape[0] / 100)


def add_title(figure, title: str) -> None:
    """Titles a figure of images, with about a third of an inch above them."""
    figure.suptitle(title, fontsize=10)
    figure.subplots_adjust(top=max(0.5, 1 - 0.35 / figure.get_figheight()))
