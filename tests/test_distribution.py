"""The model factories under `keras.distribution.DataParallel` (JAX only).

One subprocess starts JAX with 4 virtual CPU devices
(`XLA_FLAGS=--xla_force_host_platform_device_count=4`, set before JAX is
imported), sets a `DataParallel` distribution over them and trains small
`text2text`, `vae` and `gan` models for a few steps. It reports what the
tests below check: the devices, the losses, the sharding of the batches the
trainer fed to the train step and of the variables, and the largest
difference to the same models run without a distribution.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "jax",
    reason=(
        "keras.distribution.DataParallel is implemented for the JAX backend only "
        f"in Keras 3.15 (this run: {keras.backend.backend()})"
    ),
)

NUM_DEVICES = 4
BATCH_SIZE = 32

CHILD = textwrap.dedent(
    """
    import json
    import warnings

    import jax
    import keras
    import numpy as np
    from keras.src.backend.jax import trainer as jax_trainer

    import mnist_arith

    warnings.simplefilter("always")
    caught = warnings.catch_warnings(record=True)
    recorded = caught.__enter__()

    # Record the sharding of every array the JAX trainer hands to a step
    # (Keras 3.15's `_distribute_data`; the tests fail loudly if it moves).
    fed = []
    distribute_data = jax_trainer._distribute_data


    def spy(data, layouts=None):
        result = distribute_data(data, layouts)
        for leaf in jax.tree_util.tree_leaves(result):
            sharding = leaf.sharding
            fed.append(
                {
                    "devices": len(sharding.device_set),
                    "shape": list(leaf.shape),
                    "shard": list(sharding.shard_shape(leaf.shape)),
                }
            )
        return result


    jax_trainer._distribute_data = spy

    devices = keras.distribution.list_devices("cpu")
    distribution = keras.distribution.DataParallel(devices=devices)
    batch = BATCH_SIZE


    def variable_devices(model):
        return sorted(
            {
                len(variable.value.sharding.device_set)
                for variable in model.variables + model.optimizer.variables
            }
        )


    def max_difference(first, second):
        return max(
            float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
            for a, b in zip(first, second, strict=True)
        )


    def run(name, build, x, y, predict_x):
        keras.distribution.set_distribution(None)
        keras.utils.set_random_seed(0)
        reference = build()
        initial = reference.get_weights()
        keras.distribution.set_distribution(distribution)
        model = build()
        model.set_weights(initial)
        del fed[:]
        history = model.fit(
            x, y, batch_size=batch, epochs=3, shuffle=False, verbose=0
        )
        inputs = keras.distribution.distribute_tensor(
            predict_x[:batch], distribution.get_data_layout(predict_x[:batch].shape)
        )
        outputs = model(inputs)
        result = {
            "history": {key: list(values) for key, values in history.history.items()},
            "fed": [dict(entry) for entry in fed],
            "variable_devices": variable_devices(model),
            "output_devices": len(outputs.sharding.device_set),
            "output_shard": list(outputs.sharding.shard_shape(outputs.shape)),
            "weights_changed": max_difference(initial, model.get_weights()),
        }
        predicted = model.predict(predict_x, batch_size=batch, verbose=0)
        trained = model.get_weights()
        keras.distribution.set_distribution(None)
        single = build()
        single.set_weights(trained)
        result["prediction_difference"] = max_difference(
            [predicted], [single.predict(predict_x, batch_size=batch, verbose=0)]
        )
        result["single_device_variables"] = variable_devices(single)
        if name == "text2text":
            # Without dropout, data-parallel steps equal single-device steps.
            reference.fit(x, y, batch_size=batch, epochs=3, shuffle=False, verbose=0)
            result["training_difference"] = max_difference(
                trained, reference.get_weights()
            )
        return result


    queries = mnist_arith.make_queries("2023", num_samples=4 * batch, seed=0)
    table = queries.character_table
    x_text = table.encode(queries.queries)
    y_text = table.encode(queries.answers)
    digits = mnist_arith.load_digits("embedded")
    images = digits.train_images[: 4 * batch, ..., None].astype("float32") / 255
    noise = np.random.default_rng(0).normal(size=(2 * batch, 4)).astype("float32")

    report = {
        "jax_devices": jax.device_count(),
        "keras_devices": devices,
        "text2text": run(
            "text2text",
            lambda: mnist_arith.text2text(
                5, 3, units=16, encoder_layers=1, decoder_layers=1, dropout=0.0
            ),
            x_text,
            y_text,
            x_text,
        ),
        "vae": run(
            "vae",
            lambda: mnist_arith.vae(latent_dim=2, filters=4, seed=0),
            images,
            None,
            images,
        ),
        "gan": run(
            "gan",
            lambda: mnist_arith.gan(latent_dim=4, filters=4, seed=0),
            2 * images - 1,
            None,
            noise,
        ),
    }
    caught.__exit__(None, None, None)
    # Keras variables' __array__ lacks NumPy 2's `copy` keyword (harmless,
    # ignored in pyproject.toml too); any other Keras warning is reported.
    report["warnings"] = sorted(
        {
            f"{warning.category.__name__}: {warning.message}"
            for warning in recorded
            if "keras" in warning.filename
            and "copy keyword" not in str(warning.message)
        }
    )
    print("REPORT " + json.dumps(report))
    """
).replace("BATCH_SIZE", str(BATCH_SIZE))


@pytest.fixture(scope="module")
def report():
    environment = dict(
        os.environ,
        KERAS_BACKEND="jax",
        XLA_FLAGS=f"--xla_force_host_platform_device_count={NUM_DEVICES}",
        JAX_PLATFORMS="cpu",
    )
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(
        line for line in result.stdout.splitlines() if line.startswith("REPORT ")
    )
    return json.loads(line.removeprefix("REPORT "))


def test_four_devices_and_no_sharding_warnings(report):
    assert report["jax_devices"] == NUM_DEVICES
    assert report["keras_devices"] == [f"cpu:{index}" for index in range(4)]
    assert report["warnings"] == []


@pytest.mark.parametrize("name", ["text2text", "vae", "gan"])
def test_batches_are_split_over_four_devices(report, name):
    fed = report[name]["fed"]
    # At least 3 epochs of 4 batches (`fit` also builds the model from the first
    # batch); `y` is None for the VAE and the GAN.
    assert len(fed) >= 3 * 4 * (2 if name == "text2text" else 1)
    for entry in fed:
        assert entry["devices"] == NUM_DEVICES
        assert entry["shape"][0] == BATCH_SIZE
        assert entry["shard"] == [BATCH_SIZE // NUM_DEVICES, *entry["shape"][1:]]
    assert report[name]["output_devices"] == NUM_DEVICES
    assert report[name]["output_shard"][0] == BATCH_SIZE // NUM_DEVICES


@pytest.mark.parametrize("name", ["text2text", "vae", "gan"])
def test_variables_are_replicated_and_trained(report, name):
    result = report[name]
    # Every model and optimizer variable lives on all 4 devices.
    assert result["variable_devices"] == [NUM_DEVICES]
    assert result["single_device_variables"] == [1]
    assert result["weights_changed"] > 1e-4
    for values in result["history"].values():
        assert np.isfinite(values).all()
    losses = "discriminator_loss" if name == "gan" else "loss"
    assert result["history"][losses][-1] < result["history"][losses][0]


@pytest.mark.parametrize("name", ["text2text", "vae", "gan"])
def test_predictions_match_a_single_device(report, name):
    assert report[name]["prediction_difference"] < 1e-5


def test_data_parallel_steps_match_single_device_steps(report):
    # The same 12 AdamW steps from the same weights, split over 4 devices or
    # not: only the order of floating-point sums differs.
    assert report["text2text"]["training_difference"] < 1e-4
