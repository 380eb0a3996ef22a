"""``add_alliances``: ATOP obligations per dyad-year, from the ATOP view of the model.

The five dummies keep peacesciencer's names (``atop_defense``, ``atop_offense``,
``atop_neutral``, ``atop_nonagg``, ``atop_consul``); the valued tie is given under both
codings of DESIGN §4 (``atop_tie_chiba``, ``atop_tie_sr``). In a directed panel the row
(ccode1, ccode2) holds ccode1's pledges toward ccode2, as in ATOP's directed data. A
non-directed panel collapses the two directions as the user chooses: ``either`` (a pledge
in either direction) or ``both`` (pledges in both directions). Years after 2018, where ATOP
ends, are null.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus._deprecation import moved
from foedus._validation import Options, TypeOf, validate_params
from foedus.data import queries
from foedus.errors import PanelError
from foedus.measures.similarity import valued_ties
from foedus.panels._join import add_columns, dyad_key, gather
from foedus.panels.panel import ColumnInfo, Panel, states_data

__all__ = ["DUMMIES", "add_alliances"]

DUMMIES = queries.ATOP_DUMMIES
_DATASETS = ("atop_members", "atop_alliances", "atop_directed")

#: Moved to the data layer (the store's accessors); the old names work for one release.
__getattr__ = moved(__name__, {"atop_dyad_years": "foedus.data.queries",
                               "ATOP_LAST_YEAR": "foedus.data.queries"})


@states_data("atop_members", "atop_alliances", "atop_directed")
@validate_params({"panel": [TypeOf(Panel, "a Panel (create_dyad_years)")],
                  "collapse": [Options(str, ("either", "both"), "a collapse rule")]},
                 error=PanelError)
def add_alliances(panel: Panel, *, collapse: str = "either") -> Panel:
    """ATOP obligation dummies and valued ties for each dyad-year (null after ATOP's end).

    Parameters
    ----------
    panel
        A dyad-year panel.
    collapse
        For a non-directed panel: ``either`` (a pledge in either direction) or ``both``
        (pledges in both directions).

    Returns
    -------
    Panel
        With ``atop_defense``, ``atop_offense``, ``atop_neutral``, ``atop_nonagg``,
        ``atop_consul`` (1/0; ccode1's pledge toward ccode2 in a directed panel) and the
        valued ties ``atop_tie_chiba`` and ``atop_tie_sr`` (0-3); null after ATOP's last
        year. Computed from the commitment model's ATOP view, equal to ATOP's published
        directed dyad-years.

    Raises
    ------
    PanelError
        For a state-year panel, or another collapse rule.

    Notes
    -----
    Data:

    {data}

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> from foedus.panels import create_dyad_years
    >>> p = create_dyad_years(2000, 2000).add_alliances()
    >>> int(p.frame[(p.frame["ccode1"] == 2) & (p.frame["ccode2"] == 200)]["atop_defense"].item())
    1
    """
    panel.require("dyad_year", "add_alliances")
    dyads = queries.atop_dyad_years()
    frame = panel.frame
    if not panel.directed:
        dyads = _undirected(dyads, collapse)
    rows, found = gather(dyad_key(frame["ccode1"].to_numpy(), frame["ccode2"].to_numpy(),
                                  frame["year"].to_numpy()),
                         dyad_key(dyads["ccode1"].to_numpy(), dyads["ccode2"].to_numpy(),
                                  dyads["year"].to_numpy()))
    covered = frame["year"].to_numpy() <= queries.ATOP_LAST_YEAR
    values = {c: np.where(found, dyads[c].to_numpy()[rows], 0).astype(np.int8) for c in DUMMIES}
    new = {c: pd.arrays.IntegerArray(v, ~covered) for c, v in values.items()}
    for coding in ("chiba", "sr"):
        ties = valued_ties(*(values[c] for c in DUMMIES), coding=coding).astype(np.int8)
        new[f"atop_tie_{coding}"] = pd.arrays.IntegerArray(ties, ~covered)
    frame = add_columns(frame, new)
    ways = "either direction" if collapse == "either" else "both directions"
    direction = "ccode1's pledge toward ccode2" if panel.directed else f"a pledge in {ways}"
    info = {c: ColumnInfo(f"ATOP 5.1 {c.removeprefix('atop_')} obligation (1/0): {direction}",
                          _DATASETS) for c in DUMMIES}
    info["atop_tie_chiba"] = ColumnInfo(
        "valued alliance tie, Chiba et al. coding (3 defence/offence, 2 neutrality/"
        "consultation, 1 non-aggression, 0 none)", _DATASETS)
    info["atop_tie_sr"] = ColumnInfo(
        "valued alliance tie, Signorino & Ritter / COW order (3 defence, 2 neutrality or "
        "non-aggression, 1 consultation, 0 none)", _DATASETS)
    last = queries.ATOP_LAST_YEAR
    notes = (f"ATOP 5.1 ends in {last}: alliance columns are null after {last}",) \
        if panel.end > last else ()
    return panel.with_columns(frame, info, notes)


def _undirected(dyads: pd.DataFrame, collapse: str) -> pd.DataFrame:
    """One row per pair (ccode1 < ccode2), the two directions collapsed.

    A pledge in either direction (max) or in both directions (min; a missing direction
    counts as no pledge).
    """
    keys = ["ccode1", "ccode2", "year"]
    flipped = dyads.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    merged = dyads.merge(flipped, on=keys, how="outer", suffixes=("", "_r")).fillna(0)
    merged = merged[merged["ccode1"] < merged["ccode2"]]
    out = merged[keys].astype("int32")
    pick = np.maximum if collapse == "either" else np.minimum
    for col in DUMMIES:
        out[col] = pick(merged[col], merged[f"{col}_r"]).astype("int8")
    return out.reset_index(drop=True)
