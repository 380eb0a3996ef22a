"""The same metrics before and after: ``foedus compare BASE.toml ALT.toml``.

Each side is a scenario file (the alternative usually names the base as its ``base`` and
adds ``[[modify]]`` tables). For each side:

- **per attack event** (the attacks sharing an ``event`` label; unlabelled attacks are one
  event named by its attackers and targets) the crisis engine's answer: P(deterred),
  P(widens), each state's probability of being drawn in and its entrapment exposure, the
  coalition's size, each with its Monte Carlo standard error;
- **the system as a whole** (:func:`foedus.counterfactual.metrics.system_metrics`) for one
  alliance, the same on both sides: coverage, consensus probability, burden shares and
  guideline compliance, cohesion and the pledge network.

Both sides run with the same seed, so their draws share random numbers (common random
numbers: the difference is estimated more precisely than either level). The standard error
given for a difference is :math:`\\sqrt{se_b^2 + se_a^2}`, which is exact for independent
runs and an upper bound under common random numbers (the two estimates are positively
correlated).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

from foedus.crisis.compile import compile_scenario, modified_system
from foedus.crisis.means import spending_plan
from foedus.crisis.report import answer, carried_records, state_key
from foedus.crisis.run import run
from foedus.crisis.scenario import ResolvedAttack, Scenario, load_scenario, with_overrides
from foedus.errors import FoedusError

__all__ = ["compare", "default_alliance", "evaluate", "event_label"]

#: the crisis answer's keys a comparison keeps for each event
EVENT_KEYS = ("p_deterred", "p_deterred_se", "p_deterred_reason", "p_deterred_interval",
              "p_attack", "p_attack_se", "p_widens", "p_widens_se", "drawn_in",
              "drawn_in_se", "drawn_in_if_war", "drawn_in_if_war_se", "entrapment",
              "entrapment_se", "coalition", "capability_balance", "capability_balance_se",
              "attacks", "flags")
#: maps over all states where a missing state means exactly zero
_ZERO_MAPS = ("drawn_in", "drawn_in_se", "drawn_in_if_war", "drawn_in_if_war_se",
              "entrapment", "entrapment_se")
#: settings, not results: the same on both sides, never differenced
_SETTINGS = ("threshold", "solidarity", "draws", "seed", "year")


def event_label(attacks: list[ResolvedAttack], day: dt.date) -> str:
    """An unlabelled event's name: its attackers and targets (``RUS→EST+LVA``)."""
    def key(x) -> str:
        return state_key(x, day) if isinstance(x, int) else f"nonstate:{x.name}"
    attackers = "+".join(dict.fromkeys(key(a.attacker) for a in attacks))
    targets = "+".join(dict.fromkeys(key(a.target) for a in attacks))
    return f"{attackers}→{targets}"


def _events(scenario: Scenario, attacks: list[ResolvedAttack]):
    groups: dict[str | None, list[int]] = {}
    for i, a in enumerate(scenario.attack):
        groups.setdefault(a.event, []).append(i)
    for label, idx in groups.items():
        chosen = [attacks[i] for i in idx]
        yield (label or event_label(chosen, scenario.date),
               scenario.model_copy(update={"attack": tuple(scenario.attack[i] for i in idx)}),
               chosen)


def default_alliance(scenario: Scenario, attacks: list[ResolvedAttack], system) -> str | None:
    """The scenario's ``alliance``, else the largest treaty with a defence obligation that
    the first target belongs to on the date (None if it belongs to none)."""
    from foedus.model.vocab import ObligationKind

    if scenario.alliance:
        return scenario.alliance
    target, day = attacks[0].target, scenario.date
    snap = system.as_of(day)
    best = [(len(t.members_on(day)), t.id.startswith("book:"), t.id) for t in snap.treaties
            if t.member_on(target, day) and any(o.kind is ObligationKind.DEFENSE
                                                for o in t.obligations)]
    return max(best)[2] if best else None


def evaluate(path: str | Path, *, draws: int | None = None, seed: int | None = None,
             alliance: str | None = None, threshold: float = 0.5, workers: int = 1,
             scheduler: str | None = None, executor: str | None = None,
             progress: Callable[[int], None] | None = None, system=None,
             fitted=None) -> dict:
    """One side of a comparison: every event's crisis answer and the system metrics."""
    from foedus.counterfactual.metrics import system_metrics
    from foedus.counterfactual.modifications import (
        credibility_shifts,
        describe,
    )
    from foedus.credibility import load
    from foedus.data.loaders import load_system

    scenario, attacks = load_scenario(path)
    overrides = {k: v for k, v in (("draws", draws), ("seed", seed)) if v is not None}
    if overrides:
        scenario = with_overrides(scenario, overrides)
    system = system or load_system()
    fitted = fitted or load()
    events = {}
    for label, part, chosen in _events(scenario, attacks):
        compiled = compile_scenario(part, chosen, system=system, fitted=fitted)
        result = run(compiled, draws=scenario.draws, seed=scenario.seed, workers=workers,
                     scheduler=scheduler, executor=executor, progress=progress)
        full = answer(result, as_of=scenario.date, as_of_source="scenario", attacks=chosen,
                      file=str(path))
        events[label] = {k: full[k] for k in EVENT_KEYS}
    changed, resolved = modified_system(scenario, system)
    alliance = alliance or default_alliance(scenario, attacks, changed)
    metrics = None
    if alliance is not None:
        day = scenario.date
        scale, burden, _ = spending_plan(resolved, changed, day)
        metrics = system_metrics(
            changed, day, alliance, view=scenario.view, fitted=fitted,
            threshold=threshold, solidarity=scenario.allies.solidarity,
            credibility_shift=scenario.allies.credibility_shift,
            shifts=credibility_shifts(resolved),
            spending={c: burden[c][1] * f for c, f in scale.items() if c in burden},
            seed=scenario.seed)
    return {"scenario": {"name": scenario.name, "file": str(path),
                         "date": scenario.date.isoformat(), "base": scenario.base},
            "draws": scenario.draws, "seed": scenario.seed, "view": scenario.view,
            "modifications": [describe(m) for m in resolved],
            "events": events, "system": metrics,
            "system_reason": None if metrics is not None else (
                "the first target belongs to no treaty with a defence obligation: name one "
                "with alliance = ... in the scenario or --alliance")}


def _diff(base, alt, key: str = "", se: bool = False):
    """alt − base on every number both sides have (nested); standard errors (keys ending
    in ``_se``, and everything inside them) combine as the root of the summed squares;
    maps over all states fill missing states with 0."""
    se = se or key.endswith("_se")
    if isinstance(base, bool) or isinstance(alt, bool):
        return None
    if isinstance(base, (int, float)) and isinstance(alt, (int, float)):
        return math.sqrt(base ** 2 + alt ** 2) if se else alt - base
    if isinstance(base, dict) and isinstance(alt, dict):
        if key in _ZERO_MAPS:
            keys = list(dict.fromkeys([*base, *alt]))
            return {k: _diff(base.get(k, 0.0), alt.get(k, 0.0), k, se) for k in keys}
        out = {}
        for k in base:
            if k in alt and k not in _SETTINGS:
                d = _diff(base[k], alt[k], k, se)
                if d is not None and d != {}:
                    out[k] = d
        return out
    return None


def compare(base: str | Path, alt: str | Path, *, draws: int | None = None,
            seed: int | None = None, alliance: str | None = None, threshold: float = 0.5,
            workers: int = 1, scheduler: str | None = None, executor: str | None = None,
            progress: Callable[[int], None] | None = None) -> dict:
    """Compare two scenario files (``foedus compare --json``): ``base``, ``alt``, ``diff``
    (alt − base, over the events both have and the system metrics) and ``provenance``.

    Both sides use ``seed`` (default: the base file's) and the same alliance for the system
    metrics (``alliance``, else the base's or the alternative's ``alliance`` key, else the
    largest defence treaty of the alternative's first target, then the base's).
    """
    from foedus.counterfactual.metrics import DATASETS as SYSTEM_DATASETS
    from foedus.credibility import load
    from foedus.crisis.report import DATASETS
    from foedus.data.loaders import load_system
    from foedus.provenance import provenance

    base_scenario, base_attacks = load_scenario(base)
    alt_scenario, alt_attacks = load_scenario(alt)
    system, fitted = load_system(), load()
    if alliance is None:
        alliance = base_scenario.alliance or alt_scenario.alliance
    if alliance is None:
        for scenario, attacks in ((alt_scenario, alt_attacks), (base_scenario, base_attacks)):
            alliance = default_alliance(scenario, attacks,
                                        modified_system(scenario, system)[0])
            if alliance:
                break
    seed = base_scenario.seed if seed is None else seed
    kwargs = {"draws": draws, "seed": seed, "alliance": alliance, "threshold": threshold,
              "workers": workers, "scheduler": scheduler, "executor": executor,
              "progress": progress, "system": system, "fitted": fitted}
    left = evaluate(base, **kwargs)
    right = evaluate(alt, **kwargs)
    events = {k: _diff(left["events"][k], right["events"][k])
              for k in left["events"] if k in right["events"]}
    if not events:
        raise FoedusError("the two scenarios share no attack event to compare: give the "
                          "attacks the same attacker and targets, or the same event label")
    system_diff = (_diff(left["system"], right["system"])
                   if left["system"] and right["system"] else None)
    dates = {left["scenario"]["date"], right["scenario"]["date"]}
    carried = carried_records(list(dict.fromkeys(
        f for side in (left, right) for e in side["events"].values() for f in e["flags"])))
    return {"base": left, "alt": right,
            "diff": {"events": events, "system": system_diff},
            "alliance": alliance, "threshold": threshold,
            "provenance": provenance([*DATASETS, *SYSTEM_DATASETS], view=left["view"],
                                     as_of=min(dates),
                                     **({"carried_forward": carried} if carried else {}))}
