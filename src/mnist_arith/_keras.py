"""Imports Keras with a clear message when no usable backend is installed."""

import os

BACKENDS = ("jax", "tensorflow", "torch")
"""The backends mnist_arith supports, each installed with the extra of its name."""


class BackendError(ImportError):
    """Keras or the backend `KERAS_BACKEND` selects cannot be used."""


def import_keras():
    """Imports and returns `keras`, explaining how to install a missing backend.

    Raises:
        BackendError: if `KERAS_BACKEND` names a backend mnist_arith doesn't
            support, or Keras or the selected backend is not installed.
    """
    requested = os.environ.get("KERAS_BACKEND")
    if requested is not None and requested not in BACKENDS:
        raise BackendError(
            f"mnist_arith runs on {', '.join(BACKENDS)}; set KERAS_BACKEND to one "
            f"of them. Received: KERAS_BACKEND={requested!r}"
        )
    backend = requested or "tensorflow"
    try:
        import keras
    except ImportError as error:
        raise BackendError(
            f"mnist_arith needs Keras 3 with a backend, and the {backend!r} backend "
            f"could not be imported ({error}). Install a backend, for example "
            "`pip install jax`, and select it with `export KERAS_BACKEND=jax` "
            "(tensorflow and torch work too; Keras defaults to tensorflow)."
        ) from error
    return keras


def backend_error():
    """The `BackendError` that importing Keras raises here, or None if it works."""
    try:
        import_keras()
    except BackendError as error:
        return error
    return None


SLOW_CONVOLUTIONS_HINT = (
    "on a CPU, TensorFlow trains the image models up to 2.4x faster than JAX: "
    "KERAS_BACKEND=tensorflow."
)
"""What the command line says before it trains a convolutional model on JAX's CPU."""


def convolution_hint(backend: str, device: str | None) -> str | None:
    """The hint for training a convolutional model, or None where none is due.

    On a CPU, XLA's convolutions make JAX up to 2.4x slower than TensorFlow for
    most image models, even with `TransposedConvolution`'s faster gradient
    (BENCHMARKS.md, "Training throughput"); on a GPU it is as fast as they
    are.

    Args:
        backend: the Keras backend, such as `keras.backend.backend()`.
        device: the platform JAX computes on (`jax.default_backend()`:
            `"cpu"`, `"gpu"`, `"tpu"`), or None where JAX is not used.

    Returns:
        `SLOW_CONVOLUTIONS_HINT` for JAX on a CPU, else None.

    Examples:
        >>> convolution_hint("jax", "cpu") == SLOW_CONVOLUTIONS_HINT
        True
        >>> convolution_hint("jax", "gpu"), convolution_hint("torch", None)
        (None, None)
    """
    if backend == "jax" and device == "cpu":
        return SLOW_CONVOLUTIONS_HINT
    return None


def current_convolution_hint() -> str | None:
    """`convolution_hint` for the backend and device of this process."""
    import keras

    backend = keras.backend.backend()
    device = None
    if backend == "jax":
        import jax

        device = jax.default_backend()
    return convolution_hint(backend, device)
