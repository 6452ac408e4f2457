"""Seeded, disjoint train/test splits of query sets, and the twins they separate."""

from collections.abc import Callable
from typing import NoReturn

import numpy as np

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_number
from mnist_arith._validation import check_seed
from mnist_arith.data.queries import Queries
from mnist_arith.data.vocabulary import string_codes


def split_queries(
    queries: Queries,
    train_fraction: float = 0.5,
    *,
    holdout: Callable[[Queries], np.ndarray] | np.ndarray | None = None,
    by_unordered_pair: bool = False,
    seed: int | None = 0,
) -> tuple[Queries, Queries]:
    """Splits queries into disjoint training and test sets.

    A seeded random `train_fraction` of the queries goes to training, the rest
    to test; both keep the original order. With `holdout`, the queries it marks
    never enter training (a rule-based split for generalisation studies, e.g.
    every query with the operand 7), and `train_fraction` is taken of the rest.

    With `by_unordered_pair=True`, a query and its operand-swapped twin
    (`3*7` and `7*3`) always land on the same side, so that a held-out
    product cannot be answered by remembering its trained twin: the test set
    measures generalisation to pairs never seen in either order. Queries are
    grouped by operator and the unordered pair of operands, for every
    operator (`3-7` and `7-3` have different answers, but keeping them
    together is still an honest split). The groups are shuffled with `seed`
    and taken whole until the training set holds at least
    `round(train_fraction * eligible)` queries, so the share is approximate:
    above it by less than one group's size (one query here). With `holdout`,
    a group with any held-out member goes wholly to the test set, and
    `train_fraction` is taken of the other groups' queries. Only two-operand
    queries have a twin; longer ones are refused. With the default `False`,
    the split is the same as it always was for a given `seed`.

    Args:
        queries: the set to split.
        train_fraction: the share of (eligible) queries used for training, in
            (0, 1). With `holdout`, 1.0 is allowed: all eligible queries train.
        holdout: a boolean mask over `queries`, or a function returning one,
            marking queries that must go to the test set.
        by_unordered_pair: keep each query and its operand-swapped twin on
            the same side of the split (two-operand queries only).
        seed: the seed of the random choice.

    Returns:
        `(train, test)`, two `Queries` that together hold every query once.

    Raises:
        ValueError: if `queries` is not a `Queries` or repeats a query string
            (a repeat could land on both sides), `train_fraction` is outside
            (0, 1), the mask has the wrong shape or dtype, `by_unordered_pair`
            is not a bool or is `True` for queries of more than two operands,
            `seed` is negative, or a side of the split would be empty.

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

        Products whose swapped twin was trained on are answered from memory;
        keep twins together to score only pairs never seen in either order:

        >>> from mnist_arith import twin_in_training
        >>> products = make_queries("2023-multiplication")
        >>> train, test = split_queries(products, 0.5, by_unordered_pair=True)
        >>> len(train), len(test)
        (5000, 5000)
        >>> bool(twin_in_training(train, test).any())
        False
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
    by_unordered_pair = check_bool(by_unordered_pair, "by_unordered_pair")
    if by_unordered_pair and queries.operands.shape[1] != 2:
        raise ValueError(
            "Expected two-operand queries with `by_unordered_pair=True`: only "
            "they have an operand-swapped twin. Received: by_unordered_pair=True "
            f"with {queries.operands.shape[1]} operands"
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
    groups = None
    if by_unordered_pair:
        groups = _unordered_pair_groups(queries)
        held_out = _any_in_group(groups, held_out)  # Whole groups held out.
    eligible = np.flatnonzero(~held_out)
    num_train = round(train_fraction * len(eligible))
    if num_train == 0 or num_train == len(queries):
        _refuse_empty_side(train_fraction, len(eligible), len(queries))
    rng = np.random.default_rng(seed)
    is_train = np.zeros(len(queries), dtype=bool)
    if groups is None:
        train_rows = np.sort(rng.choice(eligible, size=num_train, replace=False))
        is_train[train_rows] = True
    else:
        is_train[eligible] = _take_whole_groups(groups[eligible], num_train, rng)
        if is_train.all():  # The last group taken filled the test set's place.
            _refuse_empty_side(train_fraction, len(eligible), len(queries))
    return queries[is_train], queries[~is_train]


def twin_in_training(train: Queries, test: Queries) -> np.ndarray:
    """Marks the test queries whose operand-swapped twin is a training query.

    The twin of `a*b` is `b*a`, the same operator with the two operands
    swapped. A model that has learned that `+` and `*` commute answers a
    held-out query whose twin it trained on from memory, so exact match on
    the queries this marks `False` is the honest figure of generalisation. A
    query with two equal operands (`7*7`) is its own twin and never marked.
    The mask says whether the twin trained for every operator; for `-` the
    twin has another answer, so reports use it for `+` and `*`.

    Args:
        train: the training queries.
        test: the held-out queries, e.g. from `split_queries`.

    Returns:
        `[len(test)]` booleans: True where the twin of `test[i]` is in `train`
        and differs from `test[i]`.

    Raises:
        ValueError: if `train` or `test` is not a `Queries`, or its queries
            do not have exactly two operands.

    Examples:
        >>> import numpy as np
        >>> from mnist_arith import make_queries
        >>> queries = make_queries(max_value=3, operators="*")
        >>> train = queries[np.isin(queries.queries, ["1*2", "3*3", "0*3"])]
        >>> test = queries[np.isin(queries.queries, ["2*1", "3*3", "3*0", "2*3"])]
        >>> test.queries.tolist(), twin_in_training(train, test).tolist()
        (['2*1', '2*3', '3*0', '3*3'], [True, False, True, False])
    """
    for name, value in (("train", train), ("test", test)):
        if not isinstance(value, Queries):
            raise ValueError(
                f"Expected `{name}` to be a `Queries` from `make_queries`. "
                f"Received: {name} of type {type(value).__name__}"
            )
        if value.operands.shape[1] != 2:
            raise ValueError(
                f"Expected `{name}` to hold two-operand queries: only they have "
                f"an operand-swapped twin. Received: {name} with "
                f"{value.operands.shape[1]} operands"
            )
    trained = _pair_keys(train, swapped=False)
    ids = _row_ids(np.concatenate([trained, _pair_keys(test, swapped=True)]))
    in_training = np.isin(ids[len(trained) :], ids[: len(trained)])
    return in_training & (test.operands[:, 0] != test.operands[:, 1])


def _pair_keys(queries, swapped):
    """`[n, 3]` integers: operator code, first and second operand (or swapped)."""
    operands = queries.operands[:, ::-1] if swapped else queries.operands
    operator = np.ascontiguousarray(queries.operators[:, 0]).view(np.uint32)
    return np.column_stack([operator.astype(np.int64), operands.astype(np.int64)])


def _unordered_pair_groups(queries):
    """`[n]` group ids: equal for a query and its operand-swapped twin."""
    keys = _pair_keys(queries, swapped=False)
    keys[:, 1:] = np.sort(keys[:, 1:], axis=1)
    return _row_ids(keys)


def _row_ids(keys):
    """`[n]` integers, equal for equal rows of `keys`, in the rows' sorted order."""
    order = np.lexsort(keys.T[::-1])
    ordered = keys[order]
    starts = np.ones(len(keys), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    ids = np.empty(len(keys), dtype=np.int64)
    ids[order] = np.cumsum(starts) - 1
    return ids


def _any_in_group(groups, mask):
    """Extends `mask` to every row of a group that has a marked row."""
    marked = np.zeros(groups.max(initial=-1) + 1, dtype=bool)
    marked[groups[mask]] = True
    return marked[groups]


def _take_whole_groups(groups, num_train, rng):
    """Marks whole shuffled groups until at least `num_train` rows are marked."""
    sizes = np.bincount(groups)
    names = np.flatnonzero(sizes)  # The groups present, in ascending order.
    order = names[rng.permutation(len(names))]
    taken = np.searchsorted(np.cumsum(sizes[order]), num_train) + 1
    chosen = np.zeros(len(sizes), dtype=bool)
    chosen[order[:taken]] = True
    return chosen[groups]


def _refuse_empty_side(train_fraction, num_eligible, count) -> NoReturn:
    raise ValueError(
        "The split leaves the training or the test set empty. "
        f"Received: train_fraction={train_fraction} of {num_eligible} "
        f"eligible queries out of {count}"
    )


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
