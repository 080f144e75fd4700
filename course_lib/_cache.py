"""``functools.lru_cache`` whose error for an unhashable argument names the argument.

A cached function given a list or an array (``dots_view(lam=[0.03])``) would fail inside
``functools`` with ``TypeError: unhashable type: 'list'``, which does not say which argument
is wrong. :func:`lru_cache` checks the arguments first and says so; otherwise it is
``functools.lru_cache`` (``cache_info``, ``cache_clear`` and ``__wrapped__`` included).
"""

from __future__ import annotations

import functools
import inspect


def lru_cache(maxsize=128):
    def decorate(fn):
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError:
                return cached(*args, **kwargs)  # a missing or unknown argument: Python's own message
            for name, value in bound.arguments.items():
                try:
                    hash(value)
                except TypeError:
                    raise TypeError(f"{name} must be hashable (a number, a string or a tuple: {fn.__name__} caches "
                                    f"its results), got {type(value).__name__}") from None
            return cached(*args, **kwargs)

        wrapper.cache_info = cached.cache_info
        wrapper.cache_clear = cached.cache_clear
        return wrapper

    return decorate
