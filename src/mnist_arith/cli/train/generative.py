"""`train autoencoder`, `train vae` and `train gan`: models of digit images."""

import argparse

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model

EPOCHS, BATCH_SIZE = 30, 64


def register(models: argparse._SubParsersAction) -> None:
    """Adds `train autoencoder`, `train vae` and `train gan`."""
    _add_generative_model(
        models,
        "autoencoder",
        "a convolutional autoencoder of the digits",
        "Trains a convolutional autoencoder to reproduce the training digits.",
        train_autoencoder,
    )
    vae = _add_generative_model(
        models,
        "vae",
        "a variational autoencoder of the digits",
        "Trains a VAE on the training digits; `--conditional` makes one that "
        "draws a requested class.",
        train_vae,
    )
    vae.add_argument(
        "--conditional", action="store_true", help="condition on the digit class"
    )
    gan = _add_generative_model(
        models,
        "gan",
        "a generative adversarial network of the digits",
        "Trains a GAN on the training digits (scaled to [-1, 1]): "
        "`--conditional` for one that draws a requested class, `--codes` for an "
        "InfoGAN that learns a code without labels, `--large` for the InfoGAN "
        "paper's networks.",
        train_gan,
    )
    labels = gan.add_mutually_exclusive_group()
    labels.add_argument(
        "--conditional", action="store_true", help="condition on the digit class"
    )
    labels.add_argument(
        "--codes",
        type=_common.positive_int,
        help="an InfoGAN code of this many values, learned without labels",
    )
    gan.add_argument(
        "--large",
        action="store_true",
        help="the InfoGAN paper's bigger networks (preset 'digits-large'): "
        "better digits, about four times the training time",
    )


def _add_generative_model(models, name, summary, description, train):
    parser = add_model(
        models,
        name,
        summary,
        description,
        train=train,
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
    )
    _common.add_digits_argument(parser)
    parser.add_argument(
        "--latent-dim",
        type=_common.positive_int,
        help="the size of the latent vectors (default: the factory's own)",
    )
    _common.add_seed_argument(parser)
    return parser


def train_autoencoder(arguments: argparse.Namespace, verbose):
    """Trains an autoencoder to reproduce the training digits."""
    import mnist_arith

    model = mnist_arith.autoencoder(latent_dim=arguments.latent_dim)
    return _fit(model, arguments, verbose, reproduce=True)


def train_vae(arguments: argparse.Namespace, verbose):
    """Trains a VAE, conditional with `--conditional`."""
    import mnist_arith

    model = mnist_arith.vae(
        latent_dim=arguments.latent_dim,
        num_classes=10 if arguments.conditional else None,
        seed=arguments.seed,
    )
    return _fit(model, arguments, verbose)


def train_gan(arguments: argparse.Namespace, verbose):
    """Trains a GAN: conditional, an InfoGAN (`--codes`), `--large`."""
    import mnist_arith

    model = mnist_arith.gan(
        latent_dim=arguments.latent_dim,
        num_classes=10 if arguments.conditional else None,
        num_codes=arguments.codes,
        preset="digits-large" if arguments.large else "digits",
        seed=arguments.seed,
    )
    return _fit(model, arguments, verbose)


def _fit(model, arguments, verbose, reproduce=False):
    """Fits a model on the training digits, scaled to its `value_range`."""
    import numpy as np

    import mnist_arith

    digits = mnist_arith.load_digits(arguments.digits)
    low, high = model.value_range
    pixels = digits.train_images[..., None].astype(np.float32) / 255
    images = low + (high - low) * pixels
    conditional = model.num_classes is not None
    inputs = [images, digits.train_labels] if conditional else images
    print(f"{arguments.model} on {len(images):,} {digits.source!r} training digits")
    # The autoencoder learns to reproduce its input; the VAE and GAN take none.
    history = model.fit(
        inputs,
        images if reproduce else None,
        batch_size=arguments.batch_size,
        epochs=arguments.epochs,
        shuffle=True,
        verbose=verbose,
    )
    return model, history
