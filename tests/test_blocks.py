import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from model_checks import assert_config_round_trip

from mnist_arith.models import blocks
from mnist_arith.models.blocks import conv_net
from mnist_arith.models.blocks import deconv_net
from mnist_arith.models.blocks import max_num_layers
from mnist_arith.models.generative import OneHot
from mnist_arith.models.generative import check_label_counts
from mnist_arith.models.presets import GAN_PRESETS
from mnist_arith.models.presets import VAE_PRESETS
from mnist_arith.models.presets import resolve_settings
from mnist_arith.models.presets import stack_arguments


def conv_sizes(model):
    return [
        tuple(layer.output.shape[1:])
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]


def transposed_sizes(model):
    return [
        tuple(layer.output.shape[1:])
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2DTranspose)
    ]


def test_max_num_layers():
    assert [max_num_layers(size) for size in (1, 2, 3, 4, 5, 28, 64, 65)] == [
        0,
        1,
        2,
        2,
        3,
        5,
        6,
        7,
    ]


@pytest.mark.parametrize("num_layers", [1, 2, 3, 4, 5])
def test_digit_sizes_work_with_every_valid_depth(num_layers):
    encoder = conv_net((28, 28, 1), 7, num_layers=num_layers, filters=4)
    assert encoder.output_shape == (None, 7)
    sides = [28]
    for _ in range(num_layers):
        sides.append(-(-sides[-1] // 2))
    assert [size[:2] for size in conv_sizes(encoder)] == [
        (side, side) for side in sides[1:]
    ]
    decoder = deconv_net(5, (28, 28, 1), num_layers=num_layers, filters=4)
    assert decoder.output_shape == (None, 28, 28, 1)
    if num_layers == 3:  # grows 4 -> 32 and crops: check the arrays too
        outputs = decoder(np.zeros((2, 5), "float32"))
        assert tuple(outputs.shape) == (2, 28, 28, 1)


def test_course_faces_layout():
    # The course's 64x64x3 nets (128 filters; the model presets check those).
    encoder = conv_net(
        (64, 64, 3), 1, num_layers=4, filters=4, filter_growth=1, name="critic"
    )
    assert encoder.name == "critic"
    assert conv_sizes(encoder) == [(32, 32, 4), (16, 16, 4), (8, 8, 4), (4, 4, 4)]
    decoder = deconv_net(
        3,
        (64, 64, 3),
        num_layers=4,
        filters=4,
        filter_growth=1,
        output_activation="tanh",
    )
    assert decoder.get_layer("reshape").output.shape[1:] == (4, 4, 4)
    assert decoder.output_shape == (None, 64, 64, 3)
    assert decoder.get_layer("output").get_config()["activation"] == "tanh"
    assert "crop" not in [layer.name for layer in decoder.layers]


def test_filter_growth_doubles_down_and_halves_up():
    encoder = conv_net((28, 28, 1), 3, num_layers=3, filters=8, filter_growth=2)
    assert [size[-1] for size in conv_sizes(encoder)] == [8, 16, 32]
    decoder = deconv_net(3, (28, 28, 1), num_layers=3, filters=8, filter_growth=2)
    transposed = [
        layer.filters
        for layer in decoder.layers
        if isinstance(layer, keras.layers.Conv2DTranspose)
    ]
    assert transposed == [32, 16, 8]
    # 28 -> 4 -> 32 pixels, cropped by 2 on every side.
    assert decoder.get_layer("crop").get_config()["cropping"] == ((2, 2), (2, 2))


@settings(max_examples=5, deadline=None)
@given(
    height=st.integers(1, 70),
    width=st.integers(1, 70),
    channels=st.integers(1, 4),
    data=st.data(),
)
def test_deconv_net_reaches_any_size(height, width, channels, data):
    limit = min(max_num_layers(height), max_num_layers(width))
    if limit == 0:
        with pytest.raises(ValueError, match="Received: num_layers=1"):
            deconv_net(2, (height, width, channels), num_layers=1)
        return
    num_layers = data.draw(st.integers(1, limit))
    decoder = deconv_net(2, (height, width, channels), num_layers=num_layers, filters=2)
    assert decoder.output_shape == (None, height, width, channels)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: conv_net((28, 28, 1), 10, num_layers=6), "Received: num_layers=6"),
        (lambda: deconv_net(8, (28, 28, 1), num_layers=6), "at most 5"),
        (lambda: deconv_net(8, (64, 64, 3), num_layers=7), "Received: num_layers=7"),
        (lambda: conv_net((28, 28), 10), r"Received: input_shape=\(28, 28\)"),
        (lambda: deconv_net(8, (28, 0, 1)), r"Received: output_shape=\(28, 0, 1\)"),
        (lambda: conv_net((28, 28, 1), 0), "Received: output_size=0"),
        (lambda: deconv_net(0, (28, 28, 1)), "Received: latent_dim=0"),
        (lambda: conv_net((28, 28, 1), 2, filters=0), "Received: filters=0"),
        (lambda: conv_net((28, 28, 1), 2, num_layers=0), "Received: num_layers=0"),
        (lambda: conv_net((28, 28, 1), 2, filter_growth=1.5), "filter_growth=1.5"),
        (lambda: conv_net((28, 28, 1), 2, kernel_size=0), "Received: kernel_size=0"),
        (lambda: deconv_net(2, (28, 28, 1), hidden_units=0), "hidden_units=0"),
        (
            lambda: deconv_net(2, (28, 28, 1), output_layer="dense"),
            "Received: output_layer='dense'",
        ),
        (lambda: OneHot(0), "Received: num_classes=0"),
        # Arguments that cannot apply are refused, never ignored.
        (
            lambda: conv_net((28, 28, 1), 2, num_layers=1, filter_growth=3),
            "Received: filter_growth=3",
        ),
        (
            lambda: deconv_net(2, (28, 28, 1), num_layers=1, filter_growth=1),
            "Received: filter_growth=1",
        ),
        (
            lambda: conv_net((28, 28, 1), 2, num_layers=1, batch_norm=True),
            "Received: batch_norm=True",
        ),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_one_hot():
    vectors = keras.ops.convert_to_numpy(OneHot(4)(np.array([0, 3, 1])))
    np.testing.assert_array_equal(vectors, np.eye(4)[[0, 3, 1]])
    planes = keras.ops.convert_to_numpy(
        OneHot(3, spatial_shape=(2, 5))(np.array([[2], [0]]))
    )
    assert planes.shape == (2, 2, 5, 3)
    np.testing.assert_array_equal(planes[0, 1, 4], [0, 0, 1])
    np.testing.assert_array_equal(planes[1].sum(axis=(0, 1)), [10, 0, 0])
    layer = assert_config_round_trip(OneHot(3, spatial_shape=(2, 5), name="labels"))
    assert layer.spatial_shape == (2, 5) and layer.name == "labels"


def test_networks_round_trip_their_config():
    for network in (
        conv_net((28, 28, 1), 4, num_layers=3, filters=4),
        deconv_net(4, (28, 28, 1), num_layers=3, filters=4),
    ):
        clone = keras.Model.from_config(network.get_config())
        assert clone.output_shape == network.output_shape
        assert conv_sizes(clone) == conv_sizes(network)


def test_batch_norm_comes_before_the_activation():
    network = conv_net((28, 28, 1), 4, num_layers=3, filters=4, batch_norm=True)
    names = [layer.name for layer in network.layers]
    assert names[1:9] == [
        "conv_0", "conv_1", "conv_1_norm", "conv_1_activation",
        "conv_2", "conv_2_norm", "conv_2_activation", "flatten",
    ]  # fmt: skip
    first, second = network.get_layer("conv_0"), network.get_layer("conv_1")
    assert first.use_bias and first.activation.__name__ == "relu"
    assert not second.use_bias and second.activation.__name__ == "linear"
    generator = deconv_net(4, (28, 28, 1), num_layers=2, filters=4, batch_norm=True)
    normalised = [
        layer.name
        for layer in generator.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert normalised == ["dense_norm", "deconv_0_norm", "deconv_1_norm"]
    assert generator.get_layer("output").use_bias
    plain = deconv_net(4, (28, 28, 1), num_layers=2, filters=4)
    assert [layer.name for layer in plain.layers] == [
        "latent", "dense", "reshape", "deconv_0", "deconv_1", "output"
    ]  # fmt: skip
    assert plain.get_layer("dense").activation.__name__ == "relu"


def test_kernel_size_and_hidden_layer():
    network = conv_net(
        (28, 28, 1), 3, filters=4, kernel_size=4, hidden_units=16, batch_norm=True
    )
    assert network.get_layer("conv_1").kernel_size == (4, 4)
    assert network.get_layer("hidden").units == 16
    assert not network.get_layer("hidden").use_bias
    names = [layer.name for layer in network.layers]
    assert names[-5:] == [
        "flatten", "hidden", "hidden_norm", "hidden_activation", "output"
    ]  # fmt: skip
    generator = deconv_net(5, (28, 28, 1), filters=4, kernel_size=4, hidden_units=16)
    assert generator.get_layer("hidden").input.shape == (None, 5)
    assert generator.get_layer("dense").input.shape == (None, 16)
    assert generator.get_layer("hidden").activation.__name__ == "relu"
    assert generator.get_layer("deconv_0").kernel_size == (4, 4)
    assert generator.output_shape == (None, 28, 28, 1)


def test_transposed_output_layer_draws_the_image():
    generator = deconv_net(
        4, (28, 28, 1), filters=4, kernel_size=4, output_layer="transposed"
    )
    names = [layer.name for layer in generator.layers]
    assert names == ["latent", "dense", "reshape", "deconv_0", "output"]
    assert transposed_sizes(generator) == [(14, 14, 4), (28, 28, 1)]
    assert generator.get_layer("reshape").output.shape[1:] == (7, 7, 8)
    output = generator.get_layer("output")
    assert isinstance(output, keras.layers.Conv2DTranspose)
    assert output.kernel_size == (4, 4) and output.activation.__name__ == "sigmoid"
    outputs = keras.ops.convert_to_numpy(generator(np.ones((2, 4), "float32")))
    assert outputs.shape == (2, 28, 28, 1) and 0 <= outputs.min() <= outputs.max() <= 1
    # 28 pixels up-sampled 3 times grow from 4 to 32: the image is cropped.
    cropped = deconv_net(4, (28, 28, 1), num_layers=3, output_layer="transposed")
    assert [layer.name for layer in cropped.layers][-2:] == ["output", "crop"]
    assert cropped.output_shape == (None, 28, 28, 1)
    # With one layer the dense map goes straight to the image.
    single = deconv_net(4, (28, 28, 3), num_layers=1, output_layer="transposed")
    assert transposed_sizes(single) == [(28, 28, 3)]
    assert single.get_layer("reshape").output.shape[1:] == (14, 14, 32)
    clone = keras.Model.from_config(generator.get_config())
    assert transposed_sizes(clone) == transposed_sizes(generator)


def test_one_layer_takes_what_applies():
    network = conv_net((28, 28, 1), 2, num_layers=1, batch_norm=True, hidden_units=8)
    assert network.get_layer("hidden_norm") is not None
    assert conv_net((28, 28, 1), 2, num_layers=1, filter_growth=2).output_shape == (
        None,
        2,
    )
    assert blocks.OneHot is OneHot  # Still importable from where it was.


def test_resolve_settings():
    settings = resolve_settings(GAN_PRESETS, "faces", latent_dim=8, filters=None)
    assert settings == {**GAN_PRESETS["faces"], "latent_dim": 8}
    assert settings is not GAN_PRESETS["faces"]
    assert GAN_PRESETS["faces"]["latent_dim"] == 256
    assert stack_arguments(settings) == {
        "num_layers": 4,
        "filters": 128,
        "filter_growth": 1,
    }
    single = resolve_settings(VAE_PRESETS, "faces", num_layers=1)
    assert stack_arguments(single) == {"num_layers": 1, "filters": 64}
    resolved = resolve_settings(VAE_PRESETS, "digits", input_shape=[np.int64(8)] * 3)
    assert resolved["input_shape"] == (8, 8, 8)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"preset": "cats"}, "Received: preset='cats'"),
        ({"input_shape": (28, 28)}, r"Received: input_shape=\(28, 28\)"),
        ({"latent_dim": 0}, "Received: latent_dim=0"),
        ({"num_layers": 6}, "Received: num_layers=6"),
        ({"filters": -1}, "Received: filters=-1"),
        ({"learning_rate": 0.0}, "Received: learning_rate=0.0"),
    ],
)
def test_resolve_settings_errors(overrides, message):
    preset = overrides.pop("preset", "digits")
    with pytest.raises(ValueError, match=message):
        resolve_settings(VAE_PRESETS, preset, **overrides)


def test_check_label_counts():
    assert check_label_counts(None) == (None, None)
    assert check_label_counts(np.int64(10), None) == (10, None)
    assert check_label_counts(None, 3) == (None, 3)
    for arguments, message in [
        ((1, None), "Received: num_classes=1"),
        ((None, True), "Received: num_codes=True"),
        ((10, 10), "num_classes=10, num_codes=10"),
    ]:
        with pytest.raises(ValueError, match=message):
            check_label_counts(*arguments)
