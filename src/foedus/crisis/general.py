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

**The static opportunity factor** (:func:`fit_opportunity`, the model before; kept and
reported beside the new one) is a logit on the dyad's structure only — an intercept, land
contiguity, contiguity across water, :math:`\log(1 + \text{km})` between capitals, and
major-power status of each side — fitted by maximum likelihood of the product model to
1945 and tested after. It fails (1 of 12 cells inside their 95% interval at stop 24): a
model fitted to 1816–1945 with no term for time cannot follow MIDB's uses of force rising
after 1945 while COW wars fell, and the engine's deterrence, fitted on ICB crises,
suppresses low-level force that in fact happened more often against protected targets.

**The time-varying model** (:func:`leave_decade_out`, :func:`fit_decades`) keeps the
product form but (a) lets the opportunity rate move with time and (b) separates two
outcome channels:

- **time**: an intercept per decade, :math:`\alpha_d`, under a first-order random-walk
  prior :math:`\alpha_{d+1} - \alpha_d \sim N(0, \sigma^2)` (Rue & Held 2005 [5]_),
  σ integrated over a grid with weights from the Laplace approximation of the marginal
  likelihood (the grid strategy of INLA, Rue, Martino & Chopin 2009 [6]_). A left-out
  decade's α is known only through the walk from its neighbours: its draws carry the
  walk's innovation as well as the neighbours' uncertainty. Decades rather than a
  smooth function of the year because the rates are not smooth (the world wars) and a
  left-out decade must be forecast honestly; decades rather than system covariates
  because the number of politically relevant dyads already sets the number of rows;
- **the war channel** tests the engine: COW war initiations, Pr = Λ(xβ + α_d) ×
  Pr(attack | opportunity, engine), x the structural terms above. The engine is not
  refitted here; the protection cells of wars test its deterrence;
- **the low-level channel**: MIDB uses of force (hostility 4–5) that are not a COW war
  initiation of the same directed dyad-year (after 2003, where the COW data end, every
  use of force), a logit Λ(xβ + α_d + β_pact·pact + β_nuc·nuclear protector) with no
  engine factor: how often force short of war falls on protected targets is fitted, not
  assumed suppressed (Fuhrmann & Sechser 2014 [7]_ find defence pacts with nuclear
  powers reduce militarised challenges, but the rate is the data's to say). A use of
  force in the cells is a low-level event, or a simulated war that MIDB also records as
  a use of force (share π ~ Beta(1 + both, 1 + war only) from the training years; 57 of
  the 132 war initiations 1816–2003).

**Counts are overdispersed**, and the check says how much: the events of one dispute or
one war are not independent (a war opened against several targets at once), so a cell's
count is drawn as NB1 (variance φ·mean, Cameron & Trivedi 2013 [8]_) with φ the training
events' cluster ratio ΣK²/ΣK in that cell (:func:`cluster_dispersion`; a compound
Poisson's variance-to-mean ratio). Pearson's test of the yearly counts against each
channel's fit (:func:`dispersion_test`, McCullagh & Nelder 1989 [9]_) is recorded:
φ̂ 1.77 for wars and 2.07 for low-level force on 163 and 167 df, both p < 10⁻⁸.

**The check** (:func:`check`), out of sample by leaving one decade out (the issue allows
it): every decade 1810s–2010 (wars to 2003) is forecast from both channels fitted on the
others; each decade's count in every cell is simulated from :data:`DECADE_DRAWS`
parameter draws × :data:`PER_DRAW` NB1 counts, and the decades' simulations are summed
draw by draw. In each cell — all dyad-years, the target with or without a defence pledge,
with or without a nuclear-armed protector, NATO members 1949–2003 — the observed number
of events against the 95% predictive interval; the same for the years after 1945 (the
static check's test years), and each decade's own count against its own interval (a
calibration check: about 95% should be inside). The static check runs in the same call.

References
----------
.. [1] Huth, Paul, and Bruce Russett. 1993. "General Deterrence between Enduring Rivals."
   *American Political Science Review* 87(1): 61-73. doi:10.2307/2938956
.. [2] Leeds, Brett Ashley. 2003. "Do Alliances Deter Aggression?" *American Journal of
   Political Science* 47(3): 427-439. doi:10.1111/1540-5907.00031
.. [3] Palmer, Glenn, et al. 2022. "The MID5 Dataset, 2011-2014." *Conflict Management and
   Peace Science* 39(4): 470-482 (MIDB 4.3 participant file). doi:10.1177/0738894221995743
.. [4] Sarkees, Meredith Reid, and Frank Whelon Wayman. 2010. *Resort to War*. CQ Press.
.. [5] Rue, Håvard, and Leonhard Held. 2005. *Gaussian Markov Random Fields: Theory and
   Applications*. Chapman & Hall/CRC, §3.3. doi:10.1201/9780203492024
.. [6] Rue, Håvard, Sara Martino, and Nicolas Chopin. 2009. "Approximate Bayesian
   Inference for Latent Gaussian Models by Using Integrated Nested Laplace
   Approximations." *Journal of the Royal Statistical Society B* 71(2): 319-392.
   doi:10.1111/j.1467-9868.2008.00700.x
.. [7] Fuhrmann, Matthew, and Todd S. Sechser. 2014. "Signaling Alliance Commitments:
   Hand-Tying and Sunk Costs in Extended Nuclear Deterrence." *American Journal of
   Political Science* 58(4): 919-935. doi:10.1111/ajps.12082
.. [8] Cameron, A. Colin, and Pravin K. Trivedi. 2013. *Regression Analysis of Count
   Data*, 2nd ed. Cambridge University Press, §3.3 (NB1), §5.4 (tests of dispersion).
   doi:10.1017/CBO9781139013567
.. [9] McCullagh, Peter, and John A. Nelder. 1989. *Generalized Linear Models*, 2nd ed.
   Chapman & Hall, §4.5.2. doi:10.1007/978-1-4899-3242-6
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from foedus.crisis.decision import own_risk

__all__ = ["CHANNELS", "DECADE_DRAWS", "DRAWS", "PREDICTIVE", "SIGMAS", "attack_probability",
           "cells", "check", "cluster_dispersion", "dispersion_test", "dyads", "engine_moments",
           "fit_channels", "fit_decades", "fit_opportunity", "full_fits",
           "leave_decade_out", "nato_statements", "nb1_counts", "nuclear_risk",
           "nuclear_risk_parts", "outcomes", "pooled_cells", "profiles", "rw1_precision",
           "war_log_likelihood"]

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
    x, k = _draw_moments(profile, keep, cap_a)
    return x, float(k @ escalation[:len(k)])


def engine_moments(frame: pd.DataFrame, prof: dict) -> dict[str, np.ndarray]:
    """What the decision reads of every dyad-year of ``frame``, from the profiles: the
    win margin X̄ (the challenger's CINC discounted to the target against the profile's
    coalitions with the pledges that apply against it), the attacker's nuclear weapons Ā,
    the share of the coalition draws with *k* = 0, 1, … nuclear-armed states at war on the
    defending side (``k``, rows × the largest *k* + 1; the target's own weapons count),
    whether the target has nuclear weapons, whether a defence pledge applies
    (``pact``) and whether a nuclear-armed state holds one (``protector``).

    Everything the decision parameters act on is here, so Pr(attack | opportunity) at any
    decision parameters and *q* is :func:`foedus.crisis.fit.p_attack_cases` of (X̄,
    :func:`nuclear_risk`, Ā) without reading the profiles again (module docstring of
    :mod:`foedus.crisis.decision`)."""
    from foedus.crisis.means import capabilities, is_nuclear
    from foedus.measures.power import loss_of_strength

    n = len(frame)
    x, a = np.empty(n), np.empty(n)
    target_nuclear = np.zeros(n, bool)
    pact, protector = np.zeros(n, bool), np.zeros(n, bool)
    counts: list[np.ndarray] = [np.ones(1)] * n
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
            if profile is not None:
                target_nuclear[pos] = bool(profile["nuclear"])
            x[pos], counts[pos] = _draw_moments(profile, keep, cap_a)
            a[pos] = float(nuclear[int(ch)])
    width = max(len(c) for c in counts) if n else 1
    k = np.zeros((n, width))
    for pos, c in enumerate(counts):
        k[pos, :len(c)] = c
    return {"x": x, "a": a, "k": k, "target_nuclear": target_nuclear, "pact": pact,
            "protector": protector}


def _draw_moments(profile: dict | None, keep: np.ndarray | None, cap_a: float
                  ) -> tuple[float, np.ndarray]:
    """X̄ and the shares of the draws with k = 0, 1, … (:func:`world_means`)."""
    if profile is None:
        return (1.0 if cap_a > 0 else 0.0), np.ones(1)
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
    return float(x.mean()), np.bincount(k) / len(k)


def nuclear_risk(k: np.ndarray, q: float) -> np.ndarray:
    r"""Π̄(q) = Σ_k Pr(k)·(1 − (1 − q)^k) of every row of the shares ``k``
    (:func:`engine_moments`; :mod:`foedus.crisis.decision`)."""
    k = np.atleast_2d(np.asarray(k, dtype=float))
    return k @ (1.0 - (1.0 - q) ** np.arange(k.shape[1]))


def nuclear_risk_parts(k: np.ndarray, target_nuclear: np.ndarray, q: float
                       ) -> tuple[np.ndarray, np.ndarray]:
    r"""Π̄(q) of :func:`nuclear_risk` in two parts: the target's own weapons and the rest.

    A nuclear-armed target is at war in every draw, so its own part is *q*; the rest,
    Π̄ − q, is the risk its nuclear-armed protectors add (with k = 1 + j,
    1 − (1 − q)^{1+j} = q + (1 − q)(1 − (1 − q)^j)). Without weapons of its own the
    target's part is 0 and the rest is Π̄. The decision prices the two apart (N_own and
    N_ext, :mod:`foedus.crisis.decision`; the diagnosis of the nuclear-protector war cell
    in ``docs/crisis.md``)."""
    pi = nuclear_risk(k, q)
    own = own_risk(q, np.asarray(target_nuclear))
    return own, pi - own


def attack_probability(frame: pd.DataFrame, prof: dict, decision: dict, *, q: float,
                       draws: int | None = None) -> tuple[np.ndarray, np.ndarray,
                                                          np.ndarray]:
    """Pr(attack | opportunity) of every dyad-year of ``frame`` from the profiles (the
    challenger's CINC discounted to the target, the world means over the profile's
    coalitions with the pledges that apply against it, and the fitted decision: its point
    estimates, or the mean over the first ``draws`` of its draws); whether a defence pledge
    applies, and whether a nuclear-armed state holds one (:func:`engine_moments`)."""
    m = engine_moments(frame, prof)
    return _decide(m, decision, q=q, draws=draws), m["pact"], m["protector"]


def _decide(m: dict, decision: dict, *, q: float, draws: int | None = None) -> np.ndarray:
    """Pr(attack | opportunity) from :func:`engine_moments` and a decision block, the
    target's own part of Π̄ priced with N_own (:func:`nuclear_risk_parts`)."""
    from foedus.crisis.fit import p_attack_cases

    own, ext = nuclear_risk_parts(m["k"], m["target_nuclear"], q)
    pi = own + ext
    params = {"value": tuple(decision["value"]),
              "cost_tolerance": tuple(decision["cost_tolerance"])}
    if draws:
        return np.mean([p_attack_cases(m["x"], pi, m["a"], {**params, **d}, own)
                        for d in decision["draws"][:draws]], axis=0)
    return p_attack_cases(m["x"], pi, m["a"], {**params, **{k: v["mean"] for k, v in
                                                             decision["estimates"].items()}},
                          own)


def war_log_likelihood(frame: pd.DataFrame, engine: np.ndarray, war: np.ndarray, *,
                       sigma: float = 0.3) -> float:
    r"""The log likelihood of the war record under the war channel
    :math:`\Pr = \Lambda(x\beta + \alpha_d)\,e` with the engine's factor ``engine``
    held fixed and (β, α) at their penalised maximum for the random walk's ``sigma``
    (:func:`fit_decades`'s inner fit): a profile likelihood of the decision parameters
    that produced ``engine``, for comparing them on the general war record (the
    decade effects and structure re-estimated each time, so only how the engine spreads
    wars across dyad-years is judged). ``frame`` holds only the rows to score."""
    year = frame["year"].to_numpy()
    dec = decade_of(year)
    decades = sorted(int(d) for d in np.unique(dec))
    index = {d: i for i, d in enumerate(decades)}
    d = np.array([index[int(v)] for v in dec], dtype=np.int64)
    x = _design(frame)[:, 1:]
    e = np.clip(np.asarray(engine, float), 1e-12, 1.0)
    y = np.asarray(war, float)
    start = np.zeros(x.shape[1] + len(decades))
    start[x.shape[1]:] = np.log(max(y.mean(), 1e-6) / max(e.mean(), 1e-6))
    _, _, ll = _penalised(x, d, len(decades), y, e, sigma, start)
    return ll


def outcomes(frame: pd.DataFrame) -> pd.DataFrame:
    """The two outcomes of the module docstring for every dyad-year of ``frame``:
    ``force`` (a MIDB use of force of the challenger against the target) and ``war`` (a
    COW war it initiated against the target), with the events' clusters:
    ``force_dispute`` (the MIDB dispute number, the lowest where several) and
    ``war_number`` (the COW war number), −1 without an event."""
    from foedus.data.store import connect
    from foedus.reliability.targets import war_roles

    with connect() as con:
        mid = con.execute("SELECT dispnum3, ccode, sidea, orig, hostlev, styear "
                          "FROM mid_participants").df()
        roles = war_roles(con, "cow")
    first = mid.groupby("dispnum3")["styear"].min()
    force: dict = {}
    for d, g in mid[mid["orig"] == 1].groupby("dispnum3"):
        a = g[(g["sidea"] == 1) & (g["hostlev"] >= 4)]["ccode"]
        b = g[g["sidea"] == 0]["ccode"]
        for i in a:
            for j in b:
                key = (int(i), int(j), int(first[d]))
                force[key] = min(force.get(key, int(d)), int(d))
    war: dict = {}
    for r in roles[roles["role"] == "target"].itertuples(index=False):
        for i in r.attackers:
            key = (int(i), int(r.ccode), pd.Timestamp(r.attacked_on).year)
            number = int(str(r.war).rsplit(":", 1)[-1])
            war[key] = min(war.get(key, number), number)
    keys = list(zip(frame["challenger"], frame["target"], frame["year"], strict=True))
    return pd.DataFrame({"force": [k in force for k in keys],
                         "war": [k in war for k in keys],
                         "force_dispute": [force.get(k, -1) for k in keys],
                         "war_number": [war.get(k, -1) for k in keys]}, index=frame.index)


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


# ---------------------------------------------------------------------------------------
# The time-varying model: two channels, decade effects with a random-walk prior, left out a
# decade at a time (module docstring, "The time-varying model").
# ---------------------------------------------------------------------------------------

#: The grid of the random walk's standard deviation σ (log-odds per decade) integrated
#: over (:func:`fit_decades`), log-spaced from 0.05 to 3.
SIGMAS = tuple(float(s) for s in np.geomspace(0.05, 3.0, 10))
#: Draws of the parameters per left-out decade (a mixture over :data:`SIGMAS`).
DECADE_DRAWS = 400
#: A weak ridge on the non-decade coefficients (precision; sd 10 on the logit scale), for
#: numerical stability only.
RIDGE = 0.01
#: The structural terms (the opportunity logit's, without its intercept: the decade effects
#: take its place).
STRUCTURAL = TERMS[1:]
#: The low-level channel's protection terms (fitted, not imposed by the engine).
PROTECTION = ("defence_pact", "nuclear_protector")


def decade_of(year) -> np.ndarray:
    """The decade of each year (1816 → 1810)."""
    return np.asarray(year, dtype=int) // 10 * 10


def rw1_precision(k: int) -> np.ndarray:
    r"""The structure matrix :math:`Q = D^\top D` of a first-order random walk over ``k``
    consecutive decades (``D`` the first differences), rank ``k − 1`` (Rue & Held 2005,
    *Gaussian Markov Random Fields*, §3.3.1, doi:10.1201/9780203492024)."""
    d = np.diff(np.eye(k), axis=0)
    return d.T @ d


def _expit(x):
    from scipy.special import expit

    return expit(x)


def _information(x: np.ndarray, dec: np.ndarray, k: int, ds: np.ndarray, p: np.ndarray
                 ) -> np.ndarray:
    """The expected information of (β, α) for rows with dp/dη ``ds``: Σ w·[x, 1_dec]ᵀ[x,
    1_dec] with w = ds²/(p(1 − p)), assembled by blocks (the decade block is diagonal)."""
    m = x.shape[1]
    w = ds * ds / (p * (1 - p))
    info = np.empty((m + k, m + k))
    info[:m, :m] = x.T @ (w[:, None] * x)
    cross = np.stack([np.bincount(dec, w * x[:, j], minlength=k) for j in range(m)]
                     ).reshape(m, k)
    info[:m, m:], info[m:, :m] = cross, cross.T
    info[m:, m:] = np.diag(np.bincount(dec, w, minlength=k))
    return info


def _penalised(x: np.ndarray, dec: np.ndarray, k: int, y: np.ndarray, e: np.ndarray,
               sigma: float, start: np.ndarray, iterations: int = 50
               ) -> tuple[np.ndarray, np.ndarray, float]:
    """Fisher scoring of the penalised log likelihood of Pr(y) = Λ(xβ + α_dec)·e with the
    RW1 penalty αᵀQα/(2σ²) and the ridge :data:`RIDGE` on β; returns (θ̂, the penalised
    information at θ̂, the log likelihood at θ̂)."""
    m = x.shape[1]
    pen = np.zeros((m + k, m + k))
    pen[:m, :m] = RIDGE * np.eye(m)
    pen[m:, m:] = rw1_precision(k) / sigma ** 2

    def parts(theta):
        eta = x @ theta[:m] + theta[m:][dec]
        s = _expit(eta)
        p = np.clip(s * e, 1e-12, 1 - 1e-12)
        ll = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
        return s, p, ll - 0.5 * float(theta @ pen @ theta), ll

    theta = start.astype(float).copy()
    s, p, obj, ll = parts(theta)
    for _ in range(iterations):
        ds = e * s * (1 - s)                     # dp/dη
        score = (y - p) / (p * (1 - p)) * ds
        grad = np.concatenate([x.T @ score, np.bincount(dec, score, minlength=k)])
        h = _information(x, dec, k, ds, p) + pen
        step = np.linalg.solve(h, grad - pen @ theta)
        for _half in range(30):
            s2, p2, obj2, ll2 = parts(theta + step)
            if obj2 >= obj - 1e-9:
                break
            step = step / 2
        theta = theta + step
        s, p, obj, ll = s2, p2, obj2, ll2
        if np.max(np.abs(step)) < 1e-7:
            break
    return theta, _information(x, dec, k, e * s * (1 - s), p) + pen, ll


def fit_decades(x: np.ndarray, decade: np.ndarray, decades: list[int], y: np.ndarray,
                engine: np.ndarray | None = None, *, terms: tuple[str, ...] = STRUCTURAL,
                sigmas: tuple[float, ...] = SIGMAS, draws: int = DECADE_DRAWS,
                seed: int = 0) -> dict:
    r"""The channel model :math:`\Pr(y_{ijt}) = \Lambda(x_{ijt}\beta + \alpha_{d(t)})\,
    e_{ijt}` with decade effects α under a first-order random-walk prior
    :math:`\alpha_{d+1} - \alpha_d \sim N(0, \sigma^2)` (``engine`` e: the engine's
    Pr(attack | opportunity), or 1 for the low-level channel).

    ``decades`` lists every decade of the model, in order, including any without rows
    (a left-out decade): its α is then known only through the random walk from its
    neighbours, and its draws carry that uncertainty (the conditional of an RW1 given
    both neighbours is N(their mean, σ²/2), given one N(it, σ²)). σ is integrated over
    the grid ``sigmas`` (flat on log σ) with weights from the Laplace approximation of the
    marginal likelihood — the grid strategy of INLA (Rue, Martino & Chopin 2009,
    doi:10.1111/j.1467-9868.2008.00700.x; Tierney & Kadane 1986,
    doi:10.1080/01621459.1986.10478240) — and the parameter draws are a mixture of the
    Laplace posteriors N(θ̂_σ, H_σ⁻¹), allocated by those weights. The information is the
    expected (Fisher) one, exact for the canonical logit (e = 1).

    Parameters
    ----------
    x
        Rows × terms (no intercept).
    decade
        Each row's decade (one of ``decades``).
    decades
        The model's decades, consecutive, in order.
    y
        The events (0/1).
    engine
        The engine's factor per row (default: 1).
    terms
        The names of ``x``'s columns.
    sigmas, draws, seed
        The σ grid, the number of parameter draws and their seed.

    Returns
    -------
    dict
        ``terms``, ``decades``, ``coef`` and ``se`` (β then α, at the σ of highest weight),
        ``sigma`` (the grid, its weights and the posterior mean of σ), ``draws`` (an
        array, draws × (terms + decades)), ``n``, ``events``.

    References
    ----------
    .. [1] Rue, Håvard, Sara Martino, and Nicolas Chopin. 2009. "Approximate Bayesian
       Inference for Latent Gaussian Models by Using Integrated Nested Laplace
       Approximations." *JRSS B* 71(2): 319-392. doi:10.1111/j.1467-9868.2008.00700.x
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    e = np.ones(len(y)) if engine is None else np.clip(np.asarray(engine, float), 1e-9, 1)
    index = {d: i for i, d in enumerate(decades)}
    dec = np.array([index[int(d)] for d in decade], dtype=np.int64)
    k, m = len(decades), x.shape[1]
    start = np.zeros(m + k)
    start[m:] = np.log(max(y.mean(), 1e-6) / max(e.mean(), 1e-6))
    fits, logml = [], []
    for sigma in sigmas:
        theta, h, ll = _penalised(x, dec, k, y, e, sigma, start)
        start = theta
        _, logdet = np.linalg.slogdet(h)
        alpha = theta[m:]
        q = rw1_precision(k)
        logml.append(ll - 0.5 * float(alpha @ q @ alpha) / sigma ** 2
                     - (k - 1) * np.log(sigma) - 0.5 * logdet)
        fits.append((theta, h))
    logml = np.array(logml)
    weights = np.exp(logml - logml.max())
    weights /= weights.sum()
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(draws, weights)
    sample = [rng.multivariate_normal(theta, np.linalg.inv(h), size=c)
              for (theta, h), c in zip(fits, counts, strict=True) if c]
    best = int(np.argmax(weights))
    theta, h = fits[best]
    return {"terms": list(terms), "decades": [int(d) for d in decades],
            "coef": theta.tolist(),
            "se": np.sqrt(np.clip(np.diag(np.linalg.inv(h)), 0, None)).tolist(),
            "sigma": {"grid": list(sigmas), "weights": weights.tolist(),
                      "mean": float(weights @ np.asarray(sigmas))},
            "draws": np.concatenate(sample), "n": len(y), "events": int(y.sum())}


def channel_rates(model: dict, x: np.ndarray, decade: np.ndarray,
                  engine: np.ndarray | None = None) -> np.ndarray:
    """Pr(event) of every row under each parameter draw of :func:`fit_decades` (draws ×
    rows)."""
    draws = np.asarray(model["draws"])
    m = len(model["terms"])
    index = {d: i for i, d in enumerate(model["decades"])}
    dec = np.array([index[int(d)] for d in decade], dtype=np.int64)
    eta = draws[:, :m] @ np.asarray(x, float).T + draws[:, m:][:, dec]
    p = _expit(eta)
    return p if engine is None else p * np.asarray(engine, float)[None, :]


def cluster_dispersion(cluster: np.ndarray) -> float:
    r"""The variance-to-mean ratio φ = Σ K²/Σ K of a compound Poisson count whose events come
    in clusters of sizes K (the events of one dispute or one war are not independent): the
    count of N ~ Poisson clusters has mean E[N]E[K] and variance E[N]E[K²] (Johnson, Kemp
    & Kotz 2005, *Univariate Discrete Distributions*, 3rd ed., §9.3,
    doi:10.1002/0471715816). ``cluster``: the cluster id of every event; 1.0 without
    events."""
    cluster = np.asarray(cluster)
    if not len(cluster):
        return 1.0
    _, k = np.unique(cluster, return_counts=True)
    return float((k.astype(float) ** 2).sum() / k.sum())


def nb1_counts(lam: np.ndarray, phi: float, rng: np.random.Generator) -> np.ndarray:
    r"""Counts with mean λ and variance φλ (the NB1 variance function, Cameron & Trivedi
    2013, *Regression Analysis of Count Data*, 2nd ed., §3.3, doi:10.1017/CBO9781139013567):
    a gamma-Poisson mixture Poisson(λG), G ~ Gamma(λ/(φ−1), (φ−1)/λ); Poisson when φ ≤ 1."""
    lam = np.asarray(lam, dtype=float)
    if phi <= 1.0 + 1e-12:
        return rng.poisson(lam)
    shape = np.where(lam > 0, lam / (phi - 1.0), 1.0)
    g = rng.gamma(shape, 1.0 / np.where(shape > 0, shape, 1.0))
    return rng.poisson(lam * g)


def dispersion_test(observed: np.ndarray, expected: np.ndarray, parameters: int) -> dict:
    r"""Pearson's test of Poisson dispersion of counts (here the events per year against
    the fitted model's expectation): :math:`X^2 = \sum (O - E)^2 / E` on
    :math:`n - k` degrees of freedom, φ̂ = X²/(n − k) (McCullagh & Nelder 1989,
    *Generalized Linear Models*, 2nd ed., §4.5.2, doi:10.1007/978-1-4899-3242-6;
    Cameron & Trivedi 2013, §5.4)."""
    from scipy.stats import chi2

    o, e = np.asarray(observed, float), np.asarray(expected, float)
    keep = e > 0
    x2 = float((((o - e) ** 2) / np.where(keep, e, 1.0))[keep].sum())
    df = max(int(keep.sum()) - parameters, 1)
    return {"pearson_chi2": x2, "df": df, "phi": x2 / df, "p_value": float(chi2.sf(x2, df))}


def _interval(sims: np.ndarray) -> list[float]:
    lo, hi = np.percentile(sims, [2.5, 97.5])
    return [float(lo), float(hi)]


def pooled_cells(observed: dict[str, int], dyad_years: dict[str, int],
                 sims: dict[str, list[np.ndarray]], means: dict[str, list[float]]) -> dict:
    """The cells of the leave-one-decade-out check: each cell's simulated counts of every
    left-out decade (independent fits) summed draw by draw, against the observed count."""
    out = {}
    for name, parts in sims.items():
        total = np.sum(parts, axis=0) if parts else np.zeros(1)
        lo, hi = _interval(total)
        n = max(dyad_years[name], 1)
        expected = float(np.sum(means[name]))
        out[name] = {"dyad_years": dyad_years[name], "observed": observed[name],
                     "expected": expected, "interval": [lo, hi],
                     "inside": bool(lo <= observed[name] <= hi),
                     "rate_per_1000": 1000 * observed[name] / n,
                     "expected_rate_per_1000": 1000 * expected / n,
                     "p_zero": float(np.mean(total == 0))}
    return out


#: Simulated counts per parameter draw in :func:`leave_decade_out`.
PER_DRAW = 5

#: COW wars initiated against a NATO member 1949–2003, placed against Art. 6 of the North
#: Atlantic Treaty (the members' territory in Europe or North America, islands north of
#: the Tropic of Cancer; https://www.nato.int/cps/en/natolive/official_texts_17120.htm):
#: (challenger, target, year) → (place, on Art. 6 territory). A war not listed here is
#: reported with ``art6: null`` (not placed).
ART6_PLACES = {(160, 200, 1982): ("the Falkland Islands (south of the Tropic of Cancer)",
                                  False)}


def _cell_masks(has_pact, guarantor, nato, year) -> dict[str, np.ndarray]:
    n = len(year)
    return {"all": np.ones(n, bool), "defence_pact": has_pact, "no_defence_pact": ~has_pact,
            "nuclear_protector": guarantor, "no_nuclear_protector": ~guarantor,
            "nato_member_1949_2003": nato & (year >= 1949) & (year <= 2003)}


def _phi(cluster: np.ndarray, events: np.ndarray, train: np.ndarray, mask: np.ndarray,
         fallback: float) -> float:
    mine = train & mask & events
    return cluster_dispersion(cluster[mine]) if mine.any() else fallback


def leave_decade_out(frame: pd.DataFrame, engine: np.ndarray, has_pact: np.ndarray,
                     guarantor: np.ndarray, y: pd.DataFrame, nato: np.ndarray, *,
                     seed: int = 0, draws: int = DECADE_DRAWS, per_draw: int = PER_DRAW,
                     sigmas: tuple[float, ...] = SIGMAS,
                     progress: Callable[[int, int, str], None] | None = None) -> dict:
    """The time-varying two-channel model left out a decade at a time (module docstring).

    For every decade: the **war channel** (:func:`fit_decades` with the engine's factor,
    COW war initiations to :data:`LAST_YEAR` ``["war"]``) and the **low-level channel**
    (without it, with the protection terms :data:`PROTECTION`: MIDB uses of force that
    are not a COW war initiation of the same directed dyad-year) are fitted on the other
    decades; the decade's count in every cell is simulated from the parameter draws (each
    draw's expected count, then :data:`PER_DRAW` NB1 counts whose dispersion φ is the
    training events' cluster ratio in that cell, :func:`cluster_dispersion`); a use of
    force is a low-level event or a simulated war that MIDB also records as a use of force
    (with the training share π, drawn from its Beta(1 + both, 1 + war only) posterior).
    The decades' simulations are summed draw by draw (the folds are independent).

    ``y`` has the columns of :func:`outcomes`. Returns ``{"force", "war",
    "force_short_of_war"}``, each ``{"cells", "after_1945", "folds", "test_years",
    "by_decade", "decades_inside"}`` (cells over every left-out decade; the same for the
    dyad-years after 1945, the test years of the static check; each decade's own count
    against its interval, all dyad-years).
    """
    rng = np.random.default_rng([seed, 1945])
    year = frame["year"].to_numpy()
    dec = decade_of(year)
    xs = _design(frame)[:, 1:]
    has_pact = np.asarray(has_pact, bool)
    guarantor = np.asarray(guarantor, bool)
    xl = np.column_stack([xs, has_pact, guarantor]).astype(float)
    in_war = year <= LAST_YEAR["war"]
    in_force = year <= LAST_YEAR["force"]
    war = y["war"].to_numpy(bool) & in_war
    force = y["force"].to_numpy(bool) & in_force
    low = force & ~war
    both = force & war
    dispute = y["force_dispute"].to_numpy()
    war_number = y["war_number"].to_numpy()
    base = _cell_masks(has_pact, np.asarray(guarantor, bool), np.asarray(nato, bool), year)
    masks = {**{("all_years", k): v for k, v in base.items()},
             **{("after_1945", k): v & (year > 1945) for k, v in base.items()}}
    outcome_rows = {"force": in_force, "war": in_war, "force_short_of_war": in_force}
    observed_events = {"force": force, "war": war, "force_short_of_war": low}
    sims = {o: {key: [] for key in masks} for o in outcome_rows}
    means = {o: {key: [] for key in masks} for o in outcome_rows}
    by_decade: dict = {o: [] for o in outcome_rows}
    folds = sorted(int(d) for d in np.unique(dec[in_force]))
    war_decades = sorted(int(d) for d in np.unique(dec[in_war]))
    n_sim = draws * per_draw
    for i, d in enumerate(folds):
        test = dec == d
        train_l = in_force & ~test
        low_model = fit_decades(xl[train_l], dec[train_l], folds, low[train_l],
                                terms=STRUCTURAL + PROTECTION, sigmas=sigmas, draws=draws,
                                seed=seed + i)
        p_low = channel_rates(low_model, xl[test], dec[test])
        test_w = test & in_war
        p_war = None
        if test_w.any():
            train_w = in_war & ~test
            war_model = fit_decades(xs[train_w], dec[train_w], war_decades, war[train_w],
                                    engine[train_w], sigmas=sigmas, draws=draws,
                                    seed=seed + 100 + i)
            p_war = channel_rates(war_model, xs[test_w], dec[test_w], engine[test_w])
            share = rng.beta(1 + both[train_w].sum(), 1 + (war & ~force)[train_w].sum(),
                             n_sim)
        phi_low_all = cluster_dispersion(dispute[train_l & low])
        phi_war_all = cluster_dispersion(war_number[in_war & ~test & war])
        for key, mask in masks.items():
            lam_low = p_low[:, mask[test]].sum(axis=1)
            phi = _phi(dispute, low, train_l, mask, phi_low_all)
            low_sim = nb1_counts(np.repeat(lam_low, per_draw), phi, rng)
            sims["force_short_of_war"][key].append(low_sim)
            means["force_short_of_war"][key].append(float(lam_low.mean()))
            if p_war is not None:
                lam_war = p_war[:, mask[test_w]].sum(axis=1)
                phi = _phi(war_number, war, in_war & ~test, mask, phi_war_all)
                war_sim = nb1_counts(np.repeat(lam_war, per_draw), phi, rng)
                sims["war"][key].append(war_sim)
                means["war"][key].append(float(lam_war.mean()))
                with_force = rng.binomial(war_sim, share)
                mean_both = float(lam_war.mean() * share.mean())
            else:
                with_force, mean_both = np.zeros(n_sim, np.int64), 0.0
            sims["force"][key].append(low_sim + with_force)
            means["force"][key].append(float(lam_low.mean()) + mean_both)
        for outcome, rows in outcome_rows.items():
            if sims[outcome][("all_years", "all")] and (test & rows).any():
                total = sims[outcome][("all_years", "all")][-1]
                lo, hi = _interval(total)
                seen = int((observed_events[outcome] & test & rows).sum())
                by_decade[outcome].append({
                    "decade": d, "dyad_years": int((test & rows).sum()), "observed": seen,
                    "expected": means[outcome][("all_years", "all")][-1],
                    "interval": [lo, hi], "inside": bool(lo <= seen <= hi)})
        if progress:
            progress(i + 1, len(folds), f"{d}s left out")
    out = {}
    for outcome, rows in outcome_rows.items():
        events = observed_events[outcome]
        block = {}
        for period in ("all_years", "after_1945"):
            keys = [k for k in masks if k[0] == period]
            block[period] = pooled_cells(
                {k[1]: int((events & rows & masks[k]).sum()) for k in keys},
                {k[1]: int((rows & masks[k]).sum()) for k in keys},
                {k[1]: sims[outcome][k] for k in keys},
                {k[1]: means[outcome][k] for k in keys})
        first = int(year[rows].min())
        out[outcome] = {"cells": block["all_years"], "after_1945": block["after_1945"],
                        "by_decade": by_decade[outcome],
                        "decades_inside": sum(b["inside"] for b in by_decade[outcome]),
                        "folds": war_decades if outcome == "war" else folds,
                        "train_years": [first, int(year[rows].max())],
                        "test_years": [first, int(year[rows].max())]}
    return out


def full_fits(frame: pd.DataFrame, engine: np.ndarray, has_pact: np.ndarray,
              guarantor: np.ndarray, y: pd.DataFrame, *, seed: int = 0,
              draws: int = 200, sigmas: tuple[float, ...] = SIGMAS) -> dict:
    """Both channels fitted on every decade (the ``opportunity`` block of ``fitted.json``),
    with Pearson's dispersion test of their yearly counts (:func:`dispersion_test`) and
    the events' cluster ratio φ (:func:`cluster_dispersion`)."""
    year = frame["year"].to_numpy()
    dec = decade_of(year)
    xs = _design(frame)[:, 1:]
    xl = np.column_stack([xs, np.asarray(has_pact, bool), np.asarray(guarantor, bool)]
                         ).astype(float)
    in_war = year <= LAST_YEAR["war"]
    in_force = year <= LAST_YEAR["force"]
    war = y["war"].to_numpy(bool) & in_war
    force = y["force"].to_numpy(bool) & in_force
    low = force & ~war
    specs = {"war": (xs, in_war, war, np.asarray(engine, float), STRUCTURAL,
                     y["war_number"].to_numpy()),
             "force_short_of_war": (xl, in_force, low, None, STRUCTURAL + PROTECTION,
                                    y["force_dispute"].to_numpy())}
    out = {}
    for name, (x, rows, events, e, terms, cluster) in specs.items():
        decades = sorted(int(d) for d in np.unique(dec[rows]))
        model = fit_decades(x[rows], dec[rows], decades, events[rows],
                            None if e is None else e[rows], terms=terms, sigmas=sigmas,
                            draws=draws, seed=seed)
        m = len(terms)
        theta = np.asarray(model["coef"])
        point = {**model, "draws": theta[None, :]}
        p = channel_rates(point, x[rows], dec[rows], None if e is None else e[rows])[0]
        years = year[rows]
        first = int(years.min())
        expected = np.bincount(years - first, p)
        observed = np.bincount(years - first, events[rows].astype(float),
                               minlength=len(expected))
        out[name] = {"terms": list(terms) + [f"decade_{d}" for d in decades],
                     "coef": model["coef"], "se": model["se"], "sigma": model["sigma"],
                     "draws": np.asarray(model["draws"]).tolist(), "n": model["n"],
                     "events": model["events"], "years": [first, int(years.max())],
                     "engine_factor": e is not None,
                     "dispersion": {**dispersion_test(observed, expected, m + len(decades)),
                                    "cluster_phi": cluster_dispersion(
                                        cluster[rows & events])}}
    both = (force & war)[in_war].sum()
    out["war"]["force_share"] = {"both": int(both), "wars": int(war[in_war].sum()),
                                 "mean": float((1 + both) / (2 + war[in_war].sum()))}
    return out


def _static(frame, engine, target, masks, year, outcome, split_year, seed) -> dict:
    """The static check (the model before the time-varying one, kept beside it): the
    opportunity logit :func:`fit_opportunity` fitted to ``split_year``, tested after."""
    inside = year <= LAST_YEAR[outcome]
    train = inside & (year <= split_year)
    test = inside & (year > split_year)
    model = fit_opportunity(frame[train], engine[train], target[train], seed=seed)
    return {"train_years": [int(year[train].min()), split_year],
            "test_years": [split_year + 1, int(min(LAST_YEAR[outcome], year.max()))],
            "opportunity": {k: model[k] for k in ("terms", "coef", "se", "n", "events")},
            "cells": cells(frame, engine, target, model,
                           {k: v & test for k, v in masks.items()}, seed=seed)}


def nato_statements(frame: pd.DataFrame, y: pd.DataFrame, nato: np.ndarray,
                    war_cells: dict) -> dict:
    """The issue's NATO statements: the COW wars initiated against a member 1949–2003,
    each placed against Art. 6 (:data:`ART6_PLACES`; ``art6`` null where not placed), the
    count on Art. 6 territory, the model's probability of none (``p_zero`` of the NATO
    cell), and Art. 5 (invoked once, 12 September 2001, after an attack by a non-state
    actor: no state attack was treated under it; NATO, "Collective defence and Article
    5", https://www.nato.int/cps/en/natohq/topics_110496.htm)."""
    year = frame["year"].to_numpy()
    mask = nato & (year >= 1949) & (year <= 2003) & y["war"].to_numpy(bool)
    wars = []
    for ch, tg, yr in zip(frame["challenger"][mask], frame["target"][mask], year[mask],
                          strict=True):
        place, art6 = ART6_PLACES.get((int(ch), int(tg), int(yr)), (None, None))
        wars.append({"challenger": int(ch), "target": int(tg), "year": int(yr),
                     "place": place, "art6": art6})
    cell = war_cells["nato_member_1949_2003"]
    placed = all(w["art6"] is not None for w in wars)
    return {"wars_against_members": wars,
            "wars_on_art6_territory": sum(bool(w["art6"]) for w in wars) if placed else None,
            "model_p_no_war_against_members": cell["p_zero"],
            "art5_invocations": 1, "art5_state_attacks": 0,
            "uses_of_force_against_members": None}


#: Which cells test what (the record's ``channels``).
CHANNELS = {
    "war": "the engine: COW war initiations = opportunity(decade, structure) × "
           "Pr(attack | opportunity, engine); the protection cells test the engine's "
           "deterrence, which is not refitted here",
    "force_short_of_war": "the low-level channel: MIDB uses of force without a COW war "
                          "initiation of the same directed dyad-year, a logit with decade "
                          "effects, structure and the target's protection fitted (no "
                          "engine factor)",
    "force": "both: low-level uses of force plus the simulated wars MIDB also records as "
             "a use of force"}


def _inputs(*, seed, cache, crisis_fit, years, prof, fitted, workers, progress) -> dict:
    """The dyad-years, their engine factor, protection, outcomes and NATO membership."""
    from foedus.data.loaders import load_system

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
    return {"frame": frame, "engine": engine, "has_pact": has_pact, "guarantor": guarantor,
            "y": outcomes(frame), "nato": _nato(frame, system), "prof": prof}


def fit_channels(*, seed: int = 0, cache=None, crisis_fit: dict | None = None,
                 years=None, prof: dict | None = None, fitted=None, workers: int = 1,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """The ``opportunity`` block of ``fitted.json`` alone (:func:`full_fits` on every
    dyad-year; the arguments as :func:`check`'s), without the out-of-sample check."""
    from foedus.crisis import fitted as fitted_params

    crisis_fit = crisis_fit or fitted_params.load()
    d = _inputs(seed=seed, cache=cache, crisis_fit=crisis_fit, years=years, prof=prof,
                fitted=fitted, workers=workers, progress=progress)
    return full_fits(d["frame"], d["engine"], d["has_pact"], d["guarantor"], d["y"],
                     seed=seed)


def check(*, seed: int = 0, cache=None, crisis_fit: dict | None = None, years=None,
          split_year: int = SPLIT_YEAR, prof: dict | None = None, fitted=None,
          workers: int = 1, progress: Callable[[str, int, int], None] | None = None,
          draws: int = DECADE_DRAWS) -> tuple[dict, dict]:
    """The general-deterrence check of the module docstring, and the channels fitted on
    every decade (the ``opportunity`` block of ``fitted.json``). ``years`` restricts the
    dyad-years (tests); ``prof`` are the profiles (default: :func:`cached_profiles` with
    ``cache`` and the credibility model ``fitted``).

    The record: ``force`` and ``war`` (the time-varying model, each decade left out in
    turn: :func:`leave_decade_out`; ``opportunity`` the channel's fit on every decade),
    ``force_short_of_war`` (the low-level channel alone), ``static`` (the model before:
    fitted to ``split_year``, tested after, from the same run), ``dispersion``,
    ``nato``, ``channels`` and the counts."""
    from foedus.crisis import fitted as fitted_params

    crisis_fit = crisis_fit or fitted_params.load()
    d = _inputs(seed=seed, cache=cache, crisis_fit=crisis_fit, years=years, prof=prof,
                fitted=fitted, workers=workers, progress=progress)
    frame, engine, has_pact, guarantor, y, nato, prof = (
        d[k] for k in ("frame", "engine", "has_pact", "guarantor", "y", "nato", "prof"))
    year = frame["year"].to_numpy()
    masks = _cell_masks(has_pact, guarantor, nato, year)
    static = {o: _static(frame, engine, y[o].to_numpy(dtype=float), masks, year, o,
                         split_year, seed) for o in ("force", "war")}
    results = leave_decade_out(frame, engine, has_pact, guarantor, y, nato, seed=seed,
                               draws=draws, progress=None if progress is None else (
                                   lambda i, n, _: progress(
                                       "general deterrence: decades left out", i, n)))
    shipped = full_fits(frame, engine, has_pact, guarantor, y, seed=seed)
    for outcome, channel in (("war", "war"), ("force", "force_short_of_war"),
                             ("force_short_of_war", "force_short_of_war")):
        m = shipped[channel]
        results[outcome]["opportunity"] = {k: m[k] for k in ("terms", "coef", "se", "n",
                                                              "events", "years")}
    results["nato"] = nato_statements(frame, y, nato, results["war"]["cells"])
    results["nato"]["uses_of_force_against_members"] = results["force"]["cells"][
        "nato_member_1949_2003"]["observed"]
    results.update(design="leave_one_decade_out", static=static, channels=CHANNELS,
                   dispersion={k: shipped[k]["dispersion"] for k in ("war",
                                                                     "force_short_of_war")},
                   dyad_years=len(frame), profiles=len(prof["targets"]))
    return results, shipped
