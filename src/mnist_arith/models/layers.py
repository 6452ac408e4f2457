"""Layers the sequence models are built from, written in `keras.ops` only."""

import keras

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_integer
from mnist_arith._validation import check_one_of

DIGIT_IDS = tuple(range(10))
"""Ids of `'0'`..`'9'` in the course vocabulary."""

OPERATOR_IDS = (10, 11, 13)
"""Ids of `'+'`, `'-'` and `'*'` in the course vocabulary (with `*` appended)."""

SPACE_ID = 12
"""Id of the padding character `' '` in the course vocabulary."""

MAX_PLACES = 8
"""Place ids run from 0 (not a digit) to 7: units, tens, ... up to 10^6."""


@keras.saving.register_keras_serializable(package="mnist_arith")
class QueryOrder(keras.layers.Layer):
    """The first layer of every sequence model: checks the query, may reverse it.

    It rejects inputs whose shape differs from the one the model was built for
    with a `ValueError` naming the received shape, on every backend. With
    `reverse=True` it flips the time axis (axis 1), as keras-io's addition
    example does: users feed queries as written while the encoder reads them
    last character first.

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


@keras.saving.register_keras_serializable(package="mnist_arith")
class DigitPlaces(keras.layers.Layer):
    """Tells every character of a one-hot query its place value and its operand.

    For `'81+24'` the places are `[2, 1, 0, 2, 1]` (tens, units, not a digit,
    tens, units) and the operands `[0, 0, 1, 1, 1]`. Embedding these next to the
    characters lets a model line up the digits that are added together wherever
    the numbers stand in the string: the idea of "abacus" embeddings (McLeish et
    al., 2024, "Transformers Can Do Arithmetic with the Right Embeddings"). It
    is computed from the input alone, with no arithmetic.

    Args:
        reversed_input: whether the query arrives reversed (last character
            first); the ids are then given in that same reversed order.
        **kwargs: standard `keras.layers.Layer` arguments.

    Examples:
        >>> from mnist_arith import CharacterTable
        >>> places, operands = DigitPlaces()(CharacterTable().encode(["81+24"]))
        >>> keras.ops.convert_to_numpy(places).tolist()
        [[2, 1, 0, 2, 1]]
        >>> keras.ops.convert_to_numpy(operands).tolist()
        [[0, 0, 1, 1, 1]]

    Returns:
        `(places, operands)`, two int32 tensors `[batch, length]`: places are
        0 for a non-digit, 1 for units, 2 for tens, ... (at most 7); operands
        count the operators up to and including the character (at most 7),
        so an operator belongs to the operand after it.
    """

    def __init__(self, reversed_input: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.reversed_input = check_bool(reversed_input, "reversed_input")

    def call(self, one_hot):
        """Computes place and operand ids of a `[batch, length, vocab]` one-hot."""
        _check_one_hot(one_hot, "one_hot", SPACE_ID + 1)
        if self.reversed_input:
            one_hot = keras.ops.flip(one_hot, axis=1)
        places, operands = self._ids(
            keras.ops.argmax(one_hot, axis=-1), one_hot.shape[1]
        )
        if self.reversed_input:
            return keras.ops.flip(places, axis=1), keras.ops.flip(operands, axis=1)
        return places, operands

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "reversed_input": self.reversed_input}

    @staticmethod
    def _ids(ids, length):
        is_digit = keras.ops.less(ids, 10)
        is_operator = keras.ops.zeros_like(is_digit)
        for operator in OPERATOR_IDS:
            is_operator = keras.ops.logical_or(
                is_operator, keras.ops.equal(ids, operator)
            )
        run = keras.ops.zeros_like(ids[:, 0])
        runs = []
        for index in reversed(range(length)):
            run = keras.ops.where(
                is_digit[:, index], run + 1, keras.ops.zeros_like(run)
            )
            runs.append(run)
        places = keras.ops.stack(runs[::-1], axis=1)
        operands = keras.ops.cumsum(keras.ops.cast(is_operator, "int32"), axis=1)
        return (
            keras.ops.cast(keras.ops.minimum(places, MAX_PLACES - 1), "int32"),
            keras.ops.minimum(operands, MAX_PLACES - 1),
        )

    def compute_output_spec(self, one_hot):
        """Two int32 `[batch, length]` tensors."""
        spec = keras.KerasTensor(one_hot.shape[:2], dtype="int32")
        return spec, keras.KerasTensor(one_hot.shape[:2], dtype="int32")


@keras.saving.register_keras_serializable(package="mnist_arith")
class DigitPairs(keras.layers.Layer):
    """Pairs every digit of the first operand with every digit of the second.

    The lattice of long multiplication: the digit in place `i` of `a` meets
    the digit in place `j` of `b`, and the pair belongs to the answer's
    column `i + j` (units x units to the units, tens x units and units x
    tens to the tens, ...). For every pair of places the layer gives the
    outer product of the two digits' one-hot vectors (which two digits meet;
    a learned embedding of it can learn what they make) and the pair's
    column. It reads only the query, computes no arithmetic, and works on
    probabilities as well as on one-hot characters (a reader's output).

    Args:
        reversed_input: whether the query arrives reversed (last character
            first), as for `DigitPlaces`.
        **kwargs: standard `keras.layers.Layer` arguments.

    Examples:
        >>> from mnist_arith import MULTIPLICATION_VOCABULARY, CharacterTable
        >>> table = CharacterTable(MULTIPLICATION_VOCABULARY)
        >>> pairs, columns = DigitPairs()(table.encode(["12*34"]))
        >>> tuple(pairs.shape), keras.ops.convert_to_numpy(columns).tolist()
        ((1, 9, 100), [[1, 2, 3, 2, 3, 4, 3, 4, 5]])
        >>> pair = keras.ops.convert_to_numpy(pairs)[0, 0].reshape(10, 10)
        >>> [(int(i), int(j)) for i, j in zip(*pair.nonzero())]  # units: 2 and 4
        [(2, 4)]

    Returns:
        `(pairs, columns)`: `pairs` `[batch, places**2, 100]`, the outer
        products of the digits in every (place of `a`, place of `b`), units
        first (zero where an operand has no digit in that place), and
        `columns` int32 `[batch, places**2]`, `i + j + 1` for places `i`,
        `j` counted from 0 at the units; `places` is the query length less
        two (the operator and the other operand's digit), at most 7.
    """

    def __init__(self, reversed_input: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.reversed_input = check_bool(reversed_input, "reversed_input")

    def call(self, characters):
        """The pairs and columns of `[batch, length, vocab]` characters."""
        _check_one_hot(characters, "characters", SPACE_ID + 1)
        length = characters.shape[1]
        if self.reversed_input:  # The pairs do not depend on the order.
            characters = keras.ops.flip(characters, axis=1)
        places, operands = DigitPlaces._ids(
            keras.ops.argmax(characters, axis=-1), length
        )
        count = max(min(length - 2, MAX_PLACES - 1), 1)
        # [batch, length, count]: which place (units first) each character holds.
        in_place = keras.ops.cast(
            keras.ops.equal(
                keras.ops.expand_dims(places, -1),
                keras.ops.arange(1, count + 1, dtype="int32"),
            ),
            characters.dtype,
        )
        digits = characters[..., : len(DIGIT_IDS)]
        by_place = [
            keras.ops.einsum(
                "blp,bl,bld->bpd",
                in_place,
                keras.ops.cast(keras.ops.equal(operands, operand), characters.dtype),
                digits,
            )
            for operand in (0, 1)
        ]
        pairs = keras.ops.einsum("bpd,bqe->bpqde", *by_place)
        pairs = keras.ops.reshape(pairs, (-1, count * count, len(DIGIT_IDS) ** 2))
        columns = keras.ops.add(
            keras.ops.expand_dims(keras.ops.arange(count, dtype="int32"), 1),
            keras.ops.expand_dims(keras.ops.arange(1, count + 1, dtype="int32"), 0),
        )
        columns = keras.ops.broadcast_to(
            keras.ops.reshape(columns, (1, count * count)),
            (keras.ops.shape(characters)[0], count * count),
        )
        return pairs, columns

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "reversed_input": self.reversed_input}

    def compute_output_spec(self, characters):
        """`[batch, places**2, 100]` pairs and int32 `[batch, places**2]` columns."""
        count = max(min(characters.shape[1] - 2, MAX_PLACES - 1), 1)
        batch = characters.shape[0]
        return (
            keras.KerasTensor(
                (batch, count * count, len(DIGIT_IDS) ** 2), dtype=characters.dtype
            ),
            keras.KerasTensor((batch, count * count), dtype="int32"),
        )


@keras.saving.register_keras_serializable(package="mnist_arith")
class PositionEmbedding(keras.layers.Layer):
    """Adds a learned vector per sequence position to `[batch, length, dim]`."""

    def build(self, input_shape):
        """Creates one `dim`-vector per position."""
        self.embeddings = self.add_weight(
            shape=tuple(input_shape[1:]),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
            name="embeddings",
        )

    def call(self, inputs):
        """Returns `inputs` plus the position vectors."""
        return inputs + keras.ops.expand_dims(self.embeddings, 0)


@keras.saving.register_keras_serializable(package="mnist_arith")
class AnswerSlots(keras.layers.Layer):
    """Learned queries, one per answer character, for a parallel decoder.

    Every answer position asks the encoded query for what it needs at once
    (non-autoregressive decoding), so a model answers in one pass and trains
    with a plain `fit(x, y)`.

    Args:
        length: answer characters.
        dim: width of a slot.
        **kwargs: standard `keras.layers.Layer` arguments.
    """

    def __init__(self, length: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.length = length
        self.dim = dim

    def build(self, input_shape):
        """Creates the slots."""
        self.slots = self.add_weight(
            shape=(self.length, self.dim),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
            name="slots",
        )

    def call(self, encoded):
        """Repeats the slots for every example of the batch of `encoded`."""
        batch = keras.ops.shape(encoded)[0]
        slots = keras.ops.expand_dims(keras.ops.cast(self.slots, encoded.dtype), 0)
        return keras.ops.broadcast_to(slots, (batch, self.length, self.dim))

    def compute_output_shape(self, input_shape):
        """`[batch, length, dim]`."""
        return (input_shape[0], self.length, self.dim)

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "length": self.length, "dim": self.dim}


@keras.saving.register_keras_serializable(package="mnist_arith")
class LeftAlign(keras.layers.Layer):
    """Moves the characters of right-aligned answers to the left, softly.

    A decoder that writes answers right-aligned (`'  -5'`) gives every
    answer slot a fixed place value: the last slot always holds the units.
    The 2023 format writes answers left-aligned (`'-5  '`), where the units
    move with the answer's length. This layer turns per-slot probabilities
    of a right-aligned answer into those of the same answer left-aligned,
    differentiably, so a model can think in places and still train on the
    data as written. The answer's length is read from the probability of a
    space in every slot (spaces before the answer, characters after them);
    a confident input gives exactly the shifted answer.

    Args:
        space_id: the id of the padding character (12, `' '` in the course
            vocabulary).
        **kwargs: standard `keras.layers.Layer` arguments.

    Examples:
        >>> from mnist_arith import CharacterTable
        >>> table = CharacterTable()
        >>> table.decode(LeftAlign()(table.encode(["  -5", " 205"])))
        ['-5  ', '205 ']
    """

    def __init__(self, space_id: int = SPACE_ID, **kwargs):
        super().__init__(**kwargs)
        self.space_id = check_integer(space_id, "space_id", 0)

    def call(self, probabilities):
        """Returns left-aligned probabilities, `[batch, width, vocabulary]`."""
        _check_one_hot(probabilities, "probabilities", self.space_id + 1)
        ops = keras.ops
        width, vocabulary = probabilities.shape[1], probabilities.shape[2]
        epsilon = keras.backend.epsilon()
        space = probabilities[:, :, self.space_id]
        log_space = ops.log(ops.clip(space, epsilon, 1.0))
        log_character = ops.log(ops.clip(1.0 - space, epsilon, 1.0))
        # log P(the answer has n characters): n trailing characters after
        # width - n leading spaces, for n = 0..width.
        spaces_before = ops.cumsum(log_space, axis=1)
        characters_after = ops.flip(ops.cumsum(ops.flip(log_character, 1), axis=1), 1)
        log_lengths = [spaces_before[:, width - 1]]
        for length in range(1, width):
            before, after = width - length - 1, width - length
            log_lengths.append(spaces_before[:, before] + characters_after[:, after])
        log_lengths.append(characters_after[:, 0])
        lengths = ops.softmax(ops.stack(log_lengths, axis=1), axis=1)
        is_space = ops.one_hot(self.space_id, vocabulary, dtype=probabilities.dtype)
        characters = probabilities * (1.0 - is_space)
        characters = characters / ops.maximum(
            ops.sum(characters, axis=-1, keepdims=True), epsilon
        )
        outputs = []
        for slot in range(width):
            # With n characters, slot j shows character width - n + j if j < n.
            shown = sum(
                lengths[:, length, None] * characters[:, width - length + slot]
                for length in range(slot + 1, width + 1)
            )
            padded = ops.sum(lengths[:, : slot + 1], axis=1, keepdims=True)
            outputs.append(shown + padded * is_space)
        return ops.stack(outputs, axis=1)

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "space_id": self.space_id}


@keras.saving.register_keras_serializable(package="mnist_arith")
class LeastSignificantFirst(keras.layers.Layer):
    """Turns answers as written into answers written units first, and back.

    An autoregressive decoder writes the units digit first, then the tens,
    and so on, so that every digit it writes can use the carries of the
    digits already written. In that order every answer slot holds a fixed
    place value: `'-5 '` (the 2023 format) and `' -5'` (2021) are both
    `'5- '`, and `'205'` is `'502'`. For answers padded on the right the
    layer reverses them and moves the spaces that then lead to the end;
    for answers padded on the left it only reverses them. Either way it is
    its own inverse on answers of the format, so the same layer turns the
    decoder's answers back into the course's layout. Probabilities move
    with their slot: the shift is read from the most likely character of
    every slot (a permutation, so no probability is mixed with another).

    Args:
        padding: how the answers as written are padded: `"right"` (2023)
            or `"left"` (2021).
        space_id: the id of the padding character (12 in the course
            vocabulary).
        **kwargs: standard `keras.layers.Layer` arguments.

    Examples:
        >>> from mnist_arith import CharacterTable
        >>> table = CharacterTable()
        >>> units_first = LeastSignificantFirst("right")
        >>> table.decode(units_first(table.encode(["-5 ", "205"])))
        ['5- ', '502']
        >>> table.decode(units_first(table.encode(["5- ", "502"])))
        ['-5 ', '205']
    """

    def __init__(self, padding: str = "right", space_id: int = SPACE_ID, **kwargs):
        super().__init__(**kwargs)
        self.padding = check_one_of(padding, "padding", ("right", "left"))
        self.space_id = check_integer(space_id, "space_id", 0)

    def call(self, probabilities):
        """Returns the answers in the other order, `[batch, width, vocabulary]`."""
        ops = keras.ops
        minimum = self.space_id + 1 if self.padding == "right" else 1
        _check_one_hot(probabilities, "probabilities", minimum)
        reversed_answers = ops.flip(probabilities, axis=1)
        if self.padding == "left":
            return reversed_answers
        width = reversed_answers.shape[1]
        is_space = ops.cast(
            ops.equal(ops.argmax(reversed_answers, axis=-1), self.space_id), "int32"
        )
        leading_spaces = ops.sum(ops.cumprod(is_space, axis=1), axis=1)
        slots = ops.mod(
            ops.arange(width, dtype="int32")[None, :] + leading_spaces[:, None], width
        )
        return ops.take_along_axis(reversed_answers, slots[:, :, None], axis=1)

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {
            **super().get_config(),
            "padding": self.padding,
            "space_id": self.space_id,
        }


@keras.saving.register_keras_serializable(package="mnist_arith")
class EmptyAnswer(keras.layers.Layer):
    """Zeros `[batch, length, vocabulary]`: no character written yet.

    The start of greedy decoding: every slot's "character written before"
    is the zero vector until the decoder has written it.

    Args:
        length: answer characters.
        vocabulary_size: characters in the vocabulary.
        **kwargs: standard `keras.layers.Layer` arguments.
    """

    def __init__(self, length: int, vocabulary_size: int, **kwargs):
        super().__init__(**kwargs)
        self.length = check_integer(length, "length", 1)
        self.vocabulary_size = check_integer(vocabulary_size, "vocabulary_size", 1)

    def call(self, encoded):
        """Zeros for every example of the batch of `encoded`."""
        batch = keras.ops.shape(encoded)[0]
        return keras.ops.zeros(
            (batch, self.length, self.vocabulary_size), dtype=encoded.dtype
        )

    def compute_output_shape(self, input_shape):
        """`[batch, length, vocabulary_size]`."""
        return (input_shape[0], self.length, self.vocabulary_size)

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {
            **super().get_config(),
            "length": self.length,
            "vocabulary_size": self.vocabulary_size,
        }


@keras.saving.register_keras_serializable(package="mnist_arith")
class WriteCharacter(keras.layers.Layer):
    """One step of greedy decoding: writes the most likely character of a slot.

    Given the characters written so far (`[batch, length, vocabulary]`, the
    input of slot `j` is the character of slot `j - 1`) and the decoder's
    probabilities, it puts the one-hot most likely character of `slot` into
    the input of `slot + 1`. No gradient flows through the choice.

    Args:
        slot: the slot whose character is written (0 is the first).
        **kwargs: standard `keras.layers.Layer` arguments.
    """

    def __init__(self, slot: int, **kwargs):
        super().__init__(**kwargs)
        self.slot = check_integer(slot, "slot", 0)

    def call(self, inputs):
        """`inputs` is `[written_before, probabilities]`; returns the new inputs."""
        written_before, probabilities = inputs
        length, vocabulary = written_before.shape[1], written_before.shape[2]
        if self.slot + 1 >= length:
            raise ValueError(
                "`slot` must leave a slot after it to write into. "
                f"Received: slot={self.slot} for answers of {length} characters"
            )
        choice = keras.ops.one_hot(
            keras.ops.argmax(probabilities[:, self.slot], axis=-1),
            vocabulary,
            dtype=written_before.dtype,
        )
        place = keras.ops.reshape(
            keras.ops.one_hot(self.slot + 1, length, dtype=written_before.dtype),
            (1, length, 1),
        )
        choice = keras.ops.stop_gradient(choice)
        return written_before * (1.0 - place) + choice[:, None, :] * place

    def compute_output_shape(self, input_shape):
        """The shape of the characters written so far."""
        return input_shape[0]

    def get_config(self) -> dict:
        """Returns the layer's config."""
        return {**super().get_config(), "slot": self.slot}


def shift_right(answers):
    """The decoder's inputs under teacher forcing: slot `j` sees character `j - 1`.

    Slot 0 sees the zero vector (nothing written yet), as in greedy decoding.
    """
    return keras.ops.concatenate(
        [keras.ops.zeros_like(answers[:, :1]), answers[:, :-1]], axis=1
    )


def _check_one_hot(values, name, minimum_vocabulary):
    """Checks a `[batch, length, vocabulary]` input of the sequence layers."""
    shape = tuple(values.shape)
    vocabulary = shape[-1] if shape else None
    if len(shape) != 3 or (vocabulary is not None and vocabulary < minimum_vocabulary):
        raise ValueError(
            f"`{name}` must be [batch, length, vocabulary] with a vocabulary "
            f"of at least {minimum_vocabulary} characters. "
            f"Received: {name}.shape={shape}"
        )


def transformer_block(
    inputs, context, *, heads, dropout, name, feed_forward="gelu", causal=False
):
    """A post-norm transformer block: self-attention, cross-attention, MLP.

    Args:
        inputs: `[batch, length, dim]`.
        context: `[batch, other_length, dim]` to attend to, or `None`.
        heads: attention heads (they split `dim`).
        dropout: dropout rate of attention and MLP.
        name: prefix of the layer names.
        feed_forward: `"gelu"` (a GELU hidden layer) or `"gated"` (GEGLU: a
            GELU gate times a linear projection, so that one layer can
            multiply two features of its input).
        causal: whether position `j` attends only to positions up to `j`
            (the self-attention of an autoregressive decoder).

    Returns:
        `[batch, length, dim]`.
    """
    dim = inputs.shape[-1]
    key_dim = max(dim // heads, 1)
    attended = keras.layers.MultiHeadAttention(
        heads, key_dim, dropout=dropout, name=f"{name}_self_attention"
    )(inputs, inputs, use_causal_mask=causal)
    hidden = keras.layers.LayerNormalization(name=f"{name}_norm_1")(inputs + attended)
    if context is not None:
        attended = keras.layers.MultiHeadAttention(
            heads, key_dim, dropout=dropout, name=f"{name}_cross_attention"
        )(hidden, context)
        hidden = keras.layers.LayerNormalization(name=f"{name}_norm_2")(
            hidden + attended
        )
    if feed_forward == "gated":
        gate = keras.layers.Dense(2 * dim, activation="gelu", name=f"{name}_mlp_gate")(
            hidden
        )
        mlp = keras.layers.Dense(2 * dim, name=f"{name}_mlp_in")(hidden)
        mlp = keras.layers.Multiply(name=f"{name}_mlp_gated")([gate, mlp])
    else:
        mlp = keras.layers.Dense(2 * dim, activation="gelu", name=f"{name}_mlp_in")(
            hidden
        )
    mlp = keras.layers.Dense(dim, name=f"{name}_mlp_out")(mlp)
    mlp = keras.layers.Dropout(dropout, name=f"{name}_dropout")(mlp)
    return keras.layers.LayerNormalization(name=f"{name}_norm_3")(hidden + mlp)
