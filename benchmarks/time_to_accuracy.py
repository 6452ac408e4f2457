"""Wall time from the start of training to a target held-out exact match.

Three tasks:

- `three-digit` (default): `text2text(7, 4)` on the 2021/22 three-digit
  queries (`make_queries("2021-three-digit")`, 2,000,000), trained on a seeded
  5% split (100,000 queries), target 99% exact match on the other 95%.
- `2023-images`: `image2text(5, 3)` on the 2023 queries given as images,
  trained on a seeded 50% split through `QueryDataset(inputs="image")` (new
  handwriting from the training digit pool every epoch), target 97% exact
  match on the held-out queries rendered once from the test pool's digits.
- `2023`: the README's main job, `text2text()` on the 2023 queries
  (`make_queries("2023")`, 20,000), trained on a seeded 10% split (2,000
  queries) at batch 32, target 99% exact match on all 18,000 held-out
  queries. It trains every epoch of its budget (`--until end`), so the table
  gives the first epoch at the target and the final figure too.

After every epoch the model answers a fixed, seeded subsample of the held-out
queries (`--eval-size`); training stops at the first epoch whose subsample
exact match reaches the target (`--until target`), or after `--max-epochs`.
The model then answers every held-out query, which confirms (or not) the
subsample's figure. "Train s" sums the time spent in `fit` only (compilation
included, as a user waits for it) up to the first epoch at the target; "wall
s" also counts the per-epoch evaluations. With `--models ours,notebook` the
course's reference model (`course_model=True`) is measured the same way in
the same run; `units-first` is the default with `decoder="autoregressive"`.

Training recipes can be compared in one run: every `--models` entry may add
`:key=value` settings to a model name, e.g.
`--models ours,ours:batch=100:lr=0.003:schedule=onecycle:epochs=60`. Keys:
`batch`, `lr` (the peak learning rate), `schedule` (`constant`, `cosine`:
cosine decay to 0 over the run, after `warmup` epochs of linear warmup from 0;
`onecycle`: the same with a warmup of a tenth of the run from lr/25),
`warmup` (epochs), `epochs` (the run's length, which the schedules decay
over), `dropout`, `wd` (AdamW's weight decay, 0.01 in the factories), `seed`
(the model's seed: initialisation, dropout and shuffling; the split keeps
`--seed`), `val` (hold out this fraction of the training split as a
validation slice, which the model does not train on) and `stop` (with `val`:
stop at the first epoch whose validation exact match reaches this, a stopping
rule that never looks at held-out queries). The options of the same names
(`--batch-size`, `--learning-rate`, ...) set them for every entry. The
held-out figures are measurements only: nothing in a run but `--until target`
looks at them.

The first two tasks are GPU benchmarks: on a CPU the three-digit task takes
hours. The `2023` task takes a few minutes on one CPU core.

Run from the repository root:

    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py --models ours,notebook
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py --task 2023-images
    KERAS_BACKEND=jax python benchmarks/time_to_accuracy.py --task 2023 --max-epochs 150

`--quick` trains a couple of epochs on a small sample (a smoke run, not a
result).
"""

import argparse
import math
import time

import keras
import numpy as np
from machine import print_run_header

import mnist_arith
from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch

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
    "2023": {
        "preset": "2023",
        "target": 0.99,
        "train_fraction": 0.1,
        "batch_size": 32,
        "max_epochs": 300,
        "until": "end",
    },
}
SCHEDULES = ("constant", "cosine", "onecycle")
SETTINGS = {
    "batch": int,
    "lr": float,
    "schedule": str,
    "warmup": float,
    "epochs": int,
    "dropout": float,
    "wd": float,
    "seed": int,
    "val": float,
    "stop": float,
}
MODELS = {
    "ours": {},
    "notebook": {"course_model": True},
    "units-first": {"decoder": "autoregressive"},
}
PREDICT_CHUNK = 65_536

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--task", choices=sorted(TASKS), default="three-digit")
parser.add_argument("--target", type=float, help="exact match to reach (0..1)")
parser.add_argument("--train-fraction", type=float)
parser.add_argument("--batch-size", type=int)
parser.add_argument("--max-epochs", type=int)
parser.add_argument("--eval-size", type=int, default=20_000)
parser.add_argument(
    "--models",
    default="ours",
    help=f"from {sorted(MODELS)}, each with optional :key=value settings "
    f"({', '.join(SETTINGS)})",
)
parser.add_argument(
    "--until",
    choices=("target", "end"),
    help="stop at the target (default), or train every epoch (default for 2023)",
)
parser.add_argument("--learning-rate", type=float, help="the peak learning rate")
parser.add_argument("--schedule", choices=SCHEDULES, default="constant")
parser.add_argument("--warmup-epochs", type=float, help="linear warmup epochs")
parser.add_argument("--dropout", type=float, help="the model's dropout rate")
parser.add_argument("--weight-decay", type=float, help="AdamW's (default 0.01)")
parser.add_argument("--model-seed", type=int, help="the model's seed (default --seed)")
parser.add_argument(
    "--validation-fraction",
    type=float,
    help="train on the rest of the training split, validate on this share of it",
)
parser.add_argument(
    "--stop-at-validation",
    type=float,
    help="stop when the validation slice's exact match reaches this",
)
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
if args.until is None:
    args.until = task.get("until", "target")
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


def exact_match(model, rows, held_out=None):
    """Exact match of the model's answers to the queries `rows` of `held_out`."""
    held_out = test if held_out is None else held_out
    right = 0
    for start in range(0, len(rows), PREDICT_CHUNK):
        chunk = rows[start : start + PREDICT_CHUNK]
        text = held_out.queries[chunk]
        inputs = test_inputs[chunk] if images else table.encode(text)
        predicted = model.predict(inputs, batch_size=4096, verbose=0).argmax(-1)
        expected = table.encode(held_out.answers[chunk]).argmax(-1)
        right += int(np.all(predicted == expected, axis=-1).sum())
    return right / len(rows)


def parse_entry(entry):
    """`NAME[:key=value...]`: the model and its training settings."""
    name, *pairs = entry.split(":")
    if name not in MODELS:
        parser.error(
            f"--models: unknown model {name!r}, expected one of {sorted(MODELS)}"
        )
    settings = {
        "batch": args.batch_size,
        "lr": args.learning_rate,
        "schedule": args.schedule,
        "warmup": args.warmup_epochs,
        "epochs": args.max_epochs,
        "dropout": args.dropout,
        "wd": args.weight_decay,
        "seed": args.seed if args.model_seed is None else args.model_seed,
        "val": args.validation_fraction,
        "stop": args.stop_at_validation,
    }
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in SETTINGS:
            parser.error(f"--models {entry!r}: unknown setting {key!r}")
        settings[key] = SETTINGS[key](value)
    if args.quick:
        settings["epochs"] = args.max_epochs
    if settings["schedule"] not in SCHEDULES:
        parser.error(f"--models {entry!r}: schedule must be one of {SCHEDULES}")
    if settings["stop"] is not None and not settings["val"]:
        parser.error(f"--models {entry!r}: a validation stop needs a `val` slice")
    if images and (settings["val"] or settings["batch"] != args.batch_size):
        parser.error("--models: 2023-images takes no `val` or `batch` setting")
    return name, settings


def learning_rate(settings, steps_per_epoch):
    """The optimizer's learning rate: a float, or a warmup and cosine schedule."""
    peak = 1e-3 if settings["lr"] is None else settings["lr"]
    if settings["schedule"] == "constant":
        return peak
    total = settings["epochs"] * steps_per_epoch
    if settings["schedule"] == "onecycle":
        warmup, start = settings["epochs"] / 10, peak / 25
    else:
        warmup, start = 0.0, 0.0
    if settings["warmup"] is not None:
        warmup = settings["warmup"]
    warmup_steps = min(round(warmup * steps_per_epoch), total - 1)
    if warmup_steps == 0:
        return keras.optimizers.schedules.CosineDecay(peak, total)
    return keras.optimizers.schedules.CosineDecay(
        start, total - warmup_steps, warmup_target=peak, warmup_steps=warmup_steps
    )


def train_to_target(entry):
    name, settings = parse_entry(entry)
    fitted, validation = train, None
    if settings["val"]:
        fitted, validation = mnist_arith.split_queries(
            train, 1 - settings["val"], seed=args.seed
        )
    keras.utils.set_random_seed(settings["seed"])
    build_start = time.perf_counter()
    factory = mnist_arith.image2text if images else mnist_arith.text2text
    options = {"padding": queries.padding, **MODELS[name]}
    if settings["dropout"] is not None:
        options["dropout"] = settings["dropout"]
    model = factory(
        queries.query_width, queries.answer_width, table.characters, **options
    )
    steps_per_epoch = (
        len(training_data) if images else math.ceil(len(fitted) / settings["batch"])
    )
    rate = learning_rate(settings, steps_per_epoch)
    if settings["wd"] is not None:
        # As `compile_sequence_model` does, with another weight decay.
        model.compile(
            optimizer=keras.optimizers.AdamW(rate, weight_decay=settings["wd"]),
            loss="categorical_crossentropy",
            metrics=[ExactMatch(), CharacterAccuracy()],
        )
    elif not isinstance(rate, float) or settings["lr"] is not None:
        # The factories take a float only; compile as they do, with `rate`.
        mnist_arith.models.seq2seq.compile_sequence_model(model, rate)
    build_seconds = time.perf_counter() - build_start
    if not images:
        x_train, y_train = table.encode(fitted.queries), table.encode(fitted.answers)
    train_seconds = 0.0
    wall_start = time.perf_counter()
    reached = reached_seconds = stopped = None
    for epoch in range(1, settings["epochs"] + 1):
        start = time.perf_counter()
        if images:
            model.fit(training_data, initial_epoch=epoch - 1, epochs=epoch, verbose=0)
        else:
            model.fit(
                x_train,
                y_train,
                batch_size=settings["batch"],
                initial_epoch=epoch - 1,
                epochs=epoch,
                verbose=0,
            )
        train_seconds += time.perf_counter() - start
        if epoch == 1:
            first_epoch_seconds = train_seconds
        sampled = exact_match(model, subsample)
        wall = time.perf_counter() - wall_start
        line = (
            f"  {entry} epoch {epoch:>3}: train {train_seconds:8.1f} s, "
            f"wall {wall:8.1f} s, subsample exact match {sampled:.2%}"
        )
        if validation is not None:
            validated = exact_match(model, np.arange(len(validation)), validation)
            line += f", validation {validated:.2%}"
        print(line, flush=True)
        if reached is None and sampled >= args.target:
            reached, reached_seconds, reached_wall = epoch, train_seconds, wall
            if args.until == "target":
                break
        if settings["stop"] is not None and validated >= settings["stop"]:
            stopped = epoch
            break
    full = exact_match(model, np.arange(len(test)))
    return {
        "settings": settings,
        "build_seconds": build_seconds,
        "reached": reached,
        "epochs": epoch,
        "stopped": stopped,
        "train_seconds": reached_seconds if reached else train_seconds,
        "wall_seconds": reached_wall if reached else wall,
        "first_epoch_seconds": first_epoch_seconds,
        "total_seconds": train_seconds,
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
    f"{args.max_epochs} epochs, until {args.until}"
)
if images:
    print(
        f"digits:   {digits.source}: training images from the train pool "
        "(new every epoch), held-out images from the test pool"
    )
results = {}
for entry in args.models.split(","):
    results[entry] = train_to_target(entry)
print()
print(
    "Epochs, train s and wall s: to the first epoch at the target (to the end "
    "if missed); 1st s: the first epoch's fit (compilation included); s/epoch: "
    "fit time per later epoch; build s: the model's construction before fit "
    "(its weights' initialisers compile, once per process)."
)
print(
    f"{'model':<10}{'batch':>6}{'lr':>8}{'schedule':>10}{'dropout':>8}{'wd':>6}"
    f"{'seed':>5}{'target':>8}{'epochs':>8}{'train s':>10}{'wall s':>10}{'1st s':>7}"
    f"{'s/epoch':>8}{'build s':>8}{'ran':>5}{'stop':>5}{'subsample':>11}"
    f"{'full held-out':>15}"
)
for entry, result in results.items():
    settings = result["settings"]
    status = "reached" if result["reached"] else "missed"
    rate = "default" if settings["lr"] is None else f"{settings['lr']:g}"
    dropout = "default" if settings["dropout"] is None else f"{settings['dropout']:g}"
    decay = "0.01" if settings["wd"] is None else f"{settings['wd']:g}"
    stop = "-" if result["stopped"] is None else str(result["stopped"])
    later_epochs = (result["total_seconds"] - result["first_epoch_seconds"]) / max(
        result["epochs"] - 1, 1
    )
    print(
        f"{entry.split(':')[0]:<10}{settings['batch']:>6}{rate:>8}"
        f"{settings['schedule']:>10}{dropout:>8}{decay:>6}{settings['seed']:>5}"
        f"{status:>8}"
        f"{result['reached'] or result['epochs']:>8}{result['train_seconds']:>10.1f}"
        f"{result['wall_seconds']:>10.1f}"
        f"{result['first_epoch_seconds']:>7.1f}{later_epochs:>8.2f}"
        f"{result['build_seconds']:>8.1f}{result['epochs']:>5}"
        f"{stop:>5}{result['subsample']:>11.2%}{result['full']:>15.2%}"
    )
    if ":" in entry:
        print(f"  ({entry})")
