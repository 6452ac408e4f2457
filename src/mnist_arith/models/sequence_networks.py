"""The graphs inside the sequence models: embeddings, encoders and decoders.

Functions here add layers to a functional graph in a fixed order; the seeded
initialisation behind every recorded figure depends on that order, so a
change that reorders layer creation must say so.
"""

import keras

from mnist_arith.models.layers import MAX_PLACES
from mnist_arith.models.layers import SPACE_ID
from mnist_arith.models.layers import AnswerSlots
from mnist_arith.models.layers import DigitPairs
from mnist_arith.models.layers import DigitPlaces
from mnist_arith.models.layers import EmptyAnswer
from mnist_arith.models.layers import LeastSignificantFirst
from mnist_arith.models.layers import LeftAlign
from mnist_arith.models.layers import PositionEmbedding
from mnist_arith.models.layers import QueryOrder
from mnist_arith.models.layers import WriteCharacter
from mnist_arith.models.layers import transformer_block

CELLS = ("transformer", "lstm", "gru")
"""The encoder-decoder kinds a sequence model can use."""

DECODERS = ("parallel", "autoregressive")
"""How the transformer writes answers: all characters at once, or units first."""

FEED_FORWARDS = ("gelu", "gated")
"""The transformer's feed-forward layers: GELU, or gated (GEGLU)."""

DEFAULT_UNITS = {"transformer": 64, "lstm": 256, "gru": 256}
"""The model width of each cell when `units` is not given."""

_RECURRENT = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def embed_characters(
    characters, units, digit_places, reversed_input, digit_pairs=False
):
    """Embeds one-hot (or probability) characters, with their digit places.

    With `digit_pairs`, the embedded pairs of the operands' digits
    (`DigitPairs`: which two digits meet, plus their answer column) follow
    the characters as more tokens for the encoder to read.
    """
    embedded = keras.layers.Dense(units, use_bias=False, name="character_embedding")(
        characters
    )
    if not digit_places:
        return embedded
    places, operands = DigitPlaces(reversed_input, name="digit_places")(characters)
    embedded = keras.layers.Add(name="with_places")(
        [
            embedded,
            keras.layers.Embedding(MAX_PLACES, units, name="place_embedding")(places),
            keras.layers.Embedding(MAX_PLACES, units, name="operand_embedding")(
                operands
            ),
        ]
    )
    if not digit_pairs:
        return embedded
    pairs, columns = DigitPairs(reversed_input, name="digit_pairs")(characters)
    pairs = keras.layers.Add(name="pairs_with_columns")(
        [
            keras.layers.Dense(units, use_bias=False, name="pair_embedding")(pairs),
            keras.layers.Embedding(2 * MAX_PLACES, units, name="column_embedding")(
                columns
            ),
        ]
    )
    return keras.layers.Concatenate(axis=1, name="characters_and_pairs")(
        [embedded, pairs]
    )


def character_convnet(filters):
    """The small CNN that turns one 28x28x1 character image into features."""
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


def encoder_decoder(
    embedded, answer_length, vocabulary_size, cell, encoder_layers,
    decoder_layers, feed_forward, dropout, padding, decoder="parallel",
):  # fmt: skip
    """The encoder, the decoder and the softmax over characters.

    The parallel decoders write answers right-aligned, and for
    `padding="right"` a `LeftAlign` layer lays them out as written. The
    autoregressive decoder writes them units first (`LeastSignificantFirst`)
    and decodes greedily.

    Returns:
        `(outputs, teacher_forcing)`: the answer probabilities in the
        course's layout, and for the autoregressive decoder the pair
        `(written_before, probabilities)` of the same decoder under teacher
        forcing (a new input of the characters written before each slot,
        units first, and the probabilities it gives), else `None`.
    """
    if decoder == "autoregressive":
        encoded = _transformer_encoder(embedded, encoder_layers, feed_forward, dropout)
        return _autoregressive(
            encoded, answer_length, vocabulary_size, decoder_layers, feed_forward,
            dropout, padding,
        )  # fmt: skip
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
        return characters, None
    return LeftAlign(SPACE_ID, name="left_align")(characters), None


def _attention_options(units, feed_forward, dropout):
    return {
        "heads": 4 if units % 4 == 0 else 1,
        "dropout": dropout,
        "feed_forward": feed_forward,
    }


def _transformer_encoder(embedded, encoder_layers, feed_forward, dropout):
    options = _attention_options(embedded.shape[-1], feed_forward, dropout)
    encoded = PositionEmbedding(name="query_positions")(embedded)
    for index in range(encoder_layers):
        encoded = transformer_block(encoded, None, name=f"encoder_{index}", **options)
    return encoded


def _transformer(
    embedded, answer_length, encoder_layers, decoder_layers, feed_forward, dropout
):
    units = embedded.shape[-1]
    options = _attention_options(units, feed_forward, dropout)
    encoded = _transformer_encoder(embedded, encoder_layers, feed_forward, dropout)
    decoded = AnswerSlots(answer_length, units, name="answer_slots")(encoded)
    for index in range(decoder_layers):
        decoded = transformer_block(
            decoded, encoded, name=f"decoder_{index}", **options
        )
    return decoded


def _answer_writer(
    encoded_shape, answer_length, vocabulary_size, decoder_layers, feed_forward,
    dropout,
):  # fmt: skip
    """The autoregressive decoder as one network, called once per slot.

    Inputs: the encoded query and the characters written before every slot
    (units first; zeros where nothing is written yet). Every slot adds a
    learned vector (its place) to the embedding of the character before
    it, attends causally to the slots before it and to the query, and
    gives probabilities over the characters.
    """
    units = encoded_shape[-1]
    options = _attention_options(units, feed_forward, dropout)
    encoded = keras.Input(encoded_shape, name="encoded_query")
    written_before = keras.Input(
        (answer_length, vocabulary_size), name="written_before"
    )
    decoded = keras.layers.Add(name="slots_and_characters")(
        [
            AnswerSlots(answer_length, units, name="answer_slots")(encoded),
            keras.layers.Dense(units, use_bias=False, name="written_embedding")(
                written_before
            ),
        ]
    )
    for index in range(decoder_layers):
        decoded = transformer_block(
            decoded, encoded, name=f"decoder_{index}", causal=True, **options
        )
    characters = keras.layers.Dense(
        vocabulary_size, activation="softmax", name="characters"
    )(decoded)
    return keras.Model([encoded, written_before], characters, name="answer_writer")


def _autoregressive(
    encoded, answer_length, vocabulary_size, decoder_layers, feed_forward,
    dropout, padding,
):  # fmt: skip
    """Greedy decoding, unrolled: the writer runs once per answer slot."""
    writer = _answer_writer(
        tuple(encoded.shape[1:]), answer_length, vocabulary_size, decoder_layers,
        feed_forward, dropout,
    )  # fmt: skip
    written = EmptyAnswer(answer_length, vocabulary_size, name="empty_answer")(encoded)
    for slot in range(answer_length - 1):
        probabilities = writer([encoded, written])
        written = WriteCharacter(slot, name=f"write_{slot}")([written, probabilities])
    probabilities = writer([encoded, written])
    layout = LeastSignificantFirst(padding, name="as_written")
    teacher_input = keras.Input((answer_length, vocabulary_size), name="written_before")
    teacher_forcing = (teacher_input, writer([encoded, teacher_input]))
    return layout(probabilities), teacher_forcing


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


def course_network(inputs, features, answer_length, vocabulary_size):
    """The course's reference model on `features`: LSTM -> repeat -> LSTM -> softmax.

    With `features is inputs` (text queries), an identity `QueryOrder` layer
    comes first, as in every text model.
    """
    if features is inputs:
        features = QueryOrder(name="query_order")(inputs)
    encoded = keras.layers.LSTM(256, name="encoder")(features)
    repeated = keras.layers.RepeatVector(answer_length, name="repeat")(encoded)
    decoded = keras.layers.LSTM(256, return_sequences=True, name="decoder")(repeated)
    outputs = keras.layers.TimeDistributed(
        keras.layers.Dense(vocabulary_size, activation="softmax"), name="characters"
    )(decoded)
    return outputs
