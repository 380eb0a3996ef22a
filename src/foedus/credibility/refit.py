"""The typed answer of ``foedus credibility fit``: the credibility model refitted.

:func:`credibility_fit` builds the opportunities, refits the model
(:func:`foedus.credibility.model.fit`: grouped cross-validation of both specifications
beside constant forecasts, the choice of the one that ships, its NUTS posterior), writes
the calibration plot and the fitted model when asked, and returns a
:class:`CredibilityFitAnswer`; ``.to_json()`` is the exact object
``foedus credibility fit --json`` prints (DESIGN §7). The command line renders it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from foedus.answer import TypedAnswer
from foedus.provenance import Provenance

__all__ = ["CalibrationBin", "Coefficient", "CredibilityFitAnswer", "credibility_fit"]

Spec = Literal["literature", "pooled_rate"]


class CalibrationBin(TypedAnswer):
    """One bin of the held-out calibration table: mean prediction against the share
    honoured."""

    bin_low: float = Field(ge=0, le=1)
    bin_high: float = Field(ge=0, le=1)
    n: int = Field(ge=1)
    mean_predicted: float = Field(ge=0, le=1)
    observed: float = Field(ge=0, le=1)


class Coefficient(TypedAnswer):
    """A slope of the shipped specification (per SD of its feature), the intercept or a
    factor's SD: posterior mean, 90% interval and SD."""

    feature: str
    coef: float
    lower: float
    upper: float
    se: float


class CredibilityFitAnswer(TypedAnswer):
    """``foedus credibility fit --json``: grouped 10-fold cross-validation by war and by
    treaty of both specifications (literature covariates; the partially pooled era × kind
    rate) with log score, Brier and AUC overall and per era beside constant forecasts,
    which specification ships and why, its calibration, its NUTS posterior and
    diagnostics."""

    cases: dict[str, int] = Field(description="opportunity rows, the cases kept and "
                                  "why the others were dropped")
    shipped: Spec
    shipped_because: str
    metrics: dict[str, Any] = Field(description="the shipped specification's scores "
                                    "(spec, beats_fold_rate, war, treaty)")
    validation: dict[str, Any] = Field(description="specification → scheme (war, treaty) "
                                       "→ folds, groups, scores, calibration")
    calibration: list[CalibrationBin]
    coefficients: list[Coefficient]
    coefficients_literature: list[dict[str, Any]] = Field(
        description="the literature covariates' posterior (feature, mean, lower, upper, "
        "posterior)")
    diagnostics: dict[str, Any] = Field(description="sampler, r_hat_max, ess_min, "
                                        "divergences, kept_draws and the wall time, seconds")
    plots: list[str]
    saved: str | None
    provenance: Provenance


def credibility_fit(*, source: Literal["cow", "mid"] = "cow", seed: int = 0,
                    plot: str | Path | None = None, out: str | Path | None = None,
                    progress: Callable[[str], None] | None = None,
                    **options: int) -> CredibilityFitAnswer:
    """Refit the credibility model on the war record.

    Parameters
    ----------
    source
        The opportunities: ``"cow"`` (COW wars) or ``"mid"`` (MIDs).
    seed
        Seeds the cross-validation fits and the sampler (≥ 0).
    plot
        A folder to write the calibration plot into (``calibration.png``).
    out
        Save the fitted model here (JSON; default: not saved).
    progress
        Called with a line of text before each stage.
    **options
        Passed to :func:`foedus.credibility.model.fit_frame` (``folds``, ``steps``,
        ``warmup``, ``samples``, ``chains``, ``keep``): smaller values for a quick look.

    Returns
    -------
    CredibilityFitAnswer
        Scores, the shipped specification, calibration bins in [0, 1], the posterior and
        its diagnostics; ``.to_json()`` is ``foedus credibility fit --json``.

    Raises
    ------
    FitError
        Fewer than two honoured or two broken cases.
    FoedusError
        When the store is missing or ``out`` cannot be written.

    References
    ----------
    Leeds, B. A., Long, A. G., & Mitchell, S. M. (2000). Reevaluating alliance
    reliability: specific threats, specific promises. Journal of Conflict Resolution,
    44(5), 686–699. doi:10.1177/0022002700044005006.
    """
    from foedus.credibility import case_counts, fit, plot_calibration, save
    from foedus.data.loaders import load_system
    from foedus.provenance import provenance
    from foedus.reliability import opportunities

    say = progress or (lambda _: None)
    start = time.perf_counter()
    system = load_system()
    opp = opportunities(system, source=source)
    counts = case_counts(opp)
    say("features")
    fitted = fit(opp, system, seed=seed, source=source, progress=say, **options)
    seconds = time.perf_counter() - start
    paths = []
    if plot is not None:
        Path(plot).mkdir(parents=True, exist_ok=True)
        paths.append(str(plot_calibration(fitted, Path(plot) / "calibration.png")))
    if out is not None:
        save(fitted, out)
    names = [d["name"] for d in fitted.provenance.get("datasets", []) if d.get("sha256")]
    return CredibilityFitAnswer.model_validate({
        "cases": counts, "shipped": fitted.spec, "shipped_because": fitted.shipped_because,
        "metrics": fitted.metrics, "validation": fitted.validation,
        "calibration": fitted.calibration,
        "coefficients": fitted.coefficients().to_dict("records"),
        "coefficients_literature": fitted.coefficients_literature,
        "diagnostics": {**fitted.diagnostics, "seconds": round(seconds, 1)},
        "plots": paths, "saved": str(out) if out else None,
        "provenance": provenance(names, view="atop")})
