"""Steady-state training throughput of every model factory on the current backend.

Trains each model with `fit` on in-memory NumPy data of the 2021/22 three-digit
format (`make_queries("2021-three-digit")`: 7-character queries, 4-character
answers) or on single 28x28 digits, and reports samples per second over the
steps after a warm-up (the warm-up holds tracing and compilation). A few
distinct batches are cycled over epochs; after the warm-up, steps are timed
until `--seconds` have passed (within `--min-steps` and `--max-steps`). Every
rate is also given relative to the course's reference model
(`text2text(7, 4, course_model=True)`), which is always measured in the
same process. The models:

- `text2text`: `text2text(7, 4, padding="left")`, the default transformer
  (the 2021 format's answers are padded on the left).
- `notebook`: `text2text(7, 4, course_model=True)`, the course's LSTM(256).
- `image2text`: `image2text(7, 4, padding="left", character_reader=None)`
  (its built-in character network, trained inside the model) on rendered
  float32 query images.
- `vae`: `vae()` (28x28x1 digits, latent 8, 64 then 128 4x4 filters).
- `vae-small`: `vae(preset="digits-small")`, the course's design at the
  digits' size (latent 16, 32 then 64 3x3 filters; the default of earlier
  versions).
- `gan`: `gan()` (28x28x1 digits, the InfoGAN paper's networks; one
  discriminator and one generator update per batch).
- `gan-small`: `gan(preset="digits-small")`, the smaller networks of the
  course's design (the default of earlier versions).
- `text2image`: `text2image(7, 4, padding="left").fit(queries, answers)`,
  which trains its text part (a default `text2text`) through the `Text2Image`
  wrapper.
- `vae-keras-gradient`, `vae-small-keras-gradient`, `gan-keras-gradient`
  (only when named in `--models`): `vae`, `vae-small` and `gan` with their
  transposed convolutions' gradients taken by Keras's own op, the reference
  for the faster gradient `TransposedConvolution` gives JAX on a CPU
  (elsewhere the two are the same program).

Models train as their factories compile them (`jit_compile="auto"`,
`steps_per_execution=1`) unless `--jit-compile` or `--steps-per-execution` say
otherwise; the model is then recompiled from its own compile config with those
two settings changed. A step's time ends when its loss is read back, so
asynchronous dispatch does not flatter the rate.

Run from the repository root, one backend per process:

    KERAS_BACKEND=jax python benchmarks/throughput.py
    KERAS_BACKEND=torch python benchmarks/throughput.py
    KERAS_BACKEND=tensorflow python benchmarks/throughput.py
    KERAS_BACKEND=jax python benchmarks/throughput.py --steps-per-execution 8
    KERAS_BACKEND=jax python benchmarks/throughput.py \
        --models vae,vae-keras-gradient,gan,gan-keras-gradient

`--quick` runs a few small steps per model (a smoke run, not a result).
"""

import argparse
import contextlib
import os
import time
from unittest import mock

import keras
import numpy as np
from machine import print_run_header

import mnist_arith
from mnist_arith.models.convolution import TransposedConvolution

MODELS = (
    "notebook",
    "text2text",
    "text2image",
    "image2text",
    "vae",
    "vae-small",
    "gan",
    "gan-small",
)
KERAS_GRADIENT = (
    "vae-keras-gradient",
    "vae-small-keras-gradient",
    "gan-keras-gradient",
)
"""Measured when named: image models with Keras's transposed-convolution gradient."""
REFERENCE = "notebook"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "--models", default=",".join(MODELS), help=f"from {MODELS + KERAS_GRADIENT}"
)
parser.add_argument("--batch-size", type=int, default=256)
parser.add_argument("--warmup-steps", type=int, default=3)
parser.add_argument(
    "--seconds", type=float, default=15, help="timed seconds per model (at least)"
)
parser.add_argument("--min-steps", type=int, default=3, help="timed steps at least")
parser.add_argument("--max-steps", type=int, default=200, help="timed steps at most")
parser.add_argument(
    "--pool-batches", type=int, default=8, help="distinct batches, cycled by epochs"
)
parser.add_argument("--steps-per-execution", type=int, default=1)
parser.add_argument(
    "--jit-compile",
    choices=("auto", "true", "false"),
    default="auto",
    help="Keras' `jit_compile` (XLA on JAX and TensorFlow, torch.compile on torch)",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()
if args.quick:
    args.batch_size, args.warmup_steps, args.seconds = 32, 2, 0.5
    args.min_steps, args.max_steps, args.pool_batches = 2, 4, 2
jit_compile = {"auto": "auto", "true": True, "false": False}[args.jit_compile]
names = [
    name
    for name in MODELS + KERAS_GRADIENT
    if name in [*args.models.split(","), REFERENCE]
]


def round_up(steps):
    """Whole executions of `--steps-per-execution` steps."""
    size = args.steps_per_execution
    return -(-steps // size) * size


warmup_steps = round_up(args.warmup_steps)
pool_steps = round_up(args.pool_batches)
num_samples = pool_steps * args.batch_size


class StepTimer(keras.callbacks.Callback):
    """Times the steps after the warm-up; stops when the time budget is spent.

    Every execution's end is taken when its loss has been read back, which
    waits for the step to finish (no credit for asynchronous dispatch).
    """

    def __init__(self):
        super().__init__()
        self.steps = 0
        self.start = time.perf_counter()
        self.warm = None
        self.end = None

    def on_train_batch_end(self, batch, logs=None):
        float(next(iter(logs.values())))
        now = time.perf_counter()
        self.steps += args.steps_per_execution
        if self.steps == warmup_steps:
            self.warm = now
        elif self.steps > warmup_steps:
            self.end = now
            timed = self.steps - warmup_steps
            spent = now - self.warm
            if timed >= args.max_steps or (
                spent >= args.seconds and timed >= args.min_steps
            ):
                self.model.stop_training = True


def text_data():
    queries = mnist_arith.make_queries(
        "2021-three-digit", num_samples=num_samples, seed=args.seed
    )
    table = queries.character_table
    return queries, table.encode(queries.queries), table.encode(queries.answers)


def digit_images():
    digits = mnist_arith.load_digits("embedded")
    rows = np.arange(num_samples) % len(digits.train_images)
    return digits.train_images[rows, ..., None].astype("float32") / 255


def build(name):
    """The model and its `fit` data `(x, y)`."""
    queries, x_text, y_text = text_data()
    if name == "notebook":
        return mnist_arith.text2text(7, 4, course_model=True), x_text, y_text
    if name == "text2text":
        return mnist_arith.text2text(7, 4, padding="left"), x_text, y_text
    if name == "text2image":
        model = mnist_arith.text2image(7, 4, padding="left", seed=args.seed)
        return model, x_text, y_text
    if name == "image2text":
        images = mnist_arith.render_query_images(
            queries.queries,
            mnist_arith.load_digits("embedded"),
            seed=args.seed,
            channel_axis=True,
            glyph_style="2021",
        )
        model = mnist_arith.image2text(7, 4, padding="left", character_reader=None)
        return model, images, y_text
    if name.startswith("vae"):
        preset = "digits-small" if name.startswith("vae-small") else "digits"
        return mnist_arith.vae(preset=preset, seed=args.seed), digit_images(), None
    preset = "digits-small" if name == "gan-small" else "digits"
    return mnist_arith.gan(preset=preset, seed=args.seed), 2 * digit_images() - 1, None


def keras_gradient(name):
    """Within it, `TransposedConvolution` runs Keras's op, for the named variants."""
    if name not in KERAS_GRADIENT:
        return contextlib.nullcontext()
    return mock.patch.object(
        TransposedConvolution, "_has_fast_gradient", lambda layer: False
    )


def measure(name):
    with keras_gradient(name):
        return measure_model(name)


def measure_model(name):
    keras.utils.set_random_seed(args.seed)
    model, x, y = build(name)
    if args.steps_per_execution != 1 or jit_compile != "auto":
        config = dict(model.get_compile_config())
        config.update(
            steps_per_execution=args.steps_per_execution, jit_compile=jit_compile
        )
        model.compile_from_config(config)
    timer = StepTimer()
    model.fit(
        x,
        y,
        batch_size=args.batch_size,
        epochs=1 + (warmup_steps + args.max_steps) // pool_steps,
        shuffle=False,
        verbose=0,
        callbacks=[timer],
    )
    timed_steps = timer.steps - warmup_steps
    seconds = timer.end - timer.warm
    return {
        "samples_per_second": timed_steps * args.batch_size / seconds,
        "step_ms": 1000 * seconds / timed_steps,
        "timed_steps": timed_steps,
        "warmup_seconds": timer.warm - timer.start,
        "parameters": model.count_params(),
    }


print_run_header()
cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
print(f"cores:    {cores or os.cpu_count()} usable by this process")
print(
    f"training: batch {args.batch_size} ({pool_steps} distinct batches, cycled), "
    f"{warmup_steps} warm-up steps, then {args.seconds:g} s of timed steps "
    f"({args.min_steps} to {args.max_steps}), "
    f"steps_per_execution={args.steps_per_execution}, jit_compile={args.jit_compile}"
)
print()
print(
    f"{'model':<26}{'parameters':>12}{'warm-up s':>11}{'steps':>7}{'ms/step':>10}"
    f"{'samples/s':>11}{'vs notebook':>13}"
)
results = {}
for name in names:
    results[name] = measure(name)
    result = results[name]
    ratio = result["samples_per_second"] / results[REFERENCE]["samples_per_second"]
    print(
        f"{name:<26}{result['parameters']:>12,}{result['warmup_seconds']:>11.1f}"
        f"{result['timed_steps']:>7}{result['step_ms']:>10.1f}{result['samples_per_second']:>11,.0f}"
        f"{ratio:>12.2f}x",
        flush=True,
    )
