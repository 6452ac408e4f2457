"""How fast `render_query_images` turns query strings into handwritten images.

Renders `n` 7-character 2021-format queries (`'123+ 45'`, 100,000 by default)
to `[n, 7, 28, 28]` images with

    mnist_arith.render_query_images(strings, load_digits("embedded"), seed=...,
                                    dtype=dtype, glyph_style="2021")

for `dtype` uint8 and float32, and compares it, in the same process, with:

- the course notebook's way: per query and per character, `np.random.randint`
  picks an image from that character's label group (a dict of per-label arrays
  prepared up front, operator glyphs for `+`/`-`, a blank image for the space),
  then `np.stack`. It is timed on fewer queries (10,000 by default) and
  compared as a rate.
- the physical limit: `source.copy()` of an array of the output's shape and
  dtype, i.e. a plain memory copy writing the same number of bytes. The
  allocation is included, as the library's call allocates its output too.

Fresh allocations of gigabytes are noisy on a small machine (page faults,
allocator reuse), so the library call and the copy are interleaved over several
rounds, every output is deleted before the next run (at most two outputs are
alive at once: the copy's source and one result), and medians are reported.
The target is uint8 rendering at 50% or more of the copy's rate.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/render_speed.py

`--quick` runs tiny sizes in a few seconds (for CI smoke runs).
"""

import argparse
import statistics
import time

import numpy as np
from machine import print_run_header

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "--quick", action="store_true", help="tiny sizes, a few seconds (CI smoke run)"
)
parser.add_argument(
    "-n", type=int, default=None, help="queries rendered (default 100,000)"
)
parser.add_argument(
    "--notebook-n",
    type=int,
    default=None,
    help="queries rendered the notebook's way (default 10,000)",
)
parser.add_argument("--rounds", type=int, default=None, help="rounds (default 7)")
args = parser.parse_args()

quick = args.quick
n = args.n or (2_000 if quick else 100_000)
notebook_n = args.notebook_n or (500 if quick else 10_000)
rounds = args.rounds or (3 if quick else 7)
dtypes = ("uint8", "float32")

digits = mnist_arith.load_digits("embedded")
strings = mnist_arith.make_queries("2021-three-digit", num_samples=n, seed=0).queries
notebook_strings = strings[:notebook_n].tolist()


def notebook_groups(dtype):
    """The notebook's lookup: character -> array of the images it may be drawn as."""
    images, labels = digits.pool("train")
    groups = {str(label): images[labels == label] for label in range(10)}
    for operator in "+-":
        groups[operator] = mnist_arith.draw_operator_glyphs(operator, 50, style="2021")
    groups[" "] = np.zeros((1, 28, 28), dtype=np.uint8)
    if dtype == "uint8":
        return groups
    return {key: (group / 255).astype(dtype) for key, group in groups.items()}


def notebook_render(strings, groups):
    """The notebook's loop: one `np.random.randint` per character."""
    return np.stack(
        [
            np.stack([groups[c][np.random.randint(len(groups[c]))] for c in query])
            for query in strings
        ]
    )


def seconds(function):
    """Times one call of `function`, then drops its result."""
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


results = {}
for dtype in dtypes:
    shape = (n, 7, 28, 28)
    # Warm-up: builds the library's cached image bank and checks the output.
    images = mnist_arith.render_query_images(
        strings[:100], digits, seed=0, dtype=dtype, glyph_style="2021"
    )
    assert images.shape == (100, 7, 28, 28) and images.dtype == dtype
    del images
    source = np.ones(shape, dtype=dtype)  # touched, so its pages are resident

    ours, copy = [], []
    for round_ in range(rounds):
        ours.append(
            seconds(
                lambda round_=round_, dtype=dtype: mnist_arith.render_query_images(
                    strings, digits, seed=round_, dtype=dtype, glyph_style="2021"
                )
            )
        )
        copy.append(seconds(source.copy))
    nbytes = source.nbytes
    del source

    groups = notebook_groups(dtype)
    np.random.seed(0)
    notebook = [
        seconds(lambda groups=groups: notebook_render(notebook_strings, groups))
        for _ in range(max(1, rounds // 2))
    ]
    results[dtype] = {
        "bytes": nbytes,
        "ours": statistics.median(ours),
        "copy": statistics.median(copy),
        "notebook": statistics.median(notebook),
    }

print_run_header()
print(
    f"sizes:    {n:,} queries -> [{n}, 7, 28, 28], notebook way on {notebook_n:,}; "
    f"medians of {rounds} interleaved rounds"
)
print()
print(
    f"{'dtype':<9}{'way':<22}{'seconds':>9}{'queries/s':>13}{'GB/s':>8}"
    f"{'ours/copy':>11}{'ours/notebook':>15}"
)
for dtype, figures in results.items():
    per_query = figures["bytes"] / n
    ours_rate = n / figures["ours"]
    copy_rate = n / figures["copy"]
    notebook_rate = notebook_n / figures["notebook"]
    rows = [
        ("render_query_images", figures["ours"], ours_rate),
        ("memory copy", figures["copy"], copy_rate),
        (f"notebook loop ({notebook_n:,})", figures["notebook"], notebook_rate),
    ]
    for name, elapsed, rate in rows:
        print(
            f"{dtype:<9}{name:<22}{elapsed:>9.3f}{rate:>13,.0f}"
            f"{rate * per_query / 1e9:>8.2f}",
            end="",
        )
        if name == "render_query_images":
            print(f"{ours_rate / copy_rate:>10.0%} {ours_rate / notebook_rate:>14.0f}x")
        else:
            print()
print()
uint8_share = n / results["uint8"]["ours"] / (n / results["uint8"]["copy"])
verdict = "met" if uint8_share >= 0.5 else "NOT met"
print(f"goal (uint8 at >= 50% of the copy's rate): {verdict} ({uint8_share:.0%})")
