"""`train autoencoder`, `train vae` and `train gan`: models of images.

They train on the training digits, or with `--images DIR` on a folder of
PNG and JPEG files (`load_images`), with the networks of the factory's
preset whose image shape fits: the 28x28x1 digits' for 28-pixel grayscale
images, else the `"faces"` networks built for the images' own shape.
`--sample-every N --sample-dir DIR` saves a figure every `N` epochs.
"""

import argparse
import pathlib

from mnist_arith.cli import _common
from mnist_arith.cli.train._shared import add_model
from mnist_arith.cli.train._shared import print_convolution_hint

EPOCHS, BATCH_SIZE = 30, 64
IMAGE_SIZE = 64
"""The default `--image-size`: the course's faces."""

IMAGES_PRESET = "faces"
"""The preset whose networks train on a folder of images of another shape."""


def register(models: argparse._SubParsersAction) -> None:
    """Adds `train autoencoder`, `train vae` and `train gan`."""
    _add_generative_model(
        models,
        "autoencoder",
        "a convolutional autoencoder of the digits or of your images",
        "Trains a convolutional autoencoder to reproduce the training digits "
        "(or the images of a folder, with --images).",
        train_autoencoder,
    )
    vae = _add_generative_model(
        models,
        "vae",
        "a variational autoencoder of the digits or of your images",
        "Trains a VAE on the training digits (or the images of a folder, with "
        "--images); `--conditional` makes one that draws a requested digit, "
        "`--small` one with the smaller networks of the course's design.",
        train_vae,
    )
    vae.add_argument(
        "--conditional", action="store_true", help="condition on the digit class"
    )
    _add_small_option(
        vae, "the default ones: about four times faster, blurrier samples"
    )
    gan = _add_generative_model(
        models,
        "gan",
        "a generative adversarial network of the digits or of your images",
        "Trains a GAN on the training digits (or the images of a folder, with "
        "--images), scaled to [-1, 1]: `--conditional` for one that draws a "
        "requested digit, `--codes` for an InfoGAN that learns a code without "
        "labels, `--small` for the smaller networks of the course's design.",
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
    _add_small_option(
        gan, "the InfoGAN paper's: about four times faster, far less legible digits"
    )


def _add_small_option(parser, instead_of):
    parser.add_argument(
        "--small",
        action="store_true",
        help="the smaller networks of the course notebook's design (preset "
        f"'digits-small') instead of {instead_of}",
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
    sources = parser.add_mutually_exclusive_group()
    _common.add_digits_argument(sources)
    sources.add_argument(
        "--images",
        metavar="DIR",
        help="train on the PNG and JPEG files of this folder instead of the digits",
    )
    parser.add_argument(
        "--latent-dim",
        type=_common.positive_int,
        help="the size of the latent vectors (default: the factory's own)",
    )
    _common.add_seed_argument(parser)
    folder = parser.add_argument_group("with --images")
    folder.add_argument(
        "--image-size",
        type=_common.positive_int,
        metavar="PIXELS",
        help=f"the side of the square the images are resized to (default: "
        f"{IMAGE_SIZE})",
    )
    folder.add_argument(
        "--grayscale", action="store_true", help="one channel instead of RGB"
    )
    folder.add_argument(
        "--cache",
        metavar="FILE",
        help="keep the resized images in this .npy file (with a .json record "
        "of the folder and settings beside it) and read them from it next time "
        "(default: no cache)",
    )
    samples = parser.add_argument_group("figures during training")
    samples.add_argument(
        "--sample-dir",
        metavar="DIR",
        help="save a PNG of samples (autoencoder: reconstructions) in this "
        "folder every --sample-every epochs, as epoch-0005.png, ... (created if "
        "missing)",
    )
    samples.add_argument(
        "--sample-every",
        type=_common.positive_int,
        metavar="N",
        help="the epochs between those figures (default: 1)",
    )
    parser.set_defaults(hint_before_fit=True)
    return parser


def train_autoencoder(arguments: argparse.Namespace, verbose):
    """Trains an autoencoder to reproduce the training digits or images."""
    import mnist_arith
    from mnist_arith.models.presets import AUTOENCODER_PRESETS

    networks = _networks(arguments, AUTOENCODER_PRESETS)
    data = _training_set(arguments, networks)
    model = mnist_arith.autoencoder(latent_dim=arguments.latent_dim, **networks)
    return _fit(model, data, arguments, verbose, reproduce=True)


def train_vae(arguments: argparse.Namespace, verbose):
    """Trains a VAE, conditional with `--conditional`."""
    import mnist_arith
    from mnist_arith.models.presets import VAE_PRESETS

    networks = _networks(arguments, VAE_PRESETS, _digits_preset(arguments))
    data = _training_set(arguments, networks)
    model = mnist_arith.vae(
        latent_dim=arguments.latent_dim,
        num_classes=10 if arguments.conditional else None,
        seed=arguments.seed,
        **networks,
    )
    return _fit(model, data, arguments, verbose)


def train_gan(arguments: argparse.Namespace, verbose):
    """Trains a GAN: conditional, an InfoGAN (`--codes`), `--small`."""
    import mnist_arith
    from mnist_arith.models.presets import GAN_PRESETS

    networks = _networks(arguments, GAN_PRESETS, _digits_preset(arguments))
    data = _training_set(arguments, networks)
    model = mnist_arith.gan(
        latent_dim=arguments.latent_dim,
        num_classes=10 if arguments.conditional else None,
        num_codes=arguments.codes,
        seed=arguments.seed,
        **networks,
    )
    return _fit(model, data, arguments, verbose)


def _digits_preset(arguments) -> str:
    """`"digits-small"` with `--small`, else `"digits"`; refused with `--images`."""
    if not arguments.small:
        return "digits"
    if arguments.images is not None:
        raise _common.UsageError(
            "--small builds the small networks for 28x28 digits; with --images "
            "the networks fit the images' size. Received: --small"
        )
    return "digits-small"


def _networks(arguments, presets, digits_preset="digits") -> dict:
    """The factory's `preset` (and `input_shape`): the digits', or the folder's.

    With `--images`, the preset whose image shape is the images' own (the
    digits' for 28x28 grayscale), else `IMAGES_PRESET` built for that shape.
    Refuses options that do not apply, and an `--image-size` that the
    preset's stride-2 layers cannot down- and up-sample.
    """
    from mnist_arith.models.blocks import max_num_layers

    _check_options(arguments)
    if arguments.images is None:
        return {"preset": digits_preset}
    size = IMAGE_SIZE if arguments.image_size is None else arguments.image_size
    shape = (size, size, 1 if arguments.grayscale else 3)
    preset = next(
        (name for name, own in presets.items() if tuple(own["input_shape"]) == shape),
        IMAGES_PRESET,
    )
    num_layers = presets[preset]["num_layers"]
    if max_num_layers(size) < num_layers:
        raise _common.UsageError(
            f"The {preset!r} networks halve the images {num_layers} times, so "
            f"they need at least {2 ** (num_layers - 1) + 1} pixels a side. "
            f"Received: --image-size={size}"
        )
    return {"preset": preset, "input_shape": shape}


def _check_options(arguments) -> None:
    """Refuses the options that need `--images` or `--sample-dir` without them."""
    if arguments.images is None:
        for flag, value in (
            ("--image-size", arguments.image_size),
            ("--grayscale", arguments.grayscale),
            ("--cache", arguments.cache),
        ):
            if value not in (None, False):
                shown = flag if value is True else f"{flag}={value!r}"
                raise _common.UsageError(
                    f"{flag} applies to training on a folder of images; give "
                    f"--images DIR. Received: {shown}"
                )
    elif getattr(arguments, "conditional", False):
        raise _common.UsageError(
            "--conditional trains on class labels, and a folder of images has "
            "none. Received: --conditional"
        )
    if arguments.sample_every is not None and arguments.sample_dir is None:
        raise _common.UsageError(
            "--sample-every says how often to save figures to --sample-dir; give "
            f"--sample-dir DIR. Received: --sample-every={arguments.sample_every}"
        )
    folder = arguments.sample_dir
    if (
        folder is not None
        and pathlib.Path(folder).exists()
        and not (pathlib.Path(folder).is_dir())
    ):
        raise _common.UsageError(
            f"--sample-dir must be a folder. Received: --sample-dir={folder!r}"
        )


def _fit(model, data, arguments, verbose, reproduce=False):
    """Fits a model on `_training_set` data, scaled to its `value_range`."""
    pixels, labels, description = data
    low, high = model.value_range
    images = pixels if (low, high) == (0.0, 1.0) else low + (high - low) * pixels
    inputs = images if labels is None else [images, labels]
    callbacks = _sample_figures(model, arguments, images if reproduce else None)
    print(f"{arguments.model} on {description}")
    print_convolution_hint(arguments)
    # The autoencoder learns to reproduce its input; the VAE and GAN take none.
    history = model.fit(
        inputs,
        images if reproduce else None,
        batch_size=arguments.batch_size,
        epochs=arguments.epochs,
        shuffle=True,
        verbose=verbose,
        callbacks=callbacks,
    )
    if callbacks:
        saved = callbacks[0].saved
        print(f"saved {len(saved)} figures during training to {arguments.sample_dir}")
    return model, history


def _training_set(arguments, networks):
    """`(images in [0, 1], labels or None, description)`: digits or `--images`.

    Read before the model is built, so that a bad folder or cache is
    reported at once.
    """
    import numpy as np

    import mnist_arith

    if arguments.images is not None:
        height, width, channels = networks["input_shape"]
        images = mnist_arith.load_images(
            arguments.images,
            (height, width),
            grayscale=channels == 1,
            cache=arguments.cache,
        )
        colours = "grayscale" if channels == 1 else "RGB"
        description = (
            f"{len(images):,} {colours} images of {height}x{width} pixels from "
            f"{arguments.images}"
        )
        return images, None, description
    digits = mnist_arith.load_digits(arguments.digits)
    images = digits.train_images[..., None].astype(np.float32) / 255
    conditional = getattr(arguments, "conditional", False)
    labels = digits.train_labels if conditional else None
    description = f"{len(images):,} {digits.source!r} training digits"
    return images, labels, description


def _sample_figures(model, arguments, reconstructed):
    """The `SampleGrids` callback of `--sample-dir`, in a list (or none)."""
    if arguments.sample_dir is None:
        return []
    from mnist_arith.cli.train._samples import SampleGrids

    folder = pathlib.Path(arguments.sample_dir)
    folder.mkdir(parents=True, exist_ok=True)
    every = 1 if arguments.sample_every is None else arguments.sample_every
    return [
        SampleGrids(
            folder, every, arguments.model, images=reconstructed, seed=arguments.seed
        )
    ]
