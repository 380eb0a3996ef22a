"""The commitment system: every treaty of ATOP and of our book, and the set in force at a
date under either view (DESIGN §2).

- The **ATOP view** is ATOP 5.1 as published (per-partner obligations of ``obvary`` members
  from ATOP's directed extract); it ends on 2018-12-31. Nothing of ours touches it.
- The **legal view** puts our book first: a book treaty supersedes the ATOP alliances it
  crosswalks (``atopids``), and ATOP alliances still in force at the end of 2018 are carried
  forward, flagged ``assumed_in_force``. Two more layers apply to it:

  * the crosswalk (``books/crosswalk.toml``, :mod:`foedus.model.crosswalk`): a leg
    ``nested_in`` or ``superseded_by`` another treaty is not a pledge of its own, and of two
    ``concurrent`` pledges from one holder to one beneficiary (same kind) only the stronger
    is counted (:func:`pledge_strength`), so that nothing is counted twice;
  * the historical book (``books/history/*.toml``, :mod:`foedus.model.history`): the
    *content* of conditions ATOP codes without recording it (named adversaries, locations,
    numbers of attackers), from the treaty texts. It changes no member, date or obligation.

- **ATOP with history** (for the reliability opportunities, which must keep ATOP's members,
  dates and obligations): ``system.as_of(day, view="atop", history=True)`` or
  ``system.treaties("atop", history=True)`` give the ATOP view with the historical book's
  condition content applied, and nothing else changed; the plain ATOP view stays exactly
  ATOP.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foedus._deprecation import warn_moved
from foedus.errors import DateOutOfRangeError, UnknownTreatyError
from foedus.model.commitments import Obligation, Treaty, in_span
from foedus.model.history import HistoryEntry, apply_history
from foedus.model.vocab import Decision, Response, TreatyKind, View
from foedus.registry import check_day, dataset

if TYPE_CHECKING:
    from foedus.model.crosswalk import Crosswalk, CrosswalkDecision

__all__ = ["ATOP_END", "EARLIEST", "CommitmentSystem", "Pledge", "Snapshot", "check_date",
           "pledge_strength"]

#: The first day of foedus's alliance data and the last day of ATOP 5.1 (and so of the ATOP
#: view), read from the registry's coverage of the member file.
EARLIEST: dt.date = dataset("atop_members").first_day  # type: ignore[assignment]
ATOP_END: dt.date = dataset("atop_members").last_day  # type: ignore[assignment]

_RESPONSE_RANK = {Response.AUTOMATIC: 3, Response.DISCRETIONARY: 2, Response.CONSULT: 1}
_DECISION_RANK = {Decision.INDIVIDUAL: 3, Decision.MAJORITY: 2, Decision.CONSENSUS: 1}


def pledge_strength(treaty: Treaty, obligation: Obligation) -> tuple:
    """Sort key of a pledge's strength, used to pick the one of two ``concurrent`` pledges
    that is counted: the response (automatic > discretionary > consult), then the decision
    rule (each state > majority > consensus), then a formal treaty over an informal
    commitment, then our book over ATOP (the book reads the text; the ATOP view gives every
    defence pledge the weaker, discretionary reading), then the treaty id (a stable tie).
    """
    formal = treaty.kind not in (TreatyKind.INFORMAL, TreatyKind.ASSURANCE,
                                 TreatyKind.PARTNERSHIP)
    return (_RESPONSE_RANK[obligation.response], _DECISION_RANK[obligation.decision], formal,
            treaty.id.startswith("book:"), treaty.id)


@dataclass(frozen=True)
class Pledge:
    """One directed obligation in force at a date: ``holder`` owes ``beneficiary``."""

    treaty: Treaty
    obligation: Obligation
    holder: int
    beneficiary: int


@dataclass(frozen=True)
class Snapshot:
    """The treaties of one view in force at one date (``crosswalk`` is set in the legal
    view only)."""

    day: dt.date
    view: View
    treaties: tuple[Treaty, ...]
    carried_forward: bool = False
    notes: tuple[str, ...] = field(default=())
    crosswalk: Crosswalk | None = None

    def involving(self, state: int) -> list[Treaty]:
        """Treaties ``state`` belongs to at some time (in force on the day or not)."""
        return [t for t in self.treaties if any(m.state == state for m in t.members)]

    def _raw(self, beneficiary: int | None) -> Iterator[Pledge]:
        # The same pledges in the same order as testing ``Obligation.binds`` and
        # ``Treaty.suspended`` for every holder and beneficiary of every obligation
        # (``tests/model/reference_system.py`` keeps that loop; a test compares the two),
        # with each test that does not depend on the pair done once per obligation or
        # treaty: the obligation's span, its holders and beneficiaries, its exceptions in
        # force and the treaty's suspended legs.
        day = self.day
        for treaty in self.treaties:
            members = treaty.members_on(day)
            if len(members) < 2:
                continue
            targets = members if beneficiary is None else (
                [beneficiary] if beneficiary in members else [])
            if not targets:
                continue
            suspended = {(s.holder, s.beneficiary) for s in treaty.suspensions
                         if s.active(day)}
            for obligation in treaty.obligations:
                if not obligation.active(day):
                    continue
                holders = members if obligation.holders is None else [
                    h for h in members if h in obligation.holders]
                owed = targets if obligation.beneficiaries is None else [
                    b for b in targets if b in obligation.beneficiaries]
                excepted = {e.partner for e in obligation.exceptions if e.active(day)}
                if excepted:
                    owed = [b for b in owed if b not in excepted]
                for holder in holders:
                    for b in owed:
                        if holder != b and (not suspended or (holder, b) not in suspended):
                            yield Pledge(treaty, obligation, holder, b)

    def displaced(self, treaty: Treaty, obligation: Obligation) -> CrosswalkDecision | None:
        """The crosswalk decision that takes ``obligation`` of ``treaty`` away on the day
        (``nested_in`` or ``superseded_by``), if any; always None in the ATOP view."""
        if self.crosswalk is None:
            return None
        return self.crosswalk.relation(treaty.id, obligation.kind, self.day,
                                       aliases=treaty.aliases)

    def pledges(self, *, beneficiary: int | None = None) -> Iterator[Pledge]:
        """Every directed obligation binding on the day (members, spans, suspensions; in the
        legal view, the crosswalk decisions: see the module notes)."""
        if self.crosswalk is None:
            yield from self._raw(beneficiary)
            return
        yield from self.counted(self._raw(beneficiary))

    def counted(self, pledges: Iterable[Pledge]) -> list[Pledge]:
        """The pledges that count under the crosswalk: those not nested in or superseded by
        another treaty, and of ``concurrent`` pledges with one holder, beneficiary and kind,
        the strongest (:func:`pledge_strength`)."""
        if self.crosswalk is None:
            return list(pledges)
        # The reference loop (tests/model/reference_system.py) with each crosswalk look-up,
        # alias set and strength computed once per treaty or obligation, not per pledge.
        displaced: dict[tuple[str, str], bool] = {}
        kept: list[tuple[Pledge, tuple]] = []
        legs: dict[tuple, list[Pledge]] = defaultdict(list)
        for p in pledges:
            treaty, obligation = p.treaty, p.obligation
            key = (treaty.id, obligation.id)
            gone = displaced.get(key)
            if gone is None:
                gone = displaced[key] = self.displaced(treaty, obligation) is not None
            if not gone:
                leg = (p.holder, p.beneficiary, obligation.kind)
                kept.append((p, leg))
                legs[leg].append(p)
        peers: dict = {}
        aliases: dict[str, frozenset[str]] = {}
        strength: dict[tuple[str, str], tuple] = {}
        return [p for p, leg in kept if len(legs[leg]) == 1
                or not self._outranked(p, legs[leg], peers, aliases, strength)]

    def _outranked(self, pledge: Pledge, others: list[Pledge], peers: dict,
                   aliases: dict[str, frozenset[str]],
                   strength: dict[tuple[str, str], tuple]) -> bool:
        """Whether :meth:`stronger_concurrent` finds a stronger pledge among ``others``
        (all on ``pledge``'s leg), with its look-ups kept in the dictionaries given."""
        def strong(p: Pledge) -> tuple:
            key = (p.treaty.id, p.obligation.id)
            if key not in strength:
                strength[key] = pledge_strength(p.treaty, p.obligation)
            return strength[key]

        own = pledge.treaty.id
        rivals = [o for o in others if o.treaty.id != own]
        if not rivals:
            return False
        key = (own, pledge.obligation.kind)
        if key not in peers:
            peers[key] = set(self.crosswalk.concurrent(  # type: ignore[union-attr]
                own, pledge.obligation.kind, self.day, aliases=pledge.treaty.aliases))
        mine = strong(pledge)
        for o in rivals:
            names = aliases.get(o.treaty.id)
            if names is None:
                names = aliases[o.treaty.id] = frozenset(o.treaty.aliases)
            if not peers[key].isdisjoint(names) and strong(o) > mine:
                return True
        return False

    def stronger_concurrent(self, pledge: Pledge, others: Iterable[Pledge],
                            cache: dict | None = None) -> Pledge | None:
        """A stronger pledge among ``others``, concurrent with ``pledge`` (same holder,
        beneficiary and kind, from a treaty the crosswalk declares concurrent), if any;
        ``cache`` keeps the crosswalk look-ups of one call of :meth:`counted`."""
        if self.crosswalk is None:
            return None
        rivals = [o for o in others if o.holder == pledge.holder
                  and o.beneficiary == pledge.beneficiary
                  and o.obligation.kind is pledge.obligation.kind
                  and o.treaty.id != pledge.treaty.id]
        if not rivals:
            return None
        cache = {} if cache is None else cache
        key = (pledge.treaty.id, pledge.obligation.kind)
        if key not in cache:
            cache[key] = set(self.crosswalk.concurrent(
                pledge.treaty.id, pledge.obligation.kind, self.day,
                aliases=pledge.treaty.aliases))
        peers = cache[key]
        mine = pledge_strength(pledge.treaty, pledge.obligation)
        best = None
        for o in rivals:
            if peers & set(o.treaty.aliases) and \
                    pledge_strength(o.treaty, o.obligation) > mine and (
                        best is None or pledge_strength(o.treaty, o.obligation) >
                        pledge_strength(best.treaty, best.obligation)):
                best = o
        return best


class CommitmentSystem:
    """All known treaties; :meth:`as_of` gives the set in force at a date.

    Parameters
    ----------
    atop, book
        The ATOP treaties (:func:`foedus.data.atop_model.atop_treaties`) and our book's.
    crosswalk
        The crosswalk decisions. Build the system with
        :func:`foedus.data.loaders.commitment_system`, which passes the shipped
        ``books/crosswalk.toml``; leaving it out here still loads that file, with a
        ``DeprecationWarning`` (the model reads no file; kept for one release).
    history
        The historical book's entries (default: the shipped ``books/history/*.toml``);
        entries for ATOP alliances not among ``atop`` are left aside.
    """

    def __init__(self, atop: list[Treaty], book: list[Treaty], *,
                 crosswalk: Crosswalk | None = None,
                 history: Iterable[HistoryEntry] | None = None) -> None:
        if crosswalk is None:
            warn_moved("CommitmentSystem(atop, book) without crosswalk=",
                       "foedus.data.loaders.commitment_system(atop, book)")
            crosswalk = importlib.import_module("foedus.data.books").load_crosswalk()
        self.atop = tuple(atop)
        self.book = tuple(book)
        self.crosswalk = crosswalk
        if history is None:  # the shipped book, read by the data layer
            history = importlib.import_module("foedus.data.history").load_history()
        self._history: tuple[HistoryEntry, ...] | bytes = tuple(history)
        self.atop_history = tuple(apply_history(self.atop, self.history))
        superseded = {a for t in self.book for a in t.atopids}
        carried = []
        for t in self.atop_history:
            if t.atopids and t.atopids[0] in superseded:
                continue
            if any(m.end is None for m in t.members) and t.ended is None:
                t = t.model_copy(update={"assumed_in_force": True})
            carried.append(t)
        self._legal = self.book + tuple(carried)
        self.superseded = frozenset(superseded)

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        """The historical book's entries the system was built with."""
        if isinstance(self._history, bytes):
            self._history = pickle.loads(self._history)
        return self._history

    def __getstate__(self) -> dict[str, Any]:
        # The history entries stay serialised until asked for: a query that only reads
        # treaties never needs them.
        state = dict(self.__dict__)
        if not isinstance(self._history, bytes):
            state["_history"] = pickle.dumps(self._history, protocol=5)
        return state

    @classmethod
    def load(cls) -> CommitmentSystem:
        """ATOP 5.1 from the store, every shipped book, the crosswalk and the historical
        book (cached per store build).

        Deprecated here (the model reads no store): :func:`foedus.data.loaders.load_system`;
        kept for one release, with a ``DeprecationWarning``.
        """
        warn_moved("foedus.model.system.CommitmentSystem.load",
                   "foedus.data.loaders.load_system")
        return importlib.import_module("foedus.data.loaders").load_system()

    def treaties(self, view: View | str = View.LEGAL, *,
                 history: bool = False) -> tuple[Treaty, ...]:
        """Every treaty of the view, in force at some time (``history=True``: the ATOP view
        with the historical book's condition content; the legal view always has it)."""
        if View(view) is View.ATOP:
            return self.atop_history if history else self.atop
        return self._legal

    def members_of(self, state: int, view: View | str = View.LEGAL) -> tuple[Treaty, ...]:
        """Every treaty of the view that ``state`` belongs to at some time (in force or
        not), in the order of :meth:`treaties`."""
        return tuple(t for t in self.treaties(view) if any(m.state == state for m in t.members))

    def treaty(self, treaty_id: str) -> Treaty:
        """A treaty by id (``book:nato``, ``atop:3180``)."""
        for t in self.book + self.atop:
            if t.id == treaty_id:
                return t
        raise UnknownTreatyError(f"No treaty {treaty_id!r} (book:<id> for our book, "
                                 "atop:<atopid> for ATOP 5.1).")

    def find(self, ref: str) -> Treaty | None:
        """The legal-view treaty answering to ``ref`` (``atop:3075`` is the Rio Treaty of
        the book), None if none does."""
        return next((t for t in self._legal if ref in t.aliases), None)

    def as_of(self, day: dt.date, view: View | str = View.LEGAL, *,
              history: bool = False) -> Snapshot:
        """The treaties of ``view`` in force on ``day``.

        Parameters
        ----------
        day
            The date.
        view
            ``legal`` (our book first, the crosswalk and the historical book applied) or
            ``atop`` (ATOP 5.1 as published).
        history
            In the ATOP view, apply the historical book's condition content (nothing else).

        Raises
        ------
        DateOutOfRangeError
            For a date before 1815, or after 2018 in the ATOP view (ATOP ends there).
        """
        view = View(view)
        check_date(day, view)
        in_force = tuple(t for t in self.treaties(view, history=history) if _in_force(t, day))
        carried = view is View.LEGAL and day > ATOP_END and any(
            t.assumed_in_force for t in in_force)
        notes = ("ATOP alliances in force at the end of 2018 are assumed still in force "
                 "(flagged assumed_in_force)",) if carried else ()
        return Snapshot(day, view, in_force, carried, notes,
                        self.crosswalk if view is View.LEGAL else None)


def check_date(day: dt.date, view: View | str = View.LEGAL) -> None:
    """Refuse a date the view does not cover: before 1815 (where foedus's data begin), past
    the horizon to which ATOP's alliances are carried forward
    (:func:`foedus.registry.check_day`: 2028-12-31), or, in the ATOP view, after ATOP 5.1's
    last day.

    Raises
    ------
    DateOutOfRangeError
        With the date, the limit and what to do.
    """
    if day < EARLIEST:
        raise DateOutOfRangeError(f"{day} is before {EARLIEST.year}, where foedus's data "
                                  "begin.")
    check_day(day, ("atop_members",), what=str(day))  # past the carry-forward horizon
    if View(view) is View.ATOP and day > ATOP_END:
        raise DateOutOfRangeError(f"The ATOP view ends on {ATOP_END} (ATOP 5.1); use the "
                                  "legal view for later dates.")


def _in_force(treaty: Treaty, day: dt.date) -> bool:
    if treaty.pending:
        return False
    if treaty.kind in (TreatyKind.INFORMAL, TreatyKind.ASSURANCE, TreatyKind.PARTNERSHIP):
        return in_span(day, treaty.in_force or treaty.signed, treaty.ended) or any(
            m.active(day) for m in treaty.members)
    return treaty.in_force_on(day) or any(m.active(day) for m in treaty.members)
