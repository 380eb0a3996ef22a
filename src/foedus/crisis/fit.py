"""``foedus crisis fit``: every estimated parameter of the crisis engine, from history.

The parts (each documented where it lives):

1. the reach of strikes and *q* from the COW war record (:mod:`foedus.crisis.history`);
2. the informal commitments' join probability (:mod:`foedus.crisis.informal`);
3. the challenger's decision parameters from the ICB crises (:mod:`foedus.crisis.icb`):
   the war cost, the two nuclear costs (the target's own weapons and its protectors'),
   the random-utility scale and the nuclear term;
4. the crisis-opportunity layer of general deterrence (:mod:`foedus.crisis.general`).

The result is the object of ``crisis/fitted.json`` (:mod:`foedus.crisis.fitted`), with the
hashes of the data it rests on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from foedus.crisis.decision import own_risk
from foedus.crisis.fitted import ENGINE_VERSION, ESTIMATED, FORMAT_VERSION, PRIORS

__all__ = ["DATASETS", "MIN_CASES", "MIN_EVENTS", "SPLIT_YEAR", "fit_all", "fit_decision",
           "fit_history", "p_attack_cases", "p_violence_cases", "prior_decision", "support",
           "update_informal"]

#: Registry datasets the fit reads.
DATASETS = ("cow_wars", "dyadic_war", "nmc_7", "capitals", "icb_actors", "icb_crises",
            "atop_alliances", "atop_members", "atop_directed", "cow_system", "midb",
            "contiguity", "cow_majors", "unga_idealpoints")


def prior_decision(seed: int = 0, draws: int = 200, note: str = "") -> dict:
    """The decision block of ``fitted.json`` on the priors alone (no fit): each estimate is
    the prior's centre, its sd the prior's, and the draws come from the priors."""
    rng = np.random.default_rng(seed)
    estimates, sample = {}, {}
    for name in ESTIMATED:
        p = PRIORS[name]
        if "log_mean" in p:
            x = np.exp(rng.normal(p["log_mean"], p["log_sd"], draws))
            centre = float(np.exp(p["log_mean"]))
        else:
            x = rng.normal(p["mean"], p["sd"], draws)
            centre = float(p["mean"])
        sample[name] = x
        estimates[name] = {"mean": centre, "sd": float(x.std(ddof=1)), "source": "prior",
                           "cases": 0, "note": note or "not fitted: the stated prior"}
    return {"value": PRIORS["value"]["range"],
            "cost_tolerance": PRIORS["cost_tolerance"]["range"],
            "estimates": estimates,
            "draws": [{k: float(sample[k][i]) for k in ESTIMATED} for i in range(draws)],
            "fit": None}


def fit_history(seed: int = 0, progress: Callable[[str], None] | None = None) -> dict:
    """The parts of the fit that read only the war record: reach, escalation, informal."""
    from foedus.crisis.history import escalation_record, fit_escalation, fit_reach, reach_rows
    from foedus.crisis.informal import posterior

    if progress:
        progress("reach of strikes (COW wars)")
    rows = reach_rows()
    reach = {kind: fit_reach(rows, kind, seed=seed) for kind in ("strike", "strike_back")}
    if progress:
        progress("nuclear escalation (COW wars)")
    escalation = fit_escalation(escalation_record(), seed=seed)
    return {"format_version": FORMAT_VERSION, "engine_version": ENGINE_VERSION,
            "seed": seed, "reach": reach, "escalation": escalation,
            "informal": posterior(), "priors": PRIORS}


def provenance() -> dict:
    """The datasets the fit reads, with their versions and hashes."""
    from foedus.provenance import provenance as make

    return make(list(DATASETS), view="legal")


# --- the challenger's decision, fitted to the ICB crises -----------------------------

#: A parameter is estimated only when this many cases inform it, with at least
#: :data:`MIN_EVENTS` attacks and as many non-attacks among them; else its prior is kept.
MIN_CASES = 20
MIN_EVENTS = 3
#: The share of draws from which a case counts as informing the nuclear terms.
NUCLEAR_SHARE = 0.05


def _is_armed(value) -> bool:
    """A case's nuclear flag (True, or 1), missing (None, NaN) counting as unarmed."""
    return value is not None and value == value and bool(value)


class Cases(NamedTuple):
    """Per case (:func:`_arrays`): the world means, P(k ≥ 1), the attacks, the struck
    sides' own parts of the nuclear risks, and the share of draws with a nuclear-armed
    state other than the target at war on the defending side."""

    x: np.ndarray
    pi: np.ndarray
    a: np.ndarray
    nuclear: np.ndarray
    y: np.ndarray
    own: np.ndarray
    strike_own: np.ndarray
    protected: np.ndarray


def _arrays(worlds: pd.DataFrame, q: float) -> Cases:
    """Per case, in one pass over the cases' worlds: the world means (X̄, Π̄ at ``q``,
    Ā), P(k ≥ 1), the attacks, the parts of the nuclear risks the struck side's own
    weapons carry (:func:`foedus.crisis.decision.own_risk`: Π_own for a nuclear-armed
    target, the challenger's attack; the same for a nuclear-armed challenger, the
    target's strike; :func:`p_violence_cases`), and the share of the draws with a
    nuclear-armed state other than the target at war on the defending side (k above the
    target's own count). Rows without the flags (``target_nuclear``,
    ``attacker_nuclear``) count as unarmed."""
    from foedus.crisis.icb import moments_of

    def flag(name: str) -> np.ndarray:
        if name not in worlds:
            return np.zeros(len(worlds), int)
        return np.array([int(_is_armed(v)) for v in worlds[name]], dtype=int)

    armed, striker = flag("target_nuclear"), flag("attacker_nuclear")
    x, pi, a, nuclear, protected = [], [], [], [], []
    for row, m_own in zip(worlds.to_dict("records"), armed, strict=True):
        m = moments_of(row)
        n = max(m.n, 1)
        x.append(m.sum_x / n)
        pi.append(float(m.count_k @ m.escalation(q)) / n)
        a.append(float(m.a_k.sum()) / n)
        nuclear.append(1.0 - m.count_k[0] / n)
        protected.append(1.0 - m.count_k[:m_own + 1].sum() / n)
    return Cases(np.array(x), np.array(pi), np.array(a), np.array(nuclear),
                 worlds["attacked"].to_numpy(dtype=float), own_risk(q, armed),
                 own_risk(q, striker), np.array(protected))


def support(worlds: pd.DataFrame, q: float, cases: Cases | None = None) -> dict[str, dict]:
    """How many cases inform each decision parameter, with their attacks, and whether
    that is enough (:data:`MIN_CASES`, :data:`MIN_EVENTS`); ``cases``: the worlds'
    :func:`_arrays` when the caller has them."""
    c = _arrays(worlds, q) if cases is None else cases
    masks = {"war_cost": np.ones(len(c.y), bool), "scale": np.ones(len(c.y), bool),
             "nuclear_cost": c.protected >= NUCLEAR_SHARE,
             "nuclear_cost_own": (c.own > 0) | (c.strike_own > 0),
             "nuclear_value": c.a >= NUCLEAR_SHARE}
    what = {"war_cost": "cases", "scale": "cases",
            "nuclear_cost": "cases with a nuclear-armed state other than the target at war "
                            f"on the defending side in ≥ {NUCLEAR_SHARE:.0%} of the draws",
            "nuclear_cost_own": "cases whose target (the attack) or challenger (the "
                                "target's strike) has nuclear weapons of its own",
            "nuclear_value": "cases with nuclear weapons on the attacker's side in ≥ "
                             f"{NUCLEAR_SHARE:.0%} of the draws"}
    out = {}
    for name, m in masks.items():
        n, events = int(m.sum()), int(c.y[m].sum())
        enough = n >= MIN_CASES and min(events, n - events) >= MIN_EVENTS
        out[name] = {"cases": n, "attacks": events, "enough": bool(enough),
                     "what": what[name]}
    return out


def _unpack(theta: np.ndarray, free: list[str], fixed: dict) -> dict:
    out = dict(fixed)
    for name, t in zip(free, theta, strict=True):
        out[name] = float(np.exp(t)) if "log_mean" in PRIORS[name] else float(t)
    return out


def _prior_logpdf(theta: np.ndarray, free: list[str]) -> float:
    total = 0.0
    for name, t in zip(free, theta, strict=True):
        p = PRIORS[name]
        mu, sd = (p["log_mean"], p["log_sd"]) if "log_mean" in p else (p["mean"], p["sd"])
        total += -0.5 * ((t - mu) / sd) ** 2
    return total


def p_attack_cases(x, pi, a, params: dict, own=0.0) -> np.ndarray:
    """Pr(attack) of every case at once (:func:`foedus.crisis.decision.integral`,
    vectorised over the cases), ``own`` the part of Π̄ the target's own weapons carry
    (priced with N_own; the rest with N_ext: :func:`foedus.crisis.decision.nuclear_costs`)."""
    from scipy.special import expit

    from foedus.crisis.decision import _nodes, nuclear_costs

    v, wv = _nodes(*params["value"])
    t, wt = _nodes(*params["cost_tolerance"])
    n_own, n_ext = nuclear_costs(params)
    own = np.broadcast_to(np.asarray(own, dtype=float), np.shape(pi))
    nuclear = n_own * own + n_ext * (np.asarray(pi, dtype=float) - own)
    weight = np.outer(wv, wt)[None]
    u = (v[None, :, None] * x[:, None, None]
         - (params["war_cost"] + nuclear[:, None, None]) / t[None, None, :]
         + params["nuclear_value"] * a[:, None, None])
    return (weight * expit(u / params["scale"])).sum(axis=(1, 2))


def p_violence_cases(x, pi, a, nuclear, params: dict, q: float, own=0.0,
                     strike_own=0.0) -> np.ndarray:
    r"""Pr(the crisis turns violent) of every case: the challenger attacks, or the target
    does (ICB's ``viol`` records the violence the crisis actor experienced, whoever struck
    first: Signorino & Tarar's game, too, lets the defender act),

    .. math:: 1 - \bigl(1 - \Pr_A(\bar X, \bar\Pi, \bar A)\bigr)
              \bigl(1 - \Pr_T(-\bar X,\; q\bar A,\; \Pr(k \ge 1))\bigr)

    with the same parameters for both sides: the target fights the same war from the other
    side (win margin −X̄), facing the nuclear-armed states of the challenger's side (one
    escalating with *q*), with nuclear weapons on its own side in the share Pr(k ≥ 1) of
    the worlds. An approximation: the target's war is taken to draw in the same coalitions
    as the challenger's. Each side's risk is split as the decision splits it
    (:mod:`foedus.crisis.decision`): ``own`` (q for a nuclear-armed target) of Π̄ and
    ``strike_own`` (q for a nuclear-armed challenger) of qĀ are priced with N_own, the
    rest (protectors', allies') with N_ext."""
    attack = p_attack_cases(x, pi, a, params, own)
    strike = p_attack_cases(-np.asarray(x), q * np.asarray(a), nuclear, params,
                            np.minimum(strike_own, q * np.asarray(a)))
    return 1.0 - (1.0 - attack) * (1.0 - strike)


def _neg_log_post(theta, free, fixed, data: Cases, q) -> float:
    p = np.clip(p_violence_cases(data.x, data.pi, data.a, data.nuclear,
                                 _unpack(theta, free, fixed), q, data.own, data.strike_own),
                1e-12, 1 - 1e-12)
    y = data.y
    return -(float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
             + _prior_logpdf(theta, free))


def _hessian(f, theta: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central finite differences of a scalar function (a symmetric matrix)."""
    k = len(theta)
    h = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * step, np.eye(k)[j] * step
            h[i, j] = h[j, i] = (f(theta + ei + ej) - f(theta + ei - ej)
                                 - f(theta - ei + ej) + f(theta - ei - ej)) / (4 * step ** 2)
    return h


def fit_decision(worlds: pd.DataFrame, *, q: float, seed: int = 0, draws: int = 200
                 ) -> dict:
    """The decision block of ``fitted.json`` from the ICB worlds (module docstring): the
    maximum a posteriori of (log c, log N_ext, log N_own, log σ, λ) under :data:`PRIORS`
    (all jointly), the likelihood
    of each crisis's violence being :func:`p_violence_cases`'s, a Laplace
    approximation for the uncertainty (the inverse Hessian of the negative log
    posterior), and joint draws; a parameter with too little support keeps its prior
    (:func:`support`), and the answer says which and why."""
    from scipy.optimize import minimize

    worlds = worlds[worlds["error"].isna()]
    data = _arrays(worlds, q)
    y = data.y
    sup = support(worlds, q, data)
    free = [n for n in ESTIMATED if sup[n]["enough"]]
    prior = prior_decision(seed=seed, draws=draws)
    fixed = {"value": tuple(PRIORS["value"]["range"]),
             "cost_tolerance": tuple(PRIORS["cost_tolerance"]["range"]),
             **{n: prior["estimates"][n]["mean"] for n in ESTIMATED if n not in free}}
    start = np.array([PRIORS[n]["log_mean"] if "log_mean" in PRIORS[n] else PRIORS[n]["mean"]
                      for n in free])

    def objective(t):
        return _neg_log_post(t, free, fixed, data, q)

    if free:
        best = minimize(objective, start, method="L-BFGS-B")
        if not best.success:  # a flat or ragged surface: polish with the simplex
            best = minimize(objective, best.x, method="Nelder-Mead",
                            options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 20_000})
        theta, converged, value = best.x, bool(best.success), float(best.fun)
        cov = np.linalg.pinv(_hessian(objective, theta))
    else:  # nothing to estimate: every parameter keeps its prior
        theta, converged, value = start, True, objective(start)
        cov = np.zeros((0, 0))
    rng = np.random.default_rng(seed)
    sample = rng.multivariate_normal(theta, cov, size=draws) if free else np.zeros((draws, 0))
    estimates = {}
    for i, name in enumerate(free):
        t = sample[:, i]
        drawn = np.exp(t) if "log_mean" in PRIORS[name] else t
        point = float(np.exp(theta[i]) if "log_mean" in PRIORS[name] else theta[i])
        estimates[name] = {"mean": point, "sd": float(drawn.std(ddof=1)),
                           "interval": [float(v) for v in np.percentile(drawn, [5, 95])],
                           "source": "icb", **{k: sup[name][k] for k in ("cases", "attacks")},
                           "note": f"maximum a posteriori; the 90% interval is the Laplace "
                                   f"approximation's; {sup[name]['what']}"}
    for name in ESTIMATED:
        if name not in free:
            estimates[name] = {**prior["estimates"][name], "cases": sup[name]["cases"],
                               "attacks": sup[name]["attacks"],
                               "note": f"too few cases: {sup[name]['cases']} {sup[name]['what']}"
                                       f" with {sup[name]['attacks']} attacks (at least "
                                       f"{MIN_CASES}, and {MIN_EVENTS} of each outcome, "
                                       f"are needed): the stated prior is kept"}
    rows = []
    for i in range(draws):
        row = {}
        for name in ESTIMATED:
            if name in free:
                t = sample[i, free.index(name)]
                row[name] = float(np.exp(t) if "log_mean" in PRIORS[name] else t)
            else:
                row[name] = float(prior["draws"][i][name])
        rows.append(row)
    p = p_violence_cases(data.x, data.pi, data.a, data.nuclear, _unpack(theta, free, fixed), q,
                         data.own, data.strike_own)
    return {"value": list(fixed["value"]), "cost_tolerance": list(fixed["cost_tolerance"]),
            "estimates": estimates, "draws": rows,
            "fit": {"cases": len(y), "attacks": int(y.sum()), "q": q,
                    "converged": converged, "log_posterior": -value,
                    "log_likelihood": float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),
                    "support": sup}}


def update_informal(worlds: pd.DataFrame, decision: dict, informal: dict, *, q: float,
                    seed: int = 0, draws: int = 200) -> dict:
    """The informal commitments' join probability updated by the deterrence record: the
    ICB cases in which the target had an informal protector (played at every *p* of
    :data:`foedus.crisis.icb.GRID`). Their likelihood at the fitted decision parameters,
    interpolated in logit(*p*), multiplies the Beta posterior of the join record
    (:func:`foedus.crisis.informal.posterior`) on a grid of 999 points; the result is
    summarised by the Beta with the same mean and variance (method of moments), whose draws
    the engine uses."""
    from scipy.stats import beta as beta_dist

    from foedus.crisis.icb import GRID, moments_of

    rows = worlds[worlds["error"].isna() & worlds["grid"].map(lambda g: bool(g))]
    params = {"value": tuple(decision["value"]),
              "cost_tolerance": tuple(decision["cost_tolerance"]),
              **{k: v["mean"] for k, v in decision["estimates"].items()}}
    fine = np.linspace(0.001, 0.999, 999)
    logit_grid = np.log(np.array(GRID) / (1 - np.array(GRID)))
    log_like = np.zeros(len(fine))
    used = []
    for row in rows.to_dict("records"):
        p = []
        own, strike_own = (own_risk(q, _is_armed(row.get(k)))
                           for k in ("target_nuclear", "attacker_nuclear"))
        for g in row["grid"]:
            m = moments_of(g)
            n = max(m.n, 1)
            p.append(p_violence_cases(np.array([m.sum_x / n]),
                                      np.array([float(m.count_k @ m.escalation(q)) / n]),
                                      np.array([float(m.a_k.sum()) / n]),
                                      np.array([1.0 - m.count_k[0] / n]), params, q,
                                      own, strike_own)[0])
        p = np.clip(np.array(p), 1e-9, 1 - 1e-9)
        y = float(row["attacked"])
        ll = y * np.log(p) + (1 - y) * np.log(1 - p)
        log_like += np.interp(np.log(fine / (1 - fine)), logit_grid, ll)
        used.append({"case": row["case"], "name": row["name"], "date": str(row["date"]),
                     "attacked": bool(row["attacked"]),
                     "p_attack_at_grid": dict(zip(map(str, GRID), p.tolist(), strict=True))})
    post = beta_dist.logpdf(fine, informal["alpha"], informal["beta"]) + log_like
    w = np.exp(post - post.max())
    w /= w.sum()
    mean = float(w @ fine)
    var = float(w @ (fine - mean) ** 2)
    common = mean * (1 - mean) / var - 1
    alpha, beta = mean * common, (1 - mean) * common
    return {**informal, "record_alpha": informal["alpha"], "record_beta": informal["beta"],
            "record_mean": informal["mean"], "deterrence_cases": used,
            "alpha": float(alpha), "beta": float(beta), "mean": mean,
            "interval": [float(v) for v in beta_dist.ppf([0.05, 0.95], alpha, beta)],
            "draws": np.random.default_rng(seed).beta(alpha, beta, draws).tolist()}


#: The ICB crises' time split: fit up to this year, validate after (both halves hold about
#: half the cases).
SPLIT_YEAR = 1965


def fit_all(*, draws: int = 16_384, seed: int = 0, cache: Path | None = None,
            limit: int | None = None, general: bool = True, workers: int = 1,
            fitted=None, credibility: dict | None = None,
            progress: Callable[[str, int, int], None] | None = None
            ) -> tuple[dict, pd.DataFrame]:
    """Every part of the fit (module docstring): the ``fitted.json`` object and the ICB
    worlds it rests on. ``limit`` keeps the first cases only (a quick look, tests);
    ``general`` fits the opportunity layer of general deterrence (slow the first time:
    some 14,000 profiles, then cached); ``workers`` processes play the ICB crises and
    compute the profiles (the results do not depend on it); ``fitted`` is the credibility
    model the crises and profiles are played with (default: the shipped one), and
    ``credibility`` its record (:func:`foedus.crisis.evidence.credibility_record`: file,
    sha256 of the file's bytes, spec), kept in the provenance; without it, the shipped
    model's record when ``fitted`` is None, else the spec alone."""
    from foedus.crisis.icb import cases, worlds

    def step(label: str):
        return None if progress is None else (lambda i, n, _: progress(label, i, n))

    if progress:
        progress("war record: reach and escalation", 0, 1)
    out = fit_history(seed=seed)
    out["decision"] = prior_decision(seed=seed)
    if progress:
        progress("war record: reach and escalation", 1, 1)
    frame, left = cases()
    if limit is not None:
        frame = frame.head(limit)
    played = worlds(frame, draws=draws, seed=seed, crisis_fit=out, cache=cache,
                    fitted=fitted, workers=workers, progress=step("ICB crises played out"))
    q = float(out["escalation"]["mean"])
    out["decision"] = fit_decision(played, q=q, seed=seed)
    out["decision"]["fit"].update({
        "left_out": left, "errors": int(played["error"].notna().sum()),
        "rule": "ICB v15 crisis actors whose crisis a single state triggered by a "
                "non-violent act; attacked: viol >= 3"})
    out["informal"] = update_informal(played, out["decision"], out["informal"], q=q,
                                      seed=seed)
    if general:
        from foedus.crisis.general import fit_channels

        out["opportunity"] = fit_channels(seed=seed, cache=cache, crisis_fit=out,
                                          fitted=fitted, workers=workers, progress=progress)
    if credibility is None:
        from foedus.crisis.evidence import credibility_record

        credibility = (credibility_record() if fitted is None
                       else {"file": None, "sha256": None, "spec": fitted.spec})
    out["provenance"] = {**provenance(), "credibility": credibility}
    return out, played
