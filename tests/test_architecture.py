"""The package's imports go one way: base -> data -> metrics -> models -> tools.

A module may import modules of a lower layer, and modules of its own
sub-package; nothing imports upwards, and no import inside a function hides a
cycle (only the command line, the top layer, imports lazily).
"""

import ast
import pathlib

import pytest

import mnist_arith

PACKAGE = pathlib.Path(mnist_arith.__file__).parent

# The layer of each top-level module or sub-package; lower layers come first.
LAYERS = {
    "_keras": 0,
    "_validation": 0,
    "_io": 0,
    "data": 1,
    "metrics": 2,
    "models": 3,
    "latent": 4,
    "evaluation": 4,
    "plot": 5,
    "cli": 7,
    "__init__": 6,
    "__main__": 8,
}


def _part(module_name):
    """The top-level module or sub-package of `mnist_arith.x.y`."""
    return module_name.split(".")[1] if "." in module_name else "__init__"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        yield "mnist_arith." + ".".join(relative.parts), path


def _imports(tree):
    """`(name, line, at_module_level)` of every mnist_arith import."""
    in_functions = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(node)
        if inner is not node
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name == "mnist_arith" or name.startswith("mnist_arith."):
                yield name, node.lineno, id(node) not in in_functions


MODULES = dict(_modules())


def test_every_module_has_a_layer():
    assert {_part(name) for name in MODULES} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_one_way(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    own = _part(module)
    wrong = []
    for name, line, at_module_level in _imports(tree):
        target = _part(name) if name != "mnist_arith" else "__init__"
        if not at_module_level and own != "cli":
            wrong.append(f"line {line}: {name} imported inside a function")
        elif target != own and LAYERS[target] >= LAYERS[own]:
            wrong.append(f"line {line}: {name} is not below {own}")
    assert not wrong, f"{module}: " + "; ".join(wrong)


def test_metrics_needs_nothing_of_the_package():
    tree = ast.parse(MODULES["mnist_arith.metrics"].read_text(encoding="utf-8"))
    assert list(_imports(tree)) == []
