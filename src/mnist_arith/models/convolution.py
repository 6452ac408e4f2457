"""`TransposedConvolution`: Keras's `Conv2DTranspose`, fast to train on JAX on a CPU.

On a CPU, XLA turns the kernel gradient of a stride-2 transposed convolution
into a convolution with an image-sized window that it does not hand to its
fast convolution library: it takes 30-80 times the forward pass, and makes
JAX train the decoders and generators several times slower than PyTorch or
TensorFlow (BENCHMARKS.md, "Where JAX loses the time on a CPU").

The same gradient is one matrix product: the layer is the adjoint of a
stride-2 convolution, so its kernel gradient is that convolution's kernel
gradient with the roles of input and output swapped. `TransposedConvolution`
gives JAX that gradient (on a CPU, for the stride-2 `"same"` channels-last
layers the package builds) and is Keras's layer everywhere else: the same
variables, outputs and saved weights.
"""

import functools

import keras
from keras import ops

from mnist_arith.models import _backend


def transposed_convolution(inputs, kernel):
    """Keras's stride-2 `"same"` transposed convolution, channels last.

    Args:
        inputs: `[n, height, width, channels]`.
        kernel: `[kernel_height, kernel_width, filters, channels]`, as
            `Conv2DTranspose` holds it.

    Returns:
        `[n, 2 * height, 2 * width, filters]`.
    """
    return ops.conv_transpose(
        inputs, kernel, strides=2, padding="same", data_format="channels_last"
    )


def transposed_convolution_gradients(output_gradient, inputs, kernel):
    """The gradients of `transposed_convolution` for its inputs and kernel.

    The transposed convolution is the adjoint of the stride-2 `"same"`
    convolution with the same kernel, from `[n, 2h, 2w, filters]` to
    `[n, h, w, channels]`. So its input gradient is that convolution of the
    output gradient, and its kernel gradient sums, over every input pixel,
    the pixel times the window of the (padded) output gradient it was spread
    over: the `kernel_height * kernel_width` strided slices of the output
    gradient, stacked, times the inputs, in one matrix product.

    Args:
        output_gradient: `[n, 2 * height, 2 * width, filters]`.
        inputs: `[n, height, width, channels]`.
        kernel: `[kernel_height, kernel_width, filters, channels]`.

    Returns:
        The gradients for `inputs` and for `kernel`, in their shapes.

    Example:
        >>> import numpy as np
        >>> inputs = np.ones((1, 2, 2, 3), "float32")
        >>> kernel = np.ones((4, 4, 5, 3), "float32")
        >>> output_gradient = np.ones((1, 4, 4, 5), "float32")
        >>> input_gradient, kernel_gradient = transposed_convolution_gradients(
        ...     output_gradient, inputs, kernel)
        >>> tuple(input_gradient.shape), tuple(kernel_gradient.shape)
        ((1, 2, 2, 3), (4, 4, 5, 3))
    """
    kernel_height, kernel_width, filters, channels = ops.shape(kernel)
    height, width = ops.shape(inputs)[1:3]
    input_gradient = ops.conv(
        output_gradient, kernel, strides=2, padding="same", data_format="channels_last"
    )
    padded = ops.pad(
        output_gradient,
        ((0, 0), _same_padding(kernel_height), _same_padding(kernel_width), (0, 0)),
    )
    rows, columns = 2 * height - 1, 2 * width - 1
    windows = ops.stack(
        [
            padded[:, row : row + rows : 2, column : column + columns : 2]
            for row in range(kernel_height)
            for column in range(kernel_width)
        ],
        axis=3,
    )
    windows = ops.reshape(windows, (-1, kernel_height * kernel_width * filters))
    kernel_gradient = ops.matmul(
        ops.transpose(windows), ops.reshape(inputs, (-1, channels))
    )
    kernel_gradient = ops.reshape(
        kernel_gradient, (kernel_height, kernel_width, filters, channels)
    )
    return input_gradient, kernel_gradient


def _same_padding(kernel_size):
    """`(low, high)` `"same"` padding of a stride-2 convolution of an even side."""
    total = max(kernel_size - 2, 0)
    return total // 2, total - total // 2


@functools.cache
def _with_fast_gradient():
    return _backend.jax_custom_gradient(
        transposed_convolution, transposed_convolution_gradients
    )


@keras.saving.register_keras_serializable(package="mnist_arith")
class TransposedConvolution(keras.layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose` with a kernel gradient JAX runs fast on a CPU.

    It takes `Conv2DTranspose`'s arguments and holds the same variables. With
    JAX on a CPU, a layer with stride 2, `"same"` padding, no output padding
    or dilation and channels last gets its gradients from
    `transposed_convolution_gradients` (the same values, up to float
    rounding); any other layer, backend or device runs Keras's own.

    Example:
        >>> import numpy as np
        >>> layer = TransposedConvolution(8, 4, strides=2, padding="same")
        >>> tuple(layer(np.zeros((2, 7, 7, 16), "float32")).shape)
        (2, 14, 14, 8)
    """

    def call(self, inputs):
        """The transposed convolution, with the fast gradient where it applies."""
        if not self._has_fast_gradient():
            return super().call(inputs)
        kernel = ops.convert_to_tensor(self.kernel)
        outputs = _with_fast_gradient()(ops.convert_to_tensor(inputs), kernel)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _has_fast_gradient(self):
        return (
            tuple(self.strides) == (2, 2)
            and self.padding == "same"
            and self.output_padding is None
            and tuple(self.dilation_rate) == (1, 1)
            and self.data_format == "channels_last"
            and _backend.jax_on_cpu()
        )
