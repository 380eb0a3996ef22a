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
import pandas as pd

__all__ = ["CAPABILITY_CHANGE", "POLITY_CHANGE", "change_since_formation",
           "institutionalisation", "member_war_cases"]

#: Relative CINC change that counts as a change in capabilities (``chcap2d``).
CAPABILITY_CHANGE = 0.10
#: Polity (``polity2``) points that count as an institutional change (``dinstch2``).
POLITY_CHANGE = 3


def _any(*conds: pd.Series) -> pd.Series:
    out = conds[0].fillna(False).astype(bool)
    for c in conds[1:]:
        out |= c.fillna(False).astype(bool)
    return out


def institutionalisation(phases: pd.DataFrame) -> pd.DataFrame:
    """``milinst`` and ``formal`` (0-2, float with NaN) of each ATOP alliance phase.

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
    high = _any(p["milcon"] == 3, p["intcom"] == 1, p["base"] > 0)
    moderate = _any(p["milcon"] == 2, p["milaid"].isin([3, 4]), p["subord"] > 0,
                    p["contrib"] == 1, p["orgpurp1"].isin([1, 4]), p["orgpurp2"].isin([1, 4]))
    milinst = np.where(high, 2.0, np.where(moderate, 1.0, 0.0))
    inputs = ["milcon", "intcom", "base", "milaid", "subord", "contrib", "orgpurp1",
              "orgpurp2"]
    milinst = np.where(p[inputs].isna().all(axis=1), np.nan, milinst)
    organ = p[["organ1", "organ2"]].max(axis=1)
    formal = ((p["estmode"] == 1) & (p["pubsecr"] != 2)).astype(float) + (organ >= 2)
    formal = np.where(p["organ1"].isna(), 0.0, formal)
    formal = np.where(p[["estmode", "pubsecr", "organ1"]].isna().all(axis=1), np.nan, formal)
    return pd.DataFrame({"atopid": p["atopid"].astype(int), "atopidphase": p["atopidphase"],
                         "milinst": milinst, "formal": formal})


def _lookup(values: pd.DataFrame, ccode: pd.Series, year: pd.Series, latest: bool
            ) -> np.ndarray:
    """The value of each (ccode, year): that year's, or with ``latest`` the last on record
    up to it (a year past the data's end reads its last year)."""
    if not latest:
        look = values.set_index(["ccode", "year"])["value"]
        return np.asarray([look.get((c, y), np.nan) for c, y in zip(ccode, year, strict=True)],
                          dtype=float)
    left = pd.DataFrame({"ccode": np.asarray(ccode, dtype="int64"),
                         "year": np.asarray(year, dtype="int64"), "_i": np.arange(len(ccode))})
    right = values.dropna(subset=["value"]).astype({"ccode": "int64", "year": "int64"})
    got = pd.merge_asof(left.sort_values("year"), right.sort_values("year"), on="year",
                        by="ccode", direction="backward")
    return got.sort_values("_i")["value"].to_numpy(dtype=float)


def _changed(values: pd.DataFrame, pairs: pd.DataFrame, rule, latest: bool = False
             ) -> np.ndarray:
    """Whether ``rule(before, after)`` holds for (ccode, y0, y1) rows of ``pairs``."""
    a = _lookup(values, pairs["ccode"], pairs["y0"], latest)
    b = _lookup(values, pairs["ccode"], pairs["y1"], latest)
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
    cinc = con.execute("select ccode, year, cinc as value from capabilities"
                       " where nmc_version = '7.0'").df()
    polity = con.execute("select ccode, year, polity2 as value from polity").df()
    out = pd.DataFrame(index=cases.index)
    out["chcap2d"] = _dyad_change(cases, cinc, lambda a, b: np.abs(b / a - 1)
                                  > capability_change, latest)
    out["dinstch2"] = _dyad_change(cases, polity, lambda a, b: np.abs(b - a)
                                   >= polity_change, latest)
    return out


def _dyad_change(cases: pd.DataFrame, values: pd.DataFrame, rule, latest: bool = False
                 ) -> np.ndarray:
    """1 when the member's or any partner's value changed by the rule between entering the
    alliance and the year before the war; NaN when no value decides it."""
    if cases.empty:
        return np.zeros(0)
    y1 = np.maximum(cases["year"].to_numpy() - 1, cases["entry_year"].to_numpy())
    y0 = cases["entry_year"].to_numpy()
    states = [(i, int(c)) for i, (a, ps) in enumerate(zip(cases["ally"], cases["partners"],
                                                          strict=True)) for c in (a, *ps)]
    pairs = pd.DataFrame({"row": [i for i, _ in states], "ccode": [c for _, c in states]})
    pairs["y0"], pairs["y1"] = y0[pairs["row"]], y1[pairs["row"]]
    pairs["changed"] = _changed(values, pairs, rule, latest)
    grouped = pairs.groupby("row")["changed"]
    any_change = grouped.max()
    all_missing = pairs["changed"].isna().groupby(pairs["row"]).all()  # no apply per row
    out = np.where(all_missing, np.nan, (any_change.fillna(0) > 0).astype(float))
    return out
