"""
Title: Drawing the answer: from a text query to images of handwritten digits
Description: Train `text2image` (a `text2text` model plus a conditional VAE
that draws each answer character), and judge its pictures with the shipped
reference reader: how many answers can a reader read exactly right?

Run it with any backend:

    KERAS_BACKEND=jax python examples/drawing_answers.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/drawing_answers.py          # the full run

The picture in docs/images/ (`text2image-modes.png`) was made with:

    KERAS_BACKEND=torch python examples/drawing_answers.py --text-epochs 20 \
        --decoder-epochs 5 --figures docs/images

Everything runs offline on the 6,000 MNIST digits embedded in the package
(`--digits auto` uses full MNIST when Keras has it or can download it).
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny models, one epoch")
parser.add_argument("--text-epochs", type=int, default=None)
parser.add_argument("--decoder-epochs", type=int, default=None)
parser.add_argument("--train-fraction", type=float, default=0.5)
parser.add_argument(
    "--digits",
    default="embedded",
    help="'embedded', 'auto', 'mnist', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figures", default=None, help="folder to save PNG figures in")
args = parser.parse_args()
text_epochs = args.text_epochs or (1 if args.quick else 60)
decoder_epochs = args.decoder_epochs or (1 if args.quick else 15)


def save(figure, name):
    """Saves a figure as `<--figures>/<name>.png`, if `--figures` was given."""
    if args.figures:
        path = pathlib.Path(args.figures) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=100, bbox_inches="tight")
        print(f"saved {path}")


"""
## Queries and handwriting

The model learns from the training queries and the training pool's digits;
it is judged on held-out queries. `--quick` keeps 1,280 digits and a
thousand queries so that the run takes about a minute.
"""

digits = mnist_arith.load_digits(args.digits)
if args.quick:
    digits = mnist_arith.Digits.from_arrays(
        digits.train_images[::3][:1280],
        digits.train_labels[::3][:1280],
        digits.test_images[::4],
        digits.test_labels[::4],
    )
queries = mnist_arith.make_queries("2023")
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
if args.quick:
    train, test = train[:1000], test[:512]
table = queries.character_table
print(f"{digits}: {len(train)} training and {len(test)} held-out queries")

"""
## Why not regress the picture?

The course's text-to-image model predicts the whole answer image and is
trained with a pixel-wise loss. Many handwritings fit one answer, and the
image closest, pixel by pixel, to all of them is their average: a blur.

`text2image` splits the job instead. A `text2text` model answers the query in
text; the decoder of a conditional VAE, trained on single character images
(digits, operator glyphs, blanks; one class per character), draws each
answer character from its class and a latent vector. Each character is then
one sample of its class, not an average. `train_text2image` trains both
parts and assembles them.
"""

start = time.perf_counter()
text_model = None
if args.quick:
    text_model = mnist_arith.text2text(units=32, encoder_layers=1, decoder_layers=1)
model = mnist_arith.train_text2image(
    train,
    digits,
    text_model=text_model,
    text_epochs=text_epochs,
    decoder_epochs=decoder_epochs,
    batch_size=50,
    seed=args.seed,
    verbose=2,
)
seconds = time.perf_counter() - start

"""
## Two ways to draw

With `stochastic=False` (the default) every character's latent vector is
zero, the centre of its class: the class's typical handwriting, the same on
every call. With `stochastic=True` the latents are drawn from
`N(0, temperature^2)`, so every call writes the answer in a new hand; the
default temperature, 0.5, keeps the writing varied but tidy.
"""

deterministic = model.generate(test, stochastic=False)
stochastic = model.generate(test, stochastic=True, seed=args.seed)
print(f"answer images: {deterministic.shape}")

"""
## Judging the pictures with an independent reader

A picture of an answer is right when someone who did not draw it reads the
right answer. `readability(images, answers)` reads them with the shipped
reference reader (`reference_reader()`: trained on MNIST's 60,000 training
digits and the drawn operators, 99.66% on MNIST's test digits, never shown a
generated image) and gives the share of answers it reads exactly as the true
answer, all characters right. Everyone who runs this gets the same judge.

Two references frame the result: the text model's own exact match (no
picture can be more right than the text it draws) and the readability of the
true answers written with real test-pool digits (how well the reader reads
at all).
"""

answered = table.decode(
    model.text_model.predict(table.encode(test.queries), batch_size=500, verbose=0)
)
real = mnist_arith.render_query_images(
    test.answers, digits, pool="test", seed=args.seed, channel_axis=True
)
scores = {
    "text answer, exact match": float(np.mean(np.array(answered) == test.answers)),
    "deterministic pictures": mnist_arith.readability(deterministic, test.answers),
    "stochastic pictures": mnist_arith.readability(stochastic, test.answers),
    "real digits (reference)": mnist_arith.readability(real, test.answers),
}
for name, value in scores.items():
    print(f"{name:>26}: {value:.2%} of {len(test)} held-out answers")

"""
## Deterministic and stochastic answers side by side

Each row is a held-out query (its text at the left): first the
deterministic answer, then three stochastic answers to the same query, each
call a new hand. The gaps between answers are NaN pixels, which
`plot_image_grid` leaves blank.
"""

# The same 512 queries each time: fixed shapes, so JAX reuses its compiled ops.
shown = test[:512]
rows = np.random.default_rng(args.seed).choice(len(shown), 6, replace=False)
gap = np.full((len(rows), 1, 28, 28, 1), np.nan, np.float32)
strips = [deterministic[rows]]
for draw in range(3):
    again = model.generate(shown, stochastic=True, seed=args.seed + 10 + draw)
    strips += [gap, again[rows]]
strip = np.concatenate(strips, axis=1)
answer_length = deterministic.shape[1]
column_labels = [""] * strip.shape[1]
column_labels[0] = "deterministic"
for draw in range(3):
    column_labels[(answer_length + 1) * (draw + 1)] = f"stochastic {draw + 1}"
figure = mnist_arith.plot_image_grid(
    strip.reshape(-1, 28, 28, 1),
    strip.shape[1],
    row_labels=[f"{str(shown.queries[row]).strip()} =" for row in rows],
    column_labels=column_labels,
    image_width=0.6,
)
save(figure, "text2image-modes")

print(
    f"backend={keras.backend.backend()} text_epochs={text_epochs} "
    f"decoder_epochs={decoder_epochs} wall={seconds:.0f}s "
    f"readability (deterministic): {scores['deterministic pictures']:.2%} "
    f"(stochastic {scores['stochastic pictures']:.2%}, "
    f"text exact match {scores['text answer, exact match']:.2%})"
)
