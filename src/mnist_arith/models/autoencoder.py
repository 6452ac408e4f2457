"""The course's convolutional autoencoder (CAE)."""

import keras

from mnist_arith.models.blocks import conv_net
from mnist_arith.models.blocks import deconv_net
from mnist_arith.models.generative import GenerativeModel
from mnist_arith.models.presets import AUTOENCODER_PRESETS
from mnist_arith.models.presets import resolve_settings
from mnist_arith.models.presets import stack_arguments


@keras.saving.register_keras_serializable(package="mnist_arith")
class Autoencoder(GenerativeModel):
    """An encoder and a decoder trained to reproduce their input.

    A `GenerativeModel`: `encode` and `decode` go between images in [0, 1]
    and codes; `generate` decodes standard normal codes, which an
    autoencoder (unlike a VAE) was never trained to give meaning to, so
    expect rough images.

    Args:
        encoder: a model from images to `[batch, latent_dim]` codes.
        decoder: a model from codes to images.
        **kwargs: `keras.Model` arguments such as `name`.

    Raises:
        ValueError: for an encoder or decoder that is not a functional
            `keras.Model`, or codes of the encoder that the decoder does not
            take.

    Examples:
        >>> model = autoencoder(latent_dim=4, filters=4)
        >>> model.encoder.output_shape, model.decoder.output_shape
        ((None, 4), (None, 28, 28, 1))
        >>> model.latent_dim, model.value_range, model.num_classes
        (4, (0.0, 1.0), None)
    """

    sub_model_names = ("encoder", "decoder")
    encoder_name = "encoder"

    def __init__(self, encoder: keras.Model, decoder: keras.Model, **kwargs):
        super().__init__(num_classes=None, num_codes=None, **kwargs)
        self._check_sub_models(encoder=encoder, decoder=decoder)
        code_shape = tuple(encoder.outputs[0].shape[1:])
        latent_shape = tuple(decoder.inputs[0].shape[1:])
        if len(encoder.outputs) != 1 or code_shape != latent_shape:
            raise ValueError(
                "The decoder must take the encoder's codes. Received: encoder "
                f"outputs of shape {code_shape}, decoder inputs of shape "
                f"{latent_shape}"
            )
        self.encoder = encoder
        self.decoder = decoder
        self.built = True

    def call(self, inputs, training=None):
        """Encodes and decodes images."""
        return self.decoder(self.encoder(inputs, training=training), training=training)


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
    settings = resolve_settings(
        AUTOENCODER_PRESETS,
        preset,
        input_shape=input_shape,
        latent_dim=latent_dim,
        num_layers=num_layers,
        filters=filters,
        learning_rate=learning_rate,
    )
    stack = stack_arguments(settings)
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
