"""Peak host memory of the three-digit image dataset: streamed vs materialised.

Builds `n` queries of the 2021/22 three-digit format
(`make_queries("2021-three-digit", num_samples=n, seed=0)`, 2,000,000 is all of
them) and gives them images in one of three ways, each in a fresh Python
process whose peak resident memory (max RSS, from `getrusage`) is reported:

- `queries`: the queries only, no images (the floor both others build on).
- `streamed`: `QueryDataset(queries, inputs="image")`, reading every batch of
  one epoch (`dataset[index]` for every index, as `fit` does): images are
  rendered per batch (float32) and dropped after use.
- `materialised`: all images at once with
  `render_query_images(queries.queries, ..., dtype="uint8")`, the smallest
  in-memory form (`n * 7 * 28 * 28` bytes, about 11 GB at 2,000,000).

Every process first imports `mnist_arith` (and so Keras and its backend); that
baseline is reported next to the peak. "Images held" is the largest image array
alive at once: one float32 batch when streamed, all of them when materialised.
Digits come from `load_digits("embedded")` (full MNIST adds the same ~50 MB to
every way).

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/memory.py

`--quick` runs 10,000 and 20,000 queries in a few seconds (a smoke run). Needs
about 12 GB of free memory for the materialised 2,000,000.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

from machine import print_run_header

WAYS = ("queries", "streamed", "materialised")


def max_rss_bytes():
    """The peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(way, num_queries, batch_size):
    """Runs one way in this process; returns its figures."""
    import mnist_arith

    digits = mnist_arith.load_digits("embedded")
    baseline = max_rss_bytes()
    start = time.perf_counter()
    queries = mnist_arith.make_queries(
        "2021-three-digit", num_samples=num_queries, seed=0
    )
    checksum = 0
    if way == "streamed":
        dataset = mnist_arith.QueryDataset(
            queries, inputs="image", batch_size=batch_size, digits=digits
        )
        for index in range(len(dataset)):
            images, answers = dataset[index]
            checksum += int(images[:, :, 14, 14].sum() > 0) + answers.shape[0]
    elif way == "materialised":
        images = mnist_arith.render_query_images(
            queries.queries, digits, seed=0, dtype="uint8", glyph_style="2021"
        )
        checksum = images.shape[0] + int(images[:, :, 14, 14].sum() > 0)
    return {
        "baseline": baseline,
        "peak": max_rss_bytes(),
        "seconds": time.perf_counter() - start,
        "checksum": checksum,
    }


def run_child(way, num_queries, batch_size):
    """Measures one way in a fresh process, so peaks do not carry over."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        way,
        "-n",
        str(num_queries),
        "--batch-size",
        str(batch_size),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{way} at {num_queries:,} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "--sizes",
    default="100000,1000000,2000000",
    help="query counts separated by commas (at most 2,000,000)",
)
parser.add_argument("--batch-size", type=int, default=256)
parser.add_argument("--ways", default=",".join(WAYS), help=f"from {WAYS}")
parser.add_argument("--quick", action="store_true", help="smoke run: tiny sizes")
parser.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
parser.add_argument("-n", type=int, help=argparse.SUPPRESS)
args = parser.parse_args()

if args.child:
    print(json.dumps(measure(args.child, args.n, args.batch_size)))
    sys.exit()

sizes = [10_000, 20_000] if args.quick else [int(s) for s in args.sizes.split(",")]
ways = args.ways.split(",")
print_run_header()
print(
    f"data:     make_queries('2021-three-digit', num_samples=n), 7 images of "
    f"28x28 per query; streamed batches of {args.batch_size} (float32); "
    "embedded digits; one fresh process per row"
)
print()
print(
    f"{'queries':>10}  {'way':<13}{'after import':>13}{'peak':>10}"
    f"{'peak - import':>15}{'images held':>13}{'seconds':>9}"
)
gigabyte = 1e9
for num_queries in sizes:
    for way in ways:
        figures = run_child(way, num_queries, args.batch_size)
        image_bytes = {
            "queries": 0,
            "streamed": min(num_queries, args.batch_size) * 7 * 28 * 28 * 4,
            "materialised": num_queries * 7 * 28 * 28,
        }[way]
        print(
            f"{num_queries:>10,}  {way:<13}{figures['baseline'] / gigabyte:>10.2f} GB"
            f"{figures['peak'] / gigabyte:>7.2f} GB"
            f"{(figures['peak'] - figures['baseline']) / gigabyte:>12.2f} GB"
            f"{image_bytes / gigabyte:>10.2f} GB{figures['seconds']:>9.1f}",
            flush=True,
        )
