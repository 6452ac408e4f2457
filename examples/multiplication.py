"""
Title: Multiplication: the course's harder sequel
Description: Train `text2text` on half of the 10,000 products `i * j` of the
2023-25 notebook's second part, score it on the other half, and find which
digits of a product the model gets wrong.

Run it with any backend:

    KERAS_BACKEND=jax python examples/multiplication.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/multiplication.py          # 200 epochs

The pictures in docs/images/ (`multiplication-*.png`) were made with:

    KERAS_BACKEND=jax python examples/multiplication.py --epochs 60 \
        --figures docs/images

Text only: no digit images are involved, so this runs offline as it is.
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny model, few epochs")
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--train-fraction", type=float, default=0.5)
parser.add_argument("--units", type=int, default=None, help="model width")
parser.add_argument("--layers", type=int, default=2, help="encoder/decoder layers")
parser.add_argument(
    "--feed-forward",
    choices=["gelu", "gated"],
    default="gelu",
    help="the transformer's feed-forward layers (text2text's default: gelu)",
)
parser.add_argument(
    "--no-digit-pairs",
    action="store_true",
    help="the model without DigitPairs (it answers far fewer new products)",
)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figures", default=None, help="folder to save PNG figures in")
args = parser.parse_args()
epochs = args.epochs or (2 if args.quick else 200)
units = args.units or (32 if args.quick else 64)
layers = 1 if args.quick else args.layers


def save(figure, name):
    """Saves a figure as `<--figures>/<name>.png`, if `--figures` was given."""
    if args.figures:
        path = pathlib.Path(args.figures) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=80)
        print(f"saved {path}")


"""
## The queries

`make_queries("2023-multiplication")` enumerates `i * j` for `i, j` in
0..99 in the notebook's order: `'7*3  '` -> `'21  '`, up to
`'99*99'` -> `'9801'`. The vocabulary gains `'*'` (14 characters) and answers
have four characters. `character_table` picks the right vocabulary.
"""

queries = mnist_arith.make_queries("2023-multiplication")
table = queries.character_table
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
watched = test[np.random.default_rng(args.seed).permutation(len(test))[:1000]]
print(f"{len(train)} training and {len(test)} held-out products, vocabulary")
print(f"{table.characters!r}; e.g. {train.queries[:3].tolist()}")

"""
## The model

The same `text2text` transformer as for sums, sized for this vocabulary and
answer length. Its place embeddings (`DigitPlaces`) tell it which digits
stand in which column, and each answer character attends to the query. That
is enough for sums, where a digit of the answer depends on one column and a
carry. A digit of a product depends on many digit pairs at once: the tens
digit of `47 * 36` needs `7*6`, `4*6` and `7*3`. For products the model
therefore also reads the lattice of long multiplication (`DigitPairs`, on by
default for the multiplication vocabulary): every digit of `i` paired with
every digit of `j`, with the column of the answer the pair belongs to. An
embedding learns what each of the 100 digit pairs makes; the network learns
how the columns add up and carry.

It trains with the recipe that `mnist-arith train text2text` uses: batch 100,
AdamW with weight decay 0.1, and a learning rate that warms up to 0.005 and
decays to 0 along a cosine (`warmup_cosine`).
"""

keras.utils.set_random_seed(args.seed)
steps = -(-len(train) // args.batch_size) * epochs
model = mnist_arith.text2text(
    queries.query_width,
    queries.answer_width,
    table.characters,
    learning_rate=mnist_arith.warmup_cosine(5e-3, steps),
    weight_decay=0.1,
    units=units,
    encoder_layers=layers,
    decoder_layers=layers,
    feed_forward=args.feed_forward,
    digit_pairs=not args.no_digit_pairs,
)
start = time.perf_counter()
history = model.fit(
    table.encode(train.queries),
    table.encode(train.answers),
    batch_size=args.batch_size,
    epochs=epochs,
    validation_data=(table.encode(watched.queries), table.encode(watched.answers)),
    verbose=2 if args.quick else 0,
)
seconds = time.perf_counter() - start
predicted = table.decode(
    model.predict(table.encode(test.queries), batch_size=1000, verbose=0)
)

"""
## Error analysis

`analyze_errors` sorts the misses into kinds: "off by 100" is one wrong
hundreds digit, "other" usually several wrong digits. Carries are only
counted for sums and differences, so the carries panel of
`plot_error_analysis` stays empty for products and we hide it.
"""

report = mnist_arith.analyze_errors(test, predicted)
print(
    f"exact match {report.exact_match:.2%}, per character "
    f"{report.character_accuracy:.2%}; wrong answers: {report.error_kinds}"
)
lengths = {key: f"{value:.1%}" for key, value in report.by_answer_length.items()}
print(f"exact match by answer length: {lengths}")
figure = mnist_arith.plot_error_analysis(report)
save(figure, "multiplication-errors")
save(
    mnist_arith.plot_training_curves(
        history, ["exact_match", "character_accuracy"], width=3.5
    ),
    "multiplication-curves",
)

"""
## Which digits are hard?

Compare the predicted and the true product place by place. The units digit
of `i * j` depends only on the units digits of `i` and `j`, and the leading
digit mostly on the leading digits; the middle digits need every partial
product and their carries.
"""

true_values = test.results
readable = ~np.isnan(report.predicted_values)
guesses = np.where(readable, report.predicted_values, -1).astype(np.int64)
for place, name in enumerate(["units", "tens", "hundreds", "thousands"]):
    has_place = true_values >= 10**place if place else np.ones_like(readable)
    right = readable & ((guesses // 10**place) % 10 == (true_values // 10**place) % 10)
    print(f"{name:>10} digit right: {right[has_place].mean():7.2%}")
for row in np.flatnonzero(~report.correct)[:5]:
    print(f"  {test.queries[row]!s} = {test.answers[row]!s}  model: {predicted[row]!s}")

"""
## Has it learned to multiply?

A held-out `a*b` whose twin `b*a` was a training query can be answered from
memory once the model knows that `*` commutes. The products whose twin was
not trained are the honest figure.
"""

swapped = mnist_arith.twin_in_training(train, test)
for label, mask in (("trained", swapped), ("not trained", ~swapped)):
    print(
        f"{mask.sum():,} held-out products whose twin was {label}: "
        f"{report.correct[mask].mean():.2%} exact"
    )

print(
    f"backend={keras.backend.backend()} epochs={epochs} units={units} "
    f"layers={layers} feed_forward={args.feed_forward} "
    f"digit_pairs={not args.no_digit_pairs} train={len(train)} "
    f"wall={seconds:.0f}s "
    f"exact-match accuracy: {report.exact_match:.2%}"
)
