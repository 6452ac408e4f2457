"""How fast `make_queries` builds the 2,000,000 three-digit queries of 2021/22.

Measures `mnist_arith.make_queries("2021-three-digit")` (every query of operands
0..999 with `'-'` and `'+'`, with its answer) against the course notebook's
per-query Python loop, both in the same process:

    for i in range(1000):
        for j in range(1000):
            for sign in ["-", "+"]:
                query = str(i).rjust(3) + sign + str(j).rjust(3)
                answer = str(eval(query)).rjust(4)

The loop is timed over a prefix of the enumeration (the first 100,000 queries
by default) and the two are compared as rates, in queries per second. The
script asserts that both give identical query and answer strings on that
prefix, so they are compared on the same work. Each figure is the median of
several repeats.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/make_queries_speed.py

`--quick` runs tiny sizes in a few seconds (for CI smoke runs).
"""

import argparse
import statistics
import time

from machine import print_run_header

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "--quick", action="store_true", help="tiny sizes, a few seconds (CI smoke run)"
)
parser.add_argument(
    "--repeats", type=int, default=None, help="repeats per measurement (default 5)"
)
parser.add_argument(
    "--loop-prefix",
    type=int,
    default=None,
    help="how many queries the notebook loop builds (default 100,000)",
)
args = parser.parse_args()

quick = args.quick
repeats = args.repeats or (2 if quick else 5)
prefix = args.loop_prefix or (2_000 if quick else 100_000)
# --quick builds the 2021 preset (80,000 queries) instead of the 2,000,000.
preset = "2021" if quick else "2021-three-digit"
max_value = mnist_arith.PRESETS[preset]["max_value"]


def notebook_queries(max_value, limit):
    """The notebook's loop, stopped after `limit` queries."""
    queries, answers = [], []
    for i in range(max_value + 1):
        for j in range(max_value + 1):
            for sign in ["-", "+"]:
                query = str(i).rjust(3) + sign + str(j).rjust(3)
                answer = str(eval(query)).rjust(4)
                queries.append(query)
                answers.append(answer)
                if len(queries) == limit:
                    return queries, answers
    return queries, answers


def median_seconds(function, repeats):
    """Runs `function` `repeats` times; returns the median time and last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# Honesty check first: both ways must produce the same strings on the prefix.
data = mnist_arith.make_queries(preset)
prefix = min(prefix, len(data))
loop_queries, loop_answers = notebook_queries(max_value, prefix)
assert data.queries[:prefix].tolist() == loop_queries, "queries differ"
assert data.answers[:prefix].tolist() == loop_answers, "answers differ"
total = len(data)
del data, loop_queries, loop_answers

ours_seconds, _ = median_seconds(lambda: mnist_arith.make_queries(preset), repeats)
loop_seconds, _ = median_seconds(lambda: notebook_queries(max_value, prefix), repeats)

ours_rate = total / ours_seconds
loop_rate = prefix / loop_seconds

print_run_header()
print(f"checked:  identical queries and answers on the first {prefix:,} queries")
print()
print(f"{'':<36}{'queries':>12}{'seconds':>10}{'queries/s':>14}")
print(
    f"{'make_queries(' + repr(preset) + ')':<36}{total:>12,}{ours_seconds:>10.3f}"
    f"{ours_rate:>14,.0f}"
)
print(
    f"{'notebook loop (prefix)':<36}{prefix:>12,}{loop_seconds:>10.3f}"
    f"{loop_rate:>14,.0f}"
)
print(f"notebook loop, all {total:,} (extrapolated): {total / loop_rate:.1f} s")
print(f"ratio ours/loop: {ours_rate / loop_rate:.1f}x")
