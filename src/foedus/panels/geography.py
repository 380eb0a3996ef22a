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

from foedus._deprecation import moved
from foedus._validation import TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.measures.distance import haversine_km
from foedus.panels._join import (
    add_columns,
    attach_state_values,
    dyad_key,
    gather,
    state_key,
    unique_keys,
)
from foedus.panels.panel import ColumnInfo, Panel, states_data
from foedus.registry import dataset

__all__ = ["add_contiguity", "add_distance"]

#: ``capitals_by_year`` moved to the data layer (the store's accessors).
__getattr__ = moved(__name__, {"capitals_by_year": "foedus.data.queries"})


_PANEL = TypeOf(Panel, "a Panel (create_dyad_years)")


@states_data("capitals", "capdist")
@validate_params({"panel": [_PANEL]}, error=PanelError)
def add_distance(panel: Panel) -> Panel:
    """``capdist``: great-circle km between the two states' capitals (dyad-years).

    Parameters
    ----------
    panel
        A dyad-year panel.

    Returns
    -------
    Panel
        With ``capdist`` (km, ≥ 0; 0 for states sharing a capital city), between the
        capitals in force on 1 July of each year, by the haversine formula on the IUGG mean
        Earth radius (:func:`foedus.measures.distance.haversine_km`).

    Raises
    ------
    PanelError
        For a state-year panel (start with ``create_dyad_years``).

    Notes
    -----
    Data (the capitals file with its cited corrections, cross-checked against capdist):

    {data}

    References
    ----------
    .. [1] Gleditsch, Kristian S., and Michael D. Ward. 2001. "Measuring Space: A Minimum
       Distance Database and Applications to International Studies." Journal of Peace
       Research 38(6): 749-768. doi:10.1177/0022343301038006006

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> p = create_dyad_years(2000, 2000).add_distance()
    >>> row = p.frame[(p.frame["ccode1"] == 2) & (p.frame["ccode2"] == 200)]
    >>> 5800 < float(row["capdist"].item()) < 6000  # Washington - London
    True
    """
    panel.require("dyad_year", "add_distance")
    year = panel.frame["year"].to_numpy()
    keys = unique_keys(state_key(panel.frame["ccode1"].to_numpy(), year),
                       state_key(panel.frame["ccode2"].to_numpy(), year))
    capitals = queries.capitals_by_year(pd.DataFrame({"ccode": keys % 1000, "year": keys // 1000}))
    frame = attach_state_values(panel, capitals, ["lat", "lon"])
    distance = haversine_km(frame["lat1"], frame["lon1"], frame["lat2"], frame["lon2"])
    frame = add_columns(panel.frame, {"capdist": distance})
    info = {"capdist": ColumnInfo("great-circle distance between capitals, km (capitals in "
                                  "force on 1 July; corrected, cross-checked with capdist)",
                                  ("capitals", "capdist"))}
    return panel.with_columns(frame, info)


@states_data("contiguity")
@validate_params({"panel": [_PANEL]}, error=PanelError)
def add_contiguity(panel: Panel) -> Panel:
    """``conttype``: COW direct contiguity (1 land … 5 water ≤ 400 mi; 0 none).

    Parameters
    ----------
    panel
        A dyad-year panel.

    Returns
    -------
    Panel
        With ``conttype`` in 0-5: the closest contiguity type of any spell overlapping the
        year (1 land or river border, 2-5 separated by up to 12, 24, 150, 400 miles of
        water, 0 none); null after the data end.

    Raises
    ------
    PanelError
        For a state-year panel (start with ``create_dyad_years``).

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles
       Gochman. 2002. "The Correlates of War Project Direct Contiguity Data, Version 3."
       Conflict Management and Peace Science 19(2): 58-66. doi:10.1177/073889420201900203

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> p = create_dyad_years(2000, 2000).add_contiguity()
    >>> int(p.frame[(p.frame["ccode1"] == 2) & (p.frame["ccode2"] == 20)]["conttype"].item())
    1
    """
    panel.require("dyad_year", "add_contiguity")
    spells = queries.contiguity_spells()
    last: int = dataset("contiguity").last_year  # type: ignore[assignment]
    years = np.arange(panel.start, min(panel.end, last) + 1)
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
    beyond = panel.frame["year"].to_numpy() > last
    frame = add_columns(panel.frame, {"conttype": pd.arrays.IntegerArray(
        values.astype(np.int8), beyond)})
    info = {"conttype": ColumnInfo("COW direct contiguity type: 1 land or river border, 2-5 "
                                   "separated by up to 12, 24, 150, 400 miles of water, 0 none; "
                                   f"null after {last}", ("contiguity",))}
    notes = (f"COW direct contiguity ends in {last}: conttype is null after {last}",) \
        if panel.end > last else ()
    return panel.with_columns(frame, info, notes)
