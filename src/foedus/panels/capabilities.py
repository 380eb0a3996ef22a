"""``add_cinc`` and ``add_majors``: NMC capabilities and COW major-power status."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from foedus.data.store import connect
from foedus.measures.capability import NMC_COMPONENTS
from foedus.panels._join import attach_state_values, suffixed
from foedus.panels.panel import ColumnInfo, Panel, PanelError

__all__ = ["add_cinc", "add_majors"]

_DESCRIPTIONS = {
    "milex": "military expenditure (NMC; thousands of current US$, pounds before 1914)",
    "milper": "military personnel (NMC; thousands)",
    "irst": "iron and steel production (NMC; thousands of tons)",
    "pec": "primary energy consumption (NMC; thousands of coal-ton equivalents)",
    "tpop": "total population (NMC; thousands)",
    "upop": "urban population (NMC; thousands)",
    "cinc": "Composite Index of National Capability (NMC published column)",
}


def add_cinc(panel: Panel, *, version: Literal["7.0", "6.0"] = "7.0") -> Panel:
    """NMC components and CINC for each state (``cinc1``, ``cinc2``… on dyad-years).

    NMC 7.0 (to 2022) by default, 6.0 (to 2016) on request (Singer, Bremer & Stuckey 1972);
    years outside the version's coverage are null.
    """
    if version not in ("7.0", "6.0"):
        raise PanelError(f"NMC version must be 7.0 or 6.0; got {version!r}.")
    columns = [*NMC_COMPONENTS, "cinc"]
    with connect() as con:
        values = con.execute(f"SELECT ccode, year, {', '.join(columns)} FROM capabilities "
                             "WHERE nmc_version = ?", [version]).df()
    frame = attach_state_values(panel, values, columns)
    name = "nmc_7" if version == "7.0" else "nmc_6"
    info = {out: ColumnInfo(f"{_DESCRIPTIONS[c]}, NMC {version}", (name,))
            for c in columns for out in suffixed(panel, c)}
    return panel.with_columns(frame, info)


def add_majors(panel: Panel) -> Panel:
    """``majpow`` (1/0): a COW major power at any time in the year (v2016; null after 2016)."""
    with connect() as con:
        spells = con.execute("SELECT ccode, year(start_date) AS first, year(end_date) AS last "
                             "FROM major_powers").df()
    keys = panel.frame[["year"]].drop_duplicates()
    rows = []
    for spell in spells.itertuples(index=False):
        years = keys["year"][(keys["year"] >= spell.first) & (keys["year"] <= spell.last)]
        rows.append(pd.DataFrame({"ccode": spell.ccode, "year": years, "majpow": 1}))
    majors = pd.concat(rows, ignore_index=True).drop_duplicates(["ccode", "year"])
    frame = attach_state_values(panel, majors, ["majpow"])
    beyond = frame["year"].to_numpy() > 2016
    for col in suffixed(panel, "majpow"):
        values = frame[col].to_numpy(dtype=np.int8, na_value=0)
        frame[col] = pd.arrays.IntegerArray(values, beyond)
    info = {c: ColumnInfo("COW major power in the year (1/0; null after 2016)",
                          ("cow_majors",)) for c in suffixed(panel, "majpow")}
    return panel.with_columns(frame, info)
