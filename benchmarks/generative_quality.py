"""How good are generated digits? Classifier score, Fréchet distance, class accuracy.

Trains a VAE and a GAN, plain and conditional (`num_classes=10`), on the
training digits and judges 1,000 generated digits of each (100 per class for
the conditional ones) with the shipped reference reader (`reference_reader`,
through `digit_quality`; `--reader trained` trains one on the training pool
instead, as the first recorded runs did), sampled from the prior
N(0, 1) and, as the course's reports did, at a lower temperature (N(0, T^2),
`--temperatures`):

- classifier score: `exp(E[KL(p(y|x) || p(y))])` over the 10 digit classes
  (at most 10; the real test digits' score is printed as the reference);
- Fréchet distance between the reader's features of generated digits and of
  the real test digits (0 is identical; the real training digits' distance is
  printed as the reference);
- the share of samples the reader reads as the class they were asked for.

`gan`, `info-gan` (a 10-way InfoGAN code, `num_codes=10`; sampled with the
codes in turn, and judged like an unconditional GAN: its codes are not labels)
and `conditional-gan` build `gan()`'s default networks (the InfoGAN paper's);
`vae` and `conditional-vae` build `vae()`'s default networks; the `-small`
models build `preset="digits-small"` (the course's design at the digits'
size, the default of earlier versions), `-augmented` with
`augment=True` (`DifferentiableAugmentation`), `-batch-norm` with
`batch_norm=True`. For InfoGANs the script also reports how far the codes
learned digit classes: the share of samples read as their code's most
frequent digit, and how many different digits those are. `--filters`
widens every model; `--report-every N` judges the models every N epochs of
their training as well as at the end. `--seeds 0,1,2` repeats every run
with each seed (weights and noise) and ends with the mean and spread
(standard deviation over the seeds) of every figure.

Run from the repository root:

    KERAS_BACKEND=tensorflow python benchmarks/generative_quality.py --epochs 30

(On a CPU, TensorFlow trains these models fastest, up to 2.4x faster than JAX
or PyTorch: BENCHMARKS.md, "Training throughput".)

`--quick` trains one epoch on a few hundred digits (a smoke run, not a result).
"""

import argparse
import time

import keras
import numpy as np
from judges import add_reader_arguments
from judges import obtain_reader
from machine import print_run_header

import mnist_arith

SMALL = {"preset": "digits-small"}
MODELS = {
    "vae": ("vae", {}),
    "conditional-vae": ("vae", {"num_classes": 10}),
    "vae-small": ("vae", SMALL),
    "conditional-vae-small": ("vae", {**SMALL, "num_classes": 10}),
    "gan": ("gan", {}),
    "info-gan": ("gan", {"num_codes": 10}),
    "conditional-gan": ("gan", {"num_classes": 10}),
    "gan-small": ("gan", SMALL),
    "gan-small-augmented": ("gan", {**SMALL, "augment": True}),
    "gan-small-batch-norm": ("gan", {**SMALL, "batch_norm": True}),
    "info-gan-small": ("gan", {**SMALL, "num_codes": 10}),
    "info-gan-small-batch-norm": (
        "gan",
        {**SMALL, "num_codes": 10, "batch_norm": True},
    ),
    "conditional-gan-small": ("gan", {**SMALL, "num_classes": 10}),
    "conditional-gan-small-augmented": (
        "gan",
        {**SMALL, "num_classes": 10, "augment": True},
    ),
}

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--epochs", type=int, default=30)
add_reader_arguments(parser)
parser.add_argument(
    "--digits",
    default="auto",
    help="'auto', 'mnist', 'embedded', an .npz or a folder of MNIST files",
)
parser.add_argument(
    "--models",
    default="vae,gan,conditional-vae,conditional-gan",
    help=f"from {', '.join(MODELS)}",
)
parser.add_argument(
    "--temperatures",
    default="1,0.5",
    help="prior standard deviations to sample at (1 is the prior itself)",
)
parser.add_argument(
    "--filters",
    type=int,
    default=None,
    help="filters of every model (default: its preset's)",
)
parser.add_argument(
    "--report-every",
    type=int,
    default=None,
    help="also judge the models after every this many epochs",
)
parser.add_argument(
    "--seed", type=int, default=0, help="seed of the models' weights and noise"
)
parser.add_argument(
    "--seeds", default=None, help="several seeds, such as 0,1,2 (overrides --seed)"
)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()

digits = mnist_arith.load_digits(args.digits)
train_images, train_labels = digits.train_images, digits.train_labels
if args.quick:
    train_images, train_labels = train_images[::20], train_labels[::20]
    args.epochs, args.reader_epochs = 1, 1

seeds = [int(seed) for seed in (args.seeds or str(args.seed)).split(",")]

print_run_header()
print(
    f"digits:   {digits.source} ({len(train_labels):,} train, "
    f"{len(digits.test_labels):,} test), {args.epochs} epochs, seeds {seeds}"
)

reader = obtain_reader(args, digits, seed=0)


def judge(images, requested):
    """Classifier score, Fréchet distance and class accuracy of `[n, 28, 28, 1]`."""
    quality = mnist_arith.digit_quality(images, test_images, requested, reader=reader)
    return (
        quality.classifier_score,
        quality.frechet_distance,
        quality.class_accuracy,
    )


test_images = digits.test_images[..., None].astype("float32") / 255
requested = np.repeat(np.arange(10), 100)
rows = [("real test digits", *judge(test_images, digits.test_labels), 0.0)]
train_float = train_images[..., None].astype("float32") / 255
reference = train_float[:: max(1, len(train_float) // 1000)]
reference_labels = train_labels[:: max(1, len(train_float) // 1000)]
rows.append(("real train digits", *judge(reference, reference_labels), 0.0))


def code_purity(images, num_codes):
    """Share read as their code's most frequent digit, and how many digits."""
    codes = np.arange(len(images)) % num_codes  # decode_latents' default
    read = np.argmax(reader.predict(images, verbose=0), axis=-1)
    majority = np.array(
        [np.bincount(read[codes == code]).argmax() for code in range(num_codes)]
    )
    return np.mean(read == majority[codes]), len(set(majority.tolist()))


code_rows = []
for name in args.models.split(","):
    for seed in seeds:
        kind, settings = MODELS[name]
        if args.filters is not None:
            settings = {**settings, "filters": args.filters}
        conditional = "num_classes" in settings
        scale = 2 if kind == "gan" else 1  # the GAN trains on [-1, 1]
        keras.utils.set_random_seed(seed)
        model = getattr(mnist_arith, kind)(**settings)
        images = train_float * scale - (scale - 1)
        inputs = [images, train_labels] if conditional else images
        labels = requested if conditional else None
        every = args.report_every or args.epochs
        seconds = 0.0
        for epoch in range(0, args.epochs, every):
            last = min(epoch + every, args.epochs)
            start = time.perf_counter()
            model.fit(
                inputs, initial_epoch=epoch, epochs=last, batch_size=64, verbose=0
            )
            seconds += time.perf_counter() - start
            title = name if last == args.epochs else f"{name} @{last}"
            for temperature in (float(value) for value in args.temperatures.split(",")):
                latents = mnist_arith.sample_prior(
                    1000, model.latent_dim, temperature=temperature, seed=0
                )
                generated = keras.ops.convert_to_numpy(
                    mnist_arith.decode_latents(model, latents, labels)
                )
                generated = np.clip((generated + (scale - 1)) / scale, 0, 1)
                row = title if temperature == 1 else f"{title} (T={temperature:g})"
                if len(seeds) > 1:
                    row = f"{row} seed {seed}"
                rows.append((row, *judge(generated, labels), seconds))
                if "num_codes" in settings:
                    purity = code_purity(generated, settings["num_codes"])
                    code_rows.append((row, *purity))
                _, score, distance, _, _ = rows[-1]
                print(f"{row}: score {score:.2f}, distance {distance:.2f}", flush=True)

print()
header = ("classifier score", 17), ("Fréchet distance", 18), ("read as asked", 15)
print(
    f"{'':<34}" + "".join(f"{title:>{width}}" for title, width in header) + "  train s"
)
for name, score, distance, accuracy, seconds in rows:
    accuracy = "-" if accuracy is None else f"{accuracy:.2%}"
    print(f"{name:<34}{score:>17.2f}{distance:>18.2f}{accuracy:>15}{seconds:>9.0f}")
for name, purity, digits_covered in code_rows:
    print(
        f"{name}: {purity:.2%} of samples read as their code's most frequent "
        f"digit; the codes' most frequent digits are {digits_covered} different ones"
    )

if len(seeds) > 1:
    # Mean and standard deviation over the seeds of each run's figures.
    groups = {}
    for name, score, distance, accuracy, seconds in rows[2:]:
        run = name.rsplit(" seed ", 1)[0]
        groups.setdefault(run, []).append((score, distance, accuracy, seconds))
    print(f"\nover seeds {seeds}: mean ± standard deviation")
    for run, values in groups.items():
        columns = []
        for column in zip(*values, strict=True):
            if column[0] is None:
                columns.append("-")
            else:
                column = np.array(column, dtype=float)
                columns.append(f"{column.mean():.2f} ± {column.std(ddof=1):.2f}")
        score, distance, accuracy, seconds = columns
        if values[0][2] is not None:
            shares = np.array([value[2] for value in values]) * 100
            accuracy = f"{shares.mean():.2f}% ± {shares.std(ddof=1):.2f}"
        print(
            f"{run}: classifier score {score}, Fréchet distance {distance}, "
            f"read as asked {accuracy}, train s {seconds}"
        )
