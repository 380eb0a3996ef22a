"""Modifications of a commitment system: what a counterfactual changes, as data.

A scenario file lists them as ``[[modify]]`` tables, applied in order (format in
``docs/counterfactuals.md``)::

    [[modify]]
    action = "add_member"        # Ukraine joins NATO
    treaty = "NATO"
    state = "UKR"
    from = 2024-01-01            # default: the scenario's date

Actions on the commitments themselves (:func:`apply_modifications` returns a new
:class:`~foedus.model.system.CommitmentSystem`; the system given is never changed):
``add_member``, ``remove_member``, ``end_treaty``, ``suspend`` (a bilateral leg),
``scope`` (an obligation's domains, or its geographic limit lifted), ``decision`` (an
obligation's decision rule), ``forward_forces`` and ``remove_forward_forces``,
``nuclear_guarantee`` (add, or withdraw with ``withdraw = true``). Changes that take effect
on a date split the affected record there, so the system before that date is the
original one: a query or simulation on an earlier date sees no difference.

Actions on what the commitments rest on: ``spending`` (members' military expenditure, a
level in percent of GDP or a real growth path; read by the crisis compiler's capabilities
and by the burden metrics through :func:`spending_scale`) and ``credibility`` (a log-odds
shift of chosen pledges, :class:`foedus.counterfactual.shifts.PledgeShift`).

Every counterfactual fact carries the basis ``counterfactual`` (with the modification's
``note``), so answers never present it as treaty law.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from foedus.counterfactual.shifts import PledgeShift
from foedus.errors import FoedusError
from foedus.model.commitments import (
    Basis,
    DomainCoverage,
    ForwardForce,
    Membership,
    NuclearGuarantee,
    Obligation,
    Suspension,
    Treaty,
)
from foedus.model.vocab import Decision, Domain, ObligationKind

__all__ = ["Modification", "Resolved", "apply_modifications", "credibility_shifts", "describe",
           "resolve_modifications", "spending_scale", "spending_states"]

StateRef = str | int


class _Mod(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    note: str = ""
    start: dt.date | None = Field(default=None, alias="from")


class AddMember(_Mod):
    """``state`` joins ``treaty`` from ``from`` (bound by and owed every obligation whose
    holders and beneficiaries are "every member")."""

    action: Literal["add_member"]
    treaty: str
    state: StateRef


class RemoveMember(_Mod):
    """``state`` leaves ``treaty`` on ``from``: its pledges, and the pledges owed to it,
    end that day."""

    action: Literal["remove_member"]
    treaty: str
    state: StateRef


class EndTreaty(_Mod):
    """``treaty`` ends on ``from`` for every member."""

    action: Literal["end_treaty"]
    treaty: str


class Suspend(_Mod):
    """The leg ``holder`` → ``beneficiary`` of ``treaty`` is suspended from ``from`` to
    ``until`` (open-ended if absent), as the US suspended ANZUS toward New Zealand."""

    action: Literal["suspend"]
    treaty: str
    holder: StateRef
    beneficiary: StateRef
    until: dt.date | None = None


class Scope(_Mod):
    """From ``from``, ``treaty``'s obligation (``obligation`` id, or every defence
    obligation) covers exactly ``domains`` and, with ``anywhere = true``, attacks wherever
    they happen (its geographic scope lifted)."""

    action: Literal["scope"]
    treaty: str
    obligation: str | None = None
    domains: tuple[Domain, ...] | None = None
    anywhere: bool = False

    @model_validator(mode="after")
    def _something(self) -> Scope:
        if self.domains is None and not self.anywhere:
            raise ValueError("scope needs domains = [...] or anywhere = true")
        return self


class DecisionRule(_Mod):
    """From ``from``, ``treaty``'s obligation (or every defence obligation) is decided by
    ``decision`` (``individual``, ``consensus`` or ``majority``)."""

    action: Literal["decision"]
    treaty: str
    obligation: str | None = None
    decision: Decision


class AddForwardForces(_Mod):
    """Forces of ``lead`` (and ``contributors``) stationed in ``host`` under ``treaty`` from
    ``from``: ``size`` troops, reinforcement of the host planned within
    ``reinforcement_days``."""

    action: Literal["forward_forces"]
    treaty: str
    host: StateRef
    lead: StateRef
    contributors: tuple[StateRef, ...] = ()
    size: int = Field(gt=0)
    reinforcement_days: float | None = Field(default=None, ge=0)
    until: dt.date | None = None


class RemoveForwardForces(_Mod):
    """The forward forces of ``treaty`` in ``host`` (only ``lead``'s, if given) leave on
    ``from``."""

    action: Literal["remove_forward_forces"]
    treaty: str
    host: StateRef
    lead: StateRef | None = None


class NuclearGuaranteeMod(_Mod):
    """``guarantor`` extends a nuclear guarantee under ``treaty`` from ``from``, or, with
    ``withdraw = true``, withdraws the ones it extends."""

    action: Literal["nuclear_guarantee"]
    treaty: str
    guarantor: StateRef
    withdraw: bool = False


class Spending(_Mod):
    """Military expenditure of ``states`` (or of ``treaty``'s members on the scenario's
    date): ``level_pct`` of GDP, or real growth of ``growth_pct`` a year from the last year
    on record."""

    action: Literal["spending"]
    states: tuple[StateRef, ...] = ()
    treaty: str | None = None
    level_pct: float | None = Field(default=None, ge=0, le=100)
    growth_pct: float | None = Field(default=None, gt=-100)

    @model_validator(mode="after")
    def _one(self) -> Spending:
        if (self.level_pct is None) == (self.growth_pct is None):
            raise ValueError("spending needs exactly one of level_pct or growth_pct")
        if not self.states and self.treaty is None:
            raise ValueError("spending needs states = [...] or treaty = ...")
        return self


class Credibility(_Mod):
    """Add ``shift`` to the log-odds of the pledges of ``holder`` to ``beneficiary`` under
    ``treaty`` (any left out match every one): sensitivity, not a fact."""

    action: Literal["credibility"]
    shift: float
    holder: StateRef | None = None
    beneficiary: StateRef | None = None
    treaty: str | None = None


Modification = Annotated[
    AddMember | RemoveMember | EndTreaty | Suspend | Scope | DecisionRule | AddForwardForces
    | RemoveForwardForces | NuclearGuaranteeMod | Spending | Credibility,
    Field(discriminator="action")]


@dataclass(frozen=True)
class Resolved:
    """A modification with its states as COW codes, its treaty as an id and its date."""

    spec: Any
    day: dt.date
    treaty: str | None
    states: dict[str, Any]


_STATE_FIELDS = ("state", "holder", "beneficiary", "host", "lead", "guarantor")


def resolve_modifications(mods: Sequence[Any], day: dt.date, system
                          ) -> tuple[list[Resolved], list[tuple[tuple, str]]]:
    """Resolve states (on each modification's date) and treaties; never raises on bad
    input: returns the resolved modifications and ``(field path, message)`` problems."""
    from foedus.data.identities import resolve_state
    from foedus.data.resolve import resolve_alliance
    from foedus.errors import UnknownStateError

    out: list[Resolved] = []
    problems: list[tuple[tuple, str]] = []
    for i, m in enumerate(mods):
        when = m.start or day
        bad = False
        treaty_id = None
        if getattr(m, "treaty", None) is not None:
            try:
                treaty = resolve_alliance(m.treaty, system)
                treaty_id = treaty.id
                superseding = [t.id for t in system.book
                               if any(a in t.atopids for a in treaty.atopids)
                               and t.id != treaty.id]
                if treaty.id.startswith("atop:") and superseding:
                    raise FoedusError(f"{treaty.id} is superseded in the legal view by "
                                      f"{superseding[0]}: modify that one")
            except FoedusError as exc:
                problems.append((("modify", i, "treaty"), str(exc)))
                bad = True
        states: dict[str, Any] = {}
        for name in (*_STATE_FIELDS, "contributors", "states"):
            value = getattr(m, name, None)
            if value is None:
                continue
            many = isinstance(value, tuple)
            codes = []
            for j, v in enumerate(value if many else (value,)):
                try:
                    codes.append(resolve_state(v, on=when).cow)
                except UnknownStateError as exc:
                    path = ("modify", i, name, j) if many else ("modify", i, name)
                    problems.append((path, str(exc)))
                    bad = True
            states[name] = tuple(codes) if many else (codes[0] if codes else None)
        if not bad:
            out.append(Resolved(m, when, treaty_id, states))
    return out, problems


def _basis(m: Resolved) -> Basis:
    return Basis(article="counterfactual", date=m.day, source=m.spec.note)


def _cut(items, day: dt.date, keep) -> list:
    """End at ``day`` the spans for which ``keep`` is false; drop those starting later."""
    out = []
    for x in items:
        if keep(x) or (x.end is not None and x.end <= day):
            out.append(x)
        elif x.start is None or x.start < day:
            out.append(x.model_copy(update={"end": day}))
    return out


def _split(treaty: Treaty, m: Resolved, change) -> Treaty:
    """Split the chosen obligations at the modification's date: the original ends there,
    a changed copy (``<id>~cf``) starts there."""
    wanted = getattr(m.spec, "obligation", None)
    chosen = [o for o in treaty.obligations
              if (o.id == wanted if wanted else o.kind is ObligationKind.DEFENSE)]
    if not chosen:
        what = f"obligation {wanted!r}" if wanted else "defence obligation"
        listed = ", ".join(o.id for o in treaty.obligations) or "none"
        raise FoedusError(f"{treaty.id} has no {what}; its obligations are {listed}")
    out = []
    for o in treaty.obligations:
        if o not in chosen or (o.end is not None and o.end <= m.day):
            out.append(o)
            continue
        if o.start is None or o.start < m.day:
            out.append(o.model_copy(update={"end": m.day}))
        start = max(m.day, o.start) if o.start else m.day
        out.append(o.model_copy(update={"id": f"{o.id}~cf", "start": start,
                                        **change(o, start)}))
    return treaty.model_copy(update={"obligations": tuple(out)})


def _scope(o: Obligation, start: dt.date, m: Resolved) -> dict:
    update = {}
    if m.spec.domains is not None:
        update["domains"] = tuple(DomainCoverage(domain=d, start=start, basis=_basis(m))
                                  for d in m.spec.domains)
    if m.spec.anywhere:
        update.update(scope=None, location_coded=False, location_recorded=True)
    return {"condition": o.condition.model_copy(update=update)}


def _apply(treaty: Treaty, m: Resolved) -> Treaty:
    spec, day, s = m.spec, m.day, m.states
    prov = treaty.provisions
    match spec.action:
        case "add_member":
            if treaty.member_on(s["state"], day):
                raise FoedusError(f"cow:{s['state']} is already a member of {treaty.id} on "
                                  f"{day}")
            member = Membership(state=s["state"], start=day, basis=_basis(m))
            ended = treaty.ended if treaty.ended is None or treaty.ended > day else None
            return treaty.model_copy(update={"members": (*treaty.members, member),
                                             "ended": ended})
        case "remove_member":
            if not any(x.state == s["state"] and (x.end is None or x.end > day)
                       for x in treaty.members):
                raise FoedusError(f"cow:{s['state']} is not a member of {treaty.id} on or "
                                  f"after {day}")
            members = _cut(treaty.members, day, lambda x: x.state != s["state"])
            return treaty.model_copy(update={"members": tuple(members)})
        case "end_treaty":
            return treaty.model_copy(update={
                "members": tuple(_cut(treaty.members, day, lambda x: False)),
                "ended": min(treaty.ended, day) if treaty.ended else day})
        case "suspend":
            leg = Suspension(holder=s["holder"], beneficiary=s["beneficiary"], start=day,
                             end=spec.until, basis=_basis(m))
            return treaty.model_copy(update={"suspensions": (*treaty.suspensions, leg)})
        case "scope":
            return _split(treaty, m, lambda o, start: _scope(o, start, m))
        case "decision":
            return _split(treaty, m, lambda o, start: {"decision": spec.decision})
        case "forward_forces":
            force = ForwardForce(host=s["host"], lead=s["lead"],
                                 contributors=s.get("contributors", ()), size=spec.size,
                                 reinforcement_days=spec.reinforcement_days, start=day,
                                 end=spec.until, basis=_basis(m))
            prov = prov.model_copy(update={"forward_forces": (*prov.forward_forces, force)})
        case "remove_forward_forces":
            hit = [f for f in prov.forward_forces if f.host == s["host"]
                   and (s.get("lead") is None or f.lead == s["lead"]) and
                   (f.end is None or f.end > day)]
            if not hit:
                raise FoedusError(f"{treaty.id} records no forward forces in cow:{s['host']}"
                                  f"{' led by cow:' + str(s['lead']) if s.get('lead') else ''}"
                                  f" on or after {day}")
            prov = prov.model_copy(update={"forward_forces": tuple(
                _cut(prov.forward_forces, day, lambda f: f not in hit))})
        case "nuclear_guarantee":
            if spec.withdraw:
                hit = [g for g in prov.nuclear if g.guarantor == s["guarantor"]]
                if not hit:
                    raise FoedusError(f"cow:{s['guarantor']} extends no nuclear guarantee "
                                      f"under {treaty.id}")
                nuclear = _cut(prov.nuclear, day, lambda g: g not in hit)
            else:
                nuclear = [*prov.nuclear, NuclearGuarantee(guarantor=s["guarantor"],
                                                           start=day, basis=_basis(m))]
            prov = prov.model_copy(update={"nuclear": tuple(nuclear)})
        case _:
            return treaty
    return treaty.model_copy(update={"provisions": prov})


def apply_modifications(system, mods: Sequence[Resolved]):
    """A new commitment system with the modifications applied in order.

    Raises
    ------
    FoedusError
        When a modification does not fit the system (a member added twice, a member
        removed that is not one, an obligation that does not exist …).
    """
    from foedus.model.system import CommitmentSystem

    atop, book = list(system.atop), list(system.book)
    for m in mods:
        if m.spec.action in ("spending", "credibility"):
            continue
        for treaties in (book, atop):
            for k, t in enumerate(treaties):
                if t.id == m.treaty:
                    treaties[k] = _apply(t, m)
    # the system's own crosswalk and historical book (was: the shipped files re-read, with
    # a DeprecationWarning)
    return CommitmentSystem(atop, book, crosswalk=system.crosswalk, history=system.history)


def credibility_shifts(mods: Sequence[Resolved]) -> list[PledgeShift]:
    """The pledge shifts the ``credibility`` modifications ask for."""
    return [PledgeShift(m.spec.shift, m.states.get("holder"), m.states.get("beneficiary"),
                        m.treaty) for m in mods if m.spec.action == "credibility"]


def spending_scale(mods: Sequence[Resolved], system, day: dt.date,
                   burden: dict[int, tuple[int, float]]) -> dict[int, float]:
    """Factor by which each affected state's military expenditure is multiplied.

    ``burden`` maps a state to (last year on record, military expenditure in percent of
    GDP that year). A level *L* gives ``L / burden``; a real growth of *g* percent a year
    gives ``(1 + g/100) ** (year - last year)``, GDP held at its last value. Later
    modifications of the same state replace earlier ones. States without a recorded
    burden cannot be set to a level and are left out (the caller flags them).
    """
    scale: dict[int, float] = {}
    for m in mods:
        if m.spec.action != "spending":
            continue
        states = list(m.states.get("states", ()))
        if m.treaty:
            states += system.treaty(m.treaty).members_on(day)
        for c in dict.fromkeys(states):
            year, pct = burden.get(c, (None, None))
            if m.spec.level_pct is not None:
                if pct:
                    scale[c] = m.spec.level_pct / pct
            elif year is not None:
                scale[c] = (1 + m.spec.growth_pct / 100) ** max(day.year - year, 0)
    return scale


def spending_states(mods: Sequence[Resolved], system, day: dt.date) -> list[int]:
    """Every state a ``spending`` modification names (directly or as a treaty member)."""
    out: list[int] = []
    for m in mods:
        if m.spec.action == "spending":
            out += list(m.states.get("states", ()))
            if m.treaty:
                out += system.treaty(m.treaty).members_on(day)
    return list(dict.fromkeys(out))


def describe(m: Resolved) -> dict:
    """A modification as plain data for answers: its action, date, treaty and fields."""
    fields = m.spec.model_dump(mode="json", exclude={"action", "note", "start"},
                               exclude_none=True, exclude_defaults=True)
    return {"action": m.spec.action, "from": m.day.isoformat(), **fields,
            "treaty": m.treaty, "note": m.spec.note}
