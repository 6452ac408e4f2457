"""Encoder-decoder models that answer arithmetic queries given as text or images."""

import keras

from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch
from mnist_arith.models.layers import MAX_PLACES
from mnist_arith.models.layers import SPACE_ID
from mnist_arith.models.layers import AnswerSlots
from mnist_arith.models.layers import DigitPlaces
from mnist_arith.models.layers import LeftAlign
from mnist_arith.models.layers import PositionEmbedding
from mnist_arith.models.layers import QueryOrder
from mnist_arith.models.layers import transformer_block

CELLS = ("transformer", "lstm", "gru")
"""The encoder-decoder kinds a sequence model can use."""

FEED_FORWARDS = ("gelu", "gated")
"""The transformer's feed-forward layers: GELU, or gated (GEGLU)."""

PRESETS = ("notebook",)
"""`"notebook"`: the course's reference model, for comparison."""

_RECURRENT = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
_DEFAULT_UNITS = {"transformer": 64, "lstm": 256, "gru": 256}


def text2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary_size: int = 13,
    *,
    preset: str | None = None,
    cell: str = "transformer",
    units: int | None = None,
    encoder_layers: int = 2,
    decoder_layers: int = 2,
    feed_forward: str = "gelu",
    digit_places: bool = True,
    reverse_queries: bool = False,
    padding: str = "right",
    dropout: float = 0.1,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Builds a compiled model that maps one-hot queries to one-hot answers.

    The default is a small transformer: every query character is embedded
    with its place value and operand (`DigitPlaces`), a self-attention encoder
    reads the query, and one learned slot per answer character attends to it
    (all characters in one pass). The decoder writes answers right-aligned,
    so that every answer slot has a fixed place value, and for answers
    padded on the right (the 2023 format, `'-5 '`) a `LeftAlign` layer lays
    them out as written. Trained on 10% of the 2023 queries for 300 epochs it
    answered all but one of the other 18,000 exactly (BENCHMARKS.md).
    `cell="lstm"` or `"gru"` builds a bidirectional recurrent encoder with an
    attending recurrent decoder.
    `preset="notebook"` builds the course's reference model exactly:
    `LSTM(256)` → `RepeatVector` → `LSTM(256, return_sequences=True)` →
    `TimeDistributed(Dense(vocabulary_size, softmax))`.

    The model is compiled with AdamW (Adam for the notebook), categorical
    cross-entropy and two metrics: `exact_match` (whole answer right) and
    `character_accuracy` (the course's per-character "accuracy").

    Args:
        query_length: characters per query (5 for the 2023 format, 7 for 2021).
        answer_length: characters per answer.
        vocabulary_size: one-hot depth: 13 (`'0123456789+- '`), or 14 with
            `*`; other sizes need `digit_places=False`.
        preset: `"notebook"` for the course's reference model; the other
            arguments but the three sizes are then ignored.
        cell: `"transformer"`, `"lstm"` or `"gru"`.
        units: the model width (default 64 for the transformer, 256 for
            recurrent cells).
        encoder_layers: stacked encoder layers (the course's "extra LSTM
            layer" task sets 2 or more).
        decoder_layers: stacked decoder layers.
        feed_forward: the transformer's feed-forward layers: `"gelu"`, or
            `"gated"` (GEGLU), which multiplies two projections of every
            character and answered more unseen products (BENCHMARKS.md).
        digit_places: whether to embed every character's place value and
            operand next to it.
        reverse_queries: whether the model reads queries reversed (matters for
            recurrent cells).
        padding: how the answers the model learns are padded, as in
            `make_queries` (`queries.padding`): `"right"` (the 2023 format,
            `'-5 '`; needs the course vocabulary) or `"left"` (the 2021
            format, `' -5'`: answers stay in the order they are written).
        dropout: dropout rate inside the encoder and decoder.
        learning_rate: the optimizer's learning rate.

    Returns:
        A compiled `keras.Model` taking `[batch, query_length, vocabulary_size]`
        and returning probabilities `[batch, answer_length, vocabulary_size]`.

    Raises:
        ValueError: for an unknown preset, cell, feed-forward or padding, or
            non-positive sizes.

    Examples:
        >>> model = text2text(5, 3, 13, units=32)
        >>> model.output_shape
        (None, 3, 13)
    """
    check_positive_int(query_length, "query_length")
    check_positive_int(answer_length, "answer_length")
    check_positive_int(vocabulary_size, "vocabulary_size")
    inputs = keras.Input((query_length, vocabulary_size), name="query")
    if _is_notebook(preset):
        return _notebook_model(
            inputs, inputs, answer_length, vocabulary_size, "text2text"
        )
    units = _resolve_core(
        cell, units, encoder_layers, decoder_layers, feed_forward, dropout
    )
    _check_padding(padding, vocabulary_size)
    if digit_places and vocabulary_size not in (13, 14):
        raise ValueError(
            "`digit_places` needs the course vocabulary (13 or 14 characters). "
            f"Received: vocabulary_size={vocabulary_size}"
        )
    ordered = QueryOrder(reverse_queries, name="query_order")(inputs)
    embedded = _embed_characters(ordered, units, digit_places, reverse_queries)
    outputs = _core(
        embedded, answer_length, vocabulary_size, cell, encoder_layers,
        decoder_layers, feed_forward, dropout, padding,
    )  # fmt: skip
    return _compiled(keras.Model(inputs, outputs, name="text2text"), learning_rate)


def image2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary_size: int = 13,
    *,
    preset: str | None = None,
    cell: str = "transformer",
    units: int | None = None,
    encoder_layers: int = 2,
    decoder_layers: int = 2,
    feed_forward: str = "gelu",
    reverse_queries: bool = False,
    padding: str = "right",
    dropout: float = 0.1,
    filters: int = 32,
    character_reader: keras.Model | None = None,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Builds a compiled model that answers queries given as handwritten images.

    A small convolutional network reads every character image on its own
    (`TimeDistributed`, shared weights) into a feature vector; the sequence of
    features then goes through the same encoder-decoder as `text2text`.

    With `character_reader`, a trained `digit_reader` reads the characters
    instead: a frozen copy of it turns every image into probabilities over
    the course characters, which then go through `text2text`'s model,
    digit places included. The reader learns to read from single characters
    (with shifts and rotations), the rest learns the arithmetic; on the
    embedded digits this answered far more unseen-handwriting queries than
    training the convolutions inside the sequence model (BENCHMARKS.md).

    Args:
        query_length: character images per query.
        answer_length: characters per answer.
        vocabulary_size: one-hot depth of the answers.
        preset: `"notebook"`: the course's LSTM(256) encoder-decoder on top of
            the convolutional character reader.
        cell: `"transformer"`, `"lstm"` or `"gru"`.
        units: the model width (default 64 for the transformer, 256 for
            recurrent cells).
        encoder_layers: stacked encoder layers.
        decoder_layers: stacked decoder layers.
        feed_forward: the transformer's feed-forward layers: `"gelu"` or
            `"gated"` (GEGLU).
        reverse_queries: whether the model reads the query reversed.
        padding: how the answers the model learns are padded, as in
            `make_queries` (`queries.padding`): `"right"` (the 2023 format,
            `'-5 '`; needs the course vocabulary) or `"left"` (the 2021
            format, `' -5'`: answers stay in the order they are written).
        dropout: dropout rate inside the encoder and decoder.
        filters: filters of the first convolution (the second has twice as
            many); unused with a `character_reader`.
        character_reader: a trained `digit_reader` (see
            `train_digit_reader`) to read the characters with; the model
            keeps a frozen copy.
        learning_rate: the optimizer's learning rate.

    Returns:
        A compiled `keras.Model` taking `[batch, query_length, 28, 28, 1]`
        floats in [0, 1] and returning `[batch, answer_length, vocabulary_size]`.

    Raises:
        ValueError: for an unknown preset, cell, feed-forward or padding,
            non-positive sizes, or a `character_reader` that does not map
            28x28x1 images to the course characters.

    Examples:
        >>> model = image2text(5, 3, 13, units=32, filters=8)
        >>> model.input_shape, model.output_shape
        ((None, 5, 28, 28, 1), (None, 3, 13))
    """
    check_positive_int(query_length, "query_length")
    check_positive_int(answer_length, "answer_length")
    check_positive_int(vocabulary_size, "vocabulary_size")
    check_positive_int(filters, "filters")
    notebook = _is_notebook(preset)
    reader = None if character_reader is None else _frozen_reader(character_reader)
    inputs = keras.Input((query_length, 28, 28, 1), name="query_images")
    ordered = QueryOrder(reverse_queries and not notebook, name="query_order")(inputs)
    features = keras.layers.TimeDistributed(
        _character_reader(filters) if reader is None else reader,
        name="character_features",
    )(ordered)
    if notebook:
        return _notebook_model(
            inputs, features, answer_length, vocabulary_size, "image2text"
        )
    units = _resolve_core(
        cell, units, encoder_layers, decoder_layers, feed_forward, dropout
    )
    _check_padding(padding, vocabulary_size)
    if reader is None:
        embedded = keras.layers.Dense(units, name="character_embedding")(features)
    else:
        embedded = _embed_characters(features, units, True, reverse_queries)
    outputs = _core(
        embedded, answer_length, vocabulary_size, cell, encoder_layers,
        decoder_layers, feed_forward, dropout, padding,
    )  # fmt: skip
    return _compiled(keras.Model(inputs, outputs, name="image2text"), learning_rate)


def _embed_characters(characters, units, digit_places, reversed_input):
    """Embeds one-hot (or probability) characters, with their digit places."""
    embedded = keras.layers.Dense(units, use_bias=False, name="character_embedding")(
        characters
    )
    if not digit_places:
        return embedded
    places, operands = DigitPlaces(reversed_input, name="digit_places")(characters)
    return keras.layers.Add(name="with_places")(
        [
            embedded,
            keras.layers.Embedding(MAX_PLACES, units, name="place_embedding")(places),
            keras.layers.Embedding(MAX_PLACES, units, name="operand_embedding")(
                operands
            ),
        ]
    )


def _frozen_reader(reader):
    """A frozen copy of a trained character classifier, checked."""
    if not isinstance(reader, keras.Model):
        raise ValueError(
            "`character_reader` must be a trained `digit_reader` (a keras.Model). "
            f"Received: character_reader={reader!r}"
        )
    image_shape, classes = tuple(reader.input_shape[1:]), reader.output_shape[1:]
    if image_shape != (28, 28, 1) or tuple(classes) not in ((13,), (14,)):
        raise ValueError(
            "`character_reader` must map [batch, 28, 28, 1] images to "
            "probabilities over the 13 or 14 course characters. Received: a "
            f"model from {reader.input_shape} to {reader.output_shape}"
        )
    # From the config: `clone_model` would carry the reader's compiled metrics.
    copy = type(reader).from_config(reader.get_config())
    copy.set_weights(reader.get_weights())
    copy.trainable = False
    return copy


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


def _resolve_core(cell, units, encoder_layers, decoder_layers, feed_forward, dropout):
    if cell not in CELLS:
        raise ValueError(f"`cell` must be one of {CELLS}. Received: cell={cell!r}")
    if feed_forward not in FEED_FORWARDS:
        raise ValueError(
            f"`feed_forward` must be one of {FEED_FORWARDS}. "
            f"Received: feed_forward={feed_forward!r}"
        )
    units = _DEFAULT_UNITS[cell] if units is None else units
    check_positive_int(units, "units")
    check_positive_int(encoder_layers, "encoder_layers")
    check_positive_int(decoder_layers, "decoder_layers")
    if not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must lie in [0, 1). Received: dropout={dropout!r}")
    return units


def _check_padding(padding, vocabulary_size):
    if padding not in ("left", "right"):
        raise ValueError(
            f"`padding` must be 'left' or 'right'. Received: padding={padding!r}"
        )
    if padding == "right" and vocabulary_size not in (13, 14):
        raise ValueError(
            "`padding='right'` aligns answers by the space of the course "
            "vocabulary (13 or 14 characters); pass `padding='left'` to keep "
            f"answers as written. Received: vocabulary_size={vocabulary_size}"
        )


def _core(
    embedded, answer_length, vocabulary_size, cell, encoder_layers,
    decoder_layers, feed_forward, dropout, padding,
):  # fmt: skip
    if cell == "transformer":
        decoded = _transformer(
            embedded, answer_length, encoder_layers, decoder_layers, feed_forward,
            dropout,
        )  # fmt: skip
    else:
        decoded = _recurrent(
            embedded, answer_length, _RECURRENT[cell], encoder_layers,
            decoder_layers, dropout,
        )  # fmt: skip
    characters = keras.layers.Dense(
        vocabulary_size, activation="softmax", name="characters"
    )(decoded)
    if padding == "left":
        return characters
    return LeftAlign(SPACE_ID, name="left_align")(characters)


def _transformer(
    embedded, answer_length, encoder_layers, decoder_layers, feed_forward, dropout
):
    units = embedded.shape[-1]
    options = {
        "heads": 4 if units % 4 == 0 else 1,
        "dropout": dropout,
        "feed_forward": feed_forward,
    }
    encoded = PositionEmbedding(name="query_positions")(embedded)
    for index in range(encoder_layers):
        encoded = transformer_block(encoded, None, name=f"encoder_{index}", **options)
    decoded = AnswerSlots(answer_length, units, name="answer_slots")(encoded)
    for index in range(decoder_layers):
        decoded = transformer_block(
            decoded, encoded, name=f"decoder_{index}", **options
        )
    return decoded


def _recurrent(embedded, answer_length, layer, encoder_layers, decoder_layers, dropout):
    units = embedded.shape[-1]
    sequence = embedded
    for index in range(encoder_layers):
        sequence = keras.layers.Bidirectional(
            layer(units, return_sequences=True, dropout=dropout),
            name=f"encoder_{index}",
        )(sequence)
    summary = keras.layers.Flatten(name="encoder_summary_flatten")(sequence)
    summary = keras.layers.Dense(units, activation="tanh", name="encoder_summary")(
        summary
    )
    decoded = keras.layers.RepeatVector(answer_length, name="repeat")(summary)
    for index in range(decoder_layers):
        decoded = layer(
            units, return_sequences=True, dropout=dropout, name=f"decoder_{index}"
        )(decoded)
    keys = keras.layers.Dense(units, name="attention_keys")(sequence)
    context = keras.layers.Attention(name="attention")([decoded, keys])
    return keras.layers.Concatenate(name="with_context")([decoded, context])


def _notebook_model(inputs, features, answer_length, vocabulary_size, name):
    if features is inputs:
        features = QueryOrder(name="query_order")(inputs)
    encoded = keras.layers.LSTM(256, name="encoder")(features)
    repeated = keras.layers.RepeatVector(answer_length, name="repeat")(encoded)
    decoded = keras.layers.LSTM(256, return_sequences=True, name="decoder")(repeated)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(vocabulary_size, activation="softmax"), name="characters"
    )(decoded)
    model = keras.Model(inputs, outputs, name=name)
    return _compiled(model, 1e-3, keras.optimizers.Adam)


def _compiled(model, learning_rate, optimizer=None):
    check_positive_number(learning_rate, "learning_rate")
    if optimizer is None:
        optimizer = keras.optimizers.AdamW(learning_rate, weight_decay=0.01)
    else:
        optimizer = optimizer(learning_rate)
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy",
        metrics=[ExactMatch(), CharacterAccuracy()],
    )
    return model


def _is_notebook(preset):
    if preset is not None and preset not in PRESETS:
        raise ValueError(
            f"`preset` must be None or one of {PRESETS}. Received: preset={preset!r}"
        )
    return preset == "notebook"
