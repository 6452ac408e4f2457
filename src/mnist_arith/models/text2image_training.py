"""Training a `Text2Image` end to end: the character VAE, then the text model."""

import math

import keras

from mnist_arith._validation import check_positive_int
from mnist_arith._validation import check_seed
from mnist_arith.data.characters import character_dataset
from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.queries import Queries
from mnist_arith.models.schedules import warmup_cosine
from mnist_arith.models.seq2seq import text2text
from mnist_arith.models.text2image import Text2Image
from mnist_arith.models.text2image import check_text_model_sizes
from mnist_arith.models.text2image import text2image
from mnist_arith.models.vae import vae

RECIPE_PEAK_LEARNING_RATE = 5e-3
RECIPE_WEIGHT_DECAY = 0.1
"""The text model's training recipe (`mnist-arith train text2text`'s too)."""


def train_text2image(
    queries: Queries,
    digits: Digits | None = None,
    *,
    text_model: keras.Model | None = None,
    text_epochs: int = 60,
    decoder_epochs: int = 15,
    batch_size: int = 100,
    seed: int = 0,
    verbose: int = 0,
) -> Text2Image:
    """Trains both parts of a `Text2Image` and assembles it.

    The character decoder is the decoder of `vae(num_classes=...)`, one class
    per vocabulary character, trained with batches of 64 on
    `character_dataset(digits)`: the training pool's digits, operator glyphs
    and blanks. The text model (default `text2text()` of the queries' sizes)
    is trained through the assembled model's `fit` on the queries one-hot
    encoded with `queries.character_table`, with the recipe of `mnist-arith
    train text2text`: AdamW with weight decay 0.1, its learning rate warmed
    up to 0.005 over the first tenth of the steps, then decayed to 0 along a
    cosine at the last (60 epochs at batch 100 by default). Pass only
    training queries: the model learns exactly what it is given.

    Args:
        queries: the training queries and their answers.
        digits: the digit pools; default `load_digits()`.
        text_model: the text model to train, of the queries' sizes; default
            a new `text2text()` for `queries.padding`.
        text_epochs: epochs of the text model (the learning-rate schedule
            spans them).
        decoder_epochs: epochs of the character VAE.
        batch_size: queries per step of the text model.
        seed: the seed of the weights, shuffling, glyphs and latent samples.
        verbose: Keras' verbosity during `fit`; above 0, a line before each
            part names it.

    Returns:
        The trained `Text2Image` (deterministic by default); its `history`
        holds the text model's training history.

    Raises:
        ValueError: for non-positive epochs or batch size, a negative seed,
            or a text model of other sizes than the queries.

    Examples:
        A smoke run on 32 queries and 100 digits (train for real with the
        defaults, on all the training queries and digits):

        >>> from mnist_arith import Digits
        >>> from mnist_arith import load_digits
        >>> from mnist_arith import make_queries
        >>> from mnist_arith.models.seq2seq import text2text
        >>> embedded = load_digits("embedded")
        >>> digits = Digits.from_arrays(
        ...     embedded.train_images[::40], embedded.train_labels[::40]
        ... )
        >>> queries = make_queries("2023")[:32]
        >>> model = train_text2image(
        ...     queries,
        ...     digits,
        ...     text_model=text2text(units=8, encoder_layers=1, decoder_layers=1),
        ...     text_epochs=1,
        ...     decoder_epochs=1,
        ... )
        >>> model.generate(queries[:2]).shape
        (2, 3, 28, 28, 1)
    """
    check_positive_int(text_epochs, "text_epochs")
    check_positive_int(decoder_epochs, "decoder_epochs")
    check_positive_int(batch_size, "batch_size")
    seed = check_seed(seed)
    if not isinstance(queries, Queries):
        raise ValueError(
            "`queries` must be a `Queries` (see `make_queries`). "
            f"Received: queries of type {type(queries).__name__}"
        )
    table = queries.character_table
    if text_model is not None:
        check_text_model_sizes(
            text_model, queries.query_width, queries.answer_width, table.size
        )
    digits = load_digits() if digits is None else digits
    keras.utils.set_random_seed(seed)
    images, labels = character_dataset(digits, table.characters, seed=seed)
    character_vae = vae(num_classes=table.size, latent_dim=8, seed=seed)
    if verbose:
        print(
            f"1/2: the character decoder (a conditional VAE), {decoder_epochs} epochs"
        )
    character_vae.fit(
        [images, labels],
        batch_size=64,
        epochs=decoder_epochs,
        shuffle=True,
        verbose=verbose,
    )
    if text_model is None:
        text_model = text2text(
            queries.query_width,
            queries.answer_width,
            table.characters,
            padding=queries.padding,
        )
    model = text2image(
        queries.query_width,
        queries.answer_width,
        table.characters,
        text_model=text_model,
        character_decoder=character_vae.decoder,
        seed=seed,
    )
    total_steps = math.ceil(len(queries) / batch_size) * text_epochs
    model.compile(
        optimizer=keras.optimizers.AdamW(
            warmup_cosine(RECIPE_PEAK_LEARNING_RATE, total_steps),
            weight_decay=RECIPE_WEIGHT_DECAY,
        )
    )
    if verbose:
        print(f"2/2: the text model, {text_epochs} epochs")
    model.fit(
        table.encode(queries.queries),
        table.encode(queries.answers),
        batch_size=batch_size,
        epochs=text_epochs,
        shuffle=True,
        verbose=verbose,
    )
    return model
