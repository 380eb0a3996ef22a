"""Credibility of the pledges of the commitment system: one state's pledges to another on a
date (:func:`credibility`), the obligations of an obligations answer (:func:`score_answer`),
and the calibration plot of a fit (:func:`plot_calibration`).

Every probability comes with its interval and its support (:func:`foedus.credibility.
model.support`): how many cases of the record share the pledge's kind, era and
casus-foederis class.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from foedus._lazy import pandas as pd
from foedus.atomic import atomic_path
from foedus.credibility.features import pledge_features
from foedus.credibility.model import (
    SCORED_KINDS,
    FittedModel,
    as_of_day,
    load,
    predict,
    support,
)
from foedus.errors import FitError

__all__ = ["credibility", "plot_calibration", "score_answer"]


def _score(fitted: FittedModel, rows: pd.DataFrame, system, top: int) -> pd.DataFrame:
    """probability, lower, upper, outside_record, up, down and support of each row."""
    features = pledge_features(rows, system)
    pred = predict(fitted, features)
    contrib = pred.filter(like="contrib_").rename(columns=lambda c: c[8:])
    out = pred[["probability", "lower", "upper", "outside_record"]].copy()
    out["support"] = support(fitted, features)
    ups, downs = [], []
    for i in pred.index:
        s = contrib.loc[i].sort_values() if len(contrib.columns) else pd.Series(dtype=float)
        ups.append([(k, round(float(v), 3)) for k, v in s[::-1].items() if v > 0][:top])
        downs.append([(k, round(float(v), 3)) for k, v in s.items() if v < 0][:top])
    out["up"], out["down"] = ups, downs
    return out


def credibility(ally: int, partner: int, as_of: dt.date | str, *,
                against: tuple[int, ...] | list[int] | None = None, system=None,
                fitted: FittedModel | None = None, top: int = 3) -> pd.DataFrame:
    """The probability that each pledge ``ally`` owes ``partner`` on ``as_of`` is honoured.

    Every obligation of the legal view binding ally → partner on the day is listed; the
    model scores defence, offence and neutrality pledges (the kinds whose keeping war
    participation reveals); consultation and non-aggression rows have null probabilities.
    ``against`` names hypothetical attackers (their capability enters the features).

    Returns
    -------
    pandas.DataFrame
        ``treaty``, ``treaty_name``, ``obligation``, ``article``, ``kind``, ``probability``,
        ``lower``, ``upper`` (90 % posterior interval), ``outside_record``, ``support``
        (a dict, :func:`foedus.credibility.model.support`), ``up`` and ``down`` (the
        ``top`` covariates pushing the probability up and down, ``(feature, log-odds)``).
    """
    from foedus.data.loaders import load_system

    day = as_of_day(as_of)
    system = system or load_system()
    fitted = fitted or load()
    snap = system.as_of(day, "legal")
    pledges = [p for p in snap.pledges(beneficiary=partner) if p.holder == ally]
    base = pd.DataFrame([{
        "treaty": p.treaty.id, "treaty_name": p.treaty.name, "obligation": p.obligation.id,
        "article": str(p.obligation.article), "kind": str(p.obligation.kind)}
        for p in pledges], columns=["treaty", "treaty_name", "obligation", "article", "kind"])
    cols = ["probability", "lower", "upper", "outside_record", "support", "up", "down"]
    result = base.assign(probability=np.nan, lower=np.nan, upper=np.nan)
    for c in cols[3:]:
        result[c] = pd.Series([None] * len(base), index=base.index, dtype=object)
    scored = base["kind"].isin(SCORED_KINDS)
    if scored.any():
        rows = base[scored].assign(ally=ally, target=partner, date=day,
                                   attackers=[tuple(against or ())] * int(scored.sum()))
        got = _score(fitted, rows, system, top)
        for i in got.index:
            for c in cols:
                result.at[i, c] = got.at[i, c]
    return result


def score_answer(answer, system=None, fitted: FittedModel | None = None) -> pd.DataFrame:
    """The probability that each obligation of an obligations answer is honoured.

    One row per bound obligation of ``answer`` (:func:`foedus.query.obligations`), in order,
    with ``probability``, ``lower``, ``upper``, ``outside_record`` and ``support``;
    consultation and non-aggression rows are null (their keeping is not observable in
    wars). The answer's state attackers are the hypothetical attackers.
    """
    fitted = fitted or load()
    event = answer.event
    rows = pd.DataFrame([{"ally": b.state, "target": event.target, "kind": str(b.obligation.kind),
                          "treaty": b.treaty.id, "obligation": b.obligation.id,
                          "date": event.date, "attackers": tuple(event.state_attackers)}
                         for b in answer.obligations],
                        columns=["ally", "target", "kind", "treaty", "obligation", "date",
                                 "attackers"])
    out = pd.DataFrame({"probability": np.nan, "lower": np.nan, "upper": np.nan,
                        "outside_record": [[] for _ in range(len(rows))],
                        "support": [None] * len(rows)})
    scored = rows["kind"].isin(SCORED_KINDS).to_numpy()
    if scored.any():
        got = _score(fitted, rows[scored], system, top=0)
        out.loc[scored, ["probability", "lower", "upper"]] = got[
            ["probability", "lower", "upper"]].to_numpy()
        for i, extra, sup in zip(np.nonzero(scored)[0], got["outside_record"],
                                 got["support"], strict=True):
            out.at[i, "outside_record"] = extra
            out.at[i, "support"] = sup
    return out


def plot_calibration(fitted: FittedModel, path: str | Path) -> Path:
    """Reliability diagram of the held-out (war-fold) calibration table (PNG or SVG).

    Raises
    ------
    FitError
        A model without a calibration table.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not fitted.calibration:
        raise FitError("This model has no out-of-sample calibration table.")
    cal = pd.DataFrame(fitted.calibration)
    scores = fitted.metrics.get("war", {}).get("all", {}).get("model", {})
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    ax.scatter(cal["mean_predicted"], cal["observed"], s=10 + 3 * cal["n"])
    auc = scores.get("auc")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted probability honoured (held out)",
           ylabel="observed share honoured",
           title=f"{fitted.spec}, war folds: AUC {auc if auc is None else round(auc, 2)}, "
                 f"Brier {scores.get('brier', float('nan')):.3f}")
    fig.tight_layout()
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp)
    finally:
        plt.close(fig)
    return Path(path)
