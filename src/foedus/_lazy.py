"""pandas, imported on first use (issue 17).

A module that uses pandas only inside its functions imports :data:`pandas` from here as
``pd``: importing the module then does not import pandas (a third of a second of a new
process's start), and the crisis compile, which needs none of it
(:mod:`foedus.crisis.compile`), never pays for it. Annotations are strings (``from
__future__ import annotations``); the first attribute read (``pd.DataFrame``) imports
pandas and every later one is pandas' own attribute.
"""

from __future__ import annotations

__all__ = ["pandas"]


class _Pandas:
    """A stand-in for the :mod:`pandas` module that imports it on first use."""

    def __getattr__(self, name: str):
        import pandas as module  # noqa: PLC0415 -- imported on first use: this module's point

        return getattr(module, name)

    def __repr__(self) -> str:
        return "<pandas, imported on first use>"


pandas = _Pandas()
