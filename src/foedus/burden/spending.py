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

from numbers import Integral
from typing import Literal

import numpy as np
import pandas as pd

from foedus._validation import Interval, Options, TypeOf, validate_params
from foedus.data import queries
from foedus.data.store import connect
from foedus.errors import DateOutOfRangeError, ParameterError
from foedus.model.commitments import Treaty
from foedus.registry import check_years, dataset

__all__ = ["SERIES", "SERIES_DATASETS", "members_by_year", "spending_panel"]

Series = Literal["sipri", "nato", "nmc"]
#: The dataset whose coverage bounds each series (the registry's first and last years).
SERIES_COVERAGE: dict[str, str] = {"sipri": "sipri_milex", "nato": "nato_milex", "nmc": "nmc_7"}
SERIES: dict[str, tuple[int, int]] = {
    s: (dataset(d).first_year, dataset(d).last_year)  # type: ignore[misc]
    for s, d in SERIES_COVERAGE.items()}
#: The first year of the default span: the Wales summit's 2% guideline (NATO, Wales Summit
#: Declaration, 5 September 2014, para. 14).
DEFAULT_START = 2014


def default_years(series: str) -> tuple[int, int]:
    """The default span of a series (``foedus burden`` and ``GET /api/burden`` without years).

    From :data:`DEFAULT_START` (or the series' first year, if later) to the series' last
    year in the registry.

    >>> default_years("nato")[0]
    2014
    """
    first, last = SERIES[series]
    return max(DEFAULT_START, first), last


SERIES_DATASETS: dict[str, tuple[str, ...]] = {
    "sipri": ("sipri_milex", "wdi_gdp", "nmc_7", "maddison"),
    "nato": ("nato_milex", "wdi_gdp", "nmc_7", "maddison"),
    "nmc": ("nmc_7", "maddison"),
}


_TREATY = TypeOf(Treaty, "a Treaty of the commitment model")
_YEAR = Interval(Integral, None, None)


@validate_params({"treaty": [_TREATY], "start": [_YEAR], "end": [_YEAR]})
def members_by_year(treaty: Treaty, start: int, end: int) -> pd.DataFrame:
    """(ccode, year) for every state that is a member at any time during each year.

    Parameters
    ----------
    treaty
        The alliance.
    start, end
        The years, inclusive.

    Returns
    -------
    pandas.DataFrame
        ``ccode``, ``year``, sorted by year then state (a membership ending on 1 January
        does not count in that year).

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.

    References
    ----------
    .. [1] Leeds, Brett Ashley, and Sezi Anac. 2005. "Alliance Institutionalization and
       Alliance Performance." International Interactions 31(3): 183-202.
       doi:10.1080/03050620500294135

    Examples
    --------
    >>> import datetime as dt
    >>> from foedus.model.commitments import Basis, Membership
    >>> b = Basis(article="1")
    >>> t = Treaty(id="book:x", name="x", kind="treaty", members=(
    ...     Membership(state=2, start=dt.date(2000, 6, 1), end=dt.date(2002, 1, 1), basis=b),
    ...     Membership(state=20, start=dt.date(2000, 6, 1), basis=b)))
    >>> members_by_year(t, 2000, 2002).values.tolist()
    [[2, 2000], [20, 2000], [2, 2001], [20, 2001], [20, 2002]]
    """
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
        WHERE c.nmc_version = ?""", [queries.NMC]).df()
    frame["milex_share_gdp"] = frame["milex_usd"] / frame["gdp_usd"] * 100
    frame["gdp_source"] = np.where(frame["gdp_usd"].notna(), "maddison_ppp", None)
    return frame


def _population(con, keys: pd.DataFrame) -> pd.DataFrame:
    nmc = con.execute("SELECT ccode, year, tpop * 1000 AS population FROM capabilities "
                      "WHERE nmc_version = ? AND tpop IS NOT NULL", [queries.NMC]).df()
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


@validate_params({"alliance": [_TREATY], "start": [_YEAR], "end": [_YEAR],
                  "series": [Options(str, tuple(SERIES), "a spending series")]})
def spending_panel(alliance: Treaty, start: int, end: int, *, series: Series = "sipri"
                   ) -> pd.DataFrame:
    """Member-years of ``alliance`` in ``start..end`` with spending, GDP and population.

    Parameters
    ----------
    alliance
        The alliance (:func:`foedus.data.resolve.resolve_alliance`).
    start, end
        The years, inclusive.
    series
        ``sipri``, ``nato`` or ``nmc`` (see the module notes; never mixed).

    Returns
    -------
    pandas.DataFrame
        ccode, iso3, abb, name, year, milex_usd (≥ 0), milex_share_gdp (percent, ≥ 0),
        gdp_usd, gdp_source, population, population_source, series (and, per series,
        constant 2023 US$ for SIPRI; equipment_share and nato_estimate for NATO). Values
        outside the series' coverage are null, never zero.

    Raises
    ------
    ParameterError
        For another series, or a span ending before it starts.
    DateOutOfRangeError
        For a span outside the series' coverage or the alliance's membership.

    References
    ----------
    .. [1] Olson, Mancur, and Richard Zeckhauser. 1966. "An Economic Theory of Alliances."
       Review of Economics and Statistics 48(3): 266-279. doi:10.2307/1927082

    Examples
    --------
    >>> from foedus.data.loaders import load_system
    >>> from foedus.data.resolve import resolve_alliance
    >>> nato = resolve_alliance("NATO", load_system())
    >>> panel = spending_panel(nato, 2020, 2020)
    >>> int(panel.loc[panel["iso3"] == "USA", "milex_share_gdp"].round().item())
    4
    """
    if end < start:
        raise ParameterError(f"the span ends ({end}) before it starts ({start}).")
    # every year inside the series' coverage: spending is never carried forward
    check_years(start, end, (SERIES_COVERAGE[series],),
                what=f"the {series} series over {start}-{end}")
    keys = members_by_year(alliance, start, end)
    if keys.empty:
        raise DateOutOfRangeError(f"{alliance.name} has no members in {start}-{end}.")
    with connect() as con:
        values = _series_values(con, series)
        population = _population(con, keys)
    states = queries.states()
    frame = keys.merge(states, on="ccode", how="left").merge(values, on=["ccode", "year"],
                                                            how="left")
    frame = frame.merge(population, on=["ccode", "year"], how="left")
    frame["series"] = series
    frame.attrs.update(alliance=alliance.id, alliance_name=alliance.name, series=series,
                       datasets=list(SERIES_DATASETS[series]))
    return frame.sort_values(["year", "ccode"]).reset_index(drop=True)
