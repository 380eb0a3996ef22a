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

from foedus.errors import UnknownDatasetError

__all__ = ["Dataset", "OfficialSource", "bibtex", "dataset", "datasets"]


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
