"""The units of analysis: state-years and dyad-years over COW system membership.

COW system membership (v2016) ends in 2016. Later years carry the 2016 membership forward,
as peacesciencer does, and the panel says so in its notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.data.store import connect
from foedus.panels.panel import ColumnInfo, Panel, PanelError

__all__ = ["COW_LAST_YEAR", "create_dyad_years", "create_state_years", "system_years"]

COW_LAST_YEAR = 2016
FIRST_YEAR = 1816
CARRIED = ("COW system membership ends in 2016; membership in later years is the 2016 "
           "membership carried forward")


def _check_years(start: int, end: int) -> None:
    if start < FIRST_YEAR:
        raise PanelError(f"panels start in {FIRST_YEAR} (COW system membership); got {start}.")
    if end < start:
        raise PanelError(f"the panel ends ({end}) before it starts ({start}).")
    if end > 2100:
        raise PanelError(f"{end} is not a year foedus can build a panel for.")


def system_years(start: int, end: int) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """(ccode, year) of every system member in ``start..end``, carried forward past 2016."""
    _check_years(start, end)
    with connect() as con:
        frame = con.execute("SELECT ccode, year FROM system_membership WHERE year BETWEEN ? "
                            "AND ? ORDER BY year, ccode",
                            [start, min(end, COW_LAST_YEAR)]).df()
        notes: tuple[str, ...] = ()
        if end > COW_LAST_YEAR:
            last = con.execute("SELECT ccode FROM system_membership WHERE year = ? "
                               "ORDER BY ccode", [COW_LAST_YEAR]).df()["ccode"].to_numpy()
            first = max(start, COW_LAST_YEAR + 1)
            years = np.arange(first, end + 1)
            extra = pd.DataFrame({"ccode": np.tile(last, len(years)),
                                  "year": np.repeat(years, len(last))})
            frame = pd.concat([frame, extra], ignore_index=True)
            notes = (CARRIED,)
    frame = frame.astype({"ccode": "int32", "year": "int32"})
    return frame, notes


def create_state_years(start: int = FIRST_YEAR, end: int = 2018) -> Panel:
    """One row per state in the COW system per year (``ccode``, ``year``)."""
    frame, notes = system_years(start, end)
    columns = {"ccode": ColumnInfo("COW state code", ("cow_system",)),
               "year": ColumnInfo("year", ("cow_system",))}
    return Panel(frame, "state_year", True, start, end, columns, notes)


def create_dyad_years(start: int = FIRST_YEAR, end: int = 2018, *,
                      directed: bool = True) -> Panel:
    """Every pair of system members per year: ordered pairs (directed, the default, as in
    peacesciencer) or ``ccode1 < ccode2`` (non-directed)."""
    states, notes = system_years(start, end)
    parts = []
    for year, group in states.groupby("year", sort=True):
        codes = group["ccode"].to_numpy()
        a, b = np.meshgrid(codes, codes, indexing="ij")
        keep = a < b if not directed else a != b
        parts.append(pd.DataFrame({"ccode1": a[keep], "ccode2": b[keep],
                                   "year": np.int32(year)}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"ccode1": [], "ccode2": [], "year": []})
    frame = frame.astype({"ccode1": "int32", "ccode2": "int32", "year": "int32"})
    columns = {"ccode1": ColumnInfo("COW code of the first state", ("cow_system",)),
               "ccode2": ColumnInfo("COW code of the second state", ("cow_system",)),
               "year": ColumnInfo("year", ("cow_system",))}
    return Panel(frame, "dyad_year", directed, start, end, columns, notes)
