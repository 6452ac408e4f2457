import math

import keras
import numpy as np
import pytest
from model_checks import assert_config_round_trip
from model_checks import assert_saved_model_matches

import mnist_arith
from mnist_arith.evaluation import readability
from mnist_arith.models.reader import train_digit_reader
from mnist_arith.models.text2image import Text2Image
from mnist_arith.models.text2image import text2image
from mnist_arith.models.text2image_training import train_text2image
from mnist_arith.models.vae import vae

TABLE = mnist_arith.CharacterTable()


def small_text_model(query_length=5, answer_length=3, vocabulary_size=13):
    """A tiny dense text model: any model of the right shapes will do."""
    queries = keras.Input((query_length, vocabulary_size))
    features = keras.layers.Flatten()(queries)
    logits = keras.layers.Dense(answer_length * vocabulary_size)(features)
    logits = keras.layers.Reshape((answer_length, vocabulary_size))(logits)
    answers = keras.layers.Softmax()(logits)
    return keras.Model(queries, answers, name="dense_text_model")


def small_decoder(num_classes=13):
    return vae(num_classes=num_classes, latent_dim=2, filters=4, seed=0).decoder


def copying_text_model():
    """A weightless text model whose answer is the query's first 3 characters."""
    queries = keras.Input((5, 13))
    answers = keras.layers.Cropping1D((0, 2))(queries)
    return keras.Model(queries, answers, name="copy_first_three")


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def weights(network):
    return [np.array(w) for w in network.get_weights()]


@pytest.fixture(scope="module")
def data():
    queries = mnist_arith.make_queries("2023")
    queries = queries[np.random.default_rng(0).permutation(len(queries))[:64]]
    return queries, TABLE.encode(queries.queries), TABLE.encode(queries.answers)


@pytest.fixture(scope="module")
def trained(data):
    """A small Text2Image after 3 epochs of 2 batches, with weights from before."""
    _, x, y = data
    keras.utils.set_random_seed(0)
    model = text2image(
        text_model=small_text_model(), character_decoder=small_decoder(), seed=1
    )
    before = weights(model.text_model), weights(model.character_decoder)
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    return model, history.history, before


def test_builds_with_defaults():
    model = text2image()
    assert isinstance(model, Text2Image)
    assert model.text_model.input_shape == (None, 5, 13)
    assert model.text_model.output_shape == (None, 3, 13)
    assert model.character_decoder.output_shape == (None, 28, 28, 1)
    assert model.text_model.name == "text2text"
    assert (model.query_length, model.answer_length) == (5, 3)
    assert (model.vocabulary_size, model.latent_dim) == (13, 8)
    assert model.vocabulary == mnist_arith.COURSE_VOCABULARY
    assert model.image_shape == (28, 28, 1)
    assert model.stochastic is False and model.temperature == 0.5
    assert model.loss == "categorical_crossentropy"


def test_fit_trains_the_text_part_only(trained):
    model, history, (text_before, decoder_before) = trained
    assert set(history) == {"loss", "exact_match", "character_accuracy"}
    assert np.isfinite(history["loss"]).all()
    assert history["loss"][-1] < history["loss"][0]
    assert int(model.optimizer.iterations) == 6
    text_after = weights(model.text_model)
    assert any(
        not np.array_equal(old, new)
        for old, new in zip(text_before, text_after, strict=True)
    )
    for old, new in zip(decoder_before, weights(model.character_decoder), strict=True):
        np.testing.assert_array_equal(old, new)
    # The optimizer holds state for the text model's weights only.
    assert len(model.trainable_variables) == len(model.text_model.trainable_variables)
    every = {id(v) for v in model.trainable_variables + model.non_trainable_variables}
    assert every == {id(v) for v in model.variables}


def test_training_mode_returns_answer_probabilities(trained, data):
    model, _, _ = trained
    _, x, y = data
    probabilities = numpy(model(x[:4], training=True))
    assert probabilities.shape == (4, 3, 13)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, atol=1e-5)
    scores = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(scores) == {"loss", "exact_match", "character_accuracy"}
    assert 0 <= scores["character_accuracy"] <= 1


def test_output_shape_range_and_determinism(trained, data):
    model, _, _ = trained
    _, x, _ = data
    images = numpy(model(x[:5]))
    assert images.shape == (5, 3, 28, 28, 1)
    assert images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(numpy(model(x[:5])), images)
    np.testing.assert_allclose(model.generate(x[:5]), images, atol=1e-6)
    np.testing.assert_allclose(model.predict(x[:5], verbose=0), images, atol=1e-6)
    assert model.generate(data[0][:5]).shape == (5, 3, 28, 28, 1)


def test_stochastic_mode_differs_and_reproduces_with_a_seed(trained, data):
    model, _, _ = trained
    _, x, _ = data
    deterministic = model.generate(x[:4])
    first = model.generate(x[:4], stochastic=True)
    second = model.generate(x[:4], stochastic=True)
    assert first.shape == deterministic.shape
    assert first.min() >= 0 and first.max() <= 1
    assert not np.allclose(first, second)
    assert not np.allclose(first, deterministic)
    seeded = model.generate(x[:4], stochastic=True, seed=3)
    np.testing.assert_array_equal(
        model.generate(x[:4], stochastic=True, seed=3), seeded
    )
    assert not np.allclose(model.generate(x[:4], stochastic=True, seed=4), seeded)
    # A calmer temperature stays closer to the typical handwriting.
    calm = model.generate(x[:4], stochastic=True, seed=3, temperature=0.01)
    assert np.abs(calm - deterministic).max() < np.abs(seeded - deterministic).max()
    # A progress display changes nothing drawn.
    np.testing.assert_array_equal(
        model.generate(x[:4], stochastic=True, seed=3, verbose=2), seeded
    )
    # `call` draws from the model's own generator.
    np.testing.assert_raises(
        AssertionError,
        np.testing.assert_array_equal,
        numpy(model(x[:4], stochastic=True)),
        numpy(model(x[:4], stochastic=True)),
    )


def test_decoded_classes_follow_the_text_prediction():
    decoder = small_decoder()
    model = Text2Image(
        copying_text_model(), decoder, vocabulary=mnist_arith.COURSE_VOCABULARY
    )
    images = model.generate(["12+3 ", "12+45", "45-6 ", "1 1  "])
    same, also_same, other, repeated = images
    np.testing.assert_array_equal(same, also_same)
    for position in range(3):
        assert not np.allclose(same[position], other[position])
    np.testing.assert_array_equal(repeated[0], repeated[2])
    assert not np.allclose(repeated[0], repeated[1])
    # Every character is the decoder's image of its class at the zero latent.
    labels = np.array(TABLE.ids(["45-"])[0])
    expected = numpy(decoder([np.zeros((3, 2), "float32"), labels]))
    np.testing.assert_allclose(other, expected, atol=1e-6)


def test_stochastic_model_draws_new_handwriting_in_predict():
    model = Text2Image(copying_text_model(), small_decoder(), stochastic=True)
    queries = TABLE.encode(["12+3 ", "45-6 "])
    first = model.predict(queries, verbose=0)
    second = model.predict(queries, verbose=0)
    assert first.shape == (2, 3, 28, 28, 1)
    assert first.min() >= 0 and first.max() <= 1
    assert not np.allclose(first, second)
    deterministic = model.generate(queries, stochastic=False)
    assert not np.allclose(first, deterministic)


def test_config_and_saving_round_trip(trained, data, tmp_path):
    model, _, _ = trained
    _, x, _ = data
    clone = assert_config_round_trip(model)
    assert isinstance(clone, Text2Image) and clone.seed == 1
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.generate(x[:4]), model.generate(x[:4]), atol=1e-6)
    loaded = assert_saved_model_matches(model, x[:4], tmp_path)
    assert isinstance(loaded, Text2Image)
    assert loaded.loss == "categorical_crossentropy"
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations)
    assert (loaded.stochastic, loaded.temperature) == (False, 0.5)
    np.testing.assert_allclose(
        loaded.generate(x[:4], stochastic=True, seed=3),
        model.generate(x[:4], stochastic=True, seed=3),
        atol=1e-5,
    )


def test_train_text2image_trains_both_parts(digits):
    small = mnist_arith.Digits.from_arrays(  # 20 of each digit
        digits.train_images[::20], digits.train_labels[::20]
    )
    queries = mnist_arith.make_queries("2023")[::300]
    text_model = small_text_model()
    model = train_text2image(
        queries,
        small,
        text_model=text_model,
        text_epochs=2,
        decoder_epochs=1,
        batch_size=10,
    )
    assert isinstance(model, Text2Image) and model.text_model is text_model
    losses = model.history.history["loss"]
    assert len(losses) == 2 and losses[-1] < losses[0]
    # The text trains with `train text2text`'s recipe: AdamW, weight decay
    # 0.1, warmed up to 0.005 over a tenth of the 2 x 7 steps, then to 0.
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.AdamW)
    assert optimizer.weight_decay == pytest.approx(0.1)
    assert int(optimizer.iterations) == 2 * math.ceil(len(queries) / 10) == 14
    schedule = optimizer._learning_rate
    rates = [float(schedule(step)) for step in (0, 1, 14)]
    assert rates == pytest.approx([0.005 / 25, 0.005, 0.0], abs=1e-9)
    assert model.latent_dim == 8 and model.vocabulary_size == 13
    images = model.generate(queries[:2])
    assert images.shape == (2, 3, 28, 28, 1)
    assert images.min() >= 0 and images.max() <= 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"query_length": 0}, "Received: query_length=0"),
        ({"answer_length": -1}, "Received: answer_length=-1"),
        ({"vocabulary": ""}, "Received: characters=''"),
        ({"latent_dim": 0}, "Received: latent_dim=0"),
        ({"learning_rate": 0}, "Received: learning_rate=0"),
        ({"temperature": -1.0}, "Received: temperature=-1.0"),
        ({"stochastic": "yes"}, "Received: stochastic='yes'"),
    ],
)
def test_factory_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        text2image(
            text_model=small_text_model(),
            character_decoder=small_decoder(),
            **kwargs,
        )


def test_mismatched_parts_are_rejected():
    with pytest.raises(ValueError, match="Received: vocabulary_size=13"):
        Text2Image(small_text_model(), small_decoder(num_classes=14))
    with pytest.raises(ValueError, match=r"must map.*Received: text_model"):
        text2image(7, 4, text_model=small_text_model())
    unconditional = vae(latent_dim=2, filters=4).decoder
    with pytest.raises(ValueError, match=r"conditional decoder.*1 inputs"):
        Text2Image(small_text_model(), unconditional)
    with pytest.raises(ValueError, match="Received: text_model=<str>"):
        Text2Image("text2text", small_decoder())


def test_bad_queries_and_arguments(data):
    model = Text2Image(
        copying_text_model(), small_decoder(), vocabulary=mnist_arith.COURSE_VOCABULARY
    )
    with pytest.raises(ValueError, match=r"Received: queries.shape=\(2, 4, 13\)"):
        model(np.zeros((2, 4, 13), "float32"))
    with pytest.raises(ValueError, match=r"Received: queries.shape=\(5, 13\)"):
        model.generate(np.zeros((5, 13), "float32"))
    with pytest.raises(ValueError, match=r"Received: queries.shape=\(1, 4, 13\)"):
        model.generate(["12+3"])
    with pytest.raises(ValueError, match="Received: temperature=0"):
        model.generate(data[1][:1], stochastic=True, temperature=0)
    with pytest.raises(ValueError, match="Received: verbose=3"):
        model.generate(data[1][:1], verbose=3)
    with pytest.raises(ValueError, match=r"Received: metrics=\['accuracy'\]"):
        model.compile(metrics=["accuracy"])
    with pytest.raises(ValueError, match="Received: text_epochs=0"):
        train_text2image(data[0], text_epochs=0)
    with pytest.raises(ValueError, match="Received: queries of type ndarray"):
        train_text2image(data[1])
    with pytest.raises(ValueError, match=r"Received: text_model with shapes"):
        train_text2image(data[0], text_model=small_text_model(7, 4, 14))


@pytest.mark.slow
def test_trained_answers_are_readable(digits):
    """An independent reader reads the generated answers as the right ones."""
    queries = mnist_arith.make_queries("2023")
    queries = queries[np.random.default_rng(0).permutation(len(queries))[:1000]]
    model = train_text2image(queries, digits, text_epochs=60)
    reader, accuracy = train_digit_reader(digits, epochs=5)
    assert accuracy > 0.95
    x = TABLE.encode(queries.queries)
    predicted = TABLE.decode(model.text_model.predict(x, verbose=0))
    images = model.generate(queries)
    # Every image shows the character the text model predicted...
    assert readability(images, predicted, reader=reader) > 0.95
    # ...so the answers read right as often as the text is right.
    assert readability(images, queries.answers, reader=reader) > 0.8
    varied = model.generate(queries, stochastic=True, seed=0)
    assert readability(varied, predicted, reader=reader) > 0.85


def test_loaded_model_continues_its_handwriting_stream(trained, data, tmp_path):
    model, _, _ = trained
    _, x, _ = data
    first = model.generate(x[:2], stochastic=True)
    model.save(tmp_path / "text2image.keras")
    loaded = keras.saving.load_model(tmp_path / "text2image.keras")
    # The seed generator's state is in the file: no replay of the first draw.
    expected = model.generate(x[:2], stochastic=True)
    drawn = loaded.generate(x[:2], stochastic=True)
    np.testing.assert_allclose(drawn, expected, atol=1e-5)
    assert not np.allclose(drawn, first)


def test_numpy_scalars_are_accepted():
    model = Text2Image(
        copying_text_model(),
        small_decoder(),
        stochastic=np.bool_(True),
        temperature=np.float32(0.25),
        seed=np.int64(2),
    )
    assert (model.stochastic, model.temperature, model.seed) == (True, 0.25, 2)
    assert type(model.temperature) is float and type(model.seed) is int
    queries = TABLE.encode(["12+3 "])
    images = model.generate(queries, seed=np.int64(1), temperature=np.float64(0.5))
    assert images.shape == (1, 3, 28, 28, 1)
