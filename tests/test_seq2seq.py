import json
import subprocess
import sys

import keras
import numpy as np
import pytest
from model_checks import assert_config_round_trip
from model_checks import assert_saved_model_matches

import mnist_arith
from mnist_arith.models.layers import DigitPairs
from mnist_arith.models.layers import DigitPlaces
from mnist_arith.models.layers import LeftAlign
from mnist_arith.models.seq2seq import image2text
from mnist_arith.models.seq2seq import text2text

COURSE = mnist_arith.COURSE_VOCABULARY

SMALL = {"units": 16, "encoder_layers": 1, "decoder_layers": 1}


@pytest.fixture(scope="module")
def text_data():
    queries = mnist_arith.make_queries("2023", num_samples=64, seed=0)
    table = queries.character_table
    return table.encode(queries.queries), table.encode(queries.answers)


@pytest.fixture(scope="module")
def image_data(digits):
    queries = mnist_arith.make_queries("2023", num_samples=32, seed=1)
    images = mnist_arith.render_query_images(
        queries.queries, digits, seed=0, channel_axis=True
    )
    return images, queries.character_table.encode(queries.answers)


def losses_after_fit(model, x, y, epochs=4):
    keras.utils.set_random_seed(0)
    history = model.fit(x, y, batch_size=16, epochs=epochs, verbose=0)
    return history.history


@pytest.mark.parametrize(
    "kwargs",
    [
        SMALL,
        {**SMALL, "cell": "lstm", "reverse_queries": True},
        {**SMALL, "cell": "gru", "digit_places": False, "dropout": 0.0},
        {**SMALL, "encoder_layers": 2, "decoder_layers": 2, "digit_places": False},
        {**SMALL, "padding": "left"},
        {**SMALL, "feed_forward": "gated"},
        {**SMALL, "digit_pairs": True, "decoder": "autoregressive"},
    ],
)
def test_text2text_fits_and_round_trips(text_data, tmp_path, kwargs):
    x, y = text_data
    model = text2text(5, 3, COURSE, **kwargs)
    history = losses_after_fit(model, x, y)
    assert np.isfinite(history["loss"]).all()
    assert history["loss"][-1] < history["loss"][0]
    assert set(history) == {"loss", "exact_match", "character_accuracy"}
    assert model.predict(x[:4], verbose=0).shape == (4, 3, 13)
    assert_config_round_trip(model)
    loaded = assert_saved_model_matches(model, x[:8], tmp_path)
    # The compile state comes back: same loss and metrics, ready to fit on.
    history = loaded.fit(x[:16], y[:16], epochs=1, verbose=0).history
    assert set(history) == {"loss", "exact_match", "character_accuracy"}
    assert loaded.loss == "categorical_crossentropy"


def test_course_model_does_not_reverse():
    assert not text2text(course_model=True).get_layer("query_order").reverse


def test_text2text_reversal_is_inside_the_model(text_data):
    x, _ = text_data
    keras.utils.set_random_seed(0)
    settings = {**SMALL, "cell": "lstm", "digit_places": False}
    forward = text2text(5, 3, COURSE, **settings, reverse_queries=False)
    reverse = text2text(5, 3, COURSE, **settings, reverse_queries=True)
    reverse.set_weights(forward.get_weights())
    np.testing.assert_allclose(
        reverse.predict(x[:4], verbose=0),
        forward.predict(x[:4, ::-1], verbose=0),
        atol=1e-5,
    )


def test_course_model_has_the_reference_structure():
    model = text2text(5, 3, COURSE, course_model=True)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == [
        "InputLayer", "QueryOrder", "LSTM", "RepeatVector", "LSTM", "TimeDistributed"
    ]  # fmt: skip
    assert not model.layers[1].reverse
    assert model.layers[2].units == 256 and not model.layers[2].return_sequences
    assert model.layers[3].n == 3
    assert model.layers[4].units == 256 and model.layers[4].return_sequences
    dense = model.layers[5].layer
    assert dense.units == 13 and dense.activation.__name__ == "softmax"
    encoder = 4 * 256 * (13 + 256 + 1)
    decoder = 4 * 256 * (256 + 256 + 1)
    assert model.count_params() == encoder + decoder + 256 * 13 + 13


def test_image2text_fits_and_round_trips(image_data, tmp_path):
    x, y = image_data
    model = image2text(5, 3, COURSE, **SMALL, character_reader=None, filters=4)
    history = losses_after_fit(model, x, y, epochs=3)
    assert history["loss"][-1] < history["loss"][0]
    assert model.predict(x[:2], verbose=0).shape == (2, 3, 13)
    assert_config_round_trip(model)
    assert_saved_model_matches(model, x[:4], tmp_path)


def test_image2text_reads_with_a_frozen_copy_of_a_reader(image_data, tmp_path):
    x, y = image_data
    reader = mnist_arith.digit_reader(filters=4)
    reader_weights = [np.array(weight) for weight in reader.get_weights()]
    model = image2text(5, 3, COURSE, **SMALL, character_reader=reader)
    assert model.get_layer("character_features").layer is not reader
    assert model.get_layer("digit_places") is not None
    history = losses_after_fit(model, x, y, epochs=3)
    assert history["loss"][-1] < history["loss"][0]
    inner = model.get_layer("character_features").layer
    for weights in (reader.get_weights(), inner.get_weights()):
        for before, after in zip(reader_weights, weights, strict=True):
            np.testing.assert_array_equal(before, after)
    assert model.predict(x[:2], verbose=0).shape == (2, 3, 13)
    assert_saved_model_matches(model, x[:4], tmp_path)


def test_image2text_rejects_a_reader_of_other_characters():
    with pytest.raises(ValueError, match="Received: character_reader='reader'"):
        image2text(5, 3, COURSE, character_reader="reader")
    other = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match=r"to \(None, 784\)"):
        image2text(5, 3, COURSE, character_reader=other)


def test_image2text_course_model(image_data):
    model = image2text(5, 3, COURSE, course_model=True, filters=4)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds[-4:] == ["LSTM", "RepeatVector", "LSTM", "TimeDistributed"]
    assert kinds[1:3] == ["QueryOrder", "TimeDistributed"]


def test_digit_pairs_pair_the_operands_digits_by_place():
    table = mnist_arith.CharacterTable(mnist_arith.MULTIPLICATION_VOCABULARY)
    one_hot = table.encode(["47*36", "7*3  ", "5*123"])
    pairs, columns = DigitPairs()(one_hot)
    pairs = keras.ops.convert_to_numpy(pairs).reshape(3, 3, 3, 10, 10)
    # [query, place of a, place of b]: the two digits that meet, or nothing
    expected = {
        0: {(0, 0): (7, 6), (0, 1): (7, 3), (1, 0): (4, 6), (1, 1): (4, 3)},
        1: {(0, 0): (7, 3)},
        2: {(0, 0): (5, 3), (0, 1): (5, 2), (0, 2): (5, 1)},
    }
    for query, meetings in expected.items():
        for place_a in range(3):
            for place_b in range(3):
                pair = pairs[query, place_a, place_b]
                if (place_a, place_b) in meetings:
                    assert list(zip(*pair.nonzero(), strict=True)) == [
                        meetings[place_a, place_b]
                    ]
                    assert pair.sum() == 1
                else:
                    assert not pair.any()
    # the column of the answer each pair belongs to: units 1, tens 2, ...
    assert keras.ops.convert_to_numpy(columns).tolist() == 3 * [
        [1, 2, 3, 2, 3, 4, 3, 4, 5]
    ]
    reversed_pairs, _ = DigitPairs(reversed_input=True)(one_hot[:, ::-1])
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(reversed_pairs).reshape(pairs.shape), pairs
    )


def test_digit_pairs_read_probabilities_softly():
    table = mnist_arith.CharacterTable(mnist_arith.MULTIPLICATION_VOCABULARY)
    one_hot = table.encode(["2*3  "]).astype("float32")
    soft = one_hot.copy()
    soft[0, 0, [2, 7]] = [0.75, 0.25]  # a reader unsure between 2 and 7
    pairs, _ = DigitPairs()(soft)
    pair = keras.ops.convert_to_numpy(pairs)[0, 0].reshape(10, 10)
    assert pair[2, 3] == pytest.approx(0.75) and pair[7, 3] == pytest.approx(0.25)
    assert pair.sum() == pytest.approx(1.0)


def test_products_get_digit_pairs_by_default():
    products = text2text(5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL)
    sums = text2text(5, 3, COURSE, **SMALL)
    names = {layer.name for layer in products.layers}
    assert {"digit_pairs", "pair_embedding", "column_embedding"} <= names
    assert "digit_pairs" not in {layer.name for layer in sums.layers}
    # 9 pairs of places follow the 5 characters into the encoder
    assert products.get_layer("characters_and_pairs").output.shape == (None, 14, 16)
    assert products.get_config()["digit_pairs"] is None
    off = text2text(
        5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL, digit_pairs=False
    )
    assert "digit_pairs" not in {layer.name for layer in off.layers}
    recurrent = text2text(
        5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, cell="gru", digit_places=False
    )
    assert "digit_pairs" not in {layer.name for layer in recurrent.layers}
    reader = image2text(5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL)
    assert reader.get_layer("digit_pairs") is not None
    own_network = image2text(
        5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL, character_reader=None
    )
    assert "digit_pairs" not in {layer.name for layer in own_network.layers}


def test_models_saved_before_digit_pairs_load_without_them():
    model = text2text(5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL)
    config = model.get_config()
    del config["digit_pairs"]
    loaded = mnist_arith.Text2Text.from_config(config)
    assert "digit_pairs" not in {layer.name for layer in loaded.layers}


@pytest.mark.parametrize(
    ("factory", "kwargs", "message"),
    [
        (text2text, {"digit_pairs": "yes"}, "digit_pairs='yes'"),
        (text2text, {"digit_pairs": True, "digit_places": False}, "digit_pairs=True"),
        (text2text, {"digit_pairs": True, "cell": "lstm"}, "digit_pairs=True"),
        (image2text, {"digit_pairs": True, "character_reader": None}, "digit_pairs"),
        (text2text, {"digit_pairs": False, "course_model": True}, "digit_pairs"),
    ],
)
def test_digit_pairs_that_cannot_apply_are_refused(factory, kwargs, message):
    with pytest.raises(ValueError, match=f"Received: {message}"):
        factory(**kwargs)


def test_digit_places_line_up_digits():
    table = mnist_arith.CharacterTable(mnist_arith.MULTIPLICATION_VOCABULARY)
    one_hot = table.encode(["81+24", "7-3  ", "1*234", "  5+6"])
    places, operands = DigitPlaces()(one_hot)
    places = keras.ops.convert_to_numpy(places).tolist()
    operands = keras.ops.convert_to_numpy(operands).tolist()
    assert places == [
        [2, 1, 0, 2, 1],
        [1, 0, 1, 0, 0],
        [1, 0, 3, 2, 1],
        [0, 0, 1, 0, 1],
    ]
    # an operator belongs to the operand after it
    assert operands == [
        [0, 0, 1, 1, 1],
        [0, 1, 1, 1, 1],
        [0, 1, 1, 1, 1],
        [0, 0, 0, 1, 1],
    ]
    reversed_places, reversed_operands = DigitPlaces(reversed_input=True)(
        one_hot[:, ::-1]
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(reversed_places), np.array(places)[:, ::-1]
    )
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(reversed_operands), np.array(operands)[:, ::-1]
    )


def left_aligned_reference(probabilities, space_id=12):
    """`LeftAlign` by enumerating the answer lengths, in NumPy."""
    _, width, vocabulary = probabilities.shape
    space = probabilities[:, :, space_id]
    lengths = np.stack(
        [
            np.prod(space[:, : width - n], axis=1)
            * np.prod(1 - space[:, width - n :], axis=1)
            for n in range(width + 1)
        ],
        axis=1,
    )
    lengths /= lengths.sum(axis=1, keepdims=True)
    characters = probabilities.copy()
    characters[:, :, space_id] = 0
    characters /= characters.sum(axis=-1, keepdims=True)
    outputs = np.zeros_like(probabilities)
    for n in range(width + 1):
        for slot in range(width):
            shown = (
                characters[:, width - n + slot]
                if slot < n
                else np.eye(vocabulary)[space_id]
            )
            outputs[:, slot] += lengths[:, n, None] * shown
    return outputs


def test_left_align_moves_right_aligned_answers_to_the_left():
    table = mnist_arith.CharacterTable(mnist_arith.MULTIPLICATION_VOCABULARY)
    written = ["   0", "  -5", " 205", "9801", "    "]
    aligned = LeftAlign()(table.encode(written))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(aligned),
        table.encode([answer.strip().ljust(4) for answer in written]),
        atol=1e-6,
    )


def test_left_align_matches_a_numpy_reference_on_soft_inputs():
    probabilities = np.random.default_rng(0).dirichlet(np.ones(13), size=(8, 4))
    probabilities[:, 0, 12] += 3.0  # likely a space before the answer
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    probabilities = probabilities.astype("float32")
    aligned = keras.ops.convert_to_numpy(LeftAlign()(probabilities))
    np.testing.assert_allclose(
        aligned, left_aligned_reference(probabilities), rtol=1e-4, atol=1e-6
    )
    np.testing.assert_allclose(aligned.sum(axis=-1), 1.0, atol=1e-5)
    assert LeftAlign.from_config(LeftAlign(space_id=3).get_config()).space_id == 3


def test_image2text_reads_with_the_reference_reader_by_default():
    model = image2text(**SMALL)
    reader = model.character_reader
    assert reader is not None and not reader.trainable
    assert reader.vocabulary == "0123456789+- *"
    assert image2text(**SMALL, character_reader=None).character_reader is None
    # The course's model reads with its own network unless told otherwise.
    assert image2text(course_model=True).character_reader is None
    with pytest.raises(ValueError, match=r"character_reader=None.*filters=8"):
        image2text(**SMALL, filters=8)


def test_padding_chooses_the_answer_layout():
    assert text2text(**SMALL).get_layer("left_align").space_id == 12
    left = text2text(**SMALL, padding="left")
    assert "left_align" not in [layer.name for layer in left.layers]
    assert "left_align" in [layer.name for layer in image2text(**SMALL).layers]


def test_transformer_defaults():
    model = text2text()
    assert model.get_layer("digit_places") is not None
    assert model.get_layer("answer_slots").length == 3
    assert model.get_layer("character_embedding").units == 64
    assert isinstance(model.optimizer, keras.optimizers.AdamW)
    lstm = text2text(cell="lstm")
    assert lstm.get_layer("decoder_0").units == 256
    names = {layer.name for layer in model.layers}
    assert "encoder_0_mlp_in" in names and "encoder_0_mlp_gate" not in names


def test_gated_feed_forward_multiplies_a_gelu_gate_by_a_projection():
    model = text2text(5, 3, COURSE, **SMALL, feed_forward="gated")
    for block in ("encoder_0", "decoder_0"):
        gate = model.get_layer(f"{block}_mlp_gate")
        projection = model.get_layer(f"{block}_mlp_in")
        product = model.get_layer(f"{block}_mlp_gated")
        assert gate.units == projection.units == 32
        assert gate.activation is keras.activations.gelu
        assert projection.activation is keras.activations.linear
        inputs = product.input
        assert inputs[0] is gate.output and inputs[1] is projection.output
    # Each of the two blocks gains one Dense from dim=16 to 2 * dim: the gate.
    plain = text2text(5, 3, COURSE, **SMALL)
    assert model.count_params() - plain.count_params() == 2 * (16 + 1) * 32


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cell": "rnn"}, "cell='rnn'"),
        ({"dropout": 1.0}, "dropout=1.0"),
        ({"units": 0}, "units=0"),
        ({"encoder_layers": -1}, "encoder_layers=-1"),
        ({"decoder_layers": 1.5}, "decoder_layers=1.5"),
        ({"course_model": "yes"}, "course_model='yes'"),
        ({"learning_rate": 0.0}, "learning_rate=0.0"),
        ({"padding": "center"}, "padding='center'"),
        ({"feed_forward": "relu"}, "feed_forward='relu'"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        text2text(5, 3, COURSE, **kwargs)


def test_bad_sizes():
    letters = "abcdefghijklmnopqrst"
    with pytest.raises(ValueError, match=f"vocabulary='{letters}'"):
        text2text(5, 3, letters)
    with pytest.raises(ValueError, match=r"padding=.left.*vocabulary='abc"):
        text2text(5, 3, letters, digit_places=False)
    model = text2text(5, 3, letters, digit_places=False, padding="left", units=8)
    assert model.output_shape == (None, 3, 20)
    assert model.vocabulary == letters
    with pytest.raises(ValueError, match="query_length=0"):
        text2text(0, 3, COURSE)
    with pytest.raises(ValueError, match="characters=13"):
        text2text(5, 3, 13)
    with pytest.raises(ValueError, match=r"positive integer\. Received: filters=0"):
        image2text(5, 3, COURSE, character_reader=None, filters=0)


@pytest.mark.parametrize("course_model", [False, True])
def test_wrong_input_shape_is_rejected(course_model):
    small = {} if course_model else SMALL
    model = text2text(5, 3, COURSE, **small, course_model=course_model)
    with pytest.raises(
        ValueError, match=r"expected shape=\(None, 5, 13\), found shape=\(2, 5, 14\)"
    ):
        model.predict(np.zeros((2, 5, 14), "float32"), verbose=0)
    model = image2text(
        5,
        3,
        COURSE,
        **small,
        character_reader=None,
        filters=4,
        course_model=course_model,
    )
    with pytest.raises(ValueError, match=r"found shape=\(2, 7, 28, 28"):
        model.predict(np.zeros((2, 7, 28, 28, 1), "float32"), verbose=0)


@pytest.mark.parametrize(
    ("factory", "kwargs", "message"),
    [
        (text2text, {"course_model": True, "cell": "gru"}, "cell='gru'"),
        (text2text, {"course_model": True, "units": 32}, "units=32"),
        (text2text, {"course_model": True, "digit_places": False}, "digit_places"),
        (image2text, {"course_model": True, "dropout": 0.3}, "dropout=0.3"),
        (text2text, {"cell": "lstm", "feed_forward": "gated"}, "feed_forward"),
        (image2text, {"filters": 8, "character_reader": "reader"}, "filters=8"),
    ],
)
def test_arguments_that_cannot_apply_are_refused(factory, kwargs, message):
    if kwargs.get("character_reader") == "reader":
        kwargs = {**kwargs, "character_reader": mnist_arith.digit_reader(filters=4)}
    with pytest.raises(ValueError, match=f"cannot be set.*Received: {message}"):
        factory(**kwargs)


def test_models_know_what_they_are():
    model = text2text(7, 4, mnist_arith.MULTIPLICATION_VOCABULARY, padding="left")
    assert isinstance(model, mnist_arith.Text2Text)
    assert (model.query_length, model.answer_length) == (7, 4)
    assert model.vocabulary == mnist_arith.MULTIPLICATION_VOCABULARY
    assert model.padding == "left" and not model.course_model
    config = model.get_config()
    assert config["vocabulary"] == mnist_arith.MULTIPLICATION_VOCABULARY
    assert config["cell"] == "transformer" and config["digit_places"] is True
    course = image2text(course_model=True)
    assert isinstance(course, mnist_arith.Image2Text) and course.course_model
    assert course.character_reader is None


def test_image2text_saves_its_reader_in_its_config(tmp_path):
    reader = mnist_arith.digit_reader(filters=4)
    model = image2text(**SMALL, character_reader=reader)
    config = model.get_config()
    assert config["character_reader"]["class_name"] == "DigitReader"
    assert config["filters"] is None
    assert isinstance(model.character_reader, mnist_arith.DigitReader)
    assert not model.character_reader.trainable


def test_saved_models_tell_what_they_are_in_a_fresh_process(tmp_path, text_data):
    text = text2text(7, 4, COURSE, **SMALL, padding="left")
    text.save(tmp_path / "text.keras")
    units_first = text2text(**SMALL, decoder="autoregressive")
    units_first.save(tmp_path / "units_first.keras")
    products = text2text(5, 4, mnist_arith.MULTIPLICATION_VOCABULARY, **SMALL)
    products.save(tmp_path / "products.keras")
    np.save(tmp_path / "queries.npy", text_data[0][:16])
    reader = mnist_arith.digit_reader(mnist_arith.MULTIPLICATION_VOCABULARY, filters=4)
    reader.save(tmp_path / "reader.keras")
    image2text(course_model=True, filters=4).save(tmp_path / "images.keras")
    script = (
        "import json, sys, keras, mnist_arith\n"
        "import numpy as np\n"
        "out = {}\n"
        "for name in ('text', 'reader', 'images', 'products', 'units_first'):\n"
        "    model = keras.saving.load_model(sys.argv[1] + f'/{name}.keras')\n"
        "    out[name] = [type(model).__name__, model.vocabulary,\n"
        "        getattr(model, 'padding', None),\n"
        "        getattr(model, 'query_length', None),\n"
        "        getattr(model, 'course_model', None),\n"
        "        getattr(model, 'decoder', None)]\n"
        "pairs = keras.saving.load_model(sys.argv[1] + '/products.keras')\n"
        "out['pairs'] = type(pairs.get_layer('digit_pairs')).__name__\n"
        "queries = np.load(sys.argv[1] + '/queries.npy')\n"
        "np.save(sys.argv[1] + '/answers.npy', model.predict(queries, verbose=0))\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    told = json.loads(result.stdout.strip().splitlines()[-1])
    assert told == {
        "text": ["Text2Text", COURSE, "left", 7, False, "parallel"],
        "reader": [
            "DigitReader",
            mnist_arith.MULTIPLICATION_VOCABULARY,
            None,
            None,
            None,
            None,
        ],
        "images": ["Image2Text", COURSE, "right", 5, True, "parallel"],
        "units_first": ["Text2Text", COURSE, "right", 5, False, "autoregressive"],
        "products": [
            "Text2Text",
            mnist_arith.MULTIPLICATION_VOCABULARY,
            "right",
            5,
            False,
            "parallel",
        ],
        "pairs": "DigitPairs",
    }
    # The autoregressive model (loaded last) answers as it did before saving.
    np.testing.assert_allclose(
        np.load(tmp_path / "answers.npy"),
        units_first.predict(text_data[0][:16], verbose=0),
        atol=1e-6,
    )


def test_a_loaded_image2text_keeps_its_reader_frozen(tmp_path):
    reader = mnist_arith.digit_reader(filters=4)
    model = image2text(**SMALL, character_reader=reader)
    model.optimizer.build(model.trainable_variables)  # as after a fit
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert not loaded.character_reader.trainable
    assert len(loaded.trainable_variables) == len(model.trainable_variables)


def test_a_frozen_model_stays_frozen_when_loaded(tmp_path):
    model = text2text(**SMALL)
    model.trainable = False
    model.optimizer.build(model.trainable_variables)
    model.save(tmp_path / "frozen.keras")
    loaded = keras.saving.load_model(tmp_path / "frozen.keras")
    assert not loaded.trainable and loaded.trainable_variables == []


def test_a_recorded_training_split_travels_with_the_model(tmp_path):
    model = text2text(**SMALL)
    assert model.training_split is None
    split = {"preset": "2023", "num_samples": None, "train_fraction": 0.1, "seed": 3}
    model.training_split = split
    assert model.get_config()["training_split"] == split
    assert assert_config_round_trip(model).training_split == split
    model.optimizer.build(model.trainable_variables)
    model.save(tmp_path / "model.keras")
    assert keras.saving.load_model(tmp_path / "model.keras").training_split == split
    with pytest.raises(ValueError, match="Received: training_split=\\['2023'\\]"):
        model.training_split = ["2023"]


def test_the_optimizer_takes_a_weight_decay_and_a_schedule():
    schedule = mnist_arith.warmup_cosine(5e-3, 100)
    model = text2text(**SMALL, learning_rate=schedule, weight_decay=0.1)
    assert isinstance(model.optimizer, keras.optimizers.AdamW)
    assert model.optimizer.weight_decay == pytest.approx(0.1)
    assert model.optimizer._learning_rate is schedule
    assert text2text(**SMALL).optimizer.weight_decay == pytest.approx(0.01)
    images = image2text(**SMALL, weight_decay=0.0)
    assert images.optimizer.weight_decay == pytest.approx(0.0)


def test_warmup_cosine_warms_up_then_decays_to_zero():
    schedule = mnist_arith.warmup_cosine(1e-2, 200, warmup_fraction=0.25)
    rates = [float(schedule(step)) for step in (0, 25, 50, 125, 200)]
    assert rates[0] == pytest.approx(4e-4)
    assert rates[1] == pytest.approx((4e-4 + 1e-2) / 2)
    assert rates[2] == pytest.approx(1e-2)
    assert rates[3] == pytest.approx(5e-3)
    assert rates[4] == pytest.approx(0.0, abs=1e-9)
    no_warmup = mnist_arith.warmup_cosine(1e-2, 200, warmup_fraction=0.0)
    assert float(no_warmup(0)) == pytest.approx(1e-2)
