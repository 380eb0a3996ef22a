"""Features of a pledge that bear on whether it will be honoured (DESIGN §4).

One row per (ally, partner, treaty, obligation, date, attackers): the rows of
:func:`foedus.reliability.opportunities` or a hypothetical built by
:func:`foedus.credibility.credibility`. The treaty-level facts (obligation, conditions,
institutions, forward forces) come from the commitment model, one lookup per row; the
state-year facts (capitals, capabilities, ideal points, portfolios) are joined in bulk.

Features (:data:`FEATURES`, all numeric; 0/1 unless stated):

- ``offense``, ``neutrality``: the obligation's kind (defence is the baseline);
- ``cond_adversary``, ``cond_location``, ``cond_other`` (number of attackers, a specific
  conflict or a demand), ``non_provocation``: the conditions ATOP (or the book) codes.
  ``cond_location`` is ATOP's location condition *whose location ATOP does not record*: in
  the historical cases a failure under it may be a war outside the area, not a broken
  pledge. A book treaty's scope is explicit and decided by the obligations query (an
  attack outside it is no opportunity at all), so it does not set this flag;
- ``automatic``: the response is automatic (armed support owed), not discretionary;
- ``log_distance``: :math:`\\ln(1 + d)` with *d* the great-circle km between the ally's and
  the partner's capitals (capitals in force on 1 July; :func:`haversine_km`);
- ``ally_power``: the ally's CINC discounted to the partner's capital,
  :math:`C^{\\log_{10}(d/500 + 10 - e)}` (:func:`loss_of_strength`, *d* in miles);
- ``attacker_power``: the same summed over the attackers (0 for a hypothetical without
  attackers);
- ``similarity``: Signorino & Ritter's :math:`S_{abs}` of the ally's and the partner's
  alliance portfolios (valued ties in the Chiba coding, ``out`` convention, over the COW
  system members of the year; ATOP view, years after 2018 read as 2018);
- ``ideal_distance``: :math:`|\\theta_{ally} - \\theta_{partner}|` of the UNGA ideal points
  (``idealpointfp``); 0 with ``ideal_missing`` = 1 where either is unknown (all years
  before 1946);
- ``intcom``, ``milaid``: ATOP's integrated-command and military-aid codes (> 0) of the
  treaty, or of the ATOP alliances a book treaty supersedes; the book's own
  ``integrated_command`` wins where it is set;
- ``forward_forces``: the book records the ally's forces stationed in the partner on the
  date; for a treaty without book provisions, ATOP ``base`` ∈ {2, 3} (the treaty provides
  for members' troops on other members' territory) is the historical proxy;
- ``asymmetric``: the partner owes the ally no obligation of the same kind in the treaty;
- ``age``: :math:`\\ln(1 + a)`, *a* the years since signature (or entry into force);
- ``ally_nuclear``, ``attacker_nuclear``: the ally, any attacker, holds nuclear weapons on
  the date (``data/tables/nuclear_states.csv``);
- ``post1945``: the date is after 1945.

Bookkeeping columns (not features): ``cinc_year_ally`` (the NMC year used), ``cinc_carried``
(NMC 7.0 ends in 2022: a later year's capability is the state's last available one),
``similarity_year`` and ``similarity_missing``.

Sources: NMC 7.0 (Singer, Bremer & Stuckey 1972; doi:10.4135/9781483329390); ATOP 5.1
(Leeds et al. 2002, doi:10.1080/03050620213653); UNGA ideal points (Bailey, Strezhnev &
Voeten 2017, doi:10.1177/0022002715595700); S (Signorino & Ritter 1999,
doi:10.1111/0020-8833.00113); loss of strength (Bueno de Mesquita 1981, *The War Trap*).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from foedus.errors import FoedusError
from foedus.measures.burden import loss_of_strength
from foedus.measures.distance import haversine_km
from foedus.measures.similarity import similarity_matrices, valued_ties
from foedus.model.vocab import ObligationKind, Response

__all__ = ["DATASETS", "FEATURES", "nuclear_states", "pledge_features"]

FEATURES = (
    "offense", "neutrality", "cond_adversary", "cond_location", "cond_other",
    "non_provocation", "automatic", "log_distance", "ally_power", "attacker_power",
    "similarity", "ideal_distance", "ideal_missing", "intcom", "milaid", "forward_forces",
    "asymmetric", "age", "ally_nuclear", "attacker_nuclear", "post1945",
)
#: Registry datasets the features read (for provenance).
DATASETS = ("atop_alliances", "atop_members", "atop_directed", "cow_system", "nmc_7",
            "capitals", "unga_idealpoints")
_KM_PER_MILE = 1.609344
_ATOP_LAST_YEAR = 2018


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
    raise FoedusError(f"{treaty.id} has no {row.kind} obligation of {row.ally} to "
                      f"{row.target} on {day}.")


def _atop_codes(system, treaty) -> dict:
    codes = dict(treaty.provisions.atop)
    for a in treaty.atopids:
        try:
            other = system.treaty(f"atop:{a}")
        except FoedusError:
            continue
        for k, v in other.provisions.atop.items():
            if v is not None and (codes.get(k) is None or v > codes[k]):
                codes[k] = v
    return codes


def _treaty_facts(system, row) -> dict:
    day = _day(row)
    treaty = _treaty(system, row)
    ob = _obligation(treaty, row, day)
    ally, target = int(row.ally), int(row.target)
    c = ob.condition
    codes = _atop_codes(system, treaty)
    prov = treaty.provisions
    intcom = prov.integrated_command if prov.integrated_command is not None else \
        (codes.get("intcom") or 0) > 0
    forces = [f for f in prov.forward_forces if f.host == target and f.active(day)
              and (f.lead == ally or ally in f.contributors)]
    if prov.forward_forces or treaty.id.startswith("book:"):
        forward = bool(forces)
    else:
        forward = codes.get("base") in (2, 3)
    reverse = any(o.kind == ob.kind and o.binds(target, ally, day) for o in treaty.obligations)
    start = treaty.signed or treaty.in_force
    attackers = tuple(int(a) for a in (getattr(row, "attackers", ()) or ()))
    return {
        "offense": ob.kind == ObligationKind.OFFENSE,
        "neutrality": ob.kind == ObligationKind.NEUTRALITY,
        "cond_adversary": c.adversary_coded,
        "cond_location": c.location_coded and not c.location_recorded,
        "cond_other": c.attackers_coded or c.conflict_coded or c.demand_coded,
        "non_provocation": c.non_provocation,
        "automatic": ob.response == Response.AUTOMATIC,
        "intcom": bool(intcom),
        "milaid": (codes.get("milaid") or 0) > 0,
        "forward_forces": forward,
        "asymmetric": not reverse,
        "age": math.log1p(max((day - start).days / 365.25, 0.0)) if start else 0.0,
        "ally_nuclear": _nuclear(ally, day),
        "attacker_nuclear": any(_nuclear(a, day) for a in attackers),
        "post1945": day.year > 1945,
    }


def _capability(pairs: pd.DataFrame) -> pd.DataFrame:
    """CINC (NMC 7.0) of each (ccode, year): the latest year ≤ the year the state has."""
    from foedus.data.store import connect

    with connect() as con:
        cinc = con.execute("SELECT ccode, year AS cinc_year, cinc FROM capabilities "
                           "WHERE nmc_version = '7.0' AND cinc IS NOT NULL").df()
    left = pairs.assign(ccode=pairs["ccode"].astype("int64"), year=pairs["year"]
                        .astype("int64")).sort_values("year")
    right = cinc.astype({"ccode": "int64", "cinc_year": "int64"}).sort_values("cinc_year")
    out = pd.merge_asof(left, right, left_on="year", right_on="cinc_year", by="ccode",
                        direction="backward")
    return out


def _ideal_points(pairs: pd.DataFrame) -> pd.DataFrame:
    from foedus.data.store import connect

    with connect() as con:
        ip = con.execute("SELECT ccode, year AS ip_year, idealpointfp FROM ideal_points "
                         "WHERE idealpointfp IS NOT NULL").df()
    left = pairs.astype({"ccode": "int64", "year": "int64"}).sort_values("year")
    right = ip.astype({"ccode": "int64", "ip_year": "int64"}).sort_values("ip_year")
    return pd.merge_asof(left, right, left_on="year", right_on="ip_year", by="ccode",
                         direction="backward", tolerance=2)


def _similarity(pairs: pd.DataFrame) -> np.ndarray:
    """S_abs (Chiba coding, ``out`` convention) of each (ally, target, year) row."""
    from foedus.panels.alliances import DUMMIES, atop_dyad_years
    from foedus.panels.create import system_years

    out = np.full(len(pairs), np.nan)
    if pairs.empty:
        return out
    years = pairs["sim_year"].to_numpy()
    members, _ = system_years(int(years.min()), int(years.max()))
    dyads = atop_dyad_years()
    dyads = dyads[dyads["year"].isin(np.unique(years))]
    by_year = dyads.groupby("year").indices
    member_years = members.groupby("year").indices
    for year, rows in pairs.groupby("sim_year").indices.items():
        if year not in member_years:
            continue
        codes = np.sort(members["ccode"].to_numpy()[member_years[year]])
        n = len(codes)
        d = dyads.iloc[by_year.get(year, np.array([], dtype=int))]
        i, k = (np.searchsorted(codes, d[c].to_numpy()) for c in ("ccode1", "ccode2"))
        ok = (i < n) & (k < n)
        ok &= codes[np.minimum(i, n - 1)] == d["ccode1"].to_numpy()
        ok &= codes[np.minimum(k, n - 1)] == d["ccode2"].to_numpy()
        tie = np.zeros((n, n), dtype=np.int8)
        tie[i[ok], k[ok]] = valued_ties(*(d[c].to_numpy()[ok] for c in DUMMIES),
                                        coding="chiba")
        np.fill_diagonal(tie, 3)
        s = similarity_matrices(tie, measures=["s_abs"])["s_abs"]
        a = pairs["ally"].to_numpy()[rows]
        t = pairs["target"].to_numpy()[rows]
        pa, pt = np.searchsorted(codes, a), np.searchsorted(codes, t)
        good = (pa < n) & (pt < n)
        good &= (codes[np.minimum(pa, n - 1)] == a) & (codes[np.minimum(pt, n - 1)] == t)
        vals = np.full(len(rows), np.nan)
        vals[good] = s[pa[good], pt[good]]
        out[rows] = vals
    return out


def pledge_features(rows: pd.DataFrame, system=None) -> pd.DataFrame:
    """The :data:`FEATURES` of each pledge row, in the row order of ``rows``.

    Parameters
    ----------
    rows
        Frame with ``ally``, ``target`` (the partner), ``kind``, ``attackers`` (a sequence
        of COW codes, possibly empty), ``date`` or ``year``, and ``treaty`` (an id such as
        ``book:nato``) or ``atopid``; an ``obligation`` id picks the obligation exactly,
        else the first of the kind binding ally → target on the date.
    system
        The commitment system (default :meth:`CommitmentSystem.load`).

    Returns
    -------
    pandas.DataFrame
        The float64 feature columns (:data:`FEATURES`) and the bookkeeping columns
        ``cinc_year_ally``, ``cinc_carried``, ``similarity_year``, ``similarity_missing``,
        indexed like ``rows``.
    """
    from foedus.model.system import CommitmentSystem

    system = system or CommitmentSystem.load()
    if rows.empty:
        return pd.DataFrame(columns=[*FEATURES, "cinc_year_ally", "cinc_carried",
                                     "similarity_year", "similarity_missing"], dtype=float)
    frame = rows.reset_index(drop=True)
    days = [_day(r) for r in frame.itertuples(index=False)]
    year = np.array([d.year for d in days])
    facts = pd.DataFrame([_treaty_facts(system, r) for r in frame.itertuples(index=False)])
    attackers = [tuple(int(a) for a in (v if isinstance(v, (list, tuple, np.ndarray))
                                        else ())) for v in frame.get(
                     "attackers", pd.Series([()] * len(frame)))]
    ally = frame["ally"].astype(int).to_numpy()
    target = frame["target"].astype(int).to_numpy()

    # one long frame of (row, role, ccode, year) for capitals and capabilities
    long = pd.DataFrame({"row": np.arange(len(frame)), "role": "ally", "ccode": ally,
                         "year": year})
    att = [(i, a) for i, atts in enumerate(attackers) for a in atts]
    if att:
        ai, ac = zip(*att, strict=True)
        long = pd.concat([long, pd.DataFrame({"row": ai, "role": "attacker", "ccode": ac,
                                              "year": year[list(ai)]})], ignore_index=True)
    from foedus.panels.geography import capitals_by_year

    keys = pd.concat([long[["ccode", "year"]],
                      pd.DataFrame({"ccode": target, "year": year})]).drop_duplicates()
    caps = capitals_by_year(keys)
    long = long.merge(caps, on=["ccode", "year"], how="left")
    tcap = pd.DataFrame({"row": np.arange(len(frame)), "ccode": target, "year": year}).merge(
        caps, on=["ccode", "year"], how="left").sort_values("row")
    tlat = tcap["lat"].to_numpy()[long["row"].to_numpy()]
    tlon = tcap["lon"].to_numpy()[long["row"].to_numpy()]
    long["km"] = haversine_km(long["lat"], long["lon"], tlat, tlon)
    long = long.reset_index(drop=True)
    cap = _capability(long[["ccode", "year"]].assign(_i=np.arange(len(long))))
    cap = cap.sort_values("_i")
    long["cinc"] = cap["cinc"].fillna(0.0).to_numpy()
    long["cinc_year"] = cap["cinc_year"].to_numpy()
    miles = long["km"].to_numpy() / _KM_PER_MILE
    long["power"] = loss_of_strength(long["cinc"].to_numpy(),
                                     np.where(np.isnan(miles), 0.0, miles))
    allies = long[long["role"] == "ally"].sort_values("row")
    attack_power = long[long["role"] == "attacker"].groupby("row")["power"].sum()

    ipairs = pd.DataFrame({"ccode": np.concatenate([ally, target]),
                           "year": np.concatenate([year, year]),
                           "_i": np.arange(2 * len(frame))})
    ip = _ideal_points(ipairs).sort_values("_i")["idealpointfp"].to_numpy()
    ideal = np.abs(ip[: len(frame)] - ip[len(frame):])

    sim_year = np.clip(year, 1816, _ATOP_LAST_YEAR)
    sim = _similarity(pd.DataFrame({"ally": ally, "target": target, "sim_year": sim_year}))

    out = facts.astype(float)
    out["log_distance"] = np.log1p(np.nan_to_num(allies["km"].to_numpy(), nan=0.0))
    out["ally_power"] = allies["power"].to_numpy()
    out["attacker_power"] = attack_power.reindex(np.arange(len(frame)), fill_value=0.0)\
        .to_numpy()
    out["similarity"] = np.nan_to_num(sim, nan=0.0)
    out["ideal_distance"] = np.nan_to_num(ideal, nan=0.0)
    out["ideal_missing"] = np.isnan(ideal).astype(float)
    out = out[list(FEATURES)].astype(float)
    out["cinc_year_ally"] = allies["cinc_year"].to_numpy()
    out["cinc_carried"] = (allies["cinc_year"].to_numpy() < year)
    out["similarity_year"] = sim_year
    out["similarity_missing"] = np.isnan(sim)
    out.index = rows.index
    return out
