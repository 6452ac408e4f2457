"""The generative factories' presets, and how a factory resolves them.

`autoencoder`, `vae` and `gan` take a `preset` name and a few optional
arguments; every argument left `None` comes from the preset. This module
holds the three tables and the one function that turns a preset and the
given arguments into checked settings, so the factories share one
vocabulary of names and one set of checks.
"""

from collections.abc import Mapping

from mnist_arith._validation import check_image_shape
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith.models.blocks import check_stack

AUTOENCODER_PRESETS = {
    "digits": {
        "input_shape": (28, 28, 1),
        "latent_dim": 32,
        "num_layers": 2,
        "filters": 32,
        "filter_growth": 2,
        "learning_rate": 1e-3,
    },
    # The course notebook's CAE for 64x64 faces (50 epochs, batches of 64).
    "faces": {
        "input_shape": (64, 64, 3),
        "latent_dim": 512,
        "num_layers": 4,
        "filters": 128,
        "filter_growth": 1,
        "learning_rate": 1e-3,
    },
}
"""Settings of `autoencoder` per preset: 28x28x1 digits or the course's faces."""

# The course notebook's conv/deconv design at the digits' size: two stride-2
# layers of 32 then 64 3x3 filters, latent 16.
_VAE_SMALL = {
    "input_shape": (28, 28, 1),
    "latent_dim": 16,
    "num_layers": 2,
    "filters": 32,
    "filter_growth": 2,
    "learning_rate": 1e-3,
    "kernel_size": 3,
}

VAE_PRESETS = {
    # The default: the GAN's 64 then 128 filters with 4x4 kernels, and a
    # latent of 8, whose prior samples score higher than the small design's
    # (BENCHMARKS.md, "Today's VAE").
    "digits": {**_VAE_SMALL, "latent_dim": 8, "filters": 64, "kernel_size": 4},
    "digits-small": _VAE_SMALL,
    # The course notebook's VAE for 64x64 faces (trained with batches of 8).
    "faces": {
        **_VAE_SMALL,
        "input_shape": (64, 64, 3),
        "latent_dim": 64,
        "num_layers": 4,
        "filters": 64,
        "filter_growth": 1,
    },
}
"""Settings of `vae` per preset: 28x28x1 digits (two sizes), or the course's
64x64x3 faces. The first preset of an image shape is the one the command line
picks for it."""

# The course notebook's conv/deconv design at the digits' size: two stride-2
# layers of 32 then 64 3x3 filters, a leaky-ReLU discriminator.
_GAN_SMALL = {
    "input_shape": (28, 28, 1),
    "latent_dim": 64,
    "num_layers": 2,
    "filters": 32,
    "filter_growth": 2,
    "learning_rate": 2e-4,
    "generator_learning_rate": None,
    "discriminator_activation": "leaky_relu",
    "batch_norm": False,
    "kernel_size": 3,
    "hidden_units": None,
    "output_layer": "convolution",
}

GAN_PRESETS = {
    # The InfoGAN paper's MNIST networks (Chen et al., 2016): 4x4 kernels,
    # 64 and 128 filters, a 1,024-unit dense layer in each network, batch
    # norm, a generator whose last transposed convolution draws the image,
    # and a generator learning rate five times the discriminator's. The
    # default: its digits score far above the small networks' (BENCHMARKS.md).
    "digits": {
        **_GAN_SMALL,
        "filters": 64,
        "generator_learning_rate": 1e-3,
        "batch_norm": True,
        "kernel_size": 4,
        "hidden_units": 1024,
        "output_layer": "transposed",
    },
    "digits-small": _GAN_SMALL,
    # The course notebook's GAN for 64x64 faces (batches of 64).
    "faces": {
        **_GAN_SMALL,
        "input_shape": (64, 64, 3),
        "latent_dim": 256,
        "num_layers": 4,
        "filters": 128,
        "filter_growth": 1,
        "discriminator_activation": "relu",
    },
}
"""Settings of `gan` per preset: 28x28x1 digits (two sizes) or 64x64x3 faces.

The first preset of an image shape is the one the command line picks for it.
"""


def resolve_settings(presets: Mapping[str, Mapping], preset: str, **overrides) -> dict:
    """A factory's settings: the preset's, with the arguments that were given.

    Arguments given as `None` keep the preset's value. The result is checked
    once here: the image shape, the latent size, the down- and up-sampling
    stack (`num_layers`, `filters`, `filter_growth`) and the learning rate.

    Args:
        presets: the factory's table of presets, such as `VAE_PRESETS`.
        preset: the name of the preset to start from.
        **overrides: the factory's arguments; `None` means "the preset's".

    Returns:
        A new dict of every setting of the preset; `input_shape` is a tuple.

    Raises:
        ValueError: for an unknown preset or an invalid setting, naming it.

    Example:
        >>> settings = resolve_settings(VAE_PRESETS, "digits", latent_dim=2)
        >>> settings["latent_dim"], settings["input_shape"]
        (2, (28, 28, 1))
    """
    check_one_of(preset, "preset", sorted(presets))
    settings = dict(presets[preset])
    settings.update(
        {key: value for key, value in overrides.items() if value is not None}
    )
    settings["input_shape"] = check_image_shape(settings["input_shape"], "input_shape")
    settings["latent_dim"] = check_positive_int(settings["latent_dim"], "latent_dim")
    check_stack(
        settings["input_shape"],
        settings["num_layers"],
        settings["filters"],
        settings["filter_growth"],
    )
    # NumPy integers become Python ones: Keras layers take only `int` sizes.
    for name in ("num_layers", "filters", "filter_growth"):
        settings[name] = int(settings[name])
    settings["learning_rate"] = check_positive_number(
        settings["learning_rate"], "learning_rate"
    )
    return settings


def stack_arguments(settings: Mapping) -> dict:
    """The conv/deconv stack arguments of resolved settings.

    `filter_growth` is left out for a single layer, where it has no effect
    (`conv_net` and `deconv_net` refuse it there).

    Args:
        settings: settings from `resolve_settings`.

    Returns:
        `num_layers`, `filters` and (for two layers or more) `filter_growth`.

    Example:
        >>> stack_arguments(resolve_settings(VAE_PRESETS, "faces"))
        {'num_layers': 4, 'filters': 64, 'filter_growth': 1}
    """
    arguments = {"num_layers": settings["num_layers"], "filters": settings["filters"]}
    if settings["num_layers"] > 1:
        arguments["filter_growth"] = settings["filter_growth"]
    return arguments
