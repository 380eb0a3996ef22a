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

from foedus._validation import TypeOf, validate_params
from foedus.data import queries
from foedus.measures.distance import haversine_km
from foedus.measures.power import loss_of_strength
from foedus.model.commitments import Treaty
from foedus.units import KM_PER_MILE

__all__ = ["KM_PER_MILE", "rivals_by_year", "threat"]


_TREATY = TypeOf(Treaty, "a Treaty of the commitment model")
_MEMBERS = TypeOf(pd.DataFrame, "a pandas DataFrame with ccode and year")


@validate_params({"alliance": [_TREATY], "members": [_MEMBERS]})
def rivals_by_year(alliance: Treaty, members: pd.DataFrame) -> pd.DataFrame:
    """(year, rival ccode): named adversaries, else major powers outside the alliance.

    Parameters
    ----------
    alliance
        The alliance.
    members
        Its member-years (``ccode``, ``year``).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``rival``: the adversaries the treaty names, in every year; else the COW
        major powers outside the alliance that year (the last COW year's carried forward).

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
    .. [2] Sandler, Todd, and Keith Hartley. 2001. "Economics of Alliances: The Lessons for
       Collective Action." Journal of Economic Literature 39(3): 869-896.
       doi:10.1257/jel.39.3.869

    Examples
    --------
    >>> import datetime as dt
    >>> from foedus.model.commitments import Basis, Condition, Membership, Obligation
    >>> b = Basis(article="1")
    >>> pact = Treaty(id="book:x", name="x", kind="treaty", members=(
    ...     Membership(state=200, start=dt.date(1900, 1, 1), basis=b),),
    ...     obligations=(Obligation(id="d", kind="defense", article=b, response="automatic",
    ...                             decision="individual", condition=Condition(
    ...                                 adversary_coded=True, adversaries=(365,))),))
    >>> rivals_by_year(pact, pd.DataFrame({"ccode": [200], "year": [1900]})).values.tolist()
    [[1900, 365]]
    """
    named = {a for o in alliance.obligations if o.condition.adversaries
             for a in o.condition.adversaries}
    years = np.sort(members["year"].unique())
    if named:
        rows = [(y, a) for y in years for a in sorted(named)]
        return pd.DataFrame(rows, columns=["year", "rival"])
    majors = queries.major_powers_by_year(years)
    rows = []
    for y in years:
        inside = set(members.loc[members["year"] == y, "ccode"])
        rows.extend((y, c) for c in majors[int(y)] if c not in inside)
    return pd.DataFrame(rows, columns=["year", "rival"])


@validate_params({"alliance": [_TREATY], "members": [_MEMBERS]})
def threat(alliance: Treaty, members: pd.DataFrame) -> pd.Series:
    """The threat measure for each row of ``members`` (columns ccode, year), aligned.

    Parameters
    ----------
    alliance
        The alliance (its rivals: :func:`rivals_by_year`).
    members
        Its member-years (``ccode``, ``year``).

    Returns
    -------
    pandas.Series
        Σ over rivals of their CINC discounted over the capital-to-capital distance
        (:func:`foedus.measures.power.loss_of_strength`), ≥ 0, aligned with ``members``;
        null where a rival's CINC or capital is unknown (after NMC's last year).

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.

    References
    ----------
    .. [1] Bueno de Mesquita, Bruce. 1981. The War Trap. New Haven: Yale University Press.
    .. [2] Sandler, Todd, and Keith Hartley. 2001. "Economics of Alliances: The Lessons for
       Collective Action." Journal of Economic Literature 39(3): 869-896.
       doi:10.1257/jel.39.3.869

    Examples
    --------
    >>> from foedus.data.loaders import load_system
    >>> from foedus.data.resolve import resolve_alliance
    >>> nato = resolve_alliance("NATO", load_system())
    >>> t = threat(nato, pd.DataFrame({"ccode": [2, 366], "year": [2015, 2015]}))
    >>> bool(t.iloc[1] > t.iloc[0])  # Estonia lives nearer Russia and China than the US
    True
    """
    rivals = rivals_by_year(alliance, members)
    pairs = members[["ccode", "year"]].reset_index().merge(rivals, on="year")
    if pairs.empty:
        return pd.Series(np.nan, index=members.index)
    cinc = queries.capabilities(queries.NMC, ("cinc",)).rename(columns={"ccode": "rival"})
    keys = pd.concat([pairs[["ccode", "year"]],
                      pairs[["rival", "year"]].rename(columns={"rival": "ccode"})])
    capitals = queries.capitals_by_year(keys.drop_duplicates())
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
