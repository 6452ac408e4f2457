"""The graphs inside the sequence models: embeddings, encoders and decoders.

Functions here add layers to a functional graph in a fixed order; the seeded
initialisation behind every recorded figure depends on that order, so a
change that reorders layer creation must say so.
"""

import keras

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

DEFAULT_UNITS = {"transformer": 64, "lstm": 256, "gru": 256}
"""The model width of each cell when `units` is not given."""

_RECURRENT = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def embed_characters(characters, units, digit_places, reversed_input):
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
    decoder_layers, feed_forward, dropout, padding,
):  # fmt: skip
    """The encoder, the decoder and the softmax over characters (right-aligned).

    For `padding="right"` a `LeftAlign` layer lays the answers out as written.
    """
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
