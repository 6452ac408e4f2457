"""Differentiable augmentation for training a GAN on a few thousand images."""

import keras
from keras import ops

from mnist_arith._validation import check_fraction
from mnist_arith._validation import check_seed
from mnist_arith.models.sampling import load_seed_state
from mnist_arith.models.sampling import save_seed_state


@keras.saving.register_keras_serializable(package="mnist_arith")
class DifferentiableAugmentation(keras.layers.Layer):
    """Random shifts and cut-out squares that gradients flow through.

    A GAN's discriminator trained on a few thousand images learns them by
    heart and stops teaching the generator. Showing it every image, real or
    generated, randomly shifted and with a random square blanked out keeps
    it honest; since the same transformations apply to the generator's
    images and are differentiable, the generator still learns to draw
    unshifted, complete digits ("DiffAugment": Zhao et al., 2020,
    "Differentiable Augmentation for Data-Efficient GAN Training").

    Shifts and cut-outs fill with zeros. Both are built from one-hot
    matrices and masks in `keras.ops`, so they run on every backend. Outside
    training the layer returns its input unchanged.

    Args:
        translation: the largest shift, as a fraction of the image's height
            and width (0 turns shifts off).
        cutout: the side of the blanked square, as a fraction of the image's
            height and width (0 turns cut-outs off).
        seed: the seed of the random transformations.
        **kwargs: standard `keras.layers.Layer` arguments.

    Examples:
        >>> layer = DifferentiableAugmentation(translation=0.25, cutout=0, seed=1)
        >>> images = keras.ops.ones((2, 8, 8, 1))
        >>> shifted = keras.ops.convert_to_numpy(layer(images, training=True))
        >>> shifted.shape, float(shifted.max()), float(shifted.min())
        ((2, 8, 8, 1), 1.0, 0.0)
        >>> bool(keras.ops.all(layer(images) == images))
        True
    """

    def __init__(
        self,
        translation: float = 0.125,
        cutout: float = 0.5,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.translation = check_fraction(translation, "translation", include_zero=True)
        self.cutout = check_fraction(cutout, "cutout", include_zero=True)
        self.seed = check_seed(seed, allow_none=True)
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.built = True  # no weights: nothing to build

    def call(self, images, training=None):
        """Shifts and cuts `[batch, height, width, channels]` images in training."""
        if len(images.shape) != 4:
            raise ValueError(
                "`images` must be [batch, height, width, channels]. "
                f"Received: images.shape={tuple(images.shape)}"
            )
        if not training:
            return images
        if self.translation:
            images = self._shift(images)
        if self.cutout:
            images = self._cut_out(images)
        return images

    def _shift(self, images):
        """Moves every image by its own whole-pixel offset, filling with zeros."""
        batch = ops.shape(images)[0]
        moved = []
        for size in (images.shape[1], images.shape[2]):
            limit = round(size * self.translation)
            offsets = keras.random.randint(
                (batch, 1, 1), -limit, limit + 1, seed=self.seed_generator
            )
            # rows[b, i, j] = 1 where output pixel i reads input pixel j.
            positions = ops.arange(size)
            rows = ops.equal(
                positions[None, None, :], positions[None, :, None] - offsets
            )
            moved.append(ops.cast(rows, images.dtype))
        images = ops.einsum("bij,bjwc->biwc", moved[0], images)
        return ops.einsum("bij,bhjc->bhic", moved[1], images)

    def _cut_out(self, images):
        """Blanks one square per image, centred anywhere (clipped at the edges)."""
        batch = ops.shape(images)[0]
        inside = []
        for size in (images.shape[1], images.shape[2]):
            side = round(size * self.cutout)
            centres = keras.random.randint(
                (batch, 1), 0, size, seed=self.seed_generator
            )
            start = centres - side // 2
            positions = ops.arange(size)[None, :]
            inside.append((positions >= start) & (positions < start + side))
        square = ops.logical_and(inside[0][:, :, None], inside[1][:, None, :])
        keep = ops.cast(ops.logical_not(square), images.dtype)
        return images * keep[..., None]

    def compute_output_shape(self, input_shape):
        """The input shape."""
        return input_shape

    def save_own_variables(self, store):
        """Saves the seed generator's state, so that loading continues it."""
        super().save_own_variables(store)
        save_seed_state(store, self.seed_generator)

    def load_own_variables(self, store):
        """Restores the seed generator's state (older files have none)."""
        super().load_own_variables(load_seed_state(store, self.seed_generator))

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {
            **super().get_config(),
            "translation": self.translation,
            "cutout": self.cutout,
            "seed": self.seed,
        }
