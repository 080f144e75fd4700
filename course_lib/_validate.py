"""Argument checks shared by the chapter modules: each error names the argument and what was expected."""

from __future__ import annotations

import numpy as np


def as_float(x, name: str = "x"):
    """``x`` as a float array (float32 and float64 kept, anything else numeric to float64); TypeError otherwise."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(x).__name__}")
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be a number or an array of numbers ({exc})") from None
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a number or an array of numbers, got dtype {a.dtype}")
    return a if a.dtype in (np.float32, np.float64) else a.astype(np.float64)


def integer(value, name: str, low: int = 0, high: int | None = None) -> int:
    """An integer (bools refused) in ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        expected = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {expected}, got {value!r}")
    return int(value)


def flag(value, name: str) -> bool:
    """True or False (numpy bools accepted; 0/1 and strings refused)."""
    if not isinstance(value, (bool, np.bool_)):
        shown = f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)
        raise TypeError(f"{name} must be True or False, got {shown}")
    return bool(value)
