"""NN-Opt Lab on any platform, with or without ``make``: ``python -m course_lib setup | lab | test``.

Run it from the folder of the repository with any Python 3 (no package needed, numpy neither)::

    python -m course_lib setup          # .venv/ here, with the course, JupyterLab and the test tools
    python -m course_lib lab            # open the course in JupyterLab (installs first if needed)
    python -m course_lib lab --zh       # ... with JupyterLab's menus in Simplified Chinese
    python -m course_lib test           # the whole test suite (what `make test` and CI run)
    python -m course_lib test unit      # one or more steps: check lint unit notebooks portable browser
    python -m course_lib test-min       # unit tests at the lowest versions pyproject.toml allows

Windows: ``py -3.12 -m course_lib lab`` (``.venv\\Scripts\\python.exe`` is used from then on).
The Makefile calls this module, so both ways do the same thing.

* **Python**: the course needs a Python that TensorFlow has wheels for (:data:`SUPPORTED`). Another
  one is refused with a message naming a suitable interpreter found on this machine, and a ``.venv``
  made by an unsupported or missing interpreter is deleted and made again.
* **Install**: ``pip install -e .[extras]`` into ``.venv``, with pip's progress shown (TensorFlow is
  a ~600 MB download) and a 60 s network timeout unless ``PIP_DEFAULT_TIMEOUT`` says otherwise. pip
  reads your mirror settings (``pip config set global.index-url ...``, ``PIP_INDEX_URL``). Done again
  only when ``pyproject.toml`` changed or an extra is missing (a stamp in ``.venv``).
* **Lab**: 127.0.0.1 only, token and XSRF checks on; as root (containers, WSL, cloud machines)
  ``--allow-root`` is added with a warning. The JupyterLab news pop-up and update check are off by
  default (app settings written into ``.venv``; Settings > Settings Editor > Notifications turns them
  back on).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["ROOT", "VENV", "SUPPORTED", "CPU_PROFILE2_IN_TEST", "STEPS", "supported_range", "venv_python",
           "lab_command", "test_commands", "main"]

#: The repository (the folder holding ``pyproject.toml`` and ``course_lib/``).
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
#: Python versions the course supports, first and last (``requires-python`` in pyproject.toml says the
#: same; a test checks). TensorFlow has no wheels outside this range.
SUPPORTED = ((3, 10), (3, 13))
#: Whether ``test`` (and so ``make test`` and CI) runs the notebooks a second time under the second CPU
#: profile (:mod:`course_lib.build.cpu_profile`). ``NN_OPT_LAB_CPU_PROFILE2=1`` or ``=0`` overrides it
#: for one run (``make test CPU_PROFILE2=0`` skips it).
CPU_PROFILE2_IN_TEST = True
#: The steps of ``test``, in order.
STEPS = ("check", "lint", "unit", "notebooks", "portable", "browser")

_STAMP = ".nn-opt-lab-install.json"
_EXTRAS = {"setup": ("lab", "dev"), "lab": ("lab",), "test": ("lab", "dev")}


def _say(message: str) -> None:
    print(f"[nn-opt-lab] {message}", flush=True)


class Refused(Exception):
    """Something the user has to fix; the message says what."""


# -- interpreters ---------------------------------------------------------------------------------
def supported_range(system: str | None = None, machine: str | None = None) -> tuple:
    """``(first, last)`` supported Python on this platform: Intel Macs stop at 3.12 (TensorFlow 2.16)."""
    system = platform.system() if system is None else system
    machine = platform.machine() if machine is None else machine
    if system == "Darwin" and machine.lower() in ("x86_64", "amd64"):
        return SUPPORTED[0], (3, 12)
    return SUPPORTED


def _in_range(version) -> bool:
    first, last = supported_range()
    return first <= tuple(version[:2]) <= last


def _dotted(version) -> str:
    return ".".join(str(v) for v in version[:2])


def venv_python(venv: Path | None = None) -> Path:
    """The venv's interpreter: ``Scripts\\python.exe`` on Windows, ``bin/python`` elsewhere."""
    venv = VENV if venv is None else venv
    return venv / "Scripts" / "python.exe" if os.name == "nt" else venv / "bin" / "python"


def _version_of(command: list) -> tuple | None:
    """``(major, minor)`` of an interpreter, ``None`` if it does not run."""
    try:
        out = subprocess.run(command + ["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.stdout.split()
    return (int(parts[0]), int(parts[1])) if out.returncode == 0 and len(parts) == 2 else None


def _candidates() -> list:
    """Supported interpreters on PATH, newest tested first, as commands to type."""
    first, last = supported_range()
    minors = sorted(range(first[1], last[1] + 1), key=lambda m: (m not in (11, 12), -m))
    found = []
    for minor in minors:
        if os.name == "nt":
            if shutil.which("py") and _version_of(["py", f"-3.{minor}"]) == (3, minor):
                found.append(f"py -3.{minor}")
        elif shutil.which(f"python3.{minor}") and _version_of([f"python3.{minor}"]) == (3, minor):
            found.append(f"python3.{minor}")
    return found


def _refuse_interpreter(why: str) -> Refused:
    first, last = supported_range()
    lines = [f"{why}", f"The course needs Python {_dotted(first)} to {_dotted(last)} (TensorFlow releases have "
             "wheels for those only" + ("; on an Intel Mac TensorFlow stops at 2.16, which stops at Python 3.12" if
                             last < SUPPORTED[1] else "") + ")."]
    found = _candidates()
    via_make = "MAKELEVEL" in os.environ
    goals = os.environ.get("NN_OPT_LAB_MAKE_GOALS", "").strip() or "lab"
    if found:
        cmd = found[0]
        lines.append(f"Found {cmd} on this machine: run "
                     + (f"`make PYTHON={cmd} {goals}`" if via_make and " " not in cmd
                        else f"`{cmd} -m course_lib {' '.join(sys.argv[1:]) or 'lab'}`") + " instead.")
    else:
        lines.append("Install Python 3.12 (python.org, Homebrew `brew install python@3.12`, apt, or conda), "
                     "then run `python3.12 -m course_lib setup`" + (" (or `make PYTHON=python3.12 setup`)."
                                                                    if via_make else "."))
    return Refused("\n".join(lines))


# -- the venv -------------------------------------------------------------------------------------
def _stamp() -> dict:
    try:
        return json.loads((VENV / _STAMP).read_text())
    except (OSError, ValueError):
        return {}


def _pyproject_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _ensure_venv() -> Path:
    """A working ``.venv`` made by a supported Python; made (again) with this interpreter if needed."""
    py = venv_python()
    if VENV.exists():
        version = _version_of([str(py)])
        if version is not None and _in_range(version):
            return py
        why = (f"{VENV} was made by Python {_dotted(version)}, which the course does not support"
               if version else f"{VENV} has no working interpreter (made on another machine, or by a Python "
                               "since removed)")
        if not _in_range(sys.version_info):
            raise _refuse_interpreter(f"{why}, and this Python ({_dotted(sys.version_info)}, {sys.executable}) "
                                      "cannot make a new one.")
        _say(f"{why}: deleting it and making a new one with Python {_dotted(sys.version_info)}.")
        shutil.rmtree(VENV)
    elif not _in_range(sys.version_info):
        raise _refuse_interpreter(f"This is Python {_dotted(sys.version_info)} ({sys.executable}).")
    _say(f"creating {VENV} with Python {platform.python_version()} ({sys.executable})")
    made = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if made.returncode != 0 or not py.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        raise Refused("Could not create the virtual environment. On Debian/Ubuntu: `sudo apt-get install "
                      f"python3.{sys.version_info[1]}-venv`, then try again.")
    return py


def setup(extras=("lab", "dev"), *, force: bool = False) -> Path:
    """Make ``.venv`` and install the course with ``extras`` into it, unless already done; its python."""
    py = _ensure_venv()
    stamp, digest = _stamp(), _pyproject_hash()
    installed = set(stamp.get("extras", ())) if stamp.get("pyproject") == digest else set()
    wanted = set(extras)
    if stamp.get("pyproject") == digest and wanted <= installed and not force:
        return py
    if stamp.get("pyproject") == digest:
        wanted |= installed  # keep what is there
    env = dict(os.environ)
    env.setdefault("PIP_DEFAULT_TIMEOUT", "60")  # pip's 15 s gives up on a slow link
    spec = ".[" + ",".join(sorted(wanted)) + "]" if wanted else "."
    _say("installing the course into .venv (pip install -e '" + spec + "'). The first time this downloads "
         "about 600 MB (TensorFlow: 572 MB) and fills about 2.4 GB (2.7 GB with the test tools); pip shows its "
         "progress.")
    _run([str(py), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], env=env, cwd=ROOT)
    _run([str(py), "-m", "pip", "install", "--progress-bar", "on", "-e", spec], env=env, cwd=ROOT)
    if "lab" in wanted:
        if _run([str(py), "-m", "pip", "show", "--quiet", "jupyterlab-deck"], env=env, check=False,
                capture=True) == 0:
            _say("removing jupyterlab-deck (replaced by jupyterlab-slideshow)")
            _run([str(py), "-m", "pip", "uninstall", "--yes", "--quiet", "jupyterlab-deck"], env=env)
        _write_lab_settings(py)
    (VENV / _STAMP).write_text(json.dumps({"pyproject": digest, "extras": sorted(wanted),
                                           "python": platform.python_version()}))
    return py


def _run(command: list, *, env=None, cwd=None, check: bool = True, capture: bool = False) -> int:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=capture)
    if check and done.returncode != 0:
        raise Refused(f"failed (exit {done.returncode}): {' '.join(map(str, command))}")
    return done.returncode


# -- lab ------------------------------------------------------------------------------------------
#: JupyterLab app settings (``overrides.json``): defaults a user's own settings still override.
LAB_DEFAULTS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def _lab_settings_dir(py: Path) -> Path:
    """JupyterLab's app settings folder of the venv (``<prefix>/share/jupyter/lab/settings``)."""
    return py.parent.parent / "share" / "jupyter" / "lab" / "settings"


def _write_overrides(folder: Path, settings: dict) -> None:
    """Merge ``settings`` into ``folder/overrides.json`` (keeping what an extension put there)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "overrides.json"
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = {}
    for plugin, values in settings.items():
        current.setdefault(plugin, {}).update(values)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")


def _write_lab_settings(py: Path) -> None:
    _write_overrides(_lab_settings_dir(py), LAB_DEFAULTS)


def lab_command(py: Path = None, *, zh: bool = False, root: bool | None = None, extra=()) -> list:
    """The JupyterLab command ``lab`` runs (``--allow-root`` added when running as root)."""
    py = venv_python() if py is None else py
    cmd = [str(py), "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={ROOT / 'chapters'}",
           "--ServerApp.disable_check_xsrf=False"]
    if zh:  # this command only: a default locale (Settings > Language still wins)
        folder = ROOT / "build" / "lab-zh"
        _write_overrides(folder, {**LAB_DEFAULTS, "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}})
        cmd.append(f"--LabApp.app_settings_dir={folder}")
    if _is_root() if root is None else root:
        cmd.append("--allow-root")
    return cmd + list(extra)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab(*, zh: bool = False, dry_run: bool = False, extra=()) -> int:
    py = venv_python() if dry_run else setup(("lab", "zh") if zh else ("lab",))
    if not dry_run:
        _write_lab_settings(py)
    cmd = lab_command(py, zh=zh, extra=extra)
    if "--allow-root" in cmd:
        print("warning: running as root (uid 0): adding --allow-root; JupyterLab still listens on 127.0.0.1 only, "
              "with its token and XSRF checks on.", file=sys.stderr, flush=True)
    if dry_run:
        print(" ".join(cmd))
        return 0
    _say("starting JupyterLab on http://127.0.0.1:8888 (the login link with its token is printed below; "
         "Ctrl+C twice stops it)")
    if os.name == "posix":
        os.execv(cmd[0], cmd)  # Jupyter gets the terminal and Ctrl+C itself
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Windows: let Jupyter handle Ctrl+C, then return
    return subprocess.call(cmd)


# -- test -----------------------------------------------------------------------------------------
def _cpu_profile2_in_test() -> bool:
    value = os.environ.get("NN_OPT_LAB_CPU_PROFILE2", "")
    return CPU_PROFILE2_IN_TEST if value == "" else value == "1"


def test_commands(py: Path, step: str, *, jobs: int = 2, chapters: bool = True) -> list:
    """The commands of one test step: a list of ``(command, extra environment, may fail)``.

    ``chapters=False`` leaves ``chapters/`` out of the notebook step: the browser step runs every chapter
    in JupyterLab and fails on any error a cell shows, which is all nbval-lax checks there.
    """
    py = str(py)
    pytest = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", str(jobs), "--dist", "loadfile"]
    nbval = ["--nbval-current-env", "--nbval-cell-timeout=300"]
    solutions = pytest + nbval + ["--nbval", "solutions", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
    offline = {"NN_OPT_LAB_OFFLINE": "1"}  # course_lib blocks any connection that is not to this machine
    return {
        "check": [([py, "-m", "course_lib.build.student", "--check"], {}, False)],
        "lint": [([py, "-m", "ruff", "check", "course_lib", "tests", "benchmarks", "solutions", "chapters"], {},
                  False)],
        "unit": [(pytest + ["-m", "not browser", "tests"], offline, False)],
        "notebooks": [(solutions, offline, False)]
                     + ([(pytest + nbval + ["--nbval-lax", "chapters"], offline, False)] if chapters else []),
        # The same comparison, as on a CPU without AVX2/AVX-512 kernels (course_lib/build/cpu_profile.py).
        "portable": [([py, "-m", "course_lib.build.cpu_profile", "run", "--"] + solutions, offline, False)],
        # JupyterLab + Chromium: one server and one browser for the module, so no xdist. The offline-handout
        # test needs reveal.js & co. from npm once; without them it says so.
        "browser": [([py, "-m", "course_lib.build.handouts", "fetch"], {}, True),
                    ([py, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-m", "browser",
                      "tests/test_browser.py"], {}, False)],
    }[step]


def _browser_runs(py: Path) -> bool:
    """Whether the browser step will run rather than skip: Chromium and playwright are there."""
    chromium = Path(os.environ.get("NN_OPT_LAB_CHROMIUM", "/usr/bin/chromium"))
    return chromium.exists() and subprocess.call([str(py), "-c", "import playwright.sync_api"],
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def test(steps=(), *, jobs: int = 2, keep_going: bool = False) -> int:
    """Run the test steps in order; stop at the first failure unless ``keep_going``. The first failing code."""
    py = setup(_EXTRAS["test"])
    failed = []
    if not steps:
        steps = [s for s in STEPS if s != "portable" or _cpu_profile2_in_test()]
        if "portable" not in steps:
            _say("second CPU profile: not in this run (switch: NN_OPT_LAB_CPU_PROFILE2=1, `make test "
                 "CPU_PROFILE2=1`, or `make notebooks-portable` alone)")
    chapters = not ("browser" in steps and _browser_runs(py))
    if not chapters and "notebooks" in steps:
        _say("chapters/: run by the browser step (every chapter in JupyterLab), not a second time by nbval")
    times = []
    for step in steps:
        t0 = time.monotonic()
        for command, extra_env, may_fail in test_commands(py, step, jobs=jobs, chapters=chapters):
            code = subprocess.call(command, cwd=ROOT, env={**os.environ, **extra_env},
                                   stdout=subprocess.DEVNULL if may_fail else None)
            if code != 0 and may_fail:
                _say("(the offline-handout browser test needs reveal.js & co.: `make handouts` fetches them once)")
            elif code != 0:
                _say(f"test step {step!r} failed (exit {code}): {' '.join(command)}")
                failed.append((step, code))
                if not keep_going:
                    return code
        times.append(f"{step} {time.monotonic() - t0:.0f} s")
        _say("step times: " + ", ".join(times))  # what benchmarks/RESULTS.md reports per step
    if failed:
        _say("failed steps: " + ", ".join(step for step, _ in failed))
    return failed[0][1] if failed else 0


# -- the command line -----------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib",
                                     description="NN-Opt Lab: install, open and test the course on any platform.")
    sub = parser.add_subparsers(dest="command", metavar="{setup,lab,test,test-min}")
    p_setup = sub.add_parser("setup", help="create .venv here and install the course into it")
    p_setup.add_argument("--extras", default="lab,dev",
                         help="comma-separated extras of pyproject.toml (default: lab,dev; '' = the course alone)")
    p_setup.add_argument("--force", action="store_true", help="run pip even if nothing changed")
    p_lab = sub.add_parser("lab", help="open the course in JupyterLab (installs first if needed)")
    p_lab.add_argument("--zh", action="store_true", help="JupyterLab's menus in Simplified Chinese")
    p_lab.add_argument("--dry-run", action="store_true", help="print the JupyterLab command instead of running it")
    p_test = sub.add_parser("test", help="run the test suite (all steps, or the ones named)")
    p_test.add_argument("steps", nargs="*", metavar="STEP",
                        help="any of: " + " ".join(STEPS) + " (default: all; 'portable' only when switched on)")
    p_test.add_argument("-k", "--keep-going", action="store_true", help="run every step even after a failure")
    p_test.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("JOBS", "2") or 2),
                        help="pytest-xdist workers (default 2)")
    sub.add_parser("test-min", help="unit tests in build/venv-min at the lowest versions pyproject.toml allows")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test" and set(args.steps) - set(STEPS):
        parser.error(f"unknown test step(s) {' '.join(sorted(set(args.steps) - set(STEPS)))}; "
                     f"the steps: {' '.join(STEPS)}")
    if not (ROOT / "pyproject.toml").is_file():
        print(f"python -m course_lib works in a clone of the course's repository; {ROOT} is not one "
              "(an installed package: open the notebooks with your own Jupyter).", file=sys.stderr)
        return 2
    try:
        if args.command == "setup":
            setup(tuple(e for e in args.extras.split(",") if e.strip()), force=args.force)
            _say("ready: `make lab` or `python -m course_lib lab`")
            return 0
        if args.command == "lab":
            return lab(zh=args.zh, dry_run=args.dry_run, extra=extra)
        if args.command == "test":
            return test(args.steps, jobs=args.jobs, keep_going=args.keep_going)
        if args.command == "test-min":
            from .build import min_versions

            return min_versions.main([])
        parser.print_help()
        return 0
    except Refused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
