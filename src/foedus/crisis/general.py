r"""General deterrence: how often a state attacks another in a year, by the engine.

The engine models one crisis; general deterrence needs a rate. The opportunity layer makes
it explicit (Huth & Russett 1993 [1]_ on general deterrence; the dyad-year design of Leeds
2003 [2]_):

.. math:: \Pr(\text{attack}_{ijt}) = \Pr(\text{opportunity}_{ijt})\;\times\;
          \Pr(\text{attack} \mid \text{opportunity}, \text{engine})_{ijt}

over **politically relevant directed dyad-years** (challenger *i*, target *j*, year *t*,
1816–2010): both members of the COW state system, and contiguous (COW direct contiguity
by land or across at most 150 miles of water, types 1–4) or either a COW major power.

**The engine's factor** is computed once per (target, year) profile and cached, by a
*reduced compilation* (the fast path: the full compiler asks the obligations query once
per state the cascade reaches and scores every pledge with the attacker named, about two
seconds a crisis; there are some 14,000 profiles):

- the defence pledges owed to *j* on 1 July of *t* (the legal view's snapshot; the
  informal commitments of the book with their own probability), one level deep: no strikes
  on joiners, no chain-ganging, no attacker's allies, no named-adversary or location
  conditions (the attacker is not known at the profile);
- each pledge's probability from the credibility model, batched per year, without a
  named attacker (the mean over the model's draws);
- capabilities (NMC 7.0 CINC) discounted to *j*'s capital by loss of strength and by the
  engine's arrival rule at its defaults (7 days to the objective, 7 days' mobilisation,
  400 km a day);
- :data:`DRAWS` coalitions per profile under the engine's shared shock (ρ = 0.3): the
  defending side's capability and its nuclear-armed members, kept as draws;
- per challenger, vectorised: its CINC discounted by the distance to *j*, the win margin
  :math:`\bar X`, the nuclear risk :math:`\bar\Pi`, its own nuclear weapons, and
  Pr(attack) from the fitted decision (:func:`foedus.crisis.fit.p_attack_cases`).

**The opportunity factor** is a logit on the dyad's structure only — an intercept, land
contiguity, contiguity across water, :math:`\log(1 + \text{km})` between capitals, and
major-power status of each side — with nothing about alliances, capabilities or nuclear
weapons (those are the engine's). It is fitted by maximum likelihood of the product model
on the training years, separately for each outcome:

- a **use of force**: *i* an originator on side A of a MIDB 4.3 dispute [3]_ in which it
  reached hostility level 4 or 5, *j* an originator on side B, in the dispute's first year;
- a **war initiation**: *i* a COW initiator of an inter-state war [4]_ in which *j* was
  attacked by it (:func:`foedus.reliability.targets.war_roles`), in the war's first year.

**The check** (:func:`cells`), out of sample (fit to 1945, test 1946–2010; wars to 2003):
in each cell — all dyad-years, the target with or without a defence pledge, with or
without a nuclear-armed protector — the observed number of events against the 95%
predictive interval of the model (:data:`PREDICTIVE` simulations: the opportunity
coefficients drawn from their Laplace approximation, then every dyad-year's event drawn).

References
----------
.. [1] Huth, Paul, and Bruce Russett. 1993. "General Deterrence between Enduring Rivals."
   *American Political Science Review* 87(1): 61-73. doi:10.2307/2938956
.. [2] Leeds, Brett Ashley. 2003. "Do Alliances Deter Aggression?" *American Journal of
   Political Science* 47(3): 427-439. doi:10.1111/1540-5907.00031
.. [3] Palmer, Glenn, et al. 2022. "The MID5 Dataset, 2011-2014." *Conflict Management and
   Peace Science* 39(4): 470-482 (MIDB 4.3 participant file). doi:10.1177/0738894221995743
.. [4] Sarkees, Meredith Reid, and Frank Whelon Wayman. 2010. *Resort to War*. CQ Press.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["DRAWS", "PREDICTIVE", "attack_probability", "cells", "dyads",
           "fit_opportunity", "outcomes", "profiles"]

#: Coalition draws per (target, year) profile.
DRAWS = 256
#: Simulations of the predictive distribution of a cell's count.
PREDICTIVE = 2000
#: The shared shock of the coalition draws (the engine's default solidarity).
SOLIDARITY = 0.3
_KM_PER_MILE = 1.609344
_DAYS, _MOBILISATION, _KM_PER_DAY = 7.0, 7.0, 400.0


def dyads(first: int = 1816, last: int = 2010) -> pd.DataFrame:
    """The politically relevant directed dyad-years (module docstring): ``challenger``,
    ``target``, ``year``, ``conttype``, ``km``, ``major_challenger``, ``major_target``."""
    from foedus.data.store import connect
    from foedus.panels import create_dyad_years

    frame = create_dyad_years(first, last).add_contiguity().add_distance().frame
    with connect() as con:
        majors = con.execute("SELECT ccode, start_date, end_date FROM major_powers").df()
    major = set()
    for r in majors.itertuples(index=False):
        for y in range(pd.Timestamp(r.start_date).year, pd.Timestamp(r.end_date).year + 1):
            major.add((int(r.ccode), y))
    c1, c2, yr = (frame[c].to_numpy() for c in ("ccode1", "ccode2", "year"))
    m1 = np.array([(int(a), int(y)) in major for a, y in zip(c1, yr, strict=True)])
    m2 = np.array([(int(b), int(y)) in major for b, y in zip(c2, yr, strict=True)])
    cont = frame["conttype"].fillna(0).to_numpy()
    keep = ((cont >= 1) & (cont <= 4)) | m1 | m2
    return pd.DataFrame({"challenger": c1[keep].astype(int), "target": c2[keep].astype(int),
                         "year": yr[keep].astype(int), "conttype": cont[keep].astype(int),
                         "km": frame["capdist"].to_numpy()[keep],
                         "major_challenger": m1[keep], "major_target": m2[keep]})


def _pledge_rows(system, year: int) -> pd.DataFrame:
    """The defence pledges (and informal commitments) in force on 1 July of ``year``."""
    from foedus.crisis.informal import is_informal
    from foedus.model.vocab import ObligationKind

    day = dt.date(year, 7, 1)
    snap = system.as_of(day, "legal")
    rows = []
    for p in snap.pledges():
        informal = is_informal(p.treaty.kind)
        kind = p.obligation.kind
        if kind is ObligationKind.DEFENSE or (informal and kind is ObligationKind.CONSULTATION):
            rows.append({"ally": p.holder, "target": p.beneficiary, "kind": "defense",
                         "treaty": p.treaty.id, "obligation": p.obligation.id,
                         "date": day, "attackers": (), "informal": informal})
    return pd.DataFrame(rows, columns=["ally", "target", "kind", "treaty", "obligation",
                                       "date", "attackers", "informal"])


def _probabilities(rows: pd.DataFrame, system, fitted, informal_mean: float) -> np.ndarray:
    from foedus.credibility import log_odds_draws, pledge_features

    p = np.full(len(rows), informal_mean)
    formal = ~rows["informal"].to_numpy(dtype=bool)
    if formal.any():
        eta = log_odds_draws(fitted, pledge_features(rows[formal], system))
        p[formal] = (1 / (1 + np.exp(-eta))).mean(axis=0)
    return p


def _km(caps: dict, a: int, b: int) -> float:
    from foedus.measures.distance import haversine_km

    x, y = caps.get(a), caps.get(b)
    if x is None or y is None:
        return 0.0
    return float(haversine_km(x[0], x[1], y[0], y[1]))


def _year(year: int, *, system, fitted, informal_mean: float, members: pd.DataFrame,
          seed: int) -> tuple[dict, dict]:
    """The profiles of one year (:func:`profiles`) and the defence treaties each state
    belongs to; the coalition draws are seeded by (``seed``, ``year``)."""
    from foedus.crisis.means import capabilities, capitals, is_nuclear
    from foedus.measures.power import loss_of_strength
    from foedus.model.vocab import ObligationKind

    rng = np.random.default_rng([seed, year])
    day = dt.date(year, 7, 1)
    states = sorted(members.loc[members["year"] == year, "ccode"].astype(int))
    snap = system.as_of(day, "legal")
    treaties: dict = {}
    for t in snap.treaties:
        if any(o.kind is ObligationKind.DEFENSE for o in t.obligations):
            for m in t.members_on(day):
                treaties.setdefault(int(m), set()).add(t.id)
    rows = _pledge_rows(system, year)
    rows = rows[rows["ally"].isin(states) & rows["target"].isin(states)]
    p = _probabilities(rows, system, fitted, informal_mean) if len(rows) else np.zeros(0)
    rows = rows.assign(p=p).sort_values("p", ascending=False, kind="stable"
                                        ).drop_duplicates(["ally", "target"])
    share, _, _ = capabilities(states, year, "cinc")
    caps = capitals(states, year)
    nuclear = {s: is_nuclear(s, day) for s in states}
    by_target = dict(tuple(rows.groupby("target")))
    targets: dict = {}
    for j in states:
        mine = by_target.get(j)
        holders = [] if mine is None else mine["ally"].astype(int).tolist()
        probs = np.zeros(0) if mine is None else mine["p"].to_numpy()
        km = np.array([_km(caps, j, h) for h in holders])
        c = np.array([float(loss_of_strength(share.get(h, 0.0), d / _KM_PER_MILE))
                      * min(1.0, _DAYS / (_MOBILISATION + d / _KM_PER_DAY))
                      for h, d in zip(holders, km, strict=True)])
        u = rng.random((DRAWS, len(holders)))
        shared = rng.random(DRAWS) < SOLIDARITY
        u[shared] = rng.random((int(shared.sum()), 1))
        joined = u < probs[None, :]
        targets[(j, year)] = {
            "holders": np.array(holders, dtype=np.int64),
            "treaty": [] if mine is None else mine["treaty"].tolist(),
            "p": probs, "c": c,
            "nk": np.array([nuclear[h] for h in holders], dtype=np.int8),
            "own": float(loss_of_strength(share.get(j, 0.0), 0.0)),
            "nuclear": bool(nuclear[j]),
            "joined": np.packbits(joined, axis=1), "n": len(holders)}
    return targets, treaties


_WORKER: dict = {}


def _init_worker(informal_mean: float, seed: int) -> None:
    from foedus.credibility import load
    from foedus.data.loaders import load_system
    from foedus.data.store import connect

    with connect() as con:
        members = con.execute("SELECT ccode, year FROM system_membership").df()
    _WORKER.update(system=load_system(), fitted=load(),
                   informal_mean=informal_mean, members=members, seed=seed)


def _year_in_worker(year: int) -> tuple[dict, dict]:
    return _year(year, **_WORKER)


def profiles(years: range | list[int], *, system=None, fitted=None,
             crisis_fit: dict | None = None, seed: int = 0, workers: int = 1,
             progress: Callable[[int, int, str], None] | None = None) -> dict:
    """The (target, year) profiles of the module docstring.

    Returns ``{"targets": {(target, year): profile}, "treaties": {year: {state: treaty
    ids}}}``; a profile holds the holders of pledges to the target (the strongest per
    holder: ``holders``, ``treaty``, ``p``), their discounted capability ``c`` and nuclear
    flags ``nk``, the target's own capability ``own`` and nuclear flag, and the coalition
    draws ``joined`` (bits packed along the holders; :data:`DRAWS` rows, seeded per year:
    the result does not depend on ``workers``, the processes that compute the years —
    which load the shipped credibility model and commitment system)."""
    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.data.loaders import load_system
    from foedus.data.store import connect

    crisis_fit = crisis_fit or fitted_params.load()
    informal_mean = float(crisis_fit["informal"]["mean"])
    targets: dict = {}
    treaties: dict = {}
    years = list(years)
    if workers > 1 and len(years) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(years)), mp_context=context,
                                 initializer=_init_worker,
                                 initargs=(informal_mean, seed)) as pool:
            for n_done, (year, (found, member_of)) in enumerate(
                    zip(years, pool.map(_year_in_worker, years), strict=True)):
                targets.update(found)
                treaties[year] = member_of
                if progress:
                    progress(n_done + 1, len(years), str(year))
        return {"targets": targets, "treaties": treaties}
    system = system or load_system()
    fitted = fitted or load()
    with connect() as con:
        members = con.execute("SELECT ccode, year FROM system_membership").df()
    for n_done, year in enumerate(years):
        found, treaties[year] = _year(year, system=system, fitted=fitted,
                                      informal_mean=informal_mean, members=members,
                                      seed=seed)
        targets.update(found)
        if progress:
            progress(n_done + 1, len(years), str(year))
    return {"targets": targets, "treaties": treaties}


def _unpacked(profile: dict) -> np.ndarray:
    return np.unpackbits(profile["joined"], axis=1, count=profile["n"]).astype(bool)


def applicable(profile: dict, challenger: int, shared: set[str]) -> np.ndarray:
    """Which of a profile's pledges apply against ``challenger``: not its own, and not from
    a treaty it belongs to (``shared``: its treaties that year) — the credibility model
    learns from pledges against outsiders only."""
    return np.array([h != challenger and t not in shared
                     for h, t in zip(profile["holders"], profile["treaty"], strict=True)],
                    dtype=bool)


def world_means(profile: dict | None, keep: np.ndarray | None, cap_a: float,
                escalation: np.ndarray) -> tuple[float, float]:
    """(X̄, Π̄) of a challenger of discounted capability ``cap_a`` against a profile's
    coalitions, with only the ``keep`` pledges (None: all)."""
    if profile is None:
        return (1.0 if cap_a > 0 else 0.0), 0.0
    joined = _unpacked(profile)
    if keep is not None:
        joined = joined[:, keep]
        c, nk = profile["c"][keep], profile["nk"][keep]
    else:
        c, nk = profile["c"], profile["nk"]
    cd = profile["own"] + joined @ c
    k = int(profile["nuclear"]) + joined @ nk.astype(np.int64)
    total = cap_a + cd
    x = np.where(total > 0, (cap_a - cd) / np.where(total > 0, total, 1.0), 0.0)
    return float(x.mean()), float(escalation[k].mean())


def attack_probability(frame: pd.DataFrame, prof: dict, decision: dict, *, q: float,
                       draws: int | None = None) -> tuple[np.ndarray, np.ndarray,
                                                          np.ndarray]:
    """Pr(attack | opportunity) of every dyad-year of ``frame`` from the profiles (the
    challenger's CINC discounted to the target, the world means over the profile's
    coalitions with the pledges that apply against it, and the fitted decision: its point
    estimates, or the mean over the first ``draws`` of its draws); whether a defence pledge
    applies, and whether a nuclear-armed state holds one."""
    from foedus.crisis.fit import p_attack_cases
    from foedus.crisis.means import capabilities, is_nuclear
    from foedus.measures.power import loss_of_strength

    n = len(frame)
    x, pi, a = np.empty(n), np.empty(n), np.empty(n)
    pact, protector = np.zeros(n, bool), np.zeros(n, bool)
    escalation = 1.0 - (1.0 - q) ** np.arange(256)
    positions = {ix: pos for pos, ix in enumerate(frame.index)}
    for year, g in frame.groupby("year"):
        share, _, _ = capabilities(sorted(set(g["challenger"])), int(year), "cinc")
        day = dt.date(int(year), 7, 1)
        member_of = prof["treaties"].get(int(year), {})
        nuclear = {int(c): is_nuclear(int(c), day) for c in set(g["challenger"])}
        for ix, ch, target, km in zip(g.index, g["challenger"], g["target"],
                                      g["km"].fillna(0.0), strict=True):
            pos = positions[ix]
            profile = prof["targets"].get((int(target), int(year)))
            cap_a = float(loss_of_strength(share.get(int(ch), 0.0), km / _KM_PER_MILE))
            keep = None
            if profile is not None and profile["n"]:
                keep = applicable(profile, int(ch), member_of.get(int(ch), set()))
                pact[pos] = bool(keep.any())
                protector[pos] = bool((profile["nk"][keep] > 0).any())
                if keep.all():
                    keep = None
            x[pos], pi[pos] = world_means(profile, keep, cap_a, escalation)
            a[pos] = float(nuclear[int(ch)])
    params = {"value": tuple(decision["value"]),
              "cost_tolerance": tuple(decision["cost_tolerance"])}
    if draws:
        p = np.mean([p_attack_cases(x, pi, a, {**params, **d})
                     for d in decision["draws"][:draws]], axis=0)
    else:
        p = p_attack_cases(x, pi, a, {**params, **{k: v["mean"] for k, v in
                                                   decision["estimates"].items()}})
    return p, pact, protector


def outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    """The two outcomes of the module docstring for every dyad-year of ``frame``:
    ``force`` (a MIDB use of force of the challenger against the target) and ``war`` (a
    COW war it initiated against the target)."""
    from foedus.data.store import connect
    from foedus.reliability.targets import war_roles

    with connect() as con:
        mid = con.execute("SELECT dispnum3, ccode, sidea, orig, hostlev, styear "
                          "FROM mid_participants").df()
        roles = war_roles(con, "cow")
    first = mid.groupby("dispnum3")["styear"].min()
    force = set()
    for d, g in mid[mid["orig"] == 1].groupby("dispnum3"):
        a = g[(g["sidea"] == 1) & (g["hostlev"] >= 4)]["ccode"]
        b = g[g["sidea"] == 0]["ccode"]
        for i in a:
            for j in b:
                force.add((int(i), int(j), int(first[d])))
    war = set()
    for r in roles[roles["role"] == "target"].itertuples(index=False):
        for i in r.attackers:
            war.add((int(i), int(r.ccode), pd.Timestamp(r.attacked_on).year))
    keys = list(zip(frame["challenger"], frame["target"], frame["year"], strict=True))
    return pd.DataFrame({"force": [k in force for k in keys],
                         "war": [k in war for k in keys]}, index=frame.index)


def _design(frame: pd.DataFrame) -> np.ndarray:
    cont = frame["conttype"].to_numpy()
    return np.column_stack([np.ones(len(frame)), cont == 1, (cont >= 2) & (cont <= 4),
                            np.log1p(frame["km"].fillna(0.0).to_numpy()),
                            frame["major_challenger"].to_numpy(dtype=float),
                            frame["major_target"].to_numpy(dtype=float)]).astype(float)


#: The opportunity model's terms (:func:`_design`).
TERMS = ("intercept", "land_contiguity", "water_contiguity", "log1p_km", "major_challenger",
         "major_target")


def fit_opportunity(frame: pd.DataFrame, engine: np.ndarray, y: np.ndarray, *,
                    seed: int = 0, draws: int = 200) -> dict:
    """The opportunity logit γ by maximum likelihood of Pr(y) = Λ(zγ)·engine (module
    docstring), with its Laplace covariance and draws."""
    from scipy.optimize import minimize
    from scipy.special import expit

    from foedus.crisis.fit import _hessian

    z = _design(frame)
    e = np.clip(np.asarray(engine, dtype=float), 1e-9, 1.0)
    y = np.asarray(y, dtype=float)

    def nll(g):
        p = np.clip(expit(z @ g) * e, 1e-12, 1 - 1e-12)
        return -float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def grad(g):  # d/dγ: −Σ (y/p − (1−y)/(1−p)) · e·s(1−s) · z, with s = Λ(zγ)
        s = expit(z @ g)
        p = np.clip(s * e, 1e-12, 1 - 1e-12)
        return -((y / p - (1 - y) / (1 - p)) * e * s * (1 - s)) @ z

    start = np.zeros(z.shape[1])
    start[0] = np.log(max(y.mean(), 1e-6) / max(e.mean(), 1e-6))
    best = minimize(nll, start, jac=grad, method="BFGS", options={"gtol": 1e-6})
    cov = np.linalg.pinv(_hessian(nll, best.x, step=1e-4))
    sample = np.random.default_rng(seed).multivariate_normal(best.x, cov, size=draws)
    return {"terms": list(TERMS), "coef": best.x.tolist(),
            "se": np.sqrt(np.clip(np.diag(cov), 0, None)).tolist(), "draws": sample.tolist(),
            "n": len(y), "events": int(y.sum()), "converged": bool(best.success)}


def cells(frame: pd.DataFrame, engine: np.ndarray, y: np.ndarray, model: dict,
          masks: dict[str, np.ndarray], *, seed: int = 0,
          simulations: int = PREDICTIVE) -> dict:
    """Observed events against the model's 95% predictive interval in each cell
    (``masks``: name → boolean array over ``frame``). Each simulation draws the
    opportunity coefficients from their Laplace approximation, then the cell's count as
    Poisson with the summed probabilities (the Poisson approximation to the sum of the
    dyad-years' Bernoulli events; its error in total variation is below Σp², Le Cam 1960,
    doi:10.2140/pjm.1960.10.1181, a small number where every p is a fraction of a
    percent: reported as ``le_cam_bound``)."""
    from scipy.special import expit

    z = _design(frame)
    rng = np.random.default_rng(seed)
    gammas = np.asarray(model["draws"])
    per_draw = max(1, simulations // len(gammas))
    lam = {name: np.empty(len(gammas)) for name in masks}
    bound = {name: 0.0 for name in masks}
    for g, gamma in enumerate(gammas):
        p = expit(z @ gamma) * engine
        for name, m in masks.items():
            lam[name][g] = p[m].sum()
            bound[name] = max(bound[name], float((p[m] ** 2).sum()))
    out = {}
    for name, m in masks.items():
        counts = rng.poisson(np.repeat(lam[name], per_draw))
        lo, hi = np.percentile(counts, [2.5, 97.5])
        observed = int(np.asarray(y)[m].sum())
        n = max(int(m.sum()), 1)
        out[name] = {"dyad_years": int(m.sum()), "observed": observed,
                     "expected": float(lam[name].mean()), "interval": [float(lo), float(hi)],
                     "inside": bool(lo <= observed <= hi),
                     "rate_per_1000": 1000 * observed / n,
                     "expected_rate_per_1000": 1000 * float(lam[name].mean()) / n,
                     "le_cam_bound": bound[name]}
    return out


#: The time split of the check: fit to this year, test after.
SPLIT_YEAR = 1945
#: The last year of each outcome's data (MIDB 4.3: 2010; COW inter-state wars: 2003).
LAST_YEAR = {"force": 2010, "war": 2003}


def _nato(frame: pd.DataFrame, system) -> np.ndarray:
    """Is the target a NATO member on 1 July of the year (the book's membership)?"""
    nato = system.treaty("book:nato")
    return np.array([bool(nato.member_on(int(j), dt.date(int(y), 7, 1)))
                     for j, y in zip(frame["target"], frame["year"], strict=True)])


def cached_profiles(years, *, seed: int = 0, cache=None, crisis_fit: dict | None = None,
                    system=None, fitted=None, workers: int = 1,
                    progress: Callable[[str, int, int], None] | None = None) -> dict:
    """:func:`profiles`, read from and written to ``cache`` (a folder) under a key of
    everything they depend on (the credibility model, the informal model, the data, the
    years and the seed). ``fitted`` is the credibility model (default: the shipped one;
    another is used only by the serial path)."""
    import hashlib
    import json
    import pickle
    from dataclasses import asdict
    from pathlib import Path

    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.provenance import provenance

    crisis_fit = crisis_fit or fitted_params.load()
    fitted = fitted or load()
    years = list(years)
    path = None
    if cache is not None:
        blob = json.dumps({"years": years, "seed": seed, "draws": DRAWS, "seeding": "year",
                           "informal": crisis_fit["informal"]["mean"],
                           "credibility": asdict(fitted) if hasattr(
                               fitted, "__dataclass_fields__") else str(fitted),
                           "data": provenance(["atop_alliances", "atop_members", "nmc_7",
                                               "capitals", "cow_system"])},
                          sort_keys=True, default=str)
        path = Path(cache) / f"profiles-{hashlib.sha256(blob.encode()).hexdigest()[:16]}.pkl"
        if path.exists():
            return pickle.loads(path.read_bytes())
    prof = profiles(years, system=system, fitted=fitted, crisis_fit=crisis_fit, seed=seed,
                    workers=workers, progress=None if progress is None else (
                        lambda i, n, _: progress("general deterrence: profiles", i, n)))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(prof))
        tmp.replace(path)
    return prof


def check(*, seed: int = 0, cache=None, crisis_fit: dict | None = None, years=None,
          split_year: int = SPLIT_YEAR, prof: dict | None = None, fitted=None,
          workers: int = 1, progress: Callable[[str, int, int], None] | None = None
          ) -> tuple[dict, dict]:
    """The general-deterrence check of the module docstring, and the opportunity models
    fitted on every year (for ``fitted.json``). ``years`` restricts the dyad-years (tests);
    ``prof`` are the profiles (default: :func:`cached_profiles` with ``cache`` and the
    credibility model ``fitted``)."""
    from foedus.crisis import fitted as fitted_params
    from foedus.data.loaders import load_system

    crisis_fit = crisis_fit or fitted_params.load()
    system = load_system()
    years = list(years or range(1816, 2011))
    frame = dyads(min(years), max(years))
    frame = frame[frame["year"].isin(years)].reset_index(drop=True)
    prof = prof or cached_profiles(years, seed=seed, cache=cache, crisis_fit=crisis_fit,
                                   system=system, fitted=fitted, workers=workers,
                                   progress=progress)
    q = float(crisis_fit["escalation"]["mean"])
    engine, has_pact, guarantor = attack_probability(frame, prof, crisis_fit["decision"],
                                                     q=q)
    y = outcomes(frame)
    nato = _nato(frame, system)
    year = frame["year"].to_numpy()
    results, shipped = {}, {}
    for outcome in ("force", "war"):
        inside = year <= LAST_YEAR[outcome]
        train = inside & (year <= split_year)
        test = inside & (year > split_year)
        target = y[outcome].to_numpy(dtype=float)
        model = fit_opportunity(frame[train], engine[train], target[train], seed=seed)
        masks = {"all": test, "defence_pact": test & has_pact,
                 "no_defence_pact": test & ~has_pact,
                 "nuclear_protector": test & guarantor,
                 "no_nuclear_protector": test & ~guarantor,
                 "nato_member_1949_2003": test & nato & (year >= 1949) & (year <= 2003)}
        results[outcome] = {"train_years": [int(year[train].min()), split_year],
                            "test_years": [split_year + 1,
                                           int(min(LAST_YEAR[outcome], year.max()))],
                            "opportunity": {k: model[k] for k in ("terms", "coef", "se", "n",
                                                                  "events")},
                            "cells": cells(frame, engine, target, model, masks, seed=seed)}
        full = fit_opportunity(frame[inside], engine[inside], target[inside], seed=seed)
        shipped[outcome] = {**full, "years": [int(year[inside].min()), LAST_YEAR[outcome]]}
    results["dyad_years"] = len(frame)
    results["profiles"] = len(prof["targets"])
    return results, shipped
