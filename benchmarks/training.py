"""The optimizer options the sequence benchmarks share: a rate, a decay, a schedule."""

import argparse

import mnist_arith


def add_optimizer_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds `--learning-rate`, `--weight-decay` and `--schedule`."""
    parser.add_argument(
        "--learning-rate", type=float, default=1e-3, help="the (peak) rate"
    )
    parser.add_argument("--weight-decay", type=float, default=0.01, help="AdamW's")
    parser.add_argument(
        "--schedule",
        choices=("constant", "warmup-cosine"),
        default="constant",
        help="the learning rate over training (warmup-cosine: "
        "mnist_arith.warmup_cosine)",
    )


def optimizer_options(
    args: argparse.Namespace, num_train: int, course_model: bool = False
) -> dict:
    """The factory's `learning_rate` (and `weight_decay`, but for the course's model).

    With `--schedule warmup-cosine` the rate warms up and decays over every
    step of `args.epochs` epochs of `num_train` examples at `args.batch_size`.
    """
    rate = args.learning_rate
    if args.schedule == "warmup-cosine":
        steps = -(-num_train // args.batch_size) * args.epochs
        rate = mnist_arith.warmup_cosine(args.learning_rate, steps)
    if course_model:
        return {"learning_rate": rate}
    return {"learning_rate": rate, "weight_decay": args.weight_decay}
