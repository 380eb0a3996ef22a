r"""``foedus crisis validate``: the engine's verdicts against history, out of sample.

**Attack or not** (immediate deterrence, the ICB cases of :mod:`foedus.crisis.icb`). The
decision parameters are fitted on some crises and the forecasts of violence (either side
attacking, :func:`foedus.crisis.fit.p_violence_cases`) scored on others: (a) a
time split (fit on crises triggered up to ``split_year``, score the later ones), and (b)
leave one decade out (fit on the other decades, score the decade; pooled). Beside the
engine, two baselines fitted on the same training cases: a **constant** forecast at the
training attack rate, and the **capability ratio alone** (a logit of the attack on the log
odds of the challenger's share of the two sides' discounted capability and its square,
without allies, nuclear weapons or anything else the engine adds).

**Who joins** (the backtest of :mod:`foedus.crisis.backtest`): the wars are cut into
folds; the credibility model is refitted without each fold's wars (the shipped procedure,
:func:`foedus.credibility.fit_frame`, on the other wars' cases, with the approximate ADVI
posterior of :data:`FOLD_FIT`) and the engine's drawn-in probabilities, given the war, are
scored on the fold's allies; beside the constant (the training folds' join rate) and the
capability ratio alone. The answer says which of the three ships (:func:`ships`: the best
log score over all pairs) and why, and counts the allies that held only a neutrality
pledge (no pledge that brings them in, forecast 0 by construction) and how many of them
joined: the record against which a term for joining without an applicable obligation
would be estimated (Leeds, Long & Mitchell 2000 score such allies as having kept or
broken a neutrality promise, not as joiners).

Scores (:func:`scores`): the **log score** :math:`\frac1n\sum y\log p + (1-y)\log(1-p)`
(nats, higher is better; probabilities clipped to [10⁻⁶, 1 − 10⁻⁶]), the **Brier score**
:math:`\frac1n\sum (p - y)^2` (lower is better), the **AUC** (the probability that a
random positive is ranked above a random negative; None without both outcomes), and a
calibration table (10 equal-width bins: mean forecast against observed rate).

References
----------
.. [1] Gneiting, Tilmann, and Adrian E. Raftery. 2007. "Strictly Proper Scoring Rules,
   Prediction, and Estimation." *Journal of the American Statistical Association*
   102(477): 359-378. doi:10.1198/016214506000001437
.. [2] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["capability_logit", "decades", "immediate", "joins", "scores", "time_split"]

_CLIP = 1e-6


def scores(p, y) -> dict:
    """Log score, Brier score, AUC and calibration of forecasts ``p`` of outcomes ``y``."""
    from foedus.crisis.backtest import skill

    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    out = skill(p, y)
    q = np.clip(p, _CLIP, 1 - _CLIP)
    out["log_score"] = float(np.mean(y * np.log(q) + (1 - y) * np.log(1 - q))) if len(
        p) else None
    return out


def _logodds(share) -> np.ndarray:
    s = np.clip(np.asarray(share, dtype=float), 1e-6, 1 - 1e-6)
    z = np.log(s / (1 - s))
    return np.column_stack([z, z * z])


def capability_logit(share_train, y_train) -> Callable[[np.ndarray], np.ndarray]:
    """The capability-ratio baseline: a logit of the outcome on the log odds of the
    challenger's capability share and its square (the balance may matter either way:
    lopsided dyads escalate more often in the ICB crises), fitted (practically
    unpenalised) on the training cases; returns the forecasting function."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y_train, dtype=int)
    if len(np.unique(y)) < 2:
        rate = float(y.mean()) if len(y) else 0.5
        return lambda share: np.full(len(share), rate)
    model = LogisticRegression(C=1e6, max_iter=10_000).fit(_logodds(share_train), y)
    return lambda share: model.predict_proba(_logodds(share))[:, 1]


def _forecasts(train: pd.DataFrame, test: pd.DataFrame, q: float, seed: int) -> dict:
    """The engine's, the constant's and the capability ratio's forecasts of ``test``
    from a fit on ``train``."""
    from foedus.crisis.fit import _arrays, fit_decision, p_violence_cases

    decision = fit_decision(train, q=q, seed=seed, draws=100)
    c = _arrays(test, q)
    fixed = {"value": tuple(decision["value"]),
             "cost_tolerance": tuple(decision["cost_tolerance"])}
    engine = np.mean([p_violence_cases(c.x, c.pi, c.a, c.nuclear, {**fixed, **d}, q, c.own,
                                       c.strike_own)
                      for d in decision["draws"]], axis=0)
    y = train["attacked"].to_numpy(dtype=float)
    cap = capability_logit(train["capability_ratio"], y)
    return {"engine": engine, "constant": np.full(len(test), y.mean()),
            "capability_ratio": cap(test["capability_ratio"].to_numpy()),
            "decision": decision}


_MODELS = ("engine", "constant", "capability_ratio")


def _scored(test: pd.DataFrame, forecasts: dict) -> dict:
    y = test["attacked"].to_numpy(dtype=float)
    protected = test["protectors"].map(len).to_numpy() > 0
    out = {"all": {m: scores(forecasts[m], y) for m in _MODELS}}
    for label, mask in (("with_protector", protected), ("without_protector", ~protected)):
        out[label] = {m: scores(np.asarray(forecasts[m])[mask], y[mask]) for m in _MODELS}
    return out


def time_split(worlds: pd.DataFrame, *, split_year: int, q: float, seed: int = 0) -> dict:
    """Fit on the crises up to ``split_year``, score the later ones (module docstring)."""
    ok = worlds[worlds["error"].isna()]
    train, test = ok[ok["year"] <= split_year], ok[ok["year"] > split_year]
    f = _forecasts(train, test, q, seed)
    return {"split_year": split_year,
            "train": {"cases": len(train), "attacks": int(train["attacked"].sum())},
            "test": {"cases": len(test), "attacks": int(test["attacked"].sum())},
            "estimates": {k: v["mean"] for k, v in f["decision"]["estimates"].items()},
            "scores": _scored(test, f)}


def decades(worlds: pd.DataFrame, *, q: float, seed: int = 0,
            progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Leave one decade out: every decade's crises forecast from a fit on the others,
    pooled and scored (module docstring)."""
    ok = worlds[worlds["error"].isna()].copy()
    ok["decade"] = ok["year"] // 10 * 10
    parts = []
    labels = sorted(ok["decade"].unique())
    for i, decade in enumerate(labels):
        test = ok[ok["decade"] == decade]
        f = _forecasts(ok[ok["decade"] != decade], test, q, seed)
        parts.append(test.assign(**{f"p_{m}": f[m] for m in _MODELS}))
        if progress:
            progress(i + 1, len(labels), f"{decade}s")
    pooled = pd.concat(parts)
    return {"folds": [int(d) for d in labels], "cases": len(pooled),
            "attacks": int(pooled["attacked"].sum()),
            "scores": _scored(pooled, {m: pooled[f"p_{m}"].to_numpy() for m in _MODELS})}


def immediate(worlds: pd.DataFrame, *, split_year: int, q: float, seed: int = 0,
              progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Both out-of-sample checks of the attack verdicts."""
    return {"time_split": time_split(worlds, split_year=split_year, q=q, seed=seed),
            "leave_one_decade_out": decades(worlds, q=q, seed=seed, progress=progress)}


_LABELS = {"engine": "the engine's drawn-in probability", "constant": "the constant",
           "capability_ratio": "the capability ratio"}


def ships(scores_by_era: dict) -> tuple[str, str]:
    """Which who-joins forecast ships, and why: the one with the best out-of-sample log
    score over all pairs (the strictly proper score of the module docstring; Gneiting &
    Raftery 2007), "ship what wins, saying so". The sentence gives the three log scores
    and Brier scores over all pairs and names every era in which the winner loses on the
    log score to another forecast.

    Parameters
    ----------
    scores_by_era
        ``{"all": {model: scores}, era: {model: scores}, …}`` (:func:`joins`'
        ``scores``), each model's scores with ``log_score`` and ``brier``.

    Returns
    -------
    tuple
        ``(model, sentence)``, ``model`` one of ``engine``, ``constant``,
        ``capability_ratio``.

    References
    ----------
    .. [1] Gneiting, Tilmann, and Adrian E. Raftery. 2007. "Strictly Proper Scoring Rules,
       Prediction, and Estimation." *Journal of the American Statistical Association*
       102(477): 359-378. doi:10.1198/016214506000001437
    """
    overall = scores_by_era["all"]
    best = max(_MODELS, key=lambda m: overall[m]["log_score"])
    figures = "; ".join(f"{m} {overall[m]['log_score']:.3f} / {overall[m]['brier']:.3f}"
                        for m in _MODELS)
    losses = []
    for era, block in scores_by_era.items():
        if era == "all" or not block[best]["n"]:
            continue
        better = [m for m in _MODELS if m != best
                  and block[m]["log_score"] > block[best]["log_score"]]
        if better:
            beaten_by = ", ".join(f"{m} {block[m]['log_score']:.3f}" for m in better)
            losses.append(f"{era} ({beaten_by} against {block[best]['log_score']:.3f})")
    because = (f"{_LABELS[best]} has the best out-of-sample log score over all pairs "
               f"(log score / Brier: {figures})")
    if best != "engine":
        because += "; the engine does not beat the baselines, so its drawn-in " \
                   "probabilities are not the forecast of who joins"
    if losses:
        because += "; it loses on the log score in " + "; ".join(losses)
    return best, because


#: The credibility refit inside each fold of :func:`joins`: the shipped procedure
#: (:func:`foedus.credibility.fit_frame`: both specifications cross-validated by war and by
#: treaty, the winner chosen by the same rule), lighter — 3 grouped folds of 1,500 ADVI
#: steps — and approximate: the chosen specification's posterior is its ADVI fit of the
#: training cases (``sampler="advi"``, the approximate fit the issue allows inside folds),
#: not a NUTS run; 200 of its draws are kept.
FOLD_FIT = {"folds": 3, "steps": 1500, "sampler": "advi", "keep": 200}

#: Monte Carlo draws per historical group in :func:`joins` (each pair's standard error is
#: recorded; the record states the largest and the mean).
JOINS_DRAWS = 2000


def joins(*, folds: int = 5, draws: int = JOINS_DRAWS, seed: int = 0,
          limit: int | None = None, fit_options: dict | None = None,
          progress: Callable[[int, int, str], None] | None = None,
          keep_pairs: bool = False) -> dict:
    """The who-joins backtest out of sample (module docstring): ``folds`` folds of wars,
    the credibility model refitted without each fold (:data:`FOLD_FIT`, or
    ``fit_options``), the engine's drawn-in probability given the war scored on the
    fold's allies.

    The opportunities, their credibility cases and the cases' pledge features are
    computed once and sliced per fold (each is a function of its own row: the cases a
    row filter, the features row by row), so every fold's fit sees exactly the training
    wars' cases, as :func:`foedus.credibility.fit` on the training opportunities would.
    ``progress`` is called with (steps done, steps in all, label): one step per fold's
    fit and one per historical group. With ``keep_pairs`` the answer also holds the
    scored pairs with every forecast (``pairs_frame``, a DataFrame: not JSON).
    """
    import time

    from foedus.credibility import cases as credibility_cases
    from foedus.credibility import fit_frame, pledge_features
    from foedus.credibility.cases import with_original_target
    from foedus.credibility.model import _provenance
    from foedus.crisis.backtest import backtest
    from foedus.data.loaders import load_system
    from foedus.reliability import opportunities

    start = time.perf_counter()
    system = load_system()
    opp = opportunities(system, source="cow")
    rows = credibility_cases(opp)
    # the fit's rows (original_target from the war's first day, as credibility.fit) and
    # the backtest's (original_target from the role, as backtest scores its pairs)
    fit_rows = with_original_target(rows)
    fit_x = pledge_features(fit_rows, system)
    y = fit_rows["honoured"].astype(bool).to_numpy()
    war = fit_rows["war"].to_numpy()
    bt_x = pledge_features(rows, system)
    options = {**FOLD_FIT, **(fit_options or {})}
    provenance = {**_provenance(("cow_wars", "dyadic_war", "cow_states")), "source": "cow"}
    wars = sorted(rows["war"].unique())
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(wars, rng.permutation(len(wars)) % folds, strict=True))
    held_out = [[w for w in wars if fold_of[w] == k] for k in range(folds)]
    groups = rows[rows["role"].isin(("target", "initiator"))].groupby(
        ["war", "target", "date", "role"]).ngroups
    total, done = folds + (groups if limit is None else min(groups, folds * limit)), 0
    parts, skipped, specs, fit_seconds = [], [], [], []
    for k, held in enumerate(held_out):
        train = ~np.isin(war, held)
        t0 = time.perf_counter()
        model = fit_frame(fit_x[train].reset_index(drop=True), y[train], war=war[train],
                          seed=seed, provenance=provenance, **options)
        fit_seconds.append(time.perf_counter() - t0)
        specs.append(model.spec)
        done += 1
        if progress:
            progress(done, total, f"fold {k + 1}: credibility refitted ({model.spec})")

        def step(i, n, label, k=k, base=done):
            if progress:
                progress(base + i, total, f"fold {k + 1}: {label}")

        result = backtest(draws=draws, seed=seed, wars=held, system=system, fitted=model,
                          limit=limit, cases=rows, features=bt_x, progress=step)
        done += result.groups_run + len(result.skipped)
        parts.append(result.pairs.assign(fold=k))
        skipped += result.skipped
    pairs = pd.concat(parts, ignore_index=True)
    y = pairs["joined"].to_numpy(dtype=float)
    constant = np.empty(len(pairs))
    capability = np.empty(len(pairs))
    for k in range(folds):
        mine = (pairs["fold"] == k).to_numpy()
        constant[mine] = y[~mine].mean() if (~mine).any() else np.nan
        cap = capability_logit(pairs.loc[~mine, "capability_ratio"], y[~mine])
        capability[mine] = cap(pairs.loc[mine, "capability_ratio"].to_numpy())
    forecasts = {"engine": pairs["probability"].to_numpy(), "constant": constant,
                 "capability_ratio": capability}
    se = pairs["se"].to_numpy(dtype=float)
    out = {"folds": folds, "wars": len(wars), "pairs": len(pairs), "joined": int(y.sum()),
           "groups_skipped": len(skipped), "credibility_specs": specs,
           "fit": {k: v for k, v in options.items() if k != "progress"},
           "draws": draws,
           "monte_carlo_se": {"max": float(se.max()) if len(se) else None,
                              "mean": float(se.mean()) if len(se) else None},
           "seconds": {"all": time.perf_counter() - start,
                       "credibility_fits": float(sum(fit_seconds))},
           "scores": {}}
    for era, mask in (("all", np.ones(len(pairs), bool)),
                      ("≤1945", (pairs["year"] <= 1945).to_numpy()),
                      (">1945", (pairs["year"] > 1945).to_numpy())):
        out["scores"][era] = {m: scores(forecasts[m][mask], y[mask]) for m in _MODELS}
    only = (pairs["pledge"] == "neutrality only").to_numpy()
    out["neutrality_only"] = {"pairs": int(only.sum()), "joined": int(y[only].sum())}
    out["ships"], out["ships_because"] = ships(out["scores"])
    if keep_pairs:
        out["pairs_frame"] = pairs.assign(p_constant=constant, p_capability=capability)
    return out
