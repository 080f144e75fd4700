"""Exercise checkers: run the student's function on cases and say precisely what is wrong.

A checker never needs the rest of the notebook: it carries its own reference and cases,
so a wrong or missing answer never breaks later cells.

* An exercise not attempted yet (the stub raises ``NotImplementedError``) prints a hint
  and returns ``False``: the notebook still runs top to bottom.
* A wrong answer raises :class:`ExerciseError` naming the case, the expected value and
  what the function returned.
* A right answer prints one line and returns ``True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

__all__ = ["ExerciseError", "CheckResult", "check_function", "check_value"]


class ExerciseError(AssertionError):
    """A student's answer gave a wrong result; the message says on which case."""


class CheckResult:
    """Truthy when the exercise passed; shows nothing in a notebook (the checker already printed)."""

    def __init__(self, ok: bool):
        self.ok = bool(ok)

    def __bool__(self):
        return self.ok

    def __eq__(self, other):
        return bool(self) == other

    __hash__ = None

    def __repr__(self):
        return f"CheckResult(ok={self.ok})"

    def _ipython_display_(self):
        pass


def _show(v, limit=120) -> str:
    if isinstance(v, np.ndarray):
        s = np.array2string(v, precision=6, threshold=12, separator=", ")
    else:
        s = repr(v)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _describe_args(args, kwargs) -> str:
    parts = [_show(a, 60) for a in args] + [f"{k}={_show(v, 60)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _as_case(case):
    """A case is ``args``, ``(args, kwargs)`` or a dict of keyword arguments."""
    if isinstance(case, Mapping):
        return (), dict(case)
    if isinstance(case, tuple) and len(case) == 2 and isinstance(case[1], Mapping) and isinstance(case[0], tuple):
        return case[0], dict(case[1])
    if isinstance(case, tuple):
        return case, {}
    return (case,), {}


def check_function(student: Callable, reference: Callable, cases: Iterable, *, name: str | None = None,
                   rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """Compare ``student(*case)`` with ``reference(*case)`` on every case.

    Parameters
    ----------
    student, reference : callable
        The student's function and the course's answer.
    cases : iterable
        Each case is a positional argument, a tuple of them, ``(args_tuple, kwargs_dict)``
        or a dict of keyword arguments.
    name : str, optional
        How to call the function in messages (default: ``student.__name__``).
    rtol, atol : float
        Tolerances of ``numpy.allclose``.

    Returns
    -------
    CheckResult
        Truthy when every case matches, falsy when the exercise is not attempted yet.

    Raises
    ------
    ExerciseError
        On the first case whose result differs, naming the input, expected and got.
    """
    if not callable(student):
        raise TypeError(f"student must be the function you wrote, got {type(student).__name__}")
    name = name or getattr(student, "__name__", "your function")
    cases = list(cases)
    if not cases:
        raise ValueError("cases must not be empty")
    for i, case in enumerate(cases, 1):
        args, kwargs = _as_case(case)
        expected = reference(*args, **kwargs)
        try:
            got = student(*args, **kwargs)
        except NotImplementedError:
            print(f"✗ {name}: not implemented yet. Replace `raise NotImplementedError()` with your code and run again.")
            return CheckResult(False)
        except Exception as exc:  # the student's error, reported with the case that caused it
            raise ExerciseError(f"{name}: case {i} ({name}({_describe_args(args, kwargs)})) raised "
                                f"{type(exc).__name__}: {exc}") from exc
        _compare(name, i, args, kwargs, expected, got, rtol, atol)
    print(f"✓ {name}: all {len(cases)} cases match the reference.")
    return CheckResult(True)


def check_value(got, expected, *, name: str = "your answer", rtol: float = 1e-6, atol: float = 1e-8) -> bool:
    """Compare one value (a number or an array) with the expected one."""
    _compare(name, None, (), {}, expected, got, rtol, atol)
    print(f"✓ {name} is right.")
    return CheckResult(True)


def _compare(name, i, args, kwargs, expected, got, rtol, atol):
    where = f"case {i} ({name}({_describe_args(args, kwargs)}))" if i is not None else name
    exp = np.asarray(expected)
    try:
        g = np.asarray(got, dtype=exp.dtype if exp.dtype.kind in "fc" else None)
    except (TypeError, ValueError) as exc:
        raise ExerciseError(f"{where}: expected {_show(expected)}, got {_show(got)} ({exc})") from None
    if g.shape != exp.shape:
        raise ExerciseError(f"{where}: expected shape {exp.shape}, got shape {g.shape} "
                            f"(expected {_show(exp)}, got {_show(g)})")
    if exp.dtype.kind in "fciub":
        if not np.allclose(g, exp, rtol=rtol, atol=atol, equal_nan=True):
            diff = np.nanmax(np.abs(g.astype(float) - exp.astype(float))) if exp.size else 0.0
            raise ExerciseError(f"{where}: expected {_show(exp)}, got {_show(g)} (largest difference {diff:.3g})")
    elif not np.array_equal(g, exp):
        raise ExerciseError(f"{where}: expected {_show(exp)}, got {_show(g)}")
