import doctest
import importlib
import os
import pathlib
import pkgutil
import re
import subprocess
import sys
import types

import pytest

import mnist_arith

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def test_public_api_is_flat_and_complete():
    assert re.fullmatch(r"\d+\.\d+\.\d+", mnist_arith.__version__)
    assert len(set(mnist_arith.__all__)) == len(mnist_arith.__all__)
    for name in mnist_arith.__all__:
        assert hasattr(mnist_arith, name), name
    public = {
        name
        for name, value in vars(mnist_arith).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(mnist_arith.__all__)


def test_every_public_name_is_in_the_api_docs():
    documented = set()
    for page in (DOCS / "api").glob("*.md"):
        documented |= set(
            re.findall(r"^::: mnist_arith\.(\w+)", page.read_text(), re.M)
        )
    missing = sorted(set(mnist_arith.__all__) - documented)
    assert not missing, f"add these to a page of docs/api: {missing}"


def run_python(tmp_path, backend, arguments, fake_modules=()):
    """Runs `python ARGUMENTS` with `fake_modules` failing to import."""
    for module in fake_modules:
        (tmp_path / f"{module}.py").write_text(
            "raise ImportError('not installed here')\n"
        )
    environment = dict(os.environ, KERAS_BACKEND=backend)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tmp_path), environment.get("PYTHONPATH", "")]
    )
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


USE_THE_API = "import mnist_arith; mnist_arith.make_queries('2023')"


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_missing_backend_names_what_to_install(tmp_path, backend):
    result = run_python(tmp_path, backend, ["-c", USE_THE_API], [backend])
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "BackendError: mnist_arith needs Keras 3 with a backend" in message
    assert f"the '{backend}' backend could not be imported" in message
    assert "`pip install jax`" in message and "KERAS_BACKEND=jax" in message


def test_missing_backend_is_an_import_error_at_first_use(tmp_path):
    script = (
        "import mnist_arith\n"
        "try:\n"
        "    from mnist_arith import text2text\n"
        "except ImportError as error:\n"
        "    print('ImportError', error)\n"
        "print(hasattr(mnist_arith, '__wrapped__'))\n"
    )
    result = run_python(tmp_path, "torch", ["-c", script], ["torch"])
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith("ImportError mnist_arith needs Keras 3")
    assert second == "False"


def test_unknown_backend(tmp_path):
    result = run_python(tmp_path, "theano", ["-c", USE_THE_API])
    assert result.returncode != 0
    assert "KERAS_BACKEND='theano'" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("backend", ["theano", "torch"])
def test_command_line_without_a_backend(tmp_path, backend):
    fake = ["torch"] if backend == "torch" else []
    help_text = run_python(
        tmp_path, backend, ["-m", "mnist_arith", "train", "gan", "--help"], fake
    )
    assert help_text.returncode == 0, help_text.stderr
    assert help_text.stdout.startswith("usage: mnist-arith train gan")
    result = run_python(
        tmp_path, backend, ["-m", "mnist_arith", "queries", "2023"], fake
    )
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("mnist-arith: error: mnist_arith ")
    assert ("KERAS_BACKEND='theano'" if backend == "theano" else "pip install") in line


# `__main__` runs the command line when imported; its doctests live in `cli`.
MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(mnist_arith.__path__, "mnist_arith.")
    if module.name != "mnist_arith.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0, name


# Result containers, and functions whose example would need a trained reader.
WITHOUT_EXAMPLE = {
    "Digits", "DigitQuality", "ErrorAnalysis", "Queries", "Sampling",
    "read_images", "reader_features", "train_digit_reader",
}  # fmt: skip


def test_every_public_function_and_class_has_a_runnable_example():
    missing = [
        name
        for name in mnist_arith.__all__
        if callable(getattr(mnist_arith, name))
        and name not in WITHOUT_EXAMPLE
        and ">>>" not in (getattr(mnist_arith, name).__doc__ or "")
    ]
    assert not missing, missing
