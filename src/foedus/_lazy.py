"""pandas, and a package's heavier names, imported on first use (issue 17).

A module that uses pandas only inside its functions imports :data:`pandas` from here as
``pd``: importing the module then does not import pandas (a third of a second of a new
process's start), and the crisis compile, which needs none of it
(:mod:`foedus.crisis.compile`), never pays for it. Annotations are strings (``from
__future__ import annotations``); the first attribute read (``pd.DataFrame``) imports
pandas and every later one is pandas' own attribute.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["lazy_attributes", "pandas"]


class _Pandas:
    """A stand-in for the :mod:`pandas` module that imports it on first use.

    Each attribute is looked up in pandas once and then kept on the stand-in: a later read
    (``pd.isna`` in a loop over rows) is a plain attribute read, not this method's import
    statement (0.7 µs a read against 0.02).
    """

    def __getattr__(self, name: str):
        import pandas as module  # noqa: PLC0415 -- imported on first use: this module's point

        value = getattr(module, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return "<pandas, imported on first use>"


pandas = _Pandas()


def lazy_attributes(package: str, names: dict[str, str], exported):
    """A package's ``__getattr__`` and ``__dir__`` (PEP 562) that import each of ``names``
    (name to the package's submodule defining it) on first use, then keep it.

    Parameters
    ----------
    package
        The package's ``__name__``.
    names
        Attribute name to the submodule (relative to ``package``) that defines it.
    exported
        The package's ``__all__`` (listed by ``dir``).

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``, to assign in the package's ``__init__``.
    """
    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exported})

    return __getattr__, __dir__
