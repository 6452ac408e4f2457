"""What the generative models share: one base class and their conditional inputs.

`GenerativeModel` is to `Autoencoder`, `VAE` and `GAN` what KerasHub's `Task`
is to its tasks: it holds the named sub-models (encoder, decoder, generator,
discriminator, ...) and serialises them once, and it gives every model the
same read-only description (`latent_dim`, `image_shape`, `value_range`,
`num_classes`, `num_codes`) and the same `encode`, `decode` and `generate`.
The helpers of `mnist_arith.latent` take any `GenerativeModel`.

`serialize_sub_models` and `deserialize_sub_models` are the serialisation
written once, for any model class that holds sub-models under constructor
arguments of the same name. `OneHot`, `image_inputs` and `latent_inputs` give
conditional networks their labels.

A little over 400 lines: the base class documents the interface every
generative model and `latent.py` rely on.
"""

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers
from keras import ops

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_num_classes
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_seed
from mnist_arith.models.sampling import check_latents
from mnist_arith.models.sampling import check_random_seed
from mnist_arith.models.sampling import check_values
from mnist_arith.models.sampling import resolve_labels
from mnist_arith.models.sampling import sample_prior


def serialize_sub_models(
    model, names: Sequence[str], *, compile_config: bool = True
) -> dict:
    """The configs of a model's sub-models, one key per attribute name.

    Args:
        model: the model holding the sub-models as attributes.
        names: the attributes (and constructor arguments) to serialise; an
            attribute that is `None` gives `None`.
        compile_config: whether a compiled sub-model's compile settings are
            kept. A model that trains its parts itself leaves them out: a
            nested model restored with them gets an optimizer that a file
            saved before it trained has no variables for.

    Returns:
        A dict from name to `keras.saving.serialize_keras_object` of it.

    Example:
        >>> from mnist_arith.models.vae import vae
        >>> config = serialize_sub_models(vae(latent_dim=2, filters=4), ["decoder"])
        >>> config["decoder"]["class_name"], config["decoder"]["config"]["name"]
        ('Functional', 'decoder')
    """
    configs = {}
    for name in names:
        config = keras.saving.serialize_keras_object(getattr(model, name))
        if config is not None and not compile_config:
            config.pop("compile_config", None)
        configs[name] = config
    return configs


def deserialize_sub_models(config: dict, names: Sequence[str]) -> dict:
    """A copy of `config` with the named sub-models' configs deserialised.

    Names that are missing or `None` in `config` are left as they are, so
    configs saved before a sub-model was added still load.

    Args:
        config: a `get_config()` dict, as `from_config` receives it.
        names: the keys that hold serialised sub-models.

    Returns:
        A new dict, ready for `cls(**config)`.

    Example:
        >>> from mnist_arith.models.vae import vae
        >>> config = serialize_sub_models(vae(latent_dim=2, filters=4), ["decoder"])
        >>> deserialize_sub_models(config, ["decoder", "encoder"])["decoder"].name
        'decoder'
    """
    config = dict(config)
    for name in names:
        if config.get(name) is not None:
            config[name] = keras.saving.deserialize_keras_object(config[name])
    return config


def check_label_counts(num_classes, num_codes=None) -> tuple[int | None, int | None]:
    """Checks `num_classes` and `num_codes`: each `None` or at least 2, not both.

    Args:
        num_classes: the number of classes of a conditional model, or `None`.
        num_codes: the number of values of an InfoGAN code, or `None`.

    Returns:
        `(num_classes, num_codes)` as Python integers (or `None`).

    Raises:
        ValueError: for a count below 2, or both counts given.

    Example:
        >>> check_label_counts(10, None)
        (10, None)
    """
    num_classes = check_num_classes(num_classes)
    num_codes = check_num_classes(num_codes, "num_codes", "no InfoGAN code")
    if num_classes is not None and num_codes is not None:
        raise ValueError(
            "A model takes either class labels (`num_classes`) or an InfoGAN "
            f"code (`num_codes`), not both. Received: num_classes={num_classes}, "
            f"num_codes={num_codes}"
        )
    return num_classes, num_codes


def with_labels(tensor, labels):
    """A network's input: `tensor`, or `[tensor, labels]` when there are labels."""
    return tensor if labels is None else [tensor, labels]


@keras.saving.register_keras_serializable(package="mnist_arith")
class GenerativeModel(keras.Model):
    """The base of `Autoencoder`, `VAE` and `GAN`: sub-models and one interface.

    A subclass names its sub-models in `sub_model_names` (they are its
    constructor arguments and attributes of the same name; they are
    serialised by `get_config` and rebuilt by `from_config` here), names the
    one that turns latents into images in `decoder_name` and the one that
    turns images into latents, if any, in `encoder_name`. Everything below
    is read from those networks, so a loaded model describes itself.

    Args:
        num_classes: the number of classes of a conditional model, else
            `None`.
        num_codes: the number of values of an InfoGAN's categorical code,
            else `None` (only one of the two may be set).
        **kwargs: `keras.Model` arguments such as `name`.

    Example:
        >>> from mnist_arith.models.gan import gan
        >>> model = gan(latent_dim=4, filters=4, num_classes=10)
        >>> isinstance(model, GenerativeModel), model.latent_dim, model.image_shape
        (True, 4, (28, 28, 1))
        >>> model.value_range, model.num_classes, model.num_codes
        ((-1.0, 1.0), 10, None)
        >>> model.generate(2, labels=3, seed=0).shape
        (2, 28, 28, 1)
    """

    sub_model_names: tuple[str, ...] = ()
    """The constructor arguments that hold sub-models (serialised once here)."""

    decoder_name: str = "decoder"
    """The sub-model from `[batch, latent_dim]` latents (and labels) to images."""

    encoder_name: str | None = None
    """The sub-model from images (and labels) to latents, or `None`."""

    _VALUE_RANGE = (0.0, 1.0)

    def __init__(
        self, *, num_classes: int | None = None, num_codes: int | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        self._num_classes, self._num_codes = check_label_counts(num_classes, num_codes)

    def _check_sub_models(self, **models) -> None:
        """Checks that every given sub-model is a built `keras.Model`."""
        for name, model in models.items():
            if not isinstance(model, keras.Model) or not model.inputs:
                raise ValueError(
                    f"Expected `{name}` to be a functional keras.Model (with "
                    f"inputs). Received: {name} of type {type(model).__name__}"
                )

    @property
    def latent_dim(self) -> int:
        """The size of the latent vectors the decoder takes."""
        return getattr(self, self.decoder_name).inputs[0].shape[-1]

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """`(height, width, channels)` of the images the decoder draws."""
        return tuple(getattr(self, self.decoder_name).outputs[0].shape[1:])

    @property
    def value_range(self) -> tuple[float, float]:
        """The range of the pixels the model draws and trains on."""
        return self._VALUE_RANGE

    @property
    def num_classes(self) -> int | None:
        """The number of classes of a conditional model, else `None`."""
        return self._num_classes

    @property
    def num_codes(self) -> int | None:
        """The number of values of an InfoGAN's code, else `None`."""
        return self._num_codes

    @property
    def _num_labels(self):
        """How many labels (classes or codes) the decoder takes, else `None`."""
        return self._num_codes if self._num_classes is None else self._num_classes

    def _sampling_seed(self):
        """The seed generator `generate` draws from when given no seed."""
        return None  # Keras' global generator.

    def encode(self, images, labels=None, *, sample: bool = False, seed=None):
        """Encodes images to latent vectors with the model's encoder.

        Args:
            images: `[n, height, width, channels]` images scaled as in
                training (see `value_range`).
            labels: the images' labels, required by a conditional model.
            sample: for a VAE, draw from the posterior instead of taking its
                mean.
            seed: the seed of that draw (an integer, a
                `keras.random.SeedGenerator` or `None`).

        Returns:
            A `[n, latent_dim]` float tensor.

        Raises:
            ValueError: for a model without encoder, images of another shape
                or not finite, missing or bad labels, a bad seed, or
                `sample=True` with a model that has no posterior.
        """
        if self.encoder_name is None:
            raise ValueError(
                "`model` must have an encoder (a VAE or autoencoder) to encode "
                f"images. Received: model of type {type(self).__name__}"
            )
        sample = check_bool(sample, "sample")
        seed = check_random_seed(seed)
        images = _as_float_tensor(check_values(images, "images"))
        if len(images.shape) != 4 or tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(
                f"`images` must be [n, {', '.join(map(str, self.image_shape))}] "
                "images, the shape the model was built for. "
                f"Received: images.shape={tuple(images.shape)}"
            )
        if self._num_classes is not None and labels is None:
            raise ValueError(
                "A conditional model encodes images together with their labels. "
                "Received: labels=None"
            )
        labels = resolve_labels(labels, images.shape[0], self._num_classes)
        if labels is not None:
            labels = ops.convert_to_tensor(labels)
        encoder = getattr(self, self.encoder_name)
        outputs = encoder(with_labels(images, labels), training=False)
        if not isinstance(outputs, (list, tuple)):
            if sample:
                raise ValueError(
                    "`sample=True` needs a VAE (an encoder that returns a mean and "
                    "a log-variance). Received: model of type "
                    f"{type(self).__name__}"
                )
            return outputs
        mean, log_variance = outputs
        if not sample:
            return mean
        noise = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=seed)
        return mean + ops.exp(0.5 * log_variance) * noise

    def decode(self, latents, labels=None):
        """Decodes latent vectors to images with the decoder (GAN: generator).

        Args:
            latents: `[n, latent_dim]` vectors.
            labels: for a conditional model (or InfoGAN codes), one label or
                `n` labels; default the classes in turn (`0, 1, ..., 0, ...`).

        Returns:
            A `[n, height, width, channels]` tensor of images in `value_range`.

        Raises:
            ValueError: for a wrong latent size or bad labels.
        """
        latents = check_latents(latents, self.latent_dim, "latents", ndim=2)
        labels = resolve_labels(labels, latents.shape[0], self._num_labels)
        if labels is not None:
            labels = ops.convert_to_tensor(labels)
        decoder = getattr(self, self.decoder_name)
        return decoder(with_labels(latents, labels), training=False)

    def generate(
        self,
        num_samples: int,
        labels=None,
        *,
        seed: int | None = None,
        temperature: float = 1.0,
    ):
        """Decodes samples of the standard normal prior into new images.

        Args:
            num_samples: how many images.
            labels: for a conditional model, one label or `num_samples`
                labels; default the classes in turn. For an InfoGAN, the codes
                in the same way.
            seed: an integer for reproducible images; `None` draws new ones
                from the model's own generator on every call.
            temperature: the standard deviation of the latent samples (the
                course used `1/6` for its VAE).

        Returns:
            A `[num_samples, height, width, channels]` NumPy array in
            `value_range`.

        Raises:
            ValueError: for a bad size, seed, temperature or labels.
        """
        num_samples = check_positive_int(num_samples, "num_samples")
        seed = check_seed(seed, allow_none=True)
        latents = sample_prior(
            num_samples,
            self.latent_dim,
            temperature=temperature,
            seed=self._sampling_seed() if seed is None else seed,
        )
        return ops.convert_to_numpy(self.decode(latents, labels))

    def get_config(self):
        """The model's arguments, with its sub-models serialised."""
        config = super().get_config()
        config.update(serialize_sub_models(self, self.sub_model_names))
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuilds the model from `get_config()` (also of release 0.1.0)."""
        return cls(**deserialize_sub_models(config, cls.sub_model_names))

    def _split_inputs(self, inputs, labels=None, *, name="inputs"):
        """`(images, labels)` of `[images, labels]` data (or images and `labels`).

        Labels are `None` for an unconditional model (an InfoGAN included:
        its codes are drawn, not given).
        """
        kind = type(self).__name__
        if self._num_classes is None:
            if isinstance(inputs, (list, tuple)) or labels is not None:
                received = (
                    f"{name} of {len(inputs)} arrays"
                    if isinstance(inputs, (list, tuple))
                    else f"labels of type {type(labels).__name__}"
                )
                raise ValueError(
                    f"An unconditional {kind} takes images only; build it with "
                    f"`num_classes` to give labels. Received: {received}"
                )
            return inputs, None
        if isinstance(inputs, (list, tuple)) and len(inputs) == 2:
            return inputs[0], inputs[1]
        if labels is None or isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A conditional {kind} takes `[images, labels]`. Received: {name} "
                f"of type {type(inputs).__name__} and no labels"
            )
        return inputs, labels


def _as_float_tensor(values):
    if ops.is_tensor(values):
        return ops.cast(values, keras.config.floatx())
    return ops.convert_to_tensor(np.asarray(values, dtype=keras.config.floatx()))


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
        self.num_classes = check_positive_int(num_classes, "num_classes")
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


def image_inputs(image_shape, num_classes):
    """Inputs of an image model: images, plus labels as extra channels.

    Returns `(inputs, features)`: the `keras.Input` (or `[images, labels]`
    inputs when `num_classes` is given) and the tensor to build on.
    """
    images = keras.Input(image_shape, name="images")
    if num_classes is None:
        return images, images
    labels = keras.Input((), dtype="int32", name="labels")
    planes = OneHot(num_classes, spatial_shape=image_shape[:2], name="label_planes")(
        labels
    )
    features = layers.Concatenate(name="images_and_labels")([images, planes])
    return [images, labels], features


def latent_inputs(latent_dim, num_classes):
    """Inputs of a latent model: vectors, plus labels as one-hot entries.

    Returns `(inputs, features)` as `image_inputs` does.
    """
    latents = keras.Input((latent_dim,), name="latent")
    if num_classes is None:
        return latents, latents
    labels = keras.Input((), dtype="int32", name="labels")
    vectors = OneHot(num_classes, name="label_vectors")(labels)
    features = layers.Concatenate(name="latent_and_labels")([latents, vectors])
    return [latents, labels], features
