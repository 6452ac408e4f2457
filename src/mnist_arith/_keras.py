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
