"""Exercise checkers: run the student's answer and say precisely what is wrong, in Chinese and English.

A checker never needs the rest of the notebook: it carries its own reference and cases,
so a wrong or missing answer never breaks later cells.

* An exercise not attempted yet (the stub raises ``NotImplementedError``, or a by-hand answer
  is still ``None``) prints a hint and returns a falsy :class:`CheckResult`: Run All goes on.
  Under nbgrader's autograder (``NBGRADER_EXECUTION`` set) it raises instead, so an
  unattempted exercise never earns points.
* A wrong answer raises :class:`ExerciseError` naming the case, the expected value and what
  came back. NaN and inf are reported as such; a warning the student's code raises (an
  overflow, say) and an input array it modified are failures too.
* A right answer prints one line and returns a truthy :class:`CheckResult`.

:func:`prediction` prints a committed guess beside the measured value; :func:`pick` chooses the
student's function for a later experiment when it passed its check, the library's otherwise.
"""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Callable, Iterable, Mapping

import numpy as np

__all__ = ["ExerciseError", "CheckResult", "check_function", "check_value", "prediction", "pick", "grading",
           "from_record"]


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


def grading() -> bool:
    """True under nbgrader's autograder or validator (they set ``NBGRADER_EXECUTION``)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


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


def _not_attempted(name: str, how: str):
    msg = (f"✗ {name}: 还没有作答 / not attempted yet. {how}")
    if grading():
        raise ExerciseError(msg)
    print(msg)
    return CheckResult(False)


def _fail(where: str, what_zh: str, what_en: str, hint: str | None = None):
    text = f"✗ {where}\n  {what_zh}\n  {what_en}"
    if hint:
        text += f"\n  提示 / hint: {hint}"
    raise ExerciseError(text)


def _modified(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape
                    and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (list, dict)):
        try:
            return bool(before != after)
        except ValueError:  # lists of arrays
            return any(_modified(b, a) for b, a in zip(before, after)) if isinstance(before, list) else True
    return False


def _call(student, args, kwargs):
    """``(result, warnings recorded, names of modified arguments)``; numpy's floating errors become warnings."""
    pristine = copy.deepcopy((args, kwargs))
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        got = student(*args, **kwargs)
    changed = [f"argument {i + 1}" for i, (a, b) in enumerate(zip(pristine[0], args)) if _modified(a, b)]
    changed += [k for k in kwargs if _modified(pristine[1][k], kwargs[k])]
    return got, [w for w in caught if issubclass(w.category, (RuntimeWarning, UserWarning))], changed


def check_function(student: Callable, reference: Callable | None, cases: Iterable, *, name: str | None = None,
                   rtol: float = 1e-6, atol: float = 1e-8, hint: str | None = None,
                   allow_mutation: bool = False, expected=None) -> CheckResult:
    """Compare ``student(*case)`` with ``reference(*case)`` on every case.

    Parameters
    ----------
    student, reference : callable
        The student's function and the course's answer (each case is given to both as fresh copies).
    cases : iterable
        Each case is a positional argument, a tuple of them, ``(args_tuple, kwargs_dict)``
        or a dict of keyword arguments.
    name : str, optional
        How to call the function in messages (default: ``student.__name__``).
    rtol, atol : float
        Tolerances of ``numpy.allclose``.
    hint : str, optional
        Printed with a failure (e.g. "at step = boundary, Keras keeps the previous value").
    allow_mutation : bool
        Accept a function that changes its input arrays (default: that is a failure).
    expected : list, optional
        The right result of every case, given as values (graded variants' hidden tests hold them,
        so grading never calls the library); ``reference`` may then be ``None``.

    Returns
    -------
    CheckResult
        Truthy when every case matches, falsy when the exercise is not attempted yet.

    Raises
    ------
    ExerciseError
        On the first case whose result differs, that raises, that warns (overflow...) or that
        modifies an input, naming the input, expected and got.
    """
    if not callable(student):
        raise TypeError(f"student must be the function you wrote, got {type(student).__name__}")
    name = name or getattr(student, "__name__", "your function")
    cases = list(cases)
    if not cases:
        raise ValueError("cases must not be empty")
    if expected is None and not callable(reference):
        raise TypeError(f"reference must be the course's function (or give expected=), got {type(reference).__name__}")
    if expected is not None and len(expected) != len(cases):
        raise ValueError(f"expected must hold one result per case ({len(cases)}), got {len(expected)}")
    answers = list(expected) if expected is not None else [
        reference(*copy.deepcopy(a), **copy.deepcopy(k)) for a, k in map(_as_case, cases)]
    _record(name, cases, answers, rtol, atol)
    if reference is not None and _calls(student, reference):
        _fail(f"{name}", f"你的函数直接调用了课程库的答案 {getattr(reference, '__name__', reference)}：请自己写出公式",
              f"your function calls the course's answer {getattr(reference, '__name__', reference)}: write the "
              "formula yourself", hint)
    for i, (case, want) in enumerate(zip(cases, answers), 1):
        args, kwargs = _as_case(case)
        where = f"{name}: 第 {i} 个用例 / case {i}: {name}({_describe_args(args, kwargs)})"
        try:
            got, caught, changed = _call(student, *copy.deepcopy((args, kwargs)))
        except NotImplementedError:
            return _not_attempted(name, "把 `raise NotImplementedError()` 换成你的代码再运行。 / "
                                        "Replace `raise NotImplementedError()` with your code and run again.")
        except Exception as exc:  # the student's error, reported with the case that caused it
            _fail(where, f"你的代码抛出了 {type(exc).__name__}: {exc}", f"your code raised {type(exc).__name__}: {exc}",
                  hint)
        warned = (f"{caught[0].category.__name__}: {caught[0].message}" if caught else "")
        try:
            _compare(where, want, got, rtol, atol, hint)
        except ExerciseError as exc:
            if warned:
                raise ExerciseError(f"{exc}\n  你的代码还发出了警告 / your code also warned: {warned}") from None
            raise
        if warned:
            _fail(where, f"你的代码发出了警告 {warned}（例如溢出：换一种不会溢出的算法）",
                  f"your code raised a warning {warned} (e.g. an overflow: compute it in a way that cannot overflow)",
                  hint)
        if changed and not allow_mutation:
            _fail(where, f"你的代码修改了输入（{', '.join(changed)}）：先复制，或返回新数组",
                  f"your code modified its input ({', '.join(changed)}): work on a copy or return a new array", hint)
    print(f"✓ {name}: 全部 {len(cases)} 个用例正确 / all {len(cases)} case{'s' if len(cases) > 1 else ''} match.")
    return CheckResult(True)


def _calls(student, reference) -> bool:
    """Does ``student``'s code name ``reference`` itself (directly, or in a nested function or lambda)?"""
    code = getattr(student, "__code__", None)
    glob = getattr(student, "__globals__", {})
    if code is None or student is reference:
        return student is reference
    targets = {id(reference), id(getattr(reference, "__wrapped__", reference))}
    stack = [code]
    import types

    while stack:
        c = stack.pop()
        found = [glob.get(n) for n in c.co_names]
        for mod in [o for o in found if isinstance(o, types.ModuleType)]:  # A.sigmoid_grad(x)
            found += [getattr(mod, n, None) for n in c.co_names]
        if any(id(o) in targets for o in found):
            return True
        stack += [k for k in c.co_consts if hasattr(k, "co_names")]
    return False


def _record(name, cases, answers, rtol, atol) -> None:
    """With ``NN_OPT_LAB_RECORD_CHECKS=<file>``, append each check's cases and right answers (JSON lines):
    the release tool turns them into hidden tests with fixed values."""
    path = os.environ.get("NN_OPT_LAB_RECORD_CHECKS")
    if not path:
        return
    import json

    def plain(v):
        if isinstance(v, np.ndarray):
            return {"__ndarray__": v.tolist(), "dtype": str(v.dtype)}
        if isinstance(v, (np.floating, np.integer, np.bool_)):
            return v.item()
        if isinstance(v, (list, tuple)):
            return {"__tuple__": [plain(x) for x in v]} if isinstance(v, tuple) else [plain(x) for x in v]
        if isinstance(v, dict):
            return {"__dict__": {k: plain(x) for k, x in v.items()}}
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        raise TypeError(type(v).__name__)

    try:
        row = {"name": name, "cases": [plain(c) for c in cases], "expected": [plain(a) for a in answers],
               "rtol": rtol, "atol": atol}
    except TypeError as exc:  # a case holds an object JSON cannot keep (a model, a function)
        row = {"name": name, "unrecordable": str(exc)}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def from_record(value):
    """Undo :func:`_record`'s JSON form (used by graded variants' hidden tests)."""
    if isinstance(value, list):
        return [from_record(v) for v in value]
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.array(value["__ndarray__"], dtype=value["dtype"])
        if "__tuple__" in value:
            return tuple(from_record(v) for v in value["__tuple__"])
        if "__dict__" in value:
            return {k: from_record(v) for k, v in value["__dict__"].items()}
    return value


def check_value(got, expected, *, name: str = "your answer", rtol: float = 1e-6, atol: float = 1e-8,
                hint: str | None = None) -> CheckResult:
    """Compare one value (a number or an array), e.g. one computed by hand; ``None`` means not attempted."""
    if got is None or got is Ellipsis:
        return _not_attempted(name, "把 None 换成你的答案再运行。 / Replace None with your answer and run again.")
    _compare(name, expected, got, rtol, atol, hint)
    print(f"✓ {name}: 正确 / right.")
    return CheckResult(True)


def _nonfinite(a) -> str:
    bad = []
    if np.isnan(a).any():
        bad.append("NaN")
    if np.isinf(a).any():
        bad.append("inf")
    return " and ".join(bad)


def _compare(where, expected, got, rtol, atol, hint=None):
    exp = np.asarray(expected)
    try:
        g = np.asarray(got, dtype=exp.dtype if exp.dtype.kind in "fc" else None)
    except (TypeError, ValueError) as exc:
        _fail(where, f"期望 {_show(expected)}，得到 {_show(got)}（{exc}）",
              f"expected {_show(expected)}, got {_show(got)} ({exc})", hint)
    if g.shape != exp.shape:
        _fail(where, f"形状不对：期望 {exp.shape}，得到 {g.shape}",
              f"wrong shape: expected {exp.shape}, got {g.shape} (expected {_show(exp)}, got {_show(g)})", hint)
    if exp.dtype.kind in "fciub" and g.dtype.kind in "fciub":
        gf, ef = g.astype(float), exp.astype(float)
        if not np.allclose(gf, ef, rtol=rtol, atol=atol, equal_nan=True):
            extra = _nonfinite(gf[~np.isnan(ef) & ~np.isinf(ef)]) if ef.size else ""
            if extra:
                detail = f"your result contains {extra} where the expected value is finite"
                detail_zh = f"你的结果里有 {extra}，而期望值是有限数"
            else:
                both = np.isfinite(gf) & np.isfinite(ef)
                diff = float(np.max(np.abs(gf[both] - ef[both]))) if both.any() else float("nan")
                detail, detail_zh = f"largest difference {diff:.3g}", f"最大差 {diff:.3g}"
            _fail(where, f"期望 {_show(exp)}，得到 {_show(g)}（{detail_zh}）",
                  f"expected {_show(exp)}, got {_show(g)} ({detail})", hint)
    elif not np.array_equal(g, exp):
        _fail(where, f"期望 {_show(exp)}，得到 {_show(g)}", f"expected {_show(exp)}, got {_show(g)}", hint)


def prediction(guess, actual, *, name: str = "prediction", fmt: str = "{:.3g}") -> None:
    """Print the student's committed guess beside the measured value.

    ``guess`` ``None`` means no guess was written (the measurement is still shown). Numbers
    are printed with ``fmt``; anything else with ``str``.
    """
    def show(v):
        return fmt.format(v) if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
            else str(v)

    if guess is None or guess is Ellipsis:
        print(f"{name}: 你还没有写下预测 / no prediction written · 实测 measured: {show(actual)}")
        return
    print(f"{name}: 你的预测 your prediction: {show(guess)} · 实测 measured: {show(actual)}")


def pick(student_fn: Callable, library_fn: Callable, passed, *, name: str | None = None) -> Callable:
    """The function a later experiment uses: the student's when it passed its check, the library's otherwise.

    Prints which one is used, so the reader knows whose numbers follow.
    """
    name = name or getattr(student_fn, "__name__", "your function")
    if passed:
        print(f"→ 下面的实验用你的 {name} / the experiment below uses your {name}.")
        return student_fn
    lib = getattr(library_fn, "__qualname__", getattr(library_fn, "__name__", "the library's function"))
    print(f"→ {name} 还没有通过检查，下面的实验用课程库的 {lib} / {name} has not passed its check yet: "
          f"the experiment below uses the library's {lib}.")
    return library_fn
