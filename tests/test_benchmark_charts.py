"""tools/make_benchmark_charts.py: the tables it reads and the charts it draws."""

import math

import pytest
from PIL import Image
from tool_scripts import ROOT
from tool_scripts import load_tool

BENCHMARKS = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
charts = load_tool("make_benchmark_charts")

SAMPLE = """\
# Title

## Results

Some text.

```bash
# a comment, not a heading
| not | a table |
```

| Model | Exact match | vs notebook | vs notebook |
|---|---:|---:|---:|
| `ours` | **99.99%** | 1,276 | 1.49x |
| course | 33.23% | 886 |

### Details

| Split | Exact |
|---:|---:|
| 5% | 48.63% |

## Other

| Model | Exact match |
|---|---:|
| elsewhere | 1% |
"""


def test_the_parser_reads_rows_by_header_text():
    rows = charts.read_table(SAMPLE, "Results")
    assert rows == [
        {
            "Model": "`ours`",
            "Exact match": "**99.99%**",
            "vs notebook": "1,276",
            "vs notebook (2)": "1.49x",
        },
        {
            "Model": "course",
            "Exact match": "33.23%",
            "vs notebook": "886",
            "vs notebook (2)": "",
        },
    ]
    assert [charts.parse_number(row["Exact match"]) for row in rows] == [99.99, 33.23]
    assert charts.parse_number(rows[0]["vs notebook"]) == 1276.0


def test_a_section_holds_its_subsections_and_stops_at_the_next_heading():
    assert len(charts.read_tables(SAMPLE, "## Results")) == 2
    assert charts.read_table(SAMPLE, "Results", ("Split",)) == [
        {"Split": "5%", "Exact": "48.63%"}
    ]
    assert charts.read_tables(SAMPLE, "Details") == [
        [{"Split": "5%", "Exact": "48.63%"}]
    ]
    row = charts.find_row(SAMPLE, "Other", "Model", "elsewhere")
    assert row["Exact match"] == "1%"


def test_code_blocks_hold_no_headings():
    with pytest.raises(charts.TableError, match="a comment, not a heading"):
        charts.section_lines(SAMPLE, "a comment, not a heading")


@pytest.mark.parametrize("cell", ["", "n/a", "1.49x", "12 s", "nan"])
def test_a_cell_that_is_not_one_number_is_an_error(cell):
    with pytest.raises(ValueError, match="expected a number"):
        charts.parse_number(cell)


def test_a_missing_section_table_or_row_names_the_section():
    with pytest.raises(charts.TableError, match="no section headed 'Missing'"):
        charts.read_table(SAMPLE, "## Missing")
    with pytest.raises(charts.TableError, match="'Results' has no table with"):
        charts.read_table(SAMPLE, "Results", ("Samples/s",))
    with pytest.raises(charts.TableError, match="'Results' has no row"):
        charts.find_row(SAMPLE, "Results", "Model", "absent")


def test_the_split_sweep_table_reads_to_numbers():
    sweep = charts.read_split_sweep(BENCHMARKS)
    assert len(sweep.splits) >= 2
    assert all(0 < split < 100 for split in sweep.splits)
    assert len(sweep.exact_match) >= 2
    for values in sweep.exact_match.values():
        assert len(values) == len(sweep.splits)
        assert all(0 <= value <= 100 for value in values)


def test_the_course_model_tables_read_to_numbers():
    comparison = charts.read_course_comparison(BENCHMARKS)
    assert len(comparison.ours) == len(comparison.tasks) == len(charts.COMPARISONS)
    measured = [value for value in comparison.course if value is not None]
    assert measured
    assert all(0 <= value <= 100 for value in comparison.ours + measured)


def test_the_throughput_table_reads_to_numbers():
    throughput = charts.read_throughput(BENCHMARKS)
    assert set(throughput.samples_per_second) == {"jax", "tensorflow", "torch"}
    for values in throughput.samples_per_second.values():
        assert len(values) == len(throughput.models)
        assert all(value > 0 and math.isfinite(value) for value in values)


def test_the_charts_are_written_as_images_of_the_set_width(tmp_path):
    paths = charts.write_charts(BENCHMARKS, tmp_path)
    assert sorted(path.name for path in paths) == sorted(charts.CHARTS)
    width = round(charts.FIGURE_SIZE[0] * charts.DOTS_PER_INCH)
    for path in paths:
        assert path.parent == tmp_path
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.width == width
            image.verify()


def test_a_missing_section_ends_the_script_with_one_line(tmp_path):
    benchmarks = tmp_path / "BENCHMARKS.md"
    benchmarks.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(SystemExit) as raised:
        charts.main(["--benchmarks", str(benchmarks), "--output-folder", str(tmp_path)])
    message = str(raised.value.code)
    assert "\n" not in message
    assert charts.SPLIT_SWEEP in message
    assert not list(tmp_path.glob("*.png"))
