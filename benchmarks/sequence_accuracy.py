"""Exact-match accuracy of text2text on held-out queries, against the course's model.

Builds a course task's queries, splits them with a seeded train fraction, trains
`mnist_arith.text2text()` (the default transformer with digit places) and the
course's reference model (`course_model=True`) for the same number of epochs on
the training split only, and scores both on every held-out query. Optional extra
models isolate the ideas (`places-off`: the default without `DigitPlaces`;
`written-order`: the default decoding answers in the order they are written
instead of right-aligned, i.e. without `LeftAlign`; `lstm`: the attention LSTM;
`gated`: the default with gated (GEGLU) feed-forward layers; `units-first`:
the autoregressive decoder, `decoder="autoregressive"`, which writes the
answer units digit first; `units-first-gated`: the same with gated layers).
`--digit-pairs on|off` switches the transformers' `DigitPairs` (the lattice
of the operands' digit pairs) on or off for every model of the run; by
default each model has its own default, on for products.

For `+` and `*` it also splits every model's held-out exact match by whether
the same query with its operands swapped was in the training split
(`mnist_arith.twin_in_training`): a model that has learned that the operator
commutes answers those from memory. `--split-by-pair` keeps every query and its
swapped twin on the same side of the split (`split_queries(...,
by_unordered_pair=True)`), so that every held-out query is a pair never trained
in either order.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/sequence_accuracy.py --task 2023 --train-fraction 0.1 --epochs 300
    KERAS_BACKEND=jax python benchmarks/sequence_accuracy.py --task three-digit --train-fraction 0.05 --epochs 30 --batch-size 256
    KERAS_BACKEND=jax python benchmarks/sequence_accuracy.py --task multiplication --train-fraction 0.5 --epochs 300 --batch-size 100 --learning-rate 0.005 --weight-decay 0.1 --schedule warmup-cosine --models ours
    KERAS_BACKEND=jax python benchmarks/sequence_accuracy.py --task multiplication --train-fraction 0.5 --epochs 300 --split-by-pair

`--quick` trains a few epochs on a small sample (a smoke run, not a result).
"""  # noqa: E501

import argparse
import time

import keras
import numpy as np
from machine import print_run_header
from training import add_optimizer_arguments
from training import optimizer_options

import mnist_arith

TASKS = {
    "2023": "2023",
    "three-digit": "2021-three-digit",
    "multiplication": "2023-multiplication",
}
MODELS = {
    "ours": {},
    "notebook": {"course_model": True},
    "places-off": {"digit_places": False},
    "written-order": {"padding": "left"},
    "lstm": {"cell": "lstm"},
    "wide": {"units": 128, "encoder_layers": 3, "decoder_layers": 3},
    "gated": {"feed_forward": "gated"},
    "units-first": {"decoder": "autoregressive"},
    "units-first-gated": {"decoder": "autoregressive", "feed_forward": "gated"},
}

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--task", choices=sorted(TASKS), default="2023")
parser.add_argument(
    "--train-fraction",
    default="0.1",
    help="a fraction, or several separated by commas for a split sweep",
)
parser.add_argument("--epochs", type=int, default=300)
parser.add_argument("--batch-size", type=int, default=32)
add_optimizer_arguments(parser)
parser.add_argument("--models", default="ours,notebook", help=f"from {sorted(MODELS)}")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument(
    "--split-by-pair",
    action="store_true",
    help="keep each query and its operand-swapped twin on the same side of the split",
)
parser.add_argument(
    "--digit-pairs",
    choices=("auto", "on", "off"),
    default="auto",
    help="the transformers' DigitPairs (auto: the models' default, on for products)",
)
parser.add_argument("--plot", default=None, help="save exact match vs split as a PNG")
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()

queries = mnist_arith.make_queries(TASKS[args.task])
if args.quick:
    queries = queries[np.random.default_rng(0).permutation(len(queries))[:2000]]
    args.epochs = 2
fractions = [float(fraction) for fraction in args.train_fraction.split(",")]
names = args.models.split(",")
table = queries.character_table

print_run_header()
print(
    f"task:     {args.task} ({len(queries):,} queries), train fractions "
    f"{', '.join(f'{fraction:.0%}' for fraction in fractions)} (seed {args.seed}"
    f"{', operand pairs kept together' if args.split_by_pair else ''}), "
    f"{args.epochs} epochs, batch {args.batch_size}, learning rate "
    f"{args.learning_rate:g} ({args.schedule}), weight decay {args.weight_decay:g}"
)
print()
print(
    f"{'model':<12}{'train':>8}{'held out':>10}{'exact match':>13}"
    f"{'per character':>15}{'train s':>10}"
)


results, answers = {}, {}
for fraction in fractions:
    train, test = mnist_arith.split_queries(
        queries, fraction, by_unordered_pair=args.split_by_pair, seed=args.seed
    )
    x_train, y_train = table.encode(train.queries), table.encode(train.answers)
    x_test = table.encode(test.queries)
    for name in names:
        keras.utils.set_random_seed(args.seed)
        optimizer = optimizer_options(
            args, len(train), MODELS[name].get("course_model", False)
        )
        settings = {"padding": queries.padding, **MODELS[name]}
        if args.digit_pairs != "auto" and not settings.get("course_model"):
            settings["digit_pairs"] = args.digit_pairs == "on"
        model = mnist_arith.text2text(
            queries.query_width,
            queries.answer_width,
            table.characters,
            **optimizer,
            **settings,
        )
        start = time.perf_counter()
        model.fit(
            x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=0
        )
        seconds = time.perf_counter() - start
        predicted = table.decode(model.predict(x_test, batch_size=4096, verbose=0))
        report = mnist_arith.analyze_errors(test, predicted)
        results[name, fraction] = report
        answers[name, fraction] = predicted
        print(
            f"{name:<12}{len(train):>8,}{len(test):>10,}{report.exact_match:>13.2%}"
            f"{report.character_accuracy:>15.2%}{seconds:>10.0f}",
            flush=True,
        )

first = results[names[0], fractions[-1]]
print()
print(f"errors of {names[0]} at {fractions[-1]:.0%}: {first.error_kinds}")
print(f"exact match by operator: {first.by_operator}")
print(f"exact match by carries/borrows: {first.by_carries}")
commutes = np.isin(test.operators[:, 0], ["+", "*"])
swapped = mnist_arith.twin_in_training(train, test) & commutes
for name in names:
    right = np.char.strip(answers[name, fractions[-1]]) == np.char.strip(test.answers)
    for label, mask in (("was", swapped), ("was not", commutes & ~swapped)):
        if mask.any():
            print(
                f"{name}: exact match on the {mask.sum():,} held-out + and * "
                f"queries whose swapped query {label} trained on: "
                f"{right[mask].mean():.2%}"
            )

if args.plot:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 3.5), layout="constrained")
    axes = figure.subplots()
    for name in names:
        for value, style in (("exact_match", "-o"), ("character_accuracy", ":.")):
            axes.plot(
                [100 * fraction for fraction in fractions],
                [
                    100 * getattr(results[name, fraction], value)
                    for fraction in fractions
                ],
                style,
                label=f"{name}, {value.replace('_', ' ')}",
            )
    axes.set_xlabel("training split (% of all queries)")
    axes.set_ylabel("held-out accuracy (%)")
    axes.set_title(f"{args.task}: {args.epochs} epochs per split")
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small")
    figure.savefig(args.plot, dpi=100)
    print(f"figure:   {args.plot}")
