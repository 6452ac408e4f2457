"""Seeded, disjoint train/test splits of query sets."""

from collections.abc import Callable

import numpy as np

from mnist_arith.data.queries import Queries


def split_queries(
    queries: Queries,
    train_fraction: float = 0.5,
    *,
    holdout: Callable[[Queries], np.ndarray] | np.ndarray | None = None,
    seed: int | None = 0,
) -> tuple[Queries, Queries]:
    """Splits queries into disjoint training and test sets.

    A seeded random `train_fraction` of the queries goes to training, the rest
    to test; both keep the original order. With `holdout`, the queries it marks
    never enter training (a rule-based split for generalisation studies, e.g.
    every query with the operand 7), and `train_fraction` is taken of the rest.

    Args:
        queries: the set to split.
        train_fraction: the share of (eligible) queries used for training, in
            (0, 1). With `holdout`, 1.0 is allowed: all eligible queries train.
        holdout: a boolean mask over `queries`, or a function returning one,
            marking queries that must go to the test set.
        seed: the seed of the random choice.

    Returns:
        `(train, test)`, two `Queries` that together hold every query once.

    Raises:
        ValueError: if `train_fraction` is outside (0, 1), the mask has the
            wrong shape, or a side of the split would be empty.

    Examples:
        >>> from mnist_arith import make_queries
        >>> train, test = split_queries(make_queries("2023"), 0.1, seed=0)
        >>> len(train), len(test)
        (2000, 18000)
        >>> train, test = split_queries(
        ...     make_queries("2023"), 1.0,
        ...     holdout=lambda q: (q.operands == 7).any(axis=1))
        >>> bool((train.operands == 7).any()), len(test)
        (False, 398)
    """
    is_number = not isinstance(train_fraction, bool) and isinstance(
        train_fraction, int | float | np.floating
    )
    in_range = is_number and (
        0 < train_fraction < 1 or (holdout is not None and train_fraction == 1)
    )
    if not in_range:
        interval = "(0, 1]" if holdout is not None else "(0, 1)"
        raise ValueError(
            f"`train_fraction` must lie in {interval}. "
            f"Received: train_fraction={train_fraction!r}"
        )
    held_out = np.zeros(len(queries), dtype=bool)
    if holdout is not None:
        mask = holdout(queries) if callable(holdout) else holdout
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(queries),):
            raise ValueError(
                f"`holdout` must give a boolean mask of shape ({len(queries)},). "
                f"Received: holdout mask with shape {mask.shape} and dtype "
                f"{mask.dtype}"
            )
        held_out = mask
    eligible = np.flatnonzero(~held_out)
    num_train = round(train_fraction * len(eligible))
    if num_train == 0 or num_train == len(queries):
        raise ValueError(
            "The split leaves the training or the test set empty. "
            f"Received: train_fraction={train_fraction} of {len(eligible)} "
            f"eligible queries out of {len(queries)}"
        )
    rng = np.random.default_rng(seed)
    train_rows = np.sort(rng.choice(eligible, size=num_train, replace=False))
    is_train = np.zeros(len(queries), dtype=bool)
    is_train[train_rows] = True
    return queries[is_train], queries[~is_train]
