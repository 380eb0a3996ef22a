"""The threat an alliance's members face: the distance-discounted capability of its rivals.

For member *i* in year *t*, threat = Σ_j adjusted CINC of rival *j*, where each rival's CINC
(NMC 7.0) is discounted over the great-circle distance between the capitals with Bueno de
Mesquita's loss-of-strength gradient (:func:`foedus.measures.burden.loss_of_strength`).
The rivals are the alliance's named adversaries where the treaty names them; otherwise —
NATO, most modern treaties — the COW major powers outside the alliance that year (v2016,
the 2016 set carried forward after 2016). Years without CINC (after 2022) have no threat.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.data.store import connect
from foedus.measures.burden import loss_of_strength
from foedus.measures.distance import haversine_km
from foedus.model.commitments import Treaty
from foedus.panels.geography import capitals_by_year

__all__ = ["KM_PER_MILE", "rivals_by_year", "threat"]

KM_PER_MILE = 1.609344


def rivals_by_year(alliance: Treaty, members: pd.DataFrame) -> pd.DataFrame:
    """(year, rival ccode): named adversaries, else major powers outside the alliance."""
    named = {a for o in alliance.obligations if o.condition.adversaries
             for a in o.condition.adversaries}
    years = np.sort(members["year"].unique())
    if named:
        rows = [(y, a) for y in years for a in sorted(named)]
        return pd.DataFrame(rows, columns=["year", "rival"])
    with connect() as con:
        spells = con.execute("SELECT ccode, year(start_date) AS first, year(end_date) AS last "
                             "FROM major_powers").df()
    rows = []
    for y in years:
        at = min(y, 2016)
        majors = spells[(spells["first"] <= at) & (spells["last"] >= at)]["ccode"]
        inside = set(members.loc[members["year"] == y, "ccode"])
        rows.extend((y, int(c)) for c in sorted(set(majors)) if c not in inside)
    return pd.DataFrame(rows, columns=["year", "rival"])


def threat(alliance: Treaty, members: pd.DataFrame) -> pd.Series:
    """The threat measure for each row of ``members`` (columns ccode, year), aligned."""
    rivals = rivals_by_year(alliance, members)
    pairs = members[["ccode", "year"]].reset_index().merge(rivals, on="year")
    if pairs.empty:
        return pd.Series(np.nan, index=members.index)
    with connect() as con:
        cinc = con.execute("SELECT ccode AS rival, year, cinc FROM capabilities "
                           "WHERE nmc_version = '7.0'").df()
    keys = pd.concat([pairs[["ccode", "year"]],
                      pairs[["rival", "year"]].rename(columns={"rival": "ccode"})])
    capitals = capitals_by_year(keys.drop_duplicates())
    pairs = pairs.merge(capitals, on=["ccode", "year"], how="left")
    pairs = pairs.merge(capitals.rename(columns={"ccode": "rival", "lat": "lat_r",
                                                 "lon": "lon_r"}), on=["rival", "year"],
                        how="left")
    pairs = pairs.merge(cinc, on=["rival", "year"], how="left")
    miles = haversine_km(pairs["lat"], pairs["lon"], pairs["lat_r"], pairs["lon_r"]) \
        / KM_PER_MILE
    pairs["adjusted"] = loss_of_strength(pairs["cinc"].to_numpy(), miles)
    total = pairs.groupby("index")["adjusted"].sum(min_count=1)
    complete = pairs.groupby("index")["adjusted"].apply(lambda s: s.notna().all())
    return total.where(complete).reindex(members.index)
