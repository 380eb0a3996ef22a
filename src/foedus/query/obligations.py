"""Who is bound to act if an attacker strikes a target, there, in that domain, on that date.

The query walks every treaty in force that involves the target and decides, for each
obligation and each obligated state, whether the casus foederis is met: membership on the
date, suspended legs and partner exceptions, the named adversary, non-provocation, the
geographic scope (against the gazetteer's dated sovereignty and administration), and the
domains covered on that date. The answer has three parts (issue 3): the states bound to act,
informal or ambiguous commitments, and the treaties that involve the target but are not
triggered, each with a reason code and a sentence.

Reason codes: ``out_of_area``, ``domain_not_covered``, ``adversary_not_named``,
``not_yet_member``, ``no_longer_member``, ``leg_suspended``, ``no_such_obligation``,
``provoked``, ``condition_not_recorded`` (ATOP codes a condition whose content it does not
record: the obligation may or may not apply), ``partner_excluded`` (ATOP records that this
member's obligation does not run to the target), ``holder_is_attacker``, ``too_few_attackers``;
and, in the legal view, from the crosswalk (:mod:`foedus.model.crosswalk`): ``nested_in``
(the obligation is carried by another treaty, which answers for it), ``superseded`` (replaced
by another treaty from a date) and ``concurrent`` (the same state is bound to the target by a
stronger concurrent pledge, which is the one counted); from the book: ``participation_excluded``
(the target is a party excluded from taking part: Cuba and the Rio Treaty) and
``not_in_force`` (a treaty signed but not in force as far as recorded).

Defaults (reported in ``Answer.defaults``, printed by the command): the place is the target's
homeland; the hit is ``vessels`` at a maritime feature that is not land territory (a reef or
low-tide elevation, gazetteer kind ``feature``), else ``territory`` where the target is
sovereign or administers the place on the date, else ``forces``; the domain is ``land``
(``sea`` for vessels, ``air`` for aircraft).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from numbers import Integral

from foedus._validation import Interval, Options, TypeOf, validate_params
from foedus.data import loaders
from foedus.data.prebuilt import StoredSystem
from foedus.errors import ParameterError
from foedus.model.commitments import Condition, Obligation, ScopeRule, Treaty
from foedus.model.events import Event, NonState
from foedus.model.places import Place
from foedus.model.system import CommitmentSystem, Pledge, Snapshot
from foedus.model.vocab import Domain, Hit, ObligationKind, TreatyKind, View

__all__ = ["Answer", "Asker", "Bound", "Informal", "NotTriggered", "obligations"]

#: Obligation kinds that bind a third state when the target is attacked.
_TRIGGERED_KINDS = (ObligationKind.DEFENSE, ObligationKind.NEUTRALITY,
                    ObligationKind.CONSULTATION)
_INFORMAL = (TreatyKind.INFORMAL, TreatyKind.ASSURANCE)


@dataclass(frozen=True)
class Bound:
    """A state bound to act: by which treaty, article, obligation, response and rule."""

    state: int
    treaty: Treaty
    obligation: Obligation
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Informal:
    """An informal or ambiguous commitment toward the target."""

    state: int
    treaty: Treaty
    obligation: Obligation | None
    note: str


@dataclass(frozen=True)
class NotTriggered:
    """A treaty involving the target that does not oblige anyone here, and why."""

    treaty: Treaty
    reason: str
    sentence: str
    obligation: Obligation | None = None
    state: int | None = None


@dataclass(frozen=True)
class Answer:
    """The answer to an obligations query."""

    event: Event
    view: View
    place_id: str
    defaults: tuple[str, ...]
    obligations: tuple[Bound, ...]
    informal: tuple[Informal, ...]
    not_triggered: tuple[NotTriggered, ...]
    notes: tuple[str, ...] = field(default=())


def _controller(place, day: dt.date, title: str) -> set[int]:
    owners: set[int | None] = set()
    if title in ("sovereignty", "either"):
        owners.add(place.sovereign_on(day))
    if title in ("administration", "either"):
        owners.add(place.administrator_on(day))
    return {o for o in owners if o is not None}


@validate_params({"rule": [TypeOf(ScopeRule, "a ScopeRule")],
                  "event": [TypeOf(Event, "an Event")],
                  "place": [TypeOf(Place, "a gazetteer Place")],
                  "parties": [TypeOf((list, tuple, set, frozenset), "a list of COW codes")]})
def rule_covers(rule: ScopeRule, event: Event, place: Place, parties: list[int]) -> bool:
    """Whether one scope clause covers the event's hit at its place on its date.

    Parameters
    ----------
    rule
        A scope clause of an obligation's condition (its dates, hits, control, title,
        regions, states, places, islands and the Tropic of Cancer).
    event
        The attack.
    place
        The gazetteer place it strikes (its dated sovereignty and administration).
    parties
        The treaty's members on the date (for a clause on any party's territory).

    Returns
    -------
    bool
        True when the clause is active on the date and every one of its tests passes.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> import datetime as dt
    >>> from foedus.model.commitments import Basis
    >>> from foedus.model.places import Place, Spell
    >>> est = Place(id="homeland:EST", name="Estonia", kind="homeland", homeland_of=366,
    ...             regions=["europe"], is_island=False, lat=59.4, lon=24.7, sources=["x"],
    ...             sovereignty=[Spell(state=366, source="COW")])
    >>> art6 = ScopeRule(hits=frozenset({"territory"}), regions=frozenset({"europe"}),
    ...                  basis=Basis(article="Art. 6"))
    >>> e = Event(date=dt.date(2024, 6, 1), attackers=(365,), target=366)
    >>> rule_covers(art6, e, est, [2, 366])
    True
    """
    return _covers(rule, event, place, parties)


def _covers(rule: ScopeRule, event: Event, place, parties: list[int]) -> bool:
    """:func:`rule_covers` without the parameter checks (the query's own calls)."""
    day = event.date
    if not rule.active(day) or event.hit not in rule.hits:
        return False
    if rule.places and place.id not in rule.places:
        return False
    owners = _controller(place, day, rule.title)
    if rule.states and not owners & set(rule.states):
        return False
    if rule.control == "target" and event.target not in owners:
        return False
    if rule.control == "any_party" and not owners & set(parties):
        return False
    if rule.regions and not rule.regions & set(place.regions):
        return False
    if rule.islands_only and not place.is_island:
        return False
    return not (rule.north_of_tropic and not place.north_of_tropic_of_cancer)


def _domain_check(obligation: Obligation, event: Event) -> tuple[bool, tuple[str, ...]]:
    coverage = obligation.condition.domains
    if coverage is None:
        return True, ()
    for c in coverage:
        if c.domain is event.domain and c.active(event.date):
            caveat = (f"{event.domain.value} covered case by case since "
                      f"{c.start} ({c.basis})",) if c.case_by_case else ()
            return True, caveat
    return False, ()


class _Decider:
    """Decides one obligation of one treaty for the event; collects the three lists."""

    def __init__(self, event: Event, place, snapshot: Snapshot,
                 system: CommitmentSystem, memo: _Memo | None = None) -> None:
        self.event, self.place, self.snapshot, self.system = event, place, snapshot, system
        self.memo = memo if memo is not None else _Memo(snapshot, system)
        self.bound: list[Bound] = []
        self.informal: list[Informal] = []
        self.not_triggered: list[NotTriggered] = []

    def skip(self, treaty: Treaty, reason: str, sentence: str,
             obligation: Obligation | None = None, state: int | None = None) -> None:
        self.not_triggered.append(NotTriggered(treaty, reason, sentence, obligation, state))

    def treaty(self, treaty: Treaty) -> None:
        e, day = self.event, self.event.date
        spells = [m for m in treaty.members if m.state == e.target]
        if treaty.pending:
            self.skip(treaty, "not_in_force", f"{treaty.name} was signed on {treaty.signed} "
                      "and is not in force as far as recorded here")
            return
        if treaty.party_on(e.target, day) and not treaty.member_on(e.target, day):
            spell = next(x for m in spells if m.active(day) for x in m.excluded
                         if x.active(day))
            self.skip(treaty, "participation_excluded", f"the target is a party to "
                      f"{treaty.name} but excluded from taking part since {spell.start} "
                      f"({spell.basis})")
            return
        if not treaty.member_on(e.target, day):
            if all(m.start is not None and m.start > day for m in spells):
                first = min(m.start for m in spells)
                self.skip(treaty, "not_yet_member",
                          f"the target joins {treaty.name} only on {first}")
            else:
                last = max((m.end for m in spells if m.end is not None), default=None)
                self.skip(treaty, "no_longer_member",
                          f"the target left {treaty.name} on {last}" if last else
                          f"the target is not a member of {treaty.name} on {day}")
            return
        relevant = self.memo.relevant(treaty)
        if not relevant:
            self.skip(treaty, "no_such_obligation",
                      f"{treaty.name} carries no defence, neutrality or consultation "
                      f"obligation toward the target on {day}")
            return
        before = self._count()
        for obligation in relevant:
            self.obligation(treaty, obligation)
        if self._count() == before:
            self.skip(treaty, "no_such_obligation",
                      f"no member of {treaty.name} owes the target a defence, neutrality or "
                      f"consultation obligation on {day}")

    def _count(self) -> int:
        return len(self.bound) + len(self.informal) + len(self.not_triggered)

    def obligation(self, treaty: Treaty, o: Obligation) -> None:
        e, day = self.event, self.event.date
        members = self.memo.members_on(treaty)
        holders = [h for h in members if h != e.target
                   and (o.holders is None or h in o.holders)]
        if not holders:  # held by the target itself, or by no member on this day
            return
        if o.beneficiaries is not None and e.target not in o.beneficiaries:
            self.skip(treaty, "no_such_obligation",
                      f"{o.article}: this {o.kind.value} obligation is not owed to the target",
                      o)
            return
        decision = self.memo.displaced(treaty, o)
        if decision is not None:
            other = self.memo.find(decision.other)
            name = f"{other.name} ({other.id})" if other else decision.other
            if decision.relation.value == "nested_in":
                self.skip(treaty, "nested_in", f"{o.article}: this {o.kind.value} obligation "
                          f"is carried by {name}, which answers for it (crosswalk: nested_in; "
                          "a state outside it keeps no such leg)", o)
            else:
                self.skip(treaty, "superseded", f"{o.article}: superseded by {name} from "
                          f"{decision.start} (crosswalk: superseded_by)", o)
            return
        reason = self.condition_reason(treaty, o, members)
        if reason is not None:
            self.skip(treaty, reason[0], reason[1], o)
            return
        ok, caveats = self.memo.domain_check(o, e)
        if not ok:
            self.skip(treaty, "domain_not_covered",
                      f"{o.article}: the {e.domain.value} domain is not covered on {day}", o)
            return
        state_attackers = e.state_attackers
        for h in holders:
            if h in state_attackers:
                self.skip(treaty, "holder_is_attacker",
                          f"{o.article}: the obligated state is itself the attacker", o, h)
                continue
            suspension = treaty.suspended(h, e.target, day)
            if suspension is not None:
                self.skip(treaty, "leg_suspended",
                          f"{o.article}: this leg has been suspended since "
                          f"{suspension.start} ({suspension.basis})", o, h)
                continue
            if not o.binds(h, e.target, day):
                self.skip(treaty, "partner_excluded",
                          f"{o.article}: ATOP records that this member's obligation does not "
                          "run to the target", o, h)
                continue
            if treaty.kind in _INFORMAL:
                self.informal.append(Informal(h, treaty, o, o.note or treaty.note))
            else:
                self.bound.append(Bound(h, treaty, o, caveats))

    def clauses_reason(self, o: Obligation, c: Condition,
                       members: list[int]) -> tuple[str, str] | None:
        """None if one of the condition's alternative clauses holds, else why none does."""
        e, failed = self.event, []
        clauses = [cl for cl in c.clauses or () if cl.runs_to(e.target)]
        if not clauses:
            return ("no_such_obligation", f"{o.article}: no alternative of the casus foederis "
                    "runs to the target (" + "; ".join(str(cl.basis) for cl in c.clauses or ())
                    + ")")
        for clause in clauses:
            if not clause.attackers_hold(e.state_attackers):
                named = clause.adversaries is None or bool(
                    set(e.state_attackers) & set(clause.adversaries))
                code = "too_few_attackers" if named else "adversary_not_named"
            elif clause.scope is not None and not any(
                    _covers(r, e, self.place, members) for r in clause.scope):
                code = "out_of_area"
            else:
                return None
            failed.append((code, str(clause.basis)))
        return (failed[0][0], f"{o.article}: none of the alternatives of the casus foederis "
                f"holds ({'; '.join(f'{b}: {code}' for code, b in failed)})")

    def condition_reason(self, treaty: Treaty, o: Obligation,
                         members: list[int]) -> tuple[str, str] | None:
        """None if the casus foederis holds for the event, else the code and the sentence.

        A condition without alternatives or scope does not depend on the target or the
        place: it is decided once per obligation, attackers and provocation.
        """
        c = o.condition
        if c.clauses is not None or c.scope is not None:
            return self._condition_reason(treaty, o, members)
        key = (id(o), self.event.attackers, self.event.provoked)
        held = self.memo.reasons.get(key)
        if held is None or held[0] is not o:
            held = self.memo.reasons[key] = (o, self._condition_reason(treaty, o, members))
        return held[1]

    def _condition_reason(self, treaty: Treaty, o: Obligation,
                          members: list[int]) -> tuple[str, str] | None:
        e, c = self.event, o.condition
        if c.clauses is not None:
            reason = self.clauses_reason(o, c, members)
            if reason is not None:
                return reason
        elif c.adversary_coded:
            if not c.adversary_recorded:
                return ("condition_not_recorded", f"{o.article}: the obligation is limited to "
                        "named adversaries that ATOP does not record; it may or may not apply")
            named = set(c.adversaries or ())
            if not set(e.state_attackers) & named:
                return ("adversary_not_named",
                        f"{o.article}: the obligation applies only against named adversaries")
        if not c.nonstate_adversaries and any(isinstance(a, NonState) for a in e.attackers) \
                and not e.state_attackers:
            return ("adversary_not_named",
                    f"{o.article}: the obligation covers attacks by states only")
        if c.non_provocation and e.provoked:
            return ("provoked", f"{o.article}: the obligation holds only if the target did "
                    "not provoke the attack")
        free = c.clauses is None
        if free and c.min_attackers is not None and len(e.attackers) < c.min_attackers:
            return ("too_few_attackers", f"{o.article}: the obligation requires at least "
                    f"{c.min_attackers} attackers")
        unrecorded = [label for coded, label in (
            (free and c.location_coded and not c.location_recorded and c.scope is None,
             "a location"),
            (free and c.attackers_coded and c.min_attackers is None, "a number of attackers"),
            (c.conflict_coded and not c.specific_conflict, "a specific conflict"),
            (c.demand_coded, "non-compliance with a demand"),
        ) if coded]
        if unrecorded:
            summary = ("location condition coded; location not recorded"
                       if "a location" in unrecorded else "condition coded; content not recorded")
            return ("condition_not_recorded", f"{o.article}: ATOP codes a condition on "
                    f"{' and '.join(unrecorded)} but does not record it ({summary}); "
                    "the obligation may or may not apply")
        if free and c.scope is not None and not any(_covers(r, e, self.place, members)
                                                    for r in c.scope):
            where = self.place.name
            return ("out_of_area", f"{o.article}: an attack on {e.hit.value} at {where} on "
                    f"{e.date} lies outside the treaty area")
        return None


def _default_domain(hit: Hit) -> Domain:
    return {Hit.VESSELS: Domain.SEA, Hit.AIRCRAFT: Domain.AIR}.get(hit, Domain.LAND)


@validate_params({"system": [TypeOf(CommitmentSystem, "a CommitmentSystem")],
                  "as_of": [TypeOf(dt.date, "a datetime.date")],
                  "attackers": [TypeOf((list, tuple), "a list of COW codes or NonState")],
                  "target": [Interval(Integral, 1, None)], "place": [str, None],
                  "hit": [Options(str, tuple(Hit)), None],
                  "domain": [Options(str, tuple(Domain)), None],
                  "view": [Options(str, tuple(View))], "provoked": [bool]})
def obligations(system: CommitmentSystem, *, as_of: dt.date, attackers: list[int | NonState],
                target: int, place: str | None = None, hit: Hit | None = None,
                domain: Domain | None = None, view: View = View.LEGAL,
                provoked: bool = False) -> Answer:
    """Who is bound to act if ``attackers`` attack ``target``: the obligations query.

    Defaults (each reported in ``Answer.defaults``): the place is the target's homeland;
    the hit is ``vessels`` at a maritime feature that is not land territory (gazetteer kind
    ``feature``), else ``territory`` when the place is the target's sovereign or
    administered territory on the date, else ``forces``; the domain is ``land`` (``sea`` for
    vessels, ``air`` for aircraft). The crosswalk applies in the legal view (module notes).

    Parameters
    ----------
    system
        The commitment system (:func:`foedus.data.loaders.load_system`).
    as_of
        The date.
    attackers
        COW codes and non-state actors.
    target
        The COW code of the state attacked.
    place, hit, domain
        Where, what was struck and in which domain (defaults above).
    view
        ``legal`` or ``atop``.
    provoked
        Whether the target provoked the attack.

    Returns
    -------
    Answer
        The states bound (with treaty, obligation and caveats), informal commitments, the
        treaties not triggered with a reason code, the defaults filled in and notes;
        :func:`foedus.obligations` gives the typed answer.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type or outside its choices, or a target among the
        attackers.
    DateOutOfRangeError
        For a date before 1815, or after ATOP's end in the ATOP view.
    UnknownPlaceError
        For a place the gazetteer does not know.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> from foedus.data.loaders import load_system
    >>> a = obligations(load_system(), as_of=dt.date(2024, 6, 1), attackers=[365], target=366)
    >>> 2 in {b.state for b in a.obligations if b.treaty.id == "book:nato"}
    True
    """
    return Asker(system, as_of, view).ask(attackers=attackers, target=target, place=place,
                                          hit=hit, domain=domain, provoked=provoked)


class _Memo:
    """What every query on one snapshot shares, each computed once.

    The treaties each state belongs to, each treaty's members on the day and the crosswalk's
    concurrent treaties: each a pure function of the snapshot.
    """

    def __init__(self, snapshot: Snapshot, system: CommitmentSystem | None = None) -> None:
        self.snapshot = snapshot
        self.system = system
        self._involving: dict[int, list[Treaty]] | None = None
        self._members: dict[int, tuple[Treaty, list[int]]] = {}
        self.concurrent: dict = {}  # Snapshot.stronger_concurrent's look-ups
        self._in_force: set[str] | None = None
        # keyed by id(): each entry keeps its objects, so that an id is never reused
        self._relevant: dict[int, tuple[Treaty, list[Obligation]]] = {}
        self._displaced: dict[tuple[int, int], tuple[Treaty, Obligation, object]] = {}
        self._domains: dict[tuple[int, Domain], tuple[Obligation, tuple]] = {}
        self._members_of: dict[int, tuple[int, ...]] | None = None
        self.reasons: dict[tuple, tuple] = {}  # _Decider.condition_reason's
        self._found: dict[str, Treaty | None] = {}

    def relevant(self, treaty: Treaty) -> list[Obligation]:
        """The treaty's obligations that bind a third state, active on the day.

        Those of :data:`_TRIGGERED_KINDS` (read only).
        """
        held = self._relevant.get(id(treaty))
        if held is None or held[0] is not treaty:
            day = self.snapshot.day
            held = self._relevant[id(treaty)] = (treaty, [
                o for o in treaty.obligations if o.kind in _TRIGGERED_KINDS and o.active(day)])
        return held[1]

    def displaced(self, treaty: Treaty, o: Obligation):
        """:meth:`Snapshot.displaced` (the crosswalk's decision on the day)."""
        key = (id(treaty), id(o))
        held = self._displaced.get(key)
        if held is None or held[0] is not treaty or held[1] is not o:
            held = self._displaced[key] = (treaty, o, self.snapshot.displaced(treaty, o))
        return held[2]

    def find(self, ref: str) -> Treaty | None:
        """``system.find(ref)`` (each reference looked up once)."""
        if ref not in self._found:
            self._found[ref] = self.system.find(ref)
        return self._found[ref]

    def domain_check(self, o: Obligation, event: Event) -> tuple[bool, tuple[str, ...]]:
        """:func:`_domain_check` (the event's date is the snapshot's day)."""
        key = (id(o), event.domain)
        held = self._domains.get(key)
        if held is None or held[0] is not o:
            held = self._domains[key] = (o, _domain_check(o, event))
        return held[1]

    def members_of(self, state: int, view: View | str) -> tuple[Treaty, ...]:
        """``system.members_of(state, view)``, the same treaties in the same order.

        For the store's system (:class:`foedus.data.prebuilt.StoredSystem`), from an index
        of every state's records made once.
        """
        system = self.system
        if not isinstance(system, StoredSystem):
            return system.members_of(state, view)
        if self._members_of is None:
            index: dict[int, list[int]] = {}
            for n in system._numbers(view, False):
                for s in system._members[n]:
                    index.setdefault(s, []).append(n)
            self._members_of = {s: tuple(ns) for s, ns in index.items()}
        return tuple(system._get(n) for n in self._members_of.get(state, ()))

    def in_force(self) -> set[str]:
        """The ids of the snapshot's treaties (read only)."""
        if self._in_force is None:
            self._in_force = {t.id for t in self.snapshot.treaties}
        return self._in_force

    def involving(self, state: int) -> list[Treaty]:
        """As :meth:`Snapshot.involving`, from an index of every state's treaties."""
        if self._involving is None:
            index: dict[int, list[Treaty]] = {}
            for t in self.snapshot.treaties:
                for member in dict.fromkeys(m.state for m in t.members):
                    index.setdefault(member, []).append(t)
            self._involving = index
        return list(self._involving.get(state, ()))

    def members_on(self, treaty: Treaty) -> list[int]:
        """``treaty.members_on(day)`` (read only: shared between the queries)."""
        held = self._members.get(id(treaty))
        if held is None or held[0] is not treaty:
            held = self._members[id(treaty)] = (treaty, treaty.members_on(self.snapshot.day))
        return held[1]


class Asker:
    """The obligations query asked many times on one date in one view.

    A crisis compile asks it for every state drawn in: the snapshot of the treaties in force
    and what the queries share (:class:`_Memo`) are made once; each :meth:`ask` gives the
    answer :func:`obligations` gives for the same arguments.

    Parameters
    ----------
    system
        The commitment system.
    as_of
        The date.
    view
        ``legal`` or ``atop``.
    """

    def __init__(self, system: CommitmentSystem, as_of: dt.date,
                 view: View | str = View.LEGAL) -> None:
        self.system, self.as_of, self.view = system, as_of, view
        self._memo: _Memo | None = None
        self._gazetteer = None

    def _shared(self) -> _Memo:
        if self._memo is None:
            self._memo = _Memo(self.system.as_of(self.as_of, self.view), self.system)
        return self._memo

    def ask(self, *, attackers: list[int | NonState], target: int, place: str | None = None,
            hit: Hit | None = None, domain: Domain | None = None,
            provoked: bool = False, not_in_force: bool = True) -> Answer:
        """The answer of :func:`obligations` for these arguments on the asker's date and view.

        Parameters
        ----------
        attackers, target, place, hit, domain, provoked
            As :func:`obligations` (not validated again here).
        not_in_force
            Also decide the target's treaties that are not in force on the date. Each of
            them only adds a reason it is not triggered (``not_in_force``,
            ``not_yet_member`` or ``no_longer_member``): a treaty the target takes part in
            on the date is in force then (:meth:`CommitmentSystem.as_of`). False leaves
            them out, for a caller that reads only the obligations (the crisis compile's
            closure: the store's system then need not unpickle them).

        Returns
        -------
        Answer
            As :func:`obligations` (with ``not_in_force=False``, less those reasons).

        Raises
        ------
        ParameterError
            For a target among the attackers.
        """
        system, as_of, view = self.system, self.as_of, self.view
        if target in attackers:
            raise ParameterError(f"the target ({target}) is also an attacker: a state does not "
                                 "attack itself.")
        if self._gazetteer is None:
            self._gazetteer = loaders.gazetteer()
        gazetteer = self._gazetteer
        defaults = []
        where = gazetteer.find(place) if place else gazetteer.homeland(target)
        if place is None:
            defaults.append(f"place: {where.name} (the target's homeland)")
        if hit is None and where.kind == "feature":
            hit = Hit.VESSELS
            defaults.append(f"hit: vessels ({where.name} is a maritime feature, not land "
                            "territory: an attack there strikes vessels, in the sea domain)")
        elif hit is None:
            own = target in {where.sovereign_on(as_of), where.administrator_on(as_of)}
            hit = Hit.TERRITORY if own else Hit.FORCES
            defaults.append(f"hit: {hit.value}")
        if domain is None:
            domain = _default_domain(hit)
            defaults.append(f"domain: {domain.value}")
        event = Event(date=as_of, attackers=tuple(attackers), target=target, hit=hit,
                      place=where.id, domain=domain, provoked=provoked)
        memo = self._shared()
        snapshot = memo.snapshot
        decider = _Decider(event, where, snapshot, system, memo)
        for treaty in memo.involving(target):
            decider.treaty(treaty)
        if not_in_force:
            in_force = memo.in_force()
            for treaty in memo.members_of(target, view):  # not in force yet or any more
                if treaty.id not in in_force:
                    decider.treaty(treaty)
        bound, concurrent = _count_concurrent(decider.bound, snapshot, target, memo.concurrent)
        notes = list(snapshot.notes)
        if any(b.treaty.assumed_in_force for b in bound):
            notes.append("some obligations come from ATOP alliances assumed still in force "
                         "after 2018")
        return Answer(event, View(view), where.id, tuple(defaults), tuple(bound),
                      tuple(decider.informal),
                      tuple(_collapse(decider.not_triggered + concurrent)), tuple(notes))


def _count_concurrent(bound: list[Bound], snapshot: Snapshot, target: int,
                      cache: dict | None = None) -> tuple[list[Bound], list[NotTriggered]]:
    """Of two concurrent pledges binding one state to the target, drop the weaker.

    The crosswalk declares them concurrent; the weaker leaves the list of states bound, with
    the reason ``concurrent``.
    """
    # only pledges of one holder, beneficiary and kind can be concurrent: each is compared
    # with its own leg's, in the same order (the same answer as with the whole list)
    count: dict[tuple, int] = {}
    for b in bound:
        count[b.state, b.obligation.kind] = count.get((b.state, b.obligation.kind), 0) + 1
    pledges = [Pledge(b.treaty, b.obligation, b.state, target)
               if count[b.state, b.obligation.kind] > 1 else None for b in bound]
    legs: dict[tuple, list[Pledge]] = {}
    for p in pledges:
        if p is not None:
            legs.setdefault((p.holder, p.beneficiary, p.obligation.kind), []).append(p)
    kept, moved = [], []
    for b, p in zip(bound, pledges, strict=True):
        # a pledge alone in its leg has no rival (Snapshot.stronger_concurrent: None)
        stronger = None if p is None else snapshot.stronger_concurrent(
            p, legs[p.holder, p.beneficiary, p.obligation.kind], cache)
        if stronger is None:
            kept.append(b)
        else:
            moved.append(NotTriggered(
                b.treaty, "concurrent", f"{b.obligation.article}: also bound under "
                f"{stronger.treaty.name}, {stronger.obligation.article}; concurrent pledges "
                "are counted once, under the stronger (crosswalk: concurrent)",
                b.obligation, b.state))
    return kept, moved


def _collapse(items: list[NotTriggered]) -> list[NotTriggered]:
    seen, out = set(), []
    for item in items:
        key = (item.treaty.id, item.reason, item.obligation.id if item.obligation else None,
               item.state)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
