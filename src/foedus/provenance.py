"""The ``provenance`` every JSON answer carries (DESIGN §7), as a typed record.

``{"datasets": [{"name", "version", "sha256"}], "view", "foedus_version", ...}`` and, where a
date matters, ``as_of``. Data carried past a source's last year are flagged as typed
:class:`CarriedForward` records (``carried_forward``), and the book files an answer rests
on as :class:`BookFile` records (``books``); both keys appear only when there is something
to say. :func:`provenance` builds the same object as a plain dict (kept for the lenses that
have not moved to typed answers yet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from foedus._version import __version__
from foedus.answer import TypedAnswer
from foedus.registry import dataset

__all__ = ["BookFile", "CarriedForward", "DatasetRef", "Provenance", "book_files",
           "provenance"]


class DatasetRef(TypedAnswer):
    """A registered dataset an answer read: its name, version and sha256."""

    name: str
    version: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class BookFile(TypedAnswer):
    """One of our book files an answer rests on, with its sha256."""

    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class CarriedForward(TypedAnswer):
    """Values of ``dataset`` carried past its last day (``last_day``) into the answer."""

    dataset: str
    last_day: dt.date
    what: str


class Provenance(TypedAnswer):
    """Where an answer comes from (DESIGN §7). Other keys (a lens's own) are allowed."""

    model_config = ConfigDict(extra="allow")
    omit_if_none: ClassVar[frozenset[str]] = frozenset({"as_of", "books", "carried_forward"})

    datasets: list[DatasetRef]
    view: Literal["legal", "atop"] | None
    foedus_version: str
    as_of: dt.date | None = None
    books: list[BookFile] | None = None
    carried_forward: list[CarriedForward] | None = None

    @classmethod
    def of(cls, names: Iterable[str], *, view: str | None = None,
           as_of: dt.date | None = None, books: list[BookFile] | None = None,
           carried_forward: list[CarriedForward] | None = None, **extra: Any) -> Provenance:
        """The provenance of an answer reading the registered datasets ``names`` (in order,
        each once)."""
        entries = [dataset(n) for n in dict.fromkeys(names)]
        return cls(datasets=[DatasetRef(name=e.name, version=e.version, sha256=e.sha256)
                             for e in entries],
                   view=view, foedus_version=__version__, as_of=as_of, books=books or None,
                   carried_forward=carried_forward or None, **extra)


def book_files(named: Iterable[tuple[str, Path]]) -> list[BookFile]:
    """:class:`BookFile` records (name as shown, sha256 of the bytes) of book files."""
    return [BookFile(file=name, sha256=hashlib.sha256(Path(p).read_bytes()).hexdigest())
            for name, p in named]


def provenance(names: list[str], *, view: str | None = None, **extra: object) -> dict:
    """``{"datasets": [{"name", "version", "sha256"}], "view", "foedus_version", ...}``.

    ``extra`` adds keys such as ``as_of`` or ``carried_forward``.
    """
    entries = [dataset(n) for n in dict.fromkeys(names)]
    return {
        "datasets": [{"name": e.name, "version": e.version, "sha256": e.sha256}
                     for e in entries],
        "view": view,
        "foedus_version": __version__,
        **extra,
    }
