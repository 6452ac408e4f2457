"""
Title: Reading handwritten queries: from images of digits to the answer's text
Description: Render the 2023 queries in MNIST handwriting, train `image2text`
(which reads with the shipped reference reader) on fresh handwriting every
epoch, and score it on held-out queries written with digits that no model saw
in training.

Run it with any backend:

    KERAS_BACKEND=jax python examples/image_queries.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/image_queries.py          # the full run

The pictures in docs/images/ (`image2text-*.png`) were made with:

    KERAS_BACKEND=tensorflow python examples/image_queries.py \
        --epochs 10 --figures docs/images

Everything runs offline: the handwriting comes from the 6,000 MNIST digits
embedded in the package (`--digits auto` uses full MNIST when Keras has it or
can download it).
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny model, one epoch")
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--train-fraction", type=float, default=0.5)
parser.add_argument("--batch-size", type=int, default=50)
parser.add_argument(
    "--digits",
    default="embedded",
    help="'embedded', 'auto', 'mnist', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figures", default=None, help="folder to save PNG figures in")
args = parser.parse_args()
epochs = args.epochs or (1 if args.quick else 30)


def save(figure, name):
    """Saves a figure as `<--figures>/<name>.png`, if `--figures` was given."""
    if args.figures:
        path = pathlib.Path(args.figures) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=100, bbox_inches="tight")
        print(f"saved {path}")


"""
## Two pools of handwriting

`load_digits` returns two disjoint pools of digit images, `train` and `test`.
Training queries are drawn with the training pool only; held-out queries are
drawn with the test pool, so the score says how well the model reads digits
it has never seen, on sums it has never seen.
"""

keras.utils.set_random_seed(args.seed)
digits = mnist_arith.load_digits(args.digits)
queries = mnist_arith.make_queries("2023")
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
if args.quick:
    train, test = train[:1000], test[:1000]
table = queries.character_table
print(f"{digits}: {len(train)} training and {len(test)} held-out queries")

"""
## Fresh handwriting every epoch

`QueryDataset(queries, inputs="image")` is a `keras.utils.PyDataset` that
renders every batch on the fly: each character of each query is a random
image of that digit (operators are drawn glyphs, spaces are blank), drawn
anew every epoch. The model never sees the same image of a query twice, which
is cheap data augmentation, and the images never sit in memory.

The held-out queries are rendered once, from the test pool, as a fixed array.
"""

train_data = mnist_arith.QueryDataset(
    train, inputs="image", batch_size=args.batch_size, digits=digits, seed=args.seed
)
x_test = mnist_arith.render_query_images(
    test.queries, digits, pool="test", seed=args.seed + 1, channel_axis=True
)
y_test = table.encode(test.answers)
x_batch, y_batch = train_data[0]
print(f"one batch: images {x_batch.shape}, answers {y_batch.shape}")

"""
## The reader

Reading and arithmetic are two different skills. The package ships a
reference reader (`reference_reader()`), a CNN trained on MNIST's 60,000
training digits and the drawn operators and blanks. No query can be answered
right if one of its characters is misread, so the share of held-out query
images it reads without a wrong character bounds what a model reading with
it can score here.
"""

reader = mnist_arith.reference_reader()
read = np.array(mnist_arith.read_images(reader, x_test))
print(f"reader: {np.mean(read == test.queries):.2%} of held-out queries read exactly")

"""
## The model

`image2text()` keeps a frozen copy of the reference reader, applies it to
every character image (`TimeDistributed`) and hands the sequence of
character probabilities to the same transformer encoder-decoder as
`text2text`, digit places included: the model learns only the arithmetic.
Its output is the answer's characters, one softmax per position.
(`character_reader=None` trains a small CNN inside the model instead, which
learns to read far more slowly; `character_reader=` also takes a reader
trained with `train_digit_reader`.)
"""

options = {"units": 32, "encoder_layers": 1, "decoder_layers": 1}
model = mnist_arith.image2text(
    queries.query_width,
    queries.answer_width,
    table.characters,
    **(options if args.quick else {}),
)
start = time.perf_counter()
history = model.fit(
    train_data,
    epochs=epochs,
    validation_data=(x_test[:1000], y_test[:1000]),
    verbose=2,
)
seconds = time.perf_counter() - start

"""
## Scoring on unseen handwriting

Exact match counts the answers with every character right. The training
curves compare the training queries (new handwriting each epoch) with 1,000
of the held-out queries in the test pool's handwriting.
"""

predicted = table.decode(model.predict(x_test, batch_size=500, verbose=0))
report = mnist_arith.analyze_errors(test, predicted)
print(f"wrong answers by kind: {report.error_kinds}")
save(
    mnist_arith.plot_training_curves(history, ["exact_match", "character_accuracy"]),
    "image2text-curves",
)

"""
## What the model saw, and what it answered

Each row is one held-out query as the model saw it, five character images,
labelled with the model's answer. Misses are marked with the true answer.
"""

rows = np.random.default_rng(args.seed).choice(len(test), 8, replace=False)
labels = []
for row in rows:
    guess, answer = predicted[row].strip(), test.answers[row].strip()
    verdict = "right" if guess == answer else f"wrong, is {answer}"
    labels.append(f"model: {guess} ({verdict})")
figure = mnist_arith.plot_image_grid(
    x_test[rows].reshape(-1, 28, 28, 1),
    queries.query_width,
    row_labels=labels,
    image_width=0.9,
)
save(figure, "image2text-predictions")

print(
    f"backend={keras.backend.backend()} epochs={epochs} train={len(train)} "
    f"digits={digits.source} wall={seconds:.0f}s "
    f"exact-match accuracy: {report.exact_match:.2%} "
    f"(per character {report.character_accuracy:.2%})"
)
