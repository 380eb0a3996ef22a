"""``foedus crisis fit``: every estimated parameter of the crisis engine, from history.

The parts (each documented where it lives):

1. the reach of strikes and *q* from the COW war record (:mod:`foedus.crisis.history`);
2. the informal commitments' join probability (:mod:`foedus.crisis.informal`);
3. the challenger's decision parameters from the ICB crises (:mod:`foedus.crisis.icb`):
   the war cost, the nuclear cost, the random-utility scale and the nuclear term;
4. the crisis-opportunity layer of general deterrence (:mod:`foedus.crisis.general`).

The result is the object of ``crisis/fitted.json`` (:mod:`foedus.crisis.fitted`), with the
hashes of the data it rests on.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from foedus.crisis.fitted import ENGINE_VERSION, ESTIMATED, FORMAT_VERSION, PRIORS

__all__ = ["DATASETS", "fit_history", "prior_decision"]

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
