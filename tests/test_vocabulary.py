import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnist_arith import COURSE_VOCABULARY
from mnist_arith import MULTIPLICATION_VOCABULARY
from mnist_arith import CharacterTable


def test_course_vocabulary_order():
    assert COURSE_VOCABULARY == "0123456789+- "
    assert MULTIPLICATION_VOCABULARY == "0123456789+- *"
    table = CharacterTable()
    assert len(table) == table.size == 13
    np.testing.assert_array_equal(
        table.encode(["0123456789+- "], one_hot=False)[0], np.arange(13)
    )


def test_encode_one_hot_values():
    encoded = CharacterTable().encode(["1+ ", "9-0"])
    assert encoded.shape == (2, 3, 13)
    assert encoded.dtype == np.float32
    np.testing.assert_array_equal(encoded.sum(axis=-1), np.ones((2, 3)))
    assert encoded[0, 0, 1] == 1 and encoded[0, 1, 10] == 1 and encoded[0, 2, 12] == 1
    assert encoded[1, 0, 9] == 1 and encoded[1, 1, 11] == 1 and encoded[1, 2, 0] == 1


def test_reverse_matches_keras_io_convention():
    table = CharacterTable()
    ids = table.encode(["12+3 "], one_hot=False, reverse=True)
    np.testing.assert_array_equal(ids, table.encode([" 3+21"], one_hot=False))
    assert table.decode(table.encode(["12+3 "], reverse=True), reverse=True) == [
        "12+3 "
    ]


def test_decode_probabilities_takes_argmax():
    table = CharacterTable()
    probabilities = np.full((1, 2, 13), 0.01)
    probabilities[0, 0, 4] = 0.5
    probabilities[0, 1, 11] = 0.3
    assert table.decode(probabilities) == ["4-"]


@given(
    st.lists(
        st.text(alphabet=MULTIPLICATION_VOCABULARY, min_size=5, max_size=5), min_size=1
    )
)
def test_round_trip(strings):
    table = CharacterTable(MULTIPLICATION_VOCABULARY)
    assert table.decode(table.encode(strings)) == strings
    assert table.decode(table.encode(strings, one_hot=False)) == strings
    assert table.decode(table.encode(strings, reverse=True), reverse=True) == strings


def test_unknown_character_is_named():
    with pytest.raises(
        ValueError, match=r"'\*' is not in the vocabulary.*strings\[1\]='2\*3'"
    ):
        CharacterTable().encode(["2+3", "2*3"])
    with pytest.raises(ValueError, match="'é'"):
        CharacterTable().encode(["é"])


def test_bad_inputs():
    table = CharacterTable()
    with pytest.raises(ValueError, match=r"same length.*'1-22'"):
        table.encode(["1+2", "1-22"])
    with pytest.raises(ValueError, match="must not be empty"):
        table.encode([])
    with pytest.raises(ValueError, match="1-D sequence of strings"):
        table.encode([1, 2])
    with pytest.raises(ValueError, match=r"13 entries.*\(1, 2, 5\)"):
        table.decode(np.zeros((1, 2, 5)))
    with pytest.raises(ValueError, match=r"\[0, 13\).*from 0 to 13"):
        table.decode(np.array([[0, 13]]))
    with pytest.raises(ValueError, match="repeat"):
        CharacterTable("aa")
    with pytest.raises(ValueError, match="non-empty string"):
        CharacterTable("")


def test_flags_and_dtypes_are_checked():
    table = CharacterTable()
    for call, message in [
        (lambda: table.encode(["1+2"], one_hot="no"), "one_hot='no'"),
        (lambda: table.encode(["1+2"], reverse=1), "reverse=1"),
        (lambda: table.encode(["1+2"], dtype="str"), "dtype='str'"),
        (lambda: table.encode(["1+2"], dtype=None), "dtype=None"),
        (lambda: table.ids(["1+2"], reverse="yes"), "reverse='yes'"),
        (lambda: table.decode(np.zeros((1, 2), np.int32), reverse=None), "reverse"),
    ]:
        with pytest.raises(ValueError, match=message):
            call()
    assert table.encode(["1+2"], reverse=np.bool_(True), dtype="uint8").dtype == (
        np.uint8
    )


def test_decode_refuses_non_finite_probabilities():
    table = CharacterTable()
    probabilities = table.encode(["1+2"])
    probabilities[0, 1, 3] = np.nan
    with pytest.raises(ValueError, match=r"finite.*Received: 1 non-finite"):
        table.decode(probabilities)
    with pytest.raises(ValueError, match="numeric"):
        table.decode(np.full((1, 2, 13), "a"))
