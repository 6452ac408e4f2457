"""Readability of text2image's answers on held-out queries, judged by an independent reader.

Builds the 2023 queries, splits them with a seeded train fraction and trains a
`Text2Image` with `train_text2image` on the training queries and the training
pool's digits. The shipped reference reader (`reference_reader()`, trained on
MNIST, never on generated images) then reads the generated answer images of
every held-out query; `--reader trained` trains a `digit_reader` on the same
training pool with its own seed instead, as the first recorded runs did. Readability is the share of answers read exactly as the true answer;
it is printed for the deterministic mode (one tidy handwriting) and the
stochastic mode (new handwriting per sample), next to the text model's own
exact match (the ceiling readability can reach) and the readability of real
test-pool digits showing the true answers (how well the reader reads at all).

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/text2image_readability.py --train-fraction 0.1 --text-epochs 300

`--figure PATH` saves a grid of held-out queries with generated answers (the
picture in the docs). `--quick` trains one epoch on a small sample.
"""  # noqa: E501

import argparse
import time

import numpy as np
from judges import add_reader_arguments
from judges import obtain_reader
from machine import print_run_header

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--train-fraction", type=float, default=0.1)
parser.add_argument("--text-epochs", type=int, default=300)
parser.add_argument("--decoder-epochs", type=int, default=15)
add_reader_arguments(parser)
parser.add_argument(
    "--digits",
    default="auto",
    help="'auto', 'mnist', 'embedded', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figure", default=None, help="save sample answers as a PNG")
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()

queries = mnist_arith.make_queries("2023")
if args.quick:
    queries = queries[np.random.default_rng(0).permutation(len(queries))[:1000]]
    args.text_epochs = args.decoder_epochs = args.reader_epochs = 1
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
digits = mnist_arith.load_digits(args.digits)

print_run_header()
print(
    f"task:     2023 ({len(queries):,} queries), train {len(train):,} "
    f"({args.train_fraction:.0%}, seed {args.seed}), held-out {len(test):,}; "
    f"text {args.text_epochs} epochs, decoder {args.decoder_epochs} epochs"
)
print(f"digits:   {digits.source} ({len(digits.train_labels):,} train-pool digits)")

# The judge never sees generated images.
reader = obtain_reader(args, digits, seed=args.seed + 1)

start = time.perf_counter()
model = mnist_arith.train_text2image(
    train,
    digits,
    text_epochs=args.text_epochs,
    decoder_epochs=args.decoder_epochs,
    seed=args.seed,
)
seconds = time.perf_counter() - start
table = queries.character_table
text = table.decode(model.text_model.predict(table.encode(test.queries), verbose=0))
deterministic = model.generate(test)
stochastic = model.generate(test, stochastic=True, seed=args.seed)
tidier = model.generate(test, stochastic=True, seed=args.seed, temperature=0.25)
real = mnist_arith.render_query_images(
    test.answers, digits, pool="test", seed=args.seed, channel_axis=True
)

print(f"trained:  {seconds:.0f} s")
print()
print(f"{'held-out answers':<44}{'read exactly right':>20}")
for name, value in (
    ("text model's exact match (ceiling)", float(np.mean(text == test.answers))),
    (
        "readability, deterministic",
        mnist_arith.readability(deterministic, test.answers, reader=reader),
    ),
    (
        "readability, stochastic (temperature 0.5)",
        mnist_arith.readability(stochastic, test.answers, reader=reader),
    ),
    (
        "readability, stochastic (temperature 0.25)",
        mnist_arith.readability(tidier, test.answers, reader=reader),
    ),
    (
        "real test-pool digits (reference)",
        mnist_arith.readability(real, test.answers, reader=reader),
    ),
):
    print(f"{name:<44}{value:>20.2%}")

if args.figure:
    rows = np.random.default_rng(args.seed).choice(len(test), 8, replace=False)
    query_images = mnist_arith.render_query_images(
        test.queries[rows], digits, pool="test", seed=args.seed
    )
    # Each row: the query's images, a blank, the deterministic answer, a blank,
    # two stochastic answers.
    blank = np.zeros((len(rows), 1, 28, 28), np.float32)
    stochastic_again = model.generate(test[rows], stochastic=True, seed=args.seed + 1)
    strip = np.concatenate(
        [
            query_images,
            blank,
            deterministic[rows, ..., 0],
            blank,
            stochastic[rows, ..., 0],
            blank,
            stochastic_again[..., 0],
        ],
        axis=1,
    )
    figure = mnist_arith.plot_image_grid(
        strip.reshape(-1, 28, 28), num_columns=strip.shape[1], image_width=0.4
    )
    figure.savefig(args.figure, dpi=100, bbox_inches="tight")
    print(f"figure:   {args.figure}")
