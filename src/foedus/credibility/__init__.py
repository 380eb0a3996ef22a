"""Credibility: the probability that an alliance pledge is honoured (DESIGN §4).

``pledge_features`` describes pledges, ``fit`` learns from the opportunities of
:func:`foedus.reliability.opportunities` (a hierarchical logit, cross-validated by war and
by treaty against constant forecasts), ``predict`` and ``log_odds_draws`` score feature
rows with the posterior draws, ``support`` says how much of the record stands behind each,
and ``credibility`` scores every pledge one state owes another on a date, with the shipped
model (``load()``) or a refit; ``credibility_answer`` is the same as a typed answer
(``foedus credibility --json``).

The typed answers (:mod:`foedus.credibility.answer`, :mod:`foedus.credibility.answers`)
are imported on first use (issue 17: the crisis compile scores pledges without them).
"""

from foedus._lazy import lazy_attributes
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

_LAZY = {"CredibilityAnswer": "answer", "credibility_answer": "answer",
         "credibility": "answers", "plot_calibration": "answers", "score_answer": "answers"}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
