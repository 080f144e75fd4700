"""The one set of argument checks every module uses.

Each check takes ``(value, name, ...)``, returns the value in a clean form, and raises

* ``TypeError`` when the value has the wrong type (a string where a number is expected,
  a float where an integer is expected, ``1`` where ``True``/``False`` is expected);
* ``ValueError`` when the type is right but the value is not (out of range, not finite,
  an unknown option);

with a message that names the argument and says what was expected, e.g.
``decay_steps must be > 0, got -3.0``. Public functions call them first, then compute.
"""

from __future__ import annotations

import math
import numbers as _numbers

import numpy as np

__all__ = ["number", "positive", "non_negative", "integer", "flag", "choice", "choices", "numbers", "integers",
           "as_float", "real_array", "float_dtype", "seed", "axis", "function"]


def _shown(value, limit: int = 80) -> str:
    s = f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _rule(low, high, low_open, high_open) -> str:
    lo = "" if low is None else (f"> {low}" if low_open else f">= {low}")
    hi = "" if high is None else (f"< {high}" if high_open else f"<= {high}")
    return " and ".join(s for s in (lo, hi) if s)


def number(value, name: str, *, low=None, high=None, low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number (bools refused) within the bounds, as a float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {_shown(value)}")
    v = float(value)
    bad = not math.isfinite(v)
    if low is not None and not bad:
        bad = v <= low if low_open else v < low
    if high is not None and not bad:
        bad = v >= high if high_open else v > high
    if bad:
        rule = _rule(low, high, low_open, high_open)
        if not math.isfinite(v):
            rule = "finite" + (f" and {rule}" if rule else "")
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return v


def positive(value, name: str) -> float:
    """A finite number > 0."""
    return number(value, name, low=0.0, low_open=True)


def non_negative(value, name: str) -> float:
    """A finite number >= 0."""
    return number(value, name, low=0.0)


def integer(value, name: str, low: int | None = 0, high: int | None = None) -> int:
    """An integer (bools and floats refused) in ``[low, high]``; ``low=None`` for no lower bound."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {_shown(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer {_rule(low, high, False, False)}, got {value!r}")
    return int(value)


def flag(value, name: str) -> bool:
    """True or False (numpy bools accepted; 0/1 and strings refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


def choice(value, name: str, options) -> str:
    """One of ``options`` (strings): TypeError for a non-string, ValueError for an unknown one."""
    listed = ", ".join(repr(o) for o in options)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}, got {type(value).__name__} {_shown(value)}")
    if value not in options:
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value


def choices(values, name: str, options) -> tuple:
    """A non-empty tuple or list of names from ``options`` (one name alone is accepted too)."""
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of names from {', '.join(map(repr, options))}, got {_shown(values)}")
    if not values:
        raise ValueError(f"{name} must name at least one of {', '.join(map(repr, options))}, got {values!r}")
    return tuple(choice(v, name, options) for v in values)


def numbers(values, name: str, *, low=None, high=None, low_open: bool = False, high_open: bool = False,
            min_len: int = 1) -> tuple:
    """A flat sequence (list, tuple, range, 1-D array) of finite numbers, as a tuple of floats."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, range, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__} {_shown(values)}")
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers, got shape {values.shape}")
    out = tuple(number(v, name, low=low, high=high, low_open=low_open, high_open=high_open) for v in items)
    if len(out) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} number(s), got {len(out)}")
    return out


def integers(values, name: str, *, low: int | None = 0, high: int | None = None, min_len: int = 0) -> tuple:
    """A flat sequence of integers in ``[low, high]``, as a tuple of ints."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, range, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__} {_shown(values)}")
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    out = tuple(integer(v, name, low=low, high=high) for v in items)
    if len(out) < min_len:
        raise ValueError(f"{name} must hold at least {min_len} integer(s), got {len(out)}")
    return out


def as_float(x, name: str = "x") -> np.ndarray:
    """``x`` as a float array: float32 and float64 kept, other numeric dtypes to float64.

    Non-finite values are allowed (activations and losses define them); see :func:`real_array`.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(x).__name__}")
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a number or an array of numbers ({exc})") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a number or an array of numbers, got dtype {a.dtype}")
    return a if a.dtype in (np.float32, np.float64) else a.astype(np.float64)


def real_array(x, name: str, *, finite: bool = True) -> np.ndarray:
    """``x`` as a float array (booleans refused, integers to float64), finite unless ``finite=False``."""
    a = as_float(x, name)
    if np.asarray(x).dtype.kind == "b":
        raise TypeError(f"{name} must be an array of real numbers, got booleans")
    if finite and not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must contain only finite numbers (no nan or inf)")
    return a


def float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """``np.float32`` or ``np.float64`` (given as a dtype, a type or its name)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, got {_shown(dtype)}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{name} must be float32 or float64, got {dtype!r}")
    return dt


def seed(value, name: str = "seed") -> int | None:
    """``None`` or a non-negative integer seed."""
    return None if value is None else integer(value, name, low=0)


def axis(value, ndim: int, name: str = "axis") -> int:
    """An axis of an array with ``ndim`` dimensions (negative counts from the end), as a non-negative int."""
    v = integer(value, name, low=None)
    if not -ndim <= v < ndim:
        raise ValueError(f"{name} must be in [{-ndim}, {ndim - 1}] for an array of {ndim} dimension(s), got {v}")
    return v % ndim


def function(value, name: str, *, optional: bool = False):
    """A callable (``None`` too when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {type(value).__name__} {_shown(value)}")
    return value
