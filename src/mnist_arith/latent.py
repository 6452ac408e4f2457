"""Latent-space tools: prior samples, interpolation, arithmetic, grids, sweeps.

Everything here is written with `keras.ops` and `keras.random`, so it runs on
every backend and returns backend tensors (`keras.ops.convert_to_numpy` turns
them into NumPy arrays). The helpers that need a model (`encode_images`,
`decode_latents`, `sample_grid`) take a `GenerativeModel` of
`mnist_arith.models.generative` (an `Autoencoder`, `VAE` or `GAN`) and read
everything from its interface: `latent_dim`, `num_classes` and `num_codes`,
`encode` and `decode`. Conditional models also take labels.
"""

import keras
import numpy as np
from keras import ops

from mnist_arith._validation import check_integer
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith._validation import is_integer
from mnist_arith.models.generative import GenerativeModel
from mnist_arith.models.sampling import as_float_tensor
from mnist_arith.models.sampling import check_latents
from mnist_arith.models.sampling import check_values
from mnist_arith.models.sampling import sample_prior

METHODS = ("linear", "slerp")
"""The interpolation methods of `interpolate_latents`."""


def interpolate_latents(points, num_steps: int = 10, *, method: str = "linear"):
    """Interpolates a path through two or more latent points.

    Each pair of consecutive points is joined by `num_steps` evenly spaced
    points, ends included (shared ends appear once), so two points give
    `num_steps` rows and `k` points `(k - 1) * (num_steps - 1) + 1`. The path
    passes exactly through the given points. `"slerp"` follows the great
    circle between the two directions (Shoemake's spherical interpolation,
    as recommended for Gaussian latent spaces); points of equal norm keep
    that norm all along. Nearly parallel points fall back to linear.

    Args:
        points: `[k, latent_dim]` points, `k >= 2`.
        num_steps: points per segment, ends included (at least 2).
        method: `"linear"` or `"slerp"`.

    Returns:
        A `[(k - 1) * (num_steps - 1) + 1, latent_dim]` float tensor.

    Raises:
        ValueError: for fewer than two points, a `num_steps` below 2 or an
            unknown method.

    Examples:
        >>> path = interpolate_latents([[1.0, 0.0], [0.0, 1.0]], 3, method="slerp")
        >>> [round(float(value), 4) for value in ops.convert_to_numpy(path)[1]]
        [0.7071, 0.7071]
    """
    check_one_of(method, "method", METHODS)
    num_steps = check_integer(num_steps, "num_steps", 2)
    points = as_float_tensor(check_values(points, "points"))
    if len(points.shape) != 2 or points.shape[0] < 2:
        raise ValueError(
            "`points` must be a [num_points, latent_dim] array of at least two "
            f"points. Received: points.shape={tuple(points.shape)}"
        )
    starts, ends = points[:-1, None, :], points[1:, None, :]
    fractions = ops.cast(
        ops.linspace(0.0, 1.0, num_steps)[1:-1], points.dtype
    )  # the interior
    fractions = ops.reshape(fractions, (1, -1, 1))
    linear = starts + fractions * (ends - starts)
    interior = linear if method == "linear" else _slerp(starts, ends, fractions, linear)
    segments = ops.concatenate([starts, interior], axis=1)
    path = ops.reshape(segments, (-1, points.shape[1]))
    return ops.concatenate([path, points[-1:]], axis=0)


def latent_arithmetic(group_a, group_b, c):
    """Computes `mean(group_a) - mean(group_b) + c`, the course's `a - b + c`.

    The difference of the two group means is an attribute direction (say,
    "thick strokes" minus "thin strokes"); adding it to `c` moves one point,
    or every row of a batch, along it.

    Args:
        group_a: `[n, latent_dim]` points (or one `[latent_dim]` point).
        group_b: `[m, latent_dim]` points (or one point).
        c: a `[latent_dim]` point or `[k, latent_dim]` points.

    Returns:
        A tensor of the shape of `c`.

    Raises:
        ValueError: for an empty group or mismatched latent sizes.

    Examples:
        >>> group_a, group_b = [[2.0, 0.0], [4.0, 0.0]], [[0.0, 1.0]]
        >>> result = latent_arithmetic(group_a, group_b, [0.0, 1.0])
        >>> ops.convert_to_numpy(result).tolist()
        [3.0, 0.0]
    """
    means = []
    for name, group in (("group_a", group_a), ("group_b", group_b)):
        group = as_float_tensor(check_values(group, name))
        if len(group.shape) == 1:
            group = group[None, :]
        if len(group.shape) != 2 or group.shape[0] == 0 or group.shape[1] == 0:
            raise ValueError(
                f"`{name}` must be a non-empty [num_points, latent_dim] array. "
                f"Received: {name}.shape={tuple(group.shape)}"
            )
        means.append(ops.mean(group, axis=0))
    c = as_float_tensor(check_values(c, "c"))
    if len(c.shape) not in (1, 2) or 0 in c.shape:
        raise ValueError(
            "`c` must be a non-empty [latent_dim] or [num_points, latent_dim] "
            f"array. Received: c.shape={tuple(c.shape)}"
        )
    sizes = {
        "group_a": means[0].shape[0],
        "group_b": means[1].shape[0],
        "c": c.shape[-1],
    }
    if len(set(sizes.values())) != 1:
        raise ValueError(
            "`group_a`, `group_b` and `c` must have the same latent size. "
            f"Received: latent sizes {sizes}"
        )
    return means[0] - means[1] + c


def latent_sweep(
    latent_dim,
    *,
    dimensions: tuple[int, int] = (0, 1),
    num_steps: int = 10,
    extent: float = 2.0,
    center=None,
):
    """A `num_steps` x `num_steps` grid that sweeps two latent dimensions.

    Row `i`, column `j` (row-major) is `center` with `dimensions[0]` moved by
    `values[j]` and `dimensions[1]` by `values[i]`, where `values` runs
    evenly from `-extent` to `extent`. With a 2-D VAE this draws the classic
    map of the latent space.

    Args:
        latent_dim: the latent size, or a `GenerativeModel` to sweep the
            latent space of (its `latent_dim`).
        dimensions: the two distinct dimensions to sweep.
        num_steps: values per dimension (at least 2).
        extent: the largest offset, in standard deviations of the prior.
        center: the `[latent_dim]` point to sweep around; default the origin.

    Returns:
        A `[num_steps * num_steps, latent_dim]` float tensor.

    Raises:
        ValueError: for a model that is not a `GenerativeModel`, a bad
            dimension pair, `num_steps` below 2, a
            non-positive extent or a center of the wrong size.

    Examples:
        >>> grid = ops.convert_to_numpy(latent_sweep(3, num_steps=3, extent=1.0))
        >>> grid.shape, grid[1].tolist(), grid[3].tolist()
        ((9, 3), [0.0, -1.0, 0.0], [-1.0, 0.0, 0.0])
    """
    if isinstance(latent_dim, keras.Model):
        latent_dim = _generative_model(latent_dim).latent_dim
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    try:
        pair = tuple(dimensions)
    except TypeError:
        pair = ()
    if (
        len(pair) != 2
        or not all(is_integer(d) and 0 <= d < latent_dim for d in pair)
        or pair[0] == pair[1]
    ):
        raise ValueError(
            f"`dimensions` must be two distinct integers in [0, {latent_dim}). "
            f"Received: dimensions={dimensions!r}"
        )
    dimensions = (int(pair[0]), int(pair[1]))
    num_steps = check_integer(num_steps, "num_steps", 2)
    extent = check_positive_number(extent, "extent")
    values = ops.cast(ops.linspace(-extent, extent, num_steps), keras.config.floatx())
    columns = ops.tile(values, [num_steps])[:, None]
    rows = ops.repeat(values, num_steps)[:, None]
    first = ops.one_hot(dimensions[0], latent_dim)[None, :]
    second = ops.one_hot(dimensions[1], latent_dim)[None, :]
    offsets = columns * first + rows * second
    if center is None:
        return offsets
    center = check_latents(center, latent_dim, "center", ndim=1)
    return center[None, :] + offsets


def sample_grid(
    model,
    num_rows: int = 10,
    num_columns: int = 10,
    *,
    labels=None,
    temperature: float = 1.0,
    truncation: float | None = None,
    seed: int | keras.random.SeedGenerator | None = None,
):
    """Decodes a grid of prior samples (the course's 10x10 figure).

    Args:
        model: a `GenerativeModel` (an `Autoencoder`, `VAE` or `GAN`).
        num_rows: rows of the grid.
        num_columns: columns of the grid.
        labels: for a conditional model, one label, or one per image
            (row-major); default: row `i` shows class `i % num_classes`.
        temperature: the standard deviation of the samples.
        truncation: see `sample_prior`.
        seed: see `sample_prior`.

    Returns:
        `[num_rows * num_columns, height, width, channels]` images, row-major
        (`mnist_arith.plot.plot_image_grid(images, num_columns)` draws them).

    Raises:
        ValueError: for a model that is not a `GenerativeModel`, or bad sizes
            or labels.

    Examples:
        >>> from mnist_arith.models.gan import gan
        >>> model = gan(latent_dim=4, filters=4, num_classes=10)
        >>> tuple(sample_grid(model, 10, 10, seed=0).shape)  # row i: digit i
        (100, 28, 28, 1)
    """
    model = _generative_model(model)
    num_rows = check_positive_int(num_rows, "num_rows")
    num_columns = check_positive_int(num_columns, "num_columns")
    num_classes = model.num_classes if model.num_codes is None else model.num_codes
    if labels is None and num_classes is not None:
        labels = np.repeat(np.arange(num_rows) % num_classes, num_columns)
    latents = sample_prior(
        num_rows * num_columns,
        model.latent_dim,
        temperature=temperature,
        truncation=truncation,
        seed=seed,
    )
    return model.decode(latents, labels)


def encode_images(
    model,
    images,
    labels=None,
    *,
    sample: bool = False,
    seed: int | keras.random.SeedGenerator | None = None,
):
    """Encodes images to latent vectors with a VAE's or autoencoder's encoder.

    Args:
        model: a `GenerativeModel` with an encoder (an `Autoencoder` or
            `VAE`); see `GenerativeModel.encode`.
        images: `[n, height, width, channels]` images scaled as in training.
        labels: the images' labels, required by a conditional model.
        sample: for a VAE, draw from the posterior instead of taking its
            mean.
        seed: the seed of that draw, see `sample_prior`.

    Returns:
        A `[n, latent_dim]` float tensor.

    Raises:
        ValueError: for a model that is not a `GenerativeModel` or has no
            encoder, missing or bad labels, or `sample=True` with a model that
            has no posterior.

    Examples:
        >>> from mnist_arith.models.vae import vae
        >>> model = vae(latent_dim=4, filters=4)
        >>> images = np.zeros((2, 28, 28, 1), "float32")
        >>> tuple(encode_images(model, images, sample=True, seed=0).shape)
        (2, 4)
    """
    return _generative_model(model).encode(images, labels, sample=sample, seed=seed)


def decode_latents(model, latents, labels=None):
    """Decodes latent vectors to images with a decoder or GAN generator.

    Args:
        model: a `GenerativeModel` (an `Autoencoder`, `VAE` or `GAN`); see
            `GenerativeModel.decode`.
        latents: `[n, latent_dim]` vectors.
        labels: for a conditional model, one label or `n` labels; default
            the classes in turn (`0, 1, ..., 9, 0, ...`).

    Returns:
        A `[n, height, width, channels]` tensor of images.

    Raises:
        ValueError: for a model that is not a `GenerativeModel`, a wrong
            latent size or bad labels.

    Examples:
        >>> from mnist_arith.models.vae import vae
        >>> model = vae(latent_dim=4, filters=4)
        >>> path = interpolate_latents(sample_prior(2, 4, seed=0), 10, method="slerp")
        >>> tuple(decode_latents(model, path).shape)
        (10, 28, 28, 1)
    """
    return _generative_model(model).decode(latents, labels)


def _slerp(starts, ends, fractions, linear):
    epsilon = 1e-7
    start_norms = ops.sqrt(ops.sum(starts**2, axis=-1, keepdims=True))
    end_norms = ops.sqrt(ops.sum(ends**2, axis=-1, keepdims=True))
    cosine = ops.sum(
        starts
        / ops.maximum(start_norms, epsilon)
        * ends
        / ops.maximum(end_norms, epsilon),
        axis=-1,
        keepdims=True,
    )
    angle = ops.arccos(ops.clip(cosine, -1.0, 1.0))
    sine = ops.sin(angle)
    parallel = sine < 1e-6
    safe_sine = ops.where(parallel, ops.ones_like(sine), sine)
    spherical = (
        ops.sin((1 - fractions) * angle) * starts + ops.sin(fractions * angle) * ends
    ) / safe_sine
    return ops.where(parallel, linear, spherical)


def _generative_model(model):
    """`model`, checked to be a `GenerativeModel`."""
    if not isinstance(model, GenerativeModel):
        raise ValueError(
            "`model` must be a generative model of mnist_arith: an autoencoder or "
            "VAE (with a decoder) or a GAN (with a generator). Received: model of "
            f"type {type(model).__name__}"
        )
    return model
