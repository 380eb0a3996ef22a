"""Loaders that build the model from the data: the commitment system, the gazetteer.

The model (:mod:`foedus.model`) reads no file and no store; these functions do, and hand it
what it is made of:

- :func:`load_system`: ATOP 5.1 from the store (:func:`foedus.data.atop_model.atop_treaties`),
  every shipped book, the crosswalk and the historical book, cached per store build;
- :func:`commitment_system`: a system from treaties you give it, with the shipped crosswalk
  (and history) unless you pass others;
- :func:`atop_treaties_from_store`: the ATOP treaties of the store (cached per build);
- :func:`default_gazetteer`: the shipped gazetteer (the places book and a homeland per COW
  state).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from foedus import config
from foedus.data.atop_model import atop_treaties
from foedus.data.books import load_books, load_crosswalk
from foedus.data.places import default_gazetteer
from foedus.data.store import connect
from foedus.model.commitments import Treaty
from foedus.model.crosswalk import Crosswalk
from foedus.model.system import CommitmentSystem

__all__ = ["atop_treaties_from_store", "commitment_system", "default_gazetteer", "load_system",
           "store_stamp"]


def store_stamp() -> tuple[str, int | None]:
    """The store's path and modification time: a cache key that changes with each build."""
    path = config.store_path()
    return str(path), path.stat().st_mtime_ns if path.is_file() else None


def commitment_system(atop: Iterable[Treaty], book: Iterable[Treaty], *,
                      crosswalk: Crosswalk | None = None,
                      history: Iterable | None = None) -> CommitmentSystem:
    """A :class:`~foedus.model.system.CommitmentSystem` of ``atop`` and ``book`` treaties,
    with the shipped crosswalk unless ``crosswalk`` is given (history: the shipped
    historical book unless given)."""
    return CommitmentSystem(list(atop), list(book),
                            crosswalk=load_crosswalk() if crosswalk is None else crosswalk,
                            history=history)


@cache
def _atop(path: str, stamp: int | None) -> tuple[Treaty, ...]:
    with connect() as con:
        return tuple(atop_treaties(con))


def atop_treaties_from_store() -> list[Treaty]:
    """ATOP 5.1 as model treaties, read from the store (cached per store build)."""
    return list(_atop(*store_stamp()))


@cache
def _system(path: str, stamp: int | None) -> CommitmentSystem:
    return commitment_system(_atop(path, stamp), load_books())


def load_system() -> CommitmentSystem:
    """ATOP 5.1 from the store, every shipped book, the crosswalk and the historical book
    (cached per store build).

    Raises
    ------
    StoreError
        If there is no store (run ``foedus data build``).
    """
    return _system(*store_stamp())
