import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from mnist_arith.latent import decode_latents
from mnist_arith.latent import encode_images
from mnist_arith.latent import interpolate_latents
from mnist_arith.latent import latent_arithmetic
from mnist_arith.latent import latent_sweep
from mnist_arith.latent import sample_grid
from mnist_arith.latent import sample_prior
from mnist_arith.models.autoencoder import autoencoder
from mnist_arith.models.gan import gan
from mnist_arith.models.sampling import resolve_labels
from mnist_arith.models.vae import vae


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def numpy_slerp(start, end, fraction):
    """Reference: Shoemake's formula on the raw vectors."""
    cosine = np.dot(start / np.linalg.norm(start), end / np.linalg.norm(end))
    angle = np.arccos(np.clip(cosine, -1, 1))
    return (
        np.sin((1 - fraction) * angle) * start + np.sin(fraction * angle) * end
    ) / np.sin(angle)


@pytest.fixture(scope="module")
def models():
    return {
        "vae": vae(latent_dim=4, filters=4, seed=0),
        "conditional_vae": vae(latent_dim=4, filters=4, num_classes=10, seed=0),
        "gan": gan(latent_dim=4, filters=4, seed=0),
        "conditional_gan": gan(latent_dim=4, filters=4, num_classes=10, seed=0),
        "autoencoder": autoencoder(latent_dim=4, filters=4),
    }


def test_prior_samples_are_seeded_and_scaled():
    first = numpy(sample_prior(4000, 5, seed=3))
    np.testing.assert_array_equal(first, numpy(sample_prior(4000, 5, seed=3)))
    assert first.shape == (4000, 5) and abs(first.std() - 1) < 0.05
    generator = keras.random.SeedGenerator(7)
    draws = [numpy(sample_prior(3, 2, seed=generator)) for _ in range(2)]
    assert not np.array_equal(*draws)
    cooled = numpy(sample_prior(4000, 5, temperature=1 / 6, seed=3))
    assert abs(cooled.std() - 1 / 6) < 0.01


def test_truncated_prior():
    samples = numpy(sample_prior(20000, 2, truncation=1.0, seed=0))
    assert np.abs(samples).max() <= 1.0
    # The standard normal truncated at 1 SD has SD 0.5380.
    assert abs(samples.std() - 0.5380) < 0.01
    assert abs(samples.mean()) < 0.01
    scaled = numpy(sample_prior(100, 2, truncation=2.0, temperature=0.5, seed=0))
    assert np.abs(scaled).max() <= 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_samples": 0}, "Received: num_samples=0"),
        ({"latent_dim": -1}, "Received: latent_dim=-1"),
        ({"temperature": 0.0}, "Received: temperature=0.0"),
        ({"truncation": -2}, "Received: truncation=-2"),
    ],
)
def test_prior_errors(kwargs, message):
    arguments = {"num_samples": 2, "latent_dim": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        sample_prior(
            arguments.pop("num_samples"), arguments.pop("latent_dim"), **arguments
        )


def test_linear_interpolation_matches_numpy(rng):
    points = rng.normal(size=(2, 6)).astype("float32")
    path = numpy(interpolate_latents(points, 7))
    fractions = np.linspace(0, 1, 7)[:, None]
    np.testing.assert_allclose(
        path, points[0] + fractions * (points[1] - points[0]), atol=1e-6
    )


def test_slerp_matches_numpy_and_hits_the_ends(rng):
    points = rng.normal(size=(2, 8)).astype("float32")
    path = numpy(interpolate_latents(points, 10, method="slerp"))
    assert path.shape == (10, 8)
    np.testing.assert_array_equal(path[0], points[0])
    np.testing.assert_array_equal(path[-1], points[1])
    expected = [
        numpy_slerp(points[0].astype(float), points[1].astype(float), fraction)
        for fraction in np.linspace(0, 1, 10)
    ]
    np.testing.assert_allclose(path, expected, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), radius=st.floats(0.1, 10))
def test_slerp_keeps_equal_norms_on_the_sphere(seed, radius):
    # Fixed shapes: JAX compiles every new shape, values are what varies here.
    points = np.random.default_rng(seed).normal(size=(2, 8))
    points = radius * points / np.linalg.norm(points, axis=1, keepdims=True)
    path = numpy(interpolate_latents(points, 9, method="slerp"))
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), radius, rtol=1e-4)


def test_paths_through_several_points(rng):
    points = rng.normal(size=(4, 3)).astype("float32")
    for method in ("linear", "slerp"):
        path = numpy(interpolate_latents(points, 5, method=method))
        assert path.shape == (3 * 4 + 1, 3)
        np.testing.assert_array_equal(path[::4], points)


def test_parallel_points_fall_back_to_linear():
    points = np.array([[1.0, 2.0], [2.0, 4.0]])
    path = numpy(interpolate_latents(points, 3, method="slerp"))
    np.testing.assert_allclose(path, [[1, 2], [1.5, 3], [2, 4]], atol=1e-6)
    assert np.isfinite(
        numpy(interpolate_latents([[0.0, 0], [1, 1]], 4, method="slerp"))
    ).all()


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ([[1.0, 2.0]], {}, r"Received: points.shape=\(1, 2\)"),
        ([[1.0, 2.0], [3.0, 4.0]], {"num_steps": 1}, "Received: num_steps=1"),
        ([[1.0, 2.0], [3.0, 4.0]], {"method": "cubic"}, "Received: method='cubic'"),
        ([1.0, 2.0], {}, r"Received: points.shape=\(2,\)"),
    ],
)
def test_interpolation_errors(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        interpolate_latents(args, **kwargs)


def test_latent_arithmetic_matches_numpy(rng):
    a, b, c = rng.normal(size=(3, 1, 4)) + rng.normal(size=(3, 5, 4))
    expected = a.mean(0) - b.mean(0) + c
    np.testing.assert_allclose(numpy(latent_arithmetic(a, b, c)), expected, atol=1e-5)
    single = numpy(latent_arithmetic(a, b[0], c[0]))
    np.testing.assert_allclose(single, a.mean(0) - b[0] + c[0], atol=1e-5)


@pytest.mark.parametrize(
    "group_a, group_b, c, message",
    [
        (np.zeros((0, 3)), np.zeros((2, 3)), np.zeros(3), r"group_a.shape=\(0, 3\)"),
        (np.zeros((2, 3)), np.zeros((0, 3)), np.zeros(3), r"group_b.shape=\(0, 3\)"),
        (np.zeros((2, 3)), np.zeros((2, 4)), np.zeros(3), "'group_b': 4"),
        (np.zeros((2, 3)), np.zeros((2, 3)), np.zeros(5), "'c': 5"),
        (np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((0, 3)), r"c.shape=\(0, 3\)"),
    ],
)
def test_latent_arithmetic_errors(group_a, group_b, c, message):
    with pytest.raises(ValueError, match=message):
        latent_arithmetic(group_a, group_b, c)


def test_latent_sweep_matches_numpy():
    grid = numpy(latent_sweep(4, dimensions=(2, 0), num_steps=3, extent=1.5))
    values = np.linspace(-1.5, 1.5, 3)
    expected = np.zeros((9, 4))
    expected[:, 2] = np.tile(values, 3)
    expected[:, 0] = np.repeat(values, 3)
    np.testing.assert_allclose(grid, expected, atol=1e-6)
    center = np.arange(4, dtype="float32")
    moved = numpy(latent_sweep(4, num_steps=2, center=center))
    np.testing.assert_allclose(moved[0], center + np.array([-2, -2, 0, 0]))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dimensions": (1, 1)}, r"Received: dimensions=\(1, 1\)"),
        ({"dimensions": (0, 4)}, r"Received: dimensions=\(0, 4\)"),
        ({"num_steps": 1}, "Received: num_steps=1"),
        ({"extent": 0}, "Received: extent=0"),
        ({"center": np.zeros(3)}, r"center.shape=\(3,\)"),
    ],
)
def test_latent_sweep_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        latent_sweep(4, **kwargs)


def test_resolve_labels():
    assert resolve_labels(None, 3, None) is None
    np.testing.assert_array_equal(resolve_labels(None, 12, 10), np.arange(12) % 10)
    np.testing.assert_array_equal(resolve_labels(4, 3, 10), [4, 4, 4])
    assert resolve_labels([1, 2], 2, 10).dtype == np.int32
    for labels, message in [
        ([1, 2, 3], r"Received: labels=\[1, 2, 3\]"),
        (10, "Received: labels=10"),
        ([-1, 0], r"Received: labels=\[-1, 0\]"),
        ([0.5, 1.0], r"Received: labels=\[0.5, 1.0\]"),
    ]:
        with pytest.raises(ValueError, match=message):
            resolve_labels(labels, 2, 10)
    with pytest.raises(ValueError, match="conditional models"):
        resolve_labels(3, 2, None)


def test_encode_and_decode(models, digits):
    images = digits.test_images[:4, ..., None] / 255
    labels = digits.test_labels[:4]
    model = models["vae"]
    mean = numpy(encode_images(model, images))
    assert mean.shape == (4, 4)
    np.testing.assert_allclose(mean, numpy(model.encoder(images)[0]), atol=1e-6)
    sampled = [
        numpy(encode_images(model, images, sample=True, seed=s)) for s in (1, 1, 2)
    ]
    np.testing.assert_array_equal(sampled[0], sampled[1])
    assert not np.allclose(sampled[0], sampled[2])
    decoded = numpy(decode_latents(model, mean))
    np.testing.assert_allclose(decoded, numpy(model(images)), atol=1e-5)
    conditional = models["conditional_vae"]
    assert numpy(encode_images(conditional, images, labels)).shape == (4, 4)
    with pytest.raises(ValueError, match="Received: labels=None"):
        encode_images(conditional, images)
    assert numpy(decode_latents(conditional, mean, 5)).shape == (4, 28, 28, 1)
    codes = numpy(encode_images(models["autoencoder"], images))
    assert codes.shape == (4, 4)
    with pytest.raises(ValueError, match="sample=True"):
        encode_images(models["autoencoder"], images, sample=True)
    with pytest.raises(ValueError, match="encoder"):
        encode_images(models["gan"], images)


def test_decode_with_gan_generator(models):
    noise = numpy(sample_prior(5, 4, seed=0))
    for name in ("gan", "conditional_gan"):
        model = models[name]
        labels = [0, 1, 2, 3, 4] if model.num_classes else None
        images = numpy(decode_latents(model, noise, labels))
        inputs = noise if labels is None else [noise, np.array(labels)]
        np.testing.assert_allclose(images, numpy(model.generator(inputs)), atol=1e-6)
        assert images.min() >= -1 and images.max() <= 1
    with pytest.raises(ValueError, match=r"Received: latents.shape=\(5, 3\)"):
        decode_latents(models["gan"], np.zeros((5, 3)))
    with pytest.raises(ValueError, match="conditional models"):
        decode_latents(models["gan"], noise, labels=1)
    with pytest.raises(ValueError, match="decoder"):
        decode_latents(object(), noise)
    with pytest.raises(ValueError, match="Received: model of type object"):
        decode_latents(object(), noise)


def test_sample_grid_rows_show_classes(models):
    model = models["conditional_gan"]
    grid = numpy(sample_grid(model, 3, 4, seed=5))
    assert grid.shape == (12, 28, 28, 1)
    noise = sample_prior(12, 4, seed=5)
    expected = numpy(decode_latents(model, noise, np.repeat([0, 1, 2], 4)))
    np.testing.assert_allclose(grid, expected, atol=1e-6)
    assert numpy(sample_grid(models["vae"], 2, 2, truncation=1.0)).shape == (
        4,
        28,
        28,
        1,
    )
    with pytest.raises(ValueError, match="Received: num_rows=0"):
        sample_grid(models["vae"], 0)


def test_model_helpers_take_generative_models_only(models):
    decoder = models["vae"].decoder  # A bare network is not a generative model.
    noise = np.zeros((2, 4), "float32")
    for call in (
        lambda: decode_latents(decoder, noise),
        lambda: encode_images(decoder, np.zeros((2, 28, 28, 1))),
        lambda: sample_grid(decoder, 2, 2),
        lambda: latent_sweep(decoder),
    ):
        with pytest.raises(ValueError, match="Received: model of type Functional"):
            call()


@pytest.mark.parametrize("name", ["vae", "gan", "autoencoder"])
def test_helpers_read_the_models_interface(models, name):
    model = models[name]
    grid = numpy(latent_sweep(model, num_steps=2))
    assert grid.shape == (4, model.latent_dim)
    images = numpy(decode_latents(model, grid))
    assert images.shape == (4, *model.image_shape)
    low, high = model.value_range
    assert low <= images.min() <= images.max() <= high
    np.testing.assert_allclose(images, numpy(model.decode(grid)), atol=1e-6)


def test_infogan_grid_rows_show_codes():
    model = gan(latent_dim=4, filters=4, num_codes=3, seed=0)
    grid = numpy(sample_grid(model, 3, 2, seed=1))
    noise = sample_prior(6, 4, seed=1)
    expected = numpy(model.decode(noise, np.repeat([0, 1, 2], 2)))
    np.testing.assert_allclose(grid, expected, atol=1e-6)


def test_numpy_scalars_are_accepted():
    points = [[1.0, 0.0], [0.0, 1.0]]
    path = interpolate_latents(points, np.int64(3), method=np.str_("slerp"))
    assert tuple(path.shape) == (3, 2)
    grid = latent_sweep(
        np.int64(3),
        dimensions=(np.int64(0), np.int64(2)),
        num_steps=np.int32(2),
        extent=np.float32(1.0),
    )
    assert numpy(grid).tolist()[0] == [-1.0, 0.0, -1.0]
    samples = sample_prior(
        np.int64(2), np.int64(3), temperature=np.float32(0.5), seed=np.int64(1)
    )
    assert tuple(samples.shape) == (2, 3)


def test_non_finite_latents_and_negative_seeds_are_refused():
    with pytest.raises(ValueError, match=r"Received: points\[0, 1\]=nan"):
        interpolate_latents([[0.0, np.nan], [1.0, 1.0]])
    with pytest.raises(ValueError, match="Received: seed=-1"):
        sample_prior(2, 2, seed=-1)
    with pytest.raises(ValueError, match=r"Received: center\[0\]=inf"):
        latent_sweep(2, center=[np.inf, 0.0])
