"""Import shims for names that moved (kept for one release, with a ``DeprecationWarning``).

A module whose names moved sets ``__getattr__ = moved(__name__, "new.module", names)``; the
old import path keeps working and tells the caller where the name lives now.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["moved", "warn_moved"]


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is now ``new`` (a ``DeprecationWarning``, removed next release)."""
    warnings.warn(f"{old} moved to {new}; the old name is kept for one release.",
                  DeprecationWarning, stacklevel=stacklevel)


def moved(module: str, target: str | dict[str, str], names: Iterable[str] = ()
          ) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``names`` from ``target`` with a warning.

    ``target`` is one module for every name, or a mapping name → module.
    """
    where = dict(target) if isinstance(target, dict) else dict.fromkeys(names, target)

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warn_moved(f"{module}.{name}", f"{where[name]}.{name}")
        return getattr(importlib.import_module(where[name]), name)

    return __getattr__
