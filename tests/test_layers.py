"""Every custom layer goes through the same checks (`run_layer_test`)."""

import keras
import numpy as np
import pytest
from model_checks import run_layer_test

import mnist_arith
from mnist_arith.models.convolution import TransposedConvolution
from mnist_arith.models.generative import OneHot
from mnist_arith.models.layers import AnswerSlots
from mnist_arith.models.layers import EmptyAnswer
from mnist_arith.models.layers import PositionEmbedding
from mnist_arith.models.layers import QueryOrder
from mnist_arith.models.layers import WriteCharacter

TABLE = mnist_arith.CharacterTable()
QUERIES = TABLE.encode(["12+7 ", "3-45 ", "99+99", "0-0  "]).astype("float32")
ANSWERS = TABLE.encode(["19 ", "-42", "198", "0  "]).astype("float32")
FEATURES = np.random.default_rng(0).normal(size=(4, 5, 8)).astype("float32")


@pytest.mark.parametrize(
    ("layer_class", "init_kwargs", "input_data", "expected", "options"),
    [
        (QueryOrder, {"reverse": True}, QUERIES, (4, 5, 13), {}),
        (
            mnist_arith.DigitPlaces,
            {},
            QUERIES,
            [(4, 5), (4, 5)],
            {"trains": False},
        ),
        (
            mnist_arith.DigitPairs,
            {"reversed_input": True},
            QUERIES,
            [(4, 9, 100), (4, 9)],
            {"trains": False},
        ),
        (mnist_arith.LeftAlign, {"space_id": 12}, ANSWERS, (4, 3, 13), {}),
        (PositionEmbedding, {}, FEATURES, (4, 5, 8), {}),
        (AnswerSlots, {"length": 3, "dim": 8}, FEATURES, (4, 3, 8), {}),
        (
            mnist_arith.LeastSignificantFirst,
            {"padding": "right"},
            ANSWERS,
            (4, 3, 13),
            {},
        ),
        (
            EmptyAnswer,
            {"length": 3, "vocabulary_size": 13},
            FEATURES,
            (4, 3, 13),
            {"trains": False},
        ),
        (WriteCharacter, {"slot": 1}, [ANSWERS, ANSWERS], (4, 3, 13), {}),
        (
            OneHot,
            {"num_classes": 10},
            np.array([0, 3, 9, 1], "int32"),
            (4, 10),
            {"trains": False},
        ),
        (
            mnist_arith.Sampling,
            {"seed": 0},
            [FEATURES, FEATURES],
            (4, 5, 8),
            {"deterministic": False},
        ),
        (
            TransposedConvolution,
            {"filters": 3, "kernel_size": 4, "strides": 2, "padding": "same"},
            FEATURES[..., None, :],
            (4, 10, 2, 3),
            {},
        ),
        (
            mnist_arith.DifferentiableAugmentation,
            {},
            np.random.default_rng(1).random((4, 28, 28, 1)).astype("float32"),
            (4, 28, 28, 1),
            {},
        ),
    ],
)
def test_custom_layers(
    layer_class, init_kwargs, input_data, expected, options, tmp_path
):
    run_layer_test(
        layer_class, init_kwargs, input_data, expected, tmp_path=tmp_path, **options
    )


def test_every_public_layer_is_checked():
    checked = {"QueryOrder", "DigitPlaces", "DigitPairs", "LeftAlign"}
    checked |= {"PositionEmbedding"}
    checked |= {"AnswerSlots", "OneHot", "Sampling", "DifferentiableAugmentation"}
    checked |= {"LeastSignificantFirst", "EmptyAnswer", "WriteCharacter"}
    checked |= {"TransposedConvolution"}

    public_layers = {
        name
        for name in mnist_arith.__all__
        if isinstance(getattr(mnist_arith, name), type)
        and issubclass(getattr(mnist_arith, name), keras.layers.Layer)
        and not issubclass(getattr(mnist_arith, name), keras.Model)
    }
    assert public_layers <= checked
