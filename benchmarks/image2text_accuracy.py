"""Exact-match accuracy of image2text on held-out queries drawn in unseen handwriting.

Builds the 2023 queries (or the products, `--task multiplication`), splits
them with a seeded train fraction, and trains
`mnist_arith.image2text()` on the training queries rendered with the training
pool's digits: a `QueryDataset` draws new handwriting for every query in every
epoch. Every held-out query is then rendered once with the test pool's digits
(digits no model saw in training) and scored by exact match. The course's
reference model (`course_model=True`: the same convolutional character reader
under the course's LSTM(256) encoder-decoder) can be trained the same number of
epochs in the same run for comparison.

The `reference` model is `image2text(character_reader="reference")`: the
shipped reference reader (`reference_reader()`), frozen, reads the characters
and the sequence model learns the arithmetic. The share of held-out query
images the reference reader reads without a wrong character is printed as
the bound: a model reading with it can hardly answer more of them.

With `--trained-reader`, a digit reader (`train_digit_reader`) is also trained
on the same training pool, as the first recorded runs did: the `reader` model
is `image2text(character_reader=reader)` with that reader, and its reading of
the query images is printed as that model's bound.

For products it also splits the held-out exact match by whether each query's
operand-swapped twin was a training query. `--schedule warmup-cosine` with
`--batch-size`, `--learning-rate` and `--weight-decay` trains with the recipe
that `train text2text` uses.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/image2text_accuracy.py --train-fraction 0.5 --epochs 40
    KERAS_BACKEND=tensorflow python benchmarks/image2text_accuracy.py --task multiplication --models reference --epochs 100 --batch-size 100 --learning-rate 0.005 --weight-decay 0.1 --schedule warmup-cosine
    KERAS_BACKEND=tensorflow python benchmarks/image2text_accuracy.py --models reference,notebook --epochs 30

`--quick` trains one epoch on a small sample (a smoke run, not a result).
"""  # noqa: E501

import argparse
import time

import keras
import numpy as np
from machine import print_run_header
from training import add_optimizer_arguments
from training import optimizer_options

import mnist_arith
from mnist_arith.data.characters import character_dataset

MODELS = {
    "ours": {},
    "notebook": {"course_model": True},
    "reference": {"character_reader": "reference"},
    "reader": {},
}

TASKS = {"2023": "2023", "multiplication": "2023-multiplication"}

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--task", choices=sorted(TASKS), default="2023")
parser.add_argument("--train-fraction", type=float, default=0.5)
parser.add_argument("--epochs", type=int, default=40)
parser.add_argument("--batch-size", type=int, default=64)
add_optimizer_arguments(parser)
parser.add_argument("--models", default="ours", help=f"from {sorted(MODELS)}")
parser.add_argument(
    "--digits",
    default="auto",
    help="'auto', 'mnist', 'embedded', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument(
    "--trained-reader",
    action="store_true",
    help="also train a digit reader on the training pool (needed by `reader`)",
)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()

queries = mnist_arith.make_queries(TASKS[args.task])
if args.quick:
    queries = queries[np.random.default_rng(0).permutation(len(queries))[:1000]]
    args.epochs = 1
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
table = queries.character_table
digits = mnist_arith.load_digits(args.digits)
test_images = mnist_arith.render_query_images(
    test.queries, digits, pool="test", seed=args.seed + 1, channel_axis=True
)

print_run_header()
print(
    f"task:     {args.task} ({len(queries):,} queries), train {len(train):,} "
    f"({args.train_fraction:.0%}, seed {args.seed}), held-out {len(test):,}, "
    f"{args.epochs} epochs, batch {args.batch_size}, learning rate "
    f"{args.learning_rate:g} ({args.schedule}), weight decay {args.weight_decay:g}"
)
print(
    f"digits:   {digits.source} ({len(digits.train_labels):,} train-pool digits "
    f"for training, {len(digits.test_labels):,} test-pool digits for the "
    "held-out images)"
)
if "reader" in args.models.split(",") and not args.trained_reader:
    parser.error("--models reader needs --trained-reader")


def print_bound(name, reader, seconds):
    """How many held-out query images `reader` reads without a wrong character."""
    characters, labels = character_dataset(
        digits, reader.vocabulary, pool="test", seed=args.seed + 1000
    )
    predicted = np.argmax(reader.predict(characters, verbose=0), axis=-1)
    read = np.array(mnist_arith.read_images(reader, test_images))
    print(
        f"{name}: {np.mean(predicted == labels):.2%} of test-pool characters, "
        f"{np.mean(read == test.queries):.2%} of held-out queries read exactly "
        f"(the bound; {seconds:.0f} s)"
    )


print_bound("reference reader", mnist_arith.reference_reader(), 0)
if args.trained_reader:
    start = time.perf_counter()
    reader, _ = mnist_arith.train_digit_reader(
        digits, epochs=1 if args.quick else 15, seed=args.seed
    )
    print_bound("trained reader", reader, time.perf_counter() - start)
print()
print(f"{'model':<12}{'exact match':>13}{'per character':>15}{'train s':>10}")
results, answers = {}, {}
for name in args.models.split(","):
    keras.utils.set_random_seed(args.seed)
    settings = {"character_reader": reader} if name == "reader" else MODELS[name]
    optimizer = optimizer_options(args, len(train), bool(settings.get("course_model")))
    model = mnist_arith.image2text(
        queries.query_width,
        queries.answer_width,
        table.characters,
        **optimizer,
        **settings,
    )
    dataset = mnist_arith.QueryDataset(
        train,
        inputs="image",
        batch_size=args.batch_size,
        digits=digits,
        seed=args.seed,
    )
    start = time.perf_counter()
    model.fit(dataset, epochs=args.epochs, verbose=0)
    seconds = time.perf_counter() - start
    predicted = table.decode(model.predict(test_images, batch_size=1024, verbose=0))
    report = mnist_arith.analyze_errors(test, predicted)
    results[name] = report
    answers[name] = predicted
    print(
        f"{name:<12}{report.exact_match:>13.2%}{report.character_accuracy:>15.2%}"
        f"{seconds:>10.0f}",
        flush=True,
    )

first = next(iter(results))
print()
print(f"errors of {first}: {results[first].error_kinds}")
print(f"exact match by operator: {results[first].by_operator}")
print(f"exact match by answer length: {results[first].by_answer_length}")
swapped = mnist_arith.twin_in_training(train, test)
commutes = np.isin(test.operators[:, 0], ["+", "*"])
for name, predicted in answers.items():
    right = np.char.strip(predicted) == np.char.strip(test.answers)
    for label, mask in (("was", swapped & commutes), ("was not", commutes & ~swapped)):
        if mask.any():
            print(
                f"{name}: exact match on the {mask.sum():,} held-out + and * "
                f"queries whose swapped query {label} trained on: "
                f"{right[mask].mean():.2%}"
            )
