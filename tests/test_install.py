"""Installing and starting the course (issue 15): the launcher, the dependency split, the second CPU profile.

``python -m course_lib`` must run on a bare interpreter (no numpy yet), refuse a Python TensorFlow has no
wheels for, remake a ``.venv`` made by one, start JupyterLab on 127.0.0.1 with its token and XSRF checks
(``--allow-root`` only as root) and the news pop-up off; the core dependencies are the kernel's only, each
with a lower bound; the second CPU profile really switches the kernels it names.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

import course_lib.__main__ as launcher
from course_lib.build import cpu_profile, min_versions
from course_lib.build.notebooks import ROOT

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _project():
    import tomllib  # Python >= 3.11

    return tomllib.loads(PYPROJECT)["project"]


# -- the launcher ---------------------------------------------------------------------------------
def test_launcher_runs_on_a_bare_interpreter():
    """`python -S` sees no site-packages (no numpy): `python -m course_lib --help` still works."""
    out = subprocess.run([sys.executable, "-S", "-m", "course_lib", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "setup" in out.stdout and "lab" in out.stdout and "test" in out.stdout


def test_supported_range_is_requires_python():
    spec = re.search(r'requires-python\s*=\s*"([^"]+)"', PYPROJECT).group(1)
    first, last = launcher.SUPPORTED
    assert spec == f">={first[0]}.{first[1]},<{last[0]}.{last[1] + 1}"


def test_intel_macs_stop_at_python_312():
    assert launcher.supported_range("Darwin", "x86_64") == ((3, 10), (3, 12))
    assert launcher.supported_range("Darwin", "arm64") == launcher.SUPPORTED
    assert launcher.supported_range("Windows", "AMD64") == launcher.SUPPORTED


def test_venv_python_path_per_platform(monkeypatch):
    monkeypatch.setattr(launcher, "os", SimpleNamespace(name="nt"))  # the launcher's view only
    assert launcher.venv_python(Path("v")).parts[-2:] == ("Scripts", "python.exe")
    monkeypatch.setattr(launcher, "os", SimpleNamespace(name="posix"))
    assert launcher.venv_python(Path("v")).parts[-2:] == ("bin", "python")


@pytest.fixture
def scratch_venv(tmp_path, monkeypatch):
    venv = tmp_path / ".venv"
    monkeypatch.setattr(launcher, "VENV", venv)
    return venv


def test_unsupported_python_is_refused_with_the_range(scratch_venv, monkeypatch):
    monkeypatch.setattr(launcher, "supported_range", lambda *a: ((3, 98), (3, 99)))
    with pytest.raises(launcher.Refused, match=r"needs Python 3\.98 to 3\.99"):
        launcher._ensure_venv()
    assert not scratch_venv.exists()


def test_a_broken_venv_is_kept_when_this_python_cannot_remake_it(scratch_venv, monkeypatch):
    (scratch_venv / "bin").mkdir(parents=True)  # a .venv whose interpreter is gone
    monkeypatch.setattr(launcher, "supported_range", lambda *a: ((3, 98), (3, 99)))
    with pytest.raises(launcher.Refused, match="no working interpreter"):
        launcher._ensure_venv()
    assert scratch_venv.exists()


def test_a_venv_of_the_wrong_interpreter_is_remade(scratch_venv, monkeypatch):
    (scratch_venv / "bin").mkdir(parents=True)
    (scratch_venv / "marker").write_text("old")
    made = []
    monkeypatch.setattr(launcher, "_version_of", lambda cmd: (3, 9))  # what a Mac's python3 made
    monkeypatch.setattr(launcher.subprocess, "run",
                        lambda cmd, **kw: made.append(cmd) or launcher.venv_python(scratch_venv).parent.mkdir(
                            parents=True, exist_ok=True) or launcher.venv_python(scratch_venv).touch()
                        or subprocess.CompletedProcess(cmd, 0))
    assert launcher._ensure_venv() == launcher.venv_python(scratch_venv)
    assert made and made[0][:3] == [sys.executable, "-m", "venv"]
    assert not (scratch_venv / "marker").exists()


def test_lab_command_is_local_with_token_and_xsrf():
    cmd = launcher.lab_command(Path("py"), root=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--ServerApp.disable_check_xsrf=False" in cmd
    assert "--allow-root" not in cmd
    assert not [a for a in cmd if "token" in a.lower() or "password" in a.lower()]  # JupyterLab's own token
    assert "--allow-root" in launcher.lab_command(Path("py"), root=True)


def test_lab_dry_run_as_this_user():
    out = subprocess.run([sys.executable, "-m", "course_lib", "lab", "--dry-run"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    assert ("--allow-root" in out.stdout) == root
    assert ("warning: running as root" in out.stderr) == root
    assert len(out.stderr.strip().splitlines()) == (1 if root else 0)


def test_news_popup_off_without_losing_other_overrides(tmp_path):
    (tmp_path / "overrides.json").write_text(json.dumps({"some-extension:plugin": {"x": 1}}))
    launcher._write_overrides(tmp_path, launcher.LAB_DEFAULTS)
    got = json.loads((tmp_path / "overrides.json").read_text())
    assert got["some-extension:plugin"] == {"x": 1}
    assert got["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_portable_step_is_the_solutions_step_under_the_profile():
    (solutions, env, _), _lax = launcher.test_commands(Path("py"), "notebooks")
    (portable, env2, _), = launcher.test_commands(Path("py"), "portable")
    assert portable[:5] == ["py", "-m", "course_lib.build.cpu_profile", "run", "--"]
    assert portable[5:] == solutions and env2 == env
    assert "--nbval-lax" not in solutions and "--nbval-sanitize-with" in solutions


def test_chapters_run_once_when_the_browser_step_runs_them():
    full = launcher.test_commands(Path("py"), "notebooks")
    short = launcher.test_commands(Path("py"), "notebooks", chapters=False)
    assert len(full) == 2 and "--nbval-lax" in full[1][0] and short == full[:1]


# -- dependencies ---------------------------------------------------------------------------------
@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib")
def test_core_dependencies_are_the_kernels_only():
    project = _project()
    names = {re.match(r"[\w.\-]+", d).group(0).lower() for d in project["dependencies"]}
    assert names == {"numpy", "matplotlib", "ipywidgets", "tensorflow", "keras", "ml_dtypes"}  # (TF's, capped)
    extras = project["optional-dependencies"]
    assert {"lab", "test", "dev", "zh"} <= set(extras)
    assert any(d.startswith("jupyterlab>=") for d in extras["lab"])
    assert not any(re.match(r"(pytest|playwright|nbval|ruff)\b", d) for d in extras["lab"])


def test_every_core_dependency_has_a_floor():
    floors = min_versions.floors()
    assert set(floors) == {"numpy", "matplotlib", "ipywidgets", "tensorflow", "keras", "ml_dtypes"}
    assert tuple(int(p) for p in floors["matplotlib"].split(".")[:2]) >= (3, 10)  # get_figure(root=...)
    assert min_versions.constraints().splitlines()[0].startswith("numpy==")


def test_environment_yml_installs_what_a_student_needs():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "nodefaults" in text
    pip_lines = [line.strip() for line in text.splitlines() if line.strip().startswith("- -e ")]
    assert pip_lines == ["- -e .[lab]"]  # the course + JupyterLab + slides; no pytest, no playwright


# -- the second CPU profile -----------------------------------------------------------------------
def test_profile_names_only_what_this_numpy_dispatches():
    from numpy._core._multiarray_umath import __cpu_dispatch__  # numpy >= 2 (the test env)

    off = cpu_profile.profile_env()["NPY_DISABLE_CPU_FEATURES"].split()
    assert off and set(off) <= set(__cpu_dispatch__)


@pytest.mark.skipif(not cpu_profile.applies(), reason=f"the profile names x86-64 kernels ({platform.machine()})")
def test_profile_switches_the_kernels_it_names():
    ok, line = cpu_profile.check(tf=False)
    assert ok, line
    mine = cpu_profile.probe()
    if mine["openblas_core"] is not None:
        assert "OpenBLAS kernels:" in line


# -- a real JupyterLab, briefly -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.geturl(), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.geturl(), b""


@pytest.mark.skipif(importlib.util.find_spec("jupyterlab") is None, reason="the lab extra is not installed")
def test_lab_server_wants_its_token_and_has_no_news(tmp_path):
    """Start what `make lab` starts (another port, no browser): nothing without the token, news off."""
    port = _free_port()
    cmd = launcher.lab_command(Path(sys.executable)) + [f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                                                       "--no-browser"]
    env = {**os.environ, **{k: str(tmp_path / k) for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR",
                                                           "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR")}}
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, token = time.monotonic() + 180, None
        while token is None:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            found = re.search(rf"127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", log.read_text())
            token = found.group(1) if found else None
            time.sleep(0.5)
        assert _get(f"{base}/api/status")[0] == 403  # the API without the token
        status, final_url, _ = _get(f"{base}/lab")
        assert "/login" in final_url  # the page sends you to the login form
        assert _get(f"{base}/api/status", token)[0] == 200
        _, _, body = _get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification", token)
        defaults = json.loads(body)["schema"]["properties"]  # JupyterLab merges overrides.json into these
        assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
