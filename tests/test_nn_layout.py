"""The formula layer stands alone: numpy only, nothing above it, no TensorFlow at import time."""

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_lib.nn

NN = sorted(m.name for m in pkgutil.iter_modules(course_lib.nn.__path__))
ABOVE = ("experiments", "figures", "data", "reference", "train", "widgets", "checks", "build", "plots")


@pytest.mark.parametrize("name", NN)
def test_nn_module_imports_without_tensorflow(name):
    code = (f"import sys; import course_lib.nn.{name}; "
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing course_lib.nn.{name} imported {out}"


@pytest.mark.parametrize("name", NN)
def test_nn_module_imports_nothing_above_it(name):
    tree = ast.parse((Path(course_lib.nn.__file__).parent / f"{name}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            target = ("." * node.level) + (node.module or "")
            names = [a.name for a in node.names]
            if node.level == 2:  # from .. import x / from ..x import y
                parts = [node.module] if node.module else names
                assert not any(p.split(".")[0] in ABOVE for p in parts), f"nn/{name}.py imports {target} {names}"
