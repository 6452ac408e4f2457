"""Does `reference_reader()` read the same on TensorFlow, PyTorch and JAX?

The backend is fixed when Keras is first imported, so the script runs itself
once per backend (`--python BACKEND=INTERPRETER` picks another interpreter,
for example a virtual environment per backend). Each run reads the digits of
`--pool` (default MNIST's 10,000 test digits) and freshly drawn glyphs and
blanks with the shipped reader and saves its probabilities and its
`"features"` layer; the parent then prints each backend's accuracy and, per
pair of backends, the share of images read as the same class and the largest
differences of probabilities and features.

Run from the repository root, with MNIST's four files in FOLDER:

    python benchmarks/reference_reader_agreement.py --digits FOLDER
    python benchmarks/reference_reader_agreement.py --digits FOLDER \\
        --python jax=.venv-jax/bin/python --python torch=.venv-torch/bin/python

`--digits embedded` runs offline on the 1,000 embedded digits (which come from
MNIST's training set).
"""

import argparse
import itertools
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np

BACKENDS = ("jax", "tensorflow", "torch")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--digits", default="embedded", help="folder, .npz or name")
    parser.add_argument("--pool", choices=("test", "train"), default="test")
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="BACKEND=PATH",
        help="the interpreter of one backend (default: this one)",
    )
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--save", type=pathlib.Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def read_with_this_backend(digits_source, pool, output):
    """Saves this backend's probabilities and features (the child's job)."""
    import keras

    import mnist_arith
    from mnist_arith.data.characters import character_dataset

    digits = mnist_arith.load_digits(digits_source)
    images, labels = digits.pool(pool)
    images = (images / 255.0).astype(np.float32)[..., None]
    glyphs, glyph_labels = character_dataset(
        digits, mnist_arith.MULTIPLICATION_VOCABULARY, pool=pool, seed=1000
    )
    drawn = glyph_labels >= 10
    images = np.concatenate([images, glyphs[drawn]])
    labels = np.concatenate([labels, glyph_labels[drawn]])
    reader = mnist_arith.reference_reader()
    np.savez(
        output,
        labels=labels,
        num_digits=len(digits.pool(pool)[1]),
        probabilities=reader.predict(images, batch_size=1000, verbose=0),
        features=mnist_arith.reader_features(reader, images),
        keras_version=keras.__version__,
    )


def run_backends(args):
    interpreters = dict(item.split("=", 1) for item in args.python)
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            output = pathlib.Path(folder) / f"{backend}.npz"
            command = [
                interpreters.get(backend, sys.executable),
                __file__,
                "--digits",
                args.digits,
                "--pool",
                args.pool,
                "--save",
                str(output),
            ]
            environment = dict(os.environ, KERAS_BACKEND=backend)
            subprocess.run(command, env=environment, check=True)
            with np.load(output) as arrays:
                results[backend] = dict(arrays)
    return results


def report(results, digits_source, pool):
    print(f"reference_reader() on {digits_source!r} ({pool} pool)")
    for backend, result in results.items():
        classes = result["probabilities"].argmax(-1)
        digits = int(result["num_digits"])
        correct = classes == result["labels"]
        print(
            f"{backend:>10}: keras {result['keras_version']}, "
            f"digits {correct[:digits].mean():.4%} of {digits:,}, "
            f"glyphs and blanks {correct[digits:].mean():.4%} "
            f"of {len(correct) - digits:,}"
        )
    for first, second in itertools.combinations(results, 2):
        one, other = results[first], results[second]
        same = np.mean(
            one["probabilities"].argmax(-1) == other["probabilities"].argmax(-1)
        )
        probabilities = np.abs(one["probabilities"] - other["probabilities"]).max()
        features = np.abs(one["features"] - other["features"]).max()
        scale = np.abs(one["features"]).max()
        print(
            f"{first} vs {second}: same class {same:.4%}, max |probability "
            f"difference| {probabilities:.2e}, max |feature difference| "
            f"{features:.2e} (features up to {scale:.2f})"
        )


def main():
    args = parse_arguments()
    if args.save is not None:
        read_with_this_backend(args.digits, args.pool, args.save)
        return
    report(run_backends(args), args.digits, args.pool)


if __name__ == "__main__":
    main()
