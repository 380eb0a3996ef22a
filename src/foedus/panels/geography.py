"""``add_distance`` and ``add_contiguity``: capital distance and COW direct contiguity.

Distances are great-circle kilometres between the capitals in force at mid-year (1 July),
from the capitals table with its cited corrections (cross-checked against Gleditsch &
Ward's capdist: tests/data/test_capitals_crosscheck.py); the radius is the IUGG mean Earth
radius (6371.0088 km). Contiguity is the closest COW direct-contiguity type of any spell
overlapping the year (1 land border … 5 up to 400 miles of water; 0 none), v3.2, null after
2016 where the data end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.data.store import connect
from foedus.measures.distance import haversine_km
from foedus.panels._join import add_columns, attach_state_values, dyad_key, gather, state_key
from foedus.panels.panel import ColumnInfo, Panel

__all__ = ["CONTIGUITY_LAST_YEAR", "add_contiguity", "add_distance", "capitals_by_year"]

CONTIGUITY_LAST_YEAR = 2016


def capitals_by_year(years: pd.DataFrame) -> pd.DataFrame:
    """(ccode, year, lat, lon) of the capital in force on 1 July of each (ccode, year)."""
    with connect() as con:
        spells = con.execute("SELECT ccode, start_date, end_date, lat, lon FROM capitals").df()
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


def add_distance(panel: Panel) -> Panel:
    """``capdist``: great-circle km between the two states' capitals (dyad-years)."""
    panel.require("dyad_year", "add_distance")
    year = panel.frame["year"].to_numpy()
    keys = np.unique(np.concatenate([state_key(panel.frame["ccode1"].to_numpy(), year),
                                     state_key(panel.frame["ccode2"].to_numpy(), year)]))
    capitals = capitals_by_year(pd.DataFrame({"ccode": keys % 1000, "year": keys // 1000}))
    frame = attach_state_values(panel, capitals, ["lat", "lon"])
    distance = haversine_km(frame["lat1"], frame["lon1"], frame["lat2"], frame["lon2"])
    frame = add_columns(panel.frame, {"capdist": distance})
    info = {"capdist": ColumnInfo("great-circle distance between capitals, km (capitals in "
                                  "force on 1 July; corrected, cross-checked with capdist)",
                                  ("capitals", "capdist"))}
    return panel.with_columns(frame, info)


def add_contiguity(panel: Panel) -> Panel:
    """``conttype``: COW direct contiguity (1 land … 5 water ≤ 400 mi; 0 none; v3.2)."""
    panel.require("dyad_year", "add_contiguity")
    with connect() as con:
        spells = con.execute("SELECT ccode1, ccode2, conttype, year(start_date) AS first, "
                             "year(end_date) AS last FROM contiguity WHERE conttype > 0").df()
    years = np.arange(panel.start, min(panel.end, CONTIGUITY_LAST_YEAR) + 1)
    lo = np.maximum(spells["first"].to_numpy(), panel.start)
    hi = np.minimum(spells["last"].to_numpy(), years[-1] if len(years) else panel.start - 1)
    counts = np.clip(hi - lo + 1, 0, None)
    expanded = pd.DataFrame({
        "ccode1": np.repeat(spells["ccode1"].to_numpy(), counts),
        "ccode2": np.repeat(spells["ccode2"].to_numpy(), counts),
        "conttype": np.repeat(spells["conttype"].to_numpy(), counts),
        "year": np.concatenate([np.arange(a, b + 1) for a, b in zip(lo, hi, strict=True)
                                if b >= a] or [np.array([], dtype=int)])})
    closest = expanded.groupby(["ccode1", "ccode2", "year"], as_index=False)["conttype"].min()
    if not panel.directed:  # the master records are directed; either order describes the pair
        flipped = closest.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
        closest = pd.concat([closest, flipped]).groupby(
            ["ccode1", "ccode2", "year"], as_index=False)["conttype"].min()
    rows, found = gather(
        dyad_key(panel.frame["ccode1"].to_numpy(), panel.frame["ccode2"].to_numpy(),
                 panel.frame["year"].to_numpy()),
        dyad_key(closest["ccode1"].to_numpy(), closest["ccode2"].to_numpy(),
                 closest["year"].to_numpy()))
    values = np.where(found, closest["conttype"].to_numpy()[rows] if len(closest) else 0, 0)
    beyond = panel.frame["year"].to_numpy() > CONTIGUITY_LAST_YEAR
    frame = add_columns(panel.frame, {"conttype": pd.arrays.IntegerArray(
        values.astype(np.int8), beyond)})
    info = {"conttype": ColumnInfo("COW direct contiguity type: 1 land or river border, 2-5 "
                                   "separated by up to 12, 24, 150, 400 miles of water, 0 none; "
                                   "null after 2016", ("contiguity",))}
    notes = ("COW direct contiguity ends in 2016: conttype is null after 2016",) \
        if panel.end > CONTIGUITY_LAST_YEAR else ()
    return panel.with_columns(frame, info, notes)
