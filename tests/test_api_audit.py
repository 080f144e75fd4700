"""Issue 10, bad-input audit: every public callable of the numeric modules fails politely.

The public API is discovered, not listed: every module of the ``course_lib`` package and its
subpackages (``pkgutil.walk_packages``) is either numeric (its ``__all__`` is audited) or
infrastructure (not audited, with the reason). A numeric module's valid calls live in
``tests/audit/<module>.py`` (``MODULE``, ``calls()``, ``MATCHING``); a new module, or a new public
function or class without a valid call there, fails :func:`test_every_public_callable_has_a_valid_call`.

For every entry, :func:`test_bad_input_fails_politely` takes its valid call and replaces each
argument in turn (defaults included, ``**kwargs`` keys too) with a bad value (a string, None,
NaN, inf, -1, 0, a wrong-shape array, a list of strings, the valid array with a NaN in it).
The call must either work or raise ``ValueError``/``TypeError`` whose message names that
argument. Anything else (IndexError, AttributeError, ZeroDivisionError, an error from deep
inside numpy or TensorFlow, a RuntimeWarning, a hang) is a bug.

:func:`test_mismatched_shapes_raise` checks that arrays meant to match (``y_true``/``y_pred``,
``labels``/``logits``, ``x``/``y``...) are never silently broadcast.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import signal
import time
import warnings

import audit
import numpy as np
import pytest

import course_lib

# ----------------------------------------------------------------------------------------------
# which modules are audited
# ----------------------------------------------------------------------------------------------
#: Modules that are not audited, and why (dotted paths inside course_lib; a package covers its modules).
INFRASTRUCTURE = {
    "_cache": "functools.lru_cache that names an unhashable argument (used by the numeric modules)",
    "_check": "the argument checks every module shares (their errors are audited through the callers)",
    "__main__": "python -m course_lib setup|lab|test: the launcher (tested in tests/test_install.py)",
    "build": "tooling students never import: notebook executor, student generator, handouts, offline guard",
    "checks": "the exercise checker: compares a student's function with a reference, any input",
    "figures": "draw halves of the figures: take a compute() result and a matplotlib Axes",
    "student": "python -m course_lib.student: the entry point kept for build/student.py",
    "widgets": "ipywidgets glue (sliders, LivePlot)",
}


def _modules():
    """Every module of the package, as a dotted path inside it (packages' own __init__ excluded)."""
    return sorted(m.name[len("course_lib."):] for m in pkgutil.walk_packages(course_lib.__path__, "course_lib.")
                  if not m.ispkg)


def _infrastructure(name):
    return any(name == k or name.startswith(k + ".") for k in INFRASTRUCTURE)


def _audit_tables():
    """``{module: module of tests/audit}``: each numeric module's valid calls live in tests/audit/<module>.py."""
    out = {}
    for info in pkgutil.iter_modules(audit.__path__):
        if info.name.startswith("_"):
            continue
        table = importlib.import_module(f"audit.{info.name}")
        out[table.MODULE] = table
    return out


TABLES = _audit_tables()
NUMERIC = tuple(TABLES)


def _public_callables():
    out = []
    for name in _modules():
        if _infrastructure(name):
            continue
        mod = importlib.import_module(f"course_lib.{name}")
        assert hasattr(mod, "__all__"), f"course_lib.{name} has no __all__ (CONVENTIONS.md: it lists the public API)"
        out += [f"{name}:{n}" for n in mod.__all__ if callable(getattr(mod, n))]
    return out


#: Every entry: "module:name" (or "module:Class.method").
ENTRIES = sorted(f"{m}:{k}" for m, table in TABLES.items() for k in table.calls())  # calls() only builds lambdas


@functools.lru_cache(maxsize=None)
def _table(module):
    return TABLES[module].calls()


def _build(entry):
    module, rest = entry.split(":", 1)
    call = _table(module)[rest]()
    if call.fn is None:
        obj = importlib.import_module(f"course_lib.{module}")
        for part in rest.split("."):
            obj = getattr(obj, part)
        call.fn = obj
    return call


# ----------------------------------------------------------------------------------------------
# exemptions: (entry, argument) -> why a bad value there may fail otherwise. None is needed
# today; an exemption must say why the argument cannot be checked (and stay short).
# ----------------------------------------------------------------------------------------------
EXEMPT: dict[tuple[str, str], str] = {}

#: Entries whose bad inputs are not fuzzed at all (entry -> why). None today.
SKIP_FUZZ: dict[str, str] = {}


# ----------------------------------------------------------------------------------------------
# the fuzz
# ----------------------------------------------------------------------------------------------
class _Hang(BaseException):
    """Raised by the alarm: a bad value made the call run far too long (not caught by `except Exception`)."""


def _alarm(signum, frame):
    raise _Hang()


CALL_TIMEOUT = 20.0  # seconds; every valid call takes well under one


def _bad_values(valid):
    bad = {"a string": "abc", "None": None, "NaN": float("nan"), "inf": float("inf"), "-1": -1, "0": 0,
           "a wrong-shape array": np.full((2, 3, 5), 0.5), "a list of strings": ["a", "b"]}
    a = valid if isinstance(valid, np.ndarray) else None
    if a is None and isinstance(valid, list) and valid and all(isinstance(v, float) for v in valid):
        a = np.asarray(valid)
    if a is not None and a.dtype.kind == "f" and a.size:
        a = a.copy()
        a.flat[0] = np.nan
        bad["the valid array with a NaN"] = a
    return bad


def _names(name, text):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


_TIMER = hasattr(signal, "setitimer")  # not on Windows: no time limit there


def _run(fn, args, kwargs):
    """``None`` if the call works, else the exception it raised (warnings are errors here)."""
    if _TIMER:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, CALL_TIMEOUT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # TensorFlow's and Keras' own deprecation notices are not the course's bugs
            warnings.filterwarnings("ignore", module=r"(keras|tensorflow|tf_keras|absl|google|h5py|ml_dtypes)")
            fn(*args, **kwargs)
    except _Hang:
        return TimeoutError(f"no answer within {CALL_TIMEOUT:.0f} s")
    except Exception as exc:  # noqa: BLE001 - judged by the caller
        return exc
    finally:
        if _TIMER:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return None


def _variants(call):
    """``(argument, label, args, kwargs)`` for every argument and bad value."""
    sig = inspect.signature(call.fn)
    bound = sig.bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    for pname, value in bound.arguments.items():
        kind = sig.parameters[pname].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            targets = [(k, v, pname) for k, v in value.items()]
        else:
            targets = [(pname, value, None)]
        for arg, val, var_kw in targets:
            for label, bad in _bad_values(val).items():
                new = dict(bound.arguments)
                if var_kw is None:
                    new[arg] = bad
                else:
                    new[var_kw] = {**value, arg: bad}
                b = inspect.BoundArguments(sig, new)
                yield arg, label, b.args, b.kwargs


def _short(exc):
    return f"{type(exc).__name__}: {str(exc)[:160]}"


def test_every_module_is_classified():
    unknown = [m for m in _modules() if m not in NUMERIC and not _infrastructure(m)]
    assert not unknown, (f"course_lib modules neither numeric nor infrastructure: {unknown}; give each a table of "
                         "valid calls in tests/audit/<module>.py or add it to INFRASTRUCTURE with a reason")


def test_every_public_callable_has_a_valid_call():
    missing = sorted(set(_public_callables()) - set(ENTRIES))
    assert not missing, f"public callables without an entry in tests/test_api_audit.py: {missing}"
    stale = [e for e in ENTRIES if e.split(":")[0] not in _modules()]
    assert not stale, f"entries of modules that no longer exist: {stale}"
    assert not set(EXEMPT) - {(e, a) for e in ENTRIES for a in _argnames(e)}, "exemption of no argument"


def _argnames(entry):
    call = _build(entry)
    b = inspect.signature(call.fn).bind(*call.args, **call.kwargs)
    b.apply_defaults()
    params = inspect.signature(call.fn).parameters
    names = []
    for k, v in b.arguments.items():
        names += list(v) if params[k].kind is inspect.Parameter.VAR_KEYWORD else [k]
    return names


@pytest.mark.parametrize("entry", ENTRIES)
def test_bad_input_fails_politely(entry):
    if entry in SKIP_FUZZ:
        pytest.skip(SKIP_FUZZ[entry])
    call = _build(entry)
    exc = _run(call.fn, call.args, call.kwargs)
    assert exc is None, f"the valid call of {entry} fails: {_short(exc)}"
    failures = []
    for arg, label, args, kwargs in _variants(call):
        if (entry, arg) in EXEMPT:
            continue
        t0 = time.perf_counter()
        exc = _run(call.fn, args, kwargs)
        if exc is None:
            continue
        if isinstance(exc, (ValueError, TypeError)) and _names(arg, str(exc)) and not isinstance(
                exc, np.linalg.LinAlgError):
            continue
        failures.append(f"{arg}={label}: {_short(exc)} ({time.perf_counter() - t0:.1f} s)")
    assert not failures, f"{entry}: bad input not reported as ValueError/TypeError naming the argument:\n  " + \
        "\n  ".join(failures)


# ----------------------------------------------------------------------------------------------
# no silent broadcasting
# ----------------------------------------------------------------------------------------------
#: entry -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {f"{m}:{k}": pairs for m, table in TABLES.items() for k, pairs in table.MATCHING.items()}


def _mismatch_cases():
    for entry, pairs in MATCHING.items():
        for name, change in pairs:
            yield pytest.param(entry, name, change, id=f"{entry}-{name}-{change.__name__[1:]}")


@pytest.mark.parametrize("entry,arg,change", list(_mismatch_cases()))
def test_mismatched_shapes_raise(entry, arg, change):
    call = _build(entry)
    sig = inspect.signature(call.fn)
    b = sig.bind(*call.args, **call.kwargs)
    b.apply_defaults()
    before = np.shape(b.arguments[arg])
    b.arguments[arg] = change(b.arguments[arg])
    assert np.shape(b.arguments[arg]) != before
    exc = _run(call.fn, b.args, b.kwargs)
    assert isinstance(exc, ValueError) and _names(arg, str(exc)), (
        f"{entry} with {arg} of shape {np.shape(b.arguments[arg])} instead of {before}: "
        f"{'no error (silent broadcasting)' if exc is None else _short(exc)}")

