r"""Out-of-sample skill of the credibility model: grouped cross-validation beside constants.

Cases are split into ``k`` folds by *group* — by war, so that no war is both learnt from
and predicted, and by treaty, so that no treaty is (scikit-learn's ``GroupKFold``:
deterministic, folds of about equal size) — and every fold's held-out cases are predicted
by a model fitted on the others (:func:`foedus.credibility.hierarchical.fit_folds`). The
pooled held-out predictions are scored:

- log score: the mean negative log-likelihood :math:`-\frac1n\sum y_i\ln p_i +
  (1-y_i)\ln(1-p_i)` (lower is better);
- Brier score :math:`\frac1n\sum (p_i - y_i)^2` (Brier 1950; lower is better);
- AUC, the probability that an honoured case is ranked above a broken one (ties half);

overall and within each era (``pre-1945``, ``post-1945``), with a calibration table (ten
equal-width bins of the predicted probability: mean prediction against share honoured).

Beside each score, the same score of three constant forecasts:

- ``fold_rate``: each held-out fold's own base rate — an oracle no model can know (the
  forecast the issue asks the model to beat; a fold whose cases all went one way scores 0);
- ``era_rate``: the era's own base rate over all cases (an oracle within era);
- ``era_rate_train``: the training folds' rate of the case's era (a forecast one could
  actually make).

References
----------
.. [1] Brier, Glenn W. 1950. "Verification of Forecasts Expressed in Terms of Probability."
   *Monthly Weather Review* 78(1): 1-3. doi:10.1175/1520-0493(1950)078<0001:VOFEIT>2.0.CO;2
.. [2] Gneiting & Raftery. 2007. "Strictly Proper Scoring Rules, Prediction, and
   Estimation." *Journal of the American Statistical Association* 102(477): 359-378.
   doi:10.1198/016214506000001437
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["BASELINES", "calibration_table", "cross_validate", "fold_weights", "scores"]

BASELINES = ("fold_rate", "era_rate", "era_rate_train")
_EPS = 1e-12


def scores(y, p) -> dict:
    """Log score, Brier score and AUC of probabilities ``p`` for outcomes ``y``.

    >>> s = scores([1, 0, 1, 0], [0.8, 0.2, 0.6, 0.4])
    >>> round(s["brier"], 3), s["auc"], round(s["log_score"], 4)
    (0.1, 1.0, 0.367)
    """
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    out = {"n": len(y), "rate": float(y.mean()) if len(y) else None,
           "log_score": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
           if len(y) else None,
           "brier": float(np.mean((p - y) ** 2)) if len(y) else None, "auc": None}
    if len(np.unique(y)) == 2:
        from scipy.stats import rankdata

        r = rankdata(p)
        pos = y == 1
        out["auc"] = float((r[pos].sum() - pos.sum() * (pos.sum() + 1) / 2)
                           / (pos.sum() * (~pos).sum()))
    return out


def calibration_table(y, p, bins: int = 10) -> list[dict]:
    """Mean prediction against the share honoured in equal-width bins of ``p``."""
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return [{"bin_low": float(edges[b]), "bin_high": float(edges[b + 1]),
             "n": int((which == b).sum()), "mean_predicted": float(p[which == b].mean()),
             "observed": float(y[which == b].mean())}
            for b in range(bins) if (which == b).any()]


def fold_weights(groups, k: int = 10) -> np.ndarray:
    """(folds, n) training weights of grouped k-fold (at most one fold per group)."""
    from sklearn.model_selection import GroupKFold

    groups = np.asarray(groups)
    k = int(min(k, len(np.unique(groups))))
    out = np.ones((k, len(groups)))
    for f, (_, test) in enumerate(GroupKFold(n_splits=k).split(groups, groups=groups)):
        out[f, test] = 0.0
    return out


def _baselines(y: np.ndarray, era: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    out = {b: np.full(len(y), np.nan) for b in BASELINES}
    for w in weights:
        held, train = w == 0, w > 0
        out["fold_rate"][held] = y[held].mean()
        for e in np.unique(era[held]):
            here = held & (era == e)
            base = train & (era == e)
            out["era_rate_train"][here] = y[base].mean() if base.any() else y[train].mean()
    for e in np.unique(era):
        out["era_rate"][era == e] = y[era == e].mean()
    return out


def cross_validate(design, era, groups: dict[str, np.ndarray], *, k: int = 10,
                   seed: int = 0, steps: int = 3000, extra_full: bool = False):
    """Grouped k-fold cross-validation of one specification.

    Parameters
    ----------
    design
        A :class:`foedus.credibility.hierarchical.Design` (all cases).
    era
        (n,) the era of each case.
    groups
        Scheme name → (n,) group labels (e.g. ``{"war": ..., "treaty": ...}``).
    k, seed, steps
        Folds, the optimiser's seed and steps.
    extra_full
        Return the fit of all cases (weight 1 everywhere; every run carries it, so that
        the schemes share one compiled run) as the second element: an approximate
        full-data posterior.

    Returns
    -------
    tuple
        ``(report, full)``: ``report[scheme]`` holds ``folds``, ``scores`` (overall and per
        era: the model and every baseline), ``calibration`` and ``predictions`` (held-out
        probability per case); ``full`` the full-data posterior or None.
    """
    from foedus.credibility.hierarchical import fit_folds

    y = np.asarray(design.y, dtype=float)
    era = np.asarray(era)
    report: dict[str, dict] = {}
    full = None
    for i, (scheme, labels) in enumerate(groups.items()):
        weights = fold_weights(labels, k)
        posts = fit_folds(design, np.vstack([weights, np.ones((k + 1 - len(weights),
                                                               len(y)))]),
                          seed=seed + i, steps=steps)
        if extra_full and i == 0:
            full = posts[len(weights)]
        posts = posts[: len(weights)]
        pred = np.full(len(y), np.nan)
        for w, post in zip(weights, posts, strict=True):
            held = w == 0
            eta = post.eta(design.x[held], {g: v[held] for g, v in design.factors.items()})
            pred[held] = (1 / (1 + np.exp(-eta))).mean(axis=0)
        base = _baselines(y, era, weights)
        table = {"all": {"model": scores(y, pred), **{b: scores(y, base[b]) for b in base}}}
        for e in sorted(np.unique(era)):
            m = era == e
            table[str(e)] = {"model": scores(y[m], pred[m]),
                             **{b: scores(y[m], base[b][m]) for b in base}}
        report[scheme] = {"folds": len(weights), "groups": len(np.unique(labels)),
                          "scores": table, "calibration": calibration_table(y, pred),
                          "predictions": pred.tolist()}
    return report, full


def beats(report: dict, baseline: str = "fold_rate") -> tuple[bool, list[str]]:
    """Whether the model's pooled log score *and* Brier score beat ``baseline`` in every
    scheme of ``report``, with one line per scheme saying how it went."""
    ok, lines = True, []
    for scheme, r in report.items():
        m, b = r["scores"]["all"]["model"], r["scores"]["all"][baseline]
        won = m["log_score"] < b["log_score"] and m["brier"] < b["brier"]
        ok &= won
        lines.append(f"{scheme} folds: log score {m['log_score']:.3f} vs {b['log_score']:.3f}"
                     f", Brier {m['brier']:.3f} vs {b['brier']:.3f} "
                     f"({'beats' if won else 'does not beat'} the {baseline} constant)")
    return bool(ok), lines


def summary_frame(report: dict) -> pd.DataFrame:
    """One row per (scheme, era, forecast) with n, log score, Brier and AUC."""
    rows = []
    for scheme, r in report.items():
        for era, table in r["scores"].items():
            for forecast, s in table.items():
                rows.append({"scheme": scheme, "era": era, "forecast": forecast,
                             "n": s["n"], "log_score": s["log_score"], "brier": s["brier"],
                             "auc": s["auc"]})
    return pd.DataFrame(rows)
