import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_arith import make_queries
from mnist_arith import split_queries


@given(
    fraction=st.sampled_from([0.05, 0.1, 0.25, 0.5, 0.9]),
    seed=st.integers(0, 1000),
)
def test_splits_are_disjoint_and_cover(course_2023, fraction, seed):
    train, test = split_queries(course_2023, fraction, seed=seed)
    assert len(train) == round(fraction * 20_000)
    assert len(train) + len(test) == 20_000
    train_set, test_set = set(train.queries.tolist()), set(test.queries.tolist())
    assert not train_set & test_set
    assert train_set | test_set == set(course_2023.queries.tolist())
    assert (
        np.diff(np.flatnonzero(np.isin(course_2023.queries, train.queries))) > 0
    ).all()


def test_same_seed_same_split(course_2023):
    first, _ = split_queries(course_2023, 0.1, seed=3)
    second, _ = split_queries(course_2023, 0.1, seed=3)
    third, _ = split_queries(course_2023, 0.1, seed=4)
    assert first.queries.tolist() == second.queries.tolist()
    assert first.queries.tolist() != third.queries.tolist()


def test_rule_based_holdout(course_2023):
    train, test = split_queries(
        course_2023, 0.5, holdout=lambda q: (q.operands == 7).any(axis=1), seed=0
    )
    assert not (train.operands == 7).any()
    assert (test.operands == 7).any(axis=1).sum() == 398
    assert len(train) == round(0.5 * (20_000 - 398))
    train, test = split_queries(course_2023, 1.0, holdout=course_2023.results < 0)
    assert (train.results >= 0).all() and (test.results < 0).all()


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.5"])
def test_bad_fraction(course_2023, fraction):
    with pytest.raises(ValueError, match="train_fraction="):
        split_queries(course_2023, fraction)


def test_bad_holdout_and_empty_sides():
    data = make_queries(max_value=3)
    with pytest.raises(ValueError, match=r"shape \(32,\).*shape \(3,\)"):
        split_queries(data, 0.5, holdout=np.array([True, False, True]))
    with pytest.raises(ValueError, match="empty"):
        split_queries(data, 0.01)
    with pytest.raises(ValueError, match="empty"):
        split_queries(data, 1.0, holdout=np.zeros(32, dtype=bool))


def test_repeated_queries_are_refused_as_a_leak(course_2023):
    repeated = course_2023[np.r_[0:100, 5]]
    with pytest.raises(ValueError, match=r"distinct.*Received: .*'0-2  '"):
        split_queries(repeated, 0.5)
    expected, _ = split_queries(course_2023, 0.25, seed=3)
    train, _ = split_queries(course_2023, np.float32(0.25), seed=np.int64(3))
    assert train.queries.tolist() == expected.queries.tolist()


def test_substring_operators_cannot_create_repeats():
    with pytest.raises(ValueError, match=r"operators=\['-', '\+-'\]"):
        make_queries(max_value=9, operators=["-", "+-"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "seed=-1"),
        ({"seed": 0.5}, "seed=0.5"),
        ({"train_fraction": np.nan}, "train_fraction=nan"),
        ({"holdout": [True, False]}, r"shape \(20000,\).*shape \(2,\)"),
        ({"holdout": np.zeros(20_000)}, "dtype float64"),
        ({"holdout": lambda q: q.results}, "dtype int64"),
    ],
)
def test_more_bad_arguments(course_2023, kwargs, message):
    with pytest.raises(ValueError, match=message):
        split_queries(course_2023, **kwargs)
    with pytest.raises(ValueError, match="type list"):
        split_queries(["1+1", "2+2"], 0.5)
