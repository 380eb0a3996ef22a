"""The pledge features as they were computed before issue 17's vectorisation, kept
verbatim (with the per-row pandas lookup of military institutionalisation in
``_milinst_lookup`` and the per-row groupby ``apply`` of
:func:`foedus.reliability.performance.change_since_formation` as it was): the reference
that ``tests/credibility/test_features_fast.py`` compares
:func:`foedus.credibility.features.pledge_features` with, column by column, on the whole
record and on a compiled scenario's pledges, and that ``benchmarks/features.py`` times.

The formulas and their sources are in :mod:`foedus.credibility.features`; nothing here is
imported by the package.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from foedus.errors import UnknownTreatyError
from foedus.measures.distance import haversine_km
from foedus.model.vocab import ObligationKind

__all__ = ["BOOKKEEPING", "DATASETS", "FEATURES", "cf_class", "era_of", "nuclear_states",
           "pledge_features"]

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


def _day(row) -> dt.date:
    d = getattr(row, "date", None)
    if d is not None and not (isinstance(d, float) and math.isnan(d)):
        return pd.Timestamp(d).date()
    return dt.date(int(row.year), 7, 1)


def _treaty(system, row):
    tid = getattr(row, "treaty", None)
    if isinstance(tid, str) and tid:
        return system.treaty(tid)
    return system.treaty(f"atop:{int(row.atopid)}")


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


def _treaty_facts(system, row, milinst) -> dict:
    day = _day(row)
    treaty = _treaty(system, row)
    ob = _obligation(treaty, row, day)
    ally, target = int(row.ally), int(row.target)
    attackers = tuple(int(a) for a in (getattr(row, "attackers", ()) or ()))
    reverse = any(o.kind == ob.kind and o.binds(target, ally, day) for o in treaty.obligations)
    atopids = treaty.atopids or ((int(treaty.id.split(":")[1]),)
                                 if treaty.id.startswith("atop:") else ())
    inst = next((v for a in atopids if not math.isnan(v := milinst(a, day))), math.nan)
    if math.isnan(inst) and treaty.provisions.integrated_command is not None:
        inst = 2.0 if treaty.provisions.integrated_command else 0.0
    starts = [s for s in (_entry(treaty, ally, day), _entry(treaty, target, day)) if s]
    members = treaty.members_on(day) or [ally, target]
    return {
        "offense": ob.kind == ObligationKind.OFFENSE,
        "neutrality": ob.kind == ObligationKind.NEUTRALITY,
        "post1945": day.year >= _ERA_YEAR,
        "log_members": math.log(max(len(members), 2)),
        "asymmetric": not reverse,
        "original_target": _role_target(row, ob.kind, attackers),
        "institutionalisation": 0.0 if math.isnan(inst) else inst,
        "conditional": cf_class(ob) != "unconditional",
        "_entry_year": max(starts).year if starts else day.year,
        "_members": tuple(members), "_day": day, "_attackers": attackers,
        "treaty_level": f"atop:{atopids[0]}" if atopids else treaty.id,
        "kind": str(ob.kind.value), "cf_class": cf_class(ob),
    }


def _milinst_lookup(con):
    """(atopid, day) → military institutionalisation of the phase in force (NaN if none;
    past the last phase, the last phase's value)."""
    from foedus.reliability.performance import institutionalisation

    phases = con.execute("select * from atop_phases").df()
    inst = institutionalisation(phases).merge(
        phases[["atopidphase", "start_date", "end_date"]], on="atopidphase")
    inst["start"] = pd.to_datetime(inst["start_date"]).dt.date
    by = {int(a): g.sort_values("start") for a, g in inst.groupby("atopid")}

    def lookup(atopid: int, day: dt.date) -> float:
        g = by.get(int(atopid))
        if g is None:
            return math.nan
        begun = g[g["start"] <= day]
        row = begun.iloc[-1] if len(begun) else g.iloc[0]
        return float(row["milinst"])
    return lookup


def _values(con, sql: str, keys: pd.DataFrame, value: str) -> np.ndarray:
    """The latest value on record up to each (ccode, year) of ``keys``."""
    table = con.execute(sql).df().dropna(subset=[value])
    left = keys.astype({"ccode": "int64", "year": "int64"}).assign(_i=np.arange(len(keys)))
    right = table.astype({"ccode": "int64", "year": "int64"}).rename(
        columns={"year": "vyear"}).sort_values("vyear")
    got = pd.merge_asof(left.sort_values("year"), right, left_on="year", right_on="vyear",
                        by="ccode", direction="backward")
    return got.sort_values("_i")[[value, "vyear"]].to_numpy(dtype=float)


def _major(con, ccodes: np.ndarray, days: list[dt.date]) -> tuple[np.ndarray, np.ndarray]:
    spells = con.execute("select ccode, start_date, end_date from major_powers").df()
    spells["s"] = pd.to_datetime(spells["start_date"]).dt.date
    spells["e"] = pd.to_datetime(spells["end_date"]).dt.date
    by = {int(c): list(zip(g["s"], g["e"], strict=True)) for c, g in spells.groupby("ccode")}
    when = [min(d, _MAJORS_END) for d in days]
    major = np.array([any(s <= w <= e for s, e in by.get(int(c), ()))
                      for c, w in zip(ccodes, when, strict=True)], dtype=float)
    return major, np.array([d > _MAJORS_END for d in days])


def _within_treaty_distance(con, facts: pd.DataFrame, ally, target, year) -> np.ndarray:
    """|θ_ally − θ_partner| minus the mean over the treaty's member pairs that year."""
    ip = con.execute("select ccode, year, idealpointfp from ideal_points "
                     "where idealpointfp is not null").df()
    theta = {(int(c), int(y)): float(v) for c, y, v in zip(ip["ccode"], ip["year"],
                                                           ip["idealpointfp"], strict=True)}
    out = np.zeros(len(facts))
    cache: dict[tuple, float] = {}
    for i, (members, a, t, y) in enumerate(zip(facts["_members"], ally, target, year,
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
    from foedus.data.loaders import load_system
    from foedus.data.queries import capitals_by_year
    from foedus.data.store import connect

    system = system or load_system()
    if rows.empty:
        return pd.DataFrame(columns=[*FEATURES, *BOOKKEEPING])
    frame = rows.reset_index(drop=True)
    ally = frame["ally"].astype(int).to_numpy()
    target = frame["target"].astype(int).to_numpy()
    with connect() as con:
        milinst = _milinst_lookup(con)
        facts = pd.DataFrame([_treaty_facts(system, r, milinst)
                              for r in frame.itertuples(index=False)])
        days = list(facts["_day"])
        year = np.array([d.year for d in days])
        attackers = list(facts["_attackers"])
        # capabilities of allies and attackers: one lookup of (ccode, year)
        att = [(i, a) for i, atts in enumerate(attackers) for a in atts]
        keys = pd.DataFrame({"ccode": np.r_[ally, [a for _, a in att]],
                             "year": np.r_[year, [year[i] for i, _ in att]]})
        cinc = _values(con, "select ccode, year, cinc from capabilities where nmc_version "
                       "= '7.0' and cinc is not null", keys, "cinc")
        major_a, carried_m = _major(con, ally, days)
        major_p, _ = _major(con, target, days)
        change = change_since_formation(
            pd.DataFrame({"ally": ally, "partners": [(int(t),) for t in target],
                          "entry_year": np.minimum(facts["_entry_year"], year),
                          "year": year}), con, latest=True)
        within = _within_treaty_distance(con, facts, ally, target, year)
    caps = capitals_by_year(pd.DataFrame({"ccode": np.r_[ally, target],
                                          "year": np.r_[year, year]}))
    look = {(int(c), int(y)): (la, lo) for c, y, la, lo in zip(
        caps["ccode"], caps["year"], caps["lat"], caps["lon"], strict=True)}
    pa = np.array([look.get((int(a), int(y)), (np.nan, np.nan)) for a, y in zip(
        ally, year, strict=True)])
    pt = np.array([look.get((int(t), int(y)), (np.nan, np.nan)) for t, y in zip(
        target, year, strict=True)])
    km = haversine_km(pa[:, 0], pa[:, 1], pt[:, 0], pt[:, 1])
    ally_cinc = np.nan_to_num(cinc[: len(frame), 0], nan=0.0)
    attack = np.zeros(len(frame))
    for (i, _), v in zip(att, cinc[len(frame):, 0], strict=True):
        attack[i] += 0.0 if np.isnan(v) else v

    out = facts[["offense", "neutrality", "post1945", "log_members", "asymmetric",
                 "original_target", "institutionalisation", "conditional"]].astype(float)
    out["ally_major"], out["partner_major"] = major_a, major_p
    out["capability_change"] = change["chcap2d"].fillna(0.0).to_numpy()
    out["democratic_change"] = change["dinstch2"].fillna(0.0).to_numpy()
    out["ally_capability"] = np.log10(np.maximum(ally_cinc, _CINC_FLOOR))
    out["attacker_capability"] = np.log10(np.maximum(attack, _CINC_FLOOR))
    out["log_distance"] = np.log1p(np.nan_to_num(km, nan=0.0))
    out["un_distance_within"] = within
    out = out[list(FEATURES)].astype(float)
    out["treaty_level"] = facts["treaty_level"].to_numpy()
    out["ally"] = ally
    out["kind"] = facts["kind"].to_numpy()
    out["era"] = era_of(year)
    out["cf_class"] = facts["cf_class"].to_numpy()
    out["cinc_year_ally"] = cinc[: len(frame), 1]
    out["cinc_carried"] = cinc[: len(frame), 1] < year
    out["major_carried"] = carried_m
    out["change_missing"] = change[["chcap2d", "dinstch2"]].isna().any(axis=1).to_numpy()
    out["similarity_year"] = year
    out.index = rows.index
    return out


# ``foedus.reliability.performance._lookup`` and ``_changed`` as they were (pandas).
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


def _dyad_change(cases: pd.DataFrame, values: pd.DataFrame, rule, latest: bool = False
                 ) -> np.ndarray:
    """``foedus.reliability.performance._dyad_change`` as it was (a groupby ``apply``)."""
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
    all_missing = grouped.apply(lambda s: s.isna().all())
    out = np.where(all_missing, np.nan, (any_change.fillna(0) > 0).astype(float))
    return out


def change_since_formation(cases: pd.DataFrame, con, *, latest: bool = False
                           ) -> pd.DataFrame:
    """``foedus.reliability.performance.change_since_formation`` as it was."""
    from foedus.reliability.performance import CAPABILITY_CHANGE, POLITY_CHANGE

    cinc = con.execute("select ccode, year, cinc as value from capabilities"
                       " where nmc_version = '7.0'").df()
    polity = con.execute("select ccode, year, polity2 as value from polity").df()
    out = pd.DataFrame(index=cases.index)
    out["chcap2d"] = _dyad_change(cases, cinc, lambda a, b: np.abs(b / a - 1)
                                  > CAPABILITY_CHANGE, latest)
    out["dinstch2"] = _dyad_change(cases, polity, lambda a, b: np.abs(b - a)
                                   >= POLITY_CHANGE, latest)
    return out
