"""The commitment model: treaties, memberships, obligations, conditions and provisions.

Plain, typed, immutable objects (pydantic, frozen) shared by ATOP history and our own book
of contemporary treaties (DESIGN §2-3). Every authored fact carries a :class:`Basis`: the
treaty article (or declaration) and the date it rests on. Dates are calendar dates;
intervals are half-open, ``[start, end)``: a membership that ends on a day no longer binds
on that day, and one that starts on a day binds from that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from foedus.model.vocab import Decision, Domain, Hit, ObligationKind, Response, TreatyKind

__all__ = [
    "Basis",
    "Condition",
    "ConditionClause",
    "DomainCoverage",
    "Exclusion",
    "ForwardForce",
    "Membership",
    "NuclearGuarantee",
    "Obligation",
    "PartnerException",
    "Provisions",
    "ScopeRule",
    "SpendingTarget",
    "Suspension",
    "Treaty",
    "in_span",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def in_span(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether ``day`` lies in the half-open interval ``[start, end)`` (None = unbounded)."""
    return (start is None or start <= day) and (end is None or day < end)


class _Span(_Frozen):
    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> _Span:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def active(self, day: dt.date) -> bool:
        """Whether the fact holds on ``day``."""
        return in_span(day, self.start, self.end)


class Basis(_Frozen):
    """What a fact rests on: an article or declaration, its date, and where it is found."""

    article: str
    date: dt.date | None = None
    source: str = ""

    def __str__(self) -> str:
        when = f" ({self.date.isoformat()})" if self.date else ""
        return f"{self.article}{when}"


class Exclusion(_Span):
    """A spell in which a party is excluded from taking part in a treaty, ``[start, end)``.

    The state stays a party in law (it never denounced the treaty) but neither owes nor is
    owed anything under it while excluded: Cuba and the Rio Treaty from 1962-01-31 (Eighth
    Meeting of Consultation, Res. VI).
    """

    basis: Basis


class Membership(_Span):
    """A state's membership of a treaty, ``[start, end)``.

    ``day_known`` is False where the source gives only the month (ATOP ``dayent`` missing).
    ``excluded`` lists spells in which the party takes no part (:class:`Exclusion`).
    """

    state: int
    basis: Basis | None = None
    day_known: bool = True
    phase: int | None = None
    excluded: tuple[Exclusion, ...] = ()
    note: str = ""

    def participating(self, day: dt.date) -> bool:
        """Whether the state is a party on ``day`` and not excluded from taking part."""
        return self.active(day) and not any(x.active(day) for x in self.excluded)

    def participation_spells(self) -> list[tuple[dt.date | None, dt.date | None]]:
        """The ``[start, end)`` spells in which the state takes part: the membership less
        its exclusions, in order."""
        spells, start = [], self.start
        for x in sorted(self.excluded, key=lambda x: x.start or dt.date.min):
            if x.start is not None and (start is None or x.start > start):
                spells.append((start, x.start))
            start = x.end
            if start is None:
                return spells
        if self.end is None or start is None or start < self.end:
            spells.append((start, self.end))
        return spells


class ScopeRule(_Span):
    """One clause of a geographic scope (the casus foederis is their union).

    A rule covers an attack when all its tests pass:

    - ``hits``: what was struck (territory; forces, vessels, aircraft);
    - ``control``: whose the place must be — ``target`` (the attacked party's own
      territory), ``any_party`` (the territory of any party), or ``none`` (anywhere in the
      regions, e.g. vessels at sea) — and by which title: ``sovereignty``,
      ``administration`` or ``either``;
    - ``regions``: the place must carry one of these region tags (empty: any region);
    - ``states``: the territory of these states whatever its region (Turkey in NATO Art. 6);
    - ``places``: one of these gazetteer places (the Algerian departments of France);
    - ``islands_only`` and ``north_of_tropic``: the NATO Art. 6 islands clause.
    """

    hits: frozenset[Hit]
    control: Literal["target", "any_party", "none"] = "target"
    title: Literal["sovereignty", "administration", "either"] = "sovereignty"
    regions: frozenset[str] = frozenset()
    states: tuple[int, ...] = ()
    places: tuple[str, ...] = ()
    islands_only: bool = False
    north_of_tropic: bool = False
    basis: Basis | None = None
    note: str = ""


class DomainCoverage(_Span):
    """A domain an obligation covers, from when, and whether only case by case."""

    domain: Domain
    case_by_case: bool = False
    basis: Basis | None = None


class ConditionClause(_Frozen):
    """One alternative of a casus foederis written as alternatives (Triple Alliance, 1882:
    an attack by France, Art. II, *or* by two or more Great Powers, Art. III).

    A clause holds for a beneficiary in ``beneficiaries`` (any partner when None) when at
    least ``max(1, min_attackers)`` of the state attackers are among ``adversaries`` (any
    state when ``adversaries`` is None) and, when ``scope`` is given, one of its rules covers
    the attack.
    """

    adversaries: tuple[int, ...] | None = None
    min_attackers: int | None = None
    scope: tuple[ScopeRule, ...] | None = None
    beneficiaries: tuple[int, ...] | None = None
    basis: Basis
    note: str = ""

    def runs_to(self, beneficiary: int) -> bool:
        """Whether the clause can oblige toward ``beneficiary``."""
        return self.beneficiaries is None or beneficiary in self.beneficiaries

    def attackers_hold(self, attackers: tuple[int, ...]) -> bool:
        """Whether the adversary and number-of-attackers parts hold against ``attackers``
        (COW codes of the state attackers)."""
        named = attackers if self.adversaries is None else tuple(
            a for a in attackers if a in self.adversaries)
        return len(named) >= max(1, self.min_attackers or 1)


class Condition(_Frozen):
    """The casus foederis: when the obligation applies.

    ATOP sometimes codes that a condition exists without its content (``defcoloc`` = 1 but
    no location): ``location_recorded`` / ``adversary_recorded`` are then False and the query
    says so instead of guessing. The historical book (:mod:`foedus.model.history`) can give
    that content from the treaty text: a single clause fills ``adversaries``,
    ``min_attackers`` and ``scope``; alternatives go to ``clauses`` (any one suffices; they
    replace the adversary, number and location tests, the other conditions still apply).
    """

    adversaries: tuple[int, ...] | None = None
    adversary_coded: bool = False
    adversary_recorded: bool = True
    nonstate_adversaries: bool = True
    scope: tuple[ScopeRule, ...] | None = None
    location_coded: bool = False
    location_recorded: bool = True
    non_provocation: bool = False
    min_attackers: int | None = None
    attackers_coded: bool = False
    specific_conflict: str | None = None
    conflict_coded: bool = False
    demand_coded: bool = False
    domains: tuple[DomainCoverage, ...] | None = None
    clauses: tuple[ConditionClause, ...] | None = None


class PartnerException(_Span):
    """A partner toward whom an obligation does not hold, ``[start, end)``.

    For ATOP's ``obvary`` members the member record states the obligation toward all
    partners; the published directed dyad-year extract records the partners it excludes.
    """

    partner: int
    basis: Basis | None = None


class Obligation(_Span):
    """What ``holders`` owe ``beneficiaries`` under one article, and when it applies.

    ``holders``/``beneficiaries`` of None mean every member at the date (other than the
    holder itself). Asymmetric obligations (US-Japan) are separate obligations.
    """

    id: str
    kind: ObligationKind
    holders: tuple[int, ...] | None = None
    beneficiaries: tuple[int, ...] | None = None
    article: Basis
    condition: Condition = Field(default_factory=Condition)
    response: Response = Response.DISCRETIONARY
    decision: Decision = Decision.INDIVIDUAL
    exceptions: tuple[PartnerException, ...] = ()
    flags: tuple[str, ...] = ()
    phase: int | None = None
    note: str = ""

    def binds(self, holder: int, beneficiary: int, day: dt.date) -> bool:
        """Whether this obligation runs from ``holder`` to ``beneficiary`` on ``day``
        (membership of both is checked by the treaty)."""
        if holder == beneficiary or not self.active(day):
            return False
        if self.holders is not None and holder not in self.holders:
            return False
        if self.beneficiaries is not None and beneficiary not in self.beneficiaries:
            return False
        return not any(e.partner == beneficiary and e.active(day) for e in self.exceptions)


class Suspension(_Span):
    """A leg of a treaty suspended between two members (ANZUS, US to New Zealand, 1986)."""

    holder: int
    beneficiary: int
    basis: Basis


class ForwardForce(_Span):
    """Allied forces stationed forward in a host state."""

    host: int
    lead: int | None = None
    contributors: tuple[int, ...] = ()
    size: int | None = None
    reinforcement_days: float | None = None
    basis: Basis


class NuclearGuarantee(_Span):
    """A nuclear guarantee extended by ``guarantor``; ``sharing`` lists host states."""

    guarantor: int
    sharing_hosts: tuple[int, ...] = ()
    basis: Basis


class SpendingTarget(_Span):
    """A spending target: ``level_pct`` of GDP (or of defence spending) by a year."""

    level_pct: float
    of: Literal["gdp", "defense_spending"] = "gdp"
    category: str = "total"
    by_year: int | None = None
    basis: Basis


class Provisions(_Frozen):
    """What a treaty provides beyond the obligations themselves.

    ``atop`` keeps ATOP's own codes (intcom, base, milaid, milcon, contrib, organ1, renounce,
    …) as published, so nothing is lost in translation.
    """

    integrated_command: bool | None = None
    bases: bool | None = None
    forward_forces: tuple[ForwardForce, ...] = ()
    nuclear: tuple[NuclearGuarantee, ...] = ()
    intelligence_sharing: bool | None = None
    exercises: bool | None = None
    spending_targets: tuple[SpendingTarget, ...] = ()
    duration_years: float | None = None
    withdrawal_notice_days: int | None = None
    renunciation: str | None = None
    basis: tuple[Basis, ...] = ()
    atop: dict[str, int | None] = Field(default_factory=dict)


class Treaty(_Frozen):
    """A security commitment: who is in it, when, and what they owe.

    ``id`` is ``atop:<atopid>`` or ``book:<slug>``; ``atopids`` crosswalks a book treaty to
    the ATOP alliances it supersedes in the legal view. ``pending`` marks a treaty signed
    but not in force as far as recorded (its members list the states that signed it).
    """

    id: str
    name: str
    kind: TreatyKind = TreatyKind.TREATY
    signed: dt.date | None = None
    in_force: dt.date | None = None
    ended: dt.date | None = None
    atopids: tuple[int, ...] = ()
    members: tuple[Membership, ...]
    obligations: tuple[Obligation, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    provisions: Provisions = Field(default_factory=Provisions)
    assumed_in_force: bool = False
    pending: bool = False
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def aliases(self) -> tuple[str, ...]:
        """The ids the treaty answers to: its own and ``atop:<id>`` for each of its atopids
        (the crosswalk file names a book treaty by either)."""
        return tuple(dict.fromkeys((self.id, *(f"atop:{a}" for a in self.atopids))))

    def member_on(self, state: int, day: dt.date) -> bool:
        """Whether ``state`` takes part in the treaty on ``day`` (a party, not excluded)."""
        return any(m.state == state and m.participating(day) for m in self.members)

    def party_on(self, state: int, day: dt.date) -> bool:
        """Whether ``state`` is a party on ``day``, whether or not it is excluded from
        taking part (:class:`Exclusion`)."""
        return any(m.state == state and m.active(day) for m in self.members)

    def members_on(self, day: dt.date) -> list[int]:
        """The states taking part on ``day``, in order of first appearance."""
        return list(dict.fromkeys(m.state for m in self.members if m.participating(day)))

    def in_force_on(self, day: dt.date) -> bool:
        """Whether the treaty is in force on ``day`` (from ``in_force`` to ``ended``); a
        ``pending`` treaty (signed, its entry into force not recorded) never is."""
        if self.pending:
            return False
        start = self.in_force or self.signed
        return in_span(day, start, self.ended)

    def suspended(self, holder: int, beneficiary: int, day: dt.date) -> Suspension | None:
        """The suspension of the leg ``holder`` → ``beneficiary`` on ``day``, if any."""
        for s in self.suspensions:
            if s.holder == holder and s.beneficiary == beneficiary and s.active(day):
                return s
        return None
