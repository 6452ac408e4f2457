"""Arithmetic on handwritten digits with Keras 3, on TensorFlow, PyTorch and JAX."""

from mnist_arith._keras import import_keras

import_keras()

from mnist_arith.data.digits import Digits
from mnist_arith.data.digits import load_digits
from mnist_arith.data.glyphs import draw_operator_glyphs
from mnist_arith.data.queries import PRESETS
from mnist_arith.data.queries import Queries
from mnist_arith.data.queries import make_queries
from mnist_arith.data.render import render_query_images
from mnist_arith.data.splits import split_queries
from mnist_arith.data.streaming import QueryDataset
from mnist_arith.data.vocabulary import COURSE_VOCABULARY
from mnist_arith.data.vocabulary import MULTIPLICATION_VOCABULARY
from mnist_arith.data.vocabulary import CharacterTable

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
