"""One docstring style for the public API: a summary, then ``Args:`` and ``Returns:`` with shapes (CS231n-style)."""

import importlib
import inspect

import pytest

MODULES = [
    "d2l_ext", "d2l_ext.backprop", "d2l_ext.stability", "d2l_ext.init", "d2l_ext.generalization", "d2l_ext.dropout",
    "d2l_ext.core.config", "d2l_ext.core.datasets", "d2l_ext.core.data", "d2l_ext.core.train", "d2l_ext.core.plots",
    "d2l_ext.core.validate", "d2l_ext.exercises.playground", "d2l_ext.exercises.mnist_init",
]  # fmt: skip


def _public_functions():
    seen = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr)
            if inspect.isfunction(obj):
                seen[f"{obj.__module__}.{obj.__name__}"] = obj
    return sorted(seen.items())


FUNCTIONS = _public_functions()


def test_there_are_public_functions():
    assert len(FUNCTIONS) > 30


@pytest.mark.parametrize(("name", "fn"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_docstring_has_args_and_returns(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert doc and not doc.startswith(("Args:", "Returns:")), f"{name}: a summary line first"
    sig = inspect.signature(fn)
    if sig.parameters:
        assert "Args:" in doc, f"{name}: describe its arguments under Args:"
        documented = doc.split("Args:", 1)[1].split("Returns:", 1)[0]
        for param in sig.parameters:
            assert f"{param}:" in documented or f"*{param}" in documented, f"{name}: argument {param} not in Args:"
    if sig.return_annotation not in (None, "None", inspect.Signature.empty):
        assert "Returns:" in doc, f"{name}: say what it returns under Returns:"
