"""Rebuild the reference digit reader's weights shipped inside the package.

The reader (`DigitReader(MULTIPLICATION_VOCABULARY, filters=24,
architecture="reference")`) learns the 60,000 digits of MNIST's training set
and, for the operators and the blank, the glyphs and blanks that
`character_dataset` draws (6,000 of each); every epoch takes all the digits
and a fresh seeded choice of `--glyphs` images of each other character. Every
batch is shifted, turned and zoomed a little with OpenCV, seeded from
`(seed, epoch, batch)`, so a run does not depend on how batches are scheduled.
AdamW follows a cosine schedule after one epoch of warm-up; the loss is plain
cross-entropy (label smoothing would make the reader under-confident, and a
classifier score needs confident probabilities).

The run then reads MNIST's 10,000 test digits and freshly drawn glyphs and
blanks, prints the accuracy overall, per class and the most frequent
confusions, writes the weights atomically and prints their SHA-256 (paste it
and the accuracy into `src/mnist_arith/models/reference_reader.py`).

Run from the repository root, with MNIST's four files in FOLDER:

    KERAS_BACKEND=torch python tools/train_reference_reader.py --digits FOLDER
"""

import argparse
import hashlib
import math
import pathlib
import platform
import shlex
import sys
import time

import cv2
import keras
import numpy as np

import mnist_arith
from mnist_arith._io import check_output_path
from mnist_arith._io import replacing
from mnist_arith.data.characters import character_dataset
from mnist_arith.models.reference_reader import REFERENCE_FILTERS

OUTPUT = (
    pathlib.Path(__file__).resolve().parents[1]
    / "src"
    / "mnist_arith"
    / "models"
    / "weights"
    / "reference_reader.weights.h5"
)
VOCABULARY = mnist_arith.MULTIPLICATION_VOCABULARY
PEAK_LEARNING_RATE = 2e-3
WEIGHT_DECAY = 4e-3
MAX_SHIFT = 2.5  # pixels
MAX_TURN = 10.0  # degrees
MAX_ZOOM = 0.1  # +-10% in size


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--digits", required=True, help="a folder of MNIST's four idx files"
    )
    parser.add_argument("--epochs", type=int, default=13)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument(
        "--filters",
        type=int,
        default=REFERENCE_FILTERS,
        help="filters of the first block (the shipped reader has "
        f"{REFERENCE_FILTERS}; reference_reader() loads only those)",
    )
    parser.add_argument(
        "--glyphs",
        type=int,
        default=2500,
        help="images of each operator and of the blank per epoch",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT)
    return parser.parse_args()


class AugmentedCharacters(keras.utils.PyDataset):
    """Shuffled batches of shifted, turned and zoomed character images.

    Every epoch holds every digit and `glyphs` images of each other
    character, a fresh seeded choice among all those drawn, so that over the
    epochs the reader sees every drawn glyph.
    """

    def __init__(self, images, labels, batch_size, glyphs, seed):
        super().__init__()
        self.images, self.labels = images[..., 0], labels
        self.batch_size, self.glyphs, self.seed = batch_size, glyphs, seed
        self.groups = [
            np.flatnonzero(labels == label) for label in range(len(VOCABULARY))
        ]
        self.epoch = 0
        self.order = self._order()

    def _order(self):
        rng = np.random.default_rng((self.seed, self.epoch))
        rows = [
            group
            if VOCABULARY[label].isdigit()
            else rng.permutation(group)[: self.glyphs]
            for label, group in enumerate(self.groups)
        ]
        return rng.permutation(np.concatenate(rows))

    def __len__(self):
        return math.ceil(len(self.order) / self.batch_size)

    def __getitem__(self, index):
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        rng = np.random.default_rng((self.seed, self.epoch, index))
        images = np.stack([augment(self.images[row], rng) for row in rows])
        one_hot = np.eye(len(VOCABULARY), dtype=np.float32)[self.labels[rows]]
        return images[..., None], one_hot

    def on_epoch_end(self):
        self.epoch += 1
        self.order = self._order()


def augment(image, rng):
    """One random similarity transform of a 28x28 image (zeros fill in)."""
    angle = rng.uniform(-MAX_TURN, MAX_TURN)
    scale = rng.uniform(1 - MAX_ZOOM, 1 + MAX_ZOOM)
    matrix = cv2.getRotationMatrix2D((13.5, 13.5), angle, scale)
    matrix[:, 2] += rng.uniform(-MAX_SHIFT, MAX_SHIFT, 2)
    return cv2.warpAffine(
        image, matrix, (28, 28), flags=cv2.INTER_LINEAR, borderValue=0.0
    )


def new_reader(filters):
    return mnist_arith.DigitReader(
        VOCABULARY, filters=filters, architecture="reference", name="reference_reader"
    )


def build_reader(filters, steps_per_epoch, epochs):
    reader = new_reader(filters)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        warmup_target=PEAK_LEARNING_RATE,
        warmup_steps=steps_per_epoch,
        decay_steps=max(steps_per_epoch * (epochs - 1), 1),
    )
    reader.compile(
        optimizer=keras.optimizers.AdamW(schedule, weight_decay=WEIGHT_DECAY),
        loss=keras.losses.CategoricalCrossentropy(),
        metrics=["categorical_accuracy"],
    )
    return reader


def read(reader, images):
    probabilities = reader.predict(images, batch_size=1000, verbose=0)
    return probabilities.argmax(-1)


def report_digits(reader, digits):
    """Prints accuracy on the test digits, per class, and the top confusions."""
    labels = digits.test_labels.astype(np.int64)
    predicted = read(reader, (digits.test_images / 255.0).astype("float32")[..., None])
    accuracy = float(np.mean(predicted == labels))
    wrong = int(np.sum(predicted != labels))
    print(f"test digits: {accuracy:.4%} of {len(labels):,} ({wrong} wrong)")
    print("per class:", end="")
    for digit in range(10):
        rows = labels == digit
        print(f"  {digit}: {np.mean(predicted[rows] == digit):.2%}", end="")
    print()
    confusion = np.zeros((10, len(VOCABULARY)), np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    np.fill_diagonal(confusion[:, :10], 0)
    pairs = sorted(np.argwhere(confusion > 0), key=lambda pair: -confusion[tuple(pair)])
    print(
        "most frequent confusions (true -> read: count):",
        ", ".join(
            f"{true} -> {VOCABULARY[read_as]!r}: {confusion[true, read_as]}"
            for true, read_as in pairs[:8]
        ),
    )
    return accuracy


def report_glyphs(reader, digits, seed):
    """Prints accuracy on freshly drawn operator glyphs and blanks."""
    images, labels = character_dataset(
        digits, VOCABULARY, pool="test", seed=seed + 1000
    )
    drawn = np.array([not VOCABULARY[label].isdigit() for label in labels])
    predicted = read(reader, images[drawn])
    accuracy = float(np.mean(predicted == labels[drawn]))
    print(f"drawn glyphs and blanks: {accuracy:.4%} of {drawn.sum():,}")
    return accuracy


def save_weights(reader, output):
    """Writes the weights next to `output`, then renames them over it.

    An uncompiled twin holds them, so that the file has no optimizer state.
    """
    twin = new_reader(reader.filters)
    twin.set_weights(reader.get_weights())
    with replacing(output, ".weights.h5") as temporary:
        twin.save_weights(temporary)
    return hashlib.sha256(output.read_bytes()).hexdigest()


def main():
    args = parse_arguments()
    if not str(args.output).endswith(".weights.h5"):
        raise SystemExit(f"--output must end with .weights.h5: {args.output}")
    if args.output == OUTPUT:
        OUTPUT.parent.mkdir(exist_ok=True)
    check_output_path(args.output, (".h5",), "--output")
    backend = keras.backend.backend()
    print(f"command: KERAS_BACKEND={backend} {shlex.join(['python', *sys.argv])}")
    print(
        f"software: Python {platform.python_version()}, keras {keras.__version__} "
        f"(backend {backend}), numpy {np.__version__}, opencv {cv2.__version__}"
    )
    keras.utils.set_random_seed(args.seed)
    digits = mnist_arith.load_digits(args.digits)
    images, labels = character_dataset(digits, VOCABULARY, seed=args.seed)
    batches = AugmentedCharacters(
        images, labels, args.batch_size, args.glyphs, args.seed
    )
    print(
        f"training images: {len(labels):,} ({np.bincount(labels).tolist()}), "
        f"{len(batches.order):,} per epoch"
    )
    reader = build_reader(args.filters, len(batches), args.epochs)
    print(f"parameters: {reader.count_params():,}")
    start = time.perf_counter()
    reader.fit(batches, epochs=args.epochs, shuffle=False, verbose=2)
    print(f"training time: {time.perf_counter() - start:.0f} s")
    report_digits(reader, digits)
    report_glyphs(reader, digits, args.seed)
    checksum = save_weights(reader, args.output)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size:,} bytes)")
    print(f"sha256: {checksum}")


if __name__ == "__main__":
    main()
