"""The course's variational autoencoder, optionally conditioned on class labels.

The VAE trains with a plain `fit` on every backend: it overrides
`compute_loss`, not `train_step`, so Keras' own trainers differentiate it.
"""

import keras
from keras import ops

from mnist_arith._validation import check_num_classes
from mnist_arith._validation import check_number
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_seed
from mnist_arith._validation import fail
from mnist_arith.models.blocks import downsample
from mnist_arith.models.blocks import upsample
from mnist_arith.models.generative import GenerativeModel
from mnist_arith.models.generative import image_inputs
from mnist_arith.models.generative import latent_inputs
from mnist_arith.models.generative import with_labels
from mnist_arith.models.presets import VAE_PRESETS
from mnist_arith.models.presets import resolve_settings
from mnist_arith.models.presets import stack_arguments
from mnist_arith.models.sampling import load_seed_state
from mnist_arith.models.sampling import save_seed_state

RECONSTRUCTION_LOSSES = ("binary_crossentropy", "mean_squared_error")


@keras.saving.register_keras_serializable(package="mnist_arith")
class Sampling(keras.layers.Layer):
    """Draws `mean + exp(log_variance / 2) * noise` (the reparametrisation trick).

    The layer owns a `keras.random.SeedGenerator`, so every call draws new
    noise, also inside a compiled JAX train step. Its state is saved with the
    layer, so a loaded model continues the noise stream instead of replaying
    it.

    Args:
        seed: the seed of the generator (`None`: a random one).
        **kwargs: `keras.layers.Layer` arguments such as `name`.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = check_seed(seed, allow_none=True)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.built = True

    def call(self, inputs):
        """Samples latents from `[mean, log_variance]`."""
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            fail("inputs", "[mean, log_variance]", inputs)
        mean, log_variance = inputs
        if tuple(mean.shape) != tuple(log_variance.shape):
            raise ValueError(
                "`mean` and `log_variance` must have the same shape. Received: "
                f"mean.shape={tuple(mean.shape)}, "
                f"log_variance.shape={tuple(log_variance.shape)}"
            )
        noise = keras.random.normal(
            ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator
        )
        return mean + ops.exp(0.5 * log_variance) * noise

    def compute_output_shape(self, input_shape):
        """The shape of the mean."""
        return input_shape[0]

    def save_own_variables(self, store):
        """Saves the seed generator's state, so that loading continues it."""
        super().save_own_variables(store)
        save_seed_state(store, self.seed_generator)

    def load_own_variables(self, store):
        """Restores the seed generator's state (files of 0.1.0 have none)."""
        super().load_own_variables(load_seed_state(store, self.seed_generator))

    def get_config(self):
        """The layer's arguments."""
        config = super().get_config()
        config.update({"seed": self.seed})
        return config


@keras.saving.register_keras_serializable(package="mnist_arith")
class VAE(GenerativeModel):
    """A variational autoencoder: an encoder, a sampler and a decoder.

    Trains with `fit(images)` (conditional: `fit([images, labels])`) on the
    loss `reconstruction + kl`, both reported as metrics:
    `reconstruction_loss` is the mean per-pixel binary cross-entropy (or
    squared error) and `kl_loss` is `beta` times the KL divergence from the
    prior divided by the pixels per image, the course's scaling (with
    `beta=1` the total is the negative ELBO per pixel). `sample_weight` is
    ignored. Called on images it returns reconstructions: from the posterior
    mean at inference, from a sample when `training=True` (then as a dict
    with the `mean` and `log_variance` the loss needs). Evaluation uses the
    posterior-mean reconstruction.

    Args:
        encoder: a model from images (conditional: `[images, labels]`) to
            `[mean, log_variance]`, each `[batch, latent_dim]`.
        decoder: a model from `[batch, latent_dim]` latents (conditional:
            `[latents, labels]`) to images.
        num_classes: the number of classes of a conditional VAE, else `None`.
        beta: the weight of the KL term (`1` is the standard VAE).
        reconstruction_loss: `"binary_crossentropy"` (images in [0, 1]) or
            `"mean_squared_error"`.
        seed: the seed of the sampling noise.
        **kwargs: `keras.Model` arguments such as `name`.

    Examples:
        >>> model = vae(latent_dim=4, filters=4)
        >>> model.encoder.name, model.decoder.name, model.latent_dim
        ('encoder', 'decoder', 4)
        >>> model.generate(3, seed=0).shape
        (3, 28, 28, 1)
    """

    sub_model_names = ("encoder", "decoder")
    encoder_name = "encoder"

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        *,
        num_classes: int | None = None,
        beta: float = 1.0,
        reconstruction_loss: str = "binary_crossentropy",
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(num_classes=num_classes, num_codes=None, **kwargs)
        check_one_of(reconstruction_loss, "reconstruction_loss", RECONSTRUCTION_LOSSES)
        beta = check_number(beta, "beta", 0)
        seed = check_seed(seed, allow_none=True)
        self._check_sub_models(encoder=encoder, decoder=decoder)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.reconstruction_loss = reconstruction_loss
        self.seed = seed
        self.sampler = Sampling(seed, name="sampling")
        self.reconstruction_loss_tracker = keras.metrics.Mean(
            name="reconstruction_loss"
        )
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.built = True

    def call(self, inputs, training=None):
        """Reconstructs images (a dict of loss inputs when `training`)."""
        labels = self._split_inputs(inputs)[1]
        mean, log_variance = self.encoder(inputs, training=training)
        if not training:
            return self.decoder(with_labels(mean, labels), training=training)
        latents = self.sampler([mean, log_variance])
        reconstruction = self.decoder(with_labels(latents, labels), training=training)
        return {
            "reconstruction": reconstruction,
            "mean": mean,
            "log_variance": log_variance,
        }

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The per-pixel reconstruction loss plus the scaled KL divergence."""
        images = self._split_inputs(x)[0]
        if isinstance(y_pred, dict):
            reconstruction = y_pred["reconstruction"]
            mean, log_variance = y_pred["mean"], y_pred["log_variance"]
        else:
            reconstruction = y_pred
            mean, log_variance = self.encoder(x, training=False)
        images = ops.cast(images, reconstruction.dtype)
        if self.reconstruction_loss == "binary_crossentropy":
            pixel_losses = ops.binary_crossentropy(images, reconstruction)
        else:
            pixel_losses = ops.square(images - reconstruction)
        reconstruction_loss = ops.mean(pixel_losses)
        divergence = -0.5 * ops.sum(
            1 + log_variance - ops.square(mean) - ops.exp(log_variance), axis=-1
        )
        num_pixels = 1
        for size in self.image_shape:
            num_pixels *= size
        kl_loss = self.beta * ops.mean(divergence) / num_pixels
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        total = reconstruction_loss + kl_loss
        if self.losses:
            total = total + ops.sum(self.losses)
        return total

    def _sampling_seed(self):
        return self.sampler.seed_generator

    def get_config(self):
        """The model's arguments, with the encoder and decoder serialised."""
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "beta": self.beta,
                "reconstruction_loss": self.reconstruction_loss,
                "seed": self.seed,
            }
        )
        return config


def vae(
    input_shape: tuple[int, int, int] | None = None,
    latent_dim: int | None = None,
    *,
    num_classes: int | None = None,
    num_layers: int | None = None,
    filters: int | None = None,
    learning_rate: float | None = None,
    preset: str = "digits",
    seed: int | None = None,
) -> VAE:
    """Builds and compiles a convolutional VAE: by default, our best digit VAE.

    The encoder is the course's `build_conv_net` with two dense heads (mean
    and log-variance), the decoder its `build_deconv_net` with a sigmoid
    output, trained with Adam. Arguments left `None` come from the preset:
    `"digits"` (the default: 28x28x1, latent 8, 2 layers of 64 then 128
    filters with 4x4 kernels, learning rate 1e-3; its prior samples score
    higher with the digit reader than the small design's, BENCHMARKS.md),
    `"digits-small"` (the course notebook's design at the digits' size:
    latent 16, 32 then 64 3x3 filters, the default of earlier versions;
    about four times faster to train) or `"faces"` (the course notebook:
    64x64x3, latent 64, 4 layers of 64 filters, 1e-3; it trained with
    batches of 8). A conditional
    VAE (`num_classes=10`) gets the one-hot label as extra image channels in
    the encoder and extra latent entries in the decoder, so
    `generate(n, labels=7)` draws sevens.

    Args:
        input_shape: `(height, width, channels)` of the images, in [0, 1].
        latent_dim: the latent size.
        num_classes: the number of classes for a conditional VAE.
        num_layers: stride-2 layers of encoder and decoder.
        filters: filters of the encoder's first (decoder's last) layer.
        learning_rate: Adam's learning rate.
        preset: `"digits"`, `"digits-small"` or `"faces"`.
        seed: the seed of the sampling noise.

    Returns:
        A compiled `VAE`, ready for `fit(images)` (conditional:
        `fit([images, labels])`).

    Raises:
        ValueError: for an unknown preset or invalid sizes.

    Examples:
        >>> model = vae(num_classes=10, latent_dim=4, filters=4)
        >>> model.generate(2, labels=7, seed=0).shape
        (2, 28, 28, 1)
    """
    check_num_classes(num_classes)
    seed = check_seed(seed, allow_none=True)
    settings = resolve_settings(
        VAE_PRESETS,
        preset,
        input_shape=input_shape,
        latent_dim=latent_dim,
        num_layers=num_layers,
        filters=filters,
        learning_rate=learning_rate,
    )
    stack = {
        **stack_arguments(settings),
        "activation": "relu",
        "kernel_size": settings["kernel_size"],
    }
    image_shape, latent_size = settings["input_shape"], settings["latent_dim"]
    inputs, features = image_inputs(image_shape, num_classes)
    features = downsample(features, **stack)
    mean = keras.layers.Dense(latent_size, name="mean")(features)
    log_variance = keras.layers.Dense(latent_size, name="log_variance")(features)
    encoder = keras.Model(inputs, [mean, log_variance], name="encoder")
    inputs, latents = latent_inputs(latent_size, num_classes)
    images = upsample(latents, image_shape, output_activation="sigmoid", **stack)
    decoder = keras.Model(inputs, images, name="decoder")
    model = VAE(encoder, decoder, num_classes=num_classes, seed=seed, name="vae")
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]))
    return model
