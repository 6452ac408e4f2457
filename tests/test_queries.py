import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_arith import PRESETS
from mnist_arith import Queries
from mnist_arith import make_queries
from mnist_arith import split_queries


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


# --- Checks at the edge: every bad argument is a prompt ValueError. ---------


@pytest.mark.parametrize(
    "operators",
    [["-", "+-"], [""], ["+", "+"], "+ ", ["+", 1], 3, ["*", "-", "+", "/"], "+-*-"],
)
def test_operators_are_single_supported_characters(operators):
    with pytest.raises(ValueError, match=r"single characters.*Received: operators="):
        make_queries(max_value=9, operators=operators)


def test_huge_spaces_are_refused_before_any_enumeration():
    start = time.perf_counter()
    with pytest.raises(ValueError, match="num_operands=100"):
        make_queries(num_operands=100, num_samples=1, seed=0)
    with pytest.raises(ValueError, match="num_operands=1000000000"):
        make_queries(num_operands=10**9, num_samples=1, seed=0)
    with pytest.raises(ValueError, match=r"GiB.*Received: num_samples=None"):
        make_queries(max_value=10**6)  # 2e12 queries to enumerate
    with pytest.raises(ValueError, match="query_width=1000000000"):
        make_queries(num_samples=1, seed=0, query_width=10**9)
    assert time.perf_counter() - start < 2


def test_answer_widths_come_without_walking_operator_sequences():
    # 3**16 operator sequences: the old walk over all of them took minutes.
    start = time.perf_counter()
    data = make_queries(
        max_value=1, operators="+-*", num_operands=17, num_samples=20, seed=0
    )
    assert time.perf_counter() - start < 5
    assert data.answer_width == 3  # from -16 to 17
    assert all(eval(q) == r for q, r in zip(data.queries, data.results, strict=True))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1, "num_samples": 3}, "seed=-1"),
        ({"seed": 1.5, "num_samples": 3}, "seed=1.5"),
        ({"preset": ["2023"]}, r"preset=\['2023'\]"),
    ],
)
def test_more_bad_arguments_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_queries(**kwargs)


def test_numpy_scalars_are_accepted():
    expected = make_queries(max_value=9, num_samples=5, seed=1, query_width=6)
    data = make_queries(
        max_value=np.int64(9),
        num_operands=np.int32(2),
        num_samples=np.int64(5),
        seed=np.uint8(1),
        query_width=np.int16(6),
    )
    assert data.queries.tolist() == expected.queries.tolist()
    assert type(data.max_value) is int
    data = make_queries(max_value=9, operators=np.array(["-", "+"]))
    assert len(data) == 200 and len(np.unique(data.queries)) == 200
    assert data.queries[:2].tolist() == ["0-0", "0+0"]


ACCEPTED = {
    "max_value": st.integers(1, 12),
    "operators": st.lists(st.sampled_from("+-*"), min_size=1, max_size=3, unique=True),
    "num_operands": st.integers(2, 3),
    "padding": st.sampled_from(["left", "right"]),
    "sample": st.booleans(),
    "seed": st.integers(0, 2**64),
    "fraction": st.floats(0.05, 0.95),
}


@given(**ACCEPTED)
def test_queries_are_distinct_and_splits_share_none(
    max_value, operators, num_operands, padding, sample, seed, fraction
):
    total = (max_value + 1) ** num_operands * len(operators) ** (num_operands - 1)
    data = make_queries(
        max_value=max_value,
        operators=operators,
        num_operands=num_operands,
        padding=padding,
        num_samples=min(total, 100) if sample else None,
        seed=seed,
    )
    assert len(data) == (min(total, 100) if sample else total)
    assert len(set(data.queries.tolist())) == len(data)
    if round(fraction * len(data)) in (0, len(data)):
        return
    train, test = split_queries(data, fraction, seed=seed % 1000)
    assert len(train) + len(test) == len(data)
    assert not set(train.queries.tolist()) & set(test.queries.tolist())


def invalid_operators(value):
    return not (
        isinstance(value, str | list)
        and value
        and all(isinstance(item, str) and item in list("+-*") for item in value)
        and len(set(value)) == len(value)
    )


BAD_ARGUMENTS = st.one_of(
    st.tuples(
        st.just("max_value"),
        st.one_of(st.integers(max_value=0), st.floats(), st.booleans(), st.text()),
    ),
    st.tuples(
        st.just("operators"),
        st.one_of(st.text(max_size=4), st.lists(st.text(max_size=2), max_size=4)),
    ).filter(lambda pair: invalid_operators(pair[1])),
    st.tuples(
        st.just("num_operands"),
        st.one_of(st.integers(max_value=1), st.integers(62, 10**12), st.floats()),
    ),
    st.tuples(
        st.just("padding"), st.text().filter(lambda t: t not in ("left", "right"))
    ),
    st.tuples(
        st.just("num_samples"),
        st.one_of(st.integers(max_value=0), st.integers(20_001, 10**30), st.floats()),
    ),
    st.tuples(
        st.just("seed"), st.one_of(st.integers(max_value=-1), st.floats(), st.text())
    ),
    st.tuples(
        st.just("query_width"),
        st.one_of(st.integers(max_value=4), st.integers(4097, 10**15), st.floats()),
    ),
    st.tuples(
        st.just("answer_width"),
        st.one_of(st.integers(max_value=2), st.integers(4097, 10**15), st.floats()),
    ),
    st.tuples(st.just("preset"), st.text().filter(lambda t: t not in PRESETS)),
)


@given(bad=BAD_ARGUMENTS, sample=st.booleans())
def test_bad_arguments_raise_quickly(bad, sample):
    name, value = bad
    kwargs = {name: value}
    if sample and name != "num_samples":
        kwargs.setdefault("num_samples", 10)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"Received: .*{name}="):
        make_queries(**kwargs)
    assert time.perf_counter() - start < 1


# --- Queries: one checked container, indexed like a list. -------------------


def test_integer_index_past_the_end_raises(course_2023):
    with pytest.raises(IndexError, match="20000"):
        course_2023[20000]
    with pytest.raises(IndexError, match="-20001"):
        course_2023[np.int64(-20001)]
    assert course_2023[-20000].queries.tolist() == ["0+0  "]
    assert course_2023[np.int64(-2)].queries.tolist() == ["99+99"]


def test_queries_checks_its_arrays(course_2023):
    part = course_2023[:4]
    fields = {
        "queries": part.queries,
        "answers": part.answers,
        "operands": part.operands,
        "operators": part.operators,
        "results": part.results,
        "max_value": 99,
        "padding": "right",
    }
    assert len(Queries(**fields)) == 4
    for change, message in [
        ({"answers": part.answers[:3]}, r"`answers`.*length 4.*shape=\(3,\)"),
        ({"queries": part.operands}, r"`queries`.*strings.*dtype=int64"),
        ({"operands": part.operands[:, :1]}, r"`operands`.*shape=\(4, 1\)"),
        ({"operands": part.operands + 100}, r"\[0, max_value=99\]"),
        ({"operators": part.operators[:2]}, r"`operators`.*shape=\(2, 1\)"),
        ({"operators": np.full((4, 1), "/")}, r"`operators`.*'\+-\*'"),
        ({"results": part.results + 1}, r"results\[0\]=1"),
        ({"results": part.results[:3]}, r"`results`.*4 integers"),
        ({"max_value": 0}, "max_value=0"),
        ({"padding": "centre"}, "padding='centre'"),
        ({"preset": "1999"}, "preset='1999'"),
    ]:
        with pytest.raises(ValueError, match=message):
            Queries(**{**fields, **change})


def test_save_csv_and_npz(tmp_path, course_2023):
    part = course_2023[:3]
    path = part.save(tmp_path / "queries.csv")
    assert path == tmp_path / "queries.csv"
    assert path.read_bytes() == (
        b'query,answer\n"0+0  ","0  "\n"0-0  ","0  "\n"0+1  ","1  "\n'
    )
    path = part.save(str(tmp_path / "queries.NPZ"))
    with np.load(path) as archive:
        assert sorted(archive.files) == [
            "answers",
            "operands",
            "operators",
            "queries",
            "results",
        ]
        assert archive["queries"].tolist() == ["0+0  ", "0-0  ", "0+1  "]
        np.testing.assert_array_equal(archive["operands"], part.operands)
        assert archive["operators"].tolist() == [["+"], ["-"], ["+"]]
    assert sorted(item.name for item in tmp_path.iterdir()) == [
        "queries.NPZ",
        "queries.csv",
    ]


def test_save_checks_the_path_and_keeps_the_old_file(tmp_path, monkeypatch):
    data = make_queries(max_value=3)
    with pytest.raises(ValueError, match=r"Received: path='.*queries\.txt'"):
        data.save(tmp_path / "queries.txt")
    with pytest.raises(ValueError, match="not a folder"):
        data.save(tmp_path)
    with pytest.raises(ValueError, match="existing folder"):
        data.save(tmp_path / "missing" / "queries.csv")
    path = tmp_path / "queries.npz"
    path.write_bytes(b"the previous set")

    def disk_full(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", disk_full)
    with pytest.raises(OSError, match="No space"):
        data.save(path)
    assert path.read_bytes() == b"the previous set"
    assert [item.name for item in tmp_path.iterdir()] == ["queries.npz"]
