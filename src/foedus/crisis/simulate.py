"""One call from a scenario file to the answer: load, compile, run, report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from foedus.crisis.compile import compile_scenario
from foedus.crisis.report import answer
from foedus.crisis.run import run
from foedus.crisis.scenario import ScenarioError, _resolve, load_scenario, with_overrides

__all__ = ["simulate"]


def simulate(path: str | Path, *, as_of: dt.date | None = None, draws: int | None = None,
             seed: int | None = None, workers: int = 1, scheduler: str | None = None,
             executor: str | None = None, progress: Callable[[int], None] | None = None,
             on_total: Callable[[int], None] | None = None, client=None,
             estimate: Callable[[float], None] | None = None) -> dict:
    """Simulate the scenario in ``path`` and return the answer (``foedus simulate --json``).

    ``as_of``, ``draws`` and ``seed`` override the file's own (the answer says which date
    was used); ``on_total`` is told the number of draws before they start (for a progress
    bar), ``progress`` the draws of each finished chunk; ``client`` is a Dask client to
    run on (one kept open across several simulations); ``estimate`` is told the run's
    estimated seconds from a timed pilot chunk (:func:`foedus.crisis.run.run`).
    """
    scenario, attacks = load_scenario(path)
    own_date = scenario.date
    overrides = {k: v for k, v in (("date", as_of), ("draws", draws), ("seed", seed))
                 if v is not None}
    if overrides:
        scenario = with_overrides(scenario, overrides)
    if as_of is not None:  # states resolve by date: DEU is COW 260 before 1990-10-03
        attacks, problems = _resolve(scenario, str(path), {})
        if problems:
            raise ScenarioError(problems)
    compiled = compile_scenario(scenario, attacks)
    if on_total:
        on_total(scenario.draws)
    result = run(compiled, draws=scenario.draws, seed=scenario.seed, workers=workers,
                 scheduler=scheduler, executor=executor, client=client, progress=progress,
                 estimate=estimate)
    out = answer(result, as_of=scenario.date,
                 as_of_source="--as-of" if as_of is not None else "scenario",
                 attacks=attacks, file=str(path))
    out["scenario"]["date"] = own_date.isoformat()  # the file's own (docs/crisis.md)
    return out
