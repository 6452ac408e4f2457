import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_arith import make_queries
from mnist_arith import split_queries
from mnist_arith import twin_in_training


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


@pytest.fixture(scope="module")
def products():
    return make_queries("2023-multiplication")


def unordered_pairs(queries):
    """`{(operator, smaller operand, larger operand)}` of a query set."""
    operands = np.sort(queries.operands, axis=1)
    return set(zip(queries.operators[:, 0].tolist(), *operands.T.tolist(), strict=True))


@pytest.mark.parametrize("preset", ["2023-multiplication", "2023"])
@pytest.mark.parametrize(("fraction", "seed"), [(0.1, 0), (0.5, 3), (0.9, 7)])
def test_by_unordered_pair_keeps_twins_on_one_side(preset, fraction, seed):
    queries = make_queries(preset)
    train, test = split_queries(queries, fraction, by_unordered_pair=True, seed=seed)
    assert not unordered_pairs(train) & unordered_pairs(test)
    assert not twin_in_training(train, test).any()
    assert not twin_in_training(test, train).any()
    assert sorted(train.queries.tolist() + test.queries.tolist()) == sorted(
        queries.queries.tolist()
    )
    # Whole groups of at most two queries: the share overshoots by at most one.
    target = round(fraction * len(queries))
    assert target <= len(train) <= target + 1
    # Both sides keep the original order.
    for side in (train, test):
        rows = np.flatnonzero(np.isin(queries.queries, side.queries))
        assert side.queries.tolist() == queries.queries[rows].tolist()


def test_by_unordered_pair_is_seeded(products):
    first, _ = split_queries(products, 0.5, by_unordered_pair=True, seed=3)
    second, _ = split_queries(products, 0.5, by_unordered_pair=True, seed=3)
    third, _ = split_queries(products, 0.5, by_unordered_pair=True, seed=4)
    assert first.queries.tolist() == second.queries.tolist()
    assert first.queries.tolist() != third.queries.tolist()
    # A seed of None draws a fresh split, still with twins together.
    train, test = split_queries(products, 0.5, by_unordered_pair=True, seed=None)
    assert not unordered_pairs(train) & unordered_pairs(test)


def test_by_unordered_pair_holds_out_whole_groups(products):
    # The rule marks 7*j only; its twins j*7 must follow it to the test set.
    train, test = split_queries(
        products, 0.5, holdout=products.operands[:, 0] == 7, by_unordered_pair=True
    )
    assert not (train.operands == 7).any()
    assert (test.operands == 7).any(axis=1).sum() == 199
    target = round(0.5 * (10_000 - 199))
    assert target <= len(train) <= target + 1
    assert not unordered_pairs(train) & unordered_pairs(test)
    # With train_fraction 1.0 every query outside the held-out groups trains:
    # holding out a*b for a > b holds out b*a too, and leaves the squares.
    train, test = split_queries(
        products,
        1.0,
        holdout=lambda q: q.operands[:, 0] > q.operands[:, 1],
        by_unordered_pair=True,
    )
    assert (train.operands[:, 0] == train.operands[:, 1]).all()
    assert len(train) == 100 and len(test) == 9_900


def test_the_default_split_is_unchanged_and_splits_twins(course_2023, products):
    # Recorded benchmarks depend on these splits: the same seed, the same split.
    train, _ = split_queries(course_2023, 0.1, seed=0)
    assert train.queries[:6].tolist() == [
        "0-1  ", "0+2  ", "0-2  ", "0+6  ", "0+21 ", "0-24 "
    ]  # fmt: skip
    train, test = split_queries(products, 0.5, seed=0)
    assert len(train) == 5000
    assert train.queries[:6].tolist() == [
        "0*1  ", "0*3  ", "0*4  ", "0*5  ", "0*11 ", "0*13 "
    ]  # fmt: skip
    explicit, _ = split_queries(products, 0.5, by_unordered_pair=False, seed=0)
    assert explicit.queries.tolist() == train.queries.tolist()
    # Chance puts about half the held-out products' twins into training.
    assert 2000 < twin_in_training(train, test).sum() < 3000


def test_by_unordered_pair_refuses_bad_input(products):
    for value in (1, "yes", None, np.array([True])):
        with pytest.raises(ValueError, match="by_unordered_pair="):
            split_queries(products, 0.5, by_unordered_pair=value)
    numpy_true, _ = split_queries(products, 0.5, by_unordered_pair=np.True_)
    python_true, _ = split_queries(products, 0.5, by_unordered_pair=True)
    assert numpy_true.queries.tolist() == python_true.queries.tolist()
    longer = make_queries(max_value=3, operators="*", num_operands=3)
    with pytest.raises(
        ValueError, match="Received: by_unordered_pair=True with 3 operands"
    ):
        split_queries(longer, 0.5, by_unordered_pair=True)
    # Whole groups can fill the test set's place: refused, not an empty side.
    tiny = make_queries(max_value=1, operators="*")  # 0*0, 0*1, 1*0, 1*1
    with pytest.raises(ValueError, match="empty"):
        split_queries(tiny, 0.7, by_unordered_pair=True, seed=0)
    train, test = split_queries(tiny, 0.7, by_unordered_pair=True, seed=1)
    assert train.queries.tolist() == ["0*0", "0*1", "1*0"]
    assert test.queries.tolist() == ["1*1"]


def test_twin_in_training_on_a_hand_made_case():
    queries = make_queries(max_value=3, operators="+-*")
    pick = lambda *strings: queries[np.isin(queries.queries, strings)]  # noqa: E731
    train = pick("1+2", "3-1", "2*2", "0*3", "1*3")
    test = pick("2+1", "1-3", "2*2", "3*0", "3*1", "2*1", "3+1", "3*2")
    marks = twin_in_training(train, test).tolist()
    marked = dict(zip(test.queries.tolist(), marks, strict=True))
    assert marked == {
        "2+1": True,  # 1+2 trained
        "1-3": True,  # 3-1 trained: the mask is about the split, any operator
        "2*2": False,  # its own twin
        "3*0": True,
        "3*1": True,
        "2*1": False,  # 1+2 trained, but with another operator
        "3+1": False,
        "3*2": False,
    }
    assert twin_in_training(train, test[:0]).shape == (0,)
    assert not twin_in_training(train[:0], test).any()


def test_twin_in_training_refuses_bad_input(products):
    with pytest.raises(ValueError, match="Received: train of type list"):
        twin_in_training(["1*2"], products)
    with pytest.raises(ValueError, match="Received: test of type str"):
        twin_in_training(products, "2*1")
    longer = make_queries(max_value=3, operators="*", num_operands=3)
    with pytest.raises(ValueError, match="Received: test with 3 operands"):
        twin_in_training(products, longer)
