"""Loaders that build the model from the data: the commitment system, the gazetteer.

The model (:mod:`foedus.model`) reads no file and no store; these functions do, and hand it
what it is made of:

- :func:`load_system`: ATOP 5.1 from the store (:func:`foedus.data.atop_model.atop_treaties`),
  every shipped book, the crosswalk and the historical book, cached per store build;
- :func:`commitment_system`: a system from treaties you give it, with the shipped crosswalk
  (and history) unless you pass others;
- :func:`atop_treaties_from_store`: the ATOP treaties of the store (cached per build);
- :func:`default_gazetteer`: the shipped gazetteer (the places book and a homeland per COW
  state);
- :func:`gazetteer` and :func:`book_provenance`: the same, read from the store when it holds
  them fresh;
- :func:`prebuild`: what ``foedus data build`` keeps in the store for the others.

The store build keeps the system, the gazetteer and the identity index in the store
(:mod:`foedus.data.prebuilt`), so that a query loads them in milliseconds instead of
building them; when a book file changed since, they are built from the sources, and one line
on stderr says so. The heavy loaders (pandas, country_converter, the book parser) are
imported only on that path, so that the obligations query starts fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from foedus import config
from foedus.data import prebuilt
from foedus.model.commitments import Treaty
from foedus.model.crosswalk import Crosswalk
from foedus.model.system import CommitmentSystem

if TYPE_CHECKING:
    import duckdb

    from foedus.model.places import Gazetteer
    from foedus.provenance import BookFile

__all__ = ["atop_treaties_from_store", "book_provenance", "commitment_system",
           "default_gazetteer", "gazetteer", "load_system", "prebuild", "store_stamp"]


def store_stamp() -> tuple[str, int | None]:
    """The store's path and modification time: a cache key that changes with each build."""
    path = config.store_path()
    return str(path), path.stat().st_mtime_ns if path.is_file() else None


def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, built from its sources
    (:func:`foedus.data.places.default_gazetteer`)."""
    from foedus.data.places import default_gazetteer as build

    return build()


def gazetteer() -> Gazetteer:
    """The shipped gazetteer: the store's prebuilt copy when fresh, else built from the
    sources (:func:`default_gazetteer`)."""
    stored = prebuilt.load("gazetteer")
    return stored if stored is not None else default_gazetteer()


def commitment_system(atop: Iterable[Treaty], book: Iterable[Treaty], *,
                      crosswalk: Crosswalk | None = None,
                      history: Iterable | None = None) -> CommitmentSystem:
    """A :class:`~foedus.model.system.CommitmentSystem` of ``atop`` and ``book`` treaties,
    with the shipped crosswalk unless ``crosswalk`` is given (history: the shipped
    historical book unless given)."""
    from foedus.data.books import load_crosswalk
    from foedus.data.history import load_history

    return CommitmentSystem(list(atop), list(book),
                            crosswalk=load_crosswalk() if crosswalk is None else crosswalk,
                            history=load_history() if history is None else history)


def _atop_of(con: duckdb.DuckDBPyConnection) -> list[Treaty]:
    from foedus.data.atop_model import atop_treaties

    return atop_treaties(con)


@cache
def _atop(path: str, stamp: int | None) -> tuple[Treaty, ...]:
    stored = prebuilt.load("system")
    if stored is not None:
        return stored.atop
    from foedus.data.store import connect

    with connect() as con:
        return tuple(_atop_of(con))


def atop_treaties_from_store() -> list[Treaty]:
    """ATOP 5.1 as model treaties, read from the store (cached per store build)."""
    return list(_atop(*store_stamp()))


def _from_sources(atop: Iterable[Treaty]) -> CommitmentSystem:
    from foedus.data.books import load_books

    return commitment_system(atop, load_books())


@cache
def _system(path: str, stamp: int | None) -> CommitmentSystem:
    stored = prebuilt.load("system")
    if stored is not None:
        return stored
    return _from_sources(_atop(path, stamp))


def load_system() -> CommitmentSystem:
    """ATOP 5.1 from the store, every shipped book, the crosswalk and the historical book
    (cached per store build; the store's prebuilt system when it is fresh).

    Raises
    ------
    StoreError
        If there is no store (run ``foedus data build``), or a registered dataset changed
        since it was built.
    """
    return _system(*store_stamp())


def _book_files() -> list[BookFile]:
    from foedus.data.books import book_paths, crosswalk_path
    from foedus.data.history import history_paths
    from foedus.provenance import book_files

    named = [(p.name, p) for p in [*book_paths(), crosswalk_path()]]
    named += [(f"history/{p.name}", p) for p in history_paths()]
    return book_files(named)


def book_provenance() -> list[BookFile]:
    """The book files an answer of the legal view rests on, with their sha256: the treaty
    books, the crosswalk and the historical book (``history/…``)."""
    stored = prebuilt.load("books")
    return list(stored) if stored is not None else _book_files()


def prebuild(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the store keeps for the queries, built from the store being built.

    Parameters
    ----------
    con
        A connection to the store being built (its tables written).

    Returns
    -------
    tuple of dict
        The objects (``system``, ``gazetteer``, ``identities``, ``books``) and the tables
        (``prebuilt_atop_dyad_years``, ``prebuilt_capitals_by_year``), for
        :func:`foedus.data.prebuilt.write`.
    """
    import pandas as pd

    from foedus.data import identities
    from foedus.data.queries import capitals_by_year_of
    from foedus.model.dyads import directed_dyad_years

    atop = _atop_of(con)
    system = _from_sources(atop)
    capitals = con.execute("SELECT ccode, start_date, end_date, lat, lon FROM capitals").df()
    dyads = directed_dyad_years(system.atop)
    first = int(con.execute("SELECT min(year) FROM system_membership").fetchall()[0][0])
    last = max(pd.to_datetime(capitals[c]).dt.year.max() for c in ("start_date", "end_date"))
    codes = capitals["ccode"].drop_duplicates().to_numpy()
    years = list(range(first, int(last) + 2))
    keys = pd.DataFrame({"ccode": [c for _ in years for c in codes],
                         "year": [y for y in years for _ in codes]})
    by_year = capitals_by_year_of(capitals, keys)
    objects = {"system": system, "gazetteer": default_gazetteer(),
               "identities": identities.index_state(), "books": _book_files()}
    return objects, {"prebuilt_atop_dyad_years": dyads,
                     "prebuilt_capitals_by_year": by_year}
