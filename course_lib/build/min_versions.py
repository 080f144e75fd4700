"""``make test-min``: the unit tests at the lowest versions ``pyproject.toml`` allows.

A lower bound is a promise: "``matplotlib>=3.10``" says 3.10.0 works. This reads the floor of every
core dependency (``numpy>=1.26`` becomes ``numpy==1.26``), makes ``build/venv-min`` with Python 3.11,
installs the course there with exactly those versions (the ``test`` extra, newest, on top) and runs
``pytest -m "not browser" tests`` in it. The venv is kept and reused while the floors stay the same.

Not part of ``make test``: it installs a second TensorFlow (~600 MB, several minutes on first use) and
runs the unit suite a second time; run it when a bound or a dependency changes. The notebooks and the
browser tests run at the newest versions only (their saved outputs are recorded there).

Usage::

    python -m course_lib test-min                # or: make test-min
    python -m course_lib.build.min_versions --show  # the constraints it would install
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["ROOT", "VENV", "PYTHON", "floors", "constraints", "main"]

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "build" / "venv-min"
#: The interpreter of the leg (the oldest one CI and most students use).
PYTHON = (3, 11)


def _dependencies(pyproject: Path) -> list[str]:
    """``[project] dependencies`` of pyproject.toml (tomllib where there is one, else a plain parse)."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:  # Python 3.10
        block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.S | re.M).group(1)
        return re.findall(r'"([^"]+)"', block)
    return tomllib.loads(text)["project"]["dependencies"]


def floors(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """``{name: lowest allowed version}`` of every core dependency (each must have a ``>=`` bound)."""
    result = {}
    for dep in _dependencies(pyproject):
        name = re.match(r"[A-Za-z0-9_.\-]+", dep).group(0)
        low = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", dep)
        if low is None:
            raise ValueError(f"dependency {dep!r} has no lower bound (>=): state the oldest version that works")
        result[name] = low.group(1)
    return result


def constraints(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The pip constraints file: ``name==floor`` per core dependency."""
    return "".join(f"{name}=={version}\n" for name, version in floors(pyproject).items())


def _venv_python() -> Path:
    return VENV / "Scripts" / "python.exe" if os.name == "nt" else VENV / "bin" / "python"


def _interpreter() -> list[str]:
    if sys.version_info[:2] == PYTHON:
        return [sys.executable]
    name = "python{}.{}".format(*PYTHON)
    if os.name == "nt" and shutil.which("py"):
        return ["py", "-{}.{}".format(*PYTHON)]
    if shutil.which(name):
        return [name]
    raise SystemExit(f"test-min needs Python {PYTHON[0]}.{PYTHON[1]} ({name} on PATH); none found")


def _install(pins: str) -> Path:
    """``build/venv-min`` with the floors; reused while the constraints are unchanged."""
    py, stamp = _venv_python(), VENV / "constraints.txt"
    if py.exists() and stamp.exists() and stamp.read_text() == pins:
        return py
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run(_interpreter() + ["-m", "venv", str(VENV)], check=True)
    (VENV / "pending-constraints.txt").write_text(pins)
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "--progress-bar", "on", "-c",
                    str(VENV / "pending-constraints.txt"), "-e", ".[test]"], cwd=ROOT, check=True)
    (VENV / "pending-constraints.txt").rename(stamp)
    return py


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.build.min_versions",
                                     description="The unit tests at the lowest allowed versions.")
    parser.add_argument("--show", action="store_true", help="print the constraints and exit")
    parser.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("JOBS", "2") or 2))
    parser.add_argument("pytest_args", nargs="*", help="instead of the whole unit suite (e.g. tests/test_data.py)")
    args = parser.parse_args(argv)
    pins = constraints()
    if args.show:
        print(pins, end="")
        return 0
    start = time.monotonic()
    py = _install(pins)
    installed = time.monotonic()
    versions = subprocess.run([str(py), "-c", "import numpy, matplotlib, ipywidgets, tensorflow, keras, sys; "
                               "print('Python', sys.version.split()[0], *(f'{m.__name__} {m.__version__}' for m in "
                               "(numpy, matplotlib, ipywidgets, tensorflow, keras)))"],
                              capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    print(f"[test-min] {versions.stdout.strip() or versions.stderr.strip()[-500:]}", flush=True)
    code = subprocess.call([str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(args.jobs),
                            "--dist", "loadfile", "-m", "not browser"] + (args.pytest_args or ["tests"]),
                           cwd=ROOT, env={**os.environ, "NN_OPT_LAB_OFFLINE": "1"})
    print(f"[test-min] install {installed - start:.0f} s, tests {time.monotonic() - installed:.0f} s", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
