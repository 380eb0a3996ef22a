"""One accessor per table of the store: the lenses read the store through these functions,
never through SQL of their own.

Versioned tables take the version as a parameter (``capabilities(version="6.0")``); the
default is the registry's (:data:`NMC`, the version of ``nmc_7``). Coverage comes from the
registry too: COW system membership ends on ``dataset("cow_system").last_day`` (later years
carry the last membership forward, as peacesciencer does, and say so), ATOP on
``dataset("atop_members").last_day``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np

from foedus._lazy import pandas as pd
from foedus.data import prebuilt
from foedus.data.loaders import atop_treaties_from_store, store_stamp
from foedus.data.store import connect
from foedus.errors import PanelError
from foedus.model.dyads import DUMMY_OF, directed_dyad_years
from foedus.registry import dataset

__all__ = [
    "ATOP_DUMMIES",
    "ATOP_LAST_YEAR",
    "FIRST_YEAR",
    "NMC",
    "atop_dyad_years",
    "border_dates",
    "capabilities",
    "capitals",
    "capitals_by_year",
    "capitals_by_year_of",
    "capitals_on",
    "contiguity_spells",
    "cshapes_rows",
    "gdp_maddison",
    "gdp_wdi",
    "ideal_points",
    "major_power_spells",
    "major_powers_by_year",
    "mid_participants",
    "polity",
    "spending_nato",
    "spending_sipri",
    "state_dates",
    "state_names",
    "states",
    "states_on",
    "system_years",
    "table",
]

#: The NMC version read by default: the registry's ``nmc_7``.
NMC: str = dataset("nmc_7").version
#: ATOP's obligation dummies, in published order (peacesciencer's names).
ATOP_DUMMIES: tuple[str, ...] = tuple(DUMMY_OF.values())
#: The first year of COW system membership: panels start there.
FIRST_YEAR: int = dataset("cow_system").first_year  # type: ignore[assignment]
#: The last year of ATOP 5.1: alliance columns are null after it.
ATOP_LAST_YEAR: int = dataset("atop_members").last_year  # type: ignore[assignment]
CARRIED = ("COW system membership ends in {last}; membership in later years is the {last} "
           "membership carried forward")


def table(name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A whole table of the store (``columns``: those only), for tables without an accessor
    of their own (``atop_phases``, ``atop_institutions``, ``bf2018``...)."""
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    with connect() as con:
        return con.execute(f'SELECT {cols} FROM "{name}"').df()


def capabilities(version: str = NMC, columns: Sequence[str] = ("cinc",), *,
                 non_null: str | None = None) -> pd.DataFrame:
    """NMC state-years (``ccode``, ``year`` and ``columns``) of one version (``7.0`` or
    ``6.0``); ``non_null`` keeps the rows where that column is known."""
    where = f" AND {non_null} IS NOT NULL" if non_null else ""
    with connect() as con:
        return con.execute(f"SELECT ccode, year, {', '.join(columns)} FROM capabilities "
                           f"WHERE nmc_version = ?{where} ORDER BY year, ccode",
                           [version]).df()


def states() -> pd.DataFrame:
    """Every COW state: ``ccode``, ``iso3``, ``abb``, ``name``."""
    with connect() as con:
        return con.execute("SELECT ccode, iso3, abb, name FROM states").df()


@lru_cache(maxsize=4)
def _state_spells(stamp: tuple) -> tuple[list[tuple], dict[int, list[tuple]]]:
    """The store's state spells and capital spells, read once per build (``stamp``)."""
    with connect() as con:
        spells = con.execute("SELECT s.ccode, s.abb, s.name, st.iso3, s.start_date, "
                             "s.end_date FROM state_spells s LEFT JOIN states st "
                             "USING (ccode) ORDER BY s.ccode, s.start_date").fetchall()
        rows = con.execute("SELECT ccode, capital, start_date, end_date, lat, lon "
                           "FROM capitals ORDER BY ccode, start_date").fetchall()
    caps: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        caps[int(row[0])].append(row[1:])
    return spells, dict(caps)


def _capital_on(caps: list[tuple], day: dt.date
                ) -> tuple[str | None, float | None, float | None]:
    """The capital in use on ``day``: the spell covering it, else the nearest in time."""
    if not caps:
        return None, None, None
    best = min(caps, key=lambda c: 0 if c[1] <= day <= c[2] else
               min(abs((day - c[1]).days), abs((day - c[2]).days)))
    return best[0], float(best[3]), float(best[4])


def states_on(day: dt.date) -> tuple[list[dict], list[str]]:
    """The states of the COW system on ``day``, each with the capital in use then.

    After COW's last recorded day (``dataset("cow_system").last_day``, 2016-12-31) the
    states whose spell runs to it are carried forward, as the panels do, and the notes say
    so.

    Parameters
    ----------
    day : datetime.date
        The date.

    Returns
    -------
    tuple of (list of dict, list of str)
        The states in COW-code order (``ccode``, ``abb``, ``name``, ``iso3``, ``capital``,
        ``lat``, ``lon``; no capital known: None) and the notes.

    References
    ----------
    .. [1] Correlates of War Project. 2017. "State System Membership List, v2016."
       https://correlatesofwar.org/data-sets/state-system-membership/
    """
    last: dt.date = dataset("cow_system").last_day  # type: ignore[assignment]
    spells, caps = _state_spells(store_stamp())
    carried = day > last
    found: dict[int, dict] = {}
    for ccode, abb, name, iso3, start, end in spells:
        if start <= day <= end or (carried and end == last):
            capital, lat, lon = _capital_on(caps.get(int(ccode), []), day)
            found[int(ccode)] = {"ccode": int(ccode), "abb": abb, "name": name,
                                 "iso3": iso3, "capital": capital, "lat": lat, "lon": lon}
    notes = ([f"COW system membership ends on {last}; states in the system then are "
              "carried forward."] if carried else [])
    return [found[c] for c in sorted(found)], notes


def state_dates() -> frozenset[dt.date]:
    """Every date on which a state spell or a capital spell begins or ends: between two of
    them, :func:`states_on` gives the same states with the same capitals."""
    spells, caps = _state_spells(store_stamp())
    found = {d for row in spells for d in row[4:6]}
    found |= {d for rows in caps.values() for row in rows for d in row[1:3]}
    return frozenset(d for d in found if d is not None)


def border_dates() -> tuple[dt.date, ...]:
    """Every date on which a CShapes 2.0 polygon begins or ends, in order: between two of
    them, :func:`foedus.data.borders.borders_on` cuts the same map."""
    return _border_dates(store_stamp())


@lru_cache(maxsize=2)
def _border_dates(stamp: tuple) -> tuple[dt.date, ...]:
    with connect() as con:
        rows = con.execute("SELECT start_date AS d FROM cshapes UNION "
                           "SELECT end_date FROM cshapes ORDER BY d").fetchall()
    return tuple(r[0] for r in rows if r[0] is not None)


def cshapes_rows() -> list[tuple]:
    """Every CShapes 2.0 polygon as :func:`foedus.data.borders.borders_on` reads it
    (``geometry_index, ccode, name, status, owner, start_date, end_date``), in order of
    geometry index; read once per build: do not modify the answer."""
    return _cshapes_rows(store_stamp())


@lru_cache(maxsize=2)
def _cshapes_rows(stamp: tuple) -> list[tuple]:
    with connect() as con:
        return con.execute("SELECT geometry_index, ccode, name, status, owner, start_date, "
                           "end_date FROM cshapes ORDER BY geometry_index").fetchall()


def state_names() -> dict[int, dict]:
    """COW code → ``abb``, ``name``, ``iso3`` of every state that was ever in the system
    (the latest spell's). Read once per build: do not modify the answer."""
    return _state_names(store_stamp())


@lru_cache(maxsize=4)
def _state_names(stamp: tuple) -> dict[int, dict]:
    spells, _ = _state_spells(stamp)
    return {int(c): {"abb": abb, "name": name, "iso3": iso3}
            for c, abb, name, iso3, _s, _e in spells}


def _check_years(start: int, end: int) -> None:
    if start < FIRST_YEAR:
        raise PanelError(f"panels start in {FIRST_YEAR} (COW system membership); got {start}.")
    if end < start:
        raise PanelError(f"the panel ends ({end}) before it starts ({start}).")
    if end > 2100:
        raise PanelError(f"{end} is not a year foedus can build a panel for.")


def system_years(start: int, end: int) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """(ccode, year) of every system member in ``start..end``, carried forward past COW's
    last year (with a note saying so)."""
    _check_years(start, end)
    last_year: int = dataset("cow_system").last_year  # type: ignore[assignment]
    with connect() as con:
        frame = con.execute("SELECT ccode, year FROM system_membership WHERE year BETWEEN ? "
                            "AND ? ORDER BY year, ccode",
                            [start, min(end, last_year)]).df()
        notes: tuple[str, ...] = ()
        if end > last_year:
            last = con.execute("SELECT ccode FROM system_membership WHERE year = ? "
                               "ORDER BY ccode", [last_year]).df()["ccode"].to_numpy()
            years = np.arange(max(start, last_year + 1), end + 1)
            extra = pd.DataFrame({"ccode": np.tile(last, len(years)),
                                  "year": np.repeat(years, len(last))})
            frame = pd.concat([frame, extra], ignore_index=True)
            notes = (CARRIED.format(last=last_year),)
    frame = frame.astype({"ccode": "int32", "year": "int32"})
    return frame, notes


def major_power_spells() -> pd.DataFrame:
    """COW major-power spells: ``ccode``, ``first`` and ``last`` year."""
    with connect() as con:
        return con.execute("SELECT ccode, year(start_date) AS first, year(end_date) AS last "
                           "FROM major_powers").df()


def major_powers_by_year(years: Sequence[int]) -> dict[int, list[int]]:
    """The COW major powers in each year, those of COW's last year carried forward."""
    spells = major_power_spells()
    last: int = dataset("cow_majors").last_year  # type: ignore[assignment]
    out = {}
    for y in years:
        at = min(int(y), last)
        out[int(y)] = sorted(int(c) for c in set(
            spells[(spells["first"] <= at) & (spells["last"] >= at)]["ccode"]))
    return out


def capitals() -> pd.DataFrame:
    """Capital spells: ``ccode``, ``start_date``, ``end_date``, ``lat``, ``lon``."""
    with connect() as con:
        return con.execute("SELECT ccode, start_date, end_date, lat, lon FROM capitals").df()


def capitals_by_year(years: pd.DataFrame) -> pd.DataFrame:
    """(ccode, year, lat, lon) of the capital in force on 1 July of each (ccode, year).

    Read from the store's prebuilt table (``prebuilt_capitals_by_year``, every capital's
    state from 1816 to the year after the capitals file's last date, the last year standing
    for the later ones, whose capital no longer changes) when it is fresh; computed from
    the capital spells otherwise (:func:`capitals_by_year_of`).
    """
    keys = years[["ccode", "year"]].drop_duplicates()
    if prebuilt.fresh_table("prebuilt_capitals_by_year"):
        with connect() as con:
            table = con.execute("SELECT ccode, year, lat, lon FROM prebuilt_capitals_by_year"
                                ).df()
        first, last = int(table["year"].min()), int(table["year"].max())
        if len(keys) == 0 or int(keys["year"].min()) >= first:
            asked = keys.assign(_year=np.minimum(keys["year"].to_numpy(), last))
            merged = asked.merge(table.rename(columns={"year": "_year"}), on=["ccode", "_year"],
                                 how="inner", sort=False)
            merged = merged.sort_values(["ccode", "year"], kind="stable")
            return merged[["ccode", "year", "lat", "lon"]].reset_index(drop=True)
    return capitals_by_year_of(capitals(), keys)


def capitals_on(ccode: Sequence[int], year: Sequence[int]
                ) -> dict[tuple[int, int], tuple[float, float]]:
    """(lat, lon) of the capital in force on 1 July of each (ccode, year) with one on
    record: :func:`capitals_by_year` as a dict, read without pandas (one join in the store)
    when the prebuilt table is fresh, by the same rule (a year past the table's last reads
    its last year; a year before its first falls back to the capital spells).

    Parameters
    ----------
    ccode, year
        Parallel sequences of COW codes and years.

    Returns
    -------
    dict
        (ccode, year) to (latitude, longitude), for the pairs with a capital.
    """
    keys = list(dict.fromkeys(zip((int(c) for c in ccode), (int(y) for y in year),
                                  strict=True)))
    if prebuilt.fresh_table("prebuilt_capitals_by_year"):
        with connect() as con:
            first, last = con.execute("SELECT min(year), max(year) FROM "
                                      "prebuilt_capitals_by_year").fetchone()
            if not keys or min(y for _, y in keys) >= first:
                rows = con.execute(
                    "SELECT k.ccode, k.year, t.lat, t.lon FROM (SELECT unnest(?) AS ccode, "
                    "unnest(?) AS year) k JOIN prebuilt_capitals_by_year t "
                    "ON t.ccode = k.ccode AND t.year = least(k.year, ?)",
                    [[c for c, _ in keys], [y for _, y in keys], last]).fetchall()
                return {(int(c), int(y)): (la, lo) for c, y, la, lo in rows}
    caps = capitals_by_year(pd.DataFrame(keys, columns=["ccode", "year"]))
    return {(int(c), int(y)): (la, lo) for c, y, la, lo in zip(
        caps["ccode"], caps["year"], caps["lat"], caps["lon"], strict=True)}


def capitals_by_year_of(spells: pd.DataFrame, years: pd.DataFrame) -> pd.DataFrame:
    """(ccode, year, lat, lon) of the capital in force on 1 July of each (ccode, year) of
    ``years``, from capital spells (``ccode``, ``start_date``, ``end_date``, ``lat``,
    ``lon``): the spell covering mid-year, else the latest begun by then."""
    keys = years[["ccode", "year"]].drop_duplicates()
    merged = keys.merge(spells, on="ccode", how="inner")
    mid = pd.to_datetime(merged["year"].astype(str) + "-07-01")
    start = pd.to_datetime(merged["start_date"])
    end = pd.to_datetime(merged["end_date"])
    merged = merged.assign(_ok=(start <= mid) & (mid <= end), _start=start)
    # the spell covering mid-year; else the latest spell begun by then (the capitals file
    # ends in 2024, so later years keep the last capital)
    merged["_rank"] = np.where(merged["_ok"], 0, np.where(start <= mid, 1, 2))
    merged = merged.sort_values(["ccode", "year", "_rank", "_start"],
                                ascending=[True, True, True, False])
    best = merged.drop_duplicates(["ccode", "year"])
    best = best[best["_rank"] < 2]
    return best[["ccode", "year", "lat", "lon"]].reset_index(drop=True)


def contiguity_spells() -> pd.DataFrame:
    """COW direct-contiguity spells with a border (``conttype`` 1-5): ``ccode1``,
    ``ccode2``, ``conttype``, ``first``, ``last`` year."""
    with connect() as con:
        return con.execute("SELECT ccode1, ccode2, conttype, year(start_date) AS first, "
                           "year(end_date) AS last FROM contiguity WHERE conttype > 0").df()


def spending_sipri() -> pd.DataFrame:
    """SIPRI military expenditure by state-year (current and constant 2023 US$ million,
    percent of GDP)."""
    with connect() as con:
        return con.execute("SELECT ccode, year, milex_current_usd_m, milex_constant2023_usd_m, "
                           "milex_share_gdp_pct FROM spending_sipri").df()


def spending_nato() -> pd.DataFrame:
    """NATO's own figures by member-year (current US$, percent of GDP, equipment share)."""
    with connect() as con:
        return con.execute("SELECT ccode, year, milex_current_usd, milex_share_gdp_pct, "
                           "equipment_share_pct, estimate FROM spending_nato").df()


def gdp_wdi() -> pd.DataFrame:
    """World Bank WDI GDP in current US$ by state-year."""
    with connect() as con:
        return con.execute("SELECT ccode, year, gdp_current_usd FROM gdp_wdi").df()


def gdp_maddison() -> pd.DataFrame:
    """Maddison GDP per head (2011 international $, PPP) and population (thousands)."""
    with connect() as con:
        return con.execute("SELECT ccode, year, gdppc_2011ppp, pop_thousands "
                           "FROM gdp_maddison").df()


def ideal_points(measure: str = "idealpointfp") -> pd.DataFrame:
    """UNGA ideal points by state-year (the mean where a state-year has several)."""
    if measure not in ("idealpointfp", "idealpointall", "idealpointlegacy"):
        raise PanelError(f"measure must be one of idealpointfp, idealpointall, "
                         f"idealpointlegacy; got {measure!r}.")
    with connect() as con:
        return con.execute(f"SELECT ccode, year, avg({measure}) AS {measure} FROM ideal_points "
                           f"WHERE {measure} IS NOT NULL GROUP BY ccode, year").df()


def polity() -> pd.DataFrame:
    """Polity5's ``polity2`` by state-year (known values only)."""
    with connect() as con:
        return con.execute("SELECT ccode, year, polity2 FROM polity "
                           "WHERE polity2 IS NOT NULL").df()


def mid_participants() -> pd.DataFrame:
    """MIDB 4.3 participants: dispute, state, side A, originator, start and end year."""
    with connect() as con:
        return con.execute("SELECT dispnum3 AS mid, ccode, sidea, orig, styear, endyear "
                           "FROM mid_participants").df()


@cache
def _dyads(path: str, stamp: int | None) -> pd.DataFrame:
    if prebuilt.fresh_table("prebuilt_atop_dyad_years"):
        with connect() as con:
            frame = con.execute("SELECT * FROM prebuilt_atop_dyad_years").df()
    else:
        frame = directed_dyad_years(atop_treaties_from_store())
    return frame.astype({c: "int8" for c in ATOP_DUMMIES} | {
        "ccode1": "int32", "ccode2": "int32", "year": "int32"})


def atop_dyad_years() -> pd.DataFrame:
    """ATOP's directed dyad-year obligations computed from the commitment model (ATOP view),
    cached per store build; equal to ATOP's published extract (tests/model). The store
    keeps them from its build (``prebuilt_atop_dyad_years``) when fresh."""
    return _dyads(*store_stamp())
