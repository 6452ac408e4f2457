"""The course's convolutional autoencoder (CAE)."""

import keras

from mnist_arith.models.blocks import _settings
from mnist_arith.models.blocks import _stack_settings
from mnist_arith.models.blocks import conv_net
from mnist_arith.models.blocks import deconv_net

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


@keras.saving.register_keras_serializable(package="mnist_arith")
class Autoencoder(keras.Model):
    """An encoder and a decoder trained to reproduce their input.

    Args:
        encoder: a model from images to `[batch, latent_dim]` codes.
        decoder: a model from codes to images.
        **kwargs: `keras.Model` arguments such as `name`.

    Examples:
        >>> model = autoencoder(latent_dim=4, filters=4)
        >>> model.encoder.output_shape, model.decoder.output_shape
        ((None, 4), (None, 28, 28, 1))
    """

    num_classes = None
    """Autoencoders are never conditional (for the `latent` helpers)."""

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.latent_dim = decoder.inputs[0].shape[-1]
        self.image_shape = tuple(decoder.outputs[0].shape[1:])
        self.built = True

    def call(self, inputs, training=None):
        """Encodes and decodes images."""
        return self.decoder(self.encoder(inputs, training=training), training=training)

    def get_config(self):
        """The model's arguments, with the encoder and decoder serialized."""
        config = super().get_config()
        config.update(
            {
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder),
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuilds the model from `get_config()`."""
        config = dict(config)
        for name in ("encoder", "decoder"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)


def autoencoder(
    input_shape: tuple[int, int, int] | None = None,
    latent_dim: int | None = None,
    *,
    num_layers: int | None = None,
    filters: int | None = None,
    learning_rate: float | None = None,
    preset: str = "digits",
) -> Autoencoder:
    """Builds and compiles the course's convolutional autoencoder.

    The encoder is `conv_net` to a linear code, the decoder `deconv_net`
    with a sigmoid output, trained with binary cross-entropy and Adam.
    Arguments left `None` come from the preset: `"digits"` (28x28x1, code of
    32, 2 layers of 32 then 64 filters, learning rate 1e-3) or `"faces"` (the
    course notebook: 64x64x3, code of 512, 4 layers of 128 filters).

    Args:
        input_shape: `(height, width, channels)` of the images, in [0, 1].
        latent_dim: the size of the code.
        num_layers: stride-2 layers of encoder and decoder.
        filters: filters of the encoder's first (decoder's last) layer.
        learning_rate: Adam's learning rate.
        preset: `"digits"` or `"faces"`.

    Returns:
        A compiled `Autoencoder`, ready for `fit(images, images)`.

    Raises:
        ValueError: for an unknown preset or invalid sizes.

    Examples:
        >>> import numpy as np
        >>> model = autoencoder(latent_dim=4, filters=4)  # small, for a quick look
        >>> model.predict(np.zeros((2, 28, 28, 1)), verbose=0).shape
        (2, 28, 28, 1)
        >>> autoencoder(preset="faces").encoder.output_shape  # the course's CAE
        (None, 512)
    """
    settings = _settings(
        AUTOENCODER_PRESETS,
        preset,
        input_shape=input_shape,
        latent_dim=latent_dim,
        num_layers=num_layers,
        filters=filters,
        learning_rate=learning_rate,
    )
    stack = _stack_settings(settings)
    encoder = conv_net(
        settings["input_shape"], settings["latent_dim"], name="encoder", **stack
    )
    decoder = deconv_net(
        settings["latent_dim"],
        settings["input_shape"],
        output_activation="sigmoid",
        name="decoder",
        **stack,
    )
    model = Autoencoder(encoder, decoder, name="autoencoder")
    model.compile(
        optimizer=keras.optimizers.Adam(settings["learning_rate"]),
        loss="binary_crossentropy",
    )
    return model
