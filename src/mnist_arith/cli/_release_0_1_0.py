"""Reading files saved by release 0.1.0, whose models did not know their kind.

Release 0.1.0 saved the text2text, image2text and digit-reader models as
anonymous functional models (and a text2image model around such a text model),
so for those files alone the command line infers what a model is from its
shapes. Every later file is read through its class (see `_common.model_kind`).
"""

import mnist_arith


def model_kind(model) -> str:
    """The kind of a release 0.1.0 functional model, from its input shape."""
    shape = tuple(model.input_shape)
    if model.name.startswith("digit_reader") or shape[1:] == (28, 28, 1):
        return "reader"
    if len(shape) == 3:
        return "text2text"
    if len(shape) == 5:
        return "image2text"
    return type(model).__name__


def course_edition(model) -> str | None:
    """The preset whose query and answer shapes a release 0.1.0 model has."""
    query_width = model.input_shape[1]
    answer_width, vocabulary_size = model.output_shape[1:]
    for preset in mnist_arith.PRESETS:
        queries = mnist_arith.make_queries(preset, num_samples=1, seed=0)
        if (
            queries.query_width,
            queries.answer_width,
            queries.character_table.size,
        ) == (query_width, answer_width, vocabulary_size):
            return preset
    return None


def reader_vocabulary(reader) -> str:
    """A release 0.1.0 reader knows only its number of classes."""
    if reader.output_shape[-1] == len(mnist_arith.MULTIPLICATION_VOCABULARY):
        return mnist_arith.MULTIPLICATION_VOCABULARY
    return mnist_arith.COURSE_VOCABULARY
