"""The commitment system: every treaty of ATOP and of our book, and the set in force at a
date under either view (DESIGN §2).

- The **ATOP view** is ATOP 5.1 as published (per-partner obligations of ``obvary`` members
  from ATOP's directed extract); it ends on 2018-12-31.
- The **legal view** puts our book first: a book treaty supersedes the ATOP alliances it
  crosswalks (``atopids``), and ATOP alliances still in force at the end of 2018 are carried
  forward, flagged ``assumed_in_force``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from foedus.errors import FoedusError
from foedus.model.commitments import Obligation, Treaty, in_span
from foedus.model.vocab import TreatyKind, View

__all__ = ["ATOP_END", "EARLIEST", "CommitmentSystem", "Pledge", "Snapshot"]

EARLIEST = dt.date(1815, 1, 1)
ATOP_END = dt.date(2018, 12, 31)


@dataclass(frozen=True)
class Pledge:
    """One directed obligation in force at a date: ``holder`` owes ``beneficiary``."""

    treaty: Treaty
    obligation: Obligation
    holder: int
    beneficiary: int


@dataclass(frozen=True)
class Snapshot:
    """The treaties of one view in force at one date."""

    day: dt.date
    view: View
    treaties: tuple[Treaty, ...]
    carried_forward: bool = False
    notes: tuple[str, ...] = field(default=())

    def involving(self, state: int) -> list[Treaty]:
        """Treaties ``state`` belongs to at some time (in force on the day or not)."""
        return [t for t in self.treaties if any(m.state == state for m in t.members)]

    def pledges(self, *, beneficiary: int | None = None) -> Iterator[Pledge]:
        """Every directed obligation binding on the day (members, spans, suspensions)."""
        for treaty in self.treaties:
            members = treaty.members_on(self.day)
            if len(members) < 2:
                continue
            targets = members if beneficiary is None else (
                [beneficiary] if beneficiary in members else [])
            for obligation in treaty.obligations:
                for holder in members:
                    for b in targets:
                        if obligation.binds(holder, b, self.day) and \
                                treaty.suspended(holder, b, self.day) is None:
                            yield Pledge(treaty, obligation, holder, b)


class CommitmentSystem:
    """All known treaties; :meth:`as_of` gives the set in force at a date."""

    def __init__(self, atop: list[Treaty], book: list[Treaty]) -> None:
        self.atop = tuple(atop)
        self.book = tuple(book)
        superseded = {a for t in self.book for a in t.atopids}
        carried = []
        for t in self.atop:
            if t.atopids and t.atopids[0] in superseded:
                continue
            if any(m.end is None for m in t.members) and t.ended is None:
                t = t.model_copy(update={"assumed_in_force": True})
            carried.append(t)
        self._legal = self.book + tuple(carried)
        self.superseded = frozenset(superseded)

    @classmethod
    def load(cls) -> CommitmentSystem:
        """ATOP 5.1 from the store and every shipped book (cached per store build)."""
        from foedus import config

        path = config.store_path()
        stamp = path.stat().st_mtime_ns if path.is_file() else None
        return _load(str(path), stamp)

    def treaties(self, view: View | str = View.LEGAL) -> tuple[Treaty, ...]:
        """Every treaty of the view, in force at some time."""
        return self.atop if View(view) is View.ATOP else self._legal

    def treaty(self, treaty_id: str) -> Treaty:
        """A treaty by id (``book:nato``, ``atop:3180``)."""
        for t in self.book + self.atop:
            if t.id == treaty_id:
                return t
        raise FoedusError(f"No treaty {treaty_id!r}.")

    def as_of(self, day: dt.date, view: View | str = View.LEGAL) -> Snapshot:
        """The treaties of ``view`` in force on ``day``.

        Raises
        ------
        FoedusError
            For a date before 1815, or after 2018 in the ATOP view (ATOP ends there).
        """
        view = View(view)
        if day < EARLIEST:
            raise FoedusError(f"{day} is before 1815, where foedus's data begin.")
        if view is View.ATOP and day > ATOP_END:
            raise FoedusError(f"The ATOP view ends on {ATOP_END} (ATOP 5.1); use the legal "
                              "view for later dates.")
        in_force = tuple(t for t in self.treaties(view) if _in_force(t, day))
        carried = view is View.LEGAL and day > ATOP_END and any(
            t.assumed_in_force for t in in_force)
        notes = ("ATOP alliances in force at the end of 2018 are assumed still in force "
                 "(flagged assumed_in_force)",) if carried else ()
        return Snapshot(day, view, in_force, carried, notes)


def _in_force(treaty: Treaty, day: dt.date) -> bool:
    if treaty.kind in (TreatyKind.INFORMAL, TreatyKind.ASSURANCE, TreatyKind.PARTNERSHIP):
        return in_span(day, treaty.in_force or treaty.signed, treaty.ended) or any(
            m.active(day) for m in treaty.members)
    return treaty.in_force_on(day) or any(m.active(day) for m in treaty.members)


@cache
def _load(path: str, stamp: int | None) -> CommitmentSystem:
    from foedus.data.atop_model import atop_treaties
    from foedus.data.store import connect
    from foedus.model.book import load_books

    with connect() as con:
        atop = atop_treaties(con)
    return CommitmentSystem(atop, load_books())
