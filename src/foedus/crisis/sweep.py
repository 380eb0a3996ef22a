"""Parameter sweeps: a grid of scenario variants × draws, as Dask tasks (DESIGN §5).

A grid names scenario fields (``challenger.value``, ``allies.credibility_shift``,
``challenger.days_to_objective`` …) and their values; every combination is a variant of the
scenario (:func:`foedus.crisis.scenario.with_overrides`). Variants that change only what
the draws or the challenger's choice read (stakes, costs, scale, solidarity, credibility
shift, escalation, strike probabilities) share one compilation; others (the date, the
attacks, days to objective, arrival speeds, informal commitments) are compiled anew.
Every variant uses the same seed — common random numbers, so differences between grid
points are not sampling noise of different streams.
All chunks of all variants are submitted at once, grouped into tasks as
:func:`foedus.crisis.run.run` groups them (:func:`foedus.crisis.run.batches`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import numpy as np

from foedus.crisis.compile import Compiled, compile_scenario
from foedus.crisis.run import (
    Result,
    batches,
    close_client,
    dask_client,
    run_chunks,
    seeds,
)
from foedus.crisis.scenario import (
    ResolvedAttack,
    Scenario,
    ScenarioError,
    _resolve,
    with_overrides,
)
from foedus.errors import FoedusError

__all__ = ["DRAW_TIME", "parse_grid", "sweep"]

#: Scenario fields that only the draws read (no recompilation needed), and their name in
#: :attr:`Compiled.params`.
DRAW_TIME = {
    "challenger.value": "value", "challenger.cost_tolerance": "cost_tolerance",
    "challenger.war_cost": "war_cost", "challenger.nuclear_cost": "nuclear_cost",
    "challenger.nuclear_cost_own": "nuclear_cost_own",
    "challenger.scale": "scale", "challenger.nuclear_value": "nuclear_value",
    "challenger.strike_allies": "strike_allies", "allies.strike_back": "strike_back",
    "allies.solidarity": "solidarity", "allies.credibility_shift": "credibility_shift",
    "allies.nuclear_escalation": "nuclear_escalation",
}


def _draw_time_variant(base: Compiled, variant: Scenario, point: dict) -> Compiled:
    """``base`` with the point's draw-time parameters (stated: the fitted draws of those
    parameters no longer vary; a flat strike probability replaces the reach model's;
    ``nuclear_cost`` without ``nuclear_cost_own`` sets both, as :func:`foedus.crisis.
    compile.compile_scenario` does)."""
    params = dict(base.params)
    changes: dict = {}
    for name in point:
        table, field = name.split(".")
        key = DRAW_TIME[name]
        params[key] = getattr(getattr(variant, table), field)
        params["sources"] = {**params.get("sources", {}), key: "scenario"}
        if key == "strike_allies":
            changes["strike"] = None
        elif key == "strike_back":
            changes["strike_back"] = np.full(base.n_states, float(params[key]))
    stated = {DRAW_TIME[n] for n in point}
    if "nuclear_cost" in stated and variant.challenger.nuclear_cost_own is None:
        # nuclear_cost alone: one cost for both parts, as the compilation reads it
        params["nuclear_cost_own"] = params["nuclear_cost"]
        params["sources"] = {**params["sources"], "nuclear_cost_own": "scenario"}
        stated.add("nuclear_cost_own")
    params["stated"] = sorted(set(params.get("stated", ())) | stated)
    draws = [{k: v for k, v in d.items() if k not in params["stated"]}
             for d in base.decision_draws]
    return dataclasses.replace(base, params=params, decision_draws=[d for d in draws if d],
                               **changes)


def parse_grid(items: list[str]) -> dict[str, list]:
    """``["challenger.value=0.5,1,2", …]`` → ``{"challenger.value": [0.5, 1.0, 2.0]}``."""
    grid: dict[str, list] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise FoedusError(f"--grid {item!r}: expected NAME=V1,V2,… such as "
                              "challenger.value=0.5,1,2")
        parsed = []
        for v in values.split(","):
            v = v.strip()
            try:
                parsed.append(int(v) if v.lstrip("-").isdigit() else float(v))
            except ValueError:
                parsed.append(v)
        if name in grid:
            raise FoedusError(f"--grid names {name!r} twice")
        grid[name] = parsed
    return grid


def _variants(scenario: Scenario, grid: dict[str, list]):
    names = list(grid)
    for combo in itertools.product(*(grid[n] for n in names)):
        point = dict(zip(names, combo, strict=True))
        yield point, with_overrides(scenario, point)


def sweep(scenario: Scenario, attacks: list[ResolvedAttack], grid: dict[str, list], *,
          draws: int, seed: int, workers: int = 1, scheduler: str | None = None,
          client=None, system=None, fitted=None,
          progress: Callable[[int], None] | None = None) -> list[tuple[dict, Result]]:
    """Run every grid point; returns ``(point, Result)`` in grid order."""
    variants = list(_variants(scenario, grid))
    base: Compiled | None = None
    compiled: list[Compiled] = []
    for point, variant in variants:
        draw_time = all(name in DRAW_TIME for name in point)
        if draw_time:
            base = base or compile_scenario(scenario, attacks, system=system, fitted=fitted)
        # a non-state attacker's verdict needs challenger.value set: compiled per variant
        if draw_time and base.attacker_capability is not None:
            compiled.append(_draw_time_variant(base, variant, point))
        else:
            resolved = attacks
            if "date" in point:  # states resolve by date: DEU is COW 260 before 1990-10-03
                resolved, problems = _resolve(variant, "--grid date", {})
                if problems:
                    raise ScenarioError(problems)
            compiled.append(compile_scenario(variant, resolved, system=system,
                                             fitted=fitted))
    chunks = seeds(seed, draws)
    own = client is None
    client = client or dask_client(max(workers, 1), scheduler)
    try:
        tasks = batches(chunks, sum(client.nthreads().values()))
        futures = []
        for c in compiled:
            shared = client.scatter(c, broadcast=True, hash=False)
            futures.append([client.submit(run_chunks, shared, task, None, draws, pure=False)
                            for task in tasks])
        results = []
        for (point, _), c, fs in zip(variants, compiled, futures, strict=True):
            total = None  # summed in chunk order as the tasks finish (bounded memory)
            for i, task in enumerate(tasks):
                for tally in fs[i].result():
                    total = tally if total is None else total + tally
                fs[i] = None  # released: the worker forgets the result
                if progress:
                    progress(sum(n for _, n in task))
            results.append((point, Result(c, total, seed)))
        return results
    finally:
        if own:
            close_client(client)
