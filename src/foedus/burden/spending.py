"""The spending panel: one row per alliance member and year, each value with its series.

Members are taken from the commitment model (legal view unless ``view="atop"``): a state
counts in a year if it is a member at any time during that year. Series, never mixed:

- ``sipri`` — SIPRI military expenditure (current and constant 2023 US$; share of GDP in
  percent), 1949-2024, with World Bank WDI GDP (current US$, 1960-2023); where WDI has no
  value (2024, the 1950s, a few states), GDP is derived from SIPRI's spending and share
  (milex / share), labelled ``derived_sipri``;
- ``nato`` — NATO's own figures, 2012-2019 (definitions differ from SIPRI's; 2018-2019 are
  NATO estimates), with the share of equipment spending; GDP from WDI;
- ``nmc`` — the long run: NMC 7.0 military expenditure (thousands of current US$; pounds
  sterling before 1914) over Maddison GDP (2011 international $, PPP) — an approximation
  across units, labelled as one.

Population: NMC total population to 2022, else Maddison (to 2018), then the last known value
carried forward and flagged. Gaps stay gaps: a member without data in a year keeps a null.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from foedus.data.store import connect
from foedus.errors import DateOutOfRangeError, ParameterError
from foedus.model.commitments import Treaty
from foedus.model.system import CommitmentSystem

__all__ = ["SERIES", "SERIES_DATASETS", "members_by_year", "spending_panel"]

Series = Literal["sipri", "nato", "nmc"]
SERIES: dict[str, tuple[int, int]] = {"sipri": (1949, 2024), "nato": (2012, 2019),
                                      "nmc": (1816, 2022)}
SERIES_DATASETS: dict[str, tuple[str, ...]] = {
    "sipri": ("sipri_milex", "wdi_gdp", "nmc_7", "maddison"),
    "nato": ("nato_milex", "wdi_gdp", "nmc_7", "maddison"),
    "nmc": ("nmc_7", "maddison"),
}


def members_by_year(treaty: Treaty, start: int, end: int) -> pd.DataFrame:
    """(ccode, year) for every state that is a member at any time during each year."""
    rows = []
    for m in treaty.members:
        first = max(start, m.start.year if m.start else start)
        last = min(end, (m.end - pd.Timedelta(days=1)).year if m.end else end)
        rows.extend((m.state, y) for y in range(first, last + 1))
    frame = pd.DataFrame(rows, columns=["ccode", "year"]).drop_duplicates()
    return frame.sort_values(["year", "ccode"]).reset_index(drop=True)


def _series_values(con, series: str) -> pd.DataFrame:
    if series == "sipri":
        frame = con.execute("""
            SELECT s.ccode, s.year, s.milex_current_usd_m * 1e6 AS milex_usd,
                   s.milex_constant2023_usd_m * 1e6 AS milex_constant2023_usd,
                   s.milex_share_gdp_pct AS milex_share_gdp, w.gdp_current_usd AS gdp_usd
            FROM spending_sipri s LEFT JOIN gdp_wdi w USING (ccode, year)""").df()
        frame["gdp_source"] = np.where(frame["gdp_usd"].notna(), "wdi", None)
        derive = frame["gdp_usd"].isna() & (frame["milex_share_gdp"] > 0)
        frame.loc[derive, "gdp_usd"] = (frame.loc[derive, "milex_usd"]
                                        / (frame.loc[derive, "milex_share_gdp"] / 100))
        frame.loc[derive & frame["gdp_usd"].notna(), "gdp_source"] = "derived_sipri"
        return frame
    if series == "nato":
        frame = con.execute("""
            SELECT n.ccode, n.year, n.milex_current_usd AS milex_usd,
                   n.milex_share_gdp_pct AS milex_share_gdp,
                   n.equipment_share_pct AS equipment_share, n.estimate AS nato_estimate,
                   w.gdp_current_usd AS gdp_usd
            FROM spending_nato n LEFT JOIN gdp_wdi w USING (ccode, year)""").df()
        frame["gdp_source"] = np.where(frame["gdp_usd"].notna(), "wdi", None)
        return frame
    frame = con.execute("""
        SELECT c.ccode, c.year, c.milex * 1000 AS milex_usd,
               m.gdppc_2011ppp * m.pop_thousands * 1000 AS gdp_usd
        FROM capabilities c LEFT JOIN gdp_maddison m USING (ccode, year)
        WHERE c.nmc_version = '7.0'""").df()
    frame["milex_share_gdp"] = frame["milex_usd"] / frame["gdp_usd"] * 100
    frame["gdp_source"] = np.where(frame["gdp_usd"].notna(), "maddison_ppp", None)
    return frame


def _population(con, keys: pd.DataFrame) -> pd.DataFrame:
    nmc = con.execute("SELECT ccode, year, tpop * 1000 AS population FROM capabilities "
                      "WHERE nmc_version = '7.0' AND tpop IS NOT NULL").df()
    mad = con.execute("SELECT ccode, year, pop_thousands * 1000 AS population "
                      "FROM gdp_maddison WHERE pop_thousands IS NOT NULL").df()
    out = keys.merge(nmc, on=["ccode", "year"], how="left")
    out["population_source"] = np.where(out["population"].notna(), "nmc", None)
    gap = out["population"].isna()
    filled = out.loc[gap, ["ccode", "year"]].merge(mad, on=["ccode", "year"], how="left")
    out.loc[gap, "population"] = filled["population"].to_numpy()
    out.loc[gap & out["population"].notna(), "population_source"] = "maddison"
    known = pd.concat([nmc, mad]).sort_values("year").drop_duplicates("ccode", keep="last")
    last = known.set_index("ccode")
    carry = out["population"].isna() & out["ccode"].isin(last.index)
    carry &= out["year"] > out["ccode"].map(last["year"])
    out.loc[carry, "population"] = out.loc[carry, "ccode"].map(last["population"])
    out.loc[carry, "population_source"] = "carried_forward"
    return out


def spending_panel(alliance: Treaty, start: int, end: int, *, series: Series = "sipri",
                   system: CommitmentSystem | None = None) -> pd.DataFrame:
    """Member-years of ``alliance`` in ``start..end`` with spending, GDP and population.

    Columns: ccode, iso3, abb, name, year, milex_usd, milex_share_gdp (percent), gdp_usd,
    gdp_source, population, population_source, series (and, per series, constant 2023 US$
    for SIPRI; equipment_share and nato_estimate for NATO). Values outside the series'
    coverage are null.
    """
    if series not in SERIES:
        raise ParameterError(f"series must be one of {', '.join(SERIES)}; got {series!r}.")
    if end < start:
        raise ParameterError(f"the span ends ({end}) before it starts ({start}).")
    lo, hi = SERIES[series]
    if end < lo or start > hi:
        raise DateOutOfRangeError(f"the {series} series covers {lo}-{hi}; {start}-{end} lies "
                                  "outside.")
    keys = members_by_year(alliance, start, end)
    if keys.empty:
        raise DateOutOfRangeError(f"{alliance.name} has no members in {start}-{end}.")
    with connect() as con:
        values = _series_values(con, series)
        population = _population(con, keys)
        states = con.execute("SELECT ccode, iso3, abb, name FROM states").df()
    frame = keys.merge(states, on="ccode", how="left").merge(values, on=["ccode", "year"],
                                                            how="left")
    frame = frame.merge(population, on=["ccode", "year"], how="left")
    outside = (frame["year"] < lo) | (frame["year"] > hi)
    for col in ("milex_usd", "milex_share_gdp"):
        frame.loc[outside, col] = np.nan
    frame["series"] = series
    frame.attrs.update(alliance=alliance.id, alliance_name=alliance.name, series=series,
                       datasets=list(SERIES_DATASETS[series]))
    return frame.sort_values(["year", "ccode"]).reset_index(drop=True)
