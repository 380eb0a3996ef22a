"""Credibility: the probability that an alliance pledge is honoured (DESIGN §4).

``pledge_features`` describes pledges, ``fit`` learns from the opportunities of
:func:`foedus.reliability.opportunities`, ``predict`` scores feature rows and
``credibility`` scores every pledge one state owes another on a date, with the shipped
coefficients (``load()``) or a refit.
"""

from foedus.credibility.features import FEATURES, nuclear_states, pledge_features
from foedus.credibility.model import (
    FittedModel,
    case_counts,
    cases,
    credibility,
    fit,
    fit_frame,
    load,
    log_odds_draws,
    plot_calibration,
    predict,
    save,
    score_answer,
)

__all__ = [
    "FEATURES",
    "FittedModel",
    "case_counts",
    "cases",
    "credibility",
    "fit",
    "fit_frame",
    "load",
    "log_odds_draws",
    "nuclear_states",
    "pledge_features",
    "plot_calibration",
    "predict",
    "save",
    "score_answer",
]
