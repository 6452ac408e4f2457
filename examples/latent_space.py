"""
Title: Walking a VAE's latent space: samples, interpolation, arithmetic, maps
Description: Train a VAE on MNIST digits, then explore its latent space with
the course's tools: prior samples with temperature and truncation, linear and
spherical interpolation, latent arithmetic, sample grids, and a map of a 2-D
latent space.

Run it with any backend:

    KERAS_BACKEND=jax python examples/latent_space.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/latent_space.py          # the full run

The pictures in docs/images/ (`latent-*.png`) were made with:

    KERAS_BACKEND=tensorflow python examples/latent_space.py --figures docs/images

Everything runs offline on the 6,000 MNIST digits embedded in the package
(`--digits auto` uses full MNIST when Keras has it or can download it).
"""

import argparse
import pathlib
import time

import keras
import numpy as np
from keras import ops

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny models, one epoch")
parser.add_argument("--epochs", type=int, default=None)
parser.add_argument("--latent-dim", type=int, default=16)
parser.add_argument("--filters", type=int, default=None, help="default: the preset's")
parser.add_argument("--batch-size", type=int, default=50)
parser.add_argument(
    "--digits",
    default="embedded",
    help="'embedded', 'auto', 'mnist', an .npz or a folder of MNIST files",
)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--figures", default=None, help="folder to save PNG figures in")
args = parser.parse_args()
epochs = args.epochs or (1 if args.quick else 30)


def save(figure, name):
    """Saves a figure as `<--figures>/<name>.png`, if `--figures` was given."""
    if args.figures:
        path = pathlib.Path(args.figures) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=80)
        print(f"saved {path}")


def decode(model, latents):
    """Decodes latent vectors to a NumPy array of images."""
    return ops.convert_to_numpy(mnist_arith.decode_latents(model, latents))


"""
## Two VAEs

We train the digits VAE twice: with a 16-dimensional latent space for
samples, interpolation and arithmetic, and with a 2-dimensional one, small
enough to draw as a map. `--quick` trains tiny models on 500 digits.
"""

keras.utils.set_random_seed(args.seed)
digits = mnist_arith.load_digits(args.digits)
images = digits.train_images[..., None].astype("float32") / 255
labels = digits.train_labels
test_images = digits.test_images[..., None].astype("float32") / 255
size = {"filters": args.filters} if args.filters else {}
if args.quick:
    images, labels, size = images[::8], labels[::8], {"filters": 8}
start = time.perf_counter()
models = {}
for latent_dim in (args.latent_dim, 2):
    model = mnist_arith.vae(latent_dim=latent_dim, seed=args.seed, **size)
    model.fit(images, batch_size=args.batch_size, epochs=epochs, verbose=2)
    models[latent_dim] = model
seconds = time.perf_counter() - start
vae, latent_dim = models[args.latent_dim], args.latent_dim

"""
## Prior samples: temperature and truncation

New digits come from decoding draws of the prior, `sample_prior(n,
latent_dim)`. `temperature` scales the draws: the course decoded
`N(0, 1) / 6`, which is `temperature=1/6`, safe but samey. `truncation=k`
redraws every value beyond `k` standard deviations (the "truncation trick"):
fewer odd samples, less variety.
"""

settings = {
    "temperature 1": {},
    "temperature 1/6": {"temperature": 1 / 6},
    "truncation 1": {"truncation": 1.0},
}
rows, titles = [], []
for name, options in settings.items():
    latents = mnist_arith.sample_prior(10, latent_dim, seed=args.seed, **options)
    rows.append(decode(vae, latents))
    titles += [name] + [""] * 9
figure = mnist_arith.plot_image_grid(np.concatenate(rows), 10, titles=titles)
figure.subplots_adjust(hspace=0.3)
save(figure, "latent-prior")

"""
## Interpolation: linear and spherical

`interpolate_latents(points, num_steps)` walks from point to point. Between
two encoded test digits (`encode_images` returns the posterior means) a
straight line works well. Between two random prior draws it does not quite:
in many dimensions almost all of the prior's mass lies near a sphere, and
the middle of a straight line between two draws is much closer to the
origin than any draw, so the middle images go bland. `method="slerp"`
follows the great circle instead and keeps the norm of the draws.
"""

pair = test_images[[int(np.flatnonzero(digits.test_labels == d)[0]) for d in (3, 7)]]
encoded = mnist_arith.encode_images(vae, pair)
drawn = mnist_arith.sample_prior(2, latent_dim, seed=args.seed + 1)
paths = [
    mnist_arith.interpolate_latents(encoded, 10),
    mnist_arith.interpolate_latents(drawn, 10, method="linear"),
    mnist_arith.interpolate_latents(drawn, 10, method="slerp"),
]
norms = [np.linalg.norm(ops.convert_to_numpy(path)[5]) for path in paths[1:]]
print(f"latent norm mid-way: linear {norms[0]:.2f}, slerp {norms[1]:.2f}")
strips = np.stack([decode(vae, path) for path in paths])
figure = mnist_arith.plot_interpolation(
    strips, title="3 to 7 (linear); two prior draws: linear, then slerp"
)
save(figure, "latent-interpolation")

"""
## Latent arithmetic

The course took the mean latent vector of hand-picked groups and computed
`a - b + c`. Here the groups are picked by a rule: A holds the boldest threes
of the training pool (the most ink), B the thinnest. Their difference is a
"bold minus thin" direction with the three-ness cancelled out, and
`latent_arithmetic(a, b, c)` adds it to thin digits of other classes.
"""

ink = images.mean(axis=(1, 2, 3))
threes = np.flatnonzero(labels == 3)
threes = threes[np.argsort(ink[threes])]
group_a, group_b = images[threes[-20:]], images[threes[:20]]
# C: a thin digit (less ink than 90% of its class) of five other classes.
thin = [
    np.flatnonzero(labels == digit)[np.argsort(ink[labels == digit])][
        (labels == digit).sum() // 10
    ]
    for digit in (0, 2, 4, 7, 9)
]
group_c = images[thin]
result = mnist_arith.latent_arithmetic(
    mnist_arith.encode_images(vae, group_a),
    mnist_arith.encode_images(vae, group_b),
    mnist_arith.encode_images(vae, group_c),
)
figure = mnist_arith.plot_latent_arithmetic(
    group_a[::-1], group_b, group_c, decode(vae, result)
)
save(figure, "latent-arithmetic")

"""
## A grid of samples

`sample_grid(model, rows, columns)` is the course's 10x10 figure in one
call: prior draws, decoded, row-major. (A conditional model fills row `i`
with class `i`; see `generative_models.py`.)
"""

grid = mnist_arith.sample_grid(vae, 10, 10, seed=args.seed + 2)
save(mnist_arith.plot_image_grid(grid, 10, image_width=0.6), "latent-grid")

"""
## A map of a 2-D latent space

`latent_sweep(latent_dim, num_steps, extent)` lays a grid over two latent
dimensions, from `-extent` to `extent` prior standard deviations. With a
2-D VAE that grid covers the whole latent space: each digit class owns a
region, and the borders between regions show digits morphing into others.
"""

sweep = mnist_arith.latent_sweep(2, num_steps=15, extent=2.0)
save(
    mnist_arith.plot_image_grid(decode(models[2], sweep), 15, image_width=0.4),
    "latent-sweep",
)

losses = [
    models[dim].evaluate(test_images, verbose=0, return_dict=True)[
        "reconstruction_loss"
    ]
    for dim in (latent_dim, 2)
]
print(
    f"backend={keras.backend.backend()} epochs={epochs} wall={seconds:.0f}s "
    f"test reconstruction loss: {losses[0]:.4f} with {latent_dim} latent "
    f"dimensions, {losses[1]:.4f} with 2"
)
