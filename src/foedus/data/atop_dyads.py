"""ATOP 5.1 directed dyad-year obligations, derived from the member-level file (atop5_1m).

ATOP publishes its own directed dyad-year file (atop5_1ddyr, codebook section 2.7); the store
only holds peacesciencer's 8-column extract of it (``atop_directed``: ``statea`` renamed
``ccode1``, ``stateb`` renamed ``ccode2``). :func:`derive_directed_obligations` rebuilds those
rows from the member file so that the extract can be checked, and so that the obligations can
be traced back to the alliances (ATOPIDs) that create them.

The derivation reproduces every published dyad-year and every obligation dummy except those of
members with ``obvary = 1`` (codebook 2.33: "this member has different obligations to
different members of the alliance"). The member file gives such a member one set of dummies,
the union over its partners, whereas ATOP "examine[s] all multilateral alliances in which the
obligations of member states vary and correct[s] the directed dyadic coding accordingly"
(codebook 2.7) from its codesheets. Those partner-specific corrections cannot be derived from
the member file; ``tests/fixtures/atop_directed_residuals.csv`` lists each of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.registry import dataset

__all__ = ["ATOP_LAST_YEAR", "OBLIGATIONS", "PUBLISHED_NAMES", "derive_directed_obligations"]

#: The five obligation dummies of the member file (codebook 2.33), in published order.
OBLIGATIONS: tuple[str, ...] = ("defense", "offense", "neutral", "nonagg", "consul")
#: Their names in the published directed dyad-year extract (peacesciencer ``atop_alliance``).
PUBLISHED_NAMES: dict[str, str] = {name: f"atop_{name}" for name in OBLIGATIONS}
#: ATOP 5.1 codes membership up to 31 December 2018; ``yrexit = 0`` means "still in effect
#: then" (codebook 2.32, YREXIT and INEFFECT).
ATOP_LAST_YEAR: int = dataset("atop_members").last_year  # type: ignore[assignment]

_REQUIRED = ("atopid", "member", "phase", "yrent", "moent", "dayent",
             "yrexit", "moexit", "dayexit", *OBLIGATIONS)
_OPEN_EXIT = 99_999_999  # date key of a membership still in effect at the end of coverage


def _date_key(year: pd.Series, month: pd.Series, day: pd.Series, unknown_day: int) -> np.ndarray:
    """``yyyymmdd`` as an integer; an unknown (missing or 0) day becomes ``unknown_day``."""
    d = pd.to_numeric(day, errors="coerce")
    d = d.where(d.notna() & (d > 0), unknown_day)
    return (year.to_numpy(np.int64) * 10_000 + month.to_numpy(np.int64) * 100
            + d.to_numpy(np.int64))


def _spells(members: pd.DataFrame) -> pd.DataFrame:
    """One row per member record with its membership span, in years and as date keys."""
    missing = [c for c in _REQUIRED if c not in members.columns]
    if missing:
        raise ValueError(f"member frame lacks columns {missing}")
    s = members.loc[:, list(_REQUIRED)].copy()
    # Codebook 2.6/2.7 footnotes 18-19: the France-Annam alliance (ATOPID 1320) is dropped from
    # the dyad-year files because Annam (8152) has no 3-digit COW country code.
    s = s[(s["member"] > 0) & (s["member"] < 1000)]
    still_in = s["yrexit"] <= 0
    s["first"] = s["yrent"].astype(np.int64)
    s["last"] = s["yrexit"].where(~still_in, ATOP_LAST_YEAR).astype(np.int64)
    # An unknown entry day counts as the 1st and an unknown exit day as the 31st, so that a
    # pair is only ruled non-simultaneous when the dates show it.
    s["enter"] = _date_key(s["yrent"], s["moent"], s["dayent"], unknown_day=1)
    s["leave"] = np.where(still_in, _OPEN_EXIT,
                          _date_key(s["yrexit"], s["moexit"], s["dayexit"], unknown_day=31))
    for col in OBLIGATIONS:
        s[col] = (pd.to_numeric(s[col], errors="coerce").fillna(0) > 0).astype(np.int8)
    return s.reset_index(drop=True)


def _alliance_dyad_years(spells: pd.DataFrame) -> pd.DataFrame:
    """Directed dyad-years per alliance phase: ``ccode1``'s own dummies toward ``ccode2``."""
    keys = ["atopid", "phase"]
    span = ["member", "first", "last", "enter", "leave"]
    a = spells[keys + span + list(OBLIGATIONS)]
    b = spells[keys + span]
    pairs = a.merge(b, on=keys, suffixes=("1", "2"))
    pairs = pairs[pairs["member1"] != pairs["member2"]]
    # Both members at the same time: one must not join on or after the day the other leaves
    # (codebook 2.7: "eliminate cases in which one state joined the alliance after the other
    # terminated its affiliation with the alliance in the same year").
    start = np.maximum(pairs["enter1"], pairs["enter2"])
    stop = np.minimum(pairs["leave1"], pairs["leave2"])
    pairs = pairs[start < stop].assign(start=start[start < stop])
    pairs["lo"] = np.maximum(pairs["first1"], pairs["first2"])
    pairs["hi"] = np.minimum(pairs["last1"], pairs["last2"])
    pairs = pairs[pairs["lo"] <= pairs["hi"]]
    # Entry and exit years inclusive: expand each pair spell to its years.
    n = (pairs["hi"] - pairs["lo"] + 1).to_numpy()
    rows = pairs.loc[pairs.index.repeat(n)].reset_index(drop=True)
    rows["year"] = rows["lo"].to_numpy() + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    rows = rows.rename(columns={"member1": "ccode1", "member2": "ccode2"})
    # In a year in which the alliance passes from one phase to the next, the pair's obligations
    # are those of the later phase, not the union of both (found by comparison with atop5_1ddyr,
    # e.g. ATOPID 1415 in 1905, 1362 in 1888, 1155 in 1857; codebook 1.53 and PHASE in 2.32).
    rows = rows.sort_values(["start", "phase"], kind="stable")
    rows = rows.drop_duplicates(["atopid", "ccode1", "ccode2", "year"], keep="last")
    cols = ["atopid", "phase", "ccode1", "ccode2", "year", *OBLIGATIONS]
    return rows[cols].sort_values(cols[:5]).reset_index(drop=True)


def derive_directed_obligations(members: pd.DataFrame, *,
                                keep_alliance: bool = False) -> pd.DataFrame:
    """Directed dyad-year alliance obligations derived from the ATOP member-level file.

    Parameters
    ----------
    members
        The member-level file as published (``read_raw("atop_members")``, atop5_1m); only
        ``atopid, member, phase, yrent, moent, dayent, yrexit, moexit, dayexit`` and the five
        obligation dummies are used.
    keep_alliance
        Return one row per alliance (``atopid``, ``phase``) and directed dyad-year instead of
        the aggregate: this shows which alliance gives ``ccode1`` each obligation.

    Returns
    -------
    pandas.DataFrame
        Columns ``ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
        atop_consul`` (the published names), one row per directed dyad-year, sorted.
        ``ccode1`` is the state holding the obligation and ``ccode2`` its partner: ATOP's
        STATEA and STATEB (codebook 2.7, DDYAD "200220 includes the obligations of the U.K. to
        France"; peacesciencer renames them ccode1/ccode2). Checked on the asymmetric US-Japan
        treaties (ATOPIDs 3220, 3375): the published rows have ``2 -> 740`` defense 1 and
        ``740 -> 2`` defense 0, as in the member file. A dummy is 1 if ``ccode1`` holds that
        obligation toward ``ccode2`` in any alliance both belong to that year.

    Notes
    -----
    The membership-year rule, from the codebook (sections cited) and checked against the
    published atop5_1ddyr extract, where it reproduces every one of its 273,296 dyad-years and
    adds none:

    - pairs are formed within an alliance *phase* (``atopid``, ``phase``), since the member
      file has one record per member and phase (2.3) and phases can be simultaneous (the
      Czech and Slovak successor phases, 1.53);
    - a member belongs to the alliance from its signature year ``yrent`` to its exit year
      ``yrexit``, both inclusive; ``yrexit = 0`` means in effect at 31 December 2018 (2.32);
    - a directed dyad-year exists only for years in which both states were members at the same
      time: a pair where one state signs on or after the date the other left (e.g. Yemen
      Arab Republic and Yemen in 1990, West and unified Germany in 1990) is dropped (2.7).
      Unknown days never rule a pair out;
    - the dummies of ``ccode1`` come from its own member record (2.33, 2.5: an obligation is the
      member's promise to its partners); in a year in which the alliance changes phase the
      later phase's record replaces the earlier one for a pair in both;
    - there is no filter on Correlates of War system membership (``cowsys``): the published
      file keeps e.g. 1815 and members not yet, or no longer, in the COW system. The one
      exclusion is Annam (8152), which has no COW code (footnotes 18-19).

    Members with ``obvary = 1`` keep the union of their obligations toward every partner; ATOP
    corrects these by partner from its codesheets (2.7), which the member file cannot show.
    """
    per_alliance = _alliance_dyad_years(_spells(members))
    if keep_alliance:
        out = per_alliance
    else:
        out = (per_alliance.groupby(["ccode1", "ccode2", "year"], sort=True)[list(OBLIGATIONS)]
               .max().reset_index())
    out = out.rename(columns=PUBLISHED_NAMES)
    for col in PUBLISHED_NAMES.values():
        out[col] = out[col].astype(np.int64)
    return out
