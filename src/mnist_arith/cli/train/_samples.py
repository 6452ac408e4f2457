"""`--sample-every N --sample-dir DIR`: figures saved while a model trains.

A Keras callback that every `N` epochs saves a labelled PNG grid: prior
samples of a VAE or GAN, drawn from the same latent points every time so
that the figures show the model learning, or an autoencoder's
reconstructions of the same training images. Each figure is written
atomically, so a training run stopped midway leaves whole files.
"""

import pathlib

import keras

from mnist_arith._io import save_figure
from mnist_arith.cli import _common

NUM_COLUMNS = 8
"""Images per row of every figure."""

NUM_ROWS = 4
"""Rows of samples of an unconditional model (a conditional one: one per class)."""


class SampleGrids(keras.callbacks.Callback):
    """Saves `DIR/epoch-0005.png`-style figures every `every` epochs.

    Args:
        folder: the folder to write to (it must exist).
        every: the epochs between figures (epochs `every`, `2 * every`, ...).
        name: the model's name for the figures' titles, such as `"vae"`.
        images: for an autoencoder, the training images to reconstruct
            (at most `NUM_COLUMNS` are used); `None` draws prior samples.
        seed: the seed of the prior samples, the same for every figure.
    """

    def __init__(self, folder, every: int, name: str, images=None, seed: int = 0):
        super().__init__()
        self.folder = pathlib.Path(folder)
        self.every = every
        self.name = name
        self.images = None if images is None else images[:NUM_COLUMNS]
        self.seed = seed
        self.saved: list[pathlib.Path] = []

    def on_epoch_end(self, epoch, logs=None):
        """Saves a figure after every `every`-th epoch."""
        number = epoch + 1
        if number % self.every:
            return
        figure = self._figure()
        title = f"{self.name}, epoch {number}"
        if self.images is not None:
            title += ": training images (top), reconstructions (bottom)"
        _common.add_title(figure, title)
        path = self.folder / f"epoch-{number:04d}.png"
        save_figure(figure, path, dpi=100, bbox_inches="tight")
        self.saved.append(path)

    def _figure(self):
        import numpy as np

        import mnist_arith

        model = self.model
        width = _common.image_width(model.image_shape)
        if self.images is not None:  # An autoencoder: its reconstructions.
            outputs = keras.ops.convert_to_numpy(model(self.images, training=False))
            return mnist_arith.plot_image_grid(
                np.concatenate([self.images, outputs]),
                len(self.images),
                value_range=model.value_range,
                image_width=width,
            )
        labels = model.num_classes if model.num_codes is None else model.num_codes
        images = mnist_arith.sample_grid(
            model, labels or NUM_ROWS, NUM_COLUMNS, seed=self.seed
        )
        return mnist_arith.plot_image_grid(
            images, NUM_COLUMNS, value_range=model.value_range, image_width=width
        )
