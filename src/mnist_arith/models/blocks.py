"""Convolutional building blocks: down-sampling and up-sampling networks.

`conv_net` and `deconv_net` generalise the course notebook's `build_conv_net`
and `build_deconv_net` to any image size: every layer is a 3x3 convolution
with stride 2 and `"same"` padding, so a side of `n` pixels becomes
`ceil(n / 2)`. The up-sampling network starts from the size the
down-sampling network ends with, doubles it per layer and crops the result
to the requested shape, so 28x28 digits work with any number of layers that
28 pixels allow (up to 5), and 64x64 faces with up to 6.
"""

import math
from collections.abc import Sequence

import keras
from keras import layers
from keras import ops

from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number

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
        ValueError: for a malformed shape or size, or more layers than the
            image can be down-sampled by.

    Examples:
        >>> network = conv_net((28, 28, 1), 10, output_activation="softmax")
        >>> network.output_shape
        (None, 10)
        >>> [layer.output.shape[1:] for layer in network.layers[1:3]]
        [(14, 14, 32), (7, 7, 64)]
    """
    input_shape = _check_image_shape(input_shape, "input_shape")
    check_positive_int(output_size, "output_size")
    _check_stack(input_shape, num_layers, filters, filter_growth)
    _check_layer_sizes(kernel_size, hidden_units)
    inputs = keras.Input(input_shape, name="images")
    features = _downsample(
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
        ValueError: for a malformed shape or size, or more layers than the
            image can be up-sampled by.

    Examples:
        >>> network = deconv_net(16, (28, 28, 1), num_layers=3)
        >>> network.output_shape
        (None, 28, 28, 1)
        >>> network = deconv_net(16, (28, 28, 1), output_layer="transposed")
        >>> [layer.output.shape[1:] for layer in network.layers[-2:]]
        [(14, 14, 32), (28, 28, 1)]
    """
    check_positive_int(latent_dim, "latent_dim")
    output_shape = _check_image_shape(output_shape, "output_shape")
    _check_stack(output_shape, num_layers, filters, filter_growth)
    _check_layer_sizes(kernel_size, hidden_units)
    _check_output_layer(output_layer)
    inputs = keras.Input((latent_dim,), name="latent")
    outputs = _upsample(
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


def _downsample(
    inputs,
    *,
    num_layers,
    filters,
    filter_growth,
    activation,
    batch_norm=False,
    kernel_size=3,
    hidden_units=None,
    prefix="conv",
):
    """Applies `conv_net`'s convolutions and `Flatten` to a tensor (no checks)."""
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
    return _dense_block(x, hidden_units, activation, batch_norm)


def _dense_block(x, units, activation, batch_norm, name="hidden"):
    """A dense layer with its activation (batch-normalised if asked), if any."""
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


def _upsample(
    inputs,
    output_shape,
    *,
    num_layers,
    filters,
    filter_growth,
    activation,
    output_activation,
    batch_norm=False,
    kernel_size=3,
    hidden_units=None,
    output_layer="convolution",
    prefix="deconv",
):
    """Applies `deconv_net`'s layers to a latent tensor (no checks)."""
    height, width, channels = output_shape
    start_height = _downsampled_size(height, num_layers)
    start_width = _downsampled_size(width, num_layers)
    start_filters = filters * filter_growth ** (num_layers - 1)
    # A transposed output layer takes the place of the last hidden one.
    num_hidden = num_layers - 1 if output_layer == "transposed" else num_layers
    x = _dense_block(inputs, hidden_units, activation, batch_norm)
    x = _dense_block(
        x, start_height * start_width * start_filters, activation, batch_norm, "dense"
    )
    x = layers.Reshape((start_height, start_width, start_filters), name="reshape")(x)
    for index in range(num_hidden):
        x = layers.Conv2DTranspose(
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
        x = layers.Conv2DTranspose(
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


@keras.saving.register_keras_serializable(package="mnist_arith")
class OneHot(keras.layers.Layer):
    """Turns integer class labels into one-hot vectors or constant image planes.

    Conditional models concatenate the result with their inputs: a latent
    vector gets `num_classes` more entries, an image `num_classes` more
    channels (one plane of ones, the others zero).

    Args:
        num_classes: the number of classes.
        spatial_shape: `(height, width)` to broadcast the vectors to as
            `[batch, height, width, num_classes]` planes; `None` keeps
            `[batch, num_classes]`.
        **kwargs: `keras.layers.Layer` arguments such as `name`.

    Examples:
        >>> import numpy as np
        >>> tuple(OneHot(3)(np.array([0, 2])).shape)
        (2, 3)
        >>> tuple(OneHot(10, spatial_shape=(28, 28))(np.array([7])).shape)
        (1, 28, 28, 10)
    """

    def __init__(self, num_classes: int, spatial_shape=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_int(num_classes, "num_classes")
        self.num_classes = num_classes
        self.spatial_shape = None if spatial_shape is None else tuple(spatial_shape)
        self.built = True

    def call(self, labels):
        """Returns `[batch, num_classes]` vectors or `[batch, h, w, classes]`."""
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        vectors = ops.one_hot(labels, self.num_classes, dtype=self.compute_dtype)
        if self.spatial_shape is None:
            return vectors
        vectors = ops.reshape(vectors, (-1, 1, 1, self.num_classes))
        planes = ops.ones((1, *self.spatial_shape, 1), dtype=self.compute_dtype)
        return vectors * planes

    def compute_output_shape(self, input_shape):
        """The shape of `call`'s output."""
        batch = input_shape[0] if len(input_shape) else None
        if self.spatial_shape is None:
            return (batch, self.num_classes)
        return (batch, *self.spatial_shape, self.num_classes)

    def get_config(self):
        """The layer's arguments."""
        config = super().get_config()
        config.update(
            {"num_classes": self.num_classes, "spatial_shape": self.spatial_shape}
        )
        return config


def _image_inputs(image_shape, num_classes):
    """Inputs of an image model: images, plus labels as extra channels."""
    images = keras.Input(image_shape, name="images")
    if num_classes is None:
        return images, images
    labels = keras.Input((), dtype="int32", name="labels")
    planes = OneHot(num_classes, spatial_shape=image_shape[:2], name="label_planes")(
        labels
    )
    features = layers.Concatenate(name="images_and_labels")([images, planes])
    return [images, labels], features


def _latent_inputs(latent_dim, num_classes):
    """Inputs of a latent model: vectors, plus labels as one-hot entries."""
    latents = keras.Input((latent_dim,), name="latent")
    if num_classes is None:
        return latents, latents
    labels = keras.Input((), dtype="int32", name="labels")
    vectors = OneHot(num_classes, name="label_vectors")(labels)
    features = layers.Concatenate(name="latent_and_labels")([latents, vectors])
    return [latents, labels], features


def _downsampled_size(size, num_layers):
    for _ in range(num_layers):
        size = math.ceil(size / 2)
    return size


def _check_image_shape(shape, name):
    try:
        shape = tuple(shape)
    except TypeError:
        shape = None
    if (
        shape is None
        or len(shape) != 3
        or any(
            isinstance(size, bool) or not isinstance(size, int) or size < 1
            for size in shape
        )
    ):
        raise ValueError(
            f"`{name}` must be (height, width, channels) of positive integers. "
            f"Received: {name}={shape!r}"
        )
    return shape


def _check_stack(image_shape, num_layers, filters, filter_growth):
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


def _check_output_layer(output_layer):
    if output_layer not in OUTPUT_LAYERS:
        raise ValueError(
            f"`output_layer` must be one of {OUTPUT_LAYERS}. "
            f"Received: output_layer={output_layer!r}"
        )


def _check_layer_sizes(kernel_size, hidden_units):
    check_positive_int(kernel_size, "kernel_size")
    if hidden_units is not None:
        check_positive_int(hidden_units, "hidden_units")


def _settings(presets, preset, **overrides):
    """A factory's settings: the preset's, with the arguments that were given."""
    if preset not in presets:
        raise ValueError(
            f"`preset` must be one of {sorted(presets)}. Received: preset={preset!r}"
        )
    settings = dict(presets[preset])
    settings.update(
        {key: value for key, value in overrides.items() if value is not None}
    )
    settings["input_shape"] = _check_image_shape(settings["input_shape"], "input_shape")
    check_positive_int(settings["latent_dim"], "latent_dim")
    _check_stack(
        settings["input_shape"],
        settings["num_layers"],
        settings["filters"],
        settings["filter_growth"],
    )
    check_positive_number(settings["learning_rate"], "learning_rate")
    return settings


def _check_num_classes(num_classes, name="num_classes", absent="unconditional"):
    """Checks a number of classes (or of InfoGAN codes): `None` or at least 2."""
    if num_classes is not None and (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, int)
        or num_classes < 2
    ):
        raise ValueError(
            f"`{name}` must be None ({absent}) or an integer of at least 2. "
            f"Received: {name}={num_classes!r}"
        )


def _stack_settings(settings):
    """The conv/deconv stack arguments of resolved factory settings."""
    return {
        "num_layers": settings["num_layers"],
        "filters": settings["filters"],
        "filter_growth": settings["filter_growth"],
    }
