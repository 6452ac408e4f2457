import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_arith import PRESETS
from mnist_arith import make_queries


def notebook_2021(highest):
    """The 2021/22 notebook's enumeration, written the slow way."""
    queries, answers = [], []
    for i in range(highest + 1):
        for j in range(highest + 1):
            for sign in ["-", "+"]:
                query = str(i).rjust(3) + sign + str(j).rjust(3)
                queries.append(query)
                answers.append(str(eval(query)).rjust(4))
    return queries, answers


def notebook_2023(operators=("+", "-"), answer_width=3):
    queries, answers = [], []
    for i in range(100):
        for j in range(100):
            for sign in operators:
                query = str(i) + sign + str(j)
                queries.append(query.ljust(5))
                answers.append(str(eval(query)).ljust(answer_width))
    return queries, answers


def test_2021_edition_is_exact():
    data = make_queries("2021")
    queries, answers = notebook_2021(199)
    assert len(data) == 80_000
    assert data.queries.tolist() == queries
    assert data.answers.tolist() == answers
    assert data.query_width == 7 and data.answer_width == 4


def test_2023_edition_is_exact():
    data = make_queries("2023")
    queries, answers = notebook_2023()
    assert len(data) == 20_000
    assert data.queries.tolist() == queries
    assert data.answers.tolist() == answers


def test_2023_multiplication_is_exact():
    data = make_queries("2023-multiplication")
    queries, answers = notebook_2023(operators=("*",), answer_width=4)
    assert len(data) == 10_000
    assert data.queries.tolist() == queries
    assert data.answers.tolist() == answers
    assert data.vocabulary == "0123456789+- *"


def test_literal_examples_from_both_editions():
    by_query = dict(
        zip(make_queries("2021").queries, make_queries("2021").answers, strict=False)
    )
    assert by_query["151+ 21"] == " 172"
    assert by_query[" 21- 59"] == " -38"
    assert by_query["  7- 45"] == " -38"
    by_query = dict(
        zip(make_queries("2023").queries, make_queries("2023").answers, strict=False)
    )
    assert by_query["81+24"] == "105"
    assert by_query["7-3  "] == "4  "
    assert by_query["1-99 "] == "-98"


def test_three_digit_task_sheet():
    data = make_queries("2021-three-digit")
    assert len(data) == 2_000_000
    rows = np.flatnonzero(np.isin(data.queries, ["181+ 24", "341-898"]))
    assert data.answers[rows].tolist() == [" 205", "-557"]
    assert data.results.max() == 1998 and data.results.min() == -999


def test_integer_parts():
    data = make_queries("2023")[1234:1240]
    np.testing.assert_array_equal(data.operands[:, 0], [6, 6, 6, 6, 6, 6])
    np.testing.assert_array_equal(data.operands[:, 1], [17, 17, 18, 18, 19, 19])
    assert data.operators[:, 0].tolist() == ["+", "-", "+", "-", "+", "-"]
    np.testing.assert_array_equal(data.results, [23, -11, 24, -12, 25, -13])


@given(
    max_value=st.integers(1, 300),
    operators=st.sampled_from(["+", "-", "*", "+-", "-*", "*+-"]),
    num_operands=st.integers(2, 4),
    padding=st.sampled_from(["left", "right"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_answers_equal_python_arithmetic(
    max_value, operators, num_operands, padding, seed
):
    total = (max_value + 1) ** num_operands * len(operators) ** (num_operands - 1)
    data = make_queries(
        max_value=max_value,
        operators=operators,
        num_operands=num_operands,
        padding=padding,
        num_samples=min(50, total),
        seed=seed,
    )
    for query, answer, result, operands in zip(
        data.queries, data.answers, data.results, data.operands, strict=False
    ):
        assert eval(query) == int(answer) == result
        assert operands.min() >= 0 and operands.max() <= max_value
        if padding == "left":
            assert query == query.rstrip(), "left padding never ends with spaces"
            assert answer == answer.rjust(data.answer_width)
        else:
            assert query == query.lstrip() and answer == answer.lstrip()
    width = len(str(max_value))
    assert data.query_width == num_operands * width + num_operands - 1


@given(max_value=st.integers(1, 40), operators=st.sampled_from(["+-", "*", "-*+"]))
def test_default_answer_width_is_the_widest_possible_answer(max_value, operators):
    data = make_queries(max_value=max_value, operators=operators, num_operands=3)
    widest = max(len(str(value)) for value in (data.results.min(), data.results.max()))
    assert data.answer_width == widest
    assert len(set(data.queries.tolist())) == len(data)


def test_sampling_is_seeded_and_without_duplicates():
    first = make_queries("2021-three-digit", num_samples=5000, seed=7)
    second = make_queries("2021-three-digit", num_samples=5000, seed=7)
    other = make_queries("2021-three-digit", num_samples=5000, seed=8)
    assert first.queries.tolist() == second.queries.tolist()
    assert first.queries.tolist() != other.queries.tolist()
    assert len(np.unique(first.queries)) == 5000
    full = set(make_queries(max_value=9, operators="+-*").queries.tolist())
    sample = make_queries(max_value=9, operators="+-*", num_samples=300, seed=0)
    assert set(sample.queries.tolist()) <= full


def test_huge_spaces_can_be_sampled():
    data = make_queries(
        max_value=999, num_operands=5, operators="+-*", num_samples=1000, seed=0
    )
    assert len(np.unique(data.queries)) == 1000
    assert data.query_width == 19
    assert all(eval(q) == r for q, r in zip(data.queries, data.results, strict=False))


def test_explicit_widths_pad():
    data = make_queries("2023", query_width=7, answer_width=5)
    assert data.queries[0] == "0+0    " and data.answers[0] == "0    "
    data = make_queries("2021", query_width=8, answer_width=6)
    assert data.queries[0] == "   0-  0" and data.answers[2] == "    -1"


def test_indexing_returns_queries():
    data = make_queries("2023")
    assert len(data[5]) == 1 and data[5].queries[0] == data.queries[5]
    assert data[-1].queries[0] == "99-99" and data[-1].answers[0] == "0  "
    mask = data.results < 0
    assert (data[mask].results < 0).all()
    assert "Queries(n=20000" in repr(data) and "'0+0  '->'0  '" in repr(data)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"preset": "2022"}, r"preset='2022'"),
        ({"max_value": -3}, r"max_value=-3"),
        ({"max_value": 0}, r"max_value=0"),
        ({"max_value": 2.5}, r"max_value=2.5"),
        ({"operators": "+/"}, r"operators=\['\+', '/'\]"),
        ({"operators": ""}, r"operators=\[\]"),
        ({"operators": "++"}, r"operators"),
        ({"num_operands": 1}, r"num_operands=1"),
        ({"padding": "center"}, r"padding='center'"),
        ({"num_samples": 0}, r"num_samples=0"),
        ({"num_samples": 20_001}, r"num_samples=20001"),
        ({"query_width": 4}, r"query_width=4"),
        ({"answer_width": 2}, r"answer_width=2"),
        ({"max_value": 10**6, "num_operands": 4}, r"max_value=1000000"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_queries(**kwargs)


def test_presets_are_documented():
    assert set(PRESETS) == {"2021", "2021-three-digit", "2023", "2023-multiplication"}
