"""The `mnist-arith` command line: build data, train, evaluate and sample.

Every command prints what it did and saves what it made (`.keras` models,
`.png` figures, `.csv`/`.npz` data). Keras picks the backend when it is first
imported, so choose it with the environment, as for any Keras program:

```bash
KERAS_BACKEND=jax mnist-arith queries 2023 --show 5
KERAS_BACKEND=jax mnist-arith train text2text --epochs 40 --output adder.keras
KERAS_BACKEND=jax mnist-arith evaluate adder.keras --figure errors.png
KERAS_BACKEND=jax mnist-arith train vae --conditional --output vae.keras
KERAS_BACKEND=jax mnist-arith sample vae.keras --output samples.png
```

Bad arguments print a message naming the argument and exit with status 2.
"""

import argparse
import pathlib
import sys
import time

from mnist_arith._io import atomic_write
from mnist_arith._io import check_output_path
from mnist_arith._io import save_figure
from mnist_arith._io import save_model

SEQUENCE_MODELS = ("text2text", "image2text")
GENERATIVE_MODELS = ("autoencoder", "vae", "gan")
MODELS = (*SEQUENCE_MODELS, "text2image", *GENERATIVE_MODELS, "reader")
PRESETS = ("2021", "2021-three-digit", "2023", "2023-multiplication")
DIGIT_SOURCES_HELP = (
    "'auto' (full MNIST when Keras has it or can download it, else the "
    "embedded digits), 'embedded' (offline), 'mnist', an .npz path, or a folder "
    "of MNIST's four idx files"
)


class UsageError(ValueError):
    """A command-line argument that cannot work; reported with exit status 2."""


def main(argv: list[str] | None = None) -> int:
    """Runs the `mnist-arith` command line.

    Args:
        argv: the arguments after the program name; default `sys.argv[1:]`.

    Returns:
        The exit status: 0 on success, 2 for bad arguments or input.

    Examples:
        >>> main(["queries", "2023", "--show", "2"])  # doctest: +NORMALIZE_WHITESPACE
        2023: 20,000 queries, query width 5, answer width 3,
        vocabulary '0123456789+- '
        '0+0  ' -> '0  '
        '0-0  ' -> '0  '
        0
    """
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        arguments.command(arguments)
    except (UsageError, ValueError, FileNotFoundError) as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `mnist-arith`, one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="mnist-arith",
        description="Arithmetic on handwritten digits with Keras 3. The backend "
        "comes from the KERAS_BACKEND environment variable.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(title="commands", required=True)

    queries = commands.add_parser(
        "queries",
        help="build a query set; print samples or save it",
        description="Builds a query set of a course edition and prints a few "
        "queries with their answers, or saves all of them as .csv or .npz.",
    )
    _add_query_arguments(queries)
    queries.add_argument("--show", type=int, default=5, help="queries to print")
    queries.add_argument("--output", help="save the queries as .csv or .npz")
    queries.set_defaults(command=run_queries)

    images = commands.add_parser(
        "images",
        help="render queries as handwritten images and save them",
        description="Renders queries in handwriting from a digit pool and "
        "saves them as a .png figure (one query per row) or a .npy array.",
    )
    _add_query_arguments(images)
    images.add_argument("--output", required=True, help="a .png or .npy path")
    images.add_argument("--count", type=int, default=8, help="queries to render")
    images.add_argument("--pool", choices=("train", "test"), default="train")
    images.add_argument("--digits", default="auto", help=DIGIT_SOURCES_HELP)
    images.set_defaults(command=run_images)

    train = commands.add_parser(
        "train",
        help="train a model and save it as .keras",
        description="Trains a model factory on a seeded training split (sequence "
        "models) or on the training digits (generative models and the reader), "
        "reports its held-out figures and saves it.",
    )
    train.add_argument("model", choices=MODELS)
    train.add_argument("--output", required=True, help="the .keras file to write")
    _add_split_arguments(train)
    train.add_argument("--epochs", type=int, default=None, help="default per model")
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--digits", default="auto", help=DIGIT_SOURCES_HELP)
    train.add_argument("--figure", help="save the training curves as .png")
    train.add_argument("--quiet", action="store_true", help="no progress bars")
    sequence = train.add_argument_group("sequence models")
    sequence.add_argument(
        "--notebook", action="store_true", help="the course's reference model"
    )
    sequence.add_argument("--cell", choices=("transformer", "lstm", "gru"))
    sequence.add_argument("--units", type=int)
    sequence.add_argument("--encoder-layers", type=int)
    sequence.add_argument("--decoder-layers", type=int)
    sequence.add_argument(
        "--feed-forward",
        choices=("gelu", "gated"),
        help="the transformer's feed-forward layers (gated: better on products)",
    )
    sequence.add_argument(
        "--reverse", action="store_true", help="read the queries reversed"
    )
    sequence.add_argument(
        "--reader",
        help="image2text: a saved digit reader to read the characters with "
        "(default: train one on the training pool)",
    )
    sequence.add_argument(
        "--reader-epochs",
        type=int,
        default=15,
        help="image2text: epochs of the digit reader it trains",
    )
    sequence.add_argument(
        "--no-reader",
        action="store_true",
        help="image2text: learn to read inside the model, with its own CNN",
    )
    sequence.add_argument(
        "--decoder-epochs",
        type=int,
        default=15,
        help="text2image: epochs of its character decoder",
    )
    generative = train.add_argument_group("generative models")
    generative.add_argument("--latent-dim", type=int)
    generative.add_argument(
        "--conditional", action="store_true", help="condition on the digit class"
    )
    generative.add_argument(
        "--codes",
        type=int,
        help="gan: an InfoGAN code of this many values, learned without labels",
    )
    generative.add_argument(
        "--large",
        action="store_true",
        help="gan: the InfoGAN paper's bigger networks (preset 'digits-large'): "
        "better digits, about four times the training time",
    )
    train.set_defaults(command=run_train)

    evaluate = commands.add_parser(
        "evaluate",
        help="score a saved model on held-out data",
        description="Sequence models: exact match, per-character accuracy and "
        "the error analysis on the held-out split. text2image: readability "
        "judged by a separately trained digit reader. VAE/GAN: classifier "
        "score, Fréchet distance and, if conditional, the share read as the "
        "requested class. reader: accuracy on the test pool.",
    )
    evaluate.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    _add_split_arguments(evaluate, preset_default=None)
    evaluate.add_argument("--digits", default="auto", help=DIGIT_SOURCES_HELP)
    evaluate.add_argument(
        "--reader", help="a saved reader (default: train one on the training pool)"
    )
    evaluate.add_argument("--reader-epochs", type=int, default=15)
    evaluate.add_argument("--figure", help="save the error analysis as .png")
    evaluate.set_defaults(command=run_evaluate)

    sample = commands.add_parser(
        "sample",
        help="draw samples from a saved generative model",
        description="Draws a grid of samples from a saved VAE or GAN (row i "
        "shows class i of a conditional model), or the answers of given "
        "queries from a saved text2image model, and saves them as .png.",
    )
    sample.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    sample.add_argument("--output", required=True, help="the .png file to write")
    sample.add_argument("--rows", type=int, default=10)
    sample.add_argument("--columns", type=int, default=10)
    sample.add_argument(
        "--labels",
        type=int,
        nargs="+",
        help="one class (InfoGAN: code) for the grid, or one per row",
    )
    sample.add_argument(
        "--temperature",
        type=float,
        help="standard deviation of the latents (default 1; text2image: its own)",
    )
    sample.add_argument(
        "--stochastic", action="store_true", help="text2image: random handwriting"
    )
    sample.add_argument("--truncation", type=float, help="truncate at k SDs")
    sample.add_argument("--queries", nargs="+", help="text2image: the queries")
    sample.add_argument("--seed", type=int, default=0)
    sample.set_defaults(command=run_sample)

    interpolate = commands.add_parser(
        "interpolate",
        help="interpolate between prior samples of a saved generative model",
        description="Draws paths between random latent points of a saved VAE "
        "or GAN, one strip per path, and saves them as .png.",
    )
    interpolate.add_argument("model_path", metavar="MODEL", help="a .keras model")
    interpolate.add_argument("--output", required=True, help="the .png to write")
    interpolate.add_argument("--paths", type=int, default=5)
    interpolate.add_argument("--steps", type=int, default=10)
    interpolate.add_argument("--method", choices=("linear", "slerp"), default="slerp")
    interpolate.add_argument("--label", type=int, help="class (InfoGAN: code) to draw")
    interpolate.add_argument("--seed", type=int, default=0)
    interpolate.set_defaults(command=run_interpolate)
    return parser


def run_queries(arguments: argparse.Namespace) -> None:
    """`mnist-arith queries`: prints or saves a query set."""
    _check_suffix(arguments.output, (".csv", ".npz"), "--output")
    _check_count(arguments.show, "--show", minimum=0)
    queries = _queries(arguments)
    print(
        f"{arguments.preset}: {len(queries):,} queries, query width "
        f"{queries.query_width}, answer width {queries.answer_width}, "
        f"vocabulary {queries.character_table.characters!r}"
    )
    for query, answer in zip(
        queries.queries[: arguments.show],
        queries.answers[: arguments.show],
        strict=True,
    ):
        print(f"{str(query)!r} -> {str(answer)!r}")
    if arguments.output:
        queries.save(arguments.output)
        print(f"saved {len(queries):,} queries to {arguments.output}")


def run_images(arguments: argparse.Namespace) -> None:
    """`mnist-arith images`: renders queries and saves them."""
    import numpy as np

    import mnist_arith

    _check_suffix(arguments.output, (".png", ".npy"), "--output", required=True)
    _check_count(arguments.count, "--count")
    queries = _queries(arguments)[: arguments.count]
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
    print(
        f"saved {len(images)} queries {images.shape} from the {digits.source!r} "
        f"{arguments.pool} pool to {output}"
    )


def run_train(arguments: argparse.Namespace) -> None:
    """`mnist-arith train`: trains a model factory and saves it."""
    import keras

    _check_suffix(arguments.output, (".keras",), "--output", required=True)
    _check_suffix(arguments.figure, (".png",), "--figure")
    _check_count(arguments.decoder_epochs, "--decoder-epochs")
    for name in ("epochs", "batch_size", "units", "encoder_layers", "decoder_layers"):
        if getattr(arguments, name) is not None:
            _check_count(getattr(arguments, name), "--" + name.replace("_", "-"))
    if arguments.latent_dim is not None:
        _check_count(arguments.latent_dim, "--latent-dim")
    if arguments.conditional and arguments.model not in ("vae", "gan"):
        raise UsageError(
            f"--conditional applies to vae and gan. Received: {arguments.model}"
        )
    if arguments.codes is not None:
        _check_count(arguments.codes, "--codes")
        if arguments.model != "gan" or arguments.conditional:
            raise UsageError(
                "--codes applies to an unconditional gan. Received: "
                f"{arguments.model}{' --conditional' if arguments.conditional else ''}"
            )
    if arguments.large and arguments.model != "gan":
        raise UsageError(f"--large applies to gan. Received: {arguments.model}")
    _check_count(arguments.reader_epochs, "--reader-epochs")
    if (arguments.reader or arguments.no_reader) and arguments.model != "image2text":
        raise UsageError(
            f"--reader and --no-reader apply to image2text. Received: {arguments.model}"
        )
    if arguments.reader and (arguments.no_reader or arguments.notebook):
        raise UsageError(
            "--reader cannot go with --no-reader or --notebook (the course's "
            "model reads with its own CNN)"
        )
    keras.utils.set_random_seed(arguments.seed)
    verbose = 0 if arguments.quiet else "auto"
    start = time.perf_counter()
    if arguments.model in SEQUENCE_MODELS:
        model, history = _train_sequence_model(arguments, verbose)
    elif arguments.model == "text2image":
        model, history = _train_text2image(arguments, verbose)
    elif arguments.model == "reader":
        model, history = _train_reader(arguments, verbose)
    else:
        model, history = _train_generative_model(arguments, verbose)
    print(
        f"trained {arguments.model} for {len(history.epoch)} epochs in "
        f"{time.perf_counter() - start:.0f} s (backend {keras.backend.backend()})"
    )
    save_model(model, arguments.output)
    print(f"saved {arguments.output}")
    if arguments.figure:
        import mnist_arith

        figure = mnist_arith.plot_training_curves(history)
        save_figure(figure, arguments.figure, dpi=100, bbox_inches="tight")
        print(f"saved training curves to {arguments.figure}")


def run_evaluate(arguments: argparse.Namespace) -> None:
    """`mnist-arith evaluate`: scores a saved model."""
    import mnist_arith

    _check_suffix(arguments.figure, (".png",), "--figure")
    _check_count(arguments.reader_epochs, "--reader-epochs")
    model = _load_model(arguments.model_path)
    kind = _model_kind(model)
    if kind in SEQUENCE_MODELS:
        _evaluate_sequence_model(model, kind, arguments)
        return
    if kind not in ("reader", "text2image", "vae", "gan"):
        raise UsageError(
            "evaluate scores sequence models, text2image, VAE, GAN and reader "
            f"models. Received: {_article(kind)} {kind} model from "
            f"{arguments.model_path}"
        )
    if arguments.figure:
        raise UsageError(
            "--figure draws the error analysis of text2text and image2text "
            f"models. Received: {_article(kind)} {kind} model"
        )
    digits = mnist_arith.load_digits(arguments.digits)
    if kind == "reader":
        from mnist_arith.data.characters import character_dataset

        images, labels = character_dataset(
            digits, _reader_vocabulary(model), pool="test", seed=arguments.seed + 1000
        )
        _, accuracy = model.evaluate(images, labels, verbose=0)
        print(f"reader accuracy on the test pool: {accuracy:.2%}")
        return
    # Its own seed: the judge is independent of any reader inside the model.
    reader = _reader(arguments, digits, arguments.seed + 1)
    if kind == "text2image":
        _evaluate_text2image(model, reader, digits, arguments)
    else:
        _evaluate_generative_model(model, kind, reader, digits, arguments.seed)


def run_sample(arguments: argparse.Namespace) -> None:
    """`mnist-arith sample`: saves a grid of generated images."""
    import mnist_arith

    _check_suffix(arguments.output, (".png",), "--output", required=True)
    _check_count(arguments.rows, "--rows")
    _check_count(arguments.columns, "--columns")
    labels = _grid_labels(arguments.labels, arguments.rows, arguments.columns)
    model = _load_model(arguments.model_path)
    kind = _model_kind(model)
    if kind == "text2image":
        if not arguments.queries:
            raise UsageError("--queries is required to sample a text2image model")
        images = model.generate(
            arguments.queries,
            stochastic=arguments.stochastic,
            seed=arguments.seed,
            temperature=arguments.temperature,
        )
        figure = mnist_arith.plot_image_grid(
            images, titles=None, value_range=(0, 1), image_width=0.6
        )
    elif kind in ("vae", "gan"):
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
            images, arguments.columns, value_range=_value_range(kind), image_width=0.5
        )
    else:
        raise UsageError(
            "sample draws from VAE, GAN and text2image models. "
            f"Received: {_article(kind)} {kind} model from {arguments.model_path}"
        )
    save_figure(figure, arguments.output, dpi=100, bbox_inches="tight")
    print(f"saved {len(images)} samples from the {kind} to {arguments.output}")


def run_interpolate(arguments: argparse.Namespace) -> None:
    """`mnist-arith interpolate`: saves interpolation strips."""
    import keras
    import numpy as np

    import mnist_arith

    _check_suffix(arguments.output, (".png",), "--output", required=True)
    _check_count(arguments.paths, "--paths")
    _check_count(arguments.steps, "--steps", minimum=2)
    model = _load_model(arguments.model_path)
    kind = _model_kind(model)
    if kind not in ("vae", "gan"):
        raise UsageError(
            "interpolate draws from VAE and GAN models. "
            f"Received: {_article(kind)} {kind} model from {arguments.model_path}"
        )
    latent_dim = model.latent_dim
    ends = keras.ops.convert_to_numpy(
        mnist_arith.sample_prior(2 * arguments.paths, latent_dim, seed=arguments.seed)
    ).reshape(arguments.paths, 2, latent_dim)
    paths = np.concatenate(
        [
            keras.ops.convert_to_numpy(
                mnist_arith.interpolate_latents(
                    pair, arguments.steps, method=arguments.method
                )
            )
            for pair in ends
        ]
    )
    labels = None
    # One class (or InfoGAN code) along every path.
    if getattr(model, "num_classes", None) or getattr(model, "num_codes", None):
        label = 0 if arguments.label is None else arguments.label
        labels = np.full(len(paths), label)
    images = keras.ops.convert_to_numpy(
        mnist_arith.decode_latents(model, paths, labels)
    )
    images = images.reshape(arguments.paths, arguments.steps, *images.shape[1:])
    figure = mnist_arith.plot_interpolation(
        images, value_range=_value_range(kind), image_width=0.5
    )
    save_figure(figure, arguments.output, dpi=100, bbox_inches="tight")
    print(
        f"saved {arguments.paths} {arguments.method} paths of {arguments.steps} "
        f"steps to {arguments.output}"
    )


def _add_query_arguments(parser):
    parser.add_argument("preset", choices=PRESETS, help="the course edition")
    parser.add_argument(
        "--num-samples", type=int, help="a random sample instead of all queries"
    )
    parser.add_argument("--seed", type=int, default=0)


def _add_split_arguments(parser, preset_default="2023"):
    parser.add_argument(
        "--preset",
        choices=PRESETS,
        default=preset_default,
        help="the queries of sequence models"
        + ("" if preset_default else " (default: inferred from the model's shapes)"),
    )
    parser.add_argument(
        "--num-samples",
        type=int,
        help="a seeded random sample of the preset's queries (default: all)",
    )
    parser.add_argument(
        "--train-fraction",
        type=float,
        default=0.5,
        help="the seeded training share of the queries (the rest is held out)",
    )
    parser.add_argument("--seed", type=int, default=0)


def _queries(arguments, preset=None):
    import mnist_arith

    if arguments.num_samples is not None:
        _check_count(arguments.num_samples, "--num-samples")
    return mnist_arith.make_queries(
        preset or arguments.preset,
        num_samples=arguments.num_samples,
        seed=arguments.seed,
    )


def _split(preset, arguments):
    import mnist_arith

    return mnist_arith.split_queries(
        _queries(arguments, preset), arguments.train_fraction, seed=arguments.seed
    )


def _train_sequence_model(arguments, verbose):
    import mnist_arith

    train, test = _split(arguments.preset, arguments)
    table = train.character_table
    options = {
        "cell": arguments.cell,
        "units": arguments.units,
        "encoder_layers": arguments.encoder_layers,
        "decoder_layers": arguments.decoder_layers,
        "feed_forward": arguments.feed_forward,
    }
    options = {name: value for name, value in options.items() if value is not None}
    if arguments.notebook:
        if options or arguments.reverse:
            raise UsageError(
                "--notebook builds the course's model exactly; drop "
                f"{', '.join('--' + name.replace('_', '-') for name in options)}"
                f"{' --reverse' if arguments.reverse else ''}"
            )
        options["course_model"] = True
        options["padding"] = train.padding
    else:
        options["padding"] = train.padding
        if arguments.reverse:
            options["reverse_queries"] = True
    if arguments.model == "image2text":
        digits = mnist_arith.load_digits(arguments.digits)
        if not (arguments.notebook or arguments.no_reader):
            options["character_reader"] = _reader(arguments, digits, arguments.seed)
    factory = getattr(mnist_arith, arguments.model)
    model = factory(train.query_width, train.answer_width, table.characters, **options)
    epochs = arguments.epochs or 40
    batch_size = arguments.batch_size or 32
    print(
        f"{arguments.model} on {arguments.preset}: {len(train):,} training "
        f"queries ({arguments.train_fraction:.0%}, seed {arguments.seed}), "
        f"{len(test):,} held out"
    )
    if arguments.model == "text2text":
        history = model.fit(
            table.encode(train.queries),
            table.encode(train.answers),
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
        )
        inputs = table.encode(test.queries)
    else:
        dataset = mnist_arith.QueryDataset(
            train,
            inputs="image",
            batch_size=batch_size,
            digits=digits,
            seed=arguments.seed,
        )
        history = model.fit(dataset, epochs=epochs, verbose=verbose)
        inputs = _test_images(test, digits, arguments.seed)
    print(f"on the {len(test):,} held-out queries:")
    _held_out_report(model, inputs, test)
    return model, history


def _train_text2image(arguments, verbose):
    import mnist_arith

    train, test = _split(arguments.preset, arguments)
    digits = mnist_arith.load_digits(arguments.digits)
    model = mnist_arith.train_text2image(
        train,
        digits,
        text_epochs=arguments.epochs or 40,
        decoder_epochs=arguments.decoder_epochs,
        batch_size=arguments.batch_size or 32,
        seed=arguments.seed,
        verbose=verbose,
    )
    table = train.character_table
    predicted = table.decode(
        model.text_model.predict(table.encode(test.queries), verbose=0)
    )
    print(
        f"text model exact match on the {len(test):,} held-out queries: "
        f"{mnist_arith.analyze_errors(test, predicted).exact_match:.2%} "
        "(judge the images with `mnist-arith evaluate`)"
    )
    return model, model.history


def _train_reader(arguments, verbose):
    import mnist_arith

    digits = mnist_arith.load_digits(arguments.digits)
    vocabulary = (
        mnist_arith.MULTIPLICATION_VOCABULARY
        if arguments.preset == "2023-multiplication"
        else mnist_arith.COURSE_VOCABULARY
    )
    model, accuracy = mnist_arith.train_digit_reader(
        digits,
        vocabulary,
        epochs=arguments.epochs or 15,
        batch_size=arguments.batch_size or 128,
        seed=arguments.seed,
        verbose=verbose,
    )
    print(f"reader accuracy on the {digits.source!r} test pool: {accuracy:.2%}")
    return model, model.history


def _train_generative_model(arguments, verbose):
    import numpy as np

    import mnist_arith

    factory = getattr(mnist_arith, arguments.model)
    options = {"latent_dim": arguments.latent_dim}
    if arguments.conditional:
        options["num_classes"] = 10
    if arguments.codes is not None:
        options["num_codes"] = arguments.codes
    if arguments.large:
        options["preset"] = "digits-large"
    if arguments.model != "autoencoder":
        options["seed"] = arguments.seed
    model = factory(**options)
    digits = mnist_arith.load_digits(arguments.digits)
    images = digits.train_images[..., None].astype(np.float32) / 255
    if arguments.model == "gan":
        images = images * 2 - 1
    inputs = [images, digits.train_labels] if arguments.conditional else images
    print(f"{arguments.model} on {len(images):,} {digits.source!r} training digits")
    # The autoencoder learns to reproduce its input; the VAE and GAN take none.
    targets = images if arguments.model == "autoencoder" else None
    history = model.fit(
        inputs,
        targets,
        batch_size=arguments.batch_size or 64,
        epochs=arguments.epochs or 30,
        shuffle=True,
        verbose=verbose,
    )
    return model, history


def _evaluate_sequence_model(model, kind, arguments):
    import mnist_arith

    preset = arguments.preset or _infer_preset(model, kind)
    _, test = _split(preset, arguments)
    table = test.character_table
    if kind == "text2text":
        inputs = table.encode(test.queries)
    else:
        digits = mnist_arith.load_digits(arguments.digits)
        inputs = _test_images(test, digits, arguments.seed)
    _check_model_fits(model, inputs, preset)
    print(
        f"{kind} on the {len(test):,} held-out {preset} queries (train fraction "
        f"{arguments.train_fraction:.0%}, seed {arguments.seed}):"
    )
    report = _held_out_report(model, inputs, test)
    if arguments.figure:
        figure = mnist_arith.plot_error_analysis(report)
        save_figure(figure, arguments.figure, dpi=100, bbox_inches="tight")
        print(f"saved the error analysis to {arguments.figure}")


def _evaluate_text2image(model, reader, digits, arguments):
    import mnist_arith

    preset = arguments.preset or _infer_preset(model.text_model, "text2text")
    _, test = _split(preset, arguments)
    deterministic = model.generate(test, stochastic=False)
    stochastic = model.generate(test, stochastic=True, seed=arguments.seed)
    real = mnist_arith.render_query_images(
        test.answers, digits, pool="test", seed=arguments.seed, channel_axis=True
    )
    print(
        f"text2image on the {len(test):,} held-out {preset} queries, "
        "judged by the digit reader:"
    )
    for name, images in (
        ("deterministic", deterministic),
        ("stochastic", stochastic),
        ("real test-pool digits (reference)", real),
    ):
        value = mnist_arith.readability(
            reader, images, test.answers, _reader_vocabulary(reader)
        )
        print(f"  readability, {name}: {value:.2%}")


def _evaluate_generative_model(model, kind, reader, digits, seed):
    import numpy as np

    import mnist_arith

    requested = None
    if getattr(model, "num_classes", None):
        requested = np.repeat(np.arange(10), 100)
    generated = np.asarray(model.generate(1000, labels=requested, seed=seed))
    if kind == "gan":
        generated = (generated + 1) / 2
    quality = mnist_arith.digit_quality(
        reader,
        np.clip(generated, 0, 1),
        digits.test_images.astype(np.float32) / 255,
        requested,
    )
    print(f"{kind}: 1,000 samples judged by the digit reader")
    print(f"  classifier score: {quality.classifier_score:.2f} (at most 10)")
    print(f"  Fréchet distance to the test digits: {quality.frechet_distance:.2f}")
    if quality.class_accuracy is not None:
        print(f"  read as the requested class: {quality.class_accuracy:.2%}")


def _grid_labels(labels, rows, columns):
    """`--labels`: one class for the whole grid, or one class per row."""
    import numpy as np

    if labels is None:
        return None
    if len(labels) == 1:
        return labels[0]
    if len(labels) != rows:
        raise UsageError(
            f"--labels takes one class, or one per row ({rows}). Received: "
            f"--labels {' '.join(map(str, labels))}"
        )
    return np.repeat(np.array(labels), columns)


def _reader(arguments, digits, seed):
    import mnist_arith

    if arguments.reader:
        return _load_model(arguments.reader)
    print(f"training a digit reader for {arguments.reader_epochs} epochs ...")
    reader, accuracy = mnist_arith.train_digit_reader(
        digits, epochs=arguments.reader_epochs, seed=seed
    )
    print(f"reader accuracy on the test pool: {accuracy:.2%}")
    return reader


def _test_images(test, digits, seed):
    import mnist_arith

    return mnist_arith.render_query_images(
        test.queries,
        digits,
        pool="test",
        seed=seed + 1,
        channel_axis=True,
        glyph_style="2021" if (test.preset or "").startswith("2021") else "2023",
    )


def _held_out_report(model, inputs, test):
    """Predicts the held-out answers, prints the error analysis and returns it."""
    import mnist_arith

    table = test.character_table
    predicted = table.decode(model.predict(inputs, batch_size=1024, verbose=0))
    report = mnist_arith.analyze_errors(test, predicted)
    _print_report(report)
    return report


def _print_report(report):
    print(f"  exact match: {report.exact_match:.2%}")
    print(f"  per character: {report.character_accuracy:.2%}")
    print(f"  wrong answers by kind: {report.error_kinds}")
    print(f"  exact match by operator: {_percentages(report.by_operator)}")
    print(f"  exact match by carries/borrows: {_percentages(report.by_carries)}")


def _percentages(values):
    return ", ".join(f"{key}: {value:.2%}" for key, value in values.items())


def _load_model(path):
    import keras

    import mnist_arith  # noqa: F401  (registers the custom objects)

    if not pathlib.Path(path).is_file():
        raise FileNotFoundError(f"No such model file: {path}")
    _check_suffix(path, (".keras",), "MODEL", required=True)
    return keras.saving.load_model(path)


def _model_kind(model):
    import mnist_arith

    for kind, cls in (
        ("text2text", mnist_arith.Text2Text),
        ("image2text", mnist_arith.Image2Text),
        ("reader", mnist_arith.DigitReader),
        ("text2image", mnist_arith.Text2Image),
        ("vae", mnist_arith.VAE),
        ("gan", mnist_arith.GAN),
        ("autoencoder", mnist_arith.Autoencoder),
    ):
        if isinstance(model, cls):
            return kind
    # A functional model saved by release 0.1.0, before models knew their kind.
    shape = tuple(model.input_shape)
    if model.name.startswith("digit_reader") or shape[1:] == (28, 28, 1):
        return "reader"
    if len(shape) == 3:
        return "text2text"
    if len(shape) == 5:
        return "image2text"
    return type(model).__name__


def _infer_preset(model, kind):
    import mnist_arith

    answer_width, vocabulary_size = model.output_shape[1:]
    query_width = model.input_shape[1]
    # Models that know their format are matched on it, padding included.
    known = isinstance(model, mnist_arith.Text2Text | mnist_arith.Image2Text)
    for preset in PRESETS:
        queries = mnist_arith.make_queries(preset, num_samples=1, seed=0)
        if known and (
            queries.query_width,
            queries.answer_width,
            queries.vocabulary,
            queries.padding,
        ) == (model.query_length, model.answer_length, model.vocabulary, model.padding):
            return preset
        if not known and (
            queries.query_width,
            queries.answer_width,
            queries.character_table.size,
        ) == (query_width, answer_width, vocabulary_size):
            return preset
    raise UsageError(
        f"No course preset has the shapes of this {kind} model (queries of "
        f"{query_width}, answers of {answer_width}, {vocabulary_size} characters)"
    )


def _check_model_fits(model, inputs, preset):
    expected = tuple(model.input_shape[1:])
    if tuple(inputs.shape[1:]) != expected:
        raise UsageError(
            f"--preset {preset} gives inputs of shape {tuple(inputs.shape[1:])}, "
            f"but the model takes {expected}"
        )


def _reader_vocabulary(model):
    import mnist_arith

    if isinstance(model, mnist_arith.DigitReader):
        return model.vocabulary
    # A reader saved by release 0.1.0 knows only its number of classes.
    if model.output_shape[-1] == len(mnist_arith.MULTIPLICATION_VOCABULARY):
        return mnist_arith.MULTIPLICATION_VOCABULARY
    return mnist_arith.COURSE_VOCABULARY


def _value_range(kind):
    return (-1.0, 1.0) if kind == "gan" else (0.0, 1.0)


def _check_suffix(path, suffixes, name, required=False):
    """Checks an output path before any work: folder, extension, not a folder."""
    if path is None:
        if required:
            raise UsageError(f"{name} is required")
        return
    check_output_path(path, suffixes, name)


def _check_count(value, name, minimum=1):
    if value < minimum:
        raise UsageError(f"{name} must be at least {minimum}. Received: {name} {value}")


def _article(word):
    return "an" if word[0] in "aeiou" else "a"


def _version():
    from importlib import metadata

    try:
        return metadata.version("mnist-arith")
    except metadata.PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
