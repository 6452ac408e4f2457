"""Arithmetic on handwritten digits with Keras 3, on TensorFlow, PyTorch and JAX."""

from mnist_arith._keras import import_keras

import_keras()

from mnist_arith.data.digits import Digits  # noqa: E402
from mnist_arith.data.digits import load_digits  # noqa: E402
from mnist_arith.data.glyphs import draw_operator_glyphs  # noqa: E402
from mnist_arith.data.queries import PRESETS  # noqa: E402
from mnist_arith.data.queries import Queries  # noqa: E402
from mnist_arith.data.queries import make_queries  # noqa: E402
from mnist_arith.data.render import render_query_images  # noqa: E402
from mnist_arith.data.splits import split_queries  # noqa: E402
from mnist_arith.data.streaming import QueryDataset  # noqa: E402
from mnist_arith.data.vocabulary import COURSE_VOCABULARY  # noqa: E402
from mnist_arith.data.vocabulary import MULTIPLICATION_VOCABULARY  # noqa: E402
from mnist_arith.data.vocabulary import CharacterTable  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "COURSE_VOCABULARY",
    "MULTIPLICATION_VOCABULARY",
    "PRESETS",
    "CharacterTable",
    "Digits",
    "Queries",
    "QueryDataset",
    "draw_operator_glyphs",
    "load_digits",
    "make_queries",
    "render_query_images",
    "split_queries",
]
