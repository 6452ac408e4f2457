"""Arithmetic queries and their answers, built with NumPy and no Python loop.

Longer than most modules (about 560 lines), on purpose: `Queries` checks its
arrays with the same operator, width and result rules that `make_queries`
builds them by, and the size estimates that refuse a huge request before any
enumeration need those rules too; split apart, the rules would be repeated.
"""

import dataclasses
import math
import os
import pathlib
from collections.abc import Sequence

import numpy as np

from mnist_arith._io import atomic_write
from mnist_arith._io import check_output_path
from mnist_arith._validation import check_integer
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_seed
from mnist_arith._validation import fail
from mnist_arith._validation import is_integer
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import MULTIPLICATION_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable
from mnist_arith.data.vocabulary import strings_from_codes

OPERATORS = "+-*"
"""The operators a query may use. `*` binds tighter than `+` and `-`."""

PRESETS = {
    "2021": {"max_value": 199, "operators": "-+", "padding": "left"},
    "2021-three-digit": {"max_value": 999, "operators": "-+", "padding": "left"},
    "2023": {"max_value": 99, "operators": "+-", "padding": "right"},
    "2023-multiplication": {"max_value": 99, "operators": "*", "padding": "right"},
}
"""The course editions' formats, by name.

- `"2021"`: the 2021/22 notebook. Operands 0..199, each left-padded to 3
  characters (`'  7- 45'`), answers left-padded to 4 (`' -38'`), signs
  enumerated as `['-', '+']`: 80,000 queries.
- `"2021-three-digit"`: the 2021/22 task sheet's version of the same format with
  operands 0..999: 2,000,000 queries.
- `"2023"`: the 2023-25 notebook. Operands 0..99, the query written compactly
  and right-padded to 5 characters (`'7-3  '`), answers right-padded to 3,
  signs enumerated as `['+', '-']`: 20,000 queries.
- `"2023-multiplication"`: part 2 of the 2023-25 notebook, all `i*j` for
  0..99: 10,000 queries with answers of up to 4 characters.
"""

_SPACE = ord(" ")
_ZERO = ord("0")
_MINUS = ord("-")
_LARGEST_SAFE_INTEGER = 2**62
_MAX_BYTES = 2**34
"""The most memory (16 GiB) a query set may take; larger ones need `num_samples`."""
_MAX_WIDTH = 4096
"""The most characters a query or answer may be padded to."""
_SAVE_SUFFIXES = (".csv", ".npz")


@dataclasses.dataclass(frozen=True, eq=False)
class Queries:
    """A set of arithmetic queries with their answers and integer parts.

    Index it like an array (`queries[:100]`, `queries[mask]`,
    `queries[indices]`) to get another `Queries`; an integer index gives a
    `Queries` of one query.

    Attributes:
        queries: `[n]` unicode array of query strings, e.g. `'81+24'`.
        answers: `[n]` unicode array of answer strings, e.g. `'105'`.
        operands: `[n, num_operands]` int64 operands, left to right.
        operators: `[n, num_operands - 1]` one-character operator strings.
        results: `[n]` int64 values of the queries (Python's arithmetic).
        max_value: the largest operand the set was drawn from.
        padding: `"left"` (operands right-aligned in fixed columns) or
            `"right"` (compact query, spaces at the end).
        preset: the course preset the set was built from, or `None`.
    """

    queries: np.ndarray
    answers: np.ndarray
    operands: np.ndarray
    operators: np.ndarray
    results: np.ndarray
    max_value: int
    padding: str
    preset: str | None = None

    def __post_init__(self):
        max_value = check_positive_int(self.max_value, "max_value")
        check_one_of(self.padding, "padding", ("left", "right"))
        check_one_of(self.preset, "preset", (None, *PRESETS))
        queries = _string_column(self.queries, "queries")
        count = len(queries)
        answers = _string_column(self.answers, "answers", count)
        operands = np.asarray(self.operands)
        if (
            operands.ndim != 2
            or operands.shape[0] != count
            or operands.shape[1] < 2
            or operands.dtype.kind not in "iu"
        ):
            raise ValueError(
                f"Expected `operands` to be integers of shape [{count}, "
                "num_operands] with num_operands >= 2, one row per query. "
                f"Received: operands.shape={operands.shape}, dtype={operands.dtype}"
            )
        if count and (operands.min() < 0 or operands.max() > max_value):
            raise ValueError(
                f"Expected `operands` to lie in [0, max_value={max_value}]. "
                f"Received: operands from {operands.min()} to {operands.max()}"
            )
        operators = np.asarray(self.operators)
        width = operands.shape[1] - 1
        if operators.shape != (count, width) or operators.dtype != np.dtype("<U1"):
            raise ValueError(
                f"Expected `operators` to be one-character strings of shape "
                f"[{count}, {width}], one column between two operands. Received: "
                f"operators.shape={operators.shape}, dtype={operators.dtype}"
            )
        unknown = ~np.isin(operators, list(OPERATORS))
        if unknown.any():
            raise ValueError(
                f"Expected `operators` to hold only {OPERATORS!r}. Received: "
                f"operators[{np.argwhere(unknown)[0][0]}]="
                f"{operators[unknown.any(axis=1)][0].tolist()!r}"
            )
        results = np.asarray(self.results)
        if results.shape != (count,) or results.dtype.kind not in "iu":
            raise ValueError(
                f"Expected `results` to be {count} integers, one per query. "
                f"Received: results.shape={results.shape}, dtype={results.dtype}"
            )
        expected = _evaluate(operands.astype(np.int64), operators.view(np.uint32))
        wrong = np.flatnonzero(expected != results)
        if wrong.size:
            row = wrong[0]
            raise ValueError(
                "Expected `results` to be the values of the operands and "
                f"operators. Received: results[{row}]={results[row]} for "
                f"operands {operands[row].tolist()} and operators "
                f"{operators[row].tolist()}"
            )
        for name, value in (
            ("queries", queries),
            ("answers", answers),
            ("operands", operands),
            ("operators", operators),
            ("results", results),
        ):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "max_value", max_value)

    def __len__(self) -> int:
        return len(self.queries)

    def __getitem__(self, index) -> "Queries":
        if is_integer(index):
            if not -len(self) <= index < len(self):
                raise IndexError(
                    f"Queries index {int(index)} is out of range for {len(self)} "
                    "queries"
                )
            start = int(index) % len(self)
            index = slice(start, start + 1)
        return dataclasses.replace(
            self,
            queries=self.queries[index],
            answers=self.answers[index],
            operands=self.operands[index],
            operators=self.operators[index],
            results=self.results[index],
        )

    def save(self, path: str | os.PathLike) -> pathlib.Path:
        r"""Writes the queries to a `.csv` or `.npz` file, atomically.

        The extension (in any letter case) picks the format:

        - `.csv`: a header `query,answer` and one line per query with both
          strings quoted, padding included (`"7-3  ","4  "`), UTF-8.
        - `.npz`: a compressed NumPy archive with the arrays `queries`,
          `answers`, `operands`, `operators` and `results`.

        The path is checked before anything is written, and the file is
        replaced only once it is completely written: a failed write leaves an
        existing file as it was.

        Args:
            path: the output file, ending with `.csv` or `.npz`.

        Returns:
            The path written, as a `pathlib.Path`.

        Raises:
            ValueError: for another extension, a folder, or a folder that does
                not exist or is not writable.
            OSError: if writing fails (the old file, if any, is kept).

        Example:
            >>> import tempfile
            >>> path = make_queries("2023")[:2].save(f"{tempfile.mkdtemp()}/q.csv")
            >>> path.name
            'q.csv'
            >>> path.read_text()
            'query,answer\n"0+0  ","0  "\n"0-0  ","0  "\n'
        """
        output = check_output_path(path, _SAVE_SUFFIXES)
        if output.suffix.lower() == ".npz":
            with atomic_write(output) as file:
                np.savez_compressed(
                    file,
                    queries=self.queries,
                    answers=self.answers,
                    operands=self.operands,
                    operators=self.operators,
                    results=self.results,
                )
        else:
            lines = [
                f'"{query}","{answer}"\n'
                for query, answer in zip(
                    self.queries.tolist(), self.answers.tolist(), strict=True
                )
            ]
            with atomic_write(output, "w", encoding="utf-8", newline="\n") as file:
                file.write("query,answer\n")
                file.writelines(lines)
        return output

    def __repr__(self) -> str:
        examples = ", ".join(
            f"{str(query)!r}->{str(answer)!r}"
            for query, answer in zip(self.queries[:2], self.answers[:2], strict=True)
        )
        return (
            f"Queries(n={len(self)}, query_width={self.query_width}, "
            f"answer_width={self.answer_width}, padding={self.padding!r}, "
            f"preset={self.preset!r}, examples=[{examples}])"
        )

    @property
    def query_width(self) -> int:
        """The number of characters of every query."""
        return self.queries.dtype.itemsize // 4

    @property
    def answer_width(self) -> int:
        """The number of characters of every answer."""
        return self.answers.dtype.itemsize // 4

    @property
    def vocabulary(self) -> str:
        """The characters needed to encode these queries and answers."""
        if (self.operators == "*").any():
            return MULTIPLICATION_VOCABULARY
        return COURSE_VOCABULARY

    @property
    def character_table(self) -> CharacterTable:
        """A `CharacterTable` for `vocabulary`."""
        return CharacterTable(self.vocabulary)


def make_queries(
    preset: str | None = None,
    *,
    max_value: int | None = None,
    operators: str | Sequence[str] | None = None,
    num_operands: int = 2,
    padding: str | None = None,
    num_samples: int | None = None,
    seed: int | None = None,
    query_width: int | None = None,
    answer_width: int | None = None,
) -> Queries:
    """Builds arithmetic queries such as `'81+24'` with answers such as `'105'`.

    Without `num_samples` every query is enumerated, in the course notebooks'
    order: operands outermost (the first operand slowest), then operators
    in the order given. With `num_samples`, a seeded random sample without
    duplicates is drawn from the same set, in random order.

    With `padding="left"` (the 2021/22 format) every operand is left-padded
    with spaces to the width of `max_value` (`'  7- 45'`) and the answer is
    right-aligned (`' -38'`). With `padding="right"` (the 2023-25 format) the
    query is written compactly and spaces are added at the end (`'7-3  '`,
    `'4  '`). Answers are the values Python gives the query, `*` binding
    tighter than `+` and `-`.

    Args:
        preset: a course edition's format from `PRESETS` (`"2021"`,
            `"2021-three-digit"`, `"2023"`, `"2023-multiplication"`). Other
            arguments override the preset's values. Without a preset the
            defaults are the 2023 format's.
        max_value: the largest operand; operands run from 0 to `max_value`.
        operators: the operators to use, from `'+-*'`, in enumeration order.
        num_operands: how many operands a query has (2 or more).
        padding: `"left"` or `"right"`, see above.
        num_samples: draw this many distinct queries at random instead of
            enumerating all of them.
        seed: the seed of the random sample.
        query_width: pad queries to this many characters (default: the
            fewest that fit every query of the set).
        answer_width: pad answers to this many characters (default: the
            fewest that fit every possible answer).

    Returns:
        A `Queries` holding strings, operands, operators and results.

    Raises:
        ValueError: for an unknown preset, operator or padding, a non-positive
            size, more samples than queries, or widths too small.

    Examples:
        >>> data = make_queries("2023")
        >>> len(data), data.queries[:3].tolist(), data.answers[:3].tolist()
        (20000, ['0+0  ', '0-0  ', '0+1  '], ['0  ', '0  ', '1  '])
        >>> make_queries("2021").queries[:2].tolist()
        ['  0-  0', '  0+  0']
        >>> make_queries(max_value=9, operators="+*", num_operands=3,
        ...              num_samples=2, seed=0).queries.shape
        (2,)
    """
    max_value, operators, padding = _resolve_settings(
        preset, max_value, operators, padding
    )
    num_operands = check_integer(num_operands, "num_operands", minimum=2)
    if num_samples is not None:
        num_samples = check_positive_int(num_samples, "num_samples")
    seed = check_seed(seed, allow_none=True)
    for name, width in (("query_width", query_width), ("answer_width", answer_width)):
        if width is not None:
            check_integer(width, name, 1, _MAX_WIDTH)
    operand_width = len(str(max_value))
    num_values = max_value + 1
    # The size comes from logarithms first: no huge power, no enumeration.
    bits = num_operands * math.log2(num_values) + (num_operands - 1) * math.log2(
        len(operators)
    )
    total = None
    if bits < 63:
        total = num_values**num_operands * len(operators) ** (num_operands - 1)
    if total is None or total >= _LARGEST_SAFE_INTEGER:
        raise ValueError(
            "The query space is too large for 64-bit integers; lower `max_value` "
            f"or `num_operands`. Received: max_value={max_value}, "
            f"num_operands={num_operands}"
        )
    lowest, highest = _result_bounds(max_value, operators, num_operands)
    if num_samples is not None and num_samples > total:
        raise ValueError(
            f"`num_samples` must be at most the number of distinct queries "
            f"({total}). Received: num_samples={num_samples}"
        )

    minimum_query_width = num_operands * operand_width + num_operands - 1
    minimum_answer_width = max(len(str(lowest)), len(str(highest)))
    query_width = _check_width(query_width, minimum_query_width, "query_width")
    answer_width = _check_width(answer_width, minimum_answer_width, "answer_width")
    num_rows = total if num_samples is None else num_samples
    # Strings, codes and their temporaries, operands, operators and results.
    row_bytes = 16 * (query_width + answer_width) + 32 * num_operands
    if num_rows * row_bytes > _MAX_BYTES:
        raise ValueError(
            f"These {num_rows:,} queries would need about "
            f"{num_rows * row_bytes / 2**30:,.0f} GiB (at most "
            f"{_MAX_BYTES // 2**30} GiB); draw a sample with `num_samples` or "
            f"lower the widths. Received: num_samples={num_samples}, "
            f"max_value={max_value}, num_operands={num_operands}, "
            f"query_width={query_width}, answer_width={answer_width}"
        )

    if num_samples is None:
        flat = np.arange(total, dtype=np.int64)
    else:
        rng = np.random.default_rng(seed)
        flat = rng.choice(total, size=num_samples, replace=False).astype(np.int64)

    operator_ids = np.empty((len(flat), num_operands - 1), dtype=np.int64)
    operands = np.empty((len(flat), num_operands), dtype=np.int64)
    rest = flat
    for position in reversed(range(num_operands - 1)):
        rest, operator_ids[:, position] = np.divmod(rest, len(operators))
    for position in reversed(range(num_operands)):
        rest, operands[:, position] = np.divmod(rest, num_values)

    operator_codes = np.array([ord(symbol) for symbol in operators], np.uint32)
    results = _evaluate(operands, operator_codes[operator_ids])

    columns = []
    for position in range(num_operands):
        if position:
            columns.append(operator_codes[operator_ids[:, position - 1 : position]])
        columns.append(_integer_codes(operands[:, position], operand_width))
    query_codes = np.concatenate(columns, axis=1)
    answer_codes = _integer_codes(results, minimum_answer_width)
    if padding == "right":
        query_codes = _squeeze_spaces(query_codes)
        answer_codes = _squeeze_spaces(answer_codes)
    query_codes = _pad(query_codes, query_width, padding)
    answer_codes = _pad(answer_codes, answer_width, padding)

    return Queries(
        queries=strings_from_codes(query_codes),
        answers=strings_from_codes(answer_codes),
        operands=operands,
        operators=operator_codes[operator_ids].view("<U1"),
        results=results,
        max_value=max_value,
        padding=padding,
        preset=preset,
    )


def _resolve_settings(preset, max_value, operators, padding):
    check_one_of(preset, "preset", (None, *PRESETS))
    defaults = PRESETS[preset or "2023"]
    max_value = defaults["max_value"] if max_value is None else max_value
    operators = defaults["operators"] if operators is None else operators
    padding = defaults["padding"] if padding is None else padding
    max_value = check_positive_int(max_value, "max_value")
    operators = _check_operators(operators)
    check_one_of(padding, "padding", ("left", "right"))
    return max_value, operators, padding


def _check_operators(operators):
    """Checks distinct one-character operators; returns them as one string."""
    symbols: list | None = None
    if isinstance(operators, str) or (
        isinstance(operators, Sequence | np.ndarray) and np.ndim(operators) == 1
    ):
        symbols = list(operators)
    if (
        symbols is None
        or not symbols
        or not all(
            isinstance(symbol, str) and len(symbol) == 1 and symbol in OPERATORS
            for symbol in symbols
        )
        or len(set(symbols)) != len(symbols)
    ):
        shown = operators if symbols is None else [str(item) for item in symbols]
        if symbols is not None and not all(isinstance(item, str) for item in symbols):
            shown = symbols
        fail(
            "operators",
            f"distinct single characters from {OPERATORS!r}, such as '+-' or "
            "['+', '-']",
            shown,
        )
    return "".join(str(symbol) for symbol in symbols)


def _string_column(values, name, count=None):
    array = np.asarray(values)
    if (
        array.ndim != 1
        or array.dtype.kind != "U"
        or (count is not None and len(array) != count)
    ):
        length = "" if count is None else f" of length {count}"
        raise ValueError(
            f"Expected `{name}` to be a 1-D array of strings{length}. "
            f"Received: {name}.shape={array.shape}, dtype={array.dtype}"
        )
    return array


def _check_width(width, minimum, name):
    if width is None:
        return minimum
    width = check_integer(width, name, 1, _MAX_WIDTH)
    if width < minimum:
        raise ValueError(
            f"`{name}` is too small: the longest string of this set has {minimum} "
            f"characters. Received: {name}={width}"
        )
    return width


def _evaluate(operands, operator_codes):
    """Evaluates `x0 op1 x1 op2 ...` with `*` before `+`/`-`, vectorised."""
    total = np.zeros(len(operands), dtype=np.int64)
    term = operands[:, 0].copy()
    for position in range(1, operands.shape[1]):
        value = operands[:, position]
        code = operator_codes[:, position - 1]
        multiply = code == ord("*")
        total = np.where(multiply, total, total + term)
        term = np.where(multiply, term * value, np.where(code == _MINUS, -value, value))
    return total + term


def _result_bounds(max_value, operators, num_operands):
    """The exact lowest and highest results over all operands and operators.

    A result is a sum of signed products of operands in [0, max_value]; for a
    fixed operator sequence the highest sets every positive term's operands to
    `max_value` and every negative one's to 0, and the other way round. The
    best sequence is found by dynamic programming over the open term's sign
    and length, in O(num_operands**2) steps instead of one per sequence.
    """
    # state (sign, length of the open term) -> (best closed positive sum,
    # best closed negative sum) over all operator prefixes reaching it.
    states = {(1, 1): (0, 0)}
    for _ in range(num_operands - 1):
        following: dict[tuple[int, int], tuple[int, int]] = {}
        for (sign, length), (positive, negative) in states.items():
            for symbol in operators:
                if symbol == "*":
                    key, sums = (sign, length + 1), (positive, negative)
                else:
                    term = max_value**length
                    sums = (
                        (positive + term, negative)
                        if sign > 0
                        else (positive, negative + term)
                    )
                    key = (1 if symbol == "+" else -1, 1)
                best = following.get(key, sums)
                following[key] = (max(best[0], sums[0]), max(best[1], sums[1]))
        states = following
    highest = max(
        positive + (max_value**length if sign > 0 else 0)
        for (sign, length), (positive, _) in states.items()
    )
    lowest = -max(
        negative + (max_value**length if sign < 0 else 0)
        for (sign, length), (_, negative) in states.items()
    )
    return lowest, highest


def _integer_codes(values, width):
    """Writes integers right-aligned in `width` columns as code points."""
    magnitude = np.abs(values)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (magnitude[:, None] // powers) % 10
    leading = (magnitude[:, None] < powers) & (powers > 1)
    codes = np.where(leading, _SPACE, _ZERO + digits).astype(np.uint32)
    negative = np.flatnonzero(values < 0)
    if negative.size:
        num_digits = width - leading[negative].sum(axis=1)
        codes[negative, width - num_digits - 1] = _MINUS
    return codes


def _squeeze_spaces(codes):
    """Moves all spaces of every row to its end, keeping the other order."""
    keep = codes != _SPACE
    target = np.cumsum(keep, axis=1) - 1
    rows = np.broadcast_to(np.arange(len(codes))[:, None], codes.shape)
    squeezed = np.full_like(codes, _SPACE)
    squeezed[rows[keep], target[keep]] = codes[keep]
    return squeezed


def _pad(codes, width, padding):
    extra = width - codes.shape[1]
    if extra == 0:
        return codes
    spaces = np.full((len(codes), extra), _SPACE, dtype=codes.dtype)
    parts = (spaces, codes) if padding == "left" else (codes, spaces)
    return np.concatenate(parts, axis=1)
