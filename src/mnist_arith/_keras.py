"""Imports Keras with a clear message when no usable backend is installed."""

import os

BACKENDS = ("jax", "tensorflow", "torch")
"""The backends mnist_arith supports, each installed with the extra of its name."""


def import_keras():
    """Imports and returns `keras`, explaining how to install a missing backend.

    Raises:
        ValueError: if `KERAS_BACKEND` names a backend mnist_arith doesn't support.
        ImportError: if Keras or the selected backend is not installed.
    """
    requested = os.environ.get("KERAS_BACKEND")
    if requested is not None and requested not in BACKENDS:
        raise ValueError(
            f"mnist_arith runs on {', '.join(BACKENDS)}; set KERAS_BACKEND to one "
            f"of them. Received: KERAS_BACKEND={requested!r}"
        )
    backend = requested or "tensorflow"
    try:
        import keras
    except ImportError as error:
        raise ImportError(
            f"mnist_arith needs Keras 3 with a backend, and the {backend!r} backend "
            f"could not be imported ({error}). Install one with "
            '`pip install "mnist-arith[jax]"` (or [tensorflow], [torch]) and set '
            "KERAS_BACKEND to its name (Keras defaults to tensorflow)."
        ) from error
    return keras
