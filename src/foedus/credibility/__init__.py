"""Credibility: the probability that an alliance pledge is honoured (DESIGN §4).

``pledge_features`` describes pledges, ``fit`` learns from the opportunities of
:func:`foedus.reliability.opportunities` (a hierarchical logit, cross-validated by war and
by treaty against constant forecasts), ``predict`` and ``log_odds_draws`` score feature
rows with the posterior draws, ``support`` says how much of the record stands behind each,
and ``credibility`` scores every pledge one state owes another on a date, with the shipped
model (``load()``) or a refit; ``credibility_answer`` is the same as a typed answer
(``foedus credibility --json``).
"""

from foedus.credibility.answer import CredibilityAnswer, credibility_answer
from foedus.credibility.answers import credibility, plot_calibration, score_answer
from foedus.credibility.features import FEATURES, cf_class, nuclear_states, pledge_features
from foedus.credibility.model import (
    FittedModel,
    case_counts,
    cases,
    fit,
    fit_frame,
    load,
    log_odds_draws,
    predict,
    save,
    support,
)

__all__ = [
    "FEATURES",
    "CredibilityAnswer",
    "FittedModel",
    "case_counts",
    "cases",
    "cf_class",
    "credibility",
    "credibility_answer",
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
    "support",
]
