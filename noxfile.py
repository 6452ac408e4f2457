"""Developer sessions: `nox` runs lint, typecheck, the tests on every backend, docs
and build.

Each backend's tests run in their own virtualenv with only that backend
installed, because Keras fixes its backend at import time.
"""

import pathlib
import tempfile

import nox

nox.options.default_venv_backend = "virtualenv"
nox.options.error_on_missing_interpreters = True

BACKENDS = ["jax", "tensorflow", "torch"]
# The CPU build; any other torch requirement pulls several GB of CUDA packages.
TORCH_CPU = "torch==2.13.0"


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Mypy over the package: signatures, return types, optional values."""
    # Keras ships no type information: its names are `Any` to mypy.
    session.install("mypy>=1.10", "numpy>=1.26", "matplotlib>=3.8")
    session.run("mypy")


@nox.session
@nox.parametrize("backend", BACKENDS)
def tests(session: nox.Session, backend: str) -> None:
    """The test suite on one Keras backend (`nox -s "tests(backend='jax')"`)."""
    if backend == "torch":
        session.install(TORCH_CPU)
    session.install(f".[test,{backend}]")
    # One worker per logical core (at most 4): compiling and running many tiny
    # models keeps a single process on one core. A test file stays on one
    # worker, so its module fixtures are built once.
    workers = ["--numprocesses", "logical", "--maxprocesses", "4", "--dist", "loadfile"]
    session.run("pytest", *workers, *session.posargs, env={"KERAS_BACKEND": backend})


@nox.session
def docs(session: nox.Session) -> None:
    """Builds the MkDocs site strictly, offline, and checks its links and tables."""
    # mkdocstrings reads the source statically: no backend is needed.
    session.install(
        "mkdocs>=1.6,<2", "mkdocs-material>=9.5", "mkdocstrings-python>=1.10"
    )
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        "site",
        env={"NO_MKDOCS_2_WARNING": "1"},
    )
    # Broken links, images and anchors, and Returns tables split into rows.
    session.run("python", "tools/check_site.py", "site", "--base-path", "/mnist-arith/")


@nox.session
def build(session: nox.Session) -> None:
    """Builds sdist and wheel, checks them, installs the wheel and smoke-tests it."""
    session.install("build", "twine")
    with tempfile.TemporaryDirectory() as directory:
        session.run("python", "-m", "build", "--outdir", directory)
        artifacts = sorted(str(path) for path in pathlib.Path(directory).iterdir())
        session.run("twine", "check", "--strict", *artifacts)
        wheel = next(path for path in artifacts if path.endswith(".whl"))
        session.install(f"{wheel}[jax]")
    session.chdir(session.create_tmp())
    session.run(
        "python",
        "-c",
        "import mnist_arith as m; "
        "q = m.make_queries('2023'); "
        "x = m.render_query_images(q.queries[:4], m.load_digits('embedded'), seed=0); "
        "assert x.shape == (4, 5, 28, 28), x.shape; "
        # The reference reader's weights are inside the wheel.
        "assert m.read_images(m.reference_reader(), x) == list(q.queries[:4]); "
        "print(m.__version__, len(q), x.shape)",
        env={"KERAS_BACKEND": "jax"},
    )
    # The console script the wheel installs.
    session.run("mnist-arith", "--version", env={"KERAS_BACKEND": "jax"})
    session.run(
        "mnist-arith", "queries", "2023", "--show", "2", env={"KERAS_BACKEND": "jax"}
    )


@nox.session
def examples(session: nox.Session) -> None:
    """Runs every script in `examples/` with `--quick` on torch (a smoke test).

    Torch is the fastest backend for the examples' convolutional models on a
    CPU; the test suite runs the quickstart example on every backend.
    """
    session.install(TORCH_CPU)
    session.install(".[torch]")
    scripts = sorted(pathlib.Path("examples").glob("*.py"))
    if not scripts:
        session.error("No example scripts found in examples/")
    for script in scripts:
        session.log(f"example: {script}")
        session.run("python", str(script), "--quick", env={"KERAS_BACKEND": "torch"})
