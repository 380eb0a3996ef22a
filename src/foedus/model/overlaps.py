"""ATOP alliances that overlap a book treaty, and the crosswalk decision for each.

An ATOP alliance *overlaps* a book treaty when, on some day on or after the book treaty's
first membership, the alliance is in force, carries a defence, offence or neutrality
obligation held by one of the states in common, and at least two states belong to both,
among them a pair the book treaty binds to each other (an obligation of the book treaty runs
between them, either way). The last condition is the issue's "shares at least two members",
read so that a treaty whose obligations run to one beneficiary only (the EU's commitments to
Ukraine, held by its 27 members) is not said to overlap the members' own treaties with each
other, which it cannot count twice. An ATOP alliance that a book treaty supersedes
(``atopids``) is decided by that, and is not listed.

Each overlap needs a decision in the crosswalk (:mod:`foedus.model.crosswalk`), naming the
pair by any of their ids; ``foedus book check`` reports those without one, and
:func:`books_table` renders the table of ``docs/books.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from foedus._deprecation import moved
from foedus.model.commitments import Treaty
from foedus.model.crosswalk import Crosswalk, CrosswalkDecision
from foedus.model.vocab import ObligationKind

__all__ = ["TABLE_BEGIN", "TABLE_END", "TRIGGER_KINDS", "Overlap", "overlaps", "undecided"]

#: The obligation kinds that make an ATOP alliance overlap (issue 14, part 3).
TRIGGER_KINDS = frozenset({ObligationKind.DEFENSE, ObligationKind.OFFENSE,
                           ObligationKind.NEUTRALITY})

TABLE_BEGIN = "<!-- books-table:begin (generated: python -m foedus.data.books) -->"
TABLE_END = "<!-- books-table:end -->"


@dataclass(frozen=True)
class Overlap:
    """An ATOP alliance overlapping a book treaty from ``first_day``, with ``shared`` the
    states belonging to both on that day and ``decisions`` the crosswalk's decisions on the
    pair (empty: undecided)."""

    book: Treaty
    atop: Treaty
    first_day: dt.date
    shared: tuple[int, ...]
    atop_kinds: tuple[ObligationKind, ...]
    decisions: tuple[CrosswalkDecision, ...]


def _start(treaty: Treaty) -> dt.date | None:
    starts = [m.start for m in treaty.members if m.start is not None]
    return min(starts) if starts else (treaty.in_force or treaty.signed)


def _linked(treaty: Treaty, day: dt.date) -> set[frozenset[int]]:
    members = treaty.members_on(day)
    pairs: set[frozenset[int]] = set()
    for o in treaty.obligations:
        if not o.active(day):
            continue
        for h in o.holders if o.holders is not None else members:
            for b in o.beneficiaries if o.beneficiaries is not None else members:
                if h != b and h in members and b in members:
                    pairs.add(frozenset((h, b)))
    return pairs


def _first_overlap(book: Treaty, atop: Treaty) -> tuple[dt.date, tuple[int, ...]] | None:
    start = _start(book)
    if start is None or (atop.ended is not None and atop.ended <= start):
        return None
    days = {start} | {d for t in (book, atop) for m in t.members for d in (m.start,)
                      if d is not None and d >= start} | {
        o.start for o in book.obligations if o.start is not None and o.start >= start}
    for day in sorted(days):
        if atop.ended is not None and day >= atop.ended:
            break
        common = set(atop.members_on(day)) & set(book.members_on(day))
        if len(common) < 2:
            continue
        holders = {h for o in atop.obligations if o.kind in TRIGGER_KINDS and o.active(day)
                   for h in (o.holders or common)}
        if holders & common and any(pair <= common for pair in _linked(book, day)):
            return day, tuple(sorted(common))
    return None


def overlaps(book: Sequence[Treaty], atop: Iterable[Treaty], crosswalk: Crosswalk,
             *, only: Iterable[str] | None = None) -> list[Overlap]:
    """Every ATOP alliance overlapping a book treaty (see the module notes), with its
    decisions; ``only`` restricts the book treaties examined (by id)."""
    superseded = {a for t in book for a in t.atopids}
    wanted = None if only is None else set(only)
    candidates = [a for a in atop if not (a.atopids and a.atopids[0] in superseded)
                  and any(o.kind in TRIGGER_KINDS for o in a.obligations)]
    out = []
    for b in book:
        if wanted is not None and b.id not in wanted:
            continue
        bstates = {m.state for m in b.members}
        for a in candidates:
            if len(bstates & {m.state for m in a.members}) < 2:
                continue
            hit = _first_overlap(b, a)
            if hit is None:
                continue
            kinds = tuple(k for k in ObligationKind if any(o.kind is k for o in a.obligations))
            out.append(Overlap(b, a, hit[0], hit[1], kinds,
                               tuple(crosswalk.decided(b.aliases, a.aliases))))
    return out


def undecided(found: Iterable[Overlap]) -> list[Overlap]:
    """The overlaps without a crosswalk decision."""
    return [o for o in found if not o.decisions]


__getattr__ = moved(__name__, "foedus.data.books", ("books_table",))
