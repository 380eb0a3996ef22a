"""The typed answer of ``foedus compare``: two scenarios side by side.

:func:`compare_answer` runs a base and an alternative scenario with the same seed and
returns a :class:`CompareAnswer`: each side's attack events (the crisis engine's numbers)
and system metrics, and the alternative minus the base. ``.to_json()`` is the exact object
``foedus compare --json`` prints (DESIGN §7). The object is built by
:func:`foedus.counterfactual.compare.compare` (which the reports and the web app share) and
validated here; the command line renders it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from foedus.answer import TypedAnswer
from foedus.crisis.answer import (
    Attack,
    Coalition,
    ErrorMap,
    Probability,
    StateMap,
    StdError,
    schema_with_refs,
)
from foedus.provenance import Provenance

__all__ = ["CompareAnswer", "Difference", "Event", "Side", "compare_answer"]


class SideScenario(TypedAnswer):
    """A side's scenario: name, file, date and the base it modifies (if any)."""

    name: str
    file: str
    date: dt.date
    base: str | None


class Event(TypedAnswer):
    """The crisis engine's answer for one attack event (keys as in ``foedus simulate
    --json``)."""

    p_deterred: Probability | None
    p_deterred_se: StdError | None
    p_deterred_reason: str | None
    p_deterred_interval: list[Probability] | None = Field(min_length=2, max_length=2)
    p_attack: Probability | None
    p_attack_se: StdError | None
    p_widens: Probability
    p_widens_se: StdError | None
    drawn_in: StateMap
    drawn_in_se: ErrorMap
    drawn_in_if_war: StateMap
    drawn_in_if_war_se: ErrorMap
    entrapment: StateMap
    entrapment_se: ErrorMap
    coalition: Coalition
    capability_balance: Probability | None
    capability_balance_se: StdError | None
    attacks: list[Attack] = Field(min_length=1)
    flags: list[str]


class Side(TypedAnswer):
    """One side of the comparison: its scenario, events and system metrics."""

    scenario: SideScenario
    draws: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    view: Literal["legal", "atop"]
    modifications: list[dict[str, Any]] = Field(
        description="the scenario's [[modify]] tables as applied: action, from, treaty, "
        "note and the action's fields")
    events: dict[str, Event] = Field(min_length=1)
    system: dict[str, Any] | None = Field(
        description="system metrics of one alliance "
        "(foedus.counterfactual.metrics.system_metrics): alliance, coverage, consensus, "
        "burden, cohesion, network, flags, as_of; null when there is no alliance")
    system_reason: str | None


class Difference(TypedAnswer):
    """Alternative minus base: per shared event and for the system metrics. Standard
    errors of differences are sqrt(se_base² + se_alt²)."""

    events: dict[str, dict[str, Any]] = Field(min_length=1)
    system: dict[str, Any] | None


class CompareAnswer(TypedAnswer):
    """``foedus compare --json``: two scenarios side by side (``docs/counterfactuals.md``)."""

    base: Side
    alt: Side
    diff: Difference
    alliance: str | None
    threshold: Annotated[float, Field(ge=0, le=1)]
    provenance: Provenance

    @classmethod
    def json_schema(cls, name: str, title: str) -> dict[str, Any]:
        """The schema, every state map closed to keys other than states."""
        return schema_with_refs(super().json_schema(name, title), {})


def compare_answer(base: str | Path, alt: str | Path, *, draws: int | None = None,
                   seed: int | None = None, alliance: str | None = None,
                   threshold: float = 0.5, workers: int = 1, scheduler: str | None = None,
                   progress: Callable[[int], None] | None = None) -> CompareAnswer:
    """Compare two scenarios: P(deterred), drawn in, entrapment and system metrics.

    Parameters
    ----------
    base, alt
        The base scenario file and the alternative (usually ``base = ...`` plus
        ``[[modify]]`` tables; ``docs/counterfactuals.md``).
    draws, seed
        Draws per event (≥ 1) and the seed both sides share (≥ 0; default: the base's).
    alliance
        The alliance whose system metrics are compared (default: the scenarios' own).
    threshold
        The credibility threshold of the coverage metrics, in [0, 1].
    workers, scheduler
        Worker processes or a Dask scheduler address.
    progress
        Told the draws of each finished chunk.

    Returns
    -------
    CompareAnswer
        Both sides and their difference (probabilities in [0, 1], differences in [-1, 1]
        with standard errors); ``.to_json()`` is ``foedus compare BASE ALT --json``.

    Raises
    ------
    ScenarioError
        When a file is not a valid scenario.
    FoedusError
        When the two scenarios share no attack event.

    References
    ----------
    ``docs/counterfactuals.md`` (the method, common random numbers included).
    """
    from foedus.counterfactual.compare import compare

    return CompareAnswer.model_validate(compare(
        base, alt, draws=draws, seed=seed, alliance=alliance, threshold=threshold,
        workers=workers, scheduler=scheduler, progress=progress))
