"""Encoder-decoder models that answer arithmetic queries given as text or images.

`Text2Text` and `Image2Text` are functional Keras models built from their
hyperparameters (as KerasHub's backbones are): `get_config()` holds every
constructor argument, so a model loaded from `.keras` in a fresh process
knows its vocabulary, its query and answer lengths and how its answers are
padded. `text2text()` and `image2text()` build and compile them in one line.

Longer than 400 lines because both model classes document every
constructor argument in full (they are the reference for the factories);
the code itself is about half of it.
"""

import json

import keras

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_not_given
from mnist_arith._validation import check_number
from mnist_arith._validation import check_one_of
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable
from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch
from mnist_arith.models.layers import QueryOrder
from mnist_arith.models.layers import shift_right
from mnist_arith.models.reader import DigitReader
from mnist_arith.models.reference_reader import reference_reader
from mnist_arith.models.sampling import SavesLayerSeedStates
from mnist_arith.models.sequence_networks import CELLS
from mnist_arith.models.sequence_networks import DECODERS
from mnist_arith.models.sequence_networks import DEFAULT_UNITS
from mnist_arith.models.sequence_networks import FEED_FORWARDS
from mnist_arith.models.sequence_networks import character_convnet
from mnist_arith.models.sequence_networks import course_network
from mnist_arith.models.sequence_networks import embed_characters
from mnist_arith.models.sequence_networks import encoder_decoder

PADDINGS = ("right", "left")
"""How answers are padded: on the right (2023 format) or the left (2021)."""

# The architecture arguments, with their defaults, that the course's own
# network (`course_model=True`) has no use for.
_ARCHITECTURE_DEFAULTS = {
    "cell": "transformer",
    "units": None,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "decoder": "parallel",
    "feed_forward": "gelu",
    "digit_pairs": None,
    "reverse_queries": False,
    "dropout": 0.1,
}


# The architecture arguments both sequence models take, as given.
_ARCH = ("padding", *_ARCHITECTURE_DEFAULTS)


_MODEL_ARGUMENTS = ("name", "trainable", "dtype")
"""The `keras.Model` arguments the sequence models pass on."""


def _check_model_arguments(cls, kwargs):
    """Refuses arguments the model does not take, as Python itself would.

    `keras.Model` would silently ignore them (and build the whole model).
    """
    for name in kwargs:
        if name not in _MODEL_ARGUMENTS:
            raise TypeError(
                f"{cls.__name__}() got an unexpected keyword argument {name!r}. "
                f"Received: {name}={kwargs[name]!r}"
            )


class _SequenceModel(SavesLayerSeedStates):
    """What `Text2Text` and `Image2Text` share: sizes, checks and config."""

    def _check_architecture(self, vocabulary, course_model, architecture):
        """Checks the shared arguments; returns the resolved architecture."""
        table = CharacterTable(vocabulary)
        course_model = check_bool(course_model, "course_model")
        padding = check_one_of(architecture["padding"], "padding", PADDINGS)
        if padding == "right" and not _is_course_vocabulary(table):
            raise ValueError(
                "`padding='right'` aligns answers by the space of the course "
                "vocabulary; pass `padding='left'` to keep answers as written. "
                f"Received: vocabulary={table.characters!r}"
            )
        if course_model:
            for name, default in _ARCHITECTURE_DEFAULTS.items():
                check_not_given(
                    name,
                    architecture[name],
                    "with course_model=True (the course's network has none)",
                    default,
                )
            return table, dict(architecture)
        resolved = dict(architecture)
        resolved["cell"] = check_one_of(architecture["cell"], "cell", CELLS)
        resolved["feed_forward"] = check_one_of(
            architecture["feed_forward"], "feed_forward", FEED_FORWARDS
        )
        resolved["decoder"] = check_one_of(architecture["decoder"], "decoder", DECODERS)
        if architecture["digit_pairs"] is not None:
            resolved["digit_pairs"] = check_bool(
                architecture["digit_pairs"], "digit_pairs"
            )
        if resolved["cell"] != "transformer":
            for name, default in (
                ("feed_forward", "gelu"),
                ("decoder", "parallel"),
                ("digit_pairs", None),
            ):
                check_not_given(
                    name,
                    architecture[name],
                    f"for cell={resolved['cell']!r} (it has no transformer blocks)",
                    default,
                )
        units = architecture["units"]
        resolved["units"] = check_positive_int(
            DEFAULT_UNITS[resolved["cell"]] if units is None else units, "units"
        )
        for name in ("encoder_layers", "decoder_layers"):
            resolved[name] = check_positive_int(architecture[name], name)
        resolved["reverse_queries"] = check_bool(
            architecture["reverse_queries"], "reverse_queries"
        )
        resolved["dropout"] = check_number(
            architecture["dropout"], "dropout", 0, 1, include_maximum=False
        )
        return table, resolved

    @staticmethod
    def _resolve_digit_pairs(arch, table, has_places, places_argument):
        """`digit_pairs` as given, or (`None`) on for products when it can be."""
        if arch["digit_pairs"] is None:
            return (
                arch["cell"] == "transformer" and has_places and "*" in table.characters
            )
        if arch["digit_pairs"] and not has_places:
            raise ValueError(
                f"`digit_pairs=True` needs digit places ({places_argument}). "
                "Received: digit_pairs=True"
            )
        return arch["digit_pairs"]

    def _set_attributes(
        self, table, query_length, answer_length, course_model, arch, teacher_forcing
    ):
        self.vocabulary = table.characters
        self.query_length = query_length
        self.answer_length = answer_length
        self.course_model = course_model
        # The arguments as given (None stays None), for get_config.
        self._architecture = dict(arch)
        self._teacher_forcing = None
        if teacher_forcing is not None:
            written_before, probabilities = teacher_forcing
            self._teacher_forcing = _Untracked(
                keras.Model([self.inputs[0], written_before], probabilities)
            )

    @property
    def decoder(self) -> str:
        """How the model writes answers: `"parallel"` or `"autoregressive"`."""
        return self._architecture.get("decoder", "parallel")

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The compiled loss; under teacher forcing for the autoregressive decoder.

        The autoregressive decoder learns every character given the true
        characters before it (units first), in one pass, while `y_pred` (and
        so the metrics) are its greedy answers, as `predict` gives them.
        """
        if self._teacher_forcing is not None and y is not None:
            y = self._units_first(y)
            y_pred = self._teacher_forcing.network(
                [keras.ops.convert_to_tensor(x), shift_right(y)], training=training
            )
        return super().compute_loss(x, y, y_pred, sample_weight, training=training)

    def teacher_forced(self, queries, answers):
        """Every answer character's probabilities given the true ones before it.

        For the autoregressive decoder: the probabilities with which the
        model writes each character of `answers` when the characters written
        before it (units first) are those of `answers` — what it learns
        from. Where the model's greedy answer (`predict`) is `answers`, the
        most likely characters here are that answer again.

        Args:
            queries: the model's inputs, `[batch, query_length, ...]`.
            answers: one-hot answers in the course's layout,
                `[batch, answer_length, len(vocabulary)]`.

        Returns:
            Probabilities `[batch, answer_length, len(vocabulary)]` in the
            course's layout.

        Raises:
            ValueError: for a model with the parallel decoder, or answers of
                another shape.
        """
        if self._teacher_forcing is None:
            raise ValueError(
                "`teacher_forced` needs a model with the autoregressive decoder. "
                f"Received: decoder={self.decoder!r}"
            )
        answers = keras.ops.convert_to_tensor(answers, "float32")
        expected = (self.answer_length, len(self.vocabulary))
        if tuple(answers.shape[1:]) != expected or len(answers.shape) != 3:
            raise ValueError(
                f"Expected `answers` of shape [batch, {expected[0]}, {expected[1]}]. "
                f"Received: answers.shape={tuple(answers.shape)}"
            )
        answers = self._units_first(answers)
        probabilities = self._teacher_forcing.network(
            [keras.ops.convert_to_tensor(queries, "float32"), shift_right(answers)],
            training=False,
        )
        return self.get_layer("as_written")(probabilities)

    def _units_first(self, answers):
        """Answers in the course's layout as one-hot answers written units first."""
        one_hot = keras.ops.one_hot(
            keras.ops.argmax(answers, axis=-1), answers.shape[-1], dtype="float32"
        )
        return self.get_layer("as_written")(one_hot)

    @property
    def training_split(self) -> dict | None:
        """The query split the model was trained on, if it was recorded.

        The command line records `{"preset", "num_samples", "train_fraction",
        "by_unordered_pair", "seed"}` when it trains a model (records older
        than `by_unordered_pair` mean `False`), and `mnist-arith evaluate` scores
        the model on the queries that split held out (and refuses another
        split, which would score training queries). It is saved with the
        model; `None` when nothing was recorded.
        """
        split = getattr(self, "_training_split_json", None)
        return None if split is None else json.loads(split)

    @training_split.setter
    def training_split(self, split: dict | None) -> None:
        if split is not None and (
            not isinstance(split, dict)
            or not all(isinstance(key, str) for key in split)
            or not all(
                value is None or isinstance(value, str | int | float)
                for value in split.values()
            )
        ):
            raise ValueError(
                "Expected `training_split` to be None or a dict from names to "
                f"strings or numbers. Received: training_split={split!r}"
            )
        # A JSON string: TensorFlow would wrap a dict attribute for tracking.
        self._training_split_json = (
            None if split is None else json.dumps(split, sort_keys=True)
        )

    @property
    def padding(self) -> str:
        """How the answers are padded: `"right"` (2023) or `"left"` (2021)."""
        return self._architecture["padding"]

    def get_config(self) -> dict:
        """Every constructor argument, so that a loaded model is the same."""
        return {
            "name": self.name,
            "trainable": self.trainable,
            "query_length": self.query_length,
            "answer_length": self.answer_length,
            "vocabulary": self.vocabulary,
            "course_model": self.course_model,
            **self._architecture,
            **(
                {}
                if self.training_split is None
                else {"training_split": self.training_split}
            ),
        }

    @classmethod
    def from_config(cls, config: dict):
        """Rebuilds the model from `get_config()`."""
        config = dict(config)
        split = config.pop("training_split", None)
        if not config.get("course_model"):
            # Saved before `digit_pairs` existed: built without the pairs.
            config.setdefault("digit_pairs", False)
        model = cls(**config)
        model.training_split = split
        return model


@keras.saving.register_keras_serializable(package="mnist_arith")
class Text2Text(_SequenceModel):
    """A model that maps one-hot queries to one-hot answers.

    The default is a small transformer: every query character is embedded
    with its place value and operand (`DigitPlaces`), a self-attention encoder
    reads the query, and one learned slot per answer character attends to it
    (all characters in one pass). The decoder writes answers right-aligned,
    so that every answer slot has a fixed place value, and for answers
    padded on the right (the 2023 format, `'-5 '`) a `LeftAlign` layer lays
    them out as written. `cell="lstm"` or `"gru"` builds a bidirectional
    recurrent encoder with an attending recurrent decoder.
    `course_model=True` builds the course's reference model exactly:
    `LSTM(256)` → `RepeatVector` → `LSTM(256, return_sequences=True)` →
    `TimeDistributed(Dense(len(vocabulary), softmax))`.

    Args:
        query_length: characters per query (5 for the 2023 format, 7 for 2021).
        answer_length: characters per answer.
        vocabulary: the characters, in one-hot order: `COURSE_VOCABULARY`
            (`'0123456789+- '`) or `MULTIPLICATION_VOCABULARY` (with `*`);
            others need `digit_places=False` and `padding="left"`.
        course_model: build the course's reference network; the architecture
            arguments below but `padding` must then keep their defaults.
        cell: `"transformer"`, `"lstm"` or `"gru"`.
        units: the model width (default 64 for the transformer, 256 for
            recurrent cells).
        encoder_layers: stacked encoder layers (the course's "extra LSTM
            layer" task sets 2 or more).
        decoder_layers: stacked decoder layers.
        decoder: `"parallel"` (every answer character in one pass, from
            learned answer slots) or `"autoregressive"`: the answer is
            written units digit first, each character seeing the ones
            already written (a causal transformer decoder, trained with
            teacher forcing and decoded greedily; answers are still given
            and returned as written). Transformer only.
        feed_forward: the transformer's feed-forward layers: `"gelu"`, or
            `"gated"` (GEGLU), which multiplies two projections of every
            character and answered more unseen products (BENCHMARKS.md).
        digit_places: whether to embed every character's place value and
            operand next to it (needs the course vocabulary).
        digit_pairs: whether the encoder also reads every pair of the two
            operands' digits with the answer column it belongs to
            (`DigitPairs`, the lattice of long multiplication; needs
            `digit_places` and the transformer). `None` (the default): on
            for the multiplication vocabulary, where it took held-out
            products from 87% to 100% (BENCHMARKS.md), off otherwise.
        reverse_queries: whether the model reads queries reversed (matters for
            recurrent cells).
        padding: how the answers the model learns are padded, as in
            `make_queries` (`queries.padding`): `"right"` (the 2023 format,
            `'-5 '`; needs the course vocabulary) or `"left"` (the 2021
            format, `' -5'`: answers stay in the order they are written).
            The course's model learns answers as they are padded and records
            `padding` as the format it answers in.
        dropout: dropout rate inside the encoder and decoder.
        **kwargs: `keras.Model` arguments (`name`, `trainable`).

    Raises:
        ValueError: for an unknown cell, feed-forward or padding, sizes below
            1, or an argument that cannot apply (e.g. `units` with
            `course_model=True`).

    Examples:
        >>> model = Text2Text(5, 3, units=32)
        >>> model.vocabulary, model.padding, model.output_shape
        ('0123456789+- ', 'right', (None, 3, 13))
    """

    def __init__(
        self,
        query_length: int = 5,
        answer_length: int = 3,
        vocabulary: str = COURSE_VOCABULARY,
        *,
        course_model: bool = False,
        cell: str = "transformer",
        units: int | None = None,
        encoder_layers: int = 2,
        decoder_layers: int = 2,
        decoder: str = "parallel",
        feed_forward: str = "gelu",
        digit_pairs: bool | None = None,
        digit_places: bool = True,
        reverse_queries: bool = False,
        padding: str = "right",
        dropout: float = 0.1,
        **kwargs,
    ):
        given = {name: value for name, value in locals().items() if name in _ARCH}
        _check_model_arguments(type(self), kwargs)
        query_length = check_positive_int(query_length, "query_length")
        answer_length = check_positive_int(answer_length, "answer_length")
        table, arch = self._check_architecture(vocabulary, course_model, given)
        digit_places = check_bool(digit_places, "digit_places")
        if course_model:
            check_not_given(
                "digit_places", digit_places, "with course_model=True", True
            )
        elif digit_places and not _is_course_vocabulary(table):
            raise ValueError(
                "`digit_places` needs the course vocabulary (13 or 14 characters "
                "in the course's order); pass `digit_places=False`. "
                f"Received: vocabulary={table.characters!r}"
            )
        inputs = keras.Input((query_length, table.size), name="query")
        teacher_forcing = None
        if course_model:
            outputs = course_network(inputs, inputs, answer_length, table.size)
        else:
            digit_pairs = self._resolve_digit_pairs(
                arch, table, digit_places, "digit_places=True"
            )
            ordered = QueryOrder(arch["reverse_queries"], name="query_order")(inputs)
            embedded = embed_characters(
                ordered, arch["units"], digit_places, arch["reverse_queries"],
                digit_pairs,
            )  # fmt: skip
            outputs, teacher_forcing = _encoder_decoder(
                embedded, answer_length, table.size, arch
            )
        kwargs.setdefault("name", "text2text")
        trainable = kwargs.pop("trainable", True)
        super().__init__(inputs, outputs, **kwargs)
        if not trainable:  # The setter freezes every layer; True would thaw a reader.
            self.trainable = False
        self._set_attributes(
            table, query_length, answer_length, course_model, given, teacher_forcing
        )
        self._architecture["digit_places"] = digit_places


@keras.saving.register_keras_serializable(package="mnist_arith")
class Image2Text(_SequenceModel):
    """A model that answers queries given as handwritten character images.

    A small convolutional network reads every character image on its own
    (`TimeDistributed`, shared weights) into a feature vector; the sequence of
    features then goes through the same encoder-decoder as `Text2Text`.

    With `character_reader`, a trained `DigitReader` reads the characters
    instead: a frozen copy of it turns every image into probabilities over
    the course characters, which then go through `Text2Text`'s model,
    digit places included. The reader learns to read from single characters
    (with shifts and rotations), the rest learns the arithmetic; this
    answered far more unseen-handwriting queries than training the
    convolutions inside the sequence model (BENCHMARKS.md).

    Args:
        query_length: character images per query.
        answer_length: characters per answer.
        vocabulary: the characters of the answers, in one-hot order.
        course_model: the course's LSTM(256) encoder-decoder on top of the
            character features; the architecture arguments must then keep
            their defaults.
        cell: `"transformer"`, `"lstm"` or `"gru"`.
        units: the model width (default 64 for the transformer, 256 for
            recurrent cells).
        encoder_layers: stacked encoder layers.
        decoder_layers: stacked decoder layers.
        decoder: `"parallel"` or `"autoregressive"` (units first, greedy),
            as in `Text2Text`.
        feed_forward: the transformer's feed-forward layers: `"gelu"` or
            `"gated"` (GEGLU).
        digit_pairs: whether the encoder also reads every pair of the
            operands' digits, as in `Text2Text` (needs a
            `character_reader`). `None` (the default): on for the
            multiplication vocabulary when a reader reads the characters.
        reverse_queries: whether the model reads the query reversed.
        padding: how the answers the model learns are padded: `"right"`
            (the 2023 format) or `"left"` (2021).
        dropout: dropout rate inside the encoder and decoder.
        filters: filters of the first convolution of the built-in character
            network (default 32; the second has twice as many). Cannot be
            given with a `character_reader`.
        character_reader: `"reference"` for the pretrained reader shipped
            with the package (`reference_reader()`, the most accurate
            choice), or a trained `DigitReader` (see `train_digit_reader`) to
            read the characters with; the model keeps a frozen copy. `None`
            (the default) trains the built-in character network inside the
            model.
        **kwargs: `keras.Model` arguments (`name`, `trainable`).

    Raises:
        ValueError: for an unknown cell, feed-forward or padding, sizes below
            1, an argument that cannot apply (`filters` with a reader), or a
            `character_reader` that does not read 28x28x1 images into the
            course characters.

    Examples:
        >>> model = Image2Text(5, 3, units=32, filters=8)
        >>> model.input_shape, model.output_shape
        ((None, 5, 28, 28, 1), (None, 3, 13))
    """

    def __init__(
        self,
        query_length: int = 5,
        answer_length: int = 3,
        vocabulary: str = COURSE_VOCABULARY,
        *,
        course_model: bool = False,
        cell: str = "transformer",
        units: int | None = None,
        encoder_layers: int = 2,
        decoder_layers: int = 2,
        decoder: str = "parallel",
        feed_forward: str = "gelu",
        digit_pairs: bool | None = None,
        reverse_queries: bool = False,
        padding: str = "right",
        dropout: float = 0.1,
        filters: int | None = None,
        character_reader: keras.Model | dict | str | None = None,
        **kwargs,
    ):
        given = {name: value for name, value in locals().items() if name in _ARCH}
        _check_model_arguments(type(self), kwargs)
        query_length = check_positive_int(query_length, "query_length")
        answer_length = check_positive_int(answer_length, "answer_length")
        table, arch = self._check_architecture(vocabulary, course_model, given)
        if isinstance(character_reader, dict):  # From a saved config.
            character_reader = keras.saving.deserialize_keras_object(character_reader)
        elif isinstance(character_reader, str):
            check_one_of(character_reader, "character_reader", ("reference",))
            character_reader = reference_reader()
        reader = None
        if character_reader is None:
            convnet_filters = check_positive_int(
                32 if filters is None else filters, "filters"
            )
        else:
            check_not_given(
                "filters", filters, "with a character_reader (it reads the images)"
            )
            reader = _frozen_reader(character_reader)
        inputs = keras.Input((query_length, 28, 28, 1), name="query_images")
        teacher_forcing = None
        ordered = QueryOrder(arch["reverse_queries"], name="query_order")(inputs)
        features = keras.layers.TimeDistributed(
            character_convnet(convnet_filters) if reader is None else reader,
            name="character_features",
        )(ordered)
        if course_model:
            outputs = course_network(inputs, features, answer_length, table.size)
        else:
            if reader is None:  # No digit places: refuses digit_pairs=True.
                self._resolve_digit_pairs(arch, table, False, "a character_reader")
                embedded = keras.layers.Dense(
                    arch["units"], name="character_embedding"
                )(features)
            else:
                embedded = embed_characters(
                    features, arch["units"], True, arch["reverse_queries"],
                    self._resolve_digit_pairs(
                        arch, table, True, "a character_reader"
                    ),
                )  # fmt: skip
            outputs, teacher_forcing = _encoder_decoder(
                embedded, answer_length, table.size, arch
            )
        kwargs.setdefault("name", "image2text")
        trainable = kwargs.pop("trainable", True)
        super().__init__(inputs, outputs, **kwargs)
        if not trainable:  # The setter freezes every layer; True would thaw a reader.
            self.trainable = False
        self._set_attributes(
            table, query_length, answer_length, course_model, given, teacher_forcing
        )
        self._architecture["filters"] = filters
        self._reader_config = (
            None if reader is None else keras.saving.serialize_keras_object(reader)
        )

    @property
    def character_reader(self) -> keras.Model | None:
        """The frozen reader copy inside the model, or `None`."""
        if self._reader_config is None:
            return None
        return self.get_layer("character_features").layer

    def get_config(self) -> dict:
        """Every constructor argument, the reader's config included."""
        return {**super().get_config(), "character_reader": self._reader_config}


def text2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary: str = COURSE_VOCABULARY,
    *,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    weight_decay: float = 0.01,
    **kwargs,
) -> Text2Text:
    """Builds a compiled `Text2Text`: the default answers unseen queries best.

    Trained on 10% of the 2023 queries for 300 epochs the default transformer
    answered all but one of the other 18,000 exactly (BENCHMARKS.md).
    The model is compiled with AdamW (Adam for the course's model),
    categorical cross-entropy and two metrics: `exact_match` (whole answer
    right) and `character_accuracy` (the course's per-character "accuracy").

    Args:
        query_length: characters per query (5 for the 2023 format, 7 for 2021).
        answer_length: characters per answer.
        vocabulary: the characters, in one-hot order (`queries.vocabulary`).
        learning_rate: the optimizer's learning rate: a number, or a
            `keras.optimizers.schedules.LearningRateSchedule` such as
            `warmup_cosine(5e-3, steps)`.
        weight_decay: AdamW's decoupled weight decay (the course's model
            trains with Adam and takes none).
        **kwargs: the architecture arguments of `Text2Text`: `course_model`,
            `cell`, `units`, `encoder_layers`, `decoder_layers`, `decoder`,
            `feed_forward`, `digit_pairs`, `digit_places`, `reverse_queries`, `padding`,
            `dropout`.

    Returns:
        A compiled `Text2Text` taking `[batch, query_length, len(vocabulary)]`
        and returning probabilities `[batch, answer_length, len(vocabulary)]`.

    Raises:
        ValueError: as `Text2Text`, or for a non-positive learning rate.
        TypeError: for an argument `Text2Text` does not take.

    Examples:
        >>> model = text2text(5, 3, units=32)
        >>> model.output_shape
        (None, 3, 13)
        >>> text2text(course_model=True).count_params()
        805133
    """
    learning_rate = _check_learning_rate(learning_rate)
    weight_decay = _check_weight_decay(weight_decay, kwargs)
    model = Text2Text(query_length, answer_length, vocabulary, **kwargs)
    return compile_sequence_model(model, learning_rate, weight_decay)


def image2text(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary: str = COURSE_VOCABULARY,
    *,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    weight_decay: float = 0.01,
    **kwargs,
) -> Image2Text:
    """Builds a compiled `Image2Text`, compiled as `text2text`'s models are.

    By default the characters are read by the shipped reference reader
    (`character_reader="reference"`, frozen), the most accurate choice: the
    model then learns only the arithmetic. `character_reader=None` trains the
    built-in character network inside the model instead (then `filters`
    applies), and `course_model=True` builds the course's own network, which
    reads with the built-in network unless a reader is given.

    Args:
        query_length: character images per query.
        answer_length: characters per answer.
        vocabulary: the characters of the answers, in one-hot order.
        learning_rate: the optimizer's learning rate: a number or a
            learning-rate schedule, as for `text2text`.
        weight_decay: AdamW's decoupled weight decay (none for the course's
            model).
        **kwargs: the arguments of `Image2Text`: `course_model`, `cell`,
            `units`, `encoder_layers`, `decoder_layers`, `decoder`,
            `feed_forward`, `digit_pairs`, `reverse_queries`, `padding`,
            `dropout`, `filters`, `character_reader` (default `"reference"`,
            or `None` with `course_model=True`).

    Returns:
        A compiled `Image2Text` taking `[batch, query_length, 28, 28, 1]`
        floats in [0, 1] and returning `[batch, answer_length, len(vocabulary)]`.

    Raises:
        ValueError: as `Image2Text`, or for a non-positive learning rate.
        TypeError: for an argument `Image2Text` does not take.

    Examples:
        >>> model = image2text(5, 3)
        >>> model.input_shape, model.output_shape
        ((None, 5, 28, 28, 1), (None, 3, 13))
        >>> model.character_reader.vocabulary
        '0123456789+- *'
        >>> own = image2text(5, 3, character_reader=None, units=32, filters=8)
        >>> own.character_reader is None
        True
    """
    learning_rate = _check_learning_rate(learning_rate)
    weight_decay = _check_weight_decay(weight_decay, kwargs)
    if "character_reader" not in kwargs:
        course_model = kwargs.get("course_model", False)
        if "filters" in kwargs and not course_model:
            raise ValueError(
                "`filters` sets the built-in character network, and image2text "
                "reads with the reference reader unless `character_reader=None`"
                f". Received: filters={kwargs['filters']!r}"
            )
        kwargs["character_reader"] = None if course_model is True else "reference"
    model = Image2Text(query_length, answer_length, vocabulary, **kwargs)
    return compile_sequence_model(model, learning_rate, weight_decay)


def compile_sequence_model(
    model: keras.Model,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    weight_decay: float = 0.01,
):
    """Compiles a sequence model as the factories do, and returns it.

    AdamW with `weight_decay` (Adam for the course's model), categorical
    cross-entropy, and the `exact_match` and `character_accuracy` metrics.
    """
    if getattr(model, "course_model", False):
        optimizer = keras.optimizers.Adam(learning_rate)
    else:
        optimizer = keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy",
        metrics=[ExactMatch(), CharacterAccuracy()],
    )
    return model


def _encoder_decoder(embedded, answer_length, vocabulary_size, arch):
    return encoder_decoder(
        embedded, answer_length, vocabulary_size, arch["cell"],
        arch["encoder_layers"], arch["decoder_layers"], arch["feed_forward"],
        arch["dropout"], arch["padding"], arch["decoder"],
    )  # fmt: skip


def _check_learning_rate(learning_rate):
    """A positive number, or a learning-rate schedule as it is."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return learning_rate
    return check_positive_number(learning_rate, "learning_rate")


def _check_weight_decay(weight_decay, kwargs):
    """A number >= 0; the course's model (Adam) must keep the default."""
    weight_decay = check_number(weight_decay, "weight_decay", 0, None)
    if kwargs.get("course_model") is True:
        check_not_given(
            "weight_decay",
            weight_decay,
            "with course_model=True (it trains with Adam)",
            0.01,
        )
    return weight_decay


class _Untracked:
    """Holds a network out of Keras's attribute tracking.

    The teacher-forcing network shares every layer with the model: tracked,
    its weights would be counted and saved twice.
    """

    def __init__(self, network):
        self.network = network


def _is_course_vocabulary(table: CharacterTable) -> bool:
    """Whether digit places and `LeftAlign` can read this vocabulary's ids."""
    return table.characters[: len(COURSE_VOCABULARY)] == COURSE_VOCABULARY and (
        table.size in (len(COURSE_VOCABULARY), len(COURSE_VOCABULARY) + 1)
    )


def _frozen_reader(reader):
    """A frozen copy of a trained character classifier, checked."""
    if not isinstance(reader, keras.Model):
        raise ValueError(
            "`character_reader` must be a trained `DigitReader` (a keras.Model). "
            f"Received: character_reader={reader!r}"
        )
    image_shape, classes = tuple(reader.input_shape[1:]), reader.output_shape[1:]
    readable = (
        _is_course_vocabulary(CharacterTable(reader.vocabulary))
        if isinstance(reader, DigitReader)
        else tuple(classes) in ((13,), (14,))
    )
    if image_shape != (28, 28, 1) or not readable:
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
