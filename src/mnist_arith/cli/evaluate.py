"""`mnist-arith evaluate`: score a saved model on held-out data.

The model says what it is (its class) and which course edition it answers
(its query and answer lengths, vocabulary and padding), so no option has to
describe it.
"""

import argparse

from mnist_arith._io import save_figure
from mnist_arith.cli import _common
from mnist_arith.cli import _release_0_1_0

SEQUENCE_KINDS = ("text2text", "image2text")
SCORED_KINDS = (*SEQUENCE_KINDS, "text2image", "reader", "vae", "gan")


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `evaluate` command."""
    parser = _common.add_command(
        commands,
        "evaluate",
        "score a saved model on held-out data",
        "Sequence models: exact match, per-character accuracy and the error "
        "analysis on the held-out split, and for + and * the exact match by "
        "whether each query's operand-swapped twin was trained. text2image: "
        "readability judged by the reference reader shipped with the package "
        "(or --reader). VAE/GAN: "
        "classifier score, Fréchet distance and, if conditional, the share "
        "read as the requested class. "
        "reader: accuracy on the test pool.",
    )
    parser.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    _common.add_split_arguments(parser, preset_default=None)
    _common.add_digits_argument(parser)
    _common.add_reader_arguments(parser, "judge generated images with")
    parser.add_argument(
        "--figure", help="sequence models: save the error analysis as .png"
    )
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Scores the saved model the way its kind is scored."""
    import mnist_arith

    _common.check_output(arguments.figure, (".png",), "--figure")
    model = _common.load_model(arguments.model_path)
    kind = _common.model_kind(model)
    if kind not in SCORED_KINDS:
        raise _common.UsageError(
            "evaluate scores sequence models, text2image, VAE, GAN and reader "
            f"models. Received: {_common.describe(kind, arguments.model_path)}"
        )
    arguments = _common.resolve_split(arguments, recorded_split(model))
    if kind in SEQUENCE_KINDS:
        _evaluate_sequence_model(model, kind, arguments)
        return
    if arguments.figure:
        raise _common.UsageError(
            "--figure draws the error analysis of text2text and image2text "
            f"models. Received: {_common.describe(kind, arguments.model_path)}"
        )
    digits = mnist_arith.load_digits(arguments.digits)
    if kind == "reader":
        _evaluate_reader(model, digits, arguments.seed)
        return
    # The judge: the reference reader, or the reader of --reader.
    reader = _common.obtain_reader(arguments)
    if kind == "text2image":
        _evaluate_text2image(model, reader, digits, arguments)
    else:
        _evaluate_generative_model(model, kind, reader, digits, arguments.seed)


def recorded_split(model) -> dict | None:
    """The training split a sequence or text2image model carries, if any."""
    import mnist_arith

    sequence_classes = (mnist_arith.Text2Text, mnist_arith.Image2Text)
    if isinstance(model, mnist_arith.Text2Image):
        model = model.text_model
    return model.training_split if isinstance(model, sequence_classes) else None


def course_edition(model) -> str:
    """The preset whose queries a sequence or text2image model answers.

    Args:
        model: a loaded `Text2Text`, `Image2Text` or `Text2Image` (or a
            release 0.1.0 functional sequence model).

    Returns:
        The preset name, e.g. `"2023"`.

    Raises:
        UsageError: if no preset has the model's format.
    """
    import mnist_arith

    known = _known_format(model)
    if known is None:  # A release 0.1.0 file: only shapes to go by.
        if isinstance(model, mnist_arith.Text2Image):
            model = model.text_model
        edition = _release_0_1_0.course_edition(model)
    else:
        edition = next(
            (preset for preset in mnist_arith.PRESETS if _matches(preset, known)),
            None,
        )
    if edition is None:
        raise _common.UsageError(
            "No course preset has the format of this model (queries of "
            f"{model.input_shape[1]}, answers of {model.output_shape[1]}); "
            "choose one with --preset"
        )
    return edition


def _known_format(model):
    """`(query length, answer length, vocabulary, padding)` the model knows."""
    import mnist_arith

    sequence_classes = (mnist_arith.Text2Text, mnist_arith.Image2Text)
    if isinstance(model, sequence_classes):
        return model.query_length, model.answer_length, model.vocabulary, model.padding
    if isinstance(model, mnist_arith.Text2Image) and model.vocabulary is not None:
        text_model = model.text_model
        # A text model of its own making may not know its padding: any matches.
        padding = (
            text_model.padding if isinstance(text_model, sequence_classes) else None
        )
        return model.query_length, model.answer_length, model.vocabulary, padding
    return None


def _matches(preset: str, known: tuple) -> bool:
    import mnist_arith

    queries = mnist_arith.make_queries(preset, num_samples=1, seed=0)
    query_length, answer_length, vocabulary, padding = known
    return (queries.query_width, queries.answer_width, queries.vocabulary) == (
        query_length,
        answer_length,
        vocabulary,
    ) and padding in (None, queries.padding)


def _evaluate_sequence_model(model, kind, arguments):
    import mnist_arith

    preset = arguments.preset or course_edition(model)
    train, test = _common.split(preset, arguments)
    if kind == "text2text":
        inputs = test.character_table.encode(test.queries)
    else:
        digits = mnist_arith.load_digits(arguments.digits)
        inputs = _common.held_out_images(test, digits, arguments.seed)
    expected = tuple(model.input_shape[1:])
    if tuple(inputs.shape[1:]) != expected:
        raise _common.UsageError(
            f"--preset {preset} gives inputs of shape {tuple(inputs.shape[1:])}, "
            f"but the model takes {expected}"
        )
    print(
        f"{kind} on the {len(test):,} held-out {preset} queries (train fraction "
        f"{_common.describe_split(arguments)}):"
    )
    report = _common.held_out_report(model, inputs, train, test)
    if arguments.figure:
        figure = mnist_arith.plot_error_analysis(report)
        save_figure(figure, arguments.figure, dpi=100, bbox_inches="tight")
        print(f"saved the error analysis to {arguments.figure}")


def _evaluate_reader(model, digits, seed):
    from mnist_arith.data.characters import character_dataset

    images, labels = character_dataset(
        digits, _common.reader_vocabulary(model), pool="test", seed=seed + 1000
    )
    _, accuracy = model.evaluate(images, labels, verbose=0)
    print(f"reader accuracy on the test pool: {accuracy:.2%}")


def _evaluate_text2image(model, reader, digits, arguments):
    import mnist_arith

    preset = arguments.preset or course_edition(model)
    _, test = _common.split(preset, arguments)
    # Each pass over the held-out queries takes seconds to minutes on a CPU:
    # Keras's progress bar shows it (on a terminal; one line per pass in a log).
    print(f"drawing the answers to the {len(test):,} held-out {preset} queries")
    deterministic = model.generate(test, stochastic=False, verbose="auto")
    stochastic = model.generate(
        test, stochastic=True, seed=arguments.seed, verbose="auto"
    )
    real = mnist_arith.render_query_images(
        test.answers, digits, pool="test", seed=arguments.seed, channel_axis=True
    )
    vocabulary = _common.reader_vocabulary(reader)
    readabilities = {}
    for name, images in (
        ("deterministic", deterministic),
        ("stochastic", stochastic),
        ("real test-pool digits (reference)", real),
    ):
        print(f"reading the {name} answers")
        readabilities[name] = mnist_arith.readability(
            images, test.answers, reader=reader, vocabulary=vocabulary, verbose="auto"
        )
    print(
        f"text2image on the {len(test):,} held-out {preset} queries, "
        f"judged by {_judge(reader)}:"
    )
    for name, value in readabilities.items():
        print(f"  readability, {name}: {value:.2%}")


def _evaluate_generative_model(model, kind, reader, digits, seed):
    import numpy as np

    import mnist_arith

    requested = None
    if model.num_classes is not None:
        classes = model.num_classes
        requested = np.repeat(np.arange(classes), 1000 // classes)
    generated = np.asarray(model.generate(1000, labels=requested, seed=seed))
    low, high = model.value_range
    quality = mnist_arith.digit_quality(
        np.clip((generated - low) / (high - low), 0, 1),
        digits.test_images.astype(np.float32) / 255,
        requested,
        reader=reader,
    )
    print(f"{kind}: {len(generated):,} samples judged by {_judge(reader)}")
    print(f"  classifier score: {quality.classifier_score:.2f} (at most 10)")
    print(f"  Fréchet distance to the test digits: {quality.frechet_distance:.2f}")
    if quality.class_accuracy is not None:
        print(f"  read as the requested class: {quality.class_accuracy:.2%}")


def _judge(reader) -> str:
    """Which reader judges the images, for the report."""
    if reader.name == "reference_reader":
        return "the reference reader"
    return f"the reader {reader.name!r}"
