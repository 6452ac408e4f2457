import pathlib
import warnings

import keras
import numpy as np
import pytest
from model_checks import assert_generative_interface
from model_checks import digit_images
from model_checks import run_model_saving_test

from mnist_arith.models.vae import VAE
from mnist_arith.models.vae import vae

SMALL = {"latent_dim": 4, "filters": 4}


@pytest.fixture(scope="module")
def data(digits):
    return digit_images(digits)


@pytest.fixture(scope="module")
def trained(data):
    """A VAE and a conditional VAE after 3 epochs of 2 batches."""
    images, labels = data
    keras.utils.set_random_seed(0)
    model = vae(**SMALL, seed=1)
    history = model.fit(images, batch_size=32, epochs=3, shuffle=False, verbose=0)
    conditional = vae(**SMALL, num_classes=10, seed=1)
    conditional_history = conditional.fit(
        [images, labels], batch_size=32, epochs=3, shuffle=False, verbose=0
    )
    return {
        "vae": (model, history.history),
        "conditional": (conditional, conditional_history.history),
    }


@pytest.mark.parametrize("name", ["vae", "conditional"])
def test_fit_reports_both_losses_and_learns(trained, name):
    model, history = trained[name]
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss"}
    for values in history.values():
        assert np.isfinite(values).all()
    assert history["loss"][-1] < history["loss"][0]
    assert all(value > 0 for value in history["kl_loss"])
    # The loss is their sum (per batch, hence per epoch mean).
    np.testing.assert_allclose(
        history["loss"],
        np.add(history["reconstruction_loss"], history["kl_loss"]),
        rtol=1e-5,
    )
    assert int(model.optimizer.iterations) == 6


def test_loss_matches_numpy(data):
    images, _ = data
    model = vae(**SMALL)
    rng = np.random.default_rng(0)
    mean = rng.normal(size=(4, 4)).astype("float32")
    log_variance = rng.normal(size=(4, 4)).astype("float32")
    reconstruction = rng.uniform(0.05, 0.95, size=(4, 28, 28, 1)).astype("float32")
    outputs = {
        "reconstruction": keras.ops.convert_to_tensor(reconstruction),
        "mean": keras.ops.convert_to_tensor(mean),
        "log_variance": keras.ops.convert_to_tensor(log_variance),
    }
    loss = keras.ops.convert_to_numpy(model.compute_loss(images[:4], None, outputs))
    target = images[:4]
    cross_entropy = -(
        target * np.log(reconstruction) + (1 - target) * np.log(1 - reconstruction)
    ).mean()
    divergence = -0.5 * (1 + log_variance - mean**2 - np.exp(log_variance)).sum(-1)
    expected = cross_entropy + divergence.mean() / 784
    np.testing.assert_allclose(loss, expected, rtol=1e-4)
    squared = VAE(
        model.encoder, model.decoder, reconstruction_loss="mean_squared_error"
    )
    loss = keras.ops.convert_to_numpy(squared.compute_loss(images[:4], None, outputs))
    expected = ((target - reconstruction) ** 2).mean() + divergence.mean() / 784
    np.testing.assert_allclose(loss, expected, rtol=1e-4)


def test_calls_and_submodels(trained, data):
    images, _ = data
    model, _ = trained["vae"]
    assert model.encoder.name == "encoder" and model.decoder.name == "decoder"
    assert model.latent_dim == 4 and model.image_shape == (28, 28, 1)
    first = keras.ops.convert_to_numpy(model(images[:4]))
    np.testing.assert_array_equal(first, keras.ops.convert_to_numpy(model(images[:4])))
    mean, _ = model.encoder(images[:4])
    np.testing.assert_allclose(
        first, keras.ops.convert_to_numpy(model.decoder(mean)), atol=1e-6
    )
    outputs = model(images[:4], training=True)
    assert set(outputs) == {"reconstruction", "mean", "log_variance"}
    assert tuple(outputs["reconstruction"].shape) == (4, 28, 28, 1)
    logs = model.evaluate(images, batch_size=32, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "reconstruction_loss", "kl_loss"}
    assert np.isfinite(list(logs.values())).all()


@pytest.mark.parametrize("name", ["vae", "conditional"])
def test_generative_interface(trained, name):
    model, _ = trained[name]
    assert_generative_interface(
        model,
        latent_dim=4,
        image_shape=(28, 28, 1),
        value_range=(0.0, 1.0),
        num_classes=None if name == "vae" else 10,
        num_codes=None,
    )


def test_inputs_need_labels_exactly_when_conditional(trained, data):
    images, labels = data
    with pytest.raises(ValueError, match="Received: inputs of 2 arrays"):
        trained["vae"][0]([images[:2], labels[:2]])
    with pytest.raises(ValueError, match=r"takes `\[images, labels\]`"):
        trained["conditional"][0](images[:2])


def test_generate_is_seeded(trained):
    model, _ = trained["vae"]
    first = model.generate(3, seed=4)
    assert first.shape == (3, 28, 28, 1) and isinstance(first, np.ndarray)
    assert first.min() >= 0 and first.max() <= 1
    np.testing.assert_array_equal(first, model.generate(3, seed=4))
    assert not np.array_equal(model.generate(3), model.generate(3))
    with pytest.raises(ValueError, match="conditional models"):
        model.generate(2, labels=1)


def test_conditional_generation(trained):
    model, _ = trained["conditional"]
    sevens = model.generate(2, labels=7, seed=0)
    assert sevens.shape == (2, 28, 28, 1)
    noise = keras.random.normal((2, 4), seed=0)
    expected = model.decoder([noise, keras.ops.convert_to_tensor([7, 7])])
    np.testing.assert_allclose(sevens, keras.ops.convert_to_numpy(expected), atol=1e-6)
    assert not np.allclose(sevens, model.generate(2, labels=1, seed=0))
    with pytest.raises(ValueError, match=r"Received: labels=\[1, 2, 3\]"):
        model.generate(2, labels=[1, 2, 3])


@pytest.mark.parametrize("name", ["vae", "conditional"])
def test_config_and_saving_round_trip(trained, data, tmp_path, name):
    images, labels = data
    model, _ = trained[name]
    inputs = images[:4] if model.num_classes is None else [images[:4], labels[:4]]
    loaded = run_model_saving_test(model, inputs, tmp_path)
    assert set(model.get_config()) == {
        "name", "trainable", "dtype", "encoder", "decoder", "num_classes", "beta",
        "reconstruction_loss", "seed",
    }  # fmt: skip
    # The compile state comes back: optimizer settings and step count.
    assert isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert float(loaded.optimizer.learning_rate) == pytest.approx(1e-3)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations)
    for saved, restored in zip(
        model.optimizer.variables, loaded.optimizer.variables, strict=True
    ):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(restored), keras.ops.convert_to_numpy(saved)
        )


def test_loaded_model_trains_on(trained, data, tmp_path):
    images, _ = data
    model, _ = trained["vae"]
    model.save(tmp_path / "vae.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = keras.saving.load_model(tmp_path / "vae.keras")
    history = loaded.fit(images, batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert int(loaded.optimizer.iterations) == 8


def _convolutions(model):
    return [
        layer
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]


def test_default_networks_are_wider_with_a_smaller_latent():
    model = vae()
    assert model.latent_dim == 8 and model.image_shape == (28, 28, 1)
    assert [layer.filters for layer in _convolutions(model)] == [64, 128]
    assert {layer.kernel_size for layer in _convolutions(model)} == {(4, 4)}
    transposed = [
        layer
        for layer in model.decoder.layers
        if isinstance(layer, keras.layers.Conv2DTranspose)
    ]
    assert [layer.filters for layer in transposed] == [128, 64]
    assert {layer.kernel_size for layer in transposed} == {(4, 4)}
    assert model.decoder.output_shape == (None, 28, 28, 1)


def test_small_digits_preset_is_the_course_design():
    small = vae(preset="digits-small")
    assert small.latent_dim == 16
    assert [layer.filters for layer in _convolutions(small)] == [32, 64]
    assert {layer.kernel_size for layer in _convolutions(small)} == {(3, 3)}
    assert small.count_params() < vae().count_params() / 2
    assert float(small.optimizer.learning_rate) == pytest.approx(1e-3)


def test_faces_preset_follows_the_course():
    model = vae(preset="faces")
    assert model.latent_dim == 64 and model.image_shape == (64, 64, 3)
    convolutions = [
        layer
        for layer in model.encoder.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert [layer.filters for layer in convolutions] == [64] * 4
    assert model.decoder.output_shape == (None, 64, 64, 3)
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: vae(preset="cats"), "Received: preset='cats'"),
        (lambda: vae(num_classes=1), "Received: num_classes=1"),
        (lambda: vae(num_layers=6), "Received: num_layers=6"),
        (lambda: vae(latent_dim=0), "Received: latent_dim=0"),
        (lambda: vae(learning_rate=-1.0), "Received: learning_rate=-1.0"),
        (lambda: vae(input_shape=(28, 28)), r"Received: input_shape=\(28, 28\)"),
        (lambda: vae(num_classes=2.5), "Received: num_classes=2.5"),
    ],
)
def test_factory_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_class_errors():
    model = vae(**SMALL)
    with pytest.raises(ValueError, match="Received: reconstruction_loss='l1'"):
        VAE(model.encoder, model.decoder, reconstruction_loss="l1")
    with pytest.raises(ValueError, match="Received: beta=-1"):
        VAE(model.encoder, model.decoder, beta=-1)
    with pytest.raises(ValueError, match="Received: seed=-2"):
        VAE(model.encoder, model.decoder, seed=-2)
    with pytest.raises(TypeError, match="num_codes"):  # InfoGAN codes: GANs only.
        VAE(model.encoder, model.decoder, num_codes=3)


def test_release_0_1_0_file_describes_itself():
    path = pathlib.Path(__file__).parent / "fixtures" / "release_0_1_0" / "vae.keras"
    model = keras.saving.load_model(path)
    assert_generative_interface(
        model, image_shape=(28, 28, 1), value_range=(0.0, 1.0), num_classes=10
    )
    assert model.generate(2, labels=4, seed=0).shape == (2, 28, 28, 1)


def test_loaded_model_continues_its_noise_stream(trained, tmp_path):
    model, _ = trained["vae"]
    first = model.generate(3)
    model.save(tmp_path / "vae.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded = keras.saving.load_model(tmp_path / "vae.keras")
    # The sampler's state is in the file: the loaded model continues the
    # stream instead of replaying the noise it started with.
    expected = model.generate(3)
    drawn = loaded.generate(3)
    np.testing.assert_allclose(drawn, expected, atol=1e-6)
    assert not np.allclose(drawn, first)


def test_release_0_1_0_file_keeps_its_initial_seed_state():
    path = pathlib.Path(__file__).parent / "fixtures" / "release_0_1_0" / "vae.keras"
    model = keras.saving.load_model(path)
    fresh = keras.random.SeedGenerator(model.seed)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(model.sampler.seed_generator.state),
        keras.ops.convert_to_numpy(fresh.state),
    )


def test_numpy_scalars_are_accepted():
    model = vae(latent_dim=np.int64(2), filters=np.int64(4), seed=np.int64(3))
    assert model.seed == 3 and type(model.sampler.seed) is int
    model = VAE(model.encoder, model.decoder, beta=np.float32(0.5))
    assert type(model.get_config()["beta"]) is float
    assert model.generate(np.int64(2), seed=np.int64(0)).shape == (2, 28, 28, 1)
