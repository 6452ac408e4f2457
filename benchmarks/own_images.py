"""The generative models on a folder of colour pictures: error, distance, time.

Reads a folder with `load_images` at `--image-size` pixels (RGB), holds out
a seeded tenth of the pictures, and trains each of `--models` (the
factories' `"faces"` networks built for the pictures' shape, as
`mnist-arith train ... --images` does) for `--epochs` epochs on the rest,
batches of `--batch-size`. Then it reports:

- reconstruction error: the mean squared error per pixel (values in [0, 1])
  of the autoencoder's and the VAE's (posterior-mean) reconstructions of the
  held-out pictures, and of the training pictures;
- Fréchet distance of 500 samples (VAE, GAN; from the prior, T = 1) to the
  training pictures, in the features of a fixed random network: four
  stride-2 3x3 convolutions (32, 64, 128, 128 filters, ReLU) and a global
  average, whose weights NumPy draws from seed 0 (He-normal), so the
  features are the same on every backend and need no download. No network
  trained on photographs can be had offline; random convolutional features
  still rank distributions by colour and texture statistics, but their
  distances are not comparable with published FID figures. The held-out
  pictures' distance to the training pictures is printed as the scale of
  "as good as real";
- the training time per epoch (mean over the epochs after the first, which
  also compiles).

Run from the repository root, on a folder made by `tools/prepare_stamps.py`
(or your own pictures):

    KERAS_BACKEND=tensorflow python benchmarks/own_images.py --images stamps

`--quick` trains one epoch on 64 pictures (a smoke run, not a result).
"""

import argparse
import pathlib
import time

import keras
import numpy as np
from machine import print_run_header

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--images", required=True, help="a folder of PNG/JPEG files")
parser.add_argument("--image-size", type=int, default=64)
parser.add_argument("--epochs", type=int, default=100)
parser.add_argument("--batch-size", type=int, default=64)
parser.add_argument("--models", default="autoencoder,vae,gan")
parser.add_argument("--augment", action="store_true", help="gan(augment=True)")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--save", metavar="PREFIX", help="save PREFIX-<model>.keras")
parser.add_argument(
    "--figures",
    metavar="DIR",
    help="write DIR/own-images-<model>.png: held-out pictures and their "
    "reconstructions (autoencoder, VAE) or samples (VAE, GAN)",
)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()
if args.augment and "gan" not in args.models.split(","):
    parser.error("--augment applies to the GAN; add gan to --models")

print_run_header()
size = (args.image_size, args.image_size)
pictures = mnist_arith.load_images(args.images, size)
if args.quick:
    pictures, args.epochs = pictures[:64], 1
order = np.random.default_rng(args.seed).permutation(len(pictures))
num_held_out = max(1, len(pictures) // 10)
held_out, train = pictures[order[:num_held_out]], pictures[order[num_held_out:]]
print(
    f"pictures: {len(pictures):,} from {args.images} at {size[0]}x{size[1]}, "
    f"{len(train):,} train, {len(held_out):,} held out; {args.epochs} epochs, "
    f"batch {args.batch_size}, seed {args.seed}"
)


def random_features():
    """A fixed random convolutional network: NumPy weights, any backend."""
    rng = np.random.default_rng(0)
    inputs = keras.Input((*size, 3))
    x = inputs
    layers = []
    for filters in (32, 64, 128, 128):
        layer = keras.layers.Conv2D(filters, 3, strides=2, activation="relu")
        x = layer(x)
        layers.append(layer)
    network = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x))
    for layer in layers:
        kernel, bias = layer.get_weights()
        fan_in = np.prod(kernel.shape[:3])
        kernel = rng.normal(0, np.sqrt(2 / fan_in), kernel.shape)
        layer.set_weights([kernel.astype("float32"), np.zeros_like(bias)])
    return network


features = random_features()


def embed(images):
    """The random network's features of images in [0, 1]."""
    return features.predict(images * 2 - 1, batch_size=100, verbose=0)


train_features = embed(train)
scale = mnist_arith.frechet_distance(embed(held_out), train_features)
print(f"held-out pictures to training pictures: Fréchet distance {scale:.2f}")


class EpochTimes(keras.callbacks.Callback):
    """Wall-clock seconds of each epoch."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def draw(name, model, low, high):
    """Held-out pictures over their reconstructions, and prior samples."""
    import matplotlib

    matplotlib.use("Agg")
    shown = held_out[:8]
    width = len(shown)
    grids, labels = [], []
    if name != "gan":
        rebuilt = model.predict(low + (high - low) * shown, verbose=0)
        grids += [shown, (np.asarray(rebuilt) - low) / (high - low)]
        labels += ["held out", "rebuilt"]
    if name != "autoencoder":
        samples = (model.generate(2 * width, seed=args.seed) - low) / (high - low)
        grids += [samples[:width], samples[width:]]
        labels += ["samples", "samples"]
    figure = mnist_arith.plot_image_grid(
        np.clip(np.stack(grids), 0, 1), row_labels=labels, value_range=(0, 1)
    )
    pathlib.Path(args.figures).mkdir(parents=True, exist_ok=True)
    figure.savefig(f"{args.figures}/own-images-{name}.png", dpi=80, bbox_inches="tight")


for name in args.models.split(","):
    keras.utils.set_random_seed(args.seed)
    options = {"preset": "faces", "input_shape": (*size, 3)}
    if name == "gan":
        model = mnist_arith.gan(**options, augment=args.augment, seed=args.seed)
    elif name == "vae":
        model = mnist_arith.vae(**options, seed=args.seed)
    else:
        model = mnist_arith.autoencoder(**options)
    low, high = model.value_range
    images = low + (high - low) * train
    times = EpochTimes()
    model.fit(
        images,
        images if name == "autoencoder" else None,
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=0,
        callbacks=[times],
    )
    later = times.seconds[1:] or times.seconds
    row = {"weights": model.count_params()}
    row["epoch s"] = float(np.mean(later))
    if name in ("autoencoder", "vae"):
        for part, real in (("held-out", held_out), ("train", train)):
            rebuilt = model.predict(low + (high - low) * real, verbose=0)
            rebuilt = (np.asarray(rebuilt) - low) / (high - low)
            row[f"{part} error"] = float(np.mean((rebuilt - real) ** 2))
    if name in ("vae", "gan"):
        samples = (model.generate(500, seed=args.seed) - low) / (high - low)
        distance = mnist_arith.frechet_distance(
            embed(np.clip(samples, 0, 1)), train_features
        )
        row["distance"] = distance
    if args.figures:
        draw(name, model, low, high)
    if args.save:
        model.save(f"{args.save}-{name}.keras")
    shown = ", ".join(
        f"{key} {value:,}"
        if key == "weights"
        else f"{key} {value:.4f}"
        if "error" in key
        else f"{key} {value:.2f}"
        for key, value in row.items()
    )
    print(f"{name}: {shown}", flush=True)
