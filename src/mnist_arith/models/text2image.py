"""Text2image: answers arithmetic queries with sharp images of handwritten characters.

The course's text2image model regresses whole answer images from the query
with a pixel-wise mean squared error. Many handwritings fit one answer, and
the image that minimises the squared error to all of them is their pixel-wise
mean: a blur. `Text2Image` splits the task in two parts that each do one
thing well:

1. `text_model`, a `text2text` model, answers the query as text: one
   probability vector per answer character.
2. `character_decoder`, the decoder of a conditional VAE trained on single
   28x28 images of the 13 course characters (`vae(num_classes=13)` on
   `character_dataset(digits)`), draws every answer character on its own
   from its class (the argmax of the text model) and a latent vector.

The images are sharp because each one comes from a class-conditional
generative decoder evaluated at one point of its latent space, which gives
one handwriting, not the average of all of them. With `stochastic=False`
(the default) the latent is the prior's mean (zeros), the class's typical
handwriting, so outputs are deterministic; with `stochastic=True` it is drawn
from `N(0, temperature^2)` with the model's own `keras.random.SeedGenerator`,
so every call writes the answer in a new hand.

Whether the images show the right answer is judged by `readability`: an
independent `digit_reader`, trained separately with `train_digit_reader` on
real digits, glyphs and blanks, must read every generated answer exactly as
the true answer. A blurry mean of several digits fails that test where a
sharp digit of the right class passes.

Training is split the same way, with no per-backend code. The character
decoder is trained through its VAE. `Text2Image.fit(queries, answers)` takes
one-hot answer text and trains the text part only: in training mode `call`
returns the text model's answer probabilities, the compiled loss
(categorical cross-entropy) compares them with the answers, and the
decoder's variables are left out of the model's trainable variables, so no
optimizer sees them. `train_text2image` trains both parts and assembles them.

Longer than 400 lines: `Text2Image` overrides training (`compute_loss`,
the trainable-weight lists) and drawing (`generate`) and documents both;
its trainer lives in `text2image_training.py`.
"""

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from mnist_arith._validation import check_bool
from mnist_arith._validation import check_not_given
from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_positive_number
from mnist_arith._validation import check_seed
from mnist_arith._validation import check_verbose
from mnist_arith.data.queries import Queries
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable
from mnist_arith.metrics import CharacterAccuracy
from mnist_arith.metrics import ExactMatch
from mnist_arith.models.generative import OneHot
from mnist_arith.models.generative import deserialize_sub_models
from mnist_arith.models.generative import serialize_sub_models
from mnist_arith.models.sampling import load_seed_state
from mnist_arith.models.sampling import save_seed_state
from mnist_arith.models.seq2seq import Text2Text
from mnist_arith.models.seq2seq import text2text
from mnist_arith.models.vae import VAE
from mnist_arith.models.vae import vae

_GENERATE_BATCH = 512
_PARTS = ("text_model", "character_decoder")


@keras.saving.register_keras_serializable(package="mnist_arith")
class Text2Image(keras.Model):
    """Answers one-hot queries with images of the answer's characters.

    Called on `[batch, query_length, vocabulary_size]` one-hot queries, the
    model predicts the answer characters with `text_model`, takes the most
    likely class of every answer character, draws one latent vector per
    character (zeros, or `N(0, temperature^2)` samples when stochastic) and
    decodes each character image with `character_decoder`. It returns
    `[batch, answer_length, 28, 28, 1]` floats in [0, 1] (the decoder's image
    shape in general).

    `fit(queries, answers)` takes one-hot answer text as targets and trains
    the text model only: the model's trainable weights are the text model's,
    and the loss (categorical cross-entropy by default, see `compile`) is
    computed on the text model's answer probabilities, which is what
    `model(queries, training=True)` returns. The character decoder is left as
    its VAE trained it (it is not modified, so its VAE can still train it).
    `fit` and `evaluate` report `loss`, `exact_match` and `character_accuracy`
    of the answer text. This works unchanged on JAX, TensorFlow and PyTorch.

    Args:
        text_model: a model from `[batch, query_length, vocabulary_size]`
            one-hot queries to `[batch, answer_length, vocabulary_size]`
            answer probabilities, such as `text2text()`.
        character_decoder: a conditional decoder from `[latents, labels]`
            to character images, with one class per vocabulary character,
            such as `vae(num_classes=13).decoder`.
        stochastic: whether `call` draws random latents (new handwriting on
            every call) instead of zeros (the typical handwriting).
        temperature: the standard deviation of random latents. The default,
            half the prior's, keeps the handwriting varied but tidy: samples
            far out in the prior are the ones a reader misreads.
        seed: the seed of the model's `keras.random.SeedGenerator`.
        vocabulary: the characters of queries and answers, in one-hot
            order; default the text model's own (a `Text2Text` knows it).
            Needed to draw query strings with another kind of text model.
        **kwargs: `keras.Model` arguments such as `name`.

    Examples:
        >>> from mnist_arith.models.seq2seq import text2text
        >>> from mnist_arith.models.vae import vae
        >>> text_model = text2text(units=8, encoder_layers=1, decoder_layers=1)
        >>> decoder = vae(num_classes=13, latent_dim=2, filters=4).decoder
        >>> model = Text2Image(text_model, decoder)
        >>> model.generate(["12+7 ", "3-45 "]).shape
        (2, 3, 28, 28, 1)
    """

    def __init__(
        self,
        text_model: keras.Model,
        character_decoder: keras.Model,
        *,
        stochastic: bool = False,
        temperature: float = 0.5,
        seed: int | None = None,
        vocabulary: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        query_shape, answer_shape = _text_model_shapes(text_model)
        vocabulary = _text_vocabulary(text_model, vocabulary, answer_shape[1])
        latent_dim, num_classes, image_shape = _decoder_shapes(character_decoder)
        if answer_shape[1] != num_classes:
            raise ValueError(
                "The text model's vocabulary must match the character decoder's "
                f"classes ({num_classes}): one decoder class per character. "
                f"Received: vocabulary_size={answer_shape[1]}"
            )
        stochastic = _check_stochastic(stochastic)
        temperature = _check_temperature(temperature)
        seed = check_seed(seed, allow_none=True)
        self.text_model = text_model
        self.character_decoder = character_decoder
        self.stochastic = stochastic
        self.temperature = temperature
        self.seed = seed
        self.vocabulary = vocabulary
        self.query_length, self.vocabulary_size = query_shape
        self.answer_length = answer_shape[0]
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.exact_match_tracker = ExactMatch()
        self.character_accuracy_tracker = CharacterAccuracy()
        self.built = True

    def call(self, queries, training=None, stochastic=None):
        """Draws the answer images of one-hot queries.

        Args:
            queries: `[batch, query_length, vocabulary_size]` one-hot queries.
            training: when `True` (as in `fit`), return the text model's
                answer probabilities `[batch, answer_length, vocabulary_size]`
                instead of images: they are what training fits.
            stochastic: overrides the model's `stochastic` setting.

        Returns:
            `[batch, answer_length, *image_shape]` images in [0, 1].
        """
        _check_query_shape(queries, self.query_length, self.vocabulary_size)
        probabilities = self.text_model(queries, training=training)
        if training:
            return probabilities
        stochastic = self.stochastic if stochastic is None else stochastic
        stochastic = _check_stochastic(stochastic)
        return self._draw(
            probabilities, stochastic, self.seed_generator, self.temperature
        )

    def _draw(self, probabilities, stochastic, seed, temperature):
        """Decodes the argmax class of every answer character to an image."""
        labels = ops.reshape(
            ops.cast(ops.argmax(probabilities, axis=-1), "int32"), (-1,)
        )
        shape = (ops.shape(labels)[0], self.latent_dim)
        dtype = self.character_decoder.compute_dtype
        if stochastic:
            latents = keras.random.normal(
                shape, stddev=temperature, dtype=dtype, seed=seed
            )
        else:
            latents = ops.zeros(shape, dtype=dtype)
        images = self.character_decoder([latents, labels], training=False)
        return ops.reshape(images, (-1, self.answer_length, *self.image_shape))

    def generate(
        self,
        queries,
        *,
        stochastic: bool | None = None,
        seed: int | None = None,
        temperature: float | None = None,
        verbose: int | str = 0,
    ) -> np.ndarray:
        """Draws the answer images of queries, as a NumPy array.

        Args:
            queries: `[n, query_length, vocabulary_size]` one-hot queries, or
                `n` query strings (or a `Queries`) for the course's 13- or
                14-character vocabulary.
            stochastic: whether to draw random latents; default the model's
                `stochastic` setting.
            seed: an integer for reproducible random handwriting; `None`
                draws new latents from the model's own generator on every
                call. Unused when not stochastic.
            temperature: the standard deviation of random latents; default
                the model's `temperature`.
            verbose: the progress display of the two `predict` passes (the
                answer text, then the character images): 0 (none, the
                default), 1, 2 or `"auto"`.

        Returns:
            A `[n, answer_length, *image_shape]` float32 array in [0, 1].

        Raises:
            ValueError: for queries of the wrong shape or characters, a
                non-positive temperature, a negative seed or another
                `verbose`.
        """
        queries = self._one_hot_queries(queries)
        stochastic = self.stochastic if stochastic is None else stochastic
        stochastic = _check_stochastic(stochastic)
        temperature = self.temperature if temperature is None else temperature
        temperature = _check_temperature(temperature)
        seed = check_seed(seed, allow_none=True)
        check_verbose(verbose)
        generator = self.seed_generator
        if stochastic and seed is not None:
            generator = keras.random.SeedGenerator(seed)
        # `predict` compiles both networks once (eager calls are slow on JAX).
        probabilities = self.text_model.predict(
            queries, batch_size=_GENERATE_BATCH, verbose=verbose
        )
        labels = np.argmax(probabilities, axis=-1).reshape(-1).astype("int32")
        shape = (len(labels), self.latent_dim)
        if stochastic:
            latents = keras.random.normal(
                shape, stddev=temperature, dtype="float32", seed=generator
            )
            latents = ops.convert_to_numpy(latents)
        else:
            latents = np.zeros(shape, dtype="float32")
        images = self.character_decoder.predict(
            [latents, labels],
            batch_size=_GENERATE_BATCH * self.answer_length,
            verbose=verbose,
        )
        return images.reshape(
            (len(queries), self.answer_length, *self.image_shape)
        ).astype("float32", copy=False)

    def _one_hot_queries(self, queries):
        if isinstance(queries, Queries):
            queries = queries.queries
        if isinstance(queries, str):
            queries = [queries]
        array = np.asarray(queries)
        if array.dtype.kind == "U":
            if self.vocabulary is None:
                raise ValueError(
                    "Query strings need the model's vocabulary, which this model "
                    "(its text model is not a `Text2Text`) does not know; give "
                    "one-hot queries, or build it with `vocabulary=`. Received: "
                    "vocabulary=None"
                )
            array = CharacterTable(self.vocabulary).encode(array)
        _check_query_shape(array, self.query_length, self.vocabulary_size)
        return array.astype("float32", copy=False)

    def compile(
        self, optimizer="adam", loss="categorical_crossentropy", **kwargs
    ) -> None:
        """Configures training of the text part.

        The loss compares the one-hot answer text given to `fit` with the
        text model's answer probabilities. The model tracks `exact_match`
        and `character_accuracy` itself; compiled `metrics` are not supported
        because at inference the model outputs images, not text.

        Args:
            optimizer: an optimizer or its name.
            loss: a loss of one-hot answers and probabilities.
            **kwargs: other `keras.Model.compile` arguments.

        Raises:
            ValueError: if `metrics` or `weighted_metrics` are given.
        """
        for name in ("metrics", "weighted_metrics"):
            if kwargs.get(name) is not None:
                raise ValueError(
                    "A Text2Image reports `exact_match` and `character_accuracy` "
                    f"of its answer text itself; don't pass `{name}`. "
                    f"Received: {name}={kwargs[name]!r}"
                )
        super().compile(optimizer=optimizer, loss=loss, **kwargs)

    def compile_from_config(self, config):
        """Compiles the model from `get_compile_config()` (used by loading)."""
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:  # Create the optimizer's variables to load them.
            self.optimizer.build(self.trainable_variables)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The compiled loss of the answer text (the images are not trained)."""
        if len(y_pred.shape) == 3:
            probabilities = y_pred
        else:  # `evaluate` predicts images: score the text model's answer.
            probabilities = self.text_model(x, training=False)
        self.exact_match_tracker.update_state(y, probabilities, sample_weight)
        self.character_accuracy_tracker.update_state(y, probabilities, sample_weight)
        return super().compute_loss(
            x, y, probabilities, sample_weight, training=training
        )

    # Only the text model trains here. Leaving the decoder's variables out of
    # the trainable lists (instead of setting `trainable = False` on a decoder
    # its VAE shares) avoids gradients that don't exist, which TensorFlow and
    # PyTorch optimizers warn about.
    @property
    def trainable_variables(self):
        """The text model's trainable variables (the decoder is frozen here)."""
        if not self.trainable:
            return []
        return _without(super().trainable_variables, self.character_decoder.variables)

    @property
    def non_trainable_variables(self):
        """Every other variable: the decoder's, seeds, non-trainable weights."""
        return _without(self.variables, self.trainable_variables)

    @property
    def trainable_weights(self):
        """The text model's trainable weights (the decoder is frozen here)."""
        if not self.trainable:
            return []
        return _without(super().trainable_weights, self.character_decoder.weights)

    @property
    def non_trainable_weights(self):
        """The decoder's weights and the text model's non-trainable weights."""
        return _without(self.weights, self.trainable_weights)

    def save_own_variables(self, store):
        """Saves the seed generator's state, so that loading continues it."""
        super().save_own_variables(store)
        save_seed_state(store, self.seed_generator)

    def load_own_variables(self, store):
        """Restores the seed generator's state (files of 0.1.0 have none)."""
        super().load_own_variables(load_seed_state(store, self.seed_generator))

    def get_config(self):
        """The model's arguments, with both sub-models serialized."""
        config = super().get_config()
        # The model trains its parts itself: their compile settings stay out.
        config.update(serialize_sub_models(self, _PARTS, compile_config=False))
        config.update(
            {
                "stochastic": self.stochastic,
                "temperature": self.temperature,
                "seed": self.seed,
                "vocabulary": self.vocabulary,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        """Rebuilds the model from `get_config()`."""
        return cls(**deserialize_sub_models(config, _PARTS))


def text2image(
    query_length: int = 5,
    answer_length: int = 3,
    vocabulary: str = COURSE_VOCABULARY,
    *,
    text_model: keras.Model | None = None,
    character_decoder: keras.Model | VAE | None = None,
    latent_dim: int | None = None,
    stochastic: bool = False,
    temperature: float = 0.5,
    padding: str | None = None,
    learning_rate: float = 1e-3,
    seed: int | None = None,
) -> Text2Image:
    """Builds a compiled `Text2Image` from a text model and a character decoder.

    Parts not given are built untrained: `text2text(query_length,
    answer_length, vocabulary, padding=padding)` (the default
    transformer) and the decoder of `vae(num_classes=len(vocabulary),
    latent_dim=latent_dim)`.
    Train the decoder through its VAE on `character_dataset(digits)` and the
    text model with `fit(queries, answers)`, or use `train_text2image`, which
    does both. The model is compiled with AdamW and categorical
    cross-entropy on the answer text.

    Args:
        query_length: characters per query.
        answer_length: characters per answer.
        vocabulary: the characters of queries and answers, in one-hot order;
            one decoder class per character.
        text_model: a (trained) text model; its shapes must match the three
            sizes (and its vocabulary `vocabulary`, for a `Text2Text`).
        character_decoder: a (trained) conditional character decoder, or the
            conditional `VAE` that holds it; it needs one class per
            character.
        latent_dim: the latent size of a new decoder (default 8); cannot be
            given with a `character_decoder`.
        stochastic: whether calls draw random handwriting (see `Text2Image`).
        temperature: the standard deviation of random latents (lower is
            tidier, higher more varied).
        padding: the padding of the answers a new text model learns
            (`queries.padding`, see `text2text`; default `"right"`); cannot
            be given with a `text_model`, which has its own.
        learning_rate: AdamW's learning rate for training the text part.
        seed: the seed of the model's latent samples (and of a new decoder's
            VAE).

    Returns:
        A compiled `Text2Image` from `[batch, query_length, vocabulary_size]`
        one-hot queries to `[batch, answer_length, 28, 28, 1]` images.

    Raises:
        ValueError: for non-positive sizes, a text model of other sizes, a
            decoder without one class per character, a non-positive
            temperature or learning rate, or `latent_dim` / `padding` given
            with the part they would have built.

    Examples:
        >>> model = text2image()
        >>> model.answer_length, model.latent_dim, model.image_shape
        (3, 8, (28, 28, 1))
    """
    query_length = check_positive_int(query_length, "query_length")
    answer_length = check_positive_int(answer_length, "answer_length")
    vocabulary_size = CharacterTable(vocabulary).size
    stochastic = _check_stochastic(stochastic)
    temperature = _check_temperature(temperature)
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    seed = check_seed(seed, allow_none=True)
    if text_model is None:
        text_model = text2text(
            query_length,
            answer_length,
            vocabulary,
            padding="right" if padding is None else padding,
        )
    else:
        check_not_given("padding", padding, "with a text_model (it has its own)")
        check_text_model_sizes(text_model, query_length, answer_length, vocabulary_size)
        _text_vocabulary(text_model, vocabulary, vocabulary_size)
    if character_decoder is None:
        latent_dim = check_positive_int(
            8 if latent_dim is None else latent_dim, "latent_dim"
        )
        character_decoder = vae(
            num_classes=vocabulary_size, latent_dim=latent_dim, seed=seed
        ).decoder
    else:
        check_not_given(
            "latent_dim", latent_dim, "with a character_decoder (it has its own)"
        )
        if isinstance(character_decoder, VAE):
            character_decoder = character_decoder.decoder
    model = Text2Image(
        text_model,
        character_decoder,
        stochastic=stochastic,
        temperature=temperature,
        seed=seed,
        vocabulary=vocabulary,
        name="text2image",
    )
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate, weight_decay=0.01))
    return model


def _text_model_shapes(text_model):
    """`((query_length, vocabulary), (answer_length, vocabulary))` of a model."""
    shapes = None
    if isinstance(text_model, keras.Model):
        try:
            input_shape = tuple(text_model.input_shape)
            output_shape = tuple(text_model.output_shape)
        except (AttributeError, ValueError):
            input_shape = output_shape = ()
        if len(input_shape) == len(output_shape) == 3:
            shapes = (input_shape[1:], output_shape[1:])
    if shapes is None:
        raise ValueError(
            "`text_model` must be a built keras.Model from [batch, query_length, "
            "vocabulary_size] to [batch, answer_length, vocabulary_size], such as "
            f"`text2text()`. Received: text_model={_describe(text_model)}"
        )
    return shapes


def check_text_model_sizes(text_model, query_length, answer_length, vocabulary_size):
    """Raises `ValueError` unless `text_model` has the given sizes."""
    shapes = _text_model_shapes(text_model)
    expected = ((query_length, vocabulary_size), (answer_length, vocabulary_size))
    if shapes != expected:
        raise ValueError(
            "`text_model` must map [batch, query_length, vocabulary_size] to "
            f"[batch, answer_length, vocabulary_size] = {expected}. "
            f"Received: text_model with shapes {shapes}"
        )


def _text_vocabulary(text_model, vocabulary, vocabulary_size):
    """The vocabulary of a text model: its own for a `Text2Text`, else given."""
    own = text_model.vocabulary if isinstance(text_model, Text2Text) else None
    if vocabulary is None:
        return own
    vocabulary = CharacterTable(vocabulary).characters
    if own is not None and own != vocabulary:
        raise ValueError(
            f"`vocabulary` must be the text model's own, {own!r}. "
            f"Received: vocabulary={vocabulary!r}"
        )
    if len(vocabulary) != vocabulary_size:
        raise ValueError(
            f"`vocabulary` must have one character per one-hot entry of the text "
            f"model ({vocabulary_size}). Received: vocabulary={vocabulary!r}"
        )
    return vocabulary


def _decoder_shapes(decoder):
    """`(latent_dim, num_classes, image_shape)` of a conditional decoder."""
    if isinstance(decoder, keras.Model) and len(decoder.inputs or ()) == 2:
        num_classes = getattr(decoder, "num_classes", None)
        for layer in decoder.layers:
            if isinstance(layer, OneHot):
                num_classes = layer.num_classes
        latent_shape = tuple(decoder.inputs[0].shape)
        image_shape = tuple(decoder.outputs[0].shape[1:])
        if num_classes is not None and len(latent_shape) == 2:
            return latent_shape[1], num_classes, image_shape
    raise ValueError(
        "`character_decoder` must be a conditional decoder from [latents, labels] "
        "to images, such as `vae(num_classes=13).decoder`. "
        f"Received: character_decoder={_describe(decoder)}"
    )


def _describe(model):
    if isinstance(model, keras.Model):
        inputs = getattr(model, "inputs", None) or []
        return f"<{type(model).__name__} {model.name!r} with {len(inputs)} inputs>"
    return f"<{type(model).__name__}>"


def _check_query_shape(queries, query_length, vocabulary_size):
    shape = tuple(queries.shape)
    if len(shape) != 3 or shape[1:] != (query_length, vocabulary_size):
        raise ValueError(
            "`queries` must be one-hot [batch, query_length, vocabulary_size] = "
            f"[batch, {query_length}, {vocabulary_size}]. "
            f"Received: queries.shape={shape}"
        )


def _check_stochastic(stochastic):
    return check_bool(stochastic, "stochastic")


def _check_temperature(temperature):
    return check_positive_number(temperature, "temperature")


def _without(variables: Sequence, excluded: Sequence) -> list:
    excluded_ids = {id(variable) for variable in excluded}
    return [variable for variable in variables if id(variable) not in excluded_ids]
