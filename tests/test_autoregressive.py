"""The autoregressive decoder: units first, teacher forcing in fit, greedy predict."""

import keras
import numpy as np
import pytest
from model_checks import assert_config_round_trip
from model_checks import assert_saved_model_matches

import mnist_arith
from mnist_arith.models.layers import WriteCharacter

COURSE = mnist_arith.COURSE_VOCABULARY

SMALL = {
    "units": 16,
    "encoder_layers": 1,
    "decoder_layers": 1,
    "decoder": "autoregressive",
}


@pytest.fixture(scope="module")
def text_data():
    queries = mnist_arith.make_queries("2023", num_samples=64, seed=0)
    table = queries.character_table
    return table.encode(queries.queries), table.encode(queries.answers)


@pytest.mark.parametrize("preset", ["2023", "2021", "2023-multiplication"])
def test_units_first_is_its_own_inverse_on_every_answer(preset):
    queries = mnist_arith.make_queries(preset)
    table = queries.character_table
    layer = mnist_arith.LeastSignificantFirst(queries.padding)
    answers = table.encode(queries.answers)
    units_first = layer(answers)
    width = queries.answer_width
    assert table.decode(units_first) == [
        answer.strip()[::-1].ljust(width) for answer in queries.answers
    ]
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer(units_first)), answers
    )


def test_units_first_moves_probabilities_with_their_slot():
    table = mnist_arith.CharacterTable()
    probabilities = np.random.default_rng(0).dirichlet(np.ones(13), size=(2, 3))
    probabilities[:, 0] = table.encode([" ", " "])[:, 0] * 0.9 + 0.1 / 13
    probabilities = probabilities.astype("float32")
    moved = keras.ops.convert_to_numpy(
        mnist_arith.LeastSignificantFirst("right")(probabilities)
    )
    # '_xy' reversed is 'yx_', no space leads: a plain reversal.
    np.testing.assert_allclose(moved, probabilities[:, ::-1], atol=1e-7)


def test_write_character_fills_the_next_slot_with_the_most_likely_one():
    written = np.zeros((2, 3, 13), "float32")
    probabilities = mnist_arith.CharacterTable().encode(["57 ", "-1 "])
    step = keras.ops.convert_to_numpy(WriteCharacter(0)([written, probabilities]))
    assert step[:, 0].sum() == 0 and step[:, 2].sum() == 0
    assert step[:, 1].argmax(axis=-1).tolist() == [5, 11]
    with pytest.raises(ValueError, match=r"Received: slot=2 for answers of 3"):
        WriteCharacter(2)([written, probabilities])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        # The same code path on JAX, where compiling another model costs most.
        pytest.param(
            {"padding": "left", "feed_forward": "gated", "dropout": 0.0},
            marks=pytest.mark.not_jax,
        ),
    ],
)
def test_text2text_fits_predicts_and_round_trips(text_data, tmp_path, kwargs):
    x, y = text_data
    model = mnist_arith.text2text(5, 3, **SMALL, **kwargs)
    assert model.decoder == "autoregressive"
    keras.utils.set_random_seed(0)
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0).history
    assert set(history) == {"loss", "exact_match", "character_accuracy"}
    assert np.isfinite(history["loss"]).all()
    assert history["loss"][-1] < history["loss"][0]
    assert model.predict(x[:4], verbose=0).shape == (4, 3, 13)
    clone = assert_config_round_trip(model)
    assert clone.decoder == "autoregressive"
    loaded = assert_saved_model_matches(model, x[:8], tmp_path)
    assert loaded.decoder == "autoregressive"
    # The weights are counted once: the teacher-forcing pass shares them.
    assert len(loaded.weights) == len(model.weights)
    assert (
        model.count_params()
        == mnist_arith.Text2Text(5, 3, **SMALL, **kwargs).count_params()
    )


def test_image2text_fits_predicts_and_round_trips(digits, tmp_path):
    queries = mnist_arith.make_queries("2023", num_samples=16, seed=1)
    images = mnist_arith.render_query_images(
        queries.queries, digits, seed=0, channel_axis=True
    )
    answers = queries.character_table.encode(queries.answers)
    model = mnist_arith.image2text(5, 3, **SMALL, character_reader=None, filters=4)
    history = model.fit(images, answers, batch_size=8, epochs=2, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert model.predict(images[:2], verbose=0).shape == (2, 3, 13)
    assert_saved_model_matches(model, images[:4], tmp_path)


def test_teacher_forcing_and_greedy_decoding_agree_on_a_trained_toy():
    queries = mnist_arith.make_queries("2023", num_samples=16, seed=2)
    table = queries.character_table
    x, y = table.encode(queries.queries), table.encode(queries.answers)
    keras.utils.set_random_seed(1)
    model = mnist_arith.text2text(
        5, 3, **{**SMALL, "units": 32}, dropout=0.0, learning_rate=2e-2
    )
    model.fit(x, y, batch_size=16, epochs=30, verbose=0)
    greedy = model.predict(x, verbose=0)
    assert np.mean(table.decode(greedy) == queries.answers) >= 0.9
    # Fed its own greedy answers, the decoder writes them again.
    again = keras.ops.convert_to_numpy(model.teacher_forced(x, greedy))
    np.testing.assert_array_equal(again.argmax(axis=-1), greedy.argmax(axis=-1))
    # The loss is the cross-entropy of the true characters given the true
    # characters before them.
    forced = keras.ops.convert_to_numpy(model.teacher_forced(x, y))
    right = (forced.argmax(axis=-1) == y.argmax(axis=-1)).all(axis=1)
    expected = -np.log(np.sum(forced * y, axis=-1))[right].mean()
    loss = model.compute_loss(x[right], y[right], model(x[right]), training=False)
    loss = float(keras.ops.convert_to_numpy(keras.ops.stop_gradient(loss)))
    assert loss == pytest.approx(expected, rel=1e-3, abs=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decoder": "beam"}, r"Received: decoder='beam'"),
        (
            {"decoder": "autoregressive", "cell": "lstm"},
            r"decoder.*cannot be set for cell='lstm'",
        ),
        (
            {"decoder": "autoregressive", "course_model": True},
            r"cannot be set with course_model=True.*decoder='autoregressive'",
        ),
    ],
)
def test_bad_decoder_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mnist_arith.text2text(5, 3, **kwargs)


def test_teacher_forced_needs_the_autoregressive_decoder(text_data):
    x, y = text_data
    with pytest.raises(ValueError, match=r"Received: decoder='parallel'"):
        mnist_arith.text2text(5, 3, units=16).teacher_forced(x, y)
    model = mnist_arith.text2text(5, 3, **SMALL)
    with pytest.raises(ValueError, match=r"Received: answers.shape=\(64, 4, 13\)"):
        model.teacher_forced(x, np.zeros((64, 4, 13), "float32"))
