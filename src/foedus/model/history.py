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
(:func:`foedus.data.history.check_history`; the data layer reads the files:
:func:`foedus.data.history.load_history`); applying it to the ATOP treaties checks that
each selection matches an obligation and that the content fits a coded condition
(:func:`apply_history`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from foedus._deprecation import moved
from foedus.errors import BookError, BookProblem
from foedus.model.commitments import ConditionClause, Obligation, Treaty
from foedus.model.toml_positions import field_path, line_of
from foedus.model.vocab import ObligationKind

__all__ = ["HistoryEntry", "apply_history"]

#: The loaders moved to the data layer (they read files and resolve states); importing
#: them from here still works for one release and warns.
__getattr__: Any = moved(__name__, "foedus.data.history", (
    "check_history", "history_paths", "load_history"))


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
