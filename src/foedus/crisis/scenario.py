"""Crisis scenario files: one or more attacks on a date, the challenger's stakes, the draws.

A scenario is a TOML file (``scenarios/<case>-<year>.toml``; format in ``docs/crisis.md``)::

    name = "Russia attacks Estonia, 2024"
    date = 2024-07-01
    draws = 200000
    seed = 2024

    [[attack]]
    attacker = "RUS"          # a state, or "nonstate:<name>"
    target = "EST"
    domain = "land"           # land, sea, air, cyber, space, hybrid
    attribution = 1.0         # confidence the attacker is who it seems (cyber, hybrid)

    [challenger]
    value = [0.5, 1.5]        # value of the objective: a number or a uniform range
    days_to_objective = 3.0

Every field but ``date`` and ``[[attack]]`` has a documented default (:class:`Challenger`,
:class:`Allies`). Validation never raises on bad input: :func:`check_scenario` returns
every problem with its file, line and field, as ``foedus book check`` does for books.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from foedus.counterfactual.modifications import Modification
from foedus.errors import BookProblem, FoedusError
from foedus.errors import ScenarioError as _FamilyScenarioError
from foedus.model.events import NonState
from foedus.model.toml_positions import (
    field_path,
    key_lines,
    line_of,
    nesting_error,
    read_toml_text,
    syntax_error,
)
from foedus.model.vocab import Domain, Hit, View

__all__ = ["Allies", "Attack", "Challenger", "Scenario", "ScenarioError", "check_scenario",
           "load_scenario", "with_overrides"]



class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _range(value: float | tuple[float, float], name: str, low: float = 0.0
           ) -> tuple[float, float]:
    lo, hi = (value, value) if isinstance(value, (int, float)) else value
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo < low or hi < lo:
        raise ValueError(f"{name} must be a number ≥ {low:g} or a range [low, high] with "
                         f"{low:g} ≤ low ≤ high, not {value!r}")
    return float(lo), float(hi)


class Attack(_Entry):
    """One attack event (DESIGN §3): who strikes whom, where, in which domain."""

    attacker: str | int
    target: str | int
    place: str | None = None
    hit: Hit | None = None
    domain: Domain | None = None
    attribution: float = Field(default=1.0, ge=0.0, le=1.0)
    provoked: bool = False
    event: str | None = None


class Challenger(_Entry):
    """The challenger's stakes and means (defaults documented in ``docs/crisis.md``).

    Every field left out takes the engine's fitted value (``crisis/fitted.json``,
    :mod:`foedus.crisis.fitted`). ``value`` (V) and ``cost_tolerance`` (τ) are the ranges
    of the challenger's private type (uniform); ``war_cost`` (c), ``nuclear_cost`` (N_ext,
    the cost of the nuclear risk the target's protectors carry) and ``nuclear_cost_own``
    (N_own, that of the target's own weapons; left out when ``nuclear_cost`` is stated, it
    takes the same value: one cost for both, as in engine 2.0) are in units of V (whose
    mean is 1); ``scale`` (σ) is the spread of the random utility
    and ``nuclear_value`` (λ) the value of nuclear weapons on the attacker's side
    (:mod:`foedus.crisis.decision`). ``days_to_objective`` is the time the attacker needs
    to take its objective, against which allies' arrival is measured. ``strike_allies`` is
    a flat probability that the attacker strikes at home an ally that joins (which triggers
    that ally's own pledges); left out, it comes from the estimated reach model (distance
    and capability). A non-state attacker needs ``capability`` (a CINC share) and an
    explicit ``value`` for a verdict (else P(deterred) is null, with the reason); states
    take their capability from the data.
    """

    value: tuple[float, float] | float | None = None
    cost_tolerance: tuple[float, float] | float | None = None
    war_cost: float | None = Field(default=None, ge=0.0)
    nuclear_cost: float | None = Field(default=None, ge=0.0)
    nuclear_cost_own: float | None = Field(default=None, ge=0.0)
    scale: float | None = Field(default=None, gt=0.0)
    nuclear_value: float | None = None
    days_to_objective: float = Field(default=7.0, gt=0.0)
    strike_allies: float | None = Field(default=None, ge=0.0, le=1.0)
    capability: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("value")
    @classmethod
    def _value(cls, v):
        return None if v is None else _range(v, "value")

    @field_validator("cost_tolerance")
    @classmethod
    def _tolerance(cls, v):
        if v is None:
            return None
        lo, hi = _range(v, "cost_tolerance")
        if lo <= 0:
            raise ValueError("cost_tolerance must be > 0")
        return lo, hi


class Allies(_Entry):
    """How allies decide and move (defaults documented in ``docs/crisis.md``).

    ``solidarity`` (ρ) is the weight of the shared shock in allies' decisions;
    ``credibility_shift`` adds to every pledge's log-odds (sensitivity analysis);
    ``mobilisation_days`` and ``km_per_day`` give an ally's arrival time where no
    reinforcement timeline is on record; ``unrecorded_conditions`` counts as triggered the
    ATOP obligations whose condition (adversary, location …) is coded but not recorded
    (the query's ``condition_not_recorded``: they may or may not apply; by default they do
    not); ``nuclear_escalation`` is the probability that a nuclear-armed belligerent
    escalates (left out: estimated from the war record); ``informal`` the probability that
    the holder of an informal or ambiguous commitment joins (left out: its estimated
    distribution, :mod:`foedus.crisis.informal`); ``strike_back`` a flat probability that a
    defending belligerent strikes the attacker's homeland (left out: the reach model).
    """

    solidarity: float = Field(default=0.3, ge=0.0, le=1.0)
    credibility_shift: float = 0.0
    mobilisation_days: float = Field(default=7.0, ge=0.0)
    km_per_day: float = Field(default=400.0, gt=0.0)
    nuclear_escalation: float | None = Field(default=None, ge=0.0, le=1.0)
    informal: float | None = Field(default=None, ge=0.0, le=1.0)
    strike_back: float | None = Field(default=None, ge=0.0, le=1.0)
    unrecorded_conditions: bool = False


class Scenario(_Entry):
    """A crisis scenario: the validated content of a scenario file."""

    name: str = ""
    note: str = ""
    sources: tuple[str, ...] = ()
    date: dt.date
    view: View = View.LEGAL
    capability: Literal["cinc", "spending"] = "cinc"
    draws: int = Field(default=100_000, ge=1, le=1_000_000_000)
    seed: int = Field(default=0, ge=0)
    attack: tuple[Attack, ...] = Field(min_length=1)
    challenger: Challenger = Field(default_factory=Challenger)
    allies: Allies = Field(default_factory=Allies)
    alliance: str | None = None
    base: str | None = None
    modify: tuple[Modification, ...] = ()

    @field_validator("date")
    @classmethod
    def _covered(cls, v: dt.date) -> dt.date:
        """Inside ATOP's coverage, or within the horizon its alliances are carried to
        (:func:`foedus.registry.check_day`)."""
        from foedus.registry import check_day

        try:
            check_day(v, ("atop_members",), what=str(v))
        except FoedusError as exc:
            raise ValueError(str(exc)) from None
        return v

    @field_validator("draws", "seed", mode="before")
    @classmethod
    def _whole_number(cls, v):
        if isinstance(v, bool):  # TOML's true would be taken for 1
            raise ValueError(f"must be a whole number, not {str(v).lower()}")
        return v

    def events(self) -> dict[str, tuple[int, ...]]:
        """The attack events: attacks sharing an ``event`` label happen together (one
        crisis); unlabelled attacks form one event named after the scenario."""
        out: dict[str, list[int]] = {}
        for i, a in enumerate(self.attack):
            out.setdefault(a.event or self.name or "attack", []).append(i)
        return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class ResolvedAttack:
    """An attack with its states resolved to COW codes (non-state attackers kept)."""

    attacker: int | NonState
    target: int
    place: str | None
    hit: Hit | None
    domain: Domain | None
    attribution: float
    provoked: bool


class ScenarioError(_FamilyScenarioError):
    """A scenario file that does not validate; ``problems`` lists every error found
    (:class:`foedus.errors.ScenarioError`, whose subclass it is)."""


def _resolve(scenario: Scenario, file: str, lines) -> tuple[list[ResolvedAttack],
                                                            list[BookProblem]]:
    from foedus.data.identities import resolve_state
    from foedus.data.loaders import gazetteer as default_gazetteer
    from foedus.errors import UnknownStateError

    problems: list[BookProblem] = []
    out = []

    def problem(path, message):
        problems.append(BookProblem(file, line_of(lines, path), field_path(path), message))

    gazetteer = None
    for i, a in enumerate(scenario.attack):
        attacker: int | NonState | None = None
        if isinstance(a.attacker, str) and a.attacker.lower().startswith("nonstate:"):
            name = a.attacker.split(":", 1)[1].strip()
            if name:
                attacker = NonState(name=name)
            else:
                problem(("attack", i, "attacker"), "nonstate: needs a name")
        else:
            try:
                attacker = resolve_state(a.attacker, on=scenario.date).cow
            except UnknownStateError as exc:
                problem(("attack", i, "attacker"), str(exc))
        target = None
        try:
            target = resolve_state(a.target, on=scenario.date).cow
        except UnknownStateError as exc:
            problem(("attack", i, "target"), str(exc))
        if a.place is not None:
            gazetteer = gazetteer or default_gazetteer()
            try:
                gazetteer.find(a.place)
            except FoedusError as exc:
                problem(("attack", i, "place"), str(exc))
        if attacker is not None and attacker == target:
            problem(("attack", i, "target"), "the target is the attacker")
        if attacker is not None and target is not None:
            out.append(ResolvedAttack(attacker, target, a.place, a.hit, a.domain,
                                      a.attribution, a.provoked))
    if scenario.modify:
        for path, message in _check_modifications(scenario):
            problem(path, message)
    return out, problems


def _check_modifications(scenario: Scenario):
    """Problems of the ``[[modify]]`` tables: unknown states or treaties, and changes
    that do not fit the system (each applied in turn, as the compiler will)."""
    from foedus.counterfactual.modifications import apply_modifications, resolve_modifications
    from foedus.data.loaders import load_system

    system = load_system()
    resolved, problems = resolve_modifications(scenario.modify, scenario.date, system)
    yield from problems
    if problems:
        return
    for i, m in enumerate(resolved):
        try:
            system = apply_modifications(system, [m])
        except FoedusError as exc:
            yield ("modify", i), str(exc)


_MERGED_TABLES = ("challenger", "allies")
_ACTIONS = {"add_member", "remove_member", "end_treaty", "suspend", "scope", "decision",
            "forward_forces", "remove_forward_forces", "nuclear_guarantee", "spending",
            "credibility"}


def _on_base(raw: dict, file: str, lines, seen: tuple[str, ...], root: Path,
             allow_outside: bool) -> tuple[dict, list[BookProblem]]:
    """``raw`` laid over the scenario it names as ``base`` (a path relative to its own
    file): its keys replace the base's, ``[challenger]`` and ``[allies]`` key by key, and
    its ``[[modify]]`` tables follow the base's. Problems in the base are its own,
    reported with its file and line. The base, symbolic links followed, must lie in
    ``root`` (the first scenario's folder tree) unless ``allow_outside``; a symbolic-link
    loop is a problem, not a traceback."""
    where = BookProblem(file, line_of(lines, ("base",)), "base", "")
    if not isinstance(raw["base"], str):
        return raw, [BookProblem(where.file, where.line, "base", "must be a file path")]
    try:
        path = (Path(file).parent / raw["base"]).resolve()
    except (RuntimeError, OSError):  # Python 3.11: RuntimeError("Symlink loop from ...")
        return raw, [BookProblem(where.file, where.line, "base",
                                 f"{raw['base']} is a loop of symbolic links")]
    if str(path) in seen:
        return raw, [BookProblem(where.file, where.line, "base",
                                 f"{raw['base']} leads back to itself")]
    if not allow_outside and not path.is_relative_to(root):
        return raw, [BookProblem(where.file, where.line, "base",
                                 f"{raw['base']} is outside the scenario's folder {root}; "
                                 "pass --allow-outside (foedus --allow-outside COMMAND …) "
                                 "to allow it")]
    try:
        text = read_toml_text(path, "base scenario")
    except ValueError as exc:
        return raw, [BookProblem(where.file, where.line, "base", str(exc))]
    _, _, problems = check_scenario(text, str(path), allow_outside=allow_outside,
                                    _seen=(*seen, str(path)), _root=root)
    if problems:
        return raw, problems
    merged = tomllib.loads(text)
    if "base" in merged:  # the base's own base, already checked
        merged, _ = _on_base(merged, str(path), key_lines(text), (*seen, str(path)), root,
                             allow_outside)
    for key, value in raw.items():
        if key in _MERGED_TABLES and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}
        elif key == "modify" and isinstance(value, list):
            merged[key] = [*merged.get(key, []), *value]
        else:
            merged[key] = value
    return merged, []


def _non_finite(node: Any, loc: tuple = ()) -> Iterator[tuple[tuple, float]]:
    """Where NaN or an infinity stands in a parsed scenario (TOML has both; no parameter
    of a scenario takes either)."""
    if isinstance(node, float) and not math.isfinite(node):
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _non_finite(value, (*loc, key))
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from _non_finite(value, (*loc, i))


def check_scenario(text: str, file: str = "<scenario>", *, allow_outside: bool | None = None,
                   _seen: tuple[str, ...] = (), _root: Path | None = None
                   ) -> tuple[Scenario | None, list[ResolvedAttack], list[BookProblem]]:
    """Parse and validate a scenario; never raises on bad input.

    Returns the scenario (None if any problem was found), its attacks with states resolved,
    and every problem with its file, line and field. A scenario may name another as its
    ``base`` and change only what differs (its ``[[modify]]`` tables add to the base's).
    A base (and its own bases) must lie in the folder tree of ``file`` unless
    ``allow_outside`` (default: :func:`outside_allowed`, the command line's
    ``foedus --allow-outside``).
    """
    if allow_outside is None:
        allow_outside = outside_allowed()
    deep = nesting_error(text)
    if deep is not None:
        return None, [], [BookProblem(file, deep[0], "", deep[1])]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(exc, text)
        return None, [], [BookProblem(file, line, "", message)]
    lines = key_lines(text)
    bad = [BookProblem(file, line_of(lines, loc), field_path(loc), "must be a finite number, "
                       f"not {value}") for loc, value in _non_finite(raw)]
    if bad:
        return None, [], bad
    if "base" in raw:
        root = _root if _root is not None else Path(file).parent.resolve()
        raw, problems = _on_base(raw, file, lines, _seen, root, allow_outside)
        if problems:
            return None, [], problems
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        for error in errors:
            # pydantic also reports a list "too short" once its bad items are dropped
            if error["type"] == "too_short" and any(
                    len(e["loc"]) > len(error["loc"])
                    and e["loc"][:len(error["loc"])] == error["loc"] for e in errors):
                continue
            loc = error["loc"]
            if loc[:1] == ("modify",) and len(loc) > 2 and loc[2] in _ACTIONS:
                loc = loc[:2] + loc[3:]  # the union's tag is no key of the file
            loc = tuple(p for p in loc if not (isinstance(p, str) and (
                p.startswith(("function-", "literal[", "tuple[")) or p in {
                    "int", "str", "float"})))
            message = error["msg"].removeprefix("Value error, ")
            problems.append(BookProblem(file, line_of(lines, loc), field_path(loc), message))
        return None, [], list(dict.fromkeys(problems))
    attacks, problems = _resolve(scenario, file, lines)
    return (None if problems else scenario), attacks, problems


def outside_allowed() -> bool:
    """May a scenario's ``base`` lie outside its folder tree? Only when the command line
    says so (``foedus --allow-outside``, which sets ``FOEDUS_ALLOW_OUTSIDE=1``)."""
    return os.environ.get("FOEDUS_ALLOW_OUTSIDE") == "1"


def load_scenario(path: str | Path, *, allow_outside: bool | None = None
                  ) -> tuple[Scenario, list[ResolvedAttack]]:
    """Read and validate a scenario file; raise :class:`ScenarioError` listing every
    problem (file:line: field: message). ``allow_outside``: see :func:`check_scenario`."""
    path = Path(path)
    try:
        text = read_toml_text(path, "scenario")
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    scenario, attacks, problems = check_scenario(text, str(path), allow_outside=allow_outside)
    if problems or scenario is None:
        raise ScenarioError(problems)
    return scenario, attacks


def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
    """A copy of ``scenario`` with dotted fields replaced (``challenger.value=2``,
    ``allies.credibility_shift=-1``, ``draws=1000``), validated again."""
    data = scenario.model_dump(mode="python", exclude_unset=True)
    tables = {"challenger": Challenger, "allies": Allies}
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        model: type[BaseModel] = Scenario
        node = data
        if len(parents) > 1 or (parents and parents[0] not in tables):
            raise FoedusError(f"unknown scenario parameter {dotted!r}: scenario tables are "
                              f"{', '.join(tables)}")
        if parents:
            model = tables[parents[0]]
            node = data.setdefault(parents[0], {})
        if leaf not in model.model_fields or leaf == "attack":
            raise FoedusError(f"unknown scenario parameter {dotted!r}; parameters are the "
                              f"fields of the scenario file, e.g. challenger.value, "
                              f"allies.credibility_shift, challenger.days_to_objective")
        node[leaf] = value
        for _, bad in _non_finite(value):
            raise ScenarioError(f"{dotted}: must be a finite number, not {bad}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise FoedusError(f"{'.'.join(str(p) for p in e['loc'])}: "
                          f"{e['msg'].removeprefix('Value error, ')}") from None
