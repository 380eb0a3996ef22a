"""The crisis engine's typed answers: ``foedus simulate`` and ``foedus sweep``.

:func:`simulate_answer` runs a scenario file and returns a :class:`SimulateAnswer`;
:func:`sweep_answer` runs a grid of its variants and returns a :class:`SweepAnswer`. Each
has ``.to_json()``, the exact object the command's ``--json`` prints (DESIGN §7), and its
own provenance. The objects are built by :func:`foedus.crisis.report.answer` and
:func:`foedus.crisis.report.sweep_answer` (which the web app's runs share) and validated
here: a key added or lost there fails here. The command line renders them; it never
shapes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from foedus.answer import TypedAnswer
from foedus.crisis.evidence import Evidence
from foedus.provenance import Provenance
from foedus.query.answer import StateJSON

__all__ = ["Attack", "Case", "Coalition", "CrisisProvenance", "LibraryAnswer", "PledgeRow",
           "ScenarioRef", "SimulateAnswer", "SweepAnswer", "SweepPoint", "World",
           "library_answer", "schema_with_refs", "simulate_answer", "sweep_answer"]

#: a probability computed by the engine
Probability = Annotated[float, Field(ge=0, le=1)]
#: a Monte Carlo standard error
StdError = Annotated[float, Field(ge=0)]
#: a state's key in the maps: ISO-3 where it exists, else ``cow:`` + the abbreviation
StateKey = Annotated[str, Field(pattern=r"^([A-Z]{3}|cow:[A-Z]{3})$")]
StateMap = dict[StateKey, Probability]
ErrorMap = dict[StateKey, StdError]
#: a probability a scenario file states (an integer 0 or 1 stays one)
Stated = Annotated[int, Field(ge=0, le=1)] | Annotated[float, Field(ge=0, le=1)]


class ScenarioRef(TypedAnswer):
    """The scenario: its name, file and its own date (an ``--as-of`` leaves it as is)."""

    name: str
    file: str | None
    date: dt.date


class World(TypedAnswer):
    """The world means the challenger's choice reads."""

    win_margin: Annotated[float, Field(ge=-1, le=1)]
    nuclear_risk: Probability
    attacker_nuclear: Probability
    nuclear_risk_own: Probability = Field(
        0.0, description="the part of nuclear_risk the target's own weapons carry (q for "
        "a nuclear-armed target, at war in every world; priced with nuclear_cost_own, the "
        "rest with nuclear_cost; engine 2.1)")


class Coalition(TypedAnswer):
    """The defending coalition if war: its size and its capability (means, their standard
    errors and quantiles keyed ``"0.05"`` … ``"0.95"``). The size's quantiles are exact;
    the capability's are exact up to 1,048,576 draws (``capability_quantiles_error`` 0) and
    beyond come from a histogram of float32 bins, within a relative error of 2⁻¹¹
    (``capability_quantiles_error``; docs/crisis.md, "Output")."""

    size_mean: Annotated[float, Field(ge=1)]
    size_mean_se: StdError | None
    size_quantiles: dict[str, float]
    capability_mean: Annotated[float, Field(ge=0)]
    capability_mean_se: StdError | None
    capability_quantiles: dict[str, float]
    capability_quantiles_error: Annotated[float, Field(ge=0, le=1)]


class NonState(TypedAnswer):
    """A non-state attacker."""

    nonstate: Annotated[str, Field(min_length=1)]


class Attack(TypedAnswer):
    """One attack of the scenario: attacker, target and the attribution probability."""

    attacker: StateJSON | NonState
    target: StateJSON
    attribution: Stated


class TreatyName(TypedAnswer):
    """A treaty's id and name."""

    id: str
    name: str


class PledgeRow(TypedAnswer):
    """A pledge that triggers, with P(it is honoured)."""

    holder: StateJSON
    beneficiary: StateJSON
    treaty: TreatyName
    article: str
    consensus: bool
    informal: bool = Field(description="an informal or ambiguous commitment (scored by the "
                           "informal model, not the credibility model)")
    probability: Probability


class CrisisProvenance(Provenance):
    """The provenance of a simulation: the datasets, view and date, the values carried
    past a source's end (``carried_forward``, null when none) and the engine version."""

    omit_if_none: ClassVar[frozenset[str]] = frozenset({"books"})

    engine_version: str


class SimulateAnswer(TypedAnswer):
    """``foedus simulate --json``: P(deterred), who is drawn in, entrapment, the coalition.

    Probabilities of what happens in the war (``drawn_in``, ``entrapment``, ``p_widens``,
    ``attacker_side``) are ex ante: Pr(attack) × Pr(… | war); their ``*_if_war``
    companions are given the war. Without a verdict (a non-state attacker without a
    capability) they are given the attack.
    """

    scenario: ScenarioRef
    as_of: dt.date
    as_of_source: Literal["scenario", "--as-of"]
    view: Literal["legal", "atop"]
    draws: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    p_deterred: Probability | None
    p_deterred_se: StdError | None
    p_deterred_interval: list[Probability] | None = Field(
        description="90% interval of P(deterred) over the draws of the fitted parameters "
        "(null without a verdict)", min_length=2, max_length=2)
    p_deterred_reason: str | None
    p_attack: Probability | None = Field(
        description="Pr(the challenger attacks) = 1 - p_deterred, over its types")
    p_attack_se: StdError | None
    world: World | None = Field(description="the world means the challenger's choice reads "
                                "(null without a verdict)")
    p_widens: Probability
    p_widens_se: StdError | None
    p_widens_if_war: Probability
    p_widens_if_war_se: StdError | None
    drawn_in: StateMap
    drawn_in_se: ErrorMap
    drawn_in_if_war: StateMap
    drawn_in_if_war_se: ErrorMap
    entrapment: StateMap
    entrapment_se: ErrorMap
    entrapment_if_war: StateMap
    entrapment_if_war_se: ErrorMap
    attacker_side: StateMap
    attacker_allies_if_war: StateMap
    p_struck_back_if_war: Probability
    coalition: Coalition
    capability_balance: Probability | None
    capability_balance_se: StdError | None
    capability_measure: Literal["cinc", "spending"]
    attacks: list[Attack] = Field(min_length=1)
    pledges: list[PledgeRow]
    attacker_pledges: list[PledgeRow] = Field(
        description="the defence pledges owed to the attacker that trigger when the "
        "defending side strikes back (the strongest per holder)")
    parameters: dict[str, Any] = Field(
        description="the engine's parameters as used, with engine_version and sources "
        "(where each came from: scenario, icb, prior, war record, reach model, informal "
        "record)")
    modifications: list[dict[str, Any]] = Field(
        description="the scenario's [[modify]] tables as applied (counterfactuals; empty "
        "for the system as recorded): action, from, treaty, note and the action's fields")
    flags: list[str]
    notes: list[str]
    evidence: Evidence | None = Field(
        description="what the engine's out-of-sample validation found; null when the "
        "record cannot be read (the notes say why)")
    provenance: CrisisProvenance

    @classmethod
    def json_schema(cls, name: str, title: str) -> dict[str, Any]:
        """The schema, ``evidence`` and ``provenance`` pointing at the committed
        ``crisis-evidence`` and ``provenance`` schemas (not copies; the model itself
        requires ``engine_version`` in the provenance)."""
        return schema_with_refs(super().json_schema(name, title), {
            "Evidence": {"$ref": "crisis-evidence.schema.json"},
            "CrisisProvenance": {"$ref": "provenance.schema.json"}})


def schema_with_refs(schema: dict[str, Any], swaps: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` copies of the models in ``swaps`` replaced by the
    given references to committed schemas, and the definitions no longer used dropped."""

    def swap(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and ref[8:] in swaps:
                return swaps[ref[8:]]
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    out = _closed_maps(swap(schema))
    defs = out.get("$defs", {})
    while True:
        text = json.dumps({k: v for k, v in out.items() if k != "$defs"}) + json.dumps(defs)
        unused = [n for n in defs if f'"#/$defs/{n}"' not in text]
        if not unused:
            break
        for n in unused:
            del defs[n]
    return out


def _closed_maps(node: Any) -> Any:
    """State maps (``patternProperties``) admit no other key: ``additionalProperties``
    false beside each pattern."""
    if isinstance(node, dict):
        out = {k: _closed_maps(v) for k, v in node.items()}
        if "patternProperties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_closed_maps(v) for v in node]
    return node


class SweepPoint(TypedAnswer):
    """One grid point: its parameters, P(deterred), P(widens) and the coalition's mean
    size, each with its Monte Carlo standard error."""

    parameters: dict[str, Any]
    p_deterred: Probability | None
    p_deterred_se: StdError | None
    p_deterred_reason: str | None
    p_widens: Probability
    p_widens_se: StdError | None
    coalition_size_mean: Annotated[float, Field(ge=1)]
    coalition_size_mean_se: StdError | None


class SweepAnswer(TypedAnswer):
    """``foedus sweep --json``: the scenario, the grid and one row per point."""

    scenario: ScenarioRef
    as_of: dt.date
    grid: dict[str, list[Any]]
    draws: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    points: list[SweepPoint]
    provenance: Provenance


class TopState(TypedAnswer):
    """The state with the largest probability in a map, with its standard error."""

    state: StateKey
    p: Probability
    se: StdError | None


class VersusBase(TypedAnswer):
    """A counterfactual case's P(deterred) minus its base case's (same seed)."""

    case: str
    p_deterred: Annotated[float, Field(ge=-1, le=1)]
    p_deterred_se: StdError | None


class Case(TypedAnswer):
    """One case of the library: the scenario, its headline numbers and its base."""

    case: str
    file: str
    name: str
    date: dt.date
    draws: Annotated[int, Field(ge=1)]
    seed: Annotated[int, Field(ge=0)]
    p_deterred: Probability | None
    p_deterred_se: StdError | None
    p_deterred_reason: str | None
    p_widens: Probability
    p_widens_se: StdError | None
    coalition_size_mean: Annotated[float, Field(ge=1)]
    coalition_size_mean_se: StdError | None
    top_drawn_in: TopState | None
    top_entrapment: TopState | None
    vs_base: VersusBase | None
    modifications: list[dict[str, Any]]


class SensitivityPoint(TypedAnswer):
    """One point of a case's sweep over a contested parameter."""

    value: float
    setting: float | list[float]
    p_deterred: Probability | None
    p_deterred_se: StdError | None


class LibraryAnswer(TypedAnswer):
    """``foedus library --json``: one row per scenario file (``docs/counterfactuals.md``),
    the engine's evidence, and with ``--sensitivity`` each case's sweeps."""

    omit_if_none: ClassVar[frozenset[str]] = frozenset({"sensitivity", "failed"})

    cases: list[Case]
    evidence: Evidence | None = Field(
        description="what the engine's out-of-sample validation found; null when the "
        "record cannot be read (the notes say why)")
    notes: list[str]
    provenance: Provenance
    sensitivity: dict[str, dict[str, list[SensitivityPoint]]] | None = Field(
        default=None, description="case → contested parameter → P(deterred) at each "
        "point of its grid (with --sensitivity)")
    failed: dict[str, str] | None = Field(
        default=None, description="scenario file → the one-line reason it could not be "
        "loaded or run (it has no row); absent when every file ran")

    @classmethod
    def json_schema(cls, name: str, title: str) -> dict[str, Any]:
        """The schema, ``evidence`` pointing at ``crisis-evidence.schema.json``."""
        return schema_with_refs(super().json_schema(name, title),
                           {"Evidence": {"$ref": "crisis-evidence.schema.json"}})


def library_answer(folder: str | Path | list[Path], *, draws: int | None = None,
                   seed: int | None = None, workers: int = 1, scheduler: str | None = None,
                   sensitivity: bool = False,
                   progress: Callable[[], None] | None = None) -> LibraryAnswer:
    """Run every scenario of the case library alike: one row per case.

    Parameters
    ----------
    folder
        A folder of scenario files (``*.toml``, in name order), or the files themselves.
    draws, seed
        Draws per case (≥ 1) and seed (≥ 0); default: each file's own.
    workers, scheduler
        Worker processes or a Dask scheduler address (one client serves every case).
    sensitivity
        Also sweep each case over the contested parameters
        (:data:`foedus.crisis.library.SENSITIVITY`).
    progress
        Called once per finished case.

    Returns
    -------
    LibraryAnswer
        One :class:`Case` per file, probabilities in [0, 1] with standard errors; a
        counterfactual case's difference from its base in [-1, 1]; ``.to_json()`` is
        ``foedus library FOLDER --json``. A file that cannot be loaded or run has no row:
        it is named with its one-line reason in ``failed`` (absent when every file ran).

    Raises
    ------
    FoedusError
        When the folder holds no scenario file.

    References
    ----------
    ``docs/counterfactuals.md`` (the case library).
    """
    from foedus.crisis.library import library

    files = (sorted(Path(folder).glob("*.toml")) if isinstance(folder, str | Path)
             else list(folder))
    return LibraryAnswer.model_validate(library(
        files, draws=draws, seed=seed, workers=workers, scheduler=scheduler,
        sweeps=sensitivity, progress=progress))


def simulate_answer(path: str | Path, *, as_of: dt.date | None = None,
                    draws: int | None = None, seed: int | None = None, workers: int = 1,
                    scheduler: str | None = None,
                    progress: Callable[[int], None] | None = None,
                    on_total: Callable[[int], None] | None = None,
                    estimate: Callable[[float], None] | None = None) -> SimulateAnswer:
    """Simulate the crisis in a scenario file: P(deterred), who is drawn in, entrapment.

    Parameters
    ----------
    path
        The scenario file (TOML; ``docs/crisis.md``).
    as_of, draws, seed
        Override the file's own date, number of Monte Carlo draws (≥ 1) and seed (≥ 0).
    workers, scheduler
        Worker processes (more than 1: a local Dask cluster) or a Dask scheduler address.
    progress, on_total
        Told the draws of each finished chunk, and the number of draws before they start.
    estimate
        Told the estimated seconds of the run, from a pilot chunk timed first
        (:func:`foedus.crisis.run.run`), before the other draws start.

    Returns
    -------
    SimulateAnswer
        Probabilities in [0, 1], each with its Monte Carlo standard error (null for one
        draw); ``.to_json()`` is ``foedus simulate FILE --json``.

    Raises
    ------
    ScenarioError
        When the file is not a valid scenario (every problem with its field).
    FoedusError
        When the store or a dataset the engine needs is missing.

    References
    ----------
    The engine and its sources: ``docs/crisis.md``.
    """
    from foedus.crisis.simulate import simulate

    return SimulateAnswer.model_validate(simulate(
        path, as_of=as_of, draws=draws, seed=seed, workers=workers, scheduler=scheduler,
        progress=progress, on_total=on_total, estimate=estimate))


def sweep_answer(path: str | Path, grid: dict[str, list[Any]] | list[str], *,
                 draws: int | None = None, seed: int | None = None, workers: int = 1,
                 scheduler: str | None = None,
                 progress: Callable[[int], None] | None = None,
                 on_total: Callable[[int], None] | None = None) -> SweepAnswer:
    """Run a grid of variants of a scenario: P(deterred), P(widens) and the coalition at
    every point.

    Parameters
    ----------
    path
        The scenario file (TOML; ``docs/crisis.md``).
    grid
        Scenario field → values (``{"challenger.value": [0.2, 0.4]}``), or the command's
        ``NAME=V1,V2`` strings.
    draws, seed
        Draws per point (≥ 1) and seed (≥ 0); default: the scenario's.
    workers, scheduler
        Worker processes or a Dask scheduler address.
    progress, on_total
        Told the draws of each finished chunk, and the number of draws in all.

    Returns
    -------
    SweepAnswer
        One row per grid point, probabilities in [0, 1] with standard errors;
        ``.to_json()`` is ``foedus sweep FILE --grid … --json``.

    Raises
    ------
    ScenarioError
        When the file, or a variant of it, is not a valid scenario.
    FoedusError
        When a grid entry is malformed.

    References
    ----------
    ``docs/crisis.md`` (sweeps).
    """
    from foedus.crisis.report import sweep_answer as build
    from foedus.crisis.scenario import load_scenario
    from foedus.crisis.sweep import parse_grid, sweep

    scenario, attacks = load_scenario(path)
    parsed = parse_grid(grid) if isinstance(grid, list) else dict(grid)
    n = draws or scenario.draws
    s = scenario.seed if seed is None else seed
    points = 1
    for values in parsed.values():
        points *= len(values)
    if on_total:
        on_total(n * points)
    results = sweep(scenario, attacks, parsed, draws=n, seed=s, workers=workers,
                    scheduler=scheduler, progress=progress)
    return SweepAnswer.model_validate(build(scenario, path, parsed, results, draws=n,
                                            seed=s))
