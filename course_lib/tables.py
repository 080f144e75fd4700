"""Text tables for notebook output: aligned columns, and differences printed so they hold on any CPU.

Saved outputs are compared on whatever machine runs the tests, so a printed difference
between two implementations is a *verdict* ("< 1e-06") when it is round-off, not float32
last digits that depend on the BLAS kernel (:func:`diff_text`).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _check

__all__ = ["format_table", "diff_text"]


def format_table(rows, headers, fmt="{:.5g}") -> str:
    """Rows as an aligned text table (every column right-aligned, a rule under the headers).

    Parameters
    ----------
    rows : list of tuples
        One tuple of ``len(headers)`` values per row; ``None`` prints as ``-``.
    headers : list of str
    fmt : str or list of str
        How floats are printed: one format for every column, or one per column
        (``None`` in the list: ``str(value)``). Other values print with ``str``.
    """
    if isinstance(headers, (str, bytes)) or not isinstance(headers, (tuple, list)):
        raise TypeError(f"headers must be a list of column titles, got {headers!r}")
    fmts = list(fmt) if isinstance(fmt, (list, tuple)) else [fmt] * len(headers)
    if len(fmts) != len(headers) or not all(f is None or isinstance(f, str) for f in fmts):
        raise TypeError(f"fmt must be a format string such as '{{:.5g}}' or one per column, got {fmt!r}")
    if isinstance(rows, (str, bytes)) or not isinstance(rows, (tuple, list)) or any(
            isinstance(r, (str, bytes)) or not isinstance(r, (tuple, list)) or len(r) != len(headers) for r in rows):
        raise TypeError(f"rows must be a list of rows of len(headers) = {len(headers)} values, got {rows!r}")
    cells = [[str(h) for h in headers]]
    for r in rows:
        cells.append(["-" if v is None else (f.format(v) if f and isinstance(v, (float, np.floating)) else str(v))
                      for v, f in zip(r, fmts)])
    widths = [max(len(c[i]) for c in cells) for i in range(len(headers))]
    lines = ["  ".join(c[i].rjust(widths[i]) for i in range(len(headers))) for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def diff_text(d, tol: float = 1e-12) -> str:
    """A difference as printed: below ``tol`` it reads ``"< 1e-12"`` (the same on every machine),
    otherwise ``"1.2e-05"``; ``(float32)`` is added to tolerances above 1e-9."""
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, numbers.Real):
        raise TypeError(f"d must be a real number (a difference), got {type(d).__name__} {d!r}"[:200])
    tol = _check.positive(tol, "tol")
    d = float(d)
    if d != d:
        return "nan"
    if d < tol:
        return f"< {tol:.0e}" + (" (float32)" if tol > 1e-9 else "")
    return f"{d:.1e}"
