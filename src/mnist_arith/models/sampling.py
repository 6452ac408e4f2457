"""Sampling the prior, and the checks of latents and labels, in `keras.ops`.

The generative models draw from here; `mnist_arith.latent` builds the latent
space tools on top of these and of the models.
"""

import math

import keras
import numpy as np
from keras import ops

from mnist_arith._validation import check_finite_array
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith._validation import check_seed

SEED_STATE_KEY = "seed_generator_state"
"""The key under which a model's `.keras` file keeps its seed generator's state."""


def sample_prior(
    num_samples: int,
    latent_dim: int,
    *,
    temperature: float = 1.0,
    truncation: float | None = None,
    seed: int | keras.random.SeedGenerator | None = None,
):
    """Draws latent vectors from the standard normal prior.

    `temperature` scales the samples: the course drew VAE samples as
    N(0, 1) / 6, which is `temperature=1/6`. `truncation=k` draws from the
    normal truncated at `k` standard deviations (the "truncation trick":
    fewer, better samples), exactly, by inverting the normal CDF; the
    temperature applies afterwards.

    Args:
        num_samples: how many vectors.
        latent_dim: the size of each vector.
        temperature: the standard deviation of the samples.
        truncation: if given, the positive number of standard deviations
            beyond which no value is drawn.
        seed: an integer for reproducible samples, a
            `keras.random.SeedGenerator` (advanced on every call), or `None`
            for Keras' global generator.

    Returns:
        A `[num_samples, latent_dim]` float tensor.

    Raises:
        ValueError: for non-positive sizes, temperature or truncation, or a
            seed that is neither a non-negative integer, a `SeedGenerator`
            nor `None`.

    Examples:
        >>> z = sample_prior(1000, 8, truncation=1.5, seed=0)
        >>> tuple(z.shape), bool(ops.max(ops.abs(z)) <= 1.5)
        ((1000, 8), True)
    """
    num_samples = check_positive_int(num_samples, "num_samples")
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    temperature = check_positive_number(temperature, "temperature")
    seed = check_random_seed(seed)
    if truncation is not None:
        truncation = check_positive_number(truncation, "truncation")
    shape = (num_samples, latent_dim)
    if truncation is None:
        return keras.random.normal(shape, stddev=temperature, seed=seed)
    low = 0.5 * math.erfc(truncation / math.sqrt(2))
    uniform = keras.random.uniform(shape, minval=low, maxval=1 - low, seed=seed)
    normal = math.sqrt(2) * ops.erfinv(2 * uniform - 1)
    return temperature * ops.clip(normal, -truncation, truncation)


def check_random_seed(seed, name: str = "seed"):
    """Checks a seed of `keras.random`: an integer >= 0, a generator or `None`.

    Args:
        seed: the seed.
        name: the argument's name, for the message.

    Returns:
        `seed`, a NumPy integer as a Python `int`.

    Raises:
        ValueError: for anything else (a negative seed overflows on JAX).

    Example:
        >>> check_random_seed(np.int64(3))
        3
    """
    if seed is None or isinstance(seed, keras.random.SeedGenerator):
        return seed
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool | np.bool_):
        raise ValueError(
            f"Expected `{name}` to be a non-negative integer, a "
            f"keras.random.SeedGenerator or None. Received: {name}={seed!r}"
        )
    return check_seed(seed, name)


def save_seed_state(store, seed_generator) -> None:
    """Adds a seed generator's state to a layer's `save_own_variables` store.

    Keras saves a layer's weights but not the state of its
    `keras.random.SeedGenerator`, so a loaded model would replay the noise
    it drew first. Layers that own a generator call this after
    `super().save_own_variables(store)`, and `load_seed_state` on loading.

    Args:
        store: the dict-like store `save_own_variables` receives.
        seed_generator: the generator whose state to keep.
    """
    store[SEED_STATE_KEY] = seed_generator.state


def load_seed_state(store, seed_generator) -> dict:
    """Restores what `save_seed_state` stored, if the file has it.

    Files written before the state was saved (release 0.1.0) have no entry;
    their model keeps the generator's initial state.

    Args:
        store: the dict-like store `load_own_variables` receives.
        seed_generator: the generator to restore.

    Returns:
        The other entries of `store`, as a dict for
        `super().load_own_variables`.
    """
    if SEED_STATE_KEY in store:
        seed_generator.state.assign(store[SEED_STATE_KEY])
    # A weights store has `keys()` but need not be iterable.
    keys = list(store.keys())
    return {key: store[key] for key in keys if key != SEED_STATE_KEY}


LAYER_SEED_STATE_PREFIX = "layer_seed_state_"
"""The keys, followed by an index, of the layers' seed generator states."""


class SavesLayerSeedStates(keras.Model):
    """Base of functional models whose `.keras` file keeps their layers' seeds.

    Keras saves weights but not the state of the seed generators inside layers
    such as `Dropout` or `RandomTranslation`, so a loaded model would replay
    the dropout masks and augmentations it drew first. A model class derived
    from this one saves those states with its own variables and restores
    them on loading; files without them (release
    0.1.0) keep the initial states.
    """

    def _layer_seed_states(self) -> list:
        return [
            variable
            for variable in self.non_trainable_variables
            if variable.name == SEED_STATE_KEY
        ]

    def save_own_variables(self, store) -> None:
        """Saves the model's variables and its layers' seed generator states."""
        super().save_own_variables(store)
        for index, state in enumerate(self._layer_seed_states()):
            store[f"{LAYER_SEED_STATE_PREFIX}{index}"] = state

    def load_own_variables(self, store) -> None:
        """Restores what `save_own_variables` saved."""
        for index, state in enumerate(self._layer_seed_states()):
            key = f"{LAYER_SEED_STATE_PREFIX}{index}"
            if key in store:
                state.assign(store[key])
        # A weights store has `keys()` but need not be iterable.
        keys = list(store.keys())
        keys = [key for key in keys if not key.startswith(LAYER_SEED_STATE_PREFIX)]
        super().load_own_variables({key: store[key] for key in keys})


def resolve_labels(labels, num_samples: int, num_classes: int | None):
    """Checks labels for a (possibly conditional) model and expands defaults.

    Args:
        labels: `None`, one integer label, or `num_samples` integer labels.
        num_samples: the number of samples the labels go with.
        num_classes: the model's number of classes, `None` if unconditional.

    Returns:
        `None` for an unconditional model, else a `[num_samples]` int32
        NumPy array; `labels=None` gives the classes in turn.

    Raises:
        ValueError: for labels given to an unconditional model, or labels of
            the wrong count or range.

    Examples:
        >>> resolve_labels(None, 4, 3).tolist(), resolve_labels(7, 2, 10).tolist()
        ([0, 1, 2, 0], [7, 7])
    """
    if num_classes is None:
        if labels is not None:
            raise ValueError(
                "`labels` apply to conditional models (built with `num_classes`) "
                "and to InfoGAN codes (`num_codes`) only. Received: "
                f"labels={_short(labels)}"
            )
        return None
    if labels is None:
        return (np.arange(num_samples) % num_classes).astype("int32")
    array = np.asarray(
        ops.convert_to_numpy(labels) if ops.is_tensor(labels) else labels
    )
    if array.ndim == 0:
        array = np.full(num_samples, array)
    if (
        array.shape != (num_samples,)
        or array.dtype.kind not in "iu"
        or (array.size and (array.min() < 0 or array.max() >= num_classes))
    ):
        raise ValueError(
            f"`labels` must be one integer or {num_samples} integers in "
            f"[0, {num_classes}). Received: labels={_short(labels)}"
        )
    return array.astype("int32")


def check_latents(latents, latent_dim: int, name: str, ndim: int):
    """Latent vectors as a float tensor, checked to be `[..., latent_dim]`.

    Args:
        latents: an array or tensor.
        latent_dim: the latent size the last axis must have.
        name: the argument's name, for the error message.
        ndim: the number of axes: 1 for one point, 2 for a batch.

    Returns:
        A float tensor of the latents.

    Raises:
        ValueError: for a wrong shape or values that are not finite numbers,
            naming `name`.

    Example:
        >>> tuple(check_latents([[0.0, 1.0]], 2, "latents", ndim=2).shape)
        (1, 2)
    """
    latents = as_float_tensor(check_values(latents, name))
    if len(latents.shape) != ndim or latents.shape[-1] != latent_dim:
        expected = "[latent_dim]" if ndim == 1 else "[num_samples, latent_dim]"
        raise ValueError(
            f"`{name}` must have shape {expected} with latent_dim={latent_dim}. "
            f"Received: {name}.shape={tuple(latents.shape)}"
        )
    return latents


def check_values(values, name: str):
    """`values`, checked to be finite numbers where they can be read.

    NumPy arrays and eager tensors are checked; symbolic tensors (inside a
    traced function) pass unchecked and unchanged.

    Args:
        values: an array-like or tensor.
        name: the argument's name, for the message.

    Returns:
        `values` (a NumPy array for array-likes other than tensors).

    Raises:
        ValueError: for entries that are not numbers, NaN or infinite.
    """
    if ops.is_tensor(values):
        try:
            array = ops.convert_to_numpy(values)
        except Exception:  # A traced tensor has no values yet.
            return values
        check_finite_array(array, name)
        return values
    return check_finite_array(values, name, dtype=keras.config.floatx())


def as_float_tensor(values):
    """`values` as a float tensor of the default float type."""
    if ops.is_tensor(values):
        return ops.cast(values, keras.config.floatx())
    return ops.convert_to_tensor(np.asarray(values, dtype=keras.config.floatx()))


def _short(values):
    text = repr(values)
    return text if len(text) <= 60 else text[:57] + "..."
