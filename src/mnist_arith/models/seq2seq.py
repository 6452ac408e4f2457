"""Encoder-decoder models that answer arithmetic queries given as text or images."""

import keras

from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch

CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
"""The recurrent cells a model can use, by name."""

PRESETS = ("notebook",)


@keras.saving.register_keras_serializable(package="mnist_arith")
class QueryOrder(keras.layers.Layer):
    """The first layer of every sequence model: checks the query, may reverse it.

    It rejects inputs whose shape differs from the one the model was built for
    with a `ValueError` naming the received shape, on every backend. With
    `reverse=True` it flips the time axis (axis 1), as keras-io's addition
    example does: users feed queries as written while the encoder reads them
    last character first, which shortens the path between the digits that are
    added together.

    Args:
        reverse: whether to reverse the time axis.
        **kwargs: standard `keras.layers.Layer` arguments.
    """

    def __init__(self, reverse: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.reverse = reverse

    def build(self, input_shape):
        """Fixes the accepted shape to the one the model is built with."""
        self.input_spec = keras.layers.InputSpec(shape=(None, *input_shape[1:]))

    def call(self, inputs):
        """Returns `inputs`, reversed along axis 1 if `reverse`."""
        return keras.ops.flip(inputs, axis=1) if self.reverse else inputs

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "reverse": self.reverse}


def text2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary_size: int = 13,
    *,
    preset: str | None = None,
    cell: str = "lstm",
    units: int = 256,
    encoder_layers: int = 2,
    decoder_layers: int = 1,
    attention: bool = True,
    reverse_queries: bool = True,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Builds a compiled model that maps one-hot queries to one-hot answers.

    The default is a bidirectional recurrent encoder whose states the
    decoder attends to at every answer position, reading the query reversed.
    `preset="notebook"` builds the course's reference model exactly:
    `LSTM(256)` → `RepeatVector` → `LSTM(256, return_sequences=True)` →
    `TimeDistributed(Dense(vocabulary_size, softmax))`.

    The model is compiled with Adam, categorical cross-entropy and two
    metrics: `exact_match` (whole answer right) and `character_accuracy`
    (the course's per-character "accuracy").

    Args:
        query_length: characters per query (5 for the 2023 format, 7 for 2021).
        answer_length: characters per answer.
        vocabulary_size: one-hot depth (13, or 14 with `*`).
        preset: `"notebook"` for the course's reference model; the other
            arguments but the three sizes are then ignored.
        cell: `"lstm"` or `"gru"`.
        units: width of every recurrent layer.
        encoder_layers: stacked encoder layers (the course's "extra LSTM
            layer" task sets 2 or more).
        decoder_layers: stacked decoder layers.
        attention: whether the decoder attends to every encoder state instead
            of seeing only the last one.
        reverse_queries: whether the model reads queries reversed.
        learning_rate: Adam's learning rate.

    Returns:
        A compiled `keras.Model` taking `[batch, query_length, vocabulary_size]`
        and returning probabilities `[batch, answer_length, vocabulary_size]`.

    Raises:
        ValueError: for an unknown preset or cell, or non-positive sizes.

    Example:
    >>> model = text2text(5, 3, 13, units=32)
    >>> model.output_shape
    (None, 3, 13)
    """
    inputs = _text_input(query_length, vocabulary_size)
    _check_answer(answer_length, vocabulary_size)
    if _is_notebook(preset):
        return _notebook_model(inputs, answer_length, vocabulary_size, "text2text")
    encoded = QueryOrder(reverse_queries, name="query_order")(inputs)
    outputs = _encoder_decoder(
        encoded, answer_length, vocabulary_size, cell, units,
        encoder_layers, decoder_layers, attention,
    )  # fmt: skip
    return _compiled(keras.Model(inputs, outputs, name="text2text"), learning_rate)


def image2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary_size: int = 13,
    *,
    preset: str | None = None,
    cell: str = "lstm",
    units: int = 256,
    encoder_layers: int = 2,
    decoder_layers: int = 1,
    attention: bool = True,
    reverse_queries: bool = True,
    filters: int = 32,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Builds a compiled model that answers queries given as handwritten images.

    A small convolutional network reads every character image on its own
    (`TimeDistributed`, shared weights) into a feature vector; the sequence of
    features then goes through the same encoder-decoder as `text2text`.

    Args:
        query_length: character images per query.
        answer_length: characters per answer.
        vocabulary_size: one-hot depth of the answers.
        preset: `"notebook"`: the course's LSTM(256) encoder-decoder on top of
            the convolutional character reader.
        cell: `"lstm"` or `"gru"`.
        units: width of every recurrent layer.
        encoder_layers: stacked encoder layers.
        decoder_layers: stacked decoder layers.
        attention: whether the decoder attends to every encoder state.
        reverse_queries: whether the model reads the query reversed.
        filters: filters of the first convolution (the second has twice as
            many).
        learning_rate: Adam's learning rate.

    Returns:
        A compiled `keras.Model` taking `[batch, query_length, 28, 28, 1]`
        floats in [0, 1] and returning `[batch, answer_length, vocabulary_size]`.

    Raises:
        ValueError: for an unknown preset or cell, or non-positive sizes.

    Example:
    >>> model = image2text(5, 3, 13, units=32, filters=8)
    >>> model.input_shape, model.output_shape
    ((None, 5, 28, 28, 1), (None, 3, 13))
    """
    _check_positive(query_length, "query_length")
    _check_answer(answer_length, vocabulary_size)
    _check_positive(filters, "filters")
    notebook = _is_notebook(preset)
    inputs = keras.Input((query_length, 28, 28, 1), name="query_images")
    ordered = QueryOrder(reverse_queries and not notebook, name="query_order")(inputs)
    features = keras.layers.TimeDistributed(
        _character_reader(filters), name="character_features"
    )(ordered)
    if notebook:
        return _notebook_model(
            features, answer_length, vocabulary_size, "image2text", inputs=inputs
        )
    outputs = _encoder_decoder(
        features, answer_length, vocabulary_size, cell, units,
        encoder_layers, decoder_layers, attention,
    )  # fmt: skip
    return _compiled(keras.Model(inputs, outputs, name="image2text"), learning_rate)


def _character_reader(filters):
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(filters, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(2 * filters, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(4 * filters, activation="relu"),
        ],
        name="character_reader",
    )


def _encoder_decoder(
    inputs, answer_length, vocabulary_size, cell, units,
    encoder_layers, decoder_layers, attention,
):  # fmt: skip
    if cell not in CELLS:
        raise ValueError(
            f"`cell` must be one of {sorted(CELLS)}. Received: cell={cell!r}"
        )
    _check_positive(units, "units")
    _check_positive(encoder_layers, "encoder_layers")
    _check_positive(decoder_layers, "decoder_layers")
    layer = CELLS[cell]
    sequence = inputs
    for index in range(encoder_layers):
        sequence = keras.layers.Bidirectional(
            layer(units, return_sequences=True), name=f"encoder_{index}"
        )(sequence)
    summary = keras.layers.Flatten(name="encoder_summary_flatten")(sequence)
    summary = keras.layers.Dense(units, activation="tanh", name="encoder_summary")(
        summary
    )
    decoded = keras.layers.RepeatVector(answer_length, name="repeat")(summary)
    for index in range(decoder_layers):
        decoded = layer(units, return_sequences=True, name=f"decoder_{index}")(decoded)
    if attention:
        keys = keras.layers.Dense(units, name="attention_keys")(sequence)
        context = keras.layers.Attention(name="attention")([decoded, keys])
        decoded = keras.layers.Concatenate(name="with_context")([decoded, context])
    return keras.layers.Dense(vocabulary_size, activation="softmax", name="characters")(
        decoded
    )


def _notebook_model(features, answer_length, vocabulary_size, name, inputs=None):
    if inputs is None:
        inputs, features = features, QueryOrder(name="query_order")(features)
    encoded = keras.layers.LSTM(256, name="encoder")(features)
    repeated = keras.layers.RepeatVector(answer_length, name="repeat")(encoded)
    decoded = keras.layers.LSTM(256, return_sequences=True, name="decoder")(repeated)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(vocabulary_size, activation="softmax"), name="characters"
    )(decoded)
    model = keras.Model(inputs, outputs, name=name)
    return _compiled(model, 1e-3)


def _compiled(model, learning_rate):
    if not learning_rate > 0:
        raise ValueError(
            f"`learning_rate` must be positive. Received: learning_rate={learning_rate}"
        )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=[ExactMatch(), CharacterAccuracy()],
    )
    return model


def _text_input(query_length, vocabulary_size):
    _check_positive(query_length, "query_length")
    _check_positive(vocabulary_size, "vocabulary_size")
    return keras.Input((query_length, vocabulary_size), name="query")


def _check_answer(answer_length, vocabulary_size):
    _check_positive(answer_length, "answer_length")
    _check_positive(vocabulary_size, "vocabulary_size")


def _is_notebook(preset):
    if preset is not None and preset not in PRESETS:
        raise ValueError(
            f"`preset` must be None or one of {PRESETS}. Received: preset={preset!r}"
        )
    return preset == "notebook"


def _check_positive(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
