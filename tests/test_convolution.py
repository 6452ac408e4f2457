"""`TransposedConvolution` computes what `Conv2DTranspose` does, gradients too."""

import keras
import numpy as np
import pytest

import mnist_arith
from mnist_arith.models import _backend
from mnist_arith.models.convolution import TransposedConvolution
from mnist_arith.models.convolution import transposed_convolution
from mnist_arith.models.convolution import transposed_convolution_gradients

# (kernel size, input channels, filters, input side): the package's own
# shapes, odd and even kernels, and sides down to 1.
SHAPES = [
    (4, 6, 5, 7),
    (3, 4, 3, 7),
    (3, 2, 2, 5),
    (4, 3, 1, 1),
    (1, 2, 3, 3),
    (2, 2, 3, 4),
]


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def random(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize("kernel_size, channels, filters, side", SHAPES)
def test_gradients_are_the_adjoints_of_the_convolution(
    kernel_size, channels, filters, side
):
    # The transposed convolution T(x, w) is linear in x and in w, so for any
    # output gradient g: <g, T(x, w)> = <dx, x> = <dw, w>. With x, w and g
    # drawn at random (dx does not depend on x, dw not on w), both equalities
    # hold only for the true gradients.
    inputs = random((2, side, side, channels), 0)
    kernel = random((kernel_size, kernel_size, filters, channels), 1)
    output_gradient = random((2, 2 * side, 2 * side, filters), 2)
    outputs = numpy(transposed_convolution(inputs, kernel))
    assert outputs.shape == output_gradient.shape
    input_gradient, kernel_gradient = (
        numpy(gradient)
        for gradient in transposed_convolution_gradients(
            output_gradient, inputs, kernel
        )
    )
    assert input_gradient.shape == inputs.shape
    assert kernel_gradient.shape == kernel.shape
    expected = np.sum(output_gradient.astype("float64") * outputs)
    tolerance = 1e-5 * np.sum(np.abs(output_gradient * outputs))
    through_inputs = np.sum(input_gradient.astype("float64") * inputs)
    through_kernel = np.sum(kernel_gradient.astype("float64") * kernel)
    assert abs(through_inputs - expected) < tolerance
    assert abs(through_kernel - expected) < tolerance


@pytest.mark.parametrize(
    "options",
    [
        {"strides": 2, "padding": "same", "activation": "relu"},
        {"strides": 1, "padding": "valid", "use_bias": False},  # Keras's path
    ],
)
def test_outputs_and_weights_are_those_of_conv2d_transpose(options):
    inputs = random((3, 7, 7, 4), 3)
    reference = keras.layers.Conv2DTranspose(5, 4, **options)
    layer = TransposedConvolution(5, 4, **options)
    reference.build(inputs.shape)
    layer.build(inputs.shape)
    assert [w.shape for w in layer.weights] == [w.shape for w in reference.weights]
    assert [w.path.split("/")[-1] for w in layer.weights] == [
        w.path.split("/")[-1] for w in reference.weights
    ]
    weights = [random(w.shape, 4 + i) for i, w in enumerate(reference.weights)]
    reference.set_weights(weights)
    layer.set_weights(weights)
    np.testing.assert_allclose(
        numpy(layer(inputs)), numpy(reference(inputs)), rtol=1e-5, atol=1e-5
    )


def test_the_fast_gradient_is_jax_on_a_cpu_only():
    expected = False
    if keras.backend.backend() == "jax":
        import jax

        expected = jax.default_backend() == "cpu"
    assert _backend.jax_on_cpu() is expected
    layer = TransposedConvolution(2, 3, strides=2, padding="same")
    assert layer._has_fast_gradient() is expected
    for options in (
        {"strides": 1, "padding": "same"},
        {"strides": 2, "padding": "valid"},
        {"strides": 2, "padding": "same", "output_padding": 1},
    ):
        other = TransposedConvolution(2, 3, **options)
        assert other._has_fast_gradient() is False


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's gradient")
def test_jax_gradients_equal_those_of_conv2d_transpose():
    import jax
    import jax.numpy as jnp

    inputs = random((4, 7, 7, 6), 5)
    output_gradient = random((4, 14, 14, 5), 6)
    layer = TransposedConvolution(5, 4, strides=2, padding="same", activation="tanh")
    reference = keras.layers.Conv2DTranspose(
        5, 4, strides=2, padding="same", activation="tanh"
    )
    for each in (reference, layer):
        each.build(inputs.shape)
    weights = [jnp.asarray(random(w.shape, 7 + i)) for i, w in enumerate(layer.weights)]

    def gradients(each):
        def loss(inputs, kernel, bias):
            outputs, _ = each.stateless_call([kernel, bias], [], inputs)
            return jnp.sum(outputs * output_gradient)

        return jax.jit(jax.grad(loss, argnums=(0, 1, 2)))(inputs, *weights)

    for ours, keras_own in zip(gradients(layer), gradients(reference), strict=True):
        np.testing.assert_allclose(ours, keras_own, rtol=1e-4, atol=1e-4)


def test_generators_and_decoders_use_it():
    model = mnist_arith.gan(filters=4, latent_dim=4)
    kinds = {type(layer) for layer in model.generator.layers}
    assert TransposedConvolution in kinds
    assert keras.layers.Conv2DTranspose not in kinds
    decoder = mnist_arith.vae(filters=4, latent_dim=2).decoder
    assert any(isinstance(layer, TransposedConvolution) for layer in decoder.layers)
