"""`mnist-arith arithmetic`: latent arithmetic on groups of your own images.

The course's "smiling woman - neutral woman + neutral man": each folder's
images are encoded with a saved VAE's or autoencoder's encoder, the mean
latent vector of each group is taken, and
`mean(--to) + mean(--plus) - mean(--minus)` is decoded. The figure shows the
three group means decoded, and the result.
"""

import argparse
import pathlib

from mnist_arith._io import save_figure
from mnist_arith.cli import _common

BATCH_SIZE = 256
"""Images encoded at a time, so that large folders fit in memory."""


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `arithmetic` command."""
    parser = _common.add_command(
        commands,
        "arithmetic",
        "latent arithmetic on folders of images with a saved VAE or autoencoder",
        "Encodes the images of three folders with a saved VAE or autoencoder, "
        "computes mean(--to) + mean(--plus) - mean(--minus) of their latent "
        "vectors (such as neutral man + smiling woman - neutral woman) and saves "
        "the decoded group means and result as a labelled .png.",
    )
    parser.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    parser.add_argument(
        "--to", required=True, metavar="DIR", help="the images to change"
    )
    parser.add_argument(
        "--plus", required=True, metavar="DIR", help="images with the attribute"
    )
    parser.add_argument(
        "--minus", required=True, metavar="DIR", help="images without the attribute"
    )
    parser.add_argument("--output", required=True, help="the .png file to write")
    parser.add_argument(
        "--max-images",
        type=_common.positive_int,
        metavar="N",
        help="read at most N images of each folder, the first in name order "
        "(default: all)",
    )
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Saves the decoded group means and `to + plus - minus`."""
    import keras
    import numpy as np

    import mnist_arith

    _common.check_output(arguments.output, (".png",), "--output")
    model = _common.load_model(arguments.model_path)
    _check_model(model, arguments.model_path)
    groups = {"to": arguments.to, "plus": arguments.plus, "minus": arguments.minus}
    latents = {
        name: _encoded(model, folder, arguments.max_images)
        for name, folder in groups.items()
    }
    result = mnist_arith.latent_arithmetic(
        latents["plus"], latents["minus"], keras.ops.mean(latents["to"], axis=0)
    )
    means = [keras.ops.mean(latents[name], axis=0) for name in groups]
    points = keras.ops.stack([*means, result])
    images = keras.ops.convert_to_numpy(mnist_arith.decode_latents(model, points))
    names = {name: _folder_name(folder) for name, folder in groups.items()}
    counts = {name: int(np.shape(latents[name])[0]) for name in groups}
    titles = [
        f"{names['to']} ({counts['to']})",
        f"+ {names['plus']} ({counts['plus']})",
        f"\N{MINUS SIGN} {names['minus']} ({counts['minus']})",
        "= result",
    ]
    figure = mnist_arith.plot_image_grid(
        images,
        4,
        titles=titles,
        value_range=model.value_range,
        image_width=max(1.0, _common.image_width(model.image_shape)),
    )
    save_figure(figure, arguments.output, dpi=100, bbox_inches="tight")
    print(
        f"saved {names['to']} + {names['plus']} - {names['minus']} (group means of "
        f"{counts['to']}, {counts['plus']} and {counts['minus']} images) to "
        f"{arguments.output}"
    )


def _check_model(model, path: str) -> None:
    """Refuses a model without an encoder, or one that needs labels."""
    kind = _common.model_kind(model)
    if kind == "gan":
        raise _common.UsageError(
            "A GAN has no encoder to map images to latent vectors, so it cannot "
            "do arithmetic on images; train a VAE or an autoencoder. "
            f"Received: {_common.describe(kind, path)}"
        )
    if kind not in ("vae", "autoencoder"):
        raise _common.UsageError(
            "arithmetic encodes images with a VAE or autoencoder. "
            f"Received: {_common.describe(kind, path)}"
        )
    if model.num_classes is not None:
        raise _common.UsageError(
            "A conditional VAE encodes images together with their class labels, "
            "and a folder of images has none; train an unconditional one. "
            f"Received: a conditional {kind} model from {path}"
        )


def _encoded(model, folder: str, max_images: int | None):
    """The latent vectors of a folder's images (the posterior means of a VAE)."""
    import keras

    import mnist_arith

    height, width, channels = model.image_shape
    images = mnist_arith.load_images(
        folder,
        (height, width),
        value_range=model.value_range,
        grayscale=channels == 1,
        max_images=max_images,
    )
    batches = [
        mnist_arith.encode_images(model, images[start : start + BATCH_SIZE])
        for start in range(0, len(images), BATCH_SIZE)
    ]
    return keras.ops.concatenate(batches, axis=0)


def _folder_name(folder: str) -> str:
    """A folder's own name for the figure, such as `smiling` for `faces/smiling/`."""
    return pathlib.Path(folder).resolve().name or str(folder)
