"""Seeded, disjoint train/test splits of query sets."""

from collections.abc import Callable

import numpy as np

from mnist_arith._validation import check_number
from mnist_arith._validation import check_seed
from mnist_arith.data.queries import Queries
from mnist_arith.data.vocabulary import string_codes


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
        ValueError: if `queries` is not a `Queries` or repeats a query string
            (a repeat could land on both sides), `train_fraction` is outside
            (0, 1), the mask has the wrong shape or dtype, `seed` is negative,
            or a side of the split would be empty.

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
    if not isinstance(queries, Queries):
        raise ValueError(
            "Expected `queries` to be a `Queries` from `make_queries`. "
            f"Received: queries of type {type(queries).__name__}"
        )
    check_number(
        train_fraction,
        "train_fraction",
        0,
        1,
        include_minimum=False,
        include_maximum=holdout is not None,
    )
    seed = check_seed(seed, allow_none=True)
    if holdout is not None and not callable(holdout):
        holdout = _check_mask(holdout, len(queries), "holdout")
    _check_distinct(queries)
    if holdout is None:
        held_out = np.zeros(len(queries), dtype=bool)
    elif callable(holdout):
        held_out = _check_mask(holdout(queries), len(queries), "holdout")
    else:
        held_out = holdout
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


def _check_mask(mask, count, name):
    array = np.asarray(mask)
    if array.dtype != bool or array.shape != (count,):
        raise ValueError(
            f"`{name}` must give a boolean mask of shape ({count},). "
            f"Received: {name} mask with shape {array.shape} and dtype {array.dtype}"
        )
    return array


def _check_distinct(queries):
    """Refuses repeated query strings: a repeat could train and test at once."""
    if len(queries) < 2:
        return
    codes = np.ascontiguousarray(string_codes(queries.queries))
    rows = codes.view(np.dtype((np.void, codes.shape[1] * 4))).ravel()
    ordered = np.sort(rows)
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    if repeated.size:
        example = ordered[repeated[0]].tobytes().decode("utf-32-le")
        raise ValueError(
            "Expected `queries` to hold distinct query strings: a repeated query "
            "could land in both the training and the test set. "
            f"Received: queries with {example!r} more than once"
        )
