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

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from foedus import config
from foedus.measures.similarity import valued_ties
from foedus.panels._join import add_columns, dyad_key, gather
from foedus.panels.panel import ColumnInfo, Panel, PanelError

__all__ = ["ATOP_LAST_YEAR", "DUMMIES", "add_alliances", "atop_dyad_years"]

ATOP_LAST_YEAR = 2018
DUMMIES = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
_DATASETS = ("atop_members", "atop_alliances", "atop_directed")


@cache
def _dyads(path: str, stamp: int) -> pd.DataFrame:
    from foedus.data.atop_model import atop_treaties
    from foedus.data.store import connect
    from foedus.model.dyads import directed_dyad_years

    with connect() as con:
        frame = directed_dyad_years(atop_treaties(con))
    return frame.astype({c: "int8" for c in DUMMIES} | {"ccode1": "int32", "ccode2": "int32",
                                                       "year": "int32"})


def atop_dyad_years() -> pd.DataFrame:
    """ATOP's directed dyad-year obligations computed from the commitment model (ATOP view),
    cached per store build. Equal to ATOP's published extract (tests/model)."""
    path = config.store_path()
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _dyads(str(path), stamp)


def _ties(frame: pd.DataFrame, coding: str) -> np.ndarray:
    return valued_ties(*(frame[c].to_numpy() for c in DUMMIES), coding=coding)


def add_alliances(panel: Panel, *, collapse: Literal["either", "both"] = "either") -> Panel:
    """ATOP 5.1 obligation dummies and valued ties for each dyad-year (null after 2018)."""
    panel.require("dyad_year", "add_alliances")
    if collapse not in ("either", "both"):
        raise PanelError(f"collapse must be 'either' or 'both'; got {collapse!r}.")
    dyads = atop_dyad_years()
    frame = panel.frame
    if not panel.directed:
        dyads = _undirected(dyads, collapse)
    rows, found = gather(dyad_key(frame["ccode1"].to_numpy(), frame["ccode2"].to_numpy(),
                                  frame["year"].to_numpy()),
                         dyad_key(dyads["ccode1"].to_numpy(), dyads["ccode2"].to_numpy(),
                                  dyads["year"].to_numpy()))
    covered = frame["year"].to_numpy() <= ATOP_LAST_YEAR
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
    notes = ("ATOP 5.1 ends in 2018: alliance columns are null after 2018",) \
        if panel.end > ATOP_LAST_YEAR else ()
    return panel.with_columns(frame, info, notes)


def _undirected(dyads: pd.DataFrame, collapse: str) -> pd.DataFrame:
    """One row per pair (ccode1 < ccode2): a pledge in either direction (max) or in both
    directions (min; a missing direction counts as no pledge)."""
    keys = ["ccode1", "ccode2", "year"]
    flipped = dyads.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    merged = dyads.merge(flipped, on=keys, how="outer", suffixes=("", "_r")).fillna(0)
    merged = merged[merged["ccode1"] < merged["ccode2"]]
    out = merged[keys].astype("int32")
    pick = np.maximum if collapse == "either" else np.minimum
    for col in DUMMIES:
        out[col] = pick(merged[col], merged[f"{col}_r"]).astype("int8")
    return out.reset_index(drop=True)
