"""The crosswalk between treaties that restate, contain or replace one another.

One file, ``books/crosswalk.toml``, holds every decision (DESIGN §2: the legal view; issue
"Evidence before verdicts (1)": nested treaties counted once in the reliability record).
Each decision names a ``treaty``, its ``relation`` to an ``other`` treaty, the obligation
``kinds`` it covers, optional ``start``/``end`` dates, and the ``reason`` and ``source`` it
rests on. Relations:

- ``nested_in``: the treaty's obligations of those kinds are carried by the other; they are
  not counted separately, and a state outside the other keeps no such leg.
- ``concurrent``: both bind; the same holder → beneficiary obligation of one of those kinds
  is counted once, the stronger standing in.
- ``superseded_by``: the treaty's legs of those kinds end in the legal view on ``start``.
- ``distinct``: both bind and are different commitments (another area, adversary or set of
  parties): each counts. It records that an overlap was looked at and found not to be a
  double count, so that ``foedus book check`` does not report it again.

The legal view (:mod:`foedus.model.system`, :mod:`foedus.query.obligations`) applies the
decisions: a leg nested in or superseded by another treaty is not a pledge of its own (the
query says ``nested_in`` or ``superseded``), and of two ``concurrent`` pledges from the same
holder to the same beneficiary only the stronger counts (the query says ``concurrent``).
The ATOP view never applies them. Ids are ``atop:<atopid>`` or ``book:<slug>``; a book
treaty answers to the ATOP ids it supersedes (:attr:`Treaty.aliases`).

Checking reports every problem with file, line and field, like a book
(:func:`check_crosswalk`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from foedus._deprecation import moved
from foedus.errors import BookProblem
from foedus.model.toml_positions import line_of, parse_toml
from foedus.model.vocab import ObligationKind

__all__ = ["Crosswalk", "CrosswalkDecision", "Relation", "check_crosswalk"]

_ID = r"^(atop:[0-9]+|book:[a-z0-9_]+)$"


class Relation(StrEnum):
    """How one treaty stands to another."""

    NESTED_IN = "nested_in"
    CONCURRENT = "concurrent"
    SUPERSEDED_BY = "superseded_by"
    DISTINCT = "distinct"


class CrosswalkDecision(BaseModel):
    """One decision: ``treaty`` is ``relation`` ``other`` for ``kinds`` (from/to a date)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    treaty: str = Field(pattern=_ID)
    relation: Relation
    other: str = Field(pattern=_ID)
    kinds: tuple[ObligationKind, ...] = Field(min_length=1)
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> CrosswalkDecision:
        if self.treaty == self.other:
            raise ValueError("a treaty cannot be related to itself")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.relation is Relation.SUPERSEDED_BY and self.start is None:
            raise ValueError("a superseded_by decision needs the start date of the replacement")
        return self

    def active(self, day: dt.date) -> bool:
        """Whether the decision applies on ``day``."""
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decisions: list[CrosswalkDecision] = []


class Crosswalk:
    """The decisions of a crosswalk file, looked up by treaty."""

    def __init__(self, decisions: list[CrosswalkDecision]) -> None:
        self.decisions = tuple(decisions)

    def __iter__(self) -> Iterator[CrosswalkDecision]:
        return iter(self.decisions)

    def __len__(self) -> int:
        return len(self.decisions)

    def about(self, treaty_id: str, aliases: tuple[str, ...] = ()) -> list[CrosswalkDecision]:
        """Decisions naming ``treaty_id`` (or one of its aliases) on either side."""
        ids = {treaty_id, *aliases}
        return [d for d in self.decisions if d.treaty in ids or d.other in ids]

    def decided(self, one: tuple[str, ...], other: tuple[str, ...]) -> list[CrosswalkDecision]:
        """Decisions relating a treaty answering to ``one`` and a treaty answering to
        ``other`` (either way round)."""
        a, b = set(one), set(other)
        return [d for d in self.decisions
                if (d.treaty in a and d.other in b) or (d.treaty in b and d.other in a)]

    def relation(self, treaty_id: str, kind: ObligationKind | str, day: dt.date,
                 aliases: tuple[str, ...] = ()) -> CrosswalkDecision | None:
        """The decision under which ``treaty_id``'s obligations of ``kind`` are *not* its own
        on ``day`` (nested in or superseded by another), if any."""
        ids = {treaty_id, *aliases}
        kind = ObligationKind(kind)
        for d in self.decisions:
            if (d.treaty in ids and kind in d.kinds and d.active(day)
                    and d.relation in (Relation.NESTED_IN, Relation.SUPERSEDED_BY)):
                return d
        return None

    def concurrent(self, treaty_id: str, kind: ObligationKind | str, day: dt.date,
                   aliases: tuple[str, ...] = ()) -> list[str]:
        """The treaties bound ``concurrent`` with ``treaty_id`` for ``kind`` on ``day``."""
        ids = {treaty_id, *aliases}
        kind = ObligationKind(kind)
        out = []
        for d in self.decisions:
            if d.relation is Relation.CONCURRENT and kind in d.kinds and d.active(day):
                if d.treaty in ids:
                    out.append(d.other)
                elif d.other in ids:
                    out.append(d.treaty)
        return out


def check_crosswalk(text: str, file: str = "<crosswalk>"
                    ) -> tuple[Crosswalk | None, list[BookProblem]]:
    """Parse and validate a crosswalk file; never raises on bad input."""
    parsed, lines, problems = parse_toml(text, file, _File)
    if parsed is None:
        return None, problems
    seen: dict[tuple[str, str, ObligationKind], int] = {}
    for i, d in enumerate(parsed.decisions):
        for kind in d.kinds:
            key = (d.treaty, d.other, kind)
            if key in seen:
                problems.append(BookProblem(
                    file, line_of(lines, ("decisions", i, "kinds")), f"decisions[{i}].kinds",
                    f"{d.treaty} and {d.other} already have a decision for {kind.value} "
                    f"(decisions[{seen[key]}])"))
            seen[key] = i
    if problems:
        return None, problems
    return Crosswalk(parsed.decisions), []


#: ``crosswalk_path`` and ``load_crosswalk`` read the shipped file: the data layer's job
#: (:mod:`foedus.data.books`); the old names still work for one release.
__getattr__ = moved(__name__, "foedus.data.books", ("crosswalk_path", "load_crosswalk"))
