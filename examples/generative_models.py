"""
Title: Generative models of handwritten digits: autoencoder, VAE and GAN
Description: Train the course's convolutional autoencoder, variational
autoencoder and GAN (plain and conditioned on the digit's class) on MNIST
digits; compare reconstructions, sample grids and training curves.

Run it with any backend:

    KERAS_BACKEND=jax python examples/generative_models.py --quick  # a smoke run
    KERAS_BACKEND=jax python examples/generative_models.py          # the full run

The pictures in docs/images/ (`generative-*.png`, `*-samples.png`) were made
on TensorFlow, whose CPU convolutions are several times faster than JAX's
(see BENCHMARKS.md, "Training throughput"):

    KERAS_BACKEND=tensorflow python examples/generative_models.py --epochs 15 \
        --figures docs/images

Everything runs offline on the 6,000 MNIST digits embedded in the package
(`--digits auto` uses full MNIST when Keras has it or can download it).
"""

import argparse
import pathlib
import time

import keras
import numpy as np

import mnist_arith

parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
parser.add_argument("--quick", action="store_true", help="tiny models, one epoch")
parser.add_argument("--epochs", type=int, default=None)
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


"""
## The digits

Images are scaled to [0, 1] with a channel axis, `[n, 28, 28, 1]`. The
models learn from the training pool; reconstructions are shown for test-pool
digits they never saw.
"""

keras.utils.set_random_seed(args.seed)
digits = mnist_arith.load_digits(args.digits)
images = digits.train_images[..., None].astype("float32") / 255
labels = digits.train_labels.astype("int32")
test_images = digits.test_images[..., None].astype("float32") / 255
size = {"filters": args.filters} if args.filters else {}
if args.quick:
    images, labels = images[::8], labels[::8]
    size = {"filters": 8, "latent_dim": 8}
print(f"{digits}: training on {len(images)} images {images.shape[1:]}")
fit = {"batch_size": args.batch_size, "epochs": epochs, "verbose": 2}
start = time.perf_counter()

"""
## A convolutional autoencoder

`autoencoder()` is the course's CAE: `conv_net` squeezes an image through
stride-2 convolutions into a code vector, `deconv_net` draws it back with
transposed convolutions and a sigmoid. It trains like any Keras model, with
the images as inputs and targets and binary cross-entropy per pixel.
"""

autoencoder = mnist_arith.autoencoder(**size)
autoencoder_history = autoencoder.fit(images, images, shuffle=True, **fit)

"""
## A variational autoencoder

`vae()` makes the code a distribution: the encoder gives a mean and a
log-variance, a sample of it is decoded, and the loss adds the KL divergence
from the standard normal prior to the reconstruction loss. That pulls the
codes of all images into one smooth region, so decoding random prior
samples gives new digits. `fit(images)` is all it takes: the model computes
its own loss and reports both terms.
"""

vae = mnist_arith.vae(seed=args.seed, **size)
vae_history = vae.fit(images, shuffle=True, **fit)

"""
## Reconstructions

Test-pool digits (top row), the autoencoder's reconstructions and the VAE's.
The autoencoder only has to reproduce; the VAE also keeps its codes close to
the prior, and pays for it with softer strokes.
"""

originals = test_images[:: len(test_images) // 10][:10]
rows = [originals, autoencoder.predict(originals, verbose=0)]
rows.append(vae.predict(originals, verbose=0))
titles = [""] * 30
titles[0], titles[10], titles[20] = "test digits", "autoencoder", "VAE"
figure = mnist_arith.plot_image_grid(
    np.concatenate(rows), 10, titles=titles, image_width=0.8
)
figure.subplots_adjust(hspace=0.3)
save(figure, "generative-reconstructions")

"""
## A GAN

`gan()` is a DCGAN: a generator (`deconv_net` with a tanh output) turns
noise into images, a discriminator (`conv_net` with one sigmoid) tells real
images from generated ones, and the two train in turns, one step each per
batch. The tanh output means the real images are scaled to [-1, 1]. Its
networks are the InfoGAN paper's for MNIST (4x4 kernels, 64 and 128
filters, a 1,024-unit dense layer, batch normalisation);
`preset="digits-small"` builds the smaller networks of the course's design,
four times faster per epoch and far less legible.
"""

gan = mnist_arith.gan(seed=args.seed, **size)
gan_history = gan.fit(images * 2 - 1, shuffle=True, **fit)

"""
## A conditional GAN

With `num_classes=10` both networks also get the digit's label (as extra
noise entries and extra image channels), so we can ask for a given digit.
It trains on `[images, labels]`.
"""

conditional_gan = mnist_arith.gan(num_classes=10, seed=args.seed, **size)
conditional_history = conditional_gan.fit([images * 2 - 1, labels], shuffle=True, **fit)
seconds = time.perf_counter() - start

"""
## Samples

`sample_grid(model, rows, columns)` decodes samples of the prior; for a
conditional model row `i` shows digit `i`. `plot_image_grid` draws them (it
reads the GAN's [-1, 1] range from the values).
"""

for model, rows, name in (
    (vae, 6, "vae-samples"),
    (gan, 6, "gan-samples"),
    (conditional_gan, 10, "conditional-gan-samples"),
):
    samples = mnist_arith.sample_grid(model, rows, 10, seed=1)
    save(mnist_arith.plot_image_grid(samples, 10, image_width=0.6), name)

"""
## Training curves

The autoencoder's loss and the VAE's reconstruction term fall steadily while
the KL term settles. A GAN's two losses do not converge to zero: each
network's progress is the other's loss. Curves that stay level, with neither
side winning, are what a healthy run looks like; a discriminator loss that
collapses to zero means the generator has lost.
"""

curves = {
    "autoencoder loss": autoencoder_history.history["loss"],
    "VAE reconstruction": vae_history.history["reconstruction_loss"],
    "VAE KL": vae_history.history["kl_loss"],
    "GAN discriminator": gan_history.history["discriminator_loss"],
    "GAN generator": gan_history.history["generator_loss"],
}
save(mnist_arith.plot_training_curves(curves, width=2.6), "generative-curves")

autoencoder_loss = autoencoder.evaluate(test_images, test_images, verbose=0)
vae_scores = vae.evaluate(test_images, verbose=0, return_dict=True)
print(
    f"backend={keras.backend.backend()} epochs={epochs} wall={seconds:.0f}s "
    f"test reconstruction loss (per-pixel cross-entropy): autoencoder "
    f"{autoencoder_loss:.4f}, VAE {vae_scores['reconstruction_loss']:.4f}"
)
