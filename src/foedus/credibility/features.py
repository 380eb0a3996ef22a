"""Features of a pledge that bear on whether it will be honoured (DESIGN §4).

One row per (ally, partner, treaty, obligation, date, attackers): a case of
:func:`foedus.credibility.cases` or a hypothetical built by
:func:`foedus.credibility.credibility`. Treaty facts come from the commitment model, state
facts (capitals, capabilities, Polity, ideal points, major powers) from the store in bulk.

Features (:data:`FEATURES`; 0/1 unless stated), each from the literature on alliance
reliability:

- ``offense``, ``neutrality``: the obligation's kind, defence the baseline (Leeds, Long &
  Mitchell 2000 [1]_: specific promises are judged against their own terms);
- ``post1945``: the casus foederis year is 1945 or later (Berkemeier & Fuhrmann 2018 [2]_:
  0.66 of alliances honoured before 1945, 0.22 after);
- ``log_members``: :math:`\\ln` of the number of members of the treaty on the date
  (bilateral: :math:`\\ln 2`); multilateral pledges after 1945 are kept least often, a
  pattern "driven by a small number of closely related cases" (Chiba et al. 2026 [3]_);
- ``asymmetric``: the partner owes the ally no obligation of the same kind in the treaty;
  ``ally_major``, ``partner_major``: COW major power on the date (Mattes 2012 [4]_:
  symmetric and asymmetric alliances, major and minor powers, differ in design and in
  the reputational stakes of a violation; the COW list ends in 2016 and is carried on);
- ``capability_change``, ``democratic_change``: the ally's or the partner's CINC moved by
  more than 10 %, or its Polity score by 3 points or more, between the year the *dyad*
  entered the treaty (the later of the two accessions) and the year before the date —
  Leeds (2003) [5]_ and Leeds & Anac (2005) [6]_'s ``chcap2d`` and ``dinstch2``, computed by
  :func:`foedus.reliability.performance.change_since_formation` (the last year on record
  is read past NMC 7.0's 2022 and Polity5's 2018; 0 where neither decides, counted in
  ``change_missing``). They replace treaty age;
- ``original_target``: the partner was attacked on the war's first day (Leeds & Anac's
  ``origtar1``); a hypothetical's partner is the state attacked when the pledge is a
  defence pledge or names attackers, not when it is an offence pledge;
- ``ally_capability``, ``attacker_capability``: :math:`\\log_{10}` of the ally's CINC and of
  the attackers' summed CINC (NMC 7.0; floor :math:`10^{-6}`, the floor for a hypothetical
  without attackers) — Leeds (2003) [5]_, Huth & Russett (1984);
- ``log_distance``: :math:`\\ln(1 + d)`, *d* the great-circle km between the ally's and the
  partner's capitals on 1 July (:func:`haversine_km`);
- ``institutionalisation``: Leeds & Anac's military institutionalisation (0-2) of the ATOP
  phase in force (:func:`foedus.reliability.performance.institutionalisation`; a book
  treaty reads the ATOP alliance it supersedes, else 2 with an integrated command);
- ``conditional``: the obligation carries any condition (named adversary, place,
  non-provocation, number of attackers, demand, specific conflict): Benson's (2012) [7]_
  conditional commitments, against unconditional ones;
- ``un_distance_within``: :math:`|\\theta_{ally} - \\theta_{partner}|` of the UNGA ideal
  points (``idealpointfp``) *minus the mean over the treaty's member pairs* that year —
  the dyad's distance relative to its own treaty, never between treaties (the methods
  review, December 2026, §3.3: between treaties the Arab League's cohesive voting flips its
  sign); 0 where ideal points are missing (every year before 1946).

Bookkeeping columns (not features): ``treaty_level`` (the treaty's random-effect level:
``atop:<first ATOP id>``, so that the book's NATO meets the ATOP NATO of the record),
``ally``, ``kind``, ``era``, ``cf_class`` (the kinds of condition the obligation carries,
``+``-joined, or ``unconditional``: the casus-foederis class of the support count),
``cinc_year_ally``, ``cinc_carried`` (NMC 7.0 ends in 2022), ``major_carried`` (the COW
major-power list ends in 2016), ``change_missing`` and ``similarity_year`` (the year; kept
for callers, portfolio similarity is no longer a feature).

References
----------
.. [1] Leeds, Long & Mitchell. 2000. "Reevaluating Alliance Reliability." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
.. [2] Berkemeier & Fuhrmann. 2018. "Reassessing the Fulfillment of Alliance Commitments in
   War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [3] Chiba, Johnson, Leeds et al. 2026. *International Studies Quarterly*.
   doi:10.1093/isq/sqag012
.. [4] Mattes, Michaela. 2012. "Reputation, Symmetry, and Alliance Design." *International
   Organization* 66(4): 679-707. doi:10.1017/S002081831200029X
.. [5] Leeds, Brett Ashley. 2003. "Alliance Reliability in Times of War." *International
   Organization* 57(4): 801-827. doi:10.1017/S0020818303574057
.. [6] Leeds & Anac. 2005. "Alliance Institutionalization and Alliance Performance."
   *International Interactions* 31(3): 183-202. doi:10.1080/03050620500294135
.. [7] Benson, Brett V. 2012. *Constructing International Security: Alliances, Deterrence,
   and Moral Hazard*. Cambridge University Press. doi:10.1017/CBO9781139225694
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

from foedus._lazy import pandas as pd
from foedus.errors import UnknownTreatyError
from foedus.measures.distance import haversine_km
from foedus.model.vocab import ObligationKind

__all__ = ["BOOKKEEPING", "DATASETS", "FEATURES", "cf_class", "era_of", "nuclear_states",
           "pledge_feature_columns", "pledge_features"]

FEATURES = (
    "offense", "neutrality", "post1945", "log_members", "asymmetric", "ally_major",
    "partner_major", "capability_change", "democratic_change", "original_target",
    "ally_capability", "attacker_capability", "log_distance", "institutionalisation",
    "conditional", "un_distance_within",
)
BOOKKEEPING = ("treaty_level", "ally", "kind", "era", "cf_class", "cinc_year_ally",
               "cinc_carried", "major_carried", "change_missing", "similarity_year")
#: Registry datasets the features read (for provenance).
DATASETS = ("atop_alliances", "atop_members", "atop_phases", "atop_directed", "cow_system",
            "cow_majors", "nmc_7", "polity5", "capitals", "unga_idealpoints")
_CINC_FLOOR = 1e-6
#: The columns of ``atop_phases`` :func:`_milinst` reads: the phase's alliance and start,
#: and the provisions :func:`foedus.reliability.performance.institutionalisation_arrays`
#: codes (it works row by row on these alone; the table has 138).
_PHASE_COLUMNS = ("atopid", "start_date")
_PROVISIONS = ("milcon", "intcom", "base", "milaid", "subord", "contrib", "orgpurp1",
               "orgpurp2", "organ1", "organ2", "estmode", "pubsecr")
#: A missing value as NaN in a query (fetched as a plain array, not a masked one).
_NAN = "'NaN'::DOUBLE"
_MAJORS_END = dt.date(2016, 12, 31)
_ERA_YEAR = 1945


def era_of(year) -> np.ndarray:
    """``pre-1945`` / ``post-1945`` by the casus foederis year (1945 is post-1945, as in
    :func:`foedus.reliability.rates.add_groups` and Berkemeier & Fuhrmann)."""
    return np.where(np.asarray(year) < _ERA_YEAR, "pre-1945", "post-1945")


@cache
def nuclear_states() -> pd.DataFrame:
    """The nuclear-weapon states with the dates they acquired (and gave up) the weapon."""
    with resources.files("foedus.data.tables").joinpath("nuclear_states.csv").open() as f:
        frame = pd.read_csv(f, dtype={"ccode": int})
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def _nuclear(ccode: int, day: dt.date) -> bool:
    n = nuclear_states()
    hit = n[n["ccode"] == ccode]
    return any(s <= day and (pd.isna(e) or day < e) for s, e in zip(hit["start"], hit["end"],
                                                                     strict=True))


def _day(row, memo: dict | None = None) -> dt.date:
    d = getattr(row, "date", None)
    if memo is not None and d is not None and not isinstance(d, float):
        key = ("day", type(d), d)
        if key not in memo:
            memo[key] = _day(row)
        return memo[key]
    if isinstance(d, dt.datetime):  # a pandas Timestamp too
        return d.date()
    if isinstance(d, dt.date):
        return d
    if d is not None and not (isinstance(d, float) and math.isnan(d)):
        return pd.Timestamp(d).date()
    return dt.date(int(row.year), 7, 1)


def _treaty(system, row, memo: dict | None = None):
    tid = getattr(row, "treaty", None)
    if not (isinstance(tid, str) and tid):
        tid = f"atop:{int(row.atopid)}"
    if memo is None:
        return system.treaty(tid)
    if ("treaty", tid) not in memo:  # one look-up per treaty (an error is not kept)
        memo[("treaty", tid)] = system.treaty(tid)
    return memo[("treaty", tid)]


def _obligation(treaty, row, day: dt.date):
    oid = getattr(row, "obligation", None)
    for o in treaty.obligations:
        if isinstance(oid, str) and o.id == oid:
            return o
    for o in treaty.obligations:
        if o.kind == row.kind and o.binds(int(row.ally), int(row.target), day):
            return o
    for o in treaty.obligations:
        if o.kind == row.kind:
            return o
    raise UnknownTreatyError(f"{treaty.id} has no {row.kind} obligation of {row.ally} to "
                             f"{row.target} on {day}.")


def cf_class(obligation) -> str:
    """The kinds of condition an obligation carries (its casus-foederis class), sorted and
    ``+``-joined: ``adversary``, ``conflict``, ``if_attacked`` (ATOP ``neucoatt``),
    ``location``, ``non_provocation``, ``other`` (number of attackers, demand); else
    ``unconditional``."""
    c = obligation.condition
    parts = {"adversary": c.adversary_coded,
             "location": c.location_coded or bool(c.scope),
             "non_provocation": c.non_provocation, "conflict": c.conflict_coded,
             "other": c.attackers_coded or c.demand_coded,
             "if_attacked": "atop:neucoatt" in obligation.flags}
    return "+".join(sorted(k for k, v in parts.items() if v)) or "unconditional"


def _entry(treaty, state: int, day: dt.date) -> dt.date | None:
    """The start of the membership spell of ``state`` holding ``day`` (else its first)."""
    spells = [m for m in treaty.members if m.state == state and m.start is not None]
    for m in spells:
        if m.active(day):
            return m.start
    return min((m.start for m in spells), default=None)


def _role_target(row, kind: str, attackers: tuple) -> float:
    """``original_target`` of a row (see the module docstring)."""
    given = getattr(row, "original_target", None)
    if given is not None and not (isinstance(given, float) and math.isnan(given)):
        return float(bool(given))
    role = getattr(row, "role", None)
    if isinstance(role, str):
        return float(role == "target")
    if kind == ObligationKind.OFFENSE:
        return 0.0
    return float(kind == ObligationKind.DEFENSE or bool(attackers))


def _treaty_facts(system, row, memo: dict) -> dict:
    """The treaty facts of one row; ``memo`` keeps the treaties and their members on a day
    across the rows of one :func:`pledge_features` call (many rows share them)."""
    day = _day(row, memo)
    treaty = _treaty(system, row, memo)
    oid = getattr(row, "obligation", None)
    if isinstance(oid, str):  # an id picks the obligation whatever the row's other fields
        key = ("obligation", treaty.id, oid)
        if key not in memo:
            memo[key] = next((o for o in treaty.obligations if o.id == oid), None)
        ob = memo[key] if memo[key] is not None else _obligation(treaty, row, day)
    else:
        ob = _obligation(treaty, row, day)
    ally, target = int(row.ally), int(row.target)
    attackers = tuple(int(a) for a in (getattr(row, "attackers", ()) or ()))
    key = ("of_kind", treaty.id, ob.kind)
    if key not in memo:  # the obligations of the kind by holder (None: held by every member)
        by: dict = {}
        for o in treaty.obligations:
            if o.kind == ob.kind:
                for h in (None,) if o.holders is None else o.holders:
                    by.setdefault(h, []).append(o)
        memo[key] = by
    by = memo[key]
    # Obligation.binds is False for a holder outside the obligation's holders
    reverse = any(o.binds(target, ally, day) for o in (*by.get(None, ()), *by.get(target, ())))
    key = ("facts", treaty.id, id(ob), day)
    if key not in memo:  # what depends on the treaty, the obligation and the day only
        atopids = treaty.atopids or ((int(treaty.id.split(":")[1]),)
                                     if treaty.id.startswith("atop:") else ())
        memo[key] = (atopids, cf_class(ob), tuple(treaty.members_on(day)))
    atopids, kind_class, members = memo[key]
    members = members or (ally, target)
    starts = []
    for state in (ally, target):
        key = ("entry", treaty.id, state, day)
        if key not in memo:
            memo[key] = _entry(treaty, state, day)
        if memo[key]:
            starts.append(memo[key])
    return {
        "offense": ob.kind == ObligationKind.OFFENSE,
        "neutrality": ob.kind == ObligationKind.NEUTRALITY,
        "post1945": day.year >= _ERA_YEAR,
        "log_members": math.log(max(len(members), 2)),
        "asymmetric": not reverse,
        "original_target": _role_target(row, ob.kind, attackers),
        "_atopids": atopids, "_integrated": treaty.provisions.integrated_command,
        "conditional": kind_class != "unconditional",
        "_entry_year": max(starts).year if starts else day.year,
        "_members": tuple(members), "_day": day, "_attackers": attackers,
        "treaty_level": f"atop:{atopids[0]}" if atopids else treaty.id,
        "kind": str(ob.kind.value), "cf_class": kind_class,
    }


def _milinst(con, atopids: list[tuple], days: list[dt.date], integrated: list) -> np.ndarray:
    """Military institutionalisation (Leeds & Anac 2005, doi:10.1080/03050620500294135; by
    :func:`foedus.reliability.performance.institutionalisation`) of each row's treaty on its
    day: the value of the ATOP phase in force — the last phase begun on or before the day,
    the first phase before the alliance began — of the row's first ATOP alliance (in the
    order of ``atopids``) whose phase has a value; else 2 (integrated command) or 0 by the
    treaty's provisions, else 0.

    One sorted search over all (row, alliance) pairs at once (issue 17: this was a pandas
    lookup per row, the larger part of a scenario's compile time).
    """
    from foedus.data.store import fetch_arrays
    from foedus.reliability.performance import institutionalisation_arrays

    # a missing provision as NaN in the query: no masked arrays (nor numpy.ma's import)
    phases = fetch_arrays(
        con, f"select {', '.join(_PHASE_COLUMNS)}, "
        f"{', '.join(f'coalesce({c}, {_NAN}) as {c}' for c in _PROVISIONS)} from atop_phases")
    milinst, _ = institutionalisation_arrays(
        {c: np.asarray(phases[c], dtype=float) for c in _PROVISIONS})
    start = np.asarray(phases["start_date"]).astype("datetime64[D]")
    # one sorted key per phase: (alliance, start day); a day fits in the low 32 bits
    key = np.asarray(phases["atopid"], dtype=np.int64) << 32 | (start.astype(np.int64) + 2**31)
    order = np.argsort(key, kind="stable")
    key, value = key[order], milinst[order]
    # every (row, alliance) pair, in the order the row lists its alliances
    n = len(days)
    count = np.fromiter((len(a) for a in atopids), dtype=np.int64, count=n)
    row = np.repeat(np.arange(n), count)
    want = np.fromiter((int(a) for ids in atopids for a in ids), dtype=np.int64,
                       count=int(count.sum())) << 32
    day = np.array(days, dtype="datetime64[D]").astype(np.int64)[row] + 2**31
    first = np.searchsorted(key, want, side="left")  # the alliance's phases: first … end
    end = np.searchsorted(key, want + (1 << 32), side="left")
    # the last phase begun on or before the day, else the alliance's first phase
    at = np.maximum(np.searchsorted(key, want | day, side="right") - 1, first)
    got = np.where(first < end, value[np.minimum(at, len(value) - 1)], np.nan)
    # per row, the first of its alliances with a value
    out = np.full(n, np.nan)
    valued = np.nonzero(~np.isnan(got))[0]
    rows_valued, pick = np.unique(row[valued], return_index=True)
    out[rows_valued] = got[valued[pick]]
    command = np.array([np.nan if c is None else (2.0 if c else 0.0) for c in integrated])
    out = np.where(np.isnan(out), command, out)
    return np.nan_to_num(out, nan=0.0)


def _values(con, sql: str, ccode: np.ndarray, year: np.ndarray, value: str) -> np.ndarray:
    """The latest value on record up to each (ccode, year), and its year (NaN, NaN where
    there is none); ``sql`` selects ``ccode``, ``year`` and ``value``, none of them null."""
    from foedus.data.store import fetch_arrays
    from foedus.reliability.performance import latest_on_record

    table = fetch_arrays(con, sql)
    v = np.asarray(table[value], dtype=float)
    keep = ~np.isnan(v)
    vy = np.asarray(table["year"])[keep]
    at = latest_on_record(np.asarray(table["ccode"])[keep], vy, ccode, year)
    safe = np.maximum(at, 0)
    found = at >= 0
    return np.column_stack([np.where(found, v[keep][safe] if keep.any() else np.nan, np.nan),
                            np.where(found, vy[safe] if keep.any() else np.nan, np.nan)])


def _major_spells(con) -> dict[int, list]:
    """Each major power's spells (start, end) on the COW list."""
    spells: dict[int, list] = {}
    for c, s, e in con.execute("select ccode, start_date, end_date from major_powers"
                               ).fetchall():
        spells.setdefault(int(c), []).append((s, e))
    return spells


def _major(by: dict[int, list], ccodes: np.ndarray, days: list[dt.date]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Whether each state is a major power on its day (the list carried on past its end),
    and whether the day is past the end; ``by`` from :func:`_major_spells`."""
    when = [min(d, _MAJORS_END) for d in days]
    memo: dict[tuple, bool] = {}  # many rows share a state and a day
    for c, w in zip(ccodes, when, strict=True):
        if (c, w) not in memo:
            memo[c, w] = any(s <= w <= e for s, e in by.get(int(c), ()))
    major = np.array([memo[c, w] for c, w in zip(ccodes, when, strict=True)], dtype=float)
    return major, np.array([d > _MAJORS_END for d in days])


def _within_treaty_distance(con, members_of: list, ally, target, year) -> np.ndarray:
    """|θ_ally − θ_partner| minus the mean over the treaty's member pairs that year."""
    years = [int(y) for y in year]  # only the rows' years are looked up
    ip = con.execute("select ccode, year, idealpointfp from ideal_points where idealpointfp "
                     "is not null and year between ? and ?",
                     [min(years, default=0), max(years, default=0)]).fetchall()
    theta = {(int(c), int(y)): float(v) for c, y, v in ip}
    out = np.zeros(len(members_of))
    cache: dict[tuple, float] = {}
    for i, (members, a, t, y) in enumerate(zip(members_of, ally, target, year,
                                               strict=True)):
        ta, tt = theta.get((int(a), int(y))), theta.get((int(t), int(y)))
        if ta is None or tt is None:
            continue
        key = (members, int(y))
        if key not in cache:
            v = np.array([theta[(m, int(y))] for m in members if (m, int(y)) in theta])
            cache[key] = float(np.abs(v[:, None] - v[None, :])[np.triu_indices(len(v), 1)]
                               .mean()) if len(v) > 1 else math.nan
        if not math.isnan(cache[key]):
            out[i] = abs(ta - tt) - cache[key]
    return out


def pledge_features(rows: pd.DataFrame, system=None) -> pd.DataFrame:
    """The :data:`FEATURES` (and :data:`BOOKKEEPING`) of each pledge row, in order.

    A frame of :func:`pledge_feature_columns`' columns (which see: the same numbers).

    Parameters
    ----------
    rows
        Frame with ``ally``, ``target`` (the partner), ``kind``, ``attackers`` (a sequence
        of COW codes, possibly empty), ``date`` or ``year``, and ``treaty`` (an id such as
        ``book:nato``) or ``atopid``; an ``obligation`` id picks the obligation exactly,
        else the first of the kind binding ally → target on the date. Optional ``role``
        (``target``/``initiator``/``joiner``) or ``original_target`` (0/1).
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    pandas.DataFrame
        The float64 feature columns and the bookkeeping columns, indexed like ``rows``.

    Raises
    ------
    UnknownTreatyError
        A row's treaty has no obligation of its kind.
    """
    if rows.empty:
        return pd.DataFrame(columns=[*FEATURES, *BOOKKEEPING])
    records = list(rows.reset_index(drop=True).itertuples(index=False))
    return pd.DataFrame(pledge_feature_columns(records, system), index=rows.index)


def pledge_feature_columns(rows: Sequence, system=None) -> dict[str, np.ndarray]:
    """The :data:`FEATURES` and :data:`BOOKKEEPING` columns of each pledge, as arrays.

    The core of :func:`pledge_features` without a frame (the crisis compile's path).

    Parameters
    ----------
    rows
        A non-empty sequence of rows with the fields of :func:`pledge_features`' frame as
        attributes (its ``itertuples``, or :class:`types.SimpleNamespace` objects).
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    dict of str to numpy.ndarray
        The columns of :data:`FEATURES` (float64) and :data:`BOOKKEEPING`, in that order.

    Raises
    ------
    UnknownTreatyError
        A row's treaty has no obligation of its kind.
    """
    from foedus.data.loaders import load_system
    from foedus.data.queries import capitals_on
    from foedus.data.store import connect
    from foedus.reliability.performance import change_since_formation_arrays

    system = system or load_system()
    ally = np.array([int(r.ally) for r in rows], dtype=np.int64)
    target = np.array([int(r.target) for r in rows], dtype=np.int64)
    with connect() as con:
        memo: dict = {}
        facts = [_treaty_facts(system, r, memo) for r in rows]
        days = [f["_day"] for f in facts]
        institutionalisation = _milinst(con, [f["_atopids"] for f in facts], days,
                                        [f["_integrated"] for f in facts])
        year = np.array([d.year for d in days])
        attackers = [f["_attackers"] for f in facts]
        # capabilities of allies and attackers: one lookup of (ccode, year)
        att = [(i, a) for i, atts in enumerate(attackers) for a in atts]
        cinc = _values(con, "select ccode, year, cinc from capabilities where nmc_version "
                       "= '7.0' and cinc is not null",
                       np.r_[ally, np.array([a for _, a in att], dtype=np.int64)],
                       np.r_[year, np.array([year[i] for i, _ in att], dtype=np.int64)], "cinc")
        spells = _major_spells(con)
        major_a, carried_m = _major(spells, ally, days)
        major_p, _ = _major(spells, target, days)
        chcap2d, dinstch2 = change_since_formation_arrays(
            ally, [(int(t),) for t in target],
            np.minimum([f["_entry_year"] for f in facts], year), year, con, latest=True)
        within = _within_treaty_distance(con, [f["_members"] for f in facts], ally, target,
                                         year)
    look = capitals_on(np.r_[ally, target], np.r_[year, year])
    pa = np.array([look.get((int(a), int(y)), (np.nan, np.nan)) for a, y in zip(
        ally, year, strict=True)])
    pt = np.array([look.get((int(t), int(y)), (np.nan, np.nan)) for t, y in zip(
        target, year, strict=True)])
    km = haversine_km(pa[:, 0], pa[:, 1], pt[:, 0], pt[:, 1])
    n = len(rows)
    ally_cinc = np.nan_to_num(cinc[:n, 0], nan=0.0)
    attack = np.zeros(n)
    for (i, _), v in zip(att, cinc[n:, 0], strict=True):
        attack[i] += 0.0 if np.isnan(v) else v

    def fact(name: str) -> np.ndarray:
        return np.array([f[name] for f in facts], dtype=float)

    out = {name: fact(name) for name in ("offense", "neutrality", "post1945", "log_members",
                                         "asymmetric", "original_target", "conditional")}
    out["institutionalisation"] = np.asarray(institutionalisation, dtype=float)
    out["ally_major"], out["partner_major"] = major_a, major_p
    out["capability_change"] = np.where(np.isnan(chcap2d), 0.0, chcap2d)
    out["democratic_change"] = np.where(np.isnan(dinstch2), 0.0, dinstch2)
    out["ally_capability"] = np.log10(np.maximum(ally_cinc, _CINC_FLOOR))
    out["attacker_capability"] = np.log10(np.maximum(attack, _CINC_FLOOR))
    out["log_distance"] = np.log1p(np.nan_to_num(km, nan=0.0))
    out["un_distance_within"] = within
    columns = {name: np.asarray(out[name], dtype=float) for name in FEATURES}
    columns["treaty_level"] = np.array([f["treaty_level"] for f in facts], dtype=object)
    columns["ally"] = ally
    columns["kind"] = np.array([f["kind"] for f in facts], dtype=object)
    columns["era"] = era_of(year)
    columns["cf_class"] = np.array([f["cf_class"] for f in facts], dtype=object)
    columns["cinc_year_ally"] = cinc[:n, 1]
    columns["cinc_carried"] = cinc[:n, 1] < year
    columns["major_carried"] = carried_m
    columns["change_missing"] = np.isnan(chcap2d) | np.isnan(dinstch2)
    columns["similarity_year"] = year
    return columns
