"""MID initiation, ongoing disputes and peace years for directed dyad-years.

From MIDB 4.3's participant file (Palmer, d'Orazio, Kenwick & Lane 2015, "The MID4 Dataset,
2002-2010", *Conflict Management and Peace Science* 32(2): 222-242,
doi:10.1177/0738894214559680):

**Dispute initiation** (``dispute``). A (``ccode1``) initiates against B (``ccode2``) in year
*t* when, in one MID, A is an *originator* on side A and B an originator on side B, and *t*
is the first year both were in the dispute (the originators' start years agree in all but
one MID). Joiners are not initiators: Leeds (2003: 431) counts only the states involved on
the first day, so that the decision studied is the challenger's own. Several onsets in one
directed dyad-year count once.

**Ongoing disputes and joiners** (dropped rows). A directed dyad-year with no onset in which
the two states were on opposite sides of a MID at some time in the year (an ongoing dispute,
the target's direction of a new one, or a joiner's dyad) is dropped, not coded 0: the dyad is
not at risk of a *new* initiation (Bennett & Stam 2000, "EUGene", *International
Interactions* 26(2): 179-204, doi:10.1080/03050620008434965, the "drop ongoing dispute years"
option). ``in_dispute`` marks them before the drop.

**Peace years** (``peaceyrs``): full years since the undirected dyad was last on opposite
sides of a MID (any involvement, joiners included), counted from the dyad's first year in the
frame (1816 at the earliest: left-censored, as in Beck, Katz & Tucker 1998,
doi:10.2307/2991857).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels._join import dyad_key, gather

__all__ = ["at_risk_of_onset", "code_disputes", "mid_dyads"]


def mid_dyads(participants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Onsets and involvement from MIDB participant rows.

    Parameters
    ----------
    participants
        ``mid, ccode, sidea, orig, styear, endyear`` (one row per participation spell).

    Returns
    -------
    onsets, involved
        ``ccode1, ccode2, year``: originator on side A against originator on side B, in
        the first year both were in the dispute (directed); and ``lo, hi, year``: every
        year the undirected pair (``lo < hi``) was on opposite sides of some MID.
    """
    side_a = participants[participants["sidea"] == 1]
    side_b = participants[participants["sidea"] == 0]
    orig = side_a[side_a["orig"] == 1].merge(side_b[side_b["orig"] == 1], on="mid",
                                             suffixes=("1", "2"))
    onsets = pd.DataFrame({"ccode1": orig["ccode1"], "ccode2": orig["ccode2"],
                           "year": np.maximum(orig["styear1"], orig["styear2"])})
    pairs = side_a.merge(side_b, on="mid", suffixes=("1", "2"))
    lo_year = np.maximum(pairs["styear1"], pairs["styear2"]).to_numpy()
    hi_year = np.minimum(pairs["endyear1"], pairs["endyear2"]).to_numpy()
    keep = lo_year <= hi_year
    span = (hi_year - lo_year + 1)[keep]
    first = np.repeat(lo_year[keep], span)
    offset = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    c1 = np.repeat(pairs["ccode1"].to_numpy()[keep], span)
    c2 = np.repeat(pairs["ccode2"].to_numpy()[keep], span)
    involved = pd.DataFrame({"lo": np.minimum(c1, c2), "hi": np.maximum(c1, c2),
                             "year": first + offset})
    return (onsets.drop_duplicates().astype("int64").reset_index(drop=True),
            involved.drop_duplicates().astype("int64").reset_index(drop=True))


def code_disputes(frame: pd.DataFrame, onsets: pd.DataFrame,
                  involved: pd.DataFrame) -> pd.DataFrame:
    """Add ``dispute``, ``in_dispute`` and ``peaceyrs`` to a directed dyad-year frame.

    ``peaceyrs`` counts the full years since the pair was last on opposite sides of a MID,
    or since its first year in ``frame``; rows are not dropped here.
    """
    a = frame["ccode1"].to_numpy().astype(np.int64)
    b = frame["ccode2"].to_numpy().astype(np.int64)
    year = frame["year"].to_numpy().astype(np.int64)
    _, found = gather(dyad_key(a, b, year),
                      dyad_key(onsets["ccode1"].to_numpy(), onsets["ccode2"].to_numpy(),
                               onsets["year"].to_numpy()))
    pair = np.minimum(a, b) * 1000 + np.maximum(a, b)
    inv = np.unique((involved["lo"].to_numpy() * 1000 + involved["hi"].to_numpy()) * 10000
                    + involved["year"].to_numpy())
    key = pair * 10000 + year
    pos = np.searchsorted(inv, key)
    in_dispute = (pos < len(inv)) & (inv[np.minimum(pos, max(len(inv) - 1, 0))] == key) \
        if len(inv) else np.zeros(len(key), bool)
    before = pos - 1  # last involvement strictly before the year
    has_before = before >= 0
    prev = inv[np.maximum(before, 0)] if len(inv) else np.zeros(len(key), np.int64)
    has_before &= (prev // 10000) == pair
    first = pd.Series(year).groupby(pair).transform("min").to_numpy()
    last = np.where(has_before, prev % 10000, first - 1)
    return frame.assign(dispute=found.astype(np.int8), in_dispute=in_dispute,
                        peaceyrs=(year - last - 1).astype(np.int64))


def at_risk_of_onset(frame: pd.DataFrame) -> np.ndarray:
    """Rows kept: an onset, or a year in which the pair was on no MID's opposite sides.

    A directed dyad-year without an onset while the two states face each other in a MID
    (an ongoing dispute, the target's direction of a new one, a joiner's dyad) is not at
    risk of a new initiation and is dropped.
    """
    return (frame["dispute"].to_numpy() == 1) | ~frame["in_dispute"].to_numpy(bool)
