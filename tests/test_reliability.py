"""Cross-cutting guarantees: offline runs, deterministic notebooks, safe `make lab`, harmless `make clean`."""

import os
import re
import shutil
import socket
import subprocess
import sys

import nbformat
import pytest

from course_lib.build import _offline
from course_lib.build.notebooks import ROOT, solution_notebooks, text_outputs

TEST_NET = ("192.0.2.1", 80)  # RFC 5737 documentation address: never a real host


def test_offline_guard_blocks_other_hosts_before_any_packet():
    with pytest.raises(_offline.NetworkBlocked, match="192.0.2.1"):
        socket.create_connection(TEST_NET, timeout=0.5)
    with pytest.raises(_offline.NetworkBlocked, match="example.org"):
        socket.getaddrinfo("example.org", 443)


def test_offline_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=2)
    client.close()
    server.close()


def test_offline_guard_reaches_notebook_kernels():
    """A process that inherits the variable (as nbval's kernels do) is guarded once it imports course_lib."""
    code = ("import socket, course_lib\n"
            "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=0.5)\n"
            "except course_lib.build._offline.NetworkBlocked:\n    print('blocked')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "NN_OPT_LAB_OFFLINE": "1"}, check=True)
    assert out.stdout.strip() == "blocked"


@pytest.mark.parametrize("path", solution_notebooks(), ids=lambda p: p.stem)
def test_saved_solution_shows_no_error_or_stderr(path):
    """What a reader sees in a solution has no traceback and no warning text.

    Determinism needs no second execution here: nbval (``make test``'s notebook step, under two CPU
    profiles) runs every solution in a fresh kernel and compares its text with these saved outputs.
    """
    shown = [t for t in text_outputs(nbformat.read(path, as_version=4)) if ":error]" in t or ":stderr]" in t]
    assert not shown, f"{path.name}: {shown[:3]}"


def _make_dry_run(target):
    out = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=True)
    return out.stdout


def test_make_lab_binds_localhost_with_token_and_xsrf():
    # `make lab` runs `python -m course_lib lab`; LAB_ARGS=--dry-run makes it print the JupyterLab command.
    out = subprocess.run(["make", "-s", "-C", str(ROOT), "lab", "LAB_ARGS=--dry-run", f"PYTHON={sys.executable}"],
                         capture_output=True, text=True, check=True).stdout
    cmd = [line for line in out.splitlines() if "-m jupyterlab" in line]
    assert len(cmd) == 1, out
    cmd = cmd[0]
    assert "--ServerApp.ip=127.0.0.1" in cmd
    weakening = [r"token\s*=\s*(''|\"\"|\s|$)", r"\bpassword\s*=", r"disable_check_xsrf\s*=\s*True",
                 r"--ip[= ]0\.0\.0\.0", r"\.ip\s*=\s*(0\.0\.0\.0|\*|'')", r"allow_origin", r"--no-browser-token",
                 r"need_token\s*=\s*False", r"allow_unauthenticated_access\s*=\s*True"]
    for pattern in weakening:
        assert not re.search(pattern, cmd), f"`make lab` weakens security: {pattern!r} in {cmd!r}"


def test_make_clean_removes_artefacts_and_never_a_notebook(tmp_path):
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True,
                           check=True).stdout.split()
    copy = tmp_path / "course"
    for f in files:
        if (ROOT / f).is_file():
            (copy / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, copy / f)
    # a student's edited chapter, an untracked notebook of their own, and build artefacts
    (copy / "chapters" / "my_notes.ipynb").write_text("{}")
    for d in ("build/slides", "course_lib/__pycache__", "chapters/.ipynb_checkpoints", ".pytest_cache"):
        (copy / d).mkdir(parents=True, exist_ok=True)
        (copy / d / "x").write_text("x")
    (copy / "chapters" / ".ipynb_checkpoints" / "03_activations-checkpoint.ipynb").write_text("{}")
    before = sorted(p.relative_to(copy) for p in copy.rglob("*.ipynb"))
    subprocess.run(["make", "-C", str(copy), "clean"], capture_output=True, check=True)
    after = sorted(p.relative_to(copy) for p in copy.rglob("*.ipynb"))
    assert after == before and len(before) >= 3  # checkpoints are student work too
    for d in ("build", "course_lib/__pycache__", ".pytest_cache"):
        assert not (copy / d).exists(), d
