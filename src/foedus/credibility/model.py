r"""The credibility model: the probability that a pledge is honoured (DESIGN §4).

**Cases.** The opportunities of Leeds, Long & Mitchell [1]_
(:func:`foedus.reliability.opportunities`), one per ally–partner–war: an observable outcome
(``honoured`` not None: allies already at war, or that the war file cannot record, are no
test), a casus foederis that holds (rows whose casus foederis is None are never evidence),
counted once across nested treaties (``counted``), the ally not already at war, and no
attacker a member of the same treaty (``intra_alliance``: the model is about pledges
against outsiders). :func:`case_counts` says how many rows each condition removes.

**Two specifications, fixed before any held-out score was seen** (issue 15; both with
random intercepts for treaty, war and ally, :mod:`foedus.credibility.hierarchical`):

- ``literature``: the covariates of :data:`foedus.credibility.features.FEATURES`, each
  from the literature on alliance reliability, standardised (mean 0, SD 1 over the cases);
- ``pooled_rate``: no covariates; a partially pooled intercept per era × obligation kind
  (a random effect of the six cells) — the rate for the pledge's era and kind.

**Which ships.** Both are cross-validated by grouped 10-fold CV, once by war and once by
treaty (:mod:`foedus.credibility.validation`). ``literature`` ships only if its pooled
held-out log score *and* Brier score beat a constant forecast at each held-out fold's own
base rate in *both* schemes; otherwise ``pooled_rate`` ships. The rule was written before
the scores were computed and is not tuned to pass; ``shipped_because`` says how it went.
The shipped specification is then sampled by NUTS on all cases; its posterior draws (not a
bootstrap) are what :func:`predict` and :func:`log_odds_draws` use.

**A new pledge.** Its log-odds in draw *b* is :math:`\alpha_b + z^\top\beta_b` plus, for
each factor, the posterior effect of its level when the record has one (the treaty, the
ally, the cell), else :math:`\sigma_{g,b}\,\varepsilon` with :math:`\varepsilon \sim
\mathcal N(0,1)` drawn once per level and draw (seeded by the level's name: the same
pledge gets the same draws in every call). The war is always new, and one hypothetical war
per draw is shared by the pledges scored together (one crisis). Features beyond the range
of the cases are clipped to it (``outside_record``).

**Support.** Beside every probability, the number of cases with the pledge's obligation
kind, era and casus-foederis class (:func:`foedus.credibility.features.cf_class`). None —
an in-area armed attack on a NATO member: no location-conditioned defence pledge was ever
decidable in 1945-2003, ATOP records no place — and the interval is the prior's and the
between-treaty and between-war spread's, not history's verdict: the answer says so.

References
----------
.. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from foedus._lazy import pandas as pd
from foedus.atomic import write_atomic
from foedus.credibility.cases import case_counts, cases, with_original_target
from foedus.credibility.features import DATASETS, FEATURES, pledge_features
from foedus.errors import DataFormatError, FitError

__all__ = ["FACTORS", "FORMAT_VERSION", "SPECS", "FittedModel", "case_counts", "cases",
           "fit", "fit_frame", "load", "log_odds_draws", "predict", "save", "support"]

FORMAT_VERSION = 2
#: The fixed-effect covariates of each specification.
SPECS = {"literature": FEATURES, "pooled_rate": ()}
#: The random intercepts of each specification.
FACTORS = {"literature": ("treaty", "war", "ally"),
           "pooled_rate": ("cell", "treaty", "war", "ally")}
SCORED_KINDS = ("defense", "offense", "neutrality")
_NEW_WAR = "new war"


@dataclass
class FittedModel:
    """A fitted credibility model: posterior draws, validation, support and provenance."""

    spec: str
    shipped_because: str
    features: list[str]
    mean: list[float]
    scale: list[float]
    bounds: list[list[float]]
    draws: list[list[float]]      # posterior draws of [alpha, *beta]
    factors: dict                 # g → {"sd": [S], "levels": [...], "effects": [[S × L]]}
    n: int
    n_positive: int
    window: list[int]
    metrics: dict = field(default_factory=dict)
    validation: dict = field(default_factory=dict)
    calibration: list[dict] = field(default_factory=list)
    coefficients_literature: list[dict] = field(default_factory=list)
    support_table: list[dict] = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)
    provenance: dict = field(default_factory=dict)
    seed: int = 0
    format_version: int = FORMAT_VERSION

    def coefficients(self, level: float = 0.9) -> pd.DataFrame:
        """Posterior mean, central ``level`` interval and SD of each shipped slope (per
        standard deviation of the feature), then each factor's SD."""
        d = np.asarray(self.draws)
        cols = {"feature": list(self.features), "coef": d[:, 1:].mean(axis=0).tolist(),
                "lower": np.percentile(d[:, 1:], 50 * (1 - level), axis=0).tolist(),
                "upper": np.percentile(d[:, 1:], 50 * (1 + level), axis=0).tolist(),
                "se": d[:, 1:].std(axis=0, ddof=1).tolist()}
        for name, vals in [("(intercept)", d[:, 0])] + [
                (f"sd({g})", np.asarray(f["sd"])) for g, f in self.factors.items()]:
            cols["feature"].append(name)
            cols["coef"].append(float(vals.mean()))
            cols["lower"].append(float(np.percentile(vals, 50 * (1 - level))))
            cols["upper"].append(float(np.percentile(vals, 50 * (1 + level))))
            cols["se"].append(float(vals.std(ddof=1)))
        return pd.DataFrame(cols)


def _labels(g: str, features) -> np.ndarray:
    """The level of factor ``g`` of each row (the war of a new pledge is a new war);
    ``features`` a frame or a mapping of column arrays (:func:`pledge_feature_columns`)."""
    if g == "treaty":
        return np.asarray(features["treaty_level"]).astype(str)
    if g == "ally":
        return np.asarray(features["ally"]).astype(int).astype(str)
    if g == "cell":
        era = np.asarray(features["era"]).astype(str)
        kind = np.asarray(features["kind"]).astype(str)
        return np.array([f"{e}|{k}" for e, k in zip(era, kind, strict=True)], dtype=object
                        ) if len(era) else np.zeros(0, dtype=object)
    if g == "war":
        return np.asarray(features["war"]).astype(str) if "war" in features else \
            np.full(_length(features), _NEW_WAR)
    raise ValueError(f"unknown factor {g!r}")


def _length(features) -> int:
    """Rows of a frame or of a mapping of column arrays."""
    if hasattr(features, "index"):
        return len(features)
    return len(next(iter(features.values()))) if len(features) else 0


def _design(spec: str, features: pd.DataFrame, y, war):
    """The design of ``spec`` over training features, with its standardisation."""
    from foedus.credibility.hierarchical import Design

    names = [f for f in SPECS[spec] if f in features]
    x = features[names].to_numpy(dtype=float)
    mean = x.mean(axis=0) if names else np.zeros(0)
    scale = x.std(axis=0) if names else np.zeros(0)
    scale = np.where(scale > 0, scale, 1.0)
    frame = features.assign(war=np.asarray(war).astype(str))
    factors, levels = {}, {}
    for g in FACTORS[spec]:
        codes, uniques = pd.factorize(pd.Series(_labels(g, frame)), sort=True)
        factors[g], levels[g] = codes, [str(u) for u in uniques]
    design = Design(x=(x - mean) / scale, factors=factors, levels=levels,
                    y=np.asarray(y, dtype=int))
    bounds = np.column_stack([x.min(axis=0), x.max(axis=0)]) if names else np.zeros((0, 2))
    return design, names, mean, scale, bounds


_SUPPORT_KEYS = ["kind", "era", "cf_class", "treaty_level", "war"]


def _support_table(features: pd.DataFrame, y, war) -> list[dict]:
    t = features[_SUPPORT_KEYS[:-1]].assign(war=np.asarray(war).astype(str),
                                           y=np.asarray(y, int))
    return [{**dict(zip(_SUPPORT_KEYS, key, strict=True)), "n": len(g),
             "honoured": int(g["y"].sum())} for key, g in t.groupby(_SUPPORT_KEYS)]


def _summary(post, names: list[str], source: str) -> list[dict]:
    beta = post.beta
    return [{"feature": f, "mean": float(beta[:, j].mean()),
             "lower": float(np.percentile(beta[:, j], 5)),
             "upper": float(np.percentile(beta[:, j], 95)), "posterior": source}
            for j, f in enumerate(names)]


def _strip(report: dict) -> dict:
    return {s: {k: v for k, v in r.items() if k != "predictions"} for s, r in report.items()}


def fit_frame(features: pd.DataFrame, y, *, war, seed: int = 0, folds: int = 10,
              steps: int = 3000, warmup: int = 1000, samples: int = 1000, chains: int = 2,
              keep: int = 400, provenance: dict | None = None,
              progress: Callable[[str], None] | None = None,
              sampler: str = "nuts") -> FittedModel:
    """Cross-validate both specifications, choose, and sample the shipped one.

    Parameters
    ----------
    features
        :func:`pledge_features` of the cases (the features and bookkeeping columns).
    y
        Honoured (0/1) per case.
    war
        The war of each case (its random-effect level and cross-validation group).
    seed
        Seeds the folds' optimiser and the sampler.
    folds, steps
        Grouped folds per scheme and ADVI steps per fold.
    warmup, samples, chains
        The NUTS run of the shipped specification.
    keep
        Posterior draws kept (thinned evenly) for prediction.
    provenance
        The data the cases came from.
    progress
        Called with a line of text before each stage (for a progress display).
    sampler
        ``"nuts"`` (the shipped fit) or ``"advi"``: the chosen specification's posterior is
        the mean-field ADVI fit of all cases the cross-validation already made (the
        approximate fit the issue allows inside the folds of an out-of-sample backtest,
        :func:`foedus.crisis.validate.joins`); ``warmup``, ``samples`` and ``chains`` are
        then unused.

    Returns
    -------
    FittedModel

    Raises
    ------
    FitError
        Fewer than two honoured or two broken cases.
    """
    from foedus.credibility.hierarchical import fit_nuts
    from foedus.credibility.validation import beats

    say = progress or (lambda _: None)
    if sampler not in ("nuts", "advi"):
        raise ValueError(f"sampler must be 'nuts' or 'advi', not {sampler!r}")
    y = np.asarray(y, dtype=int)
    if min(y.sum(), len(y) - y.sum()) < 2:
        raise FitError("The credibility model needs at least two honoured and two "
                       f"broken cases; got {int(y.sum())} of {len(y)} honoured.")
    era = features["era"].to_numpy()
    groups = {"war": np.asarray(war).astype(str),
              "treaty": features["treaty_level"].astype(str).to_numpy()}
    from foedus.credibility.validation import cross_validate

    reports, fulls = {}, {}
    t0 = time.perf_counter()
    for spec in SPECS:
        say(f"cross-validating {spec} ({folds} folds by war, then by treaty)")
        design = _design(spec, features, y, war)[0]
        reports[spec], fulls[spec] = cross_validate(design, era, groups, k=folds, seed=seed,
                                                    steps=steps, extra_full=True)
    cv_seconds = time.perf_counter() - t0
    ok, lines = beats(reports["literature"])
    spec = "literature" if ok else "pooled_rate"
    because = ("literature model beats the constant at each held-out fold's own base rate "
               "in log score and Brier score, by war and by treaty: " if ok else
               "literature model does not beat the constant at each held-out fold's own "
               "base rate in both log score and Brier score, by war and by treaty, so the "
               "partially pooled rate for the pledge's era and kind ships: ") + "; ".join(lines)
    design, names, mean, scale, bounds = _design(spec, features, y, war)
    t1 = time.perf_counter()
    if sampler == "advi":
        say(f"the {spec} posterior: the ADVI fit of all cases")
        post = fulls[spec]
    else:
        say(f"sampling the {spec} posterior (NUTS, {chains} chains × {samples})")
        post = fit_nuts(design, seed=seed, warmup=warmup, samples=samples, chains=chains)
    nuts_seconds = time.perf_counter() - t1
    pick = np.linspace(0, len(post.alpha) - 1, min(keep, len(post.alpha))).round().astype(int)
    draws = np.column_stack([post.alpha, post.beta])[pick]
    factors = {}
    for g in design.factors:
        sd = post.sd[g][pick]
        entry = {"sd": np.round(sd, 5).tolist()}
        if g != "war":  # a new pledge meets a new war: no war's own effect is needed
            entry["levels"] = design.levels[g]
            entry["effects"] = np.round(sd[:, None] * post.z[g][pick], 5).tolist()
        factors[g] = entry
    lit_post = post if spec == "literature" else fulls["literature"]
    lit_names = _design("literature", features, y, war)[1]
    shipped = reports[spec]
    years = features.get("cinc_year_ally")
    return FittedModel(
        spec=spec, shipped_because=because, features=names, mean=mean.tolist(),
        scale=scale.tolist(), bounds=bounds.tolist(), draws=np.round(draws, 5).tolist(),
        factors=factors, n=len(y), n_positive=int(y.sum()),
        window=[] if years is None else [int(np.nanmin(years)), int(np.nanmax(years))],
        metrics={"spec": spec, "beats_fold_rate": ok,
                 "war": shipped["war"]["scores"], "treaty": shipped["treaty"]["scores"]},
        validation={s: _strip(r) for s, r in reports.items()},
        calibration=shipped["war"]["calibration"],
        coefficients_literature=_summary(lit_post, lit_names, "NUTS" if (
            spec == "literature" and sampler == "nuts") else "ADVI (all cases)"),
        support_table=_support_table(features, y, war),
        diagnostics={**post.diagnostics, "kept_draws": len(pick),
                     "cv_seconds": round(cv_seconds, 1), "nuts_seconds": round(nuts_seconds, 1),
                     "folds": folds, "advi_steps": steps},
        provenance=provenance or _provenance(()), seed=seed)


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


def fit(opportunities: pd.DataFrame, system=None, *, seed: int = 0, source: str = "cow",
        **options) -> FittedModel:
    """Fit the credibility model to opportunities (:func:`foedus.reliability.opportunities`).

    Parameters
    ----------
    opportunities
        Opportunity rows (``honoured``, ``casus_foederis``, ``year``, ``war`` and the
        columns :func:`pledge_features` reads).
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).
    seed
        Seeds the cross-validation fits and the sampler.
    source
        The opportunity source, for provenance (``"cow"`` or ``"mid"``).
    **options
        Passed to :func:`fit_frame` (``folds``, ``steps``, ``warmup``, ``samples``,
        ``chains``, ``keep``, ``progress``).

    Returns
    -------
    FittedModel
    """
    rows = with_original_target(cases(opportunities))
    x = pledge_features(rows, system)
    names = (*DATASETS, *(("cow_wars", "dyadic_war", "cow_states") if source == "cow"
                          else ("midb",)))
    return fit_frame(x, rows["honoured"].astype(bool).to_numpy(), war=rows["war"].to_numpy(),
                     seed=seed, provenance={**_provenance(names), "source": source}, **options)


def _standardised(fitted: FittedModel, features):
    """Standardised features, clipped to the training range, and the clipped names per row
    (``features`` a frame or a mapping of column arrays)."""
    if not fitted.features:
        x = np.zeros((_length(features), 0))
    elif hasattr(features, "to_numpy"):
        x = features[fitted.features].to_numpy(dtype=float)
    else:  # column-major, as a frame's float block gives it (the same matrix products)
        x = np.asfortranarray(np.column_stack([np.asarray(features[f], dtype=float)
                                               for f in fitted.features]))
    outside: list[list[str]] = [[] for _ in range(len(x))]
    if len(fitted.bounds):  # never extrapolate a feature beyond the record it was learnt on
        lo_b, hi_b = np.asarray(fitted.bounds).T
        beyond = (x < lo_b) | (x > hi_b)
        for i, j in zip(*np.nonzero(beyond), strict=True):
            outside[i].append(fitted.features[j])
        x = np.clip(x, lo_b, hi_b)
    return (x - np.asarray(fitted.mean)) / np.asarray(fitted.scale), outside


#: Replicates of the new levels' draws behind :func:`predict`'s mean and interval.
PREDICT_REPLICATES = 25


def _new_level(fitted: FittedModel, g: str, label: str, size: int, replicate: int = 0
               ) -> np.ndarray:
    """Standard normal draws for an unseen level, the same in every call."""
    key = zlib.crc32(f"{g}:{label}".encode())
    seed = [int(fitted.seed), key] + ([replicate] if replicate else [])
    return np.random.default_rng(seed).standard_normal(size)


def log_odds_draws(fitted: FittedModel, features, *, replicates: int = 1) -> np.ndarray:
    r"""The log-odds of each pledge under every posterior draw, shape (draws, pledges).

    Row *b* is :math:`\alpha_b + z\,\beta_b` (features standardised and clipped as in
    :func:`predict`) plus each factor's effect: the posterior effect of a level in the
    record, a seeded draw from the factor's distribution for a new one; the war is new and
    shared by the pledges of a row (module docstring). The crisis engine draws one row per
    Monte Carlo draw, so the model's uncertainty enters every simulated decision.

    ``replicates`` > 1 stacks that many copies of the draws, each with its own draws of the
    new levels (shape (draws × replicates, pledges)): the predictive distribution of a
    pledge with no record is mostly the new levels' spread, and its tails need more than
    one draw of them per posterior draw.
    """
    z, _ = _standardised(fitted, features)
    d = np.asarray(fitted.draws)
    base = d[:, :1] + (d[:, 1:] @ z.T if z.shape[1] else 0.0) + np.zeros((len(d), len(z)))
    out = []
    for r in range(replicates):
        eta = base.copy() if replicates > 1 else base  # one replicate: added to in place
        for g, f in fitted.factors.items():
            # one gather per factor: each pledge's level effect, one addition per pledge
            labels, where = np.unique(_labels(g, features), return_inverse=True)
            sd = np.asarray(f["sd"])
            seen = {lv: i for i, lv in enumerate(f.get("levels", ()))}
            effects = np.asarray(f["effects"]) if "effects" in f else None
            level = np.empty((len(d), len(labels)))
            for j, label in enumerate(labels):
                level[:, j] = effects[:, seen[label]] if label in seen else \
                    sd * _new_level(fitted, g, label, len(sd), r)
            eta += level[:, where.ravel()]
        out.append(eta)
    return np.vstack(out) if replicates > 1 else out[0]


def predict(fitted: FittedModel, features: pd.DataFrame, *, level: float = 0.9
            ) -> pd.DataFrame:
    """Probability that each pledge is honoured, its posterior interval and contributions.

    Returns a frame indexed like ``features`` with ``probability`` (the posterior
    predictive mean), ``lower`` and ``upper`` (the central ``level`` interval), both over
    :data:`PREDICT_REPLICATES` replicates of the draws (:func:`log_odds_draws`),
    ``outside_record`` (features beyond the cases' range, clipped to it) and one
    ``contrib_<feature>`` column per covariate (posterior-mean slope × standardised value:
    the push away from the average case, in log-odds).
    """
    from scipy.special import expit

    p = expit(log_odds_draws(fitted, features, replicates=PREDICT_REPLICATES))
    lo, hi = np.percentile(p, [50 * (1 - level), 50 * (1 + level)], axis=0)
    z, outside = _standardised(fitted, features)
    out = pd.DataFrame({"probability": p.mean(axis=0), "lower": lo, "upper": hi,
                        "outside_record": outside}, index=features.index)
    coef = np.asarray(fitted.draws)[:, 1:].mean(axis=0)
    contrib = pd.DataFrame(z * coef, columns=[f"contrib_{f}" for f in fitted.features],
                           index=features.index)
    return pd.concat([out, contrib], axis=1)


def support(fitted: FittedModel, features: pd.DataFrame) -> list[dict]:
    """The record behind each pledge (one dict per row of ``features``).

    ``cases`` (and ``honoured``, ``treaties``, ``wars``): the cases with the pledge's
    obligation kind, era and casus-foederis class; ``cases_kind_era``: with its kind and
    era; ``cases_treaty``: of its treaty; ``prior_dominated`` when ``cases`` is 0; ``note``,
    a sentence saying so.
    """
    table = pd.DataFrame(fitted.support_table, columns=[*_SUPPORT_KEYS, "n", "honoured"])
    out = []
    for kind, era, cls, tl in zip(features["kind"], features["era"], features["cf_class"],
                                  features["treaty_level"], strict=True):
        same = table[(table["kind"] == kind) & (table["era"] == era)]
        profile = same[same["cf_class"] == cls]
        n, n_ke = int(profile["n"].sum()), int(same["n"].sum())
        n_t = int(table.loc[table["treaty_level"] == tl, "n"].sum())
        treaties, wars = profile["treaty_level"].nunique(), profile["war"].nunique()
        honoured = int(profile["honoured"].sum())
        note = (f"{n} case{'s' if n != 1 else ''} of {kind} pledges {era} conditioned "
                f"'{cls}', {honoured} honoured, from {treaties} "
                f"treat{'y' if treaties == 1 else 'ies'} and {wars} war{'' if wars == 1 else 's'}")
        if n == 0:
            note = (f"no case in the record of a {kind} pledge {era} conditioned '{cls}' "
                    f"(of {n_ke} {kind} cases {era}): the interval is the prior's and the "
                    "spread between treaties and wars, not history's verdict")
        out.append({"kind": kind, "era": era, "cf_class": cls, "cases": n,
                    "honoured": honoured, "treaties": int(treaties), "wars": int(wars),
                    "cases_kind_era": n_ke, "cases_treaty": n_t, "prior_dominated": n == 0,
                    "note": note})
    return out


def save(fitted: FittedModel, path: str | Path) -> Path:
    """Write the model as versioned JSON, atomically (:func:`foedus.atomic.write_atomic`:
    on a failure the old file is left as it was; a one-line ``WriteError``)."""
    path = Path(path)
    write_atomic(path, (json.dumps(asdict(fitted), separators=(",", ":"), allow_nan=False)
                        + "\n").encode("utf-8"))
    return path


def load(path: str | Path | None = None) -> FittedModel:
    """Read a saved model (default: the model shipped with foedus).

    Raises
    ------
    DataFormatError
        A file of another format version.
    """
    if path is None:
        text = resources.files("foedus.credibility").joinpath("fitted.json").read_text()
    else:
        text = Path(path).read_text()
    data = json.loads(text)
    if data.get("format_version") != FORMAT_VERSION:
        raise DataFormatError(f"Credibility model format {data.get('format_version')!r} is "
                              f"not the supported version {FORMAT_VERSION}; refit it with "
                              "`foedus credibility fit --out FILE`.")
    return FittedModel(**data)


def sha256(fitted: FittedModel) -> str:
    """The hash of the model's JSON (to cite a refit)."""
    return hashlib.sha256(json.dumps(asdict(fitted), sort_keys=True).encode()).hexdigest()


def as_of_day(as_of: dt.date | str) -> dt.date:
    """A date from a date or an ISO string."""
    return dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
