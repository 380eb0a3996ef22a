"""The crisis engine's estimated parameters (``crisis/fitted.json``) and their priors.

``fitted.json`` holds, with the hashes of the data they come from:

- ``decision``: the challenger's choice (:mod:`foedus.crisis.decision`): the war cost *c*,
  the nuclear costs N_ext (``nuclear_cost``, the protectors') and N_own
  (``nuclear_cost_own``, the target's own weapons), the random-utility scale σ and the
  nuclear term λ, fitted to the ICB crises (:mod:`foedus.crisis.fit`), each with its
  standard deviation, the number of cases that inform it and its source (``icb`` or,
  when too few cases inform it, ``prior``), and joint draws (a Laplace approximation)
  that carry their uncertainty into every verdict; the ranges of the challenger's
  private value and cost tolerance;
- ``escalation``: *q*, from the war record (:func:`foedus.crisis.history.fit_escalation`);
- ``reach``: the strike and strike-back models (:func:`foedus.crisis.history.fit_reach`);
- ``informal``: the informal commitments' join probability (:mod:`foedus.crisis.informal`);
- ``opportunity``: the general-deterrence layer's crisis-opportunity model, when fitted.

:data:`PRIORS` states every prior; a scenario's own value of a parameter always wins.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from foedus.atomic import write_atomic
from foedus.errors import FoedusError

__all__ = ["ENGINE_VERSION", "FORMAT_VERSION", "PRIORS", "WORLDS_VERSION",
           "decision_defaults", "decision_draws", "load", "save", "sha256",
           "validated_sha256"]

#: The engine's version: 2 decides ex ante over the types (``p_deterred`` changed meaning);
#: 2.1 prices the target's own nuclear weapons (N_own) apart from its protectors' (N_ext).
ENGINE_VERSION = "2.1"
#: The version of the draws (:mod:`foedus.crisis.draws`) the cached ICB worlds depend on:
#: 2.1 changed only the decision, which reads the worlds after they are drawn.
WORLDS_VERSION = "2.0"
FORMAT_VERSION = 1

#: The stated priors of the decision parameters: a log-normal (``log_mean``, ``log_sd``) for
#: the positive ones, a normal (``mean``, ``sd``) for λ; the type ranges are fixed.
PRIORS: dict[str, dict] = {
    "value": {"range": [0.5, 1.5], "source": "unit of the utility: the objective's value "
              "has mean 1; its spread across challenger types is stated, not estimated "
              "(only its ratio to the scale σ is identified)"},
    "cost_tolerance": {"range": [0.5, 2.0], "source": "stated: costs are divided by a "
                       "tolerance between half and twice the average (not identified apart "
                       "from the war cost)"},
    "war_cost": {"log_mean": float(np.log(0.2)), "log_sd": 1.0,
                 "source": "centred on the engine's earlier assumption c = 0.2 (a war costs a "
                           "fifth of the objective), a factor e either way"},
    "nuclear_cost": {"log_mean": float(np.log(10.0)), "log_sd": 1.5,
                     "source": "N_ext, the cost of the nuclear risk the target's protectors "
                               "carry: centred on the engine's earlier assumption N = 10 "
                               "(nuclear use costs ten objectives), a factor 4.5 either way"},
    "nuclear_cost_own": {"log_mean": float(np.log(10.0)), "log_sd": 1.5,
                         "source": "N_own, the cost of the nuclear risk the target's own "
                                   "weapons carry: the same prior as N_ext's"},
    "scale": {"log_mean": float(np.log(0.5)), "log_sd": 1.0,
              "source": "weak: a logistic shock of half the objective's value"},
    "nuclear_value": {"mean": 0.0, "sd": 0.5,
                      "source": "centred on no effect of the challenger's own nuclear "
                                "weapons"},
}

#: Decision parameters the fit estimates (and their priors' transforms).
ESTIMATED = ("war_cost", "nuclear_cost", "scale", "nuclear_value", "nuclear_cost_own")


@cache
def _shipped() -> str:
    return resources.files("foedus.crisis").joinpath("fitted.json").read_text("utf-8")


def load(path: str | Path | None = None) -> dict:
    """The fitted parameters (default: those shipped with foedus)."""
    try:
        text = _shipped() if path is None else Path(path).read_text("utf-8")
    except (OSError, FileNotFoundError) as exc:
        raise FoedusError(f"cannot read the crisis engine's parameters: {exc}") from None
    data = json.loads(text)
    if data.get("format_version") != FORMAT_VERSION:
        raise FoedusError(f"crisis parameters format {data.get('format_version')!r} is not "
                          f"{FORMAT_VERSION}; refit them with `foedus crisis fit`")
    return data


def save(fit: dict, path: str | Path) -> Path:
    """Write ``fit`` as JSON, atomically (:func:`foedus.atomic.write_atomic`: a temporary
    file renamed into place; on a failure the old file is left as it was)."""
    path = Path(path)
    write_atomic(path, (json.dumps(fit, indent=1, allow_nan=False) + "\n").encode("utf-8"))
    return path


def sha256(fit: dict) -> str:
    """The hash of a parameter set (to cite a refit)."""
    return hashlib.sha256(json.dumps(fit, sort_keys=True).encode()).hexdigest()


def validated_sha256(fit: dict) -> str:
    """The hash a validation record cites (:mod:`foedus.crisis.evidence`): the parameter set
    without its ``opportunity`` block, which ``foedus crisis validate`` refits itself (to
    1945) and never reads."""
    return sha256({k: v for k, v in fit.items() if k != "opportunity"})


def prior_point(name: str) -> float:
    """The central value of a parameter's prior."""
    p = PRIORS[name]
    return float(np.exp(p["log_mean"]) if "log_mean" in p else p["mean"])


def decision_defaults(fit: dict) -> dict:
    """Point values of the decision parameters: the fitted means (or the priors'), the type
    ranges, and *q* from the war record."""
    d = fit["decision"]
    out = {"value": tuple(d["value"]), "cost_tolerance": tuple(d["cost_tolerance"]),
           "nuclear_escalation": float(fit["escalation"]["mean"])}
    for name in ESTIMATED:
        if name in d["estimates"]:  # a fit of engine 2.0 has no nuclear_cost_own: one cost
            out[name] = float(d["estimates"][name]["mean"])
    return out


def decision_draws(fit: dict) -> list[dict]:
    """The joint draws of the estimated decision parameters and *q* (one dict per draw)."""
    draws = fit["decision"]["draws"]
    q = fit["escalation"]["draws"]
    return [{**d, "nuclear_escalation": float(q[i % len(q)])} for i, d in enumerate(draws)]
