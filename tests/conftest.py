import os

import keras
import numpy as np
import pytest
from hypothesis import settings

import mnist_arith

BACKEND_MARKERS = ("jax", "tensorflow", "torch")

settings.register_profile("default", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header(config):
    return (
        f"keras {keras.__version__}, backend {keras.backend.backend()}, "
        f"mnist_arith {mnist_arith.__version__}"
    )


def pytest_runtest_setup(item):
    backend = keras.backend.backend()
    for marker in BACKEND_MARKERS:
        if item.get_closest_marker(marker) and marker != backend:
            pytest.skip(f"runs on the {marker} backend only (this run: {backend})")
    if item.get_closest_marker("not_jax") and backend == "jax":
        pytest.skip("run on tensorflow and torch only (compile time on JAX)")


@pytest.fixture(scope="session")
def digits():
    """The embedded digits: tests never download anything."""
    return mnist_arith.load_digits("embedded")


@pytest.fixture(scope="session")
def course_2023():
    return mnist_arith.make_queries("2023")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
