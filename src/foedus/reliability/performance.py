"""Alliance performance, member by member: institutionalisation, change since formation,
and the alliance–member–war cases of Leeds (2003) and Leeds & Anac (2005).

**Institutionalisation** (:func:`institutionalisation`), as Leeds & Anac build it from ATOP
[2]_ (ATOP codebook v5.1, §2.34), per alliance phase:

- ``milinst`` (0-2): *high* (2) with a common defence policy (``milcon`` = 3), an integrated
  command (``intcom`` = 1) or bases (``base`` > 0); *moderate* (1) with peacetime military
  contact (``milcon`` = 2), military training or technology aid (``milaid`` 3-4),
  subordination of forces in war (``subord`` > 0), set contributions (``contrib`` = 1) or
  an organisation whose purpose is military (``orgpurp1``/``orgpurp2`` 1 or 4); else none
  (0); missing when every one of these is missing.
- ``formal`` (0-2): one point for a treaty requiring ratification (``estmode`` = 1) that is
  not entirely secret (``pubsecr`` ≠ 2), one for a named organisation or a permanent
  bureaucracy (``organ1``/``organ2`` ≥ 2); 0 where ATOP does not record the organisation
  (``organ1`` missing), missing where ``estmode``, ``pubsecr`` and ``organ1`` all are.
  The missing-value rules are the registered file's (``atopinst5_1``): both codings equal it
  on all 849 phases (tested).

**Cases** (:func:`member_war_cases`): one per war, alliance and member that owed an *active*
(defence or offence) pledge whose casus foederis was True, wars 1816-1944 (Leeds 2003 [1]_;
Leeds & Anac's active-support sample). ``honoured`` is 1 when the member kept every such
pledge of the alliance in the war (joined within the window, or was already fighting beside
the partner: Leeds, Long & Mitchell's "fight together"), 0 otherwise. Its variables:

- ``milinst``, ``formal`` of the alliance phase in force on the casus foederis date;
- ``chcap2d`` = 1 when the member's or the partner's CINC (NMC 7.0) changed by more than
  :data:`CAPABILITY_CHANGE` (10%) between the year the member entered the alliance and the
  year before the war; Leeds & Anac's do-file offers a 20% threshold as a robustness check
  (``chcp2d20``), so the main one is lower — 10% is our reading, not a published number;
- ``dinstch2`` = 1 when the member's or the partner's Polity score (Polity5 ``polity2``,
  COW codes) moved by :data:`POLITY_CHANGE` (3) points or more over the same years — the
  change Polity itself calls a regime transition (Marshall & Gurr 2020, ``durable``);
- ``origtar1`` = 1 when the partner was an original target: attacked on the war's first day.

The year before the war, not the war year, is compared with formation: a war moves CINC
(mobilisation) and Polity (occupation: Poland's 1939 score is an interregnum) by itself.

References
----------
.. [1] Leeds, Brett Ashley. 2003. "Alliance Reliability in Times of War: Explaining State
   Decisions to Violate Treaties." *International Organization* 57(4): 801-827.
   doi:10.1017/S0020818303574057
.. [2] Leeds, Brett Ashley, and Sezi Anac. 2005. "Alliance Institutionalization and
   Alliance Performance." *International Interactions* 31(3): 183-202.
   doi:10.1080/03050620500294135
.. [3] Marshall, Monty G., and Ted Robert Gurr. 2020. *Polity5: Political Regime
   Characteristics and Transitions, 1800-2018. Dataset Users' Manual*. Center for
   Systemic Peace.
"""

from __future__ import annotations

import numpy as np

from foedus._lazy import pandas as pd

__all__ = ["CAPABILITY_CHANGE", "POLITY_CHANGE", "change_since_formation",
           "change_since_formation_arrays", "institutionalisation",
           "institutionalisation_arrays", "latest_on_record", "member_war_cases"]

#: Relative CINC change that counts as a change in capabilities (``chcap2d``).
CAPABILITY_CHANGE = 0.10
#: Polity (``polity2``) points that count as an institutional change (``dinstch2``).
POLITY_CHANGE = 3


#: The provision columns of ``milinst`` and of ``formal`` (module docstring).
_MILINST_INPUTS = ("milcon", "intcom", "base", "milaid", "subord", "contrib", "orgpurp1",
                   "orgpurp2")
_FORMAL_INPUTS = ("estmode", "pubsecr", "organ1", "organ2")


def institutionalisation(phases: pd.DataFrame) -> pd.DataFrame:
    """``milinst`` and ``formal`` (0-2, float with NaN) of each ATOP alliance phase.

    A frame of :func:`institutionalisation_arrays` (which see: the same numbers).

    Parameters
    ----------
    phases
        ATOP's alliance-phase file (``atop_phases``): ``atopid``, ``atopidphase`` and the
        provision columns named in the module docstring.

    Returns
    -------
    pandas.DataFrame
        ``atopid``, ``atopidphase``, ``milinst``, ``formal``.
    """
    p = phases
    milinst, formal = institutionalisation_arrays(
        {c: p[c].to_numpy(dtype=float) for c in (*_MILINST_INPUTS, *_FORMAL_INPUTS)})
    return pd.DataFrame({"atopid": p["atopid"].astype(int), "atopidphase": p["atopidphase"],
                         "milinst": milinst, "formal": formal})


def institutionalisation_arrays(columns) -> tuple[np.ndarray, np.ndarray]:
    """``milinst`` and ``formal`` (0-2, float with NaN) of each phase, from its provision
    columns as float arrays (NaN: missing); Leeds & Anac (2005), module docstring.

    Parameters
    ----------
    columns
        A mapping of the provision names of the module docstring (``milcon`` … ``orgpurp2``,
        ``estmode``, ``pubsecr``, ``organ1``, ``organ2``) to arrays of one value per phase.

    Returns
    -------
    tuple of numpy.ndarray
        ``milinst`` and ``formal``, one per phase.

    References
    ----------
    .. [1] Leeds, Brett Ashley, and Sezi Anac. 2005. "Alliance Institutionalization and
       Alliance Performance." *International Interactions* 31(3): 183-202.
       doi:10.1080/03050620500294135
    """
    def col(name: str) -> np.ndarray:
        return np.asarray(columns[name], dtype=float)

    high = (col("milcon") == 3) | (col("intcom") == 1) | (col("base") > 0)
    moderate = ((col("milcon") == 2) | np.isin(col("milaid"), [3, 4]) | (col("subord") > 0)
                | (col("contrib") == 1) | np.isin(col("orgpurp1"), [1, 4])
                | np.isin(col("orgpurp2"), [1, 4]))
    milinst = np.where(high, 2.0, np.where(moderate, 1.0, 0.0))
    unknown = np.logical_and.reduce([np.isnan(col(c)) for c in _MILINST_INPUTS])
    milinst = np.where(unknown, np.nan, milinst)
    organ = np.fmax(col("organ1"), col("organ2"))  # the larger, skipping a missing one
    formal = ((col("estmode") == 1) & (col("pubsecr") != 2)).astype(float) + (organ >= 2)
    formal = np.where(np.isnan(col("organ1")), 0.0, formal)
    formal = np.where(np.logical_and.reduce([np.isnan(col(c)) for c in
                                             ("estmode", "pubsecr", "organ1")]), np.nan, formal)
    return milinst, formal


def latest_on_record(ccode_v, year_v, ccode, year) -> np.ndarray:
    """For each (``ccode``, ``year``), the index of the row of (``ccode_v``, ``year_v``)
    with that code and the latest year at or before it (-1 where there is none): the rows'
    last value on record up to each year, as ``pandas.merge_asof(..., by="ccode",
    direction="backward")`` finds it (one row per (ccode, year) on record)."""
    vc, vy = np.asarray(ccode_v, dtype=np.int64), np.asarray(year_v, dtype=np.int64)
    ccode, year = np.asarray(ccode, dtype=np.int64), np.asarray(year, dtype=np.int64)
    if not len(vc):
        return np.full(len(ccode), -1, dtype=np.int64)
    span = int(max(vy.max(), year.max(initial=0)) + 1)  # a year fits below one ccode step
    order = np.lexsort((vy, vc))
    at = np.searchsorted(vc[order] * span + vy[order], ccode * span + year,
                         side="right") - 1
    safe = np.maximum(at, 0)
    return np.where((at >= 0) & (vc[order][safe] == ccode), order[safe], -1)


def _lookup(values, ccode, year, latest: bool) -> np.ndarray:
    """The value of each (ccode, year): that year's, or with ``latest`` the last on record
    up to it (a year past the data's end reads its last year). ``values``: (ccode, year,
    value) arrays, one row per (ccode, year)."""
    vc, vy, vv = (np.asarray(values[k]) for k in ("ccode", "year", "value"))
    if not latest:
        look = {(int(c), int(y)): float(v) for c, y, v in zip(vc, vy, vv, strict=True)}
        return np.asarray([look.get((c, y), np.nan) for c, y in zip(
            np.asarray(ccode).tolist(), np.asarray(year).tolist(), strict=True)], dtype=float)
    keep = ~np.isnan(vv)
    at = latest_on_record(vc[keep], vy[keep], ccode, year)
    return np.where(at >= 0, vv[keep][np.maximum(at, 0)] if keep.any() else np.nan, np.nan)


def _changed(values, ccode, y0, y1, rule, latest: bool = False) -> np.ndarray:
    """Whether ``rule(before, after)`` holds for each (ccode, y0, y1)."""
    a = _lookup(values, ccode, y0, latest)
    b = _lookup(values, ccode, y1, latest)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(np.isnan(a) | np.isnan(b), np.nan, rule(a, b).astype(float))
    return out


def member_war_cases(opportunities: pd.DataFrame, con=None, *, last_year: int = 1944,
                     capability_change: float = CAPABILITY_CHANGE,
                     polity_change: int = POLITY_CHANGE) -> pd.DataFrame:
    """The alliance–member–war cases and their variables (see the module docstring).

    Parameters
    ----------
    opportunities
        :func:`foedus.reliability.opportunities` rows (all of them).
    con
        An open store connection (default: open one).
    last_year
        Last year of the casus foederis (1944: Leeds 2003, Leeds & Anac 2005).
    capability_change, polity_change
        The thresholds of ``chcap2d`` and ``dinstch2``.

    Returns
    -------
    pandas.DataFrame
        ``war``, ``war_name``, ``atopid``, ``ally``, ``partners``, ``year``, ``date``,
        ``honoured``, ``milinst``, ``formal``, ``chcap2d``, ``dinstch2``, ``origtar1``,
        ``entry_year``; a variable is NaN where its data are missing.
    """
    if con is None:
        from foedus.data.store import connect

        with connect() as own:
            return member_war_cases(opportunities, own, last_year=last_year,
                                    capability_change=capability_change,
                                    polity_change=polity_change)
    from foedus.reliability.targets import war_roles

    opp = opportunities
    legs = opp[opp["kind"].isin(["defense", "offense"])
               & opp["casus_foederis"].map(lambda v: v is True) & (opp["year"] <= last_year)]
    legs = legs.assign(kept=[o == "already_at_war" or h is True for o, h in zip(
        legs["outcome"], legs["honoured"], strict=True)])
    roles = war_roles(con)
    first = {(w, int(c)) for w, c, r, a, s in zip(
        roles["war"], roles["ccode"], roles["role"], roles["attacked_on"], roles["war_start"],
        strict=True) if r == "target" and a == s}
    legs = legs.assign(original=[(w, int(t)) in first for w, t in zip(
        legs["war"], legs["target"], strict=True)])
    cases = legs.groupby(["war", "atopid", "ally"], as_index=False).agg(
        war_name=("war_name", "first"), date=("date", "min"), year=("year", "min"),
        partners=("target", lambda s: tuple(sorted(set(int(x) for x in s)))),
        honoured=("kept", "all"), origtar1=("original", "any"))
    cases["honoured"] = cases["honoured"].astype(int)
    cases["origtar1"] = cases["origtar1"].astype(int)
    phases = con.execute("select * from atop_phases").df()
    inst = institutionalisation(phases).merge(
        phases[["atopidphase", "start_date", "end_date"]], on="atopidphase")
    cases[["milinst", "formal"]] = [_phase(inst, a, d) for a, d in zip(
        cases["atopid"], cases["date"], strict=True)]
    entry = con.execute("select atopid, member, min(yrent) as entry_year from atop_members"
                        " group by 1, 2").df()
    cases = cases.merge(entry.rename(columns={"member": "ally"}), on=["atopid", "ally"],
                        how="left")
    cases[["chcap2d", "dinstch2"]] = change_since_formation(
        cases, con, capability_change=capability_change, polity_change=polity_change)
    cols = ["war", "war_name", "atopid", "ally", "partners", "year", "date", "entry_year",
            "honoured", "milinst", "formal", "chcap2d", "dinstch2", "origtar1"]
    return cases[cols].sort_values(["year", "war", "atopid", "ally"], ignore_index=True)


def _phase(inst: pd.DataFrame, atopid: int, day) -> tuple[float, float]:
    rows = inst[inst["atopid"] == atopid]
    start = pd.to_datetime(rows["start_date"]).dt.date
    end = pd.to_datetime(rows["end_date"]).dt.date
    hit = rows[(start <= day) & (end.isna() | (end > day))]
    if hit.empty:  # the day falls between phases: the phase that began last before it
        hit = rows[start <= day].tail(1) if (start <= day).any() else rows.head(1)
    return float(hit["milinst"].iloc[0]), float(hit["formal"].iloc[0])


def change_since_formation(cases: pd.DataFrame, con, *,
                           capability_change: float = CAPABILITY_CHANGE,
                           polity_change: int = POLITY_CHANGE, latest: bool = False
                           ) -> pd.DataFrame:
    """Capability and democratic change since the alliance formed (``chcap2d``,
    ``dinstch2``; module docstring), Leeds (2003) [1]_ and Leeds & Anac (2005) [2]_.

    A frame of :func:`change_since_formation_arrays` (which see: the same numbers).

    Parameters
    ----------
    cases
        One row per case: ``ally``, ``partners`` (a tuple of COW codes), ``entry_year`` (the
        year the member — or the dyad — entered the alliance) and ``year`` (of the war, or
        of the day a pledge is judged).
    con
        An open store connection (NMC 7.0 ``capabilities``, Polity5 ``polity``).
    capability_change, polity_change
        The thresholds (:data:`CAPABILITY_CHANGE`, :data:`POLITY_CHANGE`).
    latest
        Read the last value on record up to each year instead of that year's (a pledge
        judged after NMC 7.0 ends in 2022 or Polity5 in 2018 compares with the last year
        on record); False, as the replication does, leaves such a case missing.

    Returns
    -------
    pandas.DataFrame
        ``chcap2d`` and ``dinstch2`` (1.0, 0.0, or NaN where no value decides), indexed
        like ``cases``.

    References
    ----------
    .. [1] Leeds, Brett Ashley. 2003. "Alliance Reliability in Times of War." *International
       Organization* 57(4): 801-827. doi:10.1017/S0020818303574057
    .. [2] Leeds, Brett Ashley, and Sezi Anac. 2005. "Alliance Institutionalization and
       Alliance Performance." *International Interactions* 31(3): 183-202.
       doi:10.1080/03050620500294135
    """
    chcap2d, dinstch2 = change_since_formation_arrays(
        cases["ally"].to_numpy(), list(cases["partners"]), cases["entry_year"].to_numpy(),
        cases["year"].to_numpy(), con, capability_change=capability_change,
        polity_change=polity_change, latest=latest)
    out = pd.DataFrame(index=cases.index)
    out["chcap2d"] = chcap2d
    out["dinstch2"] = dinstch2
    return out


def _values(con, sql: str) -> dict[str, np.ndarray]:
    """(ccode, year, value) arrays of a query's rows (``sql`` gives a missing value as
    NaN)."""
    from foedus.data.store import fetch_arrays

    got = fetch_arrays(con, sql)
    return {k: np.asarray(got[k], dtype=float) if k == "value" else np.asarray(got[k])
            for k in ("ccode", "year", "value")}


def change_since_formation_arrays(ally, partners, entry_year, year, con, *,
                                  capability_change: float = CAPABILITY_CHANGE,
                                  polity_change: int = POLITY_CHANGE, latest: bool = False
                                  ) -> tuple[np.ndarray, np.ndarray]:
    """``chcap2d`` and ``dinstch2`` of each case, as arrays (the core of
    :func:`change_since_formation`, without pandas).

    Parameters
    ----------
    ally, partners, entry_year, year
        One entry per case: the member's COW code, its partners (a tuple of COW codes),
        the year it (or the dyad) entered the alliance, and the war's or the day's year.
    con
        An open store connection (NMC 7.0 ``capabilities``, Polity5 ``polity``).
    capability_change, polity_change, latest
        As :func:`change_since_formation`.

    Returns
    -------
    tuple of numpy.ndarray
        ``chcap2d`` and ``dinstch2`` (1.0, 0.0, or NaN where no value decides).

    References
    ----------
    Leeds (2003) and Leeds & Anac (2005), cited in full under
    :func:`change_since_formation`.
    """
    cinc = _values(con, "select ccode, year, coalesce(cinc, 'NaN'::DOUBLE) as value from "
                        "capabilities where nmc_version = '7.0'")
    polity = _values(con, "select ccode, year, coalesce(polity2, 'NaN'::DOUBLE) as value "
                          "from polity")
    cases = (np.asarray(ally), list(partners), np.asarray(entry_year), np.asarray(year))
    return (_dyad_change(cases, cinc, lambda a, b: np.abs(b / a - 1) > capability_change,
                         latest),
            _dyad_change(cases, polity, lambda a, b: np.abs(b - a) >= polity_change,
                         latest))


def _dyad_change(cases: tuple, values, rule, latest: bool = False) -> np.ndarray:
    """1 when the member's or any partner's value changed by the rule between entering the
    alliance and the year before the war; NaN when no value decides it."""
    ally, partners, entry_year, year = cases
    if len(ally) == 0:
        return np.zeros(0)
    y1 = np.maximum(year - 1, entry_year)
    y0 = entry_year
    states = [(i, int(c)) for i, (a, ps) in enumerate(zip(ally, partners, strict=True))
              for c in (a, *ps)]
    row = np.array([i for i, _ in states], dtype=np.int64)
    ccode = np.array([c for _, c in states], dtype=np.int64)
    changed = _changed(values, ccode, y0[row], y1[row], rule, latest)
    # per case: NaN when every state's change is missing, else whether any changed
    decided = ~np.isnan(changed)
    n = len(ally)
    any_decided = np.bincount(row[decided], minlength=n) > 0
    any_change = np.bincount(row[decided], weights=changed[decided] > 0, minlength=n) > 0
    return np.where(any_decided, any_change.astype(float), np.nan)
