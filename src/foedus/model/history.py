"""The historical book: the content of conditions ATOP codes but does not record.

ATOP 5.1 codes that an obligation is limited to named adversaries, a location or a number of
attackers (``defcoadv``, ``defcoloc``, ``defconum`` …) but, unless the alliance names a
threatening state (``statthr1``/``statthr2``), not *which* adversaries or *where*: the query
then answers ``condition_not_recorded`` ("may or may not apply"). The Franco-Russian military
convention (ATOP 1385) is the classic case: ATOP codes an adversary condition on France's and
Russia's defence obligations, and the text names Germany.

A historical book file (``books/history/<slug>.toml``) gives that content from the treaty
text, for one ATOP alliance, and **nothing else**: no member, date or obligation is added,
removed or moved. Layout::

    atopid = 1385
    name = "Franco-Russian military convention (1892)"
    sources = ["…"]                  # where the text was read
    text_available = true            # false: "text not available here", with the reason
    note = "…"                       # in `note`; then no [[conditions]]
    encodable = true                 # false: the text is read, but the open condition is
                                     # not text content (a demand met or refused in a
                                     # crisis), with the reason in `note`; no [[conditions]]

    [[conditions]]                   # which of the alliance's obligations get the content
    kinds = ["defense"]              # required
    holders = ["cow:FRN"]            # optional: only these members' obligations
    phases = [0]                     # optional: only these ATOP phases

    [[conditions.clauses]]           # the casus foederis; several clauses = alternatives
    adversaries = ["cow:GMY"]        # any of these among the attackers …
    min_attackers = 2                # … at least this many of them (optional)
    beneficiaries = ["cow:ITA"]      # optional: the clause runs to these partners only
    article = { article = "Art. 1", date = 1892-08-17, source = "…" }
    [[conditions.clauses.scope]]     # optional: where (a scope rule of the treaty book)
    # or: scope_of = "book:nato#art5"  (the scope of an obligation of the treaty book)
    # conflict = "cow:85"              # optional: the ongoing war the pledge is for

Content is accepted only for a condition ATOP codes on the selected obligations:
``adversaries`` for an adversary condition, ``min_attackers`` for a number-of-attackers
condition, ``scope`` (or ``scope_of``, the same rules as a book treaty's obligation: NATO's
Art. 6, the Rio Treaty's Arts. 3-4) for a location condition, ``conflict`` (a COW war,
``cow:<warnum>``) for a specific-conflict condition, and only in a single clause that runs
to every partner; an adversary ATOP records must stay among the clauses' adversaries.
One clause (running to every partner) fills the condition's own fields (``adversaries``,
``min_attackers``, ``scope``, ``specific_conflict``), so any reader of the model decides it;
several clauses, or a clause limited to some partners, go to :attr:`Condition.clauses` (any
one that runs to the partner and holds suffices: ``ConditionClause.runs_to`` and
``ConditionClause.attackers_hold``). Each obligation that received content carries
the flag ``history:<slug>``.

Where it applies: the legal view always; the ATOP view only on request
(``CommitmentSystem.as_of(day, "atop", history=True)``), which is what the reliability
opportunities use to decide the casus foederis with ATOP's members and dates unchanged.

Checking a file reports every problem as ``file:line: field: message``
(:func:`check_history`); applying it to the ATOP treaties checks that each selection
matches an obligation and that the content fits a coded condition (:func:`apply_history`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from foedus.model.book import (
    BookError,
    BookProblem,
    _BasisEntry,
    _Checker,
    _Entry,
    _ScopeEntry,
    parse_entry,
    scope_rule,
)
from foedus.model.commitments import ConditionClause, Obligation, Treaty
from foedus.model.toml_positions import field_path, line_of
from foedus.model.vocab import ObligationKind

__all__ = ["HistoryEntry", "apply_history", "check_history", "history_paths",
           "load_history"]

StateRef = int | str


class _ClauseEntry(_Entry):
    adversaries: list[StateRef] | None = None
    min_attackers: int | None = Field(default=None, ge=1)
    scope: list[_ScopeEntry] | None = None
    scope_of: str | None = Field(default=None, pattern=r"^book:[a-z0-9_]+#[a-z0-9_]+$")
    conflict: str | None = Field(default=None, pattern=r"^cow:[0-9]+$")
    beneficiaries: list[StateRef] | None = None
    article: _BasisEntry
    note: str = ""

    @model_validator(mode="after")
    def _some_content(self) -> _ClauseEntry:
        if all(v is None for v in (self.adversaries, self.min_attackers, self.scope,
                                   self.scope_of, self.conflict)):
            raise ValueError("a clause needs adversaries, min_attackers, scope, scope_of "
                             "or conflict")
        if self.scope is not None and self.scope_of is not None:
            raise ValueError("give scope or scope_of, not both")
        return self


class _ConditionsEntry(_Entry):
    kinds: list[ObligationKind] = Field(min_length=1)
    holders: list[StateRef] | None = None
    phases: list[int] | None = None
    clauses: list[_ClauseEntry] = Field(min_length=1)
    note: str = ""


class _HistoryFile(_Entry):
    atopid: int = Field(ge=1)
    name: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    text_available: bool = True
    encodable: bool = True
    note: str = ""
    conditions: list[_ConditionsEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> _HistoryFile:
        if self.text_available and self.encodable and not self.conditions:
            raise ValueError("no [[conditions]]: give them, or set text_available = false "
                             "(or encodable = false) and say why in note")
        for flag, value in (("text_available", self.text_available),
                            ("encodable", self.encodable)):
            if not value and (self.conditions or not self.note):
                raise ValueError(f"{flag} = false takes no [[conditions]] and needs the "
                                 "reason in note")
        return self


@dataclass(frozen=True)
class _Selection:
    kinds: tuple[ObligationKind, ...]
    holders: tuple[int, ...] | None
    phases: tuple[int, ...] | None
    clauses: tuple[ConditionClause, ...]
    index: int
    conflicts: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class HistoryEntry:
    """One historical book file, validated: the condition content for one ATOP alliance."""

    atopid: int
    name: str
    slug: str
    file: str
    sources: tuple[str, ...]
    text_available: bool
    note: str
    selections: tuple[_Selection, ...] = ()
    encodable: bool = True
    lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def flag(self) -> str:
        """The flag carried by every obligation that received this entry's content."""
        return f"history:{self.slug}"

    def problem(self, path: tuple[Any, ...], message: str) -> BookProblem:
        """A problem located at ``path`` of this file."""
        return BookProblem(self.file, line_of(self.lines, path), field_path(path), message)


def _convert(raw: _HistoryFile, check: _Checker, file: str, lines: dict) -> HistoryEntry:
    selections = []
    for i, cond in enumerate(raw.conditions):
        path = ("conditions", i)
        holders = None if cond.holders is None else tuple(
            check.state(h, None, (*path, "holders", k)) for k, h in enumerate(cond.holders))
        clauses = []
        for j, c in enumerate(cond.clauses):
            cpath = (*path, "clauses", j)
            on = c.article.date
            adversaries = None if c.adversaries is None else tuple(
                check.state(a, on, (*cpath, "adversaries", k))
                for k, a in enumerate(c.adversaries))
            scope = None if c.scope is None else tuple(
                scope_rule(s, check, (*cpath, "scope", k), on)
                for k, s in enumerate(c.scope))
            if c.scope_of is not None:
                scope = _book_scope(c.scope_of, check, (*cpath, "scope_of"))
            beneficiaries = None if c.beneficiaries is None else tuple(
                check.state(b, on, (*cpath, "beneficiaries", k))
                for k, b in enumerate(c.beneficiaries))
            clauses.append(ConditionClause(
                adversaries=adversaries, min_attackers=c.min_attackers, scope=scope,
                beneficiaries=beneficiaries, basis=check.basis(c.article), note=c.note))
        selections.append(_Selection(tuple(cond.kinds), holders,
                                     None if cond.phases is None else tuple(cond.phases),
                                     tuple(clauses), i,
                                     tuple(c.conflict for c in cond.clauses)))
    return HistoryEntry(atopid=raw.atopid, name=raw.name, slug=Path(file).stem, file=file,
                        sources=tuple(raw.sources), text_available=raw.text_available,
                        note=raw.note, selections=tuple(selections), lines=lines,
                        encodable=raw.encodable)


def _book_scope(ref: str, check: _Checker, path: tuple[Any, ...]) -> tuple | None:
    """The scope rules of a treaty book's obligation, ``book:<id>#<obligation id>``."""
    treaty_id, obligation_id = ref.split("#")
    scopes = _book_scopes()
    if (treaty_id, obligation_id) not in scopes:
        check.problem(path, f"no obligation {obligation_id!r} with a scope in {treaty_id}")
        return None
    return scopes[(treaty_id, obligation_id)]


@cache
def _book_scopes() -> dict[tuple[str, str], tuple]:
    from foedus.model.book import load_books

    return {(t.id, o.id): o.condition.scope for t in load_books() for o in t.obligations
            if o.condition.scope is not None}


def check_history(text: str, file: str = "<history>"
                  ) -> tuple[HistoryEntry | None, list[BookProblem]]:
    """Parse and validate one historical book file; never raises on bad input.

    Returns the entry (None if any problem was found) and every problem, each with its
    file, line and field. States resolve by the date of the clause's article (a holder by
    its code alone: give COW codes or ``cow:ABB`` for historical states).
    """
    parsed, lines, problems = parse_entry(text, file, _HistoryFile)
    if parsed is None:
        return None, [BookProblem(p.file, p.line, p.field, p.message.removeprefix(
            "Value error, ")) for p in problems]
    check = _Checker(file, lines)
    entry = _convert(parsed, check, file, lines)
    problems = list(dict.fromkeys(check.problems))
    return (None if problems else entry), problems


def history_paths() -> list[Path]:
    """The historical book files shipped with foedus (``foedus/books/history/*.toml``)."""
    root = resources.files("foedus").joinpath("books", "history")
    if not root.is_dir():
        return []
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".toml"))


def load_history(paths: Sequence[Path] | None = None) -> tuple[HistoryEntry, ...]:
    """Load and validate historical book files (default: the shipped ones).

    Raises
    ------
    BookError
        Listing every problem, with file, line and field; also when two files give content
        for the same ATOP alliance.
    """
    return _load_history(tuple(str(p) for p in (history_paths() if paths is None else paths)))


@cache
def _load_history(paths: tuple[str, ...]) -> tuple[HistoryEntry, ...]:
    entries, problems = [], []
    seen: dict[int, str] = {}
    for path in paths:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(BookProblem(path, None, "", f"cannot read: {exc}"))
            continue
        entry, found = check_history(text, path)
        problems.extend(found)
        if entry is None:
            continue
        if entry.atopid in seen:
            problems.append(entry.problem(("atopid",), f"ATOP {entry.atopid} already has a "
                                          f"historical entry ({seen[entry.atopid]})"))
            continue
        seen[entry.atopid] = path
        entries.append(entry)
    if problems:
        raise BookError(problems)
    return tuple(entries)


def _selected(treaty: Treaty, sel: _Selection) -> list[Obligation]:
    return [o for o in treaty.obligations if o.kind in sel.kinds
            and (sel.phases is None or o.phase in sel.phases)
            and (sel.holders is None or (o.holders is not None
                                          and set(o.holders) & set(sel.holders)))]


def _fit(entry: HistoryEntry, sel: _Selection, o: Obligation) -> list[BookProblem]:
    """Problems with giving ``sel``'s content to ``o`` (content only for coded conditions)."""
    c, problems = o.condition, []
    path = ("conditions", sel.index)
    for j, clause in enumerate(sel.clauses):
        cpath = (*path, "clauses", j)
        if clause.adversaries is not None and not c.adversary_coded:
            problems.append(entry.problem((*cpath, "adversaries"), f"ATOP codes no adversary "
                                          f"condition on {o.id}: the history adds content only"))
        if clause.min_attackers is not None and not c.attackers_coded:
            problems.append(entry.problem((*cpath, "min_attackers"), "ATOP codes no number-of-"
                                          f"attackers condition on {o.id}"))
        if clause.scope is not None and not c.location_coded:
            problems.append(entry.problem((*cpath, "scope"), "ATOP codes no location "
                                          f"condition on {o.id}"))
    for j, conflict in enumerate(sel.conflicts):
        cpath = (*path, "clauses", j, "conflict")
        if conflict is None:
            continue
        if not c.conflict_coded:
            problems.append(entry.problem(cpath, "ATOP codes no specific-conflict "
                                          f"condition on {o.id}"))
        if len(sel.clauses) != 1 or sel.clauses[0].beneficiaries is not None:
            problems.append(entry.problem(cpath, "a conflict can be given only in a single "
                                          "clause that runs to every partner"))
    if c.adversary_coded and c.adversary_recorded and c.adversaries:
        named = {a for cl in sel.clauses for a in (cl.adversaries or ())}
        missing = sorted(set(c.adversaries) - named)
        if missing:
            problems.append(entry.problem((*path, "clauses"), f"ATOP records the adversaries "
                                          f"{sorted(c.adversaries)} on {o.id}; the clauses "
                                          f"leave out {missing}"))
    return problems


def _with_content(o: Obligation, sel: _Selection, flag: str) -> Obligation:
    c = o.condition
    if len(sel.clauses) == 1 and sel.clauses[0].beneficiaries is None:
        (cl,) = sel.clauses
        update: dict[str, Any] = {}
        if cl.adversaries is not None:
            update.update(adversaries=cl.adversaries, adversary_recorded=True)
        if cl.min_attackers is not None:
            update["min_attackers"] = cl.min_attackers
        if cl.scope is not None:
            update.update(scope=cl.scope, location_recorded=True)
        if sel.conflicts and sel.conflicts[0] is not None:
            update["specific_conflict"] = sel.conflicts[0]
        condition = c.model_copy(update=update)
    else:
        condition = c.model_copy(update={"clauses": sel.clauses})
    return o.model_copy(update={"condition": condition, "flags": (*o.flags, flag)})


def apply_history(treaties: Iterable[Treaty], entries: Iterable[HistoryEntry]
                  ) -> list[Treaty]:
    """The treaties with the historical book's condition content applied (see the module
    notes); every other treaty is returned as it is. Entries for alliances absent from
    ``treaties`` and entries marked ``text_available = false`` change nothing.

    Raises
    ------
    BookError
        When a selection matches no obligation of its alliance, or gives content for a
        condition ATOP does not code, or leaves out an adversary ATOP records.
    """
    treaties = list(treaties)
    by_id = {t.atopids[0]: i for i, t in enumerate(treaties) if t.atopids}
    problems: list[BookProblem] = []
    for entry in entries:
        if entry.atopid not in by_id or not entry.text_available:
            continue
        treaty = treaties[by_id[entry.atopid]]
        changed: dict[str, Obligation] = {}
        for sel in entry.selections:
            found = _selected(treaty, sel)
            if not found:
                problems.append(entry.problem(("conditions", sel.index, "kinds"), "no "
                                              f"obligation of ATOP {entry.atopid} matches "
                                              "these kinds, holders and phases"))
                continue
            for o in found:
                if o.id in changed:
                    problems.append(entry.problem(("conditions", sel.index), f"{o.id} is "
                                                  "selected twice"))
                    continue
                fit = _fit(entry, sel, o)
                problems.extend(fit)
                if not fit:
                    changed[o.id] = _with_content(o, sel, entry.flag)
        if changed:
            treaties[by_id[entry.atopid]] = treaty.model_copy(update={"obligations": tuple(
                changed.get(o.id, o) for o in treaty.obligations)})
    if problems:
        raise BookError(list(dict.fromkeys(problems)))
    return treaties
