"""The means of the states in a crisis: capability shares, capitals, military burdens.

CINC (NMC 7.0) or military expenditure (SIPRI, constant US$, as a share of the year's
world total), the latest year on or before the scenario's (later years are carried forward
and flagged); the capitals in force on 1 July; the spending modifications of a
counterfactual (``[[modify]] action = "spending"``). The store's tables are read once per
process and year (:func:`_nmc`), so that compiling hundreds of historical crises does not
reopen the store for each.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from foedus._lazy import pandas as pd

__all__ = ["capabilities", "capitals", "is_nuclear", "latest_burden", "nuclear_spells",
           "nuclear_states", "spending_plan"]


@lru_cache(maxsize=4)
def _nmc(store: str) -> dict:
    """NMC 7.0's ``ccode``, ``year``, ``cinc`` and ``milper`` columns as arrays (NaN:
    missing), read once per store."""
    import numpy as np

    from foedus.data.store import connect, fetch_arrays

    with connect() as con:
        got = fetch_arrays(con, "SELECT ccode, year, coalesce(cinc, 'NaN'::DOUBLE) AS cinc, "
                           "coalesce(milper, 'NaN'::DOUBLE) AS milper FROM capabilities "
                           "WHERE nmc_version = '7.0'")
    return {k: np.asarray(v, dtype=float) if k in ("cinc", "milper") else np.asarray(v)
            for k, v in got.items()}


def _last_on_record(table: dict, value: str, codes: list[int], year: int
                    ) -> dict[int, tuple[int, float]]:
    """Each of ``codes``' (year, value) of the latest year up to ``year`` whose ``value``
    is on record, by code."""
    import numpy as np

    mask = (table["year"] <= year) & np.isin(table["ccode"], codes) & \
        ~np.isnan(table[value])
    last: dict[int, tuple[int, float]] = {}
    for c, y, v in sorted(zip(table["ccode"][mask].tolist(), table["year"][mask].tolist(),
                              table[value][mask].tolist(), strict=True)):
        last[c] = (y, v)  # in (code, year) order: the latest year is kept
    return last


def _store_key() -> str:
    from foedus.config import store_path

    path = store_path()
    return f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"


_NMC_COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")


def _cinc_scaled(con, year: int, scale: dict[int, float]) -> pd.DataFrame:
    """CINC of every state in ``year`` with the military expenditure of some multiplied.

    CINC is the mean of a state's shares of the system totals of the six NMC components
    that are available for it (Singer, Bremer & Stuckey 1972; NMC 7.0 codebook); scaling
    one state's expenditure moves every state's expenditure share, so all are recomputed
    (with no scaling this reproduces the published column to 1e-8).
    """
    frame = con.execute("SELECT * FROM capabilities WHERE nmc_version = '7.0' AND year = ?",
                        [year]).df()
    factor = frame["ccode"].map(scale).fillna(1.0)
    frame["milex"] = frame["milex"] * factor
    parts = frame[list(_NMC_COMPONENTS)]
    return frame.assign(cinc=(parts / parts.sum()).mean(axis=1, skipna=True))


def capabilities(codes: list[int], year: int, measure: str,
                 scale: dict[int, float] | None = None) -> tuple[dict, dict, list[str]]:
    """Capability share and military personnel (thousands) per state, carried forward.

    ``scale`` multiplies states' military expenditure (a counterfactual ``spending``
    modification): SIPRI expenditure before the shares of the world total are taken, or
    NMC's ``milex`` component before CINC is recomputed (:func:`_cinc_scaled`).
    """
    from foedus.data.store import connect

    scale = scale or {}
    table = _nmc(_store_key())
    last = _last_on_record(table, "cinc", codes, year)
    share = {c: v for c, (_, v) in last.items()}
    used = [y for y, _ in last.values()]
    source = "NMC 7.0 CINC"
    if measure == "spending":
        with connect() as con:
            sipri = con.execute(
                "SELECT ccode, year, milex_constant2023_usd_m AS milex FROM spending_sipri "
                "WHERE milex_constant2023_usd_m IS NOT NULL AND year <= ?", [year]).df()
        sipri["milex"] = sipri["milex"] * sipri["ccode"].map(scale).fillna(1.0)
        world = sipri.groupby("year")["milex"].sum()
        sipri = sipri.assign(share=sipri["milex"] / sipri["year"].map(world))
        spent = sipri[sipri["ccode"].isin(codes)].sort_values("year").groupby("ccode").last()
        share = spent["share"].to_dict()
        used = spent["year"]
        source = "SIPRI military expenditure share"
    elif scale:
        with connect() as con:
            for y in dict.fromkeys(y for y, _ in last.values()):
                frame = _cinc_scaled(con, int(y), scale).set_index("ccode")["cinc"]
                for c, (at, _) in last.items():
                    if at == y:
                        share[c] = float(frame.reindex([c]).to_numpy()[0])
    flags: list[str] = []
    carried = sorted({int(y) for y in used if y < year})
    if carried:
        flags.append(f"capabilities_carried_forward: {source} ends before {year}; the latest "
                     f"year on record is used ({', '.join(map(str, carried))})")
    missing = [c for c in codes if c not in share]
    if missing:
        flags.append(f"capability_missing: no {source} for "
                     f"{', '.join(f'cow:{c}' for c in missing)} (counted as 0)")
    milper = _last_on_record(table, "milper", codes, year)
    return share, {c: v for c, (_, v) in milper.items()}, flags


def capitals(codes: list[int], year: int) -> dict[int, tuple[float, float]]:
    """(latitude, longitude) of each state's capital on 1 July of ``year``."""
    from foedus.data.queries import capitals_on

    caps = capitals_on(codes, [year] * len(codes))
    return {c: caps[c, y] for c, y in sorted(caps)}


def latest_burden(codes: list[int], year: int) -> dict[int, tuple[int, float]]:
    """Each state's last SIPRI military burden (percent of GDP) on or before ``year``."""
    from foedus.data.store import connect

    if not codes:
        return {}
    with connect() as con:
        rows = con.execute(
            "SELECT ccode, arg_max(year, year), arg_max(milex_share_gdp_pct, year) "
            "FROM spending_sipri WHERE milex_share_gdp_pct IS NOT NULL AND year <= ? "
            "AND ccode IN (SELECT unnest(?)) GROUP BY ccode", [year, codes]).fetchall()
    return {int(c): (int(y), float(p)) for c, y, p in rows}


def spending_plan(resolved, system, day: dt.date
                  ) -> tuple[dict[int, float], dict[int, tuple[int, float]], list[int]]:
    """What the ``spending`` modifications do on ``day``: each state's expenditure factor
    (:func:`foedus.counterfactual.modifications.spending_scale`), the SIPRI burdens it
    rests on (:func:`latest_burden`), and the states named that have none (left as
    observed)."""
    from foedus.counterfactual.modifications import spending_scale, spending_states

    named = spending_states(resolved, system, day)
    burden = latest_burden(named, day.year)
    scale = spending_scale(resolved, system, day, burden)
    return scale, burden, [c for c in named if c not in scale]





@lru_cache(maxsize=1)
def nuclear_states() -> pd.DataFrame:
    """The nuclear-armed states and the dates they had the weapon
    (``data/tables/nuclear_states.csv``, with its sources)."""
    from importlib import resources

    with resources.files("foedus.data.tables").joinpath("nuclear_states.csv").open() as f:
        frame = pd.read_csv(f, dtype={"ccode": int})
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


@lru_cache(maxsize=1)
def nuclear_spells() -> tuple[tuple[int, dt.date, dt.date | None], ...]:
    """(ccode, start, end or None) of each row of ``data/tables/nuclear_states.csv``, read
    without pandas (the compile's path; :func:`nuclear_states` is the same table as a
    frame)."""
    import csv
    from importlib import resources

    with resources.files("foedus.data.tables").joinpath("nuclear_states.csv").open() as f:
        return tuple((int(r["ccode"]), dt.date.fromisoformat(r["start"]),
                      dt.date.fromisoformat(r["end"]) if r["end"] else None)
                     for r in csv.DictReader(f))


def is_nuclear(ccode: int, day: dt.date) -> bool:
    """Did ``ccode`` have nuclear weapons on ``day``?"""
    n = nuclear_states()
    return any(s <= day and (pd.isna(e) or day < e)
               for s, e in zip(n.loc[n["ccode"] == ccode, "start"],
                               n.loc[n["ccode"] == ccode, "end"], strict=True))
