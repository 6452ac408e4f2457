import hashlib

import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith.data.characters import character_dataset
from mnist_arith.models import reference_reader as reference_module

VOCABULARY = mnist_arith.MULTIPLICATION_VOCABULARY


@pytest.fixture(scope="module")
def reader():
    return mnist_arith.reference_reader()


def _read(reader, images):
    return reader.predict(images, batch_size=500, verbose=0).argmax(-1)


def test_shipped_weights_are_the_ones_built():
    content = reference_module.WEIGHTS_PATH.read_bytes()
    assert hashlib.sha256(content).hexdigest() == reference_module.WEIGHTS_SHA256
    assert len(content) <= 2_000_000
    assert 0.996 <= reference_module.TEST_ACCURACY < 1


def test_reads_the_embedded_mnist_test_digits(reader, digits):
    # The embedded test pool is 2,000 of MNIST's test digits, which the reader
    # never saw: a held-out check offline (the model card's 99.66% is on all
    # 10,000; this slice reads 99.60%).
    assert len(digits.test_labels) == 2000
    images = (digits.test_images / 255.0).astype(np.float32)[..., None]
    accuracy = np.mean(_read(reader, images) == digits.test_labels)
    assert accuracy >= 0.995


def test_reads_freshly_drawn_glyphs_and_blanks(reader, digits):
    images, labels = character_dataset(digits, VOCABULARY, pool="test", seed=7)
    drawn = labels >= 10
    assert set(labels[drawn].tolist()) == {10, 11, 12, 13}
    np.testing.assert_array_equal(_read(reader, images[drawn]), labels[drawn])


def test_reads_rendered_answers(reader, digits):
    answers = ["12*3 ", "45-67", "8+9  ", "  0 *"]
    images = mnist_arith.render_query_images(answers, digits, pool="test", seed=3)
    assert mnist_arith.read_images(reader, images) == answers


def test_is_frozen_and_knows_what_it_is(reader):
    assert reader.trainable is False
    assert reader.trainable_weights == []
    assert not any(layer.trainable for layer in reader.layers)
    assert reader.vocabulary == VOCABULARY
    config = reader.get_config()
    assert config["architecture"] == "reference"
    assert config["trainable"] is False
    twin = mnist_arith.DigitReader.from_config(config)
    assert twin.count_params() == reader.count_params()


def test_inference_is_deterministic(reader, digits):
    images = (digits.test_images[:16] / 255.0).astype(np.float32)[..., None]
    first = keras.ops.convert_to_numpy(reader(images, training=False))
    second = keras.ops.convert_to_numpy(reader(images, training=False))
    np.testing.assert_array_equal(first, second)


def test_damaged_weights_file_is_refused(tmp_path, monkeypatch):
    damaged = tmp_path / "reference_reader.weights.h5"
    damaged.write_bytes(b"\x89HDF\r\n\x1a\n" + b"junk" * 100)
    monkeypatch.setattr(reference_module, "WEIGHTS_PATH", damaged)
    with pytest.raises(ValueError, match="is not a valid weights file") as error:
        mnist_arith.reference_reader()
    assert str(error.value).endswith(f"Received: path={str(damaged)!r}")


def test_missing_weights_file_is_refused(tmp_path, monkeypatch):
    missing = tmp_path / "absent.weights.h5"
    monkeypatch.setattr(reference_module, "WEIGHTS_PATH", missing)
    with pytest.raises(ValueError, match=r"cannot be read .*Received: path="):
        mnist_arith.reference_reader()


def test_unknown_architecture_is_refused():
    with pytest.raises(
        ValueError,
        match=r"Expected `architecture` to be one of \('basic', 'reference'\)\. "
        r"Received: architecture='large'",
    ):
        mnist_arith.DigitReader(architecture="large")


def test_reference_architecture_has_no_augmentation_layers(reader):
    # The shipped reader itself: a new one would cost JAX a compilation of
    # every initializer (seconds on 2 cores).
    kinds = {type(layer).__name__ for layer in reader.layers}
    assert "BatchNormalization" in kinds
    assert not any(kind.startswith("Random") for kind in kinds)
    assert reader.get_layer("features").output.shape == (None, 128)
    assert reader.output_shape == (None, len(VOCABULARY))
