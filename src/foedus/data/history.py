"""The historical book's loader: ``books/history/*.toml`` read, validated and resolved.

The files give ATOP alliances the condition content ATOP codes without content (see
:mod:`foedus.model.history`, which applies the entries to the treaties). Checking a file
reports every problem as ``file:line: field: message`` (:func:`check_history`); states
resolve by the date of the clause's article.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from foedus.data.books import (
    _BasisEntry,
    _Checker,
    _Entry,
    _ScopeEntry,
    load_books,
    parse_entry,
    scope_rule,
)
from foedus.errors import BookError, BookProblem
from foedus.model.commitments import ConditionClause
from foedus.model.history import HistoryEntry, _Selection
from foedus.model.vocab import ObligationKind

__all__ = ["check_history", "history_paths", "load_history"]

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


