"""Learning-rate schedules for the sequence models."""

import keras

from mnist_arith._validation import check_fraction
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number


def warmup_cosine(
    peak_learning_rate: float, total_steps: int, warmup_fraction: float = 0.1
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A linear warmup to `peak_learning_rate`, then a cosine decay to 0.

    The warmup starts at a 25th of the peak and takes `warmup_fraction` of
    the steps; the decay ends at `total_steps`, the last step of training.
    With it, `text2text()` trained at `learning_rate=5e-3` and
    `weight_decay=0.1` for 60 epochs first answers 99% of the held-out 2023
    queries after about 40 epochs (BENCHMARKS.md); the constant default
    needs about 300.

    Args:
        peak_learning_rate: the learning rate at the end of the warmup.
        total_steps: the training steps in all (steps per epoch x epochs).
        warmup_fraction: the share of the steps spent warming up, in [0, 1).

    Returns:
        A `keras.optimizers.schedules.CosineDecay` to pass as a learning rate.

    Raises:
        ValueError: for a non-positive peak or step count, or a warmup
            fraction outside [0, 1).

    Examples:
        >>> schedule = warmup_cosine(5e-3, 1000)
        >>> [round(float(schedule(step)), 5) for step in (0, 100, 550, 1000)]
        [0.0002, 0.005, 0.0025, 0.0]
    """
    peak = check_positive_number(peak_learning_rate, "peak_learning_rate")
    total_steps = check_positive_int(total_steps, "total_steps")
    warmup_fraction = check_fraction(
        warmup_fraction, "warmup_fraction", include_zero=True
    )
    warmup_steps = min(round(warmup_fraction * total_steps), total_steps - 1)
    if warmup_steps == 0:
        return keras.optimizers.schedules.CosineDecay(peak, total_steps)
    return keras.optimizers.schedules.CosineDecay(
        peak / 25,
        total_steps - warmup_steps,
        warmup_target=peak,
        warmup_steps=warmup_steps,
    )
