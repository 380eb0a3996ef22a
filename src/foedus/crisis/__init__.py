"""The crisis engine: who is drawn in, is the attacker deterred, who is entrapped.

``load_scenario`` reads a scenario file, ``compile_scenario`` turns it into arrays (the
commitments query, the credibility model, capabilities), ``run`` draws the Monte Carlo
worlds (serially, on local processes or on Dask), ``answer`` reports them as JSON and
``sweep`` runs a grid of variants. See ``docs/crisis.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Scenario": "foedus.crisis.scenario",
    "ScenarioError": "foedus.crisis.scenario",
    "check_scenario": "foedus.crisis.scenario",
    "load_scenario": "foedus.crisis.scenario",
    "with_overrides": "foedus.crisis.scenario",
    "Compiled": "foedus.crisis.compile",
    "compile_scenario": "foedus.crisis.compile",
    "run_chunk": "foedus.crisis.draws",
    "Result": "foedus.crisis.run",
    "run": "foedus.crisis.run",
    "answer": "foedus.crisis.report",
    "sweep": "foedus.crisis.sweep",
    "simulate": "foedus.crisis.simulate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'foedus.crisis' has no attribute {name!r}")
