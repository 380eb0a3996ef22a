"""The obligations answer, typed, with its provenance.

Who is bound to act, as ``foedus obligations --json`` prints it (DESIGN §7).

:func:`obligations_answer` is the verb behind ``foedus.obligations`` and the command: it
resolves what the user named (states by date, ``nonstate:NAME``, the place), checks the
date against the view, asks :func:`foedus.query.obligations` and returns an
:class:`ObligationsAnswer`. ``credibility=True`` passes the answer to the credibility
model (:func:`foedus.credibility.score_answer`, the credibility lens's hook) and adds
``probability``, ``probability_interval``, ``outside_record`` and ``support`` to each
obligation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field, PrivateAttr

from foedus._validation import validate_params
from foedus.answer import TypedAnswer
from foedus.data.books import book_paths, crosswalk_path
from foedus.data.identities import resolve_state
from foedus.data.loaders import load_system
from foedus.data.resolve import resolve_actor
from foedus.errors import ParameterError
from foedus.model.events import NonState
from foedus.model.history import history_paths
from foedus.model.states import State
from foedus.model.system import ATOP_END, CommitmentSystem, check_date
from foedus.model.vocab import (
    Decision,
    Domain,
    Hit,
    ObligationKind,
    Response,
    TreatyKind,
    View,
)
from foedus.params import OBLIGATIONS
from foedus.provenance import BookFile, CarriedForward, Provenance, book_files
from foedus.query.obligations import Answer, obligations
from foedus.units import as_day

__all__ = ["ATOP_DATASETS", "BoundJSON", "EventJSON", "InformalJSON", "NotTriggeredJSON",
           "ObligationsAnswer", "StateJSON", "SupportJSON", "TreatyRef", "obligations_answer"]

#: The registered datasets an obligations answer reads.
ATOP_DATASETS = ("atop_alliances", "atop_members", "atop_directed", "cow_states", "capitals")

Reason = Literal["out_of_area", "domain_not_covered", "adversary_not_named", "not_yet_member",
                 "no_longer_member", "leg_suspended", "no_such_obligation", "provoked",
                 "condition_not_recorded", "partner_excluded", "holder_is_attacker",
                 "too_few_attackers", "nested_in", "superseded", "concurrent",
                 "participation_excluded", "not_in_force"]


class StateJSON(TypedAnswer):
    """A state in JSON (DESIGN §7)."""

    cow: int
    iso3: str | None
    abb: str
    name: str

    @classmethod
    def of(cls, state: State) -> StateJSON:
        """From a :class:`~foedus.model.states.State`."""
        return cls(**state.to_json())


class TreatyRef(TypedAnswer):
    """A treaty: id, name, kind, and whether an ATOP alliance is assumed still in force."""

    id: str
    name: str
    kind: TreatyKind
    assumed_in_force: bool


class EventJSON(TypedAnswer):
    """The event asked about, with the defaults that were filled in."""

    attackers: list[StateJSON | str]
    target: StateJSON
    place: str
    hit: Hit
    domain: Domain
    defaults: list[str]


class SupportJSON(TypedAnswer):
    """The record behind a credibility score.

    From :func:`foedus.credibility.model.support`: the cases with the pledge's obligation
    kind, era and casus-foederis class, and whether the interval is prior-dominated (no such
    case).
    """

    kind: Literal["defense", "offense", "neutrality"]
    era: Literal["pre-1945", "post-1945"]
    cf_class: str
    cases: int = Field(ge=0)
    honoured: int = Field(ge=0)
    treaties: int = Field(ge=0)
    wars: int = Field(ge=0)
    cases_kind_era: int = Field(ge=0)
    cases_treaty: int = Field(ge=0)
    prior_dominated: bool
    note: str


class BoundJSON(TypedAnswer):
    """A state bound to act; the credibility keys appear only when it was scored."""

    omit_if_none: ClassVar[frozenset[str]] = frozenset(
        {"probability", "probability_interval", "outside_record", "support"})

    state: StateJSON
    treaty: TreatyRef
    article: str
    kind: ObligationKind
    response: Response
    decision: Decision
    flags: list[str]
    caveats: list[str]
    probability: float | None = None
    probability_interval: list[float | None] | None = None
    outside_record: list[str] | None = None
    support: SupportJSON | None = None
    _scored: bool = PrivateAttr(default=False)

    def _omitted(self, data: dict[str, Any]) -> None:
        if self._scored:  # scored: the keys print even when null (consultation)
            return
        for key in self.omit_if_none:
            data.pop(key, None)


class InformalJSON(TypedAnswer):
    """An informal or ambiguous commitment toward the target."""

    state: StateJSON
    treaty: TreatyRef
    article: str | None
    note: str


class NotTriggeredJSON(TypedAnswer):
    """A treaty involving the target that obliges nobody here, and why."""

    treaty: TreatyRef
    reason: Reason
    sentence: str
    article: str | None
    state: StateJSON | None


class ObligationsAnswer(TypedAnswer):
    """``foedus obligations --json``.

    Who is bound to act, informal commitments, and the treaties involving the target that
    are not triggered, with the reason for each.
    """

    as_of: dt.date
    view: View
    event: EventJSON
    obligations: list[BoundJSON]
    informal: list[InformalJSON]
    not_triggered: list[NotTriggeredJSON]
    notes: list[str]
    provenance: Provenance
    _result: Answer | None = PrivateAttr(default=None)

    @property
    def result(self) -> Answer | None:
        """The query's own answer (model objects), when the answer was computed here."""
        return self._result


def _treaty(t: Any) -> TreatyRef:
    return TreatyRef(id=t.id, name=t.name, kind=t.kind, assumed_in_force=t.assumed_in_force)


def _books() -> list[BookFile]:
    """The book files the answer rests on.

    The treaty books, the crosswalk and the historical book (``history/…``).
    """
    named = [(p.name, p) for p in [*book_paths(), crosswalk_path()]]
    named += [(f"history/{p.name}", p) for p in history_paths()]
    return book_files(named)


def answer_of(result: Answer, *, books: bool = True) -> ObligationsAnswer:
    """The typed answer of a query's :class:`~foedus.query.obligations.Answer`."""
    day = result.event.date
    states: dict[int, StateJSON] = {}

    def state(cow: int) -> StateJSON:
        if cow not in states:
            states[cow] = StateJSON.of(resolve_state(cow, on=day))
        return states[cow]

    e = result.event
    event = EventJSON(
        attackers=[str(a) if isinstance(a, NonState) else state(a) for a in e.attackers],
        target=state(e.target), place=result.place_id, hit=e.hit, domain=e.domain,
        defaults=list(result.defaults))
    bound = [BoundJSON(state=state(b.state), treaty=_treaty(b.treaty),
                       article=str(b.obligation.article.article), kind=b.obligation.kind,
                       response=b.obligation.response, decision=b.obligation.decision,
                       flags=list(b.obligation.flags), caveats=list(b.caveats))
             for b in result.obligations]
    informal = [InformalJSON(state=state(i.state), treaty=_treaty(i.treaty),
                             article=i.obligation.article.article if i.obligation else None,
                             note=i.note) for i in result.informal]
    not_triggered = [NotTriggeredJSON(
        treaty=_treaty(n.treaty), reason=n.reason, sentence=n.sentence,
        article=n.obligation.article.article if n.obligation else None,
        state=state(n.state) if n.state is not None else None) for n in result.not_triggered]
    carried = [CarriedForward(dataset="atop_members", last_day=ATOP_END,
                              what="ATOP alliances in force at its end assumed still in "
                                   "force (treaty.assumed_in_force)")] \
        if day > ATOP_END and any(b.treaty.assumed_in_force for b in result.obligations) \
        else []
    answer = ObligationsAnswer(
        as_of=day, view=result.view, event=event, obligations=bound, informal=informal,
        not_triggered=not_triggered, notes=list(result.notes),
        provenance=Provenance.of(ATOP_DATASETS, view=result.view.value, as_of=day,
                                 books=_books() if books else None,
                                 carried_forward=carried))
    answer._result = result
    return answer


def add_credibility(answer: ObligationsAnswer, system: CommitmentSystem) -> None:
    """Score each bound obligation with the credibility model.

    The credibility lens's :func:`foedus.credibility.score_answer` is the hook;
    consultation pledges stay null.
    """
    from foedus.credibility import score_answer  # the credibility lens, loaded on demand

    if answer.result is None:
        raise ValueError("the answer holds no query result to score")
    scores = score_answer(answer.result, system)
    for entry, s in zip(answer.obligations, scores.itertuples(index=False), strict=True):
        entry.probability = s.probability
        entry.probability_interval = [s.lower, s.upper]
        entry.outside_record = list(s.outside_record)
        entry.support = None if s.support is None else SupportJSON(**s.support)
        entry._scored = True


@validate_params(OBLIGATIONS, caller="obligations")
def obligations_answer(attackers: Sequence[int | str], target: int | str, *,
                       as_of: dt.date | str | int, place: str | None = None,
                       hit: Hit | str | None = None, domain: Domain | str | None = None,
                       view: View | str = View.LEGAL, provoked: bool = False,
                       credibility: bool = False,
                       system: CommitmentSystem | None = None) -> ObligationsAnswer:
    """Who is bound to act if ``attackers`` attack ``target``, there, in that domain, then.

    Parameters
    ----------
    attackers
        The attackers: states (a COW code, an ISO-3 code, ``cow:ABB``, a name; resolved at
        ``as_of``) or non-state actors (``nonstate:NAME``); at least one.
    target
        The state attacked.
    as_of
        The date (a ``datetime.date``, ``YYYY-MM-DD`` or a year, read as 1 July).
    place
        Where (a gazetteer id, name or alias); default the target's homeland.
    hit
        What was struck (``territory``, ``forces``, ``vessels``, ``aircraft``); default
        territory on the target's own soil, else forces (vessels at a maritime feature).
    domain
        ``land``, ``sea``, ``air``, ``cyber``, ``space`` or ``hybrid``; default land (sea
        for vessels, air for aircraft).
    view
        ``legal`` (our book first, the crosswalk applied) or ``atop`` (ATOP 5.1 as
        published, to 2018).
    provoked
        Whether the target provoked the attack.
    credibility
        Add the probability that each obligation is honoured (the credibility model).
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    ObligationsAnswer
        ``obligations`` (each state bound, with treaty, article, kind, response and decision
        rule; with ``credibility``, ``probability`` in [0, 1] and its interval),
        ``informal``, ``not_triggered`` (with a reason code and a sentence), ``notes`` and
        ``provenance``; ``to_json()`` is the command's ``--json``.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type or outside its choices.
    DateOutOfRangeError
        For a date before 1815, or after 2018 in the ATOP view.
    UnknownStateError
        For an attacker or target that denotes no state at the date.
    UnknownPlaceError
        For a place the gazetteer does not know.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> answer = obligations_answer(["RUS"], "EST", as_of="2024-06-01")
    >>> "book:nato" in {o.treaty.id for o in answer.obligations}
    True
    """
    if not attackers:
        raise ParameterError("The 'attackers' parameter of obligations must name at least "
                             "one attacker. Got [] instead.")
    day: dt.date = as_day(as_of, name="as_of")  # type: ignore[assignment]
    check_date(day, view)
    actors = [resolve_actor(a, day) for a in attackers]
    target_cow = resolve_state(target, on=day).cow
    system = system or load_system()
    result = obligations(system, as_of=day,
                         attackers=[a if isinstance(a, NonState) else a.cow for a in actors],
                         target=target_cow, place=place, hit=Hit(hit) if hit else None,
                         domain=Domain(domain) if domain else None, view=View(view),
                         provoked=provoked)
    answer = answer_of(result)
    if credibility:
        add_credibility(answer, system)
    return answer
