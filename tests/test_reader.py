import keras
import numpy as np
import pytest
from model_checks import assert_saved_model_matches

import mnist_arith
from mnist_arith.data.characters import character_dataset
from mnist_arith.evaluation import readability
from mnist_arith.models.reader import digit_reader
from mnist_arith.models.reader import read_images
from mnist_arith.models.reader import reader_features
from mnist_arith.models.reader import train_digit_reader


def test_character_dataset_covers_the_vocabulary(digits):
    images, labels = character_dataset(digits, mnist_arith.MULTIPLICATION_VOCABULARY)
    assert images.shape[1:] == (28, 28, 1) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    counts = np.bincount(labels, minlength=14)
    assert (counts[:10] == 400).all() and (counts[10:] == 400).all()
    blanks = images[labels == 12]
    assert blanks.max() < 0.1, "spaces are blank or nearly blank"
    _test_images, test_labels = character_dataset(digits, pool="test", seed=1)
    assert (np.bincount(test_labels)[:10] == 200).all()


def test_reader_trains_reads_and_saves(digits, tmp_path):
    keras.utils.set_random_seed(0)
    images, labels = character_dataset(digits)
    reader = digit_reader(filters=8)
    history = reader.fit(images[::4], labels[::4], epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    rendered = mnist_arith.render_query_images(["12+7 ", "3-45 "], digits, seed=0)
    read = read_images(reader, rendered)
    assert len(read) == 2 and all(len(text) == 5 for text in read)
    assert set("".join(read)) <= set(mnist_arith.COURSE_VOCABULARY)
    assert reader_features(reader, rendered[0]).shape == (5, 128)
    assert_saved_model_matches(reader, images[:8], tmp_path)
    with pytest.raises(ValueError, match=r"images.shape=\(2, 5, 28\)"):
        read_images(reader, rendered[:, :, 0])


def _seed_states(model):
    return [
        keras.ops.convert_to_numpy(variable).tolist()
        for variable in model.non_trainable_variables
        if variable.name == "seed_generator_state"
    ]


@pytest.mark.parametrize("model_kind", ["reader", "text2text"])
def test_loaded_models_continue_their_dropout_and_augmentation(model_kind, tmp_path):
    # Keras does not save the seed generators inside Dropout or
    # RandomTranslation; without the saved states a loaded model would replay
    # the masks and shifts the original drew first.
    keras.utils.set_random_seed(0)
    if model_kind == "reader":
        model = digit_reader(filters=4)
        inputs = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
        model.fit(inputs, np.zeros(8, "int32"), epochs=2, verbose=0)
    else:
        model = mnist_arith.text2text(5, 3, dropout=0.5)
        inputs = np.eye(13, dtype=np.float32)[np.arange(20).reshape(4, 5) % 13]
        model.fit(inputs, inputs[:, :3], epochs=2, verbose=0)
    initial = _seed_states(keras.models.clone_model(model))
    assert _seed_states(model) != initial  # training moved them on
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert _seed_states(loaded) == _seed_states(model)
    if model_kind == "reader":
        # The shifts and turns drawn next are the same. (Dropout on torch
        # draws from torch's global generator, not from its seed state.)
        for layer, twin in zip(model.layers[1:3], loaded.layers[1:3], strict=True):
            drawn = keras.ops.convert_to_numpy(layer(inputs, training=True))
            continued = keras.ops.convert_to_numpy(twin(inputs, training=True))
            np.testing.assert_allclose(continued, drawn, atol=1e-6)


def test_readability_counts_exact_reads(digits):
    keras.utils.set_random_seed(0)
    images, labels = character_dataset(digits)
    reader = digit_reader(filters=8)
    reader.fit(images[::3], labels[::3], epochs=1, verbose=0)
    answers = ["11 ", "-7 "]
    rendered = mnist_arith.render_query_images(answers, digits, seed=0)
    expected = np.mean(
        [
            text == answer
            for text, answer in zip(
                read_images(reader, rendered), answers, strict=False
            )
        ]
    )
    assert readability(rendered, answers, reader=reader) == expected
    with pytest.raises(ValueError, match=r"sequence \(2\)\. Received: 3 answers"):
        readability(rendered, [*answers, "1  "], reader=reader)


def test_bad_reader_arguments():
    with pytest.raises(ValueError, match="filters=0"):
        digit_reader(filters=0)
    with pytest.raises(ValueError, match="characters=''"):
        digit_reader("")


@pytest.mark.slow
def test_reader_reaches_a_sane_accuracy(digits):
    _, accuracy = train_digit_reader(digits, epochs=5)
    assert accuracy > 0.95
