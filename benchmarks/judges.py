"""The reader that judges generated images: the reference one, or one trained here."""

import argparse
import time

import numpy as np

import mnist_arith


def add_reader_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds `--reader {reference,trained}` and `--reader-epochs`."""
    parser.add_argument(
        "--reader",
        choices=("reference", "trained"),
        default="reference",
        help="the shipped reference reader, or one trained on the training pool",
    )
    parser.add_argument(
        "--reader-epochs", type=int, default=15, help="epochs of a trained reader"
    )


def obtain_reader(arguments, digits, seed: int):
    """The judge `arguments` ask for, after printing what it reads on the test pool.

    Returns:
        The reader: `reference_reader()`, or `train_digit_reader(digits,
        epochs=arguments.reader_epochs, seed=seed)`'s.
    """
    start = time.perf_counter()
    if arguments.reader == "reference":
        reader = mnist_arith.reference_reader()
        images = digits.test_images[..., None].astype("float32") / 255
        read = np.argmax(reader.predict(images, verbose=0), axis=-1)
        accuracy = np.mean(read == digits.test_labels)
    else:
        reader, accuracy = mnist_arith.train_digit_reader(
            digits, epochs=arguments.reader_epochs, seed=seed
        )
    print(
        f"reader:   {arguments.reader}, {accuracy:.2%} of the test pool's digits "
        f"({time.perf_counter() - start:.0f} s)"
    )
    return reader
