"""Which VAE networks draw the best digits? A sweep of stacks and latent sizes.

Builds `VAE`s from the package's blocks (`downsample`/`upsample`, as `vae()`
does) with the designs of `DESIGNS`, trains each on the embedded training
digits (batch 64, Adam 1e-3) and every 10 epochs judges 1,000 prior samples
(T = 1) with the reference reader (classifier score, Fréchet distance to the
embedded test digits, as `generative_quality.py` does) and reports the mean
squared error of the test digits' reconstructions, the weights and the time.
This is how `vae()`'s default networks were chosen (BENCHMARKS.md).

Run from the repository root:

    KERAS_BACKEND=tensorflow python benchmarks/vae_designs.py --seed 0

`--quick` trains one small design for one epoch on 200 digits (a smoke run).
"""

import argparse
import time

import keras
import numpy as np
from machine import print_run_header

import mnist_arith
from mnist_arith.models.blocks import downsample
from mnist_arith.models.blocks import upsample
from mnist_arith.models.generative import image_inputs
from mnist_arith.models.generative import latent_inputs
from mnist_arith.models.vae import VAE

COURSE = {"filters": 32}
WIDE = {"filters": 64, "kernel_size": 4}
DESIGNS = {
    "course": (16, COURSE),
    "course-latent-8": (8, COURSE),
    "course-latent-32": (32, COURSE),
    "course-dense": (16, {**COURSE, "hidden_units": 512}),
    "course-dense-latent-8": (8, {**COURSE, "hidden_units": 512}),
    "gan-networks": (16, {**WIDE, "hidden_units": 1024}),
    "wide-latent-8": (8, WIDE),
}
"""Name: (latent size, stack options); every stack has 2 stride-2 layers."""

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--designs", default=",".join(DESIGNS))
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--quick", action="store_true", help="smoke run: tiny and short")
args = parser.parse_args()

print_run_header()
digits = mnist_arith.load_digits("embedded")
train = digits.train_images[..., None].astype("float32") / 255
test = digits.test_images[..., None].astype("float32") / 255
names = args.designs.split(",")
every = 10
if args.quick:
    train, names, args.epochs, every = train[:200], ["course-latent-8"], 1, 1
print(f"digits: embedded, {len(train):,} train; {args.epochs} epochs, seed {args.seed}")


def build(latent_size, options):
    """A VAE of 28x28x1 digits with the given stack, compiled like `vae()`'s."""
    stack = {"num_layers": 2, "filter_growth": 2, "activation": "relu", **options}
    inputs, features = image_inputs((28, 28, 1), None)
    features = downsample(features, **stack)
    mean = keras.layers.Dense(latent_size, name="mean")(features)
    log_variance = keras.layers.Dense(latent_size, name="log_variance")(features)
    encoder = keras.Model(inputs, [mean, log_variance], name="encoder")
    inputs, latents = latent_inputs(latent_size, None)
    images = upsample(latents, (28, 28, 1), output_activation="sigmoid", **stack)
    decoder = keras.Model(inputs, images, name="decoder")
    model = VAE(encoder, decoder, seed=args.seed, name="vae")
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    return model


for name in names:
    latent_size, options = DESIGNS[name]
    keras.utils.set_random_seed(args.seed)
    model = build(latent_size, options)
    seconds = 0.0
    for epoch in range(0, args.epochs, every):
        last = min(epoch + every, args.epochs)
        start = time.perf_counter()
        model.fit(train, batch_size=64, initial_epoch=epoch, epochs=last, verbose=0)
        seconds += time.perf_counter() - start
        latents = mnist_arith.sample_prior(1000, latent_size, seed=0)
        samples = keras.ops.convert_to_numpy(mnist_arith.decode_latents(model, latents))
        quality = mnist_arith.digit_quality(samples, test)
        rebuilt = model.predict(test, verbose=0)
        error = float(np.mean((rebuilt - test) ** 2))
        print(
            f"{name} @{last}: score {quality.classifier_score:.2f}, distance "
            f"{quality.frechet_distance:.2f}, reconstruction error {error:.4f}, "
            f"{model.count_params():,} weights, {seconds / last:.1f} s/epoch",
            flush=True,
        )
