"""The course's DCGAN, optionally conditioned on class labels.

Training alternates one discriminator update and one generator update per
batch, each with its own optimizer and fresh noise. The losses are shared
`keras.ops` code below; the few lines that take gradients differ per backend
and live in `mnist_arith.models._backend`.

A little over 400 lines: the GAN's compile, losses and the optimizer that
saves its two halves once belong together.
"""

import keras
from keras import ops

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_positive_number
from mnist_arith._validation import check_seed
from mnist_arith.models import _backend
from mnist_arith.models.augmentation import DifferentiableAugmentation
from mnist_arith.models.blocks import dense_block
from mnist_arith.models.blocks import downsample
from mnist_arith.models.blocks import upsample
from mnist_arith.models.generative import GenerativeModel
from mnist_arith.models.generative import check_label_counts
from mnist_arith.models.generative import image_inputs
from mnist_arith.models.generative import latent_inputs
from mnist_arith.models.generative import with_labels
from mnist_arith.models.presets import GAN_PRESETS
from mnist_arith.models.presets import resolve_settings
from mnist_arith.models.presets import stack_arguments
from mnist_arith.models.sampling import load_seed_state
from mnist_arith.models.sampling import save_seed_state


@keras.saving.register_keras_serializable(package="mnist_arith")
class GAN(GenerativeModel):
    """A generator and a discriminator trained against each other.

    `fit(images)` (conditional: `fit([images, labels])` or
    `fit(images, labels)`; images in [-1, 1] for a tanh generator) runs, per
    batch, one discriminator step on real images and generated ones (binary
    cross-entropy, real = 1) and one generator step that makes the
    discriminator call fakes real (the non-saturating loss), each with fresh
    noise from the model's own `keras.random.SeedGenerator`. The logs report
    `discriminator_loss` and `generator_loss`. Called on noise (conditional:
    `[noise, labels]`) the model returns generated images.

    `compile` takes one optimizer per network. Saving keeps both optimizers'
    settings and state and the noise generator's state, and a loaded model
    continues training (and drawing new noise) as it is.

    With `num_codes` the GAN is an InfoGAN (Chen et al., 2016): the
    generator gets a random categorical code with its noise, the
    discriminator also returns logits that guess the code from the image,
    and both losses add `code_weight` times that guess's cross-entropy, so
    each code must draw something recognisably its own, without any labels
    (on MNIST the paper's codes came to stand for the digit classes).
    `generate(n, labels=codes)` chooses codes the way a conditional GAN's
    labels choose classes.

    Args:
        generator: a model from `[batch, latent_dim]` noise (conditional:
            `[noise, labels]`; InfoGAN: `[noise, codes]`) to images.
        discriminator: a model from images (conditional: `[images, labels]`)
            to `[batch, 1]` probabilities that the images are real (InfoGAN:
            `[probabilities, code_logits]`).
        num_classes: the number of classes of a conditional GAN, else `None`.
        num_codes: the number of values of an InfoGAN's categorical code,
            else `None`.
        code_weight: the weight of the code's cross-entropy in both losses.
        augmentation: a layer applied in training to every image the
            discriminator judges, real or generated (such as
            `DifferentiableAugmentation`), or `None`.
        seed: the seed of the training and sampling noise.
        **kwargs: `keras.Model` arguments such as `name`.

    Examples:
        >>> model = gan(latent_dim=4, filters=4)
        >>> model.generator.name, model.discriminator.name
        ('generator', 'discriminator')
        >>> float(model.generate(4, seed=0).min()) >= -1
        True
    """

    sub_model_names = ("generator", "discriminator", "augmentation")
    decoder_name = "generator"
    _VALUE_RANGE = (-1.0, 1.0)

    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        *,
        num_classes: int | None = None,
        num_codes: int | None = None,
        code_weight: float = 1.0,
        augmentation: keras.layers.Layer | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(num_classes=num_classes, num_codes=num_codes, **kwargs)
        code_weight = check_positive_number(code_weight, "code_weight")
        seed = check_seed(seed, allow_none=True)
        self._check_sub_models(generator=generator, discriminator=discriminator)
        if augmentation is not None and not isinstance(
            augmentation, keras.layers.Layer
        ):
            raise ValueError(
                "Expected `augmentation` to be a keras.layers.Layer or None. "
                f"Received: augmentation of type {type(augmentation).__name__}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.code_weight = code_weight
        self.augmentation = augmentation
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.discriminator_loss_tracker = keras.metrics.Mean(name="discriminator_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.discriminator_optimizer = None
        self.generator_optimizer = None
        self.built = True

    def call(self, inputs, training=None):
        """Generates images from noise (conditional: `[noise, labels]`)."""
        return self.generator(inputs, training=training)

    def compile(
        self,
        discriminator_optimizer: keras.optimizers.Optimizer | str | None = None,
        generator_optimizer: keras.optimizers.Optimizer | str | None = None,
        **kwargs,
    ):
        """Sets one optimizer per network.

        Both are held by a `keras.optimizers.MultiOptimizer` as the model's
        `optimizer`, so that every backend's trainer carries their state.

        Args:
            discriminator_optimizer: an optimizer or its name; default Adam
                with learning rate 2e-4 and `beta_1=0.5` (DCGAN).
            generator_optimizer: the same for the generator; it must be a
                different object.
            **kwargs: other `keras.Model.compile` arguments such as
                `run_eagerly`, `jit_compile` or `steps_per_execution` (no
                `loss`, `metrics` or `optimizer`).

        Raises:
            ValueError: for one optimizer object given twice, or a `loss`,
                `metrics` or `optimizer` argument.
        """
        for name in ("optimizer", "loss", "metrics", "loss_weights"):
            if name in kwargs:
                raise ValueError(
                    "A GAN sets its losses itself and takes "
                    "`discriminator_optimizer` and `generator_optimizer`. "
                    f"Received: {name}={kwargs[name]!r}"
                )
        optimizers = []
        for optimizer in (discriminator_optimizer, generator_optimizer):
            if optimizer is None:
                optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
            optimizers.append(keras.optimizers.get(optimizer))
        if optimizers[0] is optimizers[1]:
            raise ValueError(
                "The discriminator and the generator need two optimizer objects. "
                f"Received: the same {type(optimizers[0]).__name__} twice"
            )
        discriminator_ids = {id(v) for v in self.discriminator.trainable_variables}

        def route(variable):
            return optimizers[0] if id(variable) in discriminator_ids else optimizers[1]

        super().compile(
            optimizer=_GANOptimizer(route, name="gan_optimizer"),
            **kwargs,
        )
        self._compile_arguments = dict(kwargs)
        # Built now: the TensorFlow trainer fails at the end of `fit` otherwise.
        self.optimizer.build(self.trainable_variables)
        self.discriminator_optimizer, self.generator_optimizer = optimizers

    def get_compile_config(self):
        """Both optimizers' configs and the other `compile` arguments."""
        if not self.compiled:
            return {}
        return {
            "discriminator_optimizer": keras.saving.serialize_keras_object(
                self.discriminator_optimizer
            ),
            "generator_optimizer": keras.saving.serialize_keras_object(
                self.generator_optimizer
            ),
            **self._compile_arguments,
        }

    def compile_from_config(self, config):
        """Compiles the model as `get_compile_config` recorded."""
        config = dict(config)
        for name in ("discriminator_optimizer", "generator_optimizer"):
            config[name] = keras.saving.deserialize_keras_object(config[name])
        self.compile(**config)

    @property
    def metrics(self):
        """The two loss trackers."""
        return [self.discriminator_loss_tracker, self.generator_loss_tracker]

    def train_step(self, *args):
        """One discriminator step and one generator step on a batch.

        The backend's trainer decides the signature: `(data)` on TensorFlow
        and PyTorch, `(state, data)` on JAX.
        """
        return _backend.gan_train_step(self, *args)

    def test_step(self, *args):
        """Both losses on a batch, without updates."""
        return _backend.gan_test_step(self, *args)

    def _sampling_seed(self):
        return self.seed_generator

    def save_own_variables(self, store):
        """Saves the noise generator's state, so that loading continues it."""
        super().save_own_variables(store)
        save_seed_state(store, self.seed_generator)

    def load_own_variables(self, store):
        """Restores the noise generator's state (files of 0.1.0 have none)."""
        super().load_own_variables(load_seed_state(store, self.seed_generator))

    def get_config(self):
        """The model's arguments, with both networks serialised."""
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "num_codes": self.num_codes,
                "code_weight": self.code_weight,
                "seed": self.seed,
            }
        )
        return config

    # Shared by the per-backend steps of `_backend`: keras.ops only.

    def _unpack(self, data):
        """Real images and labels (`None` if unconditional) of a batch."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        images, labels = self._split_inputs(x, y, name="x")
        return ops.cast(images, self.compute_dtype), labels

    def _fakes(self, images, labels, training):
        """Fresh fakes, and the InfoGAN codes they were drawn with (or `None`)."""
        batch = ops.shape(images)[0]
        noise = keras.random.normal(
            (batch, self.latent_dim), dtype=self.compute_dtype, seed=self.seed_generator
        )
        codes = None
        if self.num_codes is not None:
            codes = keras.random.randint(
                (batch,), 0, self.num_codes, seed=self.seed_generator
            )
            labels = codes
        fakes = self.generator(with_labels(noise, labels), training=training)
        return fakes, codes

    def _judge(self, images, labels, training):
        """The discriminator's scores (and code logits), after the augmentation."""
        if self.augmentation is not None:
            images = self.augmentation(images, training=training)
        outputs = self.discriminator(with_labels(images, labels), training=training)
        if self.num_codes is None:
            return outputs, None
        return outputs[0], outputs[1]

    def _code_loss(self, codes, logits):
        """`code_weight` times the cross-entropy of guessing the codes (InfoGAN)."""
        if codes is None:
            return 0.0
        return self.code_weight * ops.mean(
            ops.sparse_categorical_crossentropy(codes, logits, from_logits=True)
        )

    def _discriminator_loss(self, images, labels, training=True):
        """Cross-entropy of scoring real images 1 and fresh fakes 0 (+ code term)."""
        fakes, codes = self._fakes(images, labels, training)
        fakes = ops.stop_gradient(fakes)
        real_scores, _ = self._judge(images, labels, training)
        fake_scores, code_logits = self._judge(fakes, labels, training)
        return 0.5 * (
            ops.mean(ops.binary_crossentropy(ops.ones_like(real_scores), real_scores))
            + ops.mean(
                ops.binary_crossentropy(ops.zeros_like(fake_scores), fake_scores)
            )
        ) + self._code_loss(codes, code_logits)

    def _generator_loss(self, images, labels, training=True):
        """Cross-entropy of the discriminator scoring fresh fakes 1 (+ code term)."""
        fakes, codes = self._fakes(images, labels, training)
        scores, code_logits = self._judge(fakes, labels, training)
        return ops.mean(
            ops.binary_crossentropy(ops.ones_like(scores), scores)
        ) + self._code_loss(codes, code_logits)

    def _update_metrics(self, discriminator_loss, generator_loss):
        self.discriminator_loss_tracker.update_state(discriminator_loss)
        self.generator_loss_tracker.update_state(generator_loss)
        return {metric.name: metric.result() for metric in self.metrics}


def gan(
    input_shape: tuple[int, int, int] | None = None,
    latent_dim: int | None = None,
    *,
    num_classes: int | None = None,
    num_codes: int | None = None,
    num_layers: int | None = None,
    filters: int | None = None,
    learning_rate: float | None = None,
    batch_norm: bool | None = None,
    augment: bool = False,
    preset: str = "digits",
    seed: int | None = None,
) -> GAN:
    """Builds and compiles a convolutional GAN: by default, a good digit GAN.

    The generator is `deconv_net` with a tanh output (train on images scaled to
    [-1, 1]), the discriminator `conv_net` with one sigmoid output; both train
    with Adam (`beta_1=0.5`). Arguments left `None` come from the preset:
    `"digits"` (the default: the InfoGAN paper's MNIST networks, Chen et al.,
    2016: 28x28x1, noise of 64, 64 then 128 filters with 4x4 kernels, a
    1,024-unit dense layer in each network, batch normalisation, a generator
    whose last transposed convolution draws the image and learns at 1e-3 while
    the discriminator learns at 2e-4; a `learning_rate` given sets both rates),
    `"digits-small"` (the course notebook's design at the digits' size: 2
    layers of 32 then 64 3x3 filters, a leaky-ReLU discriminator, 2e-4; about
    four times faster to train, but its digits are far less legible, see
    BENCHMARKS.md) or `"faces"` (the course notebook's GAN: 64x64x3, noise of
    256, 4 layers of 128 filters, ReLU, 2e-4).
    `batch_norm=True` normalises both networks' hidden layers (DCGAN; the
    `"digits"` preset does): with the small networks it learned faster but
    scored the same after 160 epochs.
    `augment=True` shows the discriminator every image randomly shifted and
    partly blanked (`DifferentiableAugmentation`), a remedy for training sets of
    a few hundred images; on the 4,000 embedded digits it did not raise the
    classifier score (BENCHMARKS.md). A conditional GAN (`num_classes=10`) gets
    the one-hot label as extra noise entries and extra image channels, so
    `generate(n, labels=3)` draws threes. An InfoGAN (`num_codes=10`) gets a
    one-hot code the same way, and its discriminator a second head that guesses
    the code; it learns what the codes mean by itself.

    Args:
        input_shape: `(height, width, channels)` of the images.
        latent_dim: the size of the noise.
        num_classes: the number of classes for a conditional GAN.
        num_codes: the number of values of an InfoGAN's categorical code.
        num_layers: stride-2 layers of generator and discriminator.
        filters: filters of the discriminator's first (generator's last)
            layer.
        learning_rate: both Adam optimizers' learning rate (left `None`:
            the preset's, which for `"digits"` differ).
        batch_norm: whether both networks batch-normalise their hidden
            layers, as DCGAN does (the discriminator's first layer excepted).
        augment: whether the discriminator judges augmented images in
            training.
        preset: `"digits"`, `"digits-small"` or `"faces"`.
        seed: the seed of the noise.

    Returns:
        A compiled `GAN`, ready for `fit(images)` (conditional:
        `fit([images, labels])`).

    Raises:
        ValueError: for an unknown preset or invalid sizes.

    Examples:
        >>> model = gan(num_classes=10, latent_dim=4, filters=4)
        >>> model.generate(2, labels=3, seed=0).shape
        (2, 28, 28, 1)
    """
    check_label_counts(num_classes, num_codes)
    augment = check_bool(augment, "augment")
    seed = check_seed(seed, allow_none=True)
    if batch_norm is not None:
        batch_norm = check_bool(batch_norm, "batch_norm")
    settings = resolve_settings(
        GAN_PRESETS,
        preset,
        input_shape=input_shape,
        latent_dim=latent_dim,
        num_layers=num_layers,
        filters=filters,
        learning_rate=learning_rate,
        batch_norm=batch_norm,
    )
    stack = {
        **stack_arguments(settings),
        "batch_norm": settings["batch_norm"],
        "kernel_size": settings["kernel_size"],
        "hidden_units": settings["hidden_units"],
    }
    image_shape, noise_size = settings["input_shape"], settings["latent_dim"]
    inputs, noise = latent_inputs(noise_size, num_classes or num_codes)
    images = upsample(
        noise,
        image_shape,
        activation="relu",
        output_activation="tanh",
        output_layer=settings["output_layer"],
        **stack,
    )
    generator = keras.Model(inputs, images, name="generator")
    inputs, features = image_inputs(image_shape, num_classes)
    activation = settings["discriminator_activation"]
    features = downsample(features, activation=activation, **stack)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="score")(features)
    if num_codes is not None:
        hidden = dense_block(
            features, 128, activation, settings["batch_norm"], "code_hidden"
        )
        code_logits = keras.layers.Dense(num_codes, name="code_logits")(hidden)
        outputs = [outputs, code_logits]
    discriminator = keras.Model(inputs, outputs, name="discriminator")
    augmentation = None
    if augment:
        augmentation = DifferentiableAugmentation(
            seed=None if seed is None else seed + 1, name="augmentation"
        )
    model = GAN(
        generator,
        discriminator,
        num_classes=num_classes,
        num_codes=num_codes,
        augmentation=augmentation,
        seed=seed,
        name="gan",
    )
    discriminator_rate = settings["learning_rate"]
    generator_rate = settings["generator_learning_rate"]
    # A `learning_rate` given sets both networks' rates; `None`: the same.
    if learning_rate is not None or generator_rate is None:
        generator_rate = discriminator_rate
    model.compile(
        discriminator_optimizer=keras.optimizers.Adam(discriminator_rate, beta_1=0.5),
        generator_optimizer=keras.optimizers.Adam(generator_rate, beta_1=0.5),
    )
    return model


class _GANOptimizer(keras.optimizers.MultiOptimizer):
    """A `MultiOptimizer` that saves only its own variables (the step count).

    The GAN saves each network's optimizer under its own attribute; the
    `MultiOptimizer` would save their slots a second time and double the
    file's optimizer state. Files written with the duplicate still load: their
    first entries are this optimizer's own.
    """

    def save_own_variables(self, store):
        """Stores the step count, not the inner optimizers' slots."""
        for index, variable in enumerate(self._variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store):
        """Restores what `save_own_variables` stored."""
        for index, variable in enumerate(self._variables):
            variable.assign(store[str(index)])
