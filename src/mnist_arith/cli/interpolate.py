"""`mnist-arith interpolate`: paths between latent points of a saved model."""

import argparse

from mnist_arith._io import save_figure
from mnist_arith.cli import _common


def register(commands: argparse._SubParsersAction) -> None:
    """Adds the `interpolate` command."""
    parser = _common.add_command(
        commands,
        "interpolate",
        "interpolate between prior samples of a saved generative model",
        "Draws paths between random latent points of a saved VAE or GAN, one "
        "strip per path, and saves them as .png.",
    )
    parser.add_argument("model_path", metavar="MODEL", help="a saved .keras model")
    parser.add_argument("--output", required=True, help="the .png file to write")
    parser.add_argument(
        "--paths", type=_common.positive_int, default=5, help="paths, one per row"
    )
    parser.add_argument(
        "--steps", type=_common.at_least(2), default=10, help="images along each path"
    )
    parser.add_argument(
        "--method",
        choices=("linear", "slerp"),
        default="slerp",
        help="straight lines or great circles between the end points",
    )
    parser.add_argument(
        "--labels",
        type=int,
        nargs="+",
        help="conditional models and InfoGANs: one class (code) for every path, "
        "or one per path (default: 0)",
    )
    _common.add_seed_argument(parser)
    parser.set_defaults(command=run)


def run(arguments: argparse.Namespace) -> None:
    """Saves `--paths` strips of `--steps` images between prior samples."""
    import keras
    import numpy as np

    import mnist_arith

    _common.check_output(arguments.output, (".png",), "--output")
    model = _common.load_model(arguments.model_path)
    kind = _common.model_kind(model)
    if kind not in ("vae", "gan"):
        raise _common.UsageError(
            "interpolate draws from VAE and GAN models. "
            f"Received: {_common.describe(kind, arguments.model_path)}"
        )
    labelled = model.num_classes is not None or model.num_codes is not None
    given = None if arguments.labels is None else " ".join(map(str, arguments.labels))
    if given is not None and not labelled:
        raise _common.UsageError(
            "--labels applies to conditional models and InfoGANs; this "
            f"{kind} has neither classes nor codes. Received: --labels {given}"
        )
    if given is not None and len(arguments.labels) not in (1, arguments.paths):
        raise _common.UsageError(
            f"--labels takes one class, or one per path ({arguments.paths}). "
            f"Received: --labels {given}"
        )
    latent_dim = model.latent_dim
    ends = keras.ops.convert_to_numpy(
        mnist_arith.sample_prior(2 * arguments.paths, latent_dim, seed=arguments.seed)
    ).reshape(arguments.paths, 2, latent_dim)
    paths = np.concatenate(
        [
            keras.ops.convert_to_numpy(
                mnist_arith.interpolate_latents(
                    pair, arguments.steps, method=arguments.method
                )
            )
            for pair in ends
        ]
    )
    labels = None
    if labelled:  # One class (or InfoGAN code) along each path.
        per_path = np.broadcast_to(arguments.labels or [0], (arguments.paths,))
        labels = np.repeat(per_path, arguments.steps)
    images = keras.ops.convert_to_numpy(
        mnist_arith.decode_latents(model, paths, labels)
    )
    images = images.reshape(arguments.paths, arguments.steps, *images.shape[1:])
    figure = mnist_arith.plot_interpolation(
        images,
        value_range=model.value_range,
        image_width=_common.image_width(model.image_shape),
    )
    save_figure(figure, arguments.output, dpi=100, bbox_inches="tight")
    print(
        f"saved {arguments.paths} {arguments.method} paths of {arguments.steps} "
        f"steps to {arguments.output}"
    )
