"""Our book of commitments: TOML files, validated by a schema, converted to the model.

This is a loader of the data layer: it reads our own source (the TOML books shipped in
``foedus/books/``), resolves states by date against COW (:mod:`foedus.data.identities`) and
place ids against the gazetteer, and builds model objects (:class:`~foedus.model.Treaty`,
:class:`~foedus.model.Event`, the :class:`~foedus.model.crosswalk.Crosswalk`), as
:mod:`foedus.data.atop_model` does for ATOP. ``foedus.model.book`` is its former name.

A book file describes one treaty (``books/<slug>.toml`` inside the package). Every fact
carries the article or declaration and the date it rests on (``basis``). States may be
given as COW codes, ISO-3 codes, ``cow:ABB`` or names; they are resolved by date with
:func:`foedus.data.identities.resolve_state`. Checking a book reports every problem with
its file, line and field; it never raises on bad input (:func:`check_book`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from foedus.data.identities import resolve_state
from foedus.data.places import cow_abbreviations, default_gazetteer
from foedus.errors import BookError, BookProblem, FileProblemsError, UnknownStateError
from foedus.model.commitments import (
    Basis,
    Condition,
    DomainCoverage,
    Exclusion,
    ForwardForce,
    Membership,
    NuclearGuarantee,
    Obligation,
    PartnerException,
    Provisions,
    ScopeRule,
    SpendingTarget,
    Suspension,
    Treaty,
)
from foedus.model.crosswalk import Crosswalk, check_crosswalk
from foedus.model.events import Event, Invocation, NonState
from foedus.model.overlaps import TABLE_BEGIN, TABLE_END, Overlap, _start, overlaps
from foedus.model.system import EARLIEST
from foedus.model.toml_positions import field_path, line_of, parse_toml, read_toml_text
from foedus.model.vocab import Decision, Domain, Hit, ObligationKind, Response, TreatyKind

__all__ = ["BookError", "BookProblem", "book_paths", "books_table", "check_book", "crosswalk_path",
           "load_book", "load_books", "load_crosswalk", "load_events", "parse_entry",
           "read_text"]

StateRef = int | str


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _BasisEntry(_Entry):
    article: str = Field(min_length=1)
    date: dt.date | None = None
    source: str = ""


class _Spanned(_Entry):
    start: dt.date | None = None
    end: dt.date | None = None


class _ExclusionEntry(_Spanned):
    start: dt.date
    basis: _BasisEntry


class _MemberEntry(_Spanned):
    state: StateRef
    start: dt.date
    basis: _BasisEntry
    participation_excluded: list[_ExclusionEntry] = []
    note: str = ""


class _ScopeEntry(_Spanned):
    hits: list[Hit] = Field(min_length=1)
    control: Literal["target", "any_party", "none"] = "target"
    title: Literal["sovereignty", "administration", "either"] = "sovereignty"
    regions: list[str] = []
    states: list[StateRef] = []
    places: list[str] = []
    islands_only: bool = False
    north_of_tropic: bool = False
    basis: _BasisEntry
    note: str = ""


class _DomainEntry(_Spanned):
    domain: Domain
    case_by_case: bool = False
    basis: _BasisEntry


class _ConditionEntry(_Entry):
    adversaries: list[StateRef] | None = None
    nonstate_adversaries: bool = True
    non_provocation: bool = False
    min_attackers: int | None = None
    specific_conflict: str | None = None
    scope: list[_ScopeEntry] | None = None
    domains: list[_DomainEntry] | None = None


class _ExceptionEntry(_Spanned):
    partner: StateRef
    basis: _BasisEntry


class _ObligationEntry(_Spanned):
    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    kind: ObligationKind
    holders: list[StateRef] | Literal["all"] = "all"
    beneficiaries: list[StateRef] | Literal["all"] = "all"
    article: _BasisEntry
    response: Response
    decision: Decision
    condition: _ConditionEntry = _ConditionEntry()
    exceptions: list[_ExceptionEntry] = []
    flags: list[str] = []
    note: str = ""


class _SuspensionEntry(_Spanned):
    holder: StateRef
    beneficiary: StateRef
    start: dt.date
    basis: _BasisEntry


class _ForwardEntry(_Spanned):
    host: StateRef
    lead: StateRef | None = None
    contributors: list[StateRef] = []
    size: int | None = Field(default=None, ge=0)
    reinforcement_days: float | None = Field(default=None, ge=0)
    start: dt.date
    basis: _BasisEntry


class _NuclearEntry(_Spanned):
    guarantor: StateRef
    sharing_hosts: list[StateRef] = []
    start: dt.date
    basis: _BasisEntry


class _TargetEntry(_Spanned):
    level_pct: float = Field(gt=0, le=100)
    of: Literal["gdp", "defense_spending"] = "gdp"
    category: str = "total"
    by_year: int | None = None
    start: dt.date
    basis: _BasisEntry


class _ProvisionsEntry(_Entry):
    integrated_command: bool | None = None
    bases: bool | None = None
    intelligence_sharing: bool | None = None
    exercises: bool | None = None
    duration_years: float | None = None
    withdrawal_notice_days: int | None = None
    renunciation: str | None = None
    basis: list[_BasisEntry] = []
    forward_forces: list[_ForwardEntry] = []
    nuclear: list[_NuclearEntry] = []
    spending_targets: list[_TargetEntry] = []


class _BookEntry(_Entry):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    kind: TreatyKind
    status: Literal["in_force", "signed"] = "in_force"
    signed: dt.date | None = None
    in_force: dt.date | None = None
    ended: dt.date | None = None
    atopids: list[int] = []
    sources: list[str] = Field(min_length=1)
    note: str = ""
    members: list[_MemberEntry] = Field(min_length=1)
    obligations: list[_ObligationEntry] = []
    suspensions: list[_SuspensionEntry] = []
    provisions: _ProvisionsEntry = _ProvisionsEntry()

    @field_validator("atopids")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("an atopid is listed twice")
        return value



class _Checker:
    """Walks a validated entry, resolving states and checking dates, collecting problems."""

    def __init__(self, file: str, lines: dict) -> None:
        self.file, self.lines, self.problems = file, lines, []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(BookProblem(self.file, line_of(self.lines, path), field_path(path),
                                         message))

    def state(self, ref: StateRef, on: dt.date | None, path: tuple[Any, ...]) -> int:
        try:
            return resolve_state(ref, on=on).cow
        except UnknownStateError as exc:
            self.problem(path, str(exc))
            return -1

    def span(self, start: dt.date | None, end: dt.date | None, path: tuple[Any, ...],
             names: tuple[str, str] = ("start", "end")) -> None:
        for name, day in zip(names, (start, end), strict=True):
            if day is not None and day < EARLIEST:
                self.problem((*path, name), f"{day} is before 1815, where foedus begins")
        if start is not None and end is not None and end < start:
            self.problem((*path, names[1]), f"{names[1]} {end} is before {names[0]} {start}")

    def basis(self, entry: _BasisEntry) -> Basis:
        return Basis(article=entry.article, date=entry.date, source=entry.source)


def scope_rule(s: _ScopeEntry, check: _Checker, path: tuple[Any, ...],
               on: dt.date | None) -> ScopeRule:
    """A scope entry as a :class:`ScopeRule` (states resolved at its start, else ``on``;
    gazetteer place ids checked)."""
    check.span(s.start, s.end, path)
    known = _place_ids()
    for n, place in enumerate(s.places):
        if known and place not in known:
            check.problem((*path, "places", n), f"no place {place!r} in the gazetteer")
    return ScopeRule(
        start=s.start, end=s.end, hits=frozenset(s.hits), control=s.control, title=s.title,
        regions=frozenset(s.regions),
        states=tuple(check.state(x, s.start or on, (*path, "states", n))
                     for n, x in enumerate(s.states)),
        places=tuple(s.places), islands_only=s.islands_only,
        north_of_tropic=s.north_of_tropic, basis=check.basis(s.basis), note=s.note)


def _place_ids() -> frozenset[str]:
    """Ids of the gazetteer's places (empty if the gazetteer cannot be built here, e.g.
    without the COW files: place ids are then not checked)."""
    try:
        return frozenset(p.id for p in default_gazetteer())
    except (FileProblemsError, UnknownStateError, OSError):
        return frozenset()


def _repeated_member(check: _Checker, state: StateRef, pairs: list[tuple[int, int]]
                     ) -> None:
    """One problem for every entry of a state whose span overlaps an earlier entry of it:
    a pair is named, more are grouped (1,000 repeats are one line, not 500,500)."""
    (i, j), more = pairs[0], len(pairs) - 1
    if not more:
        check.problem(("members", i, "state"),
                      f"state {state!r} is listed twice (overlaps members[{j}])")
        return
    listed = ", ".join(f"members[{k}]" for k, _ in pairs[:5])
    check.problem(("members", i, "state"),
                  f"state {state!r} is listed more than twice: {len(pairs)} entries overlap "
                  f"an earlier one ({listed}{', …' if more >= 5 else ''})")


def _convert(book: _BookEntry, check: _Checker) -> Treaty:
    start_of = book.in_force or book.signed
    if book.status == "signed" and (book.in_force is not None or book.signed is None):
        check.problem(("status",), "status 'signed' (not in force) needs signed and no "
                      "in_force")
    check.span(book.signed, book.ended, (), ("signed", "ended"))
    check.span(book.in_force, book.ended, (), ("in_force", "ended"))
    members: list[Membership] = []
    spans: dict[int, list[tuple[dt.date, dt.date | None, int]]] = {}
    repeats: dict[int, list[tuple[int, int]]] = {}  # state: (entry, first entry it overlaps)
    for i, m in enumerate(book.members):
        path = ("members", i)
        check.span(m.start, m.end, path)
        cow = check.state(m.state, m.start, (*path, "state"))
        for s, e, j in spans.get(cow, []):
            if (e is None or m.start < e) and (m.end is None or s < m.end):
                repeats.setdefault(cow, []).append((i, j))
                break
        spans.setdefault(cow, []).append((m.start, m.end, i))
        excluded = []
        for k, x in enumerate(m.participation_excluded):
            xpath = (*path, "participation_excluded", k)
            check.span(x.start, x.end, xpath)
            if x.start < m.start or (m.end is not None and x.start >= m.end):
                check.problem((*xpath, "start"), f"{x.start} lies outside the membership "
                              f"[{m.start}, {m.end or 'open'})")
            excluded.append(Exclusion(start=x.start, end=x.end, basis=check.basis(x.basis)))
        members.append(Membership(state=cow, start=m.start, end=m.end,
                                  basis=check.basis(m.basis), excluded=tuple(excluded),
                                  note=m.note))
    for pairs in repeats.values():
        _repeated_member(check, book.members[pairs[0][0]].state, pairs)

    def refs(values: list[StateRef] | Literal["all"], on: dt.date | None,
             path: tuple[Any, ...]) -> tuple[int, ...] | None:
        if values == "all":
            return None
        return tuple(check.state(v, on, (*path, k)) for k, v in enumerate(values))

    obligations = []
    seen: set[str] = set()
    for i, o in enumerate(book.obligations):
        path = ("obligations", i)
        if o.id in seen:
            check.problem((*path, "id"), f"obligation id {o.id!r} is used twice")
        seen.add(o.id)
        check.span(o.start, o.end, path)
        on = o.start or start_of
        cond = o.condition
        scope = None
        if cond.scope is not None:
            scope = [scope_rule(s, check, (*path, "condition", "scope", k), on)
                     for k, s in enumerate(cond.scope)]
        domains = None
        if cond.domains is not None:
            domains = []
            for k, d in enumerate(cond.domains):
                check.span(d.start, d.end, (*path, "condition", "domains", k))
                domains.append(DomainCoverage(start=d.start, end=d.end, domain=d.domain,
                                              case_by_case=d.case_by_case,
                                              basis=check.basis(d.basis)))
        condition = Condition(
            adversaries=refs(cond.adversaries, on, (*path, "condition", "adversaries"))
            if cond.adversaries is not None else None,
            adversary_coded=cond.adversaries is not None,
            nonstate_adversaries=cond.nonstate_adversaries,
            non_provocation=cond.non_provocation, min_attackers=cond.min_attackers,
            attackers_coded=cond.min_attackers is not None,
            specific_conflict=cond.specific_conflict,
            conflict_coded=cond.specific_conflict is not None,
            scope=tuple(scope) if scope is not None else None,
            domains=tuple(domains) if domains is not None else None)
        exceptions = tuple(PartnerException(
            partner=check.state(x.partner, x.start or on, (*path, "exceptions", k, "partner")),
            start=x.start, end=x.end, basis=check.basis(x.basis))
            for k, x in enumerate(o.exceptions))
        obligations.append(Obligation(
            id=o.id, kind=o.kind, start=o.start, end=o.end,
            holders=refs(o.holders, on, (*path, "holders")),
            beneficiaries=refs(o.beneficiaries, on, (*path, "beneficiaries")),
            article=check.basis(o.article), condition=condition, response=o.response,
            decision=o.decision, exceptions=exceptions, flags=tuple(o.flags), note=o.note))

    suspensions = []
    for i, s in enumerate(book.suspensions):
        path = ("suspensions", i)
        check.span(s.start, s.end, path)
        suspensions.append(Suspension(
            holder=check.state(s.holder, s.start, (*path, "holder")),
            beneficiary=check.state(s.beneficiary, s.start, (*path, "beneficiary")),
            start=s.start, end=s.end, basis=check.basis(s.basis)))

    p = book.provisions
    forces = []
    for i, f in enumerate(p.forward_forces):
        path = ("provisions", "forward_forces", i)
        check.span(f.start, f.end, path)
        forces.append(ForwardForce(
            host=check.state(f.host, f.start, (*path, "host")),
            lead=check.state(f.lead, f.start, (*path, "lead")) if f.lead is not None else None,
            contributors=tuple(check.state(c, f.start, (*path, "contributors", k))
                               for k, c in enumerate(f.contributors)),
            size=f.size, reinforcement_days=f.reinforcement_days, start=f.start, end=f.end,
            basis=check.basis(f.basis)))
    nuclear = []
    for i, n in enumerate(p.nuclear):
        path = ("provisions", "nuclear", i)
        check.span(n.start, n.end, path)
        nuclear.append(NuclearGuarantee(
            guarantor=check.state(n.guarantor, n.start, (*path, "guarantor")),
            sharing_hosts=tuple(check.state(h, n.start, (*path, "sharing_hosts", k))
                                for k, h in enumerate(n.sharing_hosts)),
            start=n.start, end=n.end, basis=check.basis(n.basis)))
    targets = [SpendingTarget(level_pct=t.level_pct, of=t.of, category=t.category,
                              by_year=t.by_year, start=t.start, end=t.end,
                              basis=check.basis(t.basis)) for t in p.spending_targets]
    provisions = Provisions(
        integrated_command=p.integrated_command, bases=p.bases,
        intelligence_sharing=p.intelligence_sharing, exercises=p.exercises,
        duration_years=p.duration_years, withdrawal_notice_days=p.withdrawal_notice_days,
        renunciation=p.renunciation, basis=tuple(check.basis(b) for b in p.basis),
        forward_forces=tuple(forces), nuclear=tuple(nuclear),
        spending_targets=tuple(targets))
    return Treaty(id=f"book:{book.id}", name=book.name, kind=book.kind, signed=book.signed,
                  in_force=book.in_force, ended=book.ended, atopids=tuple(book.atopids),
                  members=tuple(members), obligations=tuple(obligations),
                  suspensions=tuple(suspensions), provisions=provisions,
                  pending=book.status == "signed", sources=tuple(book.sources),
                  note=book.note)


#: The shared TOML loader under its earlier name (:func:`foedus.model.toml_positions.parse_toml`).
parse_entry = parse_toml


def check_book(text: str, file: str = "<book>") -> tuple[Treaty | None, list[BookProblem]]:
    """Parse, validate and convert a book; never raises on bad input.

    Returns the treaty (None if any problem was found) and every problem, each with its
    file, line and field.
    """
    entry, lines, problems = parse_toml(text, file, _BookEntry)
    if entry is None:
        return None, problems
    check = _Checker(file, lines)
    try:
        treaty = _convert(entry, check)
    except ValidationError as exc:  # a model invariant; reported already if a span is bad
        if not check.problems:
            check.problem((), exc.errors()[0]["msg"])
        treaty = None
    return (None if check.problems else treaty), _dedupe(check.problems)


def _dedupe(problems: list[BookProblem]) -> list[BookProblem]:
    return list(dict.fromkeys(problems))


def read_text(path: str | Path, what: str, error: type[FileProblemsError] = BookError) -> str:
    """The text of one of our files (UTF-8), or ``error`` saying why it cannot be read."""
    try:
        return read_toml_text(path, what)  # regular files under 1 MB only
    except ValueError as exc:
        raise error(str(exc)) from None


def load_book(path: Path) -> Treaty:
    """Load one book file; raise :class:`BookError` listing every problem."""
    text = read_text(path, "book")
    treaty, problems = check_book(text, str(path))
    if problems or treaty is None:
        raise BookError(problems)
    return treaty


def book_paths() -> list[Path]:
    """The treaty books shipped with foedus (``foedus/books/*.toml``, places excluded)."""
    root = resources.files("foedus").joinpath("books")
    return sorted(Path(str(p)) for p in root.iterdir()
                  if p.name.endswith(".toml")
                  and p.name not in {"places.toml", "events.toml", "crosswalk.toml"})


def load_books() -> list[Treaty]:
    """Every shipped treaty book, validated."""
    return [load_book(p) for p in book_paths()]


class _InvocationEntry(_Entry):
    treaty: str = Field(pattern=r"^(book|atop):[a-z0-9_]+$")
    article: str
    basis: _BasisEntry


class _EventEntry(_Entry):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    date: dt.date
    attackers: list[StateRef] = Field(min_length=1)
    target: StateRef
    hit: Hit = Hit.TERRITORY
    place: str | None = None
    domain: Domain = Domain.LAND
    attribution: float = Field(default=1.0, ge=0, le=1)
    provoked: bool = False
    invocations: list[_InvocationEntry] = []


class _EventsBook(_Entry):
    events: list[_EventEntry]


def load_events(path: Path | None = None) -> dict[str, Event]:
    """The recorded events (``books/events.toml``), keyed by id.

    Attackers written ``nonstate:NAME`` are non-state actors; states resolve by the event's
    date. Raises :class:`BookError` listing every problem.
    """
    source = path or Path(str(resources.files("foedus").joinpath("books", "events.toml")))
    text = read_text(source, "events book")
    book, lines, problems = parse_toml(text, str(source), _EventsBook)
    if book is None:
        raise BookError(problems)
    check = _Checker(str(source), lines)
    events: dict[str, Event] = {}
    for i, e in enumerate(book.events):
        path_ = ("events", i)
        attackers = tuple(
            NonState.parse(a) if NonState.is_written(a)
            else check.state(a, e.date, (*path_, "attackers", k))
            for k, a in enumerate(e.attackers))
        events[e.id] = Event(
            date=e.date, attackers=attackers, target=check.state(e.target, e.date,
                                                                  (*path_, "target")),
            hit=e.hit, place=e.place, domain=e.domain, attribution=e.attribution,
            provoked=e.provoked, name=e.name,
            invocations=tuple(Invocation(treaty=v.treaty, article=v.article,
                                         basis=check.basis(v.basis)) for v in e.invocations))
    if check.problems:
        raise BookError(check.problems)
    return events


def crosswalk_path() -> Path:
    """The shipped crosswalk file (``foedus/books/crosswalk.toml``)."""
    return Path(str(resources.files("foedus").joinpath("books", "crosswalk.toml")))


def load_crosswalk(path: Path | None = None) -> Crosswalk:
    """Load and validate a crosswalk file (default: the shipped one).

    Raises
    ------
    BookError
        Listing every problem, with file, line and field.
    """
    source = path or crosswalk_path()
    text = read_text(source, "crosswalk")
    crosswalk, problems = check_crosswalk(text, str(source))
    if problems or crosswalk is None:
        raise BookError(problems)
    return crosswalk


# --- the generated table of docs/books.md ---------------------------------------------------

def _abbs(codes: Iterable[int]) -> str:
    names = cow_abbreviations()
    return ", ".join(names.get(c, str(c)) for c in codes)


def books_table(book: Sequence[Treaty], atop: Iterable[Treaty], crosswalk: Crosswalk) -> str:
    """The Markdown table of the book's treaties and every ATOP alliance overlapping one,
    with its crosswalk decision (``docs/books.md``, between the generated-table markers)."""
    found = overlaps(book, atop, crosswalk)
    by_book: dict[str, list[Overlap]] = {}
    for o in found:
        by_book.setdefault(o.book.id, []).append(o)
    lines = ["| book treaty | kind | in force | supersedes (ATOP) | overlapping ATOP alliance "
             "| from | shared states | decision |",
             "|---|---|---|---|---|---|---|---|"]
    for t in sorted(book, key=lambda t: t.id):
        start = "signed " + str(t.signed) + ", not in force" if t.pending else str(
            t.in_force or t.signed or _start(t))
        head = (f"| `{t.id}` {t.name} | {t.kind.value} | {start} | "
                f"{', '.join(str(a) for a in t.atopids) or '-'} |")
        rows = sorted(by_book.get(t.id, []), key=lambda o: o.atop.id)
        if not rows:
            lines.append(f"{head} - | | | |")
            continue
        for i, o in enumerate(rows):
            lead = head if i == 0 else "| | | | |"
            decision = "; ".join(f"{d.treaty} {d.relation.value} {d.other} "
                                 f"({', '.join(k.value for k in d.kinds)})"
                                 for d in o.decisions) or "**undecided**"
            members = _abbs(dict.fromkeys(x.state for x in o.atop.members))
            lines.append(f"{lead} `{o.atop.id}` ({members}; {o.atop.signed}) | "
                         f"{o.first_day} | {_abbs(o.shared)} | {decision} |")
    return "\n".join(lines) + "\n"


def _main() -> None:  # pragma: no cover - exercised through the docs test
    """Rewrite the generated table of ``docs/books.md`` in place (run from the repository)."""
    from foedus.data.loaders import load_system

    system = load_system()
    path = Path("docs/books.md")
    text = path.read_text("utf-8")
    head, _, rest = text.partition(TABLE_BEGIN)
    _, _, tail = rest.partition(TABLE_END)
    table = books_table(system.book, system.atop, load_crosswalk())
    path.write_text(f"{head}{TABLE_BEGIN}\n{table}{TABLE_END}{tail}", "utf-8")


if __name__ == "__main__":  # pragma: no cover
    _main()
