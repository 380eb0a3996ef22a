"""The dataset registry: what each external file is, where it officially comes from, what it
covers, and how to check it.

Entries are declared once, in ``foedus/data/registry.toml``; citations in BibTeX live in
``foedus/data/references.bib``. A :class:`Dataset` is immutable; look one up with
:func:`dataset`. The registry is a declaration, not data: it sits in the bottom layer with
``errors``, ``units`` and ``config`` so that every layer, the pure model included, reads a
dataset's version and coverage from this one home (``dataset("atop_members").last_day``)
instead of copying them. ``foedus.data.registry`` is the same module under the data layer's
name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from foedus.errors import DateOutOfRangeError, UnknownDatasetError

__all__ = ["CARRY_YEARS", "Dataset", "OfficialSource", "bibtex", "check_day", "check_years",
           "dataset", "datasets"]

#: How many years past a source's last day a command that carries values forward may go
#: (DESIGN §7: carried forward only where a command needs it, and flagged). Past that
#: horizon every command refuses the date, with the coverage in the message: the present
#: (our treaty book is kept current) lies within it, ``--as-of 9999-12-31`` does not.
CARRY_YEARS = 10


@dataclass(frozen=True)
class OfficialSource:
    """Where the official distribution carries the file byte for byte.

    ``members`` is the chain of archive members to open, outermost first; empty when ``url``
    is the file itself.
    """

    url: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    """One registered file: identity, provenance and the facts used to verify it."""

    name: str
    title: str
    version: str
    file: str
    sha256: str
    bytes: int
    rows: int
    url: str
    terms: str
    citation: str
    bibtex_key: str
    official: OfficialSource | None = field(default=None)
    first_day: dt.date | None = field(default=None)
    last_day: dt.date | None = field(default=None)

    @property
    def coverage(self) -> str:
        """The years covered, ``"1815-2018"`` (one year: ``"1914"``; no dates: ``"static"``)."""
        if self.first_day is None or self.last_day is None:
            return "static"
        first, last = self.first_day.year, self.last_day.year
        return str(first) if first == last else f"{first}-{last}"

    @property
    def first_year(self) -> int | None:
        """The first year the data cover (None for static data)."""
        return None if self.first_day is None else self.first_day.year

    @property
    def last_year(self) -> int | None:
        """The last year the data cover (None for static data)."""
        return None if self.last_day is None else self.last_day.year

    @property
    def horizon(self) -> dt.date | None:
        """The last day a carried-forward answer may reach: 31 December, :data:`CARRY_YEARS`
        years after the last year (None for static data)."""
        return None if self.last_day is None else dt.date(self.last_day.year + CARRY_YEARS,
                                                          12, 31)

    @property
    def label(self) -> str:
        """``"NMC 7.0 (nmc_7), 1816-2022"``: the name, key and coverage for messages."""
        short = re.split(r",| \(|: ", self.title, maxsplit=1)[0]
        return f"{short} ({self.name}) covers {self.coverage}"

    @property
    def bibtex(self) -> str:
        """The BibTeX entry for this dataset's citation."""
        return bibtex(self.bibtex_key)


@cache
def _load() -> dict[str, Dataset]:
    text = resources.files("foedus.data").joinpath("registry.toml").read_text("utf-8")
    entries: dict[str, Dataset] = {}
    for name, raw in tomllib.loads(text).items():
        official = raw.pop("official", None)
        src = None
        if official is not None:
            src = OfficialSource(official["url"], tuple(official.get("members", ())))
        first, last = raw.pop("first", None), raw.pop("last", None)
        entries[name] = Dataset(name=name, official=src, first_day=first, last_day=last, **raw)
    return entries


def datasets() -> list[Dataset]:
    """Every registered dataset, in declaration order."""
    return list(_load().values())


def dataset(name: str) -> Dataset:
    """The registered dataset called ``name``.

    Raises
    ------
    UnknownDatasetError
        If no dataset has that name; the message suggests the closest names.
    """
    entries = _load()
    try:
        return entries[name]
    except KeyError:
        close = difflib.get_close_matches(name, entries, n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise UnknownDatasetError(
            f"Unknown dataset {name!r}.{hint} Known datasets: {', '.join(entries)}."
        ) from None


def _dated(names: list[str] | tuple[str, ...]) -> list[Dataset]:
    return [d for d in map(dataset, names) if d.first_day is not None]


def check_day(day: dt.date, names: list[str] | tuple[str, ...], *, what: str = "the date",
              carry: bool = True) -> list[Dataset]:
    """Check a date against the coverage of the sources a command reads.

    Parameters
    ----------
    day
        The date asked for.
    names
        The registered datasets the answer rests on.
    what
        How the date was given, for the message (``"--as-of 9999-12-31"``).
    carry
        True when the command carries values past a source's last day (and flags them);
        False when it refuses any date outside the coverage.

    Returns
    -------
    list of Dataset
        The sources whose last day is before ``day`` (their values are carried forward and
        the answer must say so); empty inside every source's coverage.

    Raises
    ------
    DateOutOfRangeError
        Before a source's first day; past its last day when ``carry`` is False, past its
        :attr:`Dataset.horizon` otherwise. The message names the source and its coverage.
    """
    for d in _dated(names):
        if day < d.first_day:  # type: ignore[operator]
            raise DateOutOfRangeError(f"{what} is before the data: {d.label}.")
        if not carry and day > d.last_day:  # type: ignore[operator]
            raise DateOutOfRangeError(f"{what} is past the data: {d.label}.")
        if day > d.horizon:  # type: ignore[operator]
            raise DateOutOfRangeError(
                f"{what} is past the data: {d.label}, carried forward at most "
                f"{CARRY_YEARS} years (to {d.horizon}).")
    return [d for d in _dated(names) if day > d.last_day]  # type: ignore[operator]


def check_years(start: int, end: int, names: list[str] | tuple[str, ...], *,
                what: str = "the years", carry: bool = False) -> list[Dataset]:
    """Check a span of years (both inclusive) against the coverage of ``names``, as
    :func:`check_day` checks a date: refused before a source's first year, past its last
    year (``carry`` False) or past its horizon (``carry`` True).

    Returns
    -------
    list of Dataset
        The sources carried past their last year to reach ``end``.

    Raises
    ------
    DateOutOfRangeError
        When the span is reversed or reaches outside the coverage (named in the message).
    """
    if end < start:
        raise DateOutOfRangeError(f"{what}: {end} is before {start}.")
    for d in _dated(names):
        if start < d.first_year:  # type: ignore[operator]
            raise DateOutOfRangeError(f"{what}: {start} is before the data: {d.label}.")
        if not carry and end > d.last_year:  # type: ignore[operator]
            raise DateOutOfRangeError(f"{what}: {end} is past the data: {d.label}.")
        if end > d.horizon.year:  # type: ignore[union-attr]
            raise DateOutOfRangeError(
                f"{what}: {end} is past the data: {d.label}, carried forward at most "
                f"{CARRY_YEARS} years (to {d.horizon.year}).")  # type: ignore[union-attr]
    return [d for d in _dated(names) if end > d.last_year]  # type: ignore[operator]


@cache
def _bib_entries() -> dict[str, str]:
    text = resources.files("foedus.data").joinpath("references.bib").read_text("utf-8")
    entries: dict[str, str] = {}
    for match in re.finditer(r"@\w+\{([^,\s]+),.*?\n\}", text, flags=re.S):
        entries[match.group(1)] = match.group(0)
    return entries


def bibtex(key: str) -> str:
    """The BibTeX entry with citation key ``key`` from ``references.bib``."""
    try:
        return _bib_entries()[key]
    except KeyError:
        raise UnknownDatasetError(f"No BibTeX entry {key!r} in references.bib.") from None
