"""Draws the charts of the Benchmarks page from the tables in BENCHMARKS.md.

Every figure is read from a table of BENCHMARKS.md (a table is found by the
heading of its section, a column by its header text), so the charts change
only when the recorded figures do:

- `docs/images/benchmark-split-sweep.png`: held-out exact match against the
  training split, one line per model ("The course's split experiment").
- `docs/images/benchmark-course-model.png`: held-out exact match of this
  library's model and of the course's model, per task ("Sequence models:
  exact match on held-out queries" and "image2text: held-out queries in
  unseen handwriting").
- `docs/images/benchmark-backends.png`: training samples/s per model factory
  on each Keras backend ("Training throughput per model factory").

Usage, from the repository root, after updating BENCHMARKS.md:

    python tools/make_benchmark_charts.py

A section, table, row or number that cannot be found or read ends the script
with a one-line error naming the section; no chart is written then.
"""

import argparse
import pathlib
import re
import sys
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from mnist_arith._io import save_figure

ROOT = pathlib.Path(__file__).resolve().parents[1]

DOTS_PER_INCH = 150
FIGURE_SIZE = (10.0, 5.5)  # inches

SPLIT_SWEEP = (
    "The course's split experiment (`benchmarks/sequence_accuracy.py`, split sweep)"
)
SEQUENCE_2023 = "2023 format, 10% split (2,000 train, 18,000 held out), 300 epochs"
SEQUENCE_THREE_DIGIT = (
    "Three-digit format, 5% split (100,000 train, 1,900,000 held out), 30 epochs"
)
SEQUENCE_MULTIPLICATION = (
    "Multiplication (0..99 x 0..99): today's default, with digit pairs"
)
IMAGE2TEXT_MNIST = "Full MNIST, query images from the MNIST test digits: the goal"
IMAGE2TEXT_REFERENCE = "Full MNIST, with the reference reader (today's default)"
THROUGHPUT = "Training throughput per model factory (`benchmarks/throughput.py`)"

SPLIT_COLUMN = "Train split"
EXACT_SUFFIX = " exact"
SAMPLES_SUFFIX = " samples/s"
MODEL_NAMES = {"notebook": "the course's model (course_model=True)"}
BACKEND_NAMES = {"jax": "JAX", "tensorflow": "TensorFlow", "torch": "PyTorch"}

OURS_COLOR = "tab:blue"
COURSE_COLOR = "tab:orange"
BACKEND_COLORS = {"jax": "tab:blue", "tensorflow": "tab:orange", "torch": "tab:green"}

HEADING_PATTERN = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
SEPARATOR_PATTERN = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?$")
CELL_SEPARATOR_PATTERN = re.compile(r"(?<!\\)\|")
NUMBER_PATTERN = re.compile(r"[-+]?\d+(\.\d+)?")


class TableError(ValueError):
    """A section, table, row or number of BENCHMARKS.md is missing or unreadable."""


class TableCell(NamedTuple):
    """Where one number lies: the first row whose `row_column` contains `row_text`.

    The row is looked for in every table of the section `heading` that has
    the column `row_column`.
    """

    heading: str
    row_column: str
    row_text: str
    value_column: str


class Comparison(NamedTuple):
    """One task of the course-model chart; `course` is None when not measured."""

    task: str
    ours: TableCell
    course: TableCell | None


# The tasks of the course-model chart. Each row text repeats the model and the
# epochs of its label (the headings hold the splits), so a changed row stops
# the script instead of leaving a stale label.
COMPARISONS = (
    Comparison(
        "2023 format\n10% split, 300 epochs\ntext2text()",
        TableCell(SEQUENCE_2023, "Model", "`text2text()` (", "Exact match"),
        TableCell(SEQUENCE_2023, "Model", "course_model=True", "Exact match"),
    ),
    Comparison(
        "three-digit format\n5% split, 30 epochs\ntext2text(7, 4, 13)",
        TableCell(
            SEQUENCE_THREE_DIGIT,
            "Model",
            "`text2text(7, 4, 13)` (default)",
            "Exact match",
        ),
        None,
    ),
    Comparison(
        "multiplication\n50% split, 300 epochs\ntext2text(), digit pairs",
        TableCell(
            SEQUENCE_MULTIPLICATION,
            "Backend, split",
            "JAX, 50%",
            "Exact match",
        ),
        None,
    ),
    Comparison(
        "2023 format as images\n50% split, 30 epochs\nimage2text()",
        TableCell(
            IMAGE2TEXT_REFERENCE,
            "Held-out queries (10,000), MNIST test handwriting",
            "`image2text()` (reference reader), 30 epochs",
            "Exact match",
        ),
        TableCell(
            IMAGE2TEXT_MNIST,
            "Held-out queries (10,000), MNIST test handwriting",
            "`image2text(course_model=True)` (the course's model), 30 epochs",
            "Exact match",
        ),
    ),
)


class SplitSweep(NamedTuple):
    """Training splits (%) and, per model, the held-out exact match (%)."""

    splits: list[float]
    exact_match: dict[str, list[float]]


class CourseComparison(NamedTuple):
    """Per task, the held-out exact match (%) of both models."""

    tasks: list[str]
    ours: list[float]
    course: list[float | None]


class Throughput(NamedTuple):
    """Model factories and, per backend, their training samples/s."""

    models: list[str]
    samples_per_second: dict[str, list[float]]


# Reading the tables.


def read_table(
    markdown_text: str, heading: str, columns: Sequence[str] = ()
) -> list[dict[str, str]]:
    """The rows of the first table under `heading` that has every one of `columns`.

    Args:
        markdown_text: the Markdown document.
        heading: the section's heading text, with or without its `#` marks.
        columns: header texts the table must have.

    Returns:
        One dict per row, from header text to cell text (stripped). A header
        repeated in the same table is numbered from its second time on:
        `"vs notebook"`, `"vs notebook (2)"`.

    Raises:
        TableError: if the section or such a table is missing.
    """
    for table in read_tables(markdown_text, heading):
        if table and all(column in table[0] for column in columns):
            return table
    wanted = f" with the columns {list(columns)}" if columns else ""
    raise TableError(f"section {_bare(heading)!r} has no table{wanted}")


def read_tables(markdown_text: str, heading: str) -> list[list[dict[str, str]]]:
    """Every table under `heading` (its sub-sections included), in order."""
    lines = section_lines(markdown_text, heading)
    tables = []
    index = 0
    while index + 1 < len(lines):
        if _is_row(lines[index]) and SEPARATOR_PATTERN.match(lines[index + 1].strip()):
            header = _unique_names(_split_row(lines[index]))
            index += 2
            rows = []
            while index < len(lines) and _is_row(lines[index]):
                rows.append(_row_dict(header, _split_row(lines[index])))
                index += 1
            tables.append(rows)
        else:
            index += 1
    return tables


def section_lines(markdown_text: str, heading: str) -> list[str]:
    """The lines under `heading`, up to the next heading of its level or above.

    Fenced code blocks are blanked out, so a `#` comment in them is never
    taken for a heading, nor a `|` line for a table.

    Raises:
        TableError: if no heading has this text.
    """
    wanted = _bare(heading)
    lines = _lines_outside_code(markdown_text)
    for index, line in enumerate(lines):
        match = HEADING_PATTERN.match(line)
        if match and match.group(2) == wanted:
            return _lines_until_heading(lines[index + 1 :], len(match.group(1)))
    raise TableError(f"no section headed {wanted!r}")


def find_row(
    markdown_text: str, heading: str, column: str, text: str
) -> dict[str, str]:
    """The first row of a table under `heading` whose `column` contains `text`.

    Raises:
        TableError: if the section or such a row is missing.
    """
    for table in read_tables(markdown_text, heading):
        for row in table:
            if text in row.get(column, ""):
                return row
    raise TableError(
        f"section {_bare(heading)!r} has no row with {text!r} in the column {column!r}"
    )


def parse_number(cell: str) -> float:
    """Reads a table cell such as `**99.99%**`, `1,276` or `5%` as a float.

    Raises:
        ValueError: if the cell holds anything but one number.
    """
    text = cell.replace("**", "").replace(",", "").strip().removesuffix("%").strip()
    if not NUMBER_PATTERN.fullmatch(text):
        raise ValueError(f"expected a number, got {cell!r}")
    return float(text)


def read_number(row: dict[str, str], column: str, heading: str) -> float:
    """The number in `row[column]`, with an error that names the section."""
    try:
        return parse_number(row.get(column, ""))
    except ValueError as error:
        raise TableError(
            f"section {_bare(heading)!r}, column {column!r}: {error}"
        ) from None


def read_cell(markdown_text: str, cell: TableCell) -> float:
    """The number that `cell` points to."""
    row = find_row(markdown_text, cell.heading, cell.row_column, cell.row_text)
    return read_number(row, cell.value_column, cell.heading)


def _bare(heading):
    return heading.lstrip("#").strip()


def _lines_outside_code(markdown_text):
    lines = []
    in_code = False
    for line in markdown_text.splitlines():
        fence = line.lstrip().startswith(("```", "~~~"))
        lines.append("" if in_code or fence else line)
        if fence:
            in_code = not in_code
    return lines


def _lines_until_heading(lines, level):
    body = []
    for line in lines:
        match = HEADING_PATTERN.match(line)
        if match and len(match.group(1)) <= level:
            break
        body.append(line)
    return body


def _is_row(line):
    return line.lstrip().startswith("|")


def _split_row(line):
    text = line.strip().removeprefix("|").removesuffix("|")
    return [cell.strip() for cell in CELL_SEPARATOR_PATTERN.split(text)]


def _unique_names(names):
    unique = []
    for name in names:
        count = names[: len(unique)].count(name)
        unique.append(f"{name} ({count + 1})" if count else name)
    return unique


def _row_dict(header, cells):
    cells = (cells + [""] * len(header))[: len(header)]
    return dict(zip(header, cells, strict=True))


# The figures of each chart.


def read_split_sweep(markdown_text: str) -> SplitSweep:
    """The split sweep's exact-match columns (`"... exact"`), per model."""
    rows = read_table(markdown_text, SPLIT_SWEEP, (SPLIT_COLUMN,))
    columns = [column for column in rows[0] if column.endswith(EXACT_SUFFIX)]
    if not columns:
        raise TableError(f"section {SPLIT_SWEEP!r} has no '...{EXACT_SUFFIX}' column")
    splits = [read_number(row, SPLIT_COLUMN, SPLIT_SWEEP) for row in rows]
    exact_match = {
        _model_name(column.removesuffix(EXACT_SUFFIX)): [
            read_number(row, column, SPLIT_SWEEP) for row in rows
        ]
        for column in columns
    }
    return SplitSweep(splits, exact_match)


def read_course_comparison(markdown_text: str) -> CourseComparison:
    """The held-out exact match of both models for every task in `COMPARISONS`."""
    return CourseComparison(
        tasks=[comparison.task for comparison in COMPARISONS],
        ours=[read_cell(markdown_text, item.ours) for item in COMPARISONS],
        course=[
            None if item.course is None else read_cell(markdown_text, item.course)
            for item in COMPARISONS
        ],
    )


def read_throughput(markdown_text: str) -> Throughput:
    """The throughput table's `"<backend> samples/s"` columns, per model."""
    rows = read_table(markdown_text, THROUGHPUT, ("Model",))
    columns = [column for column in rows[0] if column.endswith(SAMPLES_SUFFIX)]
    if not columns:
        raise TableError(f"section {THROUGHPUT!r} has no '...{SAMPLES_SUFFIX}' column")
    return Throughput(
        models=[_strip_code(row["Model"]) for row in rows],
        samples_per_second={
            column.removesuffix(SAMPLES_SUFFIX): [
                read_number(row, column, THROUGHPUT) for row in rows
            ]
            for column in columns
        },
    )


def _strip_code(text):
    return text.replace("`", "")


def _model_name(column):
    name = _strip_code(column)
    return MODEL_NAMES.get(name, name)


# Drawing.


def draw_split_sweep(sweep: SplitSweep) -> Figure:
    """Held-out exact match against the training split, one line per model."""
    figure, axes = _new_figure()
    for index, (name, values) in enumerate(sweep.exact_match.items()):
        line = axes.plot(sweep.splits, values, marker="o", linewidth=2, label=name)
        _label_points(axes, sweep.splits, values, line[0].get_color(), index)
    axes.set_xticks(sweep.splits, [f"{split:g}%" for split in sweep.splits])
    axes.set_xlim(0, max(sweep.splits) * 1.12)
    axes.set_ylim(0, 110)
    axes.set_yticks(range(0, 101, 20))
    axes.set_xlabel("training split (% of the 2023 queries; the rest is held out)")
    axes.set_ylabel("held-out exact match (%)")
    axes.set_title("The course's split experiment: exact match on held-out queries")
    axes.legend(loc="lower right")
    axes.grid(True, alpha=0.3)
    return figure


LABEL_PLACES = (((-6, 8), "right"), ((6, -14), "left"), ((6, 8), "left"))
"""Where the labels of the first, second, third... line go (offset, alignment):
above left, below right, above right."""


def _label_points(axes, splits, values, color, index):
    offset, alignment = LABEL_PLACES[index % len(LABEL_PLACES)]
    for split, value in zip(splits, values, strict=True):
        axes.annotate(
            f"{value:.2f}%",
            (split, value),
            xytext=offset,
            textcoords="offset points",
            ha=alignment,
            fontsize=8,
            color=color,
        )


def draw_course_comparison(comparison: CourseComparison) -> Figure:
    """Grouped bars per task: this library's model and the course's model."""
    figure, axes = _new_figure()
    positions = np.arange(len(comparison.tasks))
    width = 0.36
    ours = axes.bar(
        positions - width / 2,
        comparison.ours,
        width,
        label="this library",
        color=OURS_COLOR,
    )
    axes.bar_label(ours, labels=_percent_labels(comparison.ours), fontsize=8)
    course_values = [np.nan if value is None else value for value in comparison.course]
    course = axes.bar(
        positions + width / 2,
        course_values,
        width,
        label="the course's model (course_model=True)",
        color=COURSE_COLOR,
    )
    axes.bar_label(course, labels=_percent_labels(comparison.course), fontsize=8)
    _mark_not_measured(axes, positions + width / 2, comparison.course)
    axes.set_xticks(positions, comparison.tasks, fontsize=9)
    axes.set_ylim(0, 122)
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("held-out exact match (%)")
    axes.set_title("This library's models and the course's model, per task")
    axes.legend(loc="upper center", ncols=2)
    axes.grid(True, axis="y", alpha=0.3)
    return figure


def _percent_labels(values):
    return ["" if value is None else f"{value:.2f}%" for value in values]


def _mark_not_measured(axes, positions, values):
    for position, value in zip(positions, values, strict=True):
        if value is None:
            axes.text(
                position,
                2,
                "not\nmeasured",
                ha="center",
                va="bottom",
                fontsize=8,
                color="0.4",
                style="italic",
            )


def draw_throughput(throughput: Throughput) -> Figure:
    """Grouped bars per model factory, one bar per backend."""
    figure, axes = _new_figure()
    positions = np.arange(len(throughput.models))
    backends = list(throughput.samples_per_second)
    width = 0.8 / len(backends)
    for index, backend in enumerate(backends):
        values = throughput.samples_per_second[backend]
        bars = axes.bar(
            positions + (index - (len(backends) - 1) / 2) * width,
            values,
            width,
            label=BACKEND_NAMES.get(backend, backend),
            color=BACKEND_COLORS.get(backend),
        )
        axes.bar_label(bars, labels=[f"{value:,.0f}" for value in values], fontsize=7)
    highest = max(max(values) for values in throughput.samples_per_second.values())
    axes.set_ylim(0, highest * 1.1)
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.set_xticks(positions, [_wrap_call(model) for model in throughput.models])
    axes.set_xlabel("model factory")
    axes.set_ylabel("training samples/s (higher is faster)")
    axes.set_title(
        "Training throughput per model factory and Keras backend (CPU, one core)"
    )
    axes.legend(loc="upper right", title="backend")
    axes.grid(True, axis="y", alpha=0.3)
    return figure


def _wrap_call(label):
    """Breaks `f(name=value) (note)` onto lines: `f(` / `name=value)` / `(note)`."""
    label = re.sub(r"\((?=\w+=)", "(\n", label)
    return label.replace(" (", "\n(")


def _new_figure():
    figure = Figure(figsize=FIGURE_SIZE, dpi=DOTS_PER_INCH, layout="constrained")
    return figure, figure.add_subplot()


# Writing.

CHARTS = {
    "benchmark-split-sweep.png": (read_split_sweep, draw_split_sweep),
    "benchmark-course-model.png": (read_course_comparison, draw_course_comparison),
    "benchmark-backends.png": (read_throughput, draw_throughput),
}


def write_charts(
    markdown_text: str, output_folder: str | pathlib.Path
) -> list[pathlib.Path]:
    """Reads every chart's figures, then draws and writes the three PNG files.

    Nothing is written unless all the tables read.

    Returns:
        The paths written.

    Raises:
        TableError: if a table cannot be found or read.
    """
    chart_data = {name: read(markdown_text) for name, (read, _) in CHARTS.items()}
    folder = pathlib.Path(output_folder)
    paths = []
    for name, (_, draw) in CHARTS.items():
        figure = draw(chart_data[name])
        paths.append(save_figure(figure, folder / name, dpi=DOTS_PER_INCH))
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--benchmarks",
        type=pathlib.Path,
        default=ROOT / "BENCHMARKS.md",
        help="the Markdown file to read (default: BENCHMARKS.md)",
    )
    parser.add_argument(
        "--output-folder",
        type=pathlib.Path,
        default=ROOT / "docs" / "images",
        help="the folder to write the PNG files to (default: docs/images)",
    )
    arguments = parser.parse_args(argv)
    try:
        markdown_text = arguments.benchmarks.read_text(encoding="utf-8")
        paths = write_charts(markdown_text, arguments.output_folder)
    except (OSError, ValueError) as error:
        sys.exit(f"error: {arguments.benchmarks.name}: {error}")
    for path in paths:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
