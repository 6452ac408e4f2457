"""Convolutional building blocks: down-sampling and up-sampling networks.

`conv_net` and `deconv_net` generalise the course notebook's `build_conv_net`
and `build_deconv_net` to any image size: every layer is a 3x3 convolution
with stride 2 and `"same"` padding, so a side of `n` pixels becomes
`ceil(n / 2)`. The up-sampling network starts from the size the
down-sampling network ends with, doubles it per layer and crops the result
to the requested shape, so 28x28 digits work with any number of layers that
28 pixels allow (up to 5), and 64x64 faces with up to 6.

A little over 400 lines: `conv_net` and `deconv_net` mirror each other and
share their checks.
"""

import math
from collections.abc import Sequence

import keras
from keras import layers

from mnist_arith._validation import check_image_shape
from mnist_arith._validation import check_not_given
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith.models.convolution import TransposedConvolution

# Defined in `generative` now; still importable from here, as text2image does.
from mnist_arith.models.generative import OneHot  # noqa: F401

OUTPUT_LAYERS = ("convolution", "transposed")
"""What may draw the image channels of `deconv_net`."""


def max_num_layers(size: int) -> int:
    """The most stride-2 layers a side of `size` pixels allows.

    Every stride-2 layer must receive at least 2 pixels, so the count is the
    number of halvings (rounding up) that keep the side above 1 pixel.

    Args:
        size: a side of an image in pixels.

    Returns:
        The largest valid `num_layers` for that side.

    Examples:
        >>> max_num_layers(28), max_num_layers(64), max_num_layers(1)
        (5, 6, 0)
    """
    count = 0
    while size > 1:
        size = math.ceil(size / 2)
        count += 1
    return count


def conv_net(
    input_shape: Sequence[int],
    output_size: int,
    *,
    num_layers: int = 2,
    filters: int = 32,
    filter_growth: int = 2,
    activation: str = "relu",
    output_activation: str | None = None,
    batch_norm: bool = False,
    kernel_size: int = 3,
    hidden_units: int | None = None,
    name: str = "conv_net",
) -> keras.Model:
    """Builds a down-sampling convolutional network ending in a dense layer.

    `num_layers` 3x3 convolutions with stride 2 and `"same"` padding (layer
    `i` has `filters * filter_growth**i` filters), then `Flatten` and
    `Dense(output_size, output_activation)`. The course's
    `build_conv_net(in_shape, out_shape, 4, 128, activation)` is
    `conv_net(in_shape, out_shape, num_layers=4, filters=128,
    filter_growth=1, output_activation=activation)`.

    Args:
        input_shape: `(height, width, channels)` of the images.
        output_size: units of the final dense layer.
        num_layers: how many stride-2 convolutions; each must receive at
            least 2 pixels per side (at most 5 for 28x28, 6 for 64x64).
        filters: filters of the first convolution.
        filter_growth: factor applied to the filters from one layer to the
            next (`1` keeps them constant as the course does, `2` doubles).
        activation: activation of the convolutions.
        output_activation: activation of the final dense layer.
        batch_norm: whether every convolution but the first is batch
            normalised before its activation (as in DCGAN discriminators).
        kernel_size: the convolutions' kernel size.
        hidden_units: units of a dense layer between `Flatten` and the
            output (with the convolutions' activation), or `None` for none.
        name: name of the model.

    Returns:
        A functional `keras.Model` mapping `[batch, *input_shape]` images to
        `[batch, output_size]`.

    Raises:
        ValueError: for a malformed shape or size, more layers than the image
            can be down-sampled by, or an argument that cannot apply:
            `filter_growth` with one layer, `batch_norm` with one layer and no
            `hidden_units` (the first convolution is never normalised).

    Examples:
        >>> network = conv_net((28, 28, 1), 10, output_activation="softmax")
        >>> network.output_shape
        (None, 10)
        >>> [layer.output.shape[1:] for layer in network.layers[1:3]]
        [(14, 14, 32), (7, 7, 64)]
    """
    input_shape = check_image_shape(input_shape, "input_shape")
    output_size = check_positive_int(output_size, "output_size")
    check_stack(input_shape, num_layers, filters, filter_growth)
    _check_layer_sizes(num_layers, filter_growth, kernel_size, hidden_units)
    num_layers, filters, filter_growth, kernel_size, hidden_units = _as_ints(
        num_layers, filters, filter_growth, kernel_size, hidden_units
    )
    if num_layers == 1 and hidden_units is None:
        check_not_given(
            "batch_norm",
            batch_norm,
            "with num_layers=1 and no hidden_units: the first convolution is "
            "never normalised, so no layer would be",
            default=False,
        )
    inputs = keras.Input(input_shape, name="images")
    features = downsample(
        inputs,
        num_layers=num_layers,
        filters=filters,
        filter_growth=filter_growth,
        activation=activation,
        batch_norm=batch_norm,
        kernel_size=kernel_size,
        hidden_units=hidden_units,
    )
    outputs = layers.Dense(output_size, activation=output_activation, name="output")(
        features
    )
    return keras.Model(inputs, outputs, name=name)


def deconv_net(
    latent_dim: int,
    output_shape: Sequence[int],
    *,
    num_layers: int = 2,
    filters: int = 32,
    filter_growth: int = 2,
    activation: str = "relu",
    output_activation: str | None = "sigmoid",
    batch_norm: bool = False,
    kernel_size: int = 3,
    hidden_units: int | None = None,
    output_layer: str = "convolution",
    name: str = "deconv_net",
) -> keras.Model:
    """Builds an up-sampling network from a latent vector to an image.

    A dense layer fills a small feature map (the size `conv_net` would end
    with), `num_layers` 3x3 transposed convolutions with stride 2 double it
    (mirroring `conv_net`: the last one has `filters` filters, each earlier
    one `filter_growth` times more), a crop trims any excess (28x28 with 3
    layers grows 4 -> 32 and crops to 28), and a 3x3 convolution gives the
    image channels with `output_activation` (or, with
    `output_layer="transposed"`, the last transposed convolution does). The
    course's `build_deconv_net(latent_dim, 4, 128, activation)` for 64x64x3
    images is `deconv_net(latent_dim, (64, 64, 3), num_layers=4,
    filters=128, filter_growth=1, output_activation=activation)`.

    Args:
        latent_dim: size of the input vector.
        output_shape: `(height, width, channels)` of the images.
        num_layers: how many stride-2 transposed convolutions (at most 5 for
            28x28, 6 for 64x64).
        filters: filters of the last transposed convolution.
        filter_growth: factor between the filters of consecutive layers,
            counted from the output (`1` keeps them constant).
        activation: activation of the dense layer and transposed
            convolutions.
        output_activation: activation of the image, `"sigmoid"` for data in
            [0, 1] and `"tanh"` for [-1, 1].
        batch_norm: whether the dense layer and every transposed convolution
            are batch normalised before their activation (as in DCGAN
            generators).
        kernel_size: the transposed convolutions' kernel size.
        hidden_units: units of a dense layer before the one that fills the
            feature map, or `None` for none.
        output_layer: what draws the image channels: `"convolution"`, a 3x3
            convolution after the last transposed convolution (the course's
            networks), or `"transposed"`, the last transposed convolution
            itself, so that the network mirrors `conv_net` layer for layer
            as DCGAN and InfoGAN generators do (the transposed convolution
            before it has `filters` filters).
        name: name of the model.

    Returns:
        A functional `keras.Model` mapping `[batch, latent_dim]` to
        `[batch, *output_shape]`.

    Raises:
        ValueError: for a malformed shape or size, more layers than the image
            can be up-sampled by, or `filter_growth` with one layer (where it
            cannot apply).

    Examples:
        >>> network = deconv_net(16, (28, 28, 1), num_layers=3)
        >>> network.output_shape
        (None, 28, 28, 1)
        >>> network = deconv_net(16, (28, 28, 1), output_layer="transposed")
        >>> [layer.output.shape[1:] for layer in network.layers[-2:]]
        [(14, 14, 32), (28, 28, 1)]
    """
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    output_shape = check_image_shape(output_shape, "output_shape")
    check_stack(output_shape, num_layers, filters, filter_growth)
    _check_layer_sizes(num_layers, filter_growth, kernel_size, hidden_units)
    num_layers, filters, filter_growth, kernel_size, hidden_units = _as_ints(
        num_layers, filters, filter_growth, kernel_size, hidden_units
    )
    check_one_of(output_layer, "output_layer", OUTPUT_LAYERS)
    inputs = keras.Input((latent_dim,), name="latent")
    outputs = upsample(
        inputs,
        output_shape,
        num_layers=num_layers,
        filters=filters,
        filter_growth=filter_growth,
        activation=activation,
        output_activation=output_activation,
        batch_norm=batch_norm,
        kernel_size=kernel_size,
        hidden_units=hidden_units,
        output_layer=output_layer,
    )
    return keras.Model(inputs, outputs, name=name)


def downsample(
    inputs,
    *,
    num_layers,
    filters,
    filter_growth=2,
    activation="relu",
    batch_norm=False,
    kernel_size=3,
    hidden_units=None,
    prefix="conv",
):
    """Applies `conv_net`'s layers but the output to a tensor (no checks).

    For the package's factories that build their own heads (such as a VAE's
    mean and log-variance); the arguments are `conv_net`'s.
    """
    x = inputs
    for index in range(num_layers):
        # As in DCGAN, the first convolution sees the images unnormalised.
        normalised = batch_norm and index > 0
        x = layers.Conv2D(
            filters * filter_growth**index,
            kernel_size,
            strides=2,
            padding="same",
            **_layer_options(activation, normalised),
            name=f"{prefix}_{index}",
        )(x)
        x = _normalised(x, activation, normalised, f"{prefix}_{index}")
    x = layers.Flatten(name="flatten")(x)
    return dense_block(x, hidden_units, activation, batch_norm)


def dense_block(x, units, activation, batch_norm, name="hidden"):
    """A dense layer named `name` with its activation (batch-normalised if asked).

    Returns `x` unchanged when `units` is `None`.
    """
    if units is None:
        return x
    x = layers.Dense(units, **_layer_options(activation, batch_norm), name=name)(x)
    return _normalised(x, activation, batch_norm, name)


def _layer_options(activation, batch_norm):
    """A layer's own activation and bias, unless batch normalisation follows."""
    if batch_norm:
        return {"activation": None, "use_bias": False}
    return {"activation": activation}


def _normalised(x, activation, batch_norm, name):
    """Batch normalisation and then the activation, if asked for."""
    if not batch_norm:
        return x
    x = layers.BatchNormalization(name=f"{name}_norm")(x)
    return layers.Activation(activation, name=f"{name}_activation")(x)


def upsample(
    inputs,
    output_shape,
    *,
    num_layers,
    filters,
    filter_growth=2,
    activation="relu",
    output_activation="sigmoid",
    batch_norm=False,
    kernel_size=3,
    hidden_units=None,
    output_layer="convolution",
    prefix="deconv",
):
    """Applies `deconv_net`'s layers to a latent tensor (no checks).

    For the package's factories whose decoders take more than a latent
    vector (such as labels); the arguments are `deconv_net`'s.
    """
    height, width, channels = output_shape
    start_height = _downsampled_size(height, num_layers)
    start_width = _downsampled_size(width, num_layers)
    start_filters = filters * filter_growth ** (num_layers - 1)
    # A transposed output layer takes the place of the last hidden one.
    num_hidden = num_layers - 1 if output_layer == "transposed" else num_layers
    x = dense_block(inputs, hidden_units, activation, batch_norm)
    x = dense_block(
        x, start_height * start_width * start_filters, activation, batch_norm, "dense"
    )
    x = layers.Reshape((start_height, start_width, start_filters), name="reshape")(x)
    for index in range(num_hidden):
        x = TransposedConvolution(
            filters * filter_growth ** (num_hidden - 1 - index),
            kernel_size,
            strides=2,
            padding="same",
            **_layer_options(activation, batch_norm),
            name=f"{prefix}_{index}",
        )(x)
        x = _normalised(x, activation, batch_norm, f"{prefix}_{index}")
    extra_height = start_height * 2**num_layers - height
    extra_width = start_width * 2**num_layers - width
    if output_layer == "transposed":
        x = TransposedConvolution(
            channels,
            kernel_size,
            strides=2,
            padding="same",
            activation=output_activation,
            name="output",
        )(x)
        return _cropped(x, extra_height, extra_width)
    x = _cropped(x, extra_height, extra_width)
    return layers.Conv2D(
        channels, 3, padding="same", activation=output_activation, name="output"
    )(x)


def _cropped(x, extra_height, extra_width):
    """Trims `extra` rows and columns, half on each side, if there are any."""
    if not (extra_height or extra_width):
        return x
    return layers.Cropping2D(
        (
            (extra_height // 2, extra_height - extra_height // 2),
            (extra_width // 2, extra_width - extra_width // 2),
        ),
        name="crop",
    )(x)


def _downsampled_size(size, num_layers):
    for _ in range(num_layers):
        size = math.ceil(size / 2)
    return size


def check_stack(image_shape, num_layers, filters, filter_growth) -> None:
    """Checks a stride-2 stack's sizes against the image it samples.

    Args:
        image_shape: `(height, width, channels)` of the images.
        num_layers: how many stride-2 layers; each needs at least 2 pixels.
        filters: filters of the widest-resolution layer.
        filter_growth: factor between consecutive layers' filters.

    Raises:
        ValueError: for a non-positive size, or more layers than the image
            can be down- or up-sampled by, naming the argument.

    Example:
        >>> try:
        ...     check_stack((28, 28, 1), 6, 32, 2)
        ... except ValueError as error:
        ...     print(str(error).split("Received: ")[1])
        num_layers=6
    """
    check_positive_int(num_layers, "num_layers")
    check_positive_int(filters, "filters")
    check_positive_int(filter_growth, "filter_growth")
    height, width, _ = image_shape
    limit = min(max_num_layers(height), max_num_layers(width))
    if num_layers > limit:
        raise ValueError(
            f"An image of {height}x{width} pixels can be down- or up-sampled by "
            f"at most {limit} stride-2 layers (each needs at least 2 pixels "
            f"per side). Received: num_layers={num_layers}"
        )


def _as_ints(*sizes):
    """Checked sizes as Python integers (`None` stays): Keras takes `int` only."""
    return tuple(None if size is None else int(size) for size in sizes)


def _check_layer_sizes(num_layers, filter_growth, kernel_size, hidden_units):
    check_positive_int(kernel_size, "kernel_size")
    if hidden_units is not None:
        check_positive_int(hidden_units, "hidden_units")
    if num_layers == 1:
        check_not_given(
            "filter_growth",
            filter_growth,
            "with num_layers=1: one layer has no next layer to grow to",
            default=2,
        )
