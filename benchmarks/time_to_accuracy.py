"""Wall time from the start of training to a target held-out exact match.

Two tasks:

- `three-digit` (default): `text2text(7, 4)` on the 2021/22 three-digit
  queries (`make_queries("2021-three-digit")`, 2,000,000), trained on a seeded
  5% split (100,000 queries), target 99% exact match on the other 95%.
- `2023-images`: `image2text(5, 3)` on the 2023 queries given as images,
  trained on a seeded 50% split through `QueryDataset(inputs="image")` (new
  handwriting from the training digit pool every epoch), target 97% exact
  match on the held-out queries rendered once from the test pool's digits.

After every epoch the model answers a fixed, seeded subsample of the held-out
queries (`--eval-size`); training stops at the first epoch whose subsample
exact match reaches the target, or after `--max-epochs`. The model then
answers every held-out query, which confirms (or not) the subsample's figure.
"Train s" sums the time spent in `fit` only (compilation included, as a user
waits for it); "wall s" also counts the per-epoch evaluations. With
`--models ours,notebook` the course's reference model
(`course_model=True`) is measured the same way in the same run.

This is a GPU benchmark: on a CPU the three-digit task takes hours.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py --models ours,notebook
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py --task 2023-images

`--quick` trains a couple of epochs on a small sample (a smoke run, not a
result).
"""

import argparse
import time

import keras
import numpy as np
from machine import print_run_header

import mnist_arith

TASKS = {
    "three-digit": {
        "preset": "2021-three-digit",
        "target": 0.99,
        "train_fraction": 0.05,
        "batch_size": 256,
        "max_epochs": 100,
    },
    "2023-images": {
        "preset": "2023",
        "target": 0.97,
        "train_fraction": 0.5,
        "batch_size": 64,
        "max_epochs": 100,
    },
}
MODELS = {"ours": {}, "notebook": {"course_model": True}}
PREDICT_CHUNK = 65_536

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--task", choices=sorted(TASKS), default="three-digit")
parser.add_argument("--target", type=float, help="exact match to reach (0..1)")
parser.add_argument("--train-fraction", type=float)
parser.add_argument("--batch-size", type=int)
parser.add_argument("--max-epochs", type=int)
parser.add_argument("--eval-size", type=int, default=20_000)
parser.add_argument("--models", default="ours", help=f"from {sorted(MODELS)}")
parser.add_argument(
    "--digits",
    default="auto",
    help="'auto', 'mnist', 'embedded', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()
task = TASKS[args.task]
for name in ("target", "train_fraction", "batch_size", "max_epochs"):
    if getattr(args, name) is None:
        setattr(args, name, task[name])
images = args.task == "2023-images"

queries = mnist_arith.make_queries(task["preset"])
if args.quick:
    queries = queries[np.random.default_rng(args.seed).permutation(len(queries))]
    queries = queries[: 1000 if images else 4000]
    args.max_epochs, args.eval_size = 2, 500
train, test = mnist_arith.split_queries(queries, args.train_fraction, seed=args.seed)
table = queries.character_table
subsample = np.sort(
    np.random.default_rng(args.seed).permutation(len(test))[: args.eval_size]
)
if images:
    digits = mnist_arith.load_digits(args.digits)
    test_inputs = mnist_arith.render_query_images(
        test.queries, digits, pool="test", seed=args.seed + 1, channel_axis=True
    )
    training_data = mnist_arith.QueryDataset(
        train, inputs="image", batch_size=args.batch_size, digits=digits, seed=0
    )
else:
    x_train, y_train = table.encode(train.queries), table.encode(train.answers)


def exact_match(model, rows):
    """Exact match of the model's answers to the held-out queries `rows`."""
    right = 0
    for start in range(0, len(rows), PREDICT_CHUNK):
        chunk = rows[start : start + PREDICT_CHUNK]
        inputs = test_inputs[chunk] if images else table.encode(test.queries[chunk])
        predicted = model.predict(inputs, batch_size=4096, verbose=0).argmax(-1)
        expected = table.encode(test.answers[chunk]).argmax(-1)
        right += int(np.all(predicted == expected, axis=-1).sum())
    return right / len(rows)


def train_to_target(name):
    keras.utils.set_random_seed(args.seed)
    factory = mnist_arith.image2text if images else mnist_arith.text2text
    model = factory(
        queries.query_width,
        queries.answer_width,
        table.characters,
        **{"padding": queries.padding, **MODELS[name]},
    )
    train_seconds = 0.0
    wall_start = time.perf_counter()
    reached = None
    for epoch in range(1, args.max_epochs + 1):
        start = time.perf_counter()
        if images:
            model.fit(training_data, initial_epoch=epoch - 1, epochs=epoch, verbose=0)
        else:
            model.fit(
                x_train,
                y_train,
                batch_size=args.batch_size,
                initial_epoch=epoch - 1,
                epochs=epoch,
                verbose=0,
            )
        train_seconds += time.perf_counter() - start
        sampled = exact_match(model, subsample)
        wall = time.perf_counter() - wall_start
        print(
            f"  {name} epoch {epoch:>3}: train {train_seconds:8.1f} s, "
            f"wall {wall:8.1f} s, subsample exact match {sampled:.2%}",
            flush=True,
        )
        if sampled >= args.target:
            reached = epoch
            break
    full = exact_match(model, np.arange(len(test)))
    return {
        "reached": reached,
        "epochs": epoch,
        "train_seconds": train_seconds,
        "wall_seconds": wall,
        "subsample": sampled,
        "full": full,
    }


print_run_header()
model_name = "image2text" if images else "text2text"
print(
    f"task:     {args.task}: {model_name} on {len(queries):,} queries, train "
    f"{len(train):,} ({args.train_fraction:.0%}, seed {args.seed}), held-out "
    f"{len(test):,} (subsample {len(subsample):,} per epoch), target "
    f"{args.target:.1%} exact match, batch {args.batch_size}, at most "
    f"{args.max_epochs} epochs"
)
if images:
    print(
        f"digits:   {digits.source}: training images from the train pool "
        "(new every epoch), held-out images from the test pool"
    )
results = {}
for name in args.models.split(","):
    results[name] = train_to_target(name)
print()
print(
    f"{'model':<10}{'target':>8}{'epochs':>8}{'train s':>10}{'wall s':>10}"
    f"{'subsample':>11}{'full held-out':>15}"
)
for name, result in results.items():
    status = "reached" if result["reached"] else "missed"
    print(
        f"{name:<10}{status:>8}{result['epochs']:>8}{result['train_seconds']:>10.1f}"
        f"{result['wall_seconds']:>10.1f}{result['subsample']:>11.2%}"
        f"{result['full']:>15.2%}"
    )
