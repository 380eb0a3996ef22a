r"""The credibility model: the probability that a pledge is honoured (DESIGN §4).

An L2-regularised logistic regression on standardised pledge features
(:mod:`foedus.credibility.features`),

.. math::

    \Pr(\text{honoured} = 1 \mid x) = \sigma\Bigl(\beta_0 + \sum_j \beta_j
    \frac{x_j - \mu_j}{s_j}\Bigr), \qquad \sigma(z) = \frac{1}{1 + e^{-z}},

fitted by penalised maximum likelihood, :math:`\min_\beta \tfrac12\lVert\beta\rVert^2 +
C\sum_i \ell_i(\beta)` with :math:`\ell_i` the log loss of case *i*. *C* is chosen on a
grid (13 values, :math:`10^{-3} \ldots 10^{3}`) by stratified 5-fold cross-validation on
the log loss [1]_ (scikit-learn's ``LogisticRegression``, ``lbfgs``). The cases are the
opportunities of Leeds, Long & Mitchell [2]_ (see
:func:`foedus.reliability.opportunities`): rows whose casus foederis holds (True: rows
whose casus foederis cannot be decided are never evidence), with an observable outcome
(``honoured`` not None), one row per war, partner, ally and obligation kind (``counted``:
a pledge restated by nested treaties counts once), where the ally was not already at war
on the partner's side, nor any attacker a member of the same treaty (``intra_alliance``:
the model is about pledges against outsiders). :func:`case_counts` says how many rows each
condition removes.

Skill is measured out of sample by a time split (train on years ≤ ``split_year``, test on
later years): AUC, the Brier score :math:`\frac1n\sum(p_i - y_i)^2` and a calibration table,
beside two constant forecasts: ``brier_base`` (the training period's rate) and
``brier_test_base`` (the test period's own rate, :math:`\bar y(1-\bar y)`: the forecast to
beat — a model no better than it has learnt nothing the era does not already say).
The shipped coefficients are then refitted on all rows with the same *C*; their
uncertainty comes from a seeded bootstrap that resamples wars (clusters), refitting with
*C* and the scaler held fixed; prediction intervals are percentiles of
:math:`\sigma(\eta)` over the bootstrap draws. ``contributions`` are
:math:`\beta_j (x_j - \mu_j)/s_j`, the push of each feature away from the average pledge on
the log-odds scale.

References
----------
.. [1] Hastie, Tibshirani & Friedman. 2009. *The Elements of Statistical Learning*, 2nd
   ed., ch. 4.4 and 7.10. Springer. doi:10.1007/978-0-387-84858-7
.. [2] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.credibility.features import DATASETS, FEATURES, pledge_features
from foedus.errors import FoedusError

__all__ = ["FORMAT_VERSION", "FittedModel", "case_counts", "cases", "credibility", "fit",
           "fit_frame",
           "load", "log_odds_draws", "plot_calibration", "predict", "save"]

FORMAT_VERSION = 1
_CS = tuple(float(c) for c in np.logspace(-3, 3, 13))
_OPPORTUNITY_DATASETS = ("cow_wars", "midb")


@dataclass
class FittedModel:
    """A fitted credibility model: everything needed to predict and to cite it."""

    features: list[str]
    intercept: float
    coef: list[float]
    mean: list[float]
    scale: list[float]
    C: float
    draws: list[list[float]]  # bootstrap draws of [intercept, *coef]
    n: int
    n_positive: int
    window: list[int]
    split_year: int | None
    metrics: dict = field(default_factory=dict)
    calibration: list[dict] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    seed: int = 0
    bounds: list[list[float]] = field(default_factory=list)  # training [min, max] per feature
    format_version: int = FORMAT_VERSION

    def coefficients(self, level: float = 0.9) -> pd.DataFrame:
        """Coefficient (per standard deviation of the feature) with a bootstrap interval."""
        d = np.asarray(self.draws)[:, 1:]
        lo, hi = np.percentile(d, [50 * (1 - level), 50 * (1 + level)], axis=0)
        return pd.DataFrame({"feature": self.features, "coef": self.coef, "lower": lo,
                             "upper": hi, "se": d.std(axis=0, ddof=1)})


def _case_mask(opportunities: pd.DataFrame) -> dict[str, pd.Series]:
    """Each condition a case must meet, as a boolean mask over the rows."""
    opp = opportunities
    masks = {"observable": opp["honoured"].notna(),
             "casus_foederis_true": opp["casus_foederis"].map(lambda v: v is True)}
    if "counted" in opp:
        masks["counted"] = opp["counted"].astype(bool)
    for flag in ("ally_already_at_war", "intra_alliance"):
        if flag in opp:
            masks[f"not_{flag}"] = ~opp[flag].astype(bool)
    return masks


def cases(opportunities: pd.DataFrame) -> pd.DataFrame:
    """The opportunity rows the model learns from (see the module docstring): an observable
    outcome, a casus foederis that holds (rows whose casus foederis is None — undecidable
    from ATOP's coded conditions — are never evidence), one row per (war, partner, ally,
    kind) (``counted``: nested treaties and duplicate pledges once), the ally not already
    at war, and no attacker a member of the same treaty (``intra_alliance``)."""
    keep = pd.Series(True, index=opportunities.index)
    for mask in _case_mask(opportunities).values():
        keep &= mask
    return opportunities[keep]


def case_counts(opportunities: pd.DataFrame) -> dict[str, int]:
    """How many opportunity rows each condition of :func:`cases` removes, in order
    (``dropped_unobservable``, ``dropped_casus_foederis_not_true``, ``dropped_duplicate``,
    ``dropped_ally_already_at_war``, ``dropped_intra_alliance``), and how many ``cases``
    remain; ``casus_foederis_none`` counts the undecidable rows among those dropped."""
    labels = {"observable": "dropped_unobservable",
              "casus_foederis_true": "dropped_casus_foederis_not_true",
              "counted": "dropped_duplicate",
              "not_ally_already_at_war": "dropped_ally_already_at_war",
              "not_intra_alliance": "dropped_intra_alliance"}
    keep = pd.Series(True, index=opportunities.index)
    out = {"rows": len(opportunities)}
    for name, mask in _case_mask(opportunities).items():
        out[labels[name]] = int((keep & ~mask).sum())
        if name == "casus_foederis_true":
            out["casus_foederis_none"] = int((keep & opportunities["casus_foederis"].isna())
                                             .sum())
        keep &= mask
    out["cases"] = int(keep.sum())
    return out


def _fit_cv(x: np.ndarray, y: np.ndarray, seed: int, folds: int = 5):
    """Standardise, then pick C on the grid by stratified k-fold mean log loss (the
    equivalent of ``LogisticRegressionCV(scoring="neg_log_loss")``, written out so that its
    behaviour does not change with scikit-learn's deprecations); returns (scaler, C)."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    k = int(min(folds, np.bincount(y.astype(int), minlength=2).min()))
    if k < 2:
        raise FoedusError("The credibility model needs at least two honoured and two "
                          "unhonoured cases to fit.")
    z = scaler.transform(x)
    splits = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(z, y))
    loss = []
    for c in _CS:
        total = 0.0
        for train, test in splits:
            b = _fixed(z[train], y[train], c)
            total += log_loss(y[test], _sigmoid(b[0] + z[test] @ b[1:]), labels=[0, 1])
        loss.append(total / k)
    return scaler, _CS[int(np.argmin(loss))]


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(eta)


def _fixed(z: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=c, max_iter=10_000).fit(z, y)
    return np.concatenate([m.intercept_, m.coef_[0]])


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else None


def _calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return [{"bin_low": float(edges[b]), "bin_high": float(edges[b + 1]),
             "n": int((which == b).sum()), "mean_predicted": float(p[which == b].mean()),
             "observed": float(y[which == b].mean())}
            for b in range(bins) if (which == b).any()]


def fit_frame(features: pd.DataFrame, y, *, years=None, groups=None,
              split_year: int | None = 1945, seed: int = 0, n_boot: int = 200,
              provenance: dict | None = None) -> FittedModel:
    """Fit the model to a ready feature frame (the columns named in it are the features).

    ``years`` drives the time split (``None`` or ``split_year=None``: no out-of-sample
    test); ``groups`` (e.g. the war) are the bootstrap's clusters (default: rows).
    """
    names = [c for c in features.columns if c in FEATURES] or list(features.columns)
    x = features[names].to_numpy(dtype=float)
    y = np.asarray(y, dtype=int)
    metrics: dict = {}
    calibration: list[dict] = []
    if years is not None and split_year is not None:
        years = np.asarray(years)
        train, test = years <= split_year, years > split_year
        if train.sum() and test.sum():
            scaler, c_train = _fit_cv(x[train], y[train], seed)
            b = _fixed(scaler.transform(x[train]), y[train], c_train)
            p = _sigmoid(b[0] + scaler.transform(x[test]) @ b[1:])
            metrics = {"auc": _auc(y[test], p), "brier": float(np.mean((p - y[test]) ** 2)),
                       "brier_base": float(np.mean((y[train].mean() - y[test]) ** 2)),
                       "brier_test_base": float(np.mean((y[test].mean() - y[test]) ** 2)),
                       "n_train": int(train.sum()), "n_test": int(test.sum()),
                       "C_train": c_train,
                       "rate_train": float(y[train].mean()),
                       "rate_test": float(y[test].mean())}
            calibration = _calibration(y[test], p)
    scaler, c = _fit_cv(x, y, seed)
    z = scaler.transform(x)
    full = _fixed(z, y, c)
    rng = np.random.default_rng(seed)
    g = np.arange(len(y)) if groups is None else pd.factorize(np.asarray(groups))[0]
    members = pd.Series(np.arange(len(y))).groupby(g).indices
    ids = np.array(list(members))
    draws = []
    while len(draws) < n_boot:
        pick = rng.choice(ids, size=len(ids), replace=True)
        rows = np.concatenate([members[i] for i in pick])
        if len(np.unique(y[rows])) < 2:
            continue
        draws.append(_fixed(z[rows], y[rows], c).tolist())
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    return FittedModel(
        features=names, intercept=float(full[0]), coef=full[1:].tolist(),
        mean=scaler.mean_.tolist(), scale=scale.tolist(), C=c, draws=draws, n=len(y),
        n_positive=int(y.sum()),
        window=[] if years is None else [int(np.min(years)), int(np.max(years))],
        split_year=split_year, metrics=metrics, calibration=calibration,
        provenance=provenance or _provenance(()), seed=seed,
        bounds=np.column_stack([x.min(axis=0), x.max(axis=0)]).tolist())


def _provenance(names) -> dict:
    from foedus import __version__
    from foedus.data.registry import dataset

    out = []
    for n in dict.fromkeys(names):
        try:
            e = dataset(n)
        except Exception:  # a name the registry does not know: keep the name
            out.append({"name": n, "version": None, "sha256": None})
            continue
        out.append({"name": e.name, "version": e.version, "sha256": e.sha256})
    return {"datasets": out, "foedus_version": __version__}


def fit(opportunities: pd.DataFrame, system=None, *, split_year: int = 1945, seed: int = 0,
        n_boot: int = 200, source: str = "cow") -> FittedModel:
    """Fit the credibility model to opportunities (:func:`foedus.reliability.opportunities`).

    Parameters
    ----------
    opportunities
        Opportunity rows (``honoured``, ``casus_foederis``, ``year``, ``war`` and the
        columns :func:`pledge_features` reads).
    system
        The commitment system (default :meth:`CommitmentSystem.load`).
    split_year
        Train on years ≤ ``split_year`` and test on later ones for the reported skill.
    seed
        Seeds the cross-validation folds and the bootstrap.
    n_boot
        Bootstrap resamples (of wars) for the coefficient uncertainty.
    source
        The opportunity source, for provenance (``"cow"`` or ``"mid"``).
    """
    rows = cases(opportunities)
    x = pledge_features(rows, system)
    names = (*DATASETS, *(("cow_wars", "dyadic_war") if source == "cow" else ("midb",)))
    return fit_frame(x[list(FEATURES)], rows["honoured"].astype(bool).to_numpy(),
                     years=rows["year"].to_numpy(), groups=rows.get("war"),
                     split_year=split_year, seed=seed, n_boot=n_boot,
                     provenance={**_provenance(names), "source": source})


def predict(fitted: FittedModel, features: pd.DataFrame, *, level: float = 0.9
            ) -> pd.DataFrame:
    """Probability that each pledge is honoured, a bootstrap interval and contributions.

    Returns a frame indexed like ``features`` with ``probability`` in [0, 1], ``lower`` and
    ``upper`` (the central ``level`` interval of the bootstrap draws), ``outside_record``
    (the features whose value lies beyond the range seen in training: they are clipped to
    that range, so the model never extrapolates a linear log-odds term past its data —
    NATO's age of 75 years, say, counts as the oldest tested alliance) and one
    ``contrib_<feature>`` column per feature (log-odds, relative to the average pledge).
    """
    z, outside = _standardised(fitted, features)
    coef = np.asarray(fitted.coef)
    eta = fitted.intercept + z @ coef
    draws = np.asarray(fitted.draws)
    sims = _sigmoid(draws[:, :1] + draws[:, 1:] @ z.T)
    lo, hi = np.percentile(sims, [50 * (1 - level), 50 * (1 + level)], axis=0)
    out = pd.DataFrame({"probability": _sigmoid(eta), "lower": lo, "upper": hi,
                        "outside_record": outside}, index=features.index)
    contrib = pd.DataFrame(z * coef, columns=[f"contrib_{f}" for f in fitted.features],
                           index=features.index)
    return pd.concat([out, contrib], axis=1)


def _standardised(fitted: FittedModel, features: pd.DataFrame):
    """Standardised features, clipped to the training range, and the clipped names per row."""
    x = features[fitted.features].to_numpy(dtype=float)
    outside: list[list[str]] = [[] for _ in range(len(x))]
    if fitted.bounds:  # never extrapolate a feature beyond the record the model learnt from
        lo_b, hi_b = np.asarray(fitted.bounds).T
        beyond = (x < lo_b) | (x > hi_b)
        for i, j in zip(*np.nonzero(beyond), strict=True):
            outside[i].append(fitted.features[j])
        x = np.clip(x, lo_b, hi_b)
    return (x - np.asarray(fitted.mean)) / np.asarray(fitted.scale), outside


def log_odds_draws(fitted: FittedModel, features: pd.DataFrame) -> np.ndarray:
    """The log-odds of each pledge under every bootstrap draw of the coefficients.

    Returns an array of shape (draws, pledges): row *b* is
    :math:`\\beta^{(b)}_0 + z\\,\\beta^{(b)}` with the features standardised and clipped as in
    :func:`predict`. The crisis engine draws one row per Monte Carlo draw, so the model's
    coefficient uncertainty enters every simulated decision.
    """
    z, _ = _standardised(fitted, features)
    draws = np.asarray(fitted.draws)
    return draws[:, :1] + draws[:, 1:] @ z.T


def save(fitted: FittedModel, path: str | Path) -> Path:
    """Write the model as versioned JSON."""
    path = Path(path)
    path.write_text(json.dumps(asdict(fitted), indent=1, allow_nan=False) + "\n")
    return path


def load(path: str | Path | None = None) -> FittedModel:
    """Read a saved model (default: the coefficients shipped with foedus)."""
    if path is None:
        text = resources.files("foedus.credibility").joinpath("fitted.json").read_text()
    else:
        text = Path(path).read_text()
    data = json.loads(text)
    if data.get("format_version") != FORMAT_VERSION:
        raise FoedusError(f"Credibility model format {data.get('format_version')!r} is not "
                          f"the supported version {FORMAT_VERSION}; refit it with fit().")
    return FittedModel(**data)


def sha256(fitted: FittedModel) -> str:
    """The hash of the model's JSON (to cite a refit)."""
    return hashlib.sha256(json.dumps(asdict(fitted), sort_keys=True).encode()).hexdigest()


def plot_calibration(fitted: FittedModel, path: str | Path) -> Path:
    """Reliability diagram of the out-of-sample calibration table (PNG or SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not fitted.calibration:
        raise FoedusError("This model has no out-of-sample calibration table "
                          "(fitted without a time split).")
    cal = pd.DataFrame(fitted.calibration)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    ax.scatter(cal["mean_predicted"], cal["observed"], s=10 + 3 * cal["n"])
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted probability honoured",
           ylabel="observed share honoured",
           title=f"after {fitted.split_year}: AUC {fitted.metrics.get('auc') or float('nan'):.2f}"
                 f", Brier {fitted.metrics.get('brier', float('nan')):.3f}")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)


def credibility(ally: int, partner: int, as_of: dt.date | str, *,
                against: tuple[int, ...] | list[int] | None = None, system=None,
                fitted: FittedModel | None = None, top: int = 3) -> pd.DataFrame:
    """The probability that each pledge ``ally`` owes ``partner`` on ``as_of`` is honoured.

    Every obligation of the legal view binding ally → partner on the day is listed; the
    model scores defence, offence and neutrality pledges (the kinds whose keeping war
    participation reveals); consultation and non-aggression rows have null probabilities.
    ``against`` names hypothetical attackers (their discounted capability and nuclear
    status enter the features).

    Returns
    -------
    pandas.DataFrame
        ``treaty``, ``treaty_name``, ``obligation``, ``article``, ``kind``, ``probability``,
        ``lower``, ``upper`` (90 % bootstrap interval), ``up`` and ``down`` (the ``top``
        features pushing the probability up and down, as ``(feature, log-odds)`` pairs).
    """
    from foedus.model.system import CommitmentSystem

    day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    system = system or CommitmentSystem.load()
    fitted = fitted or load()
    snap = system.as_of(day, "legal")
    pledges = [p for p in snap.pledges(beneficiary=partner) if p.holder == ally]
    base = pd.DataFrame([{
        "treaty": p.treaty.id, "treaty_name": p.treaty.name, "obligation": p.obligation.id,
        "article": str(p.obligation.article), "kind": str(p.obligation.kind)}
        for p in pledges], columns=["treaty", "treaty_name", "obligation", "article", "kind"])
    cols = ["probability", "lower", "upper", "up", "down"]
    if base.empty:
        return base.assign(**{c: pd.Series(dtype=object) for c in cols})
    scored = base["kind"].isin(["defense", "offense", "neutrality"])
    result = base.assign(probability=np.nan, lower=np.nan, upper=np.nan, up=None, down=None,
                         outside_record=None)
    if scored.any():
        rows = base[scored].assign(ally=ally, target=partner, date=day,
                                   attackers=[tuple(against or ())] * int(scored.sum()))
        pred = predict(fitted, pledge_features(rows, system))
        contrib = pred.filter(like="contrib_").rename(columns=lambda c: c[8:])
        for i in pred.index:
            s = contrib.loc[i].sort_values()
            result.loc[i, ["probability", "lower", "upper"]] = pred.loc[
                i, ["probability", "lower", "upper"]].to_numpy(dtype=float)
            result.at[i, "outside_record"] = pred.at[i, "outside_record"]
            result.at[i, "up"] = [(k, round(float(v), 3)) for k, v in s[::-1].items()
                                  if v > 0][:top]
            result.at[i, "down"] = [(k, round(float(v), 3)) for k, v in s.items()
                                    if v < 0][:top]
    return result


def score_answer(answer, system=None, fitted: FittedModel | None = None) -> pd.DataFrame:
    """The probability that each obligation of an obligations answer is honoured.

    One row per bound obligation of ``answer`` (:func:`foedus.query.obligations`), in order,
    with ``probability``, ``lower``, ``upper`` and ``outside_record``; consultation rows are
    null (their keeping is not observable in wars). The answer's state attackers are the
    hypothetical attackers.
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
                        "outside_record": [[] for _ in range(len(rows))]})
    scored = rows["kind"].isin(["defense", "offense", "neutrality"]).to_numpy()
    if scored.any():
        pred = predict(fitted, pledge_features(rows[scored], system))
        out.loc[scored, ["probability", "lower", "upper"]] = pred[
            ["probability", "lower", "upper"]].to_numpy()
        for i, extra in zip(np.nonzero(scored)[0], pred["outside_record"], strict=True):
            out.at[i, "outside_record"] = extra
    return out
