"""What every query needs, built once by ``foedus data build`` and kept in the store.

Building the commitment system (ATOP's 789 alliances converted to the model, 27 book files
parsed and validated, the crosswalk and the historical book applied), the gazetteer (the
places book and a homeland per COW state) and the state-identity index (country_converter
over the COW names) takes seconds; a query needs them in milliseconds. The store build
therefore builds them once and keeps them in the store:

- the file ``foedus.duckdb.prebuilt`` beside the DuckDB file, written by the same build and
  renamed into place right after it: the objects (``system``, ``gazetteer``,
  ``identities``, ``books``) serialised with :mod:`pickle` (format :data:`FORMAT`), with
  the *fingerprint* of everything they were built from and the size and modification time
  of the DuckDB file they belong to (a query reads them without opening DuckDB). The
  commitment system is kept one treaty per record with an index of each treaty's dates
  and members (:class:`StoredSystem`): a query on one date unpickles only the treaties in
  force then and those of the states it names, the rest on first use;
- the table ``prebuilt_atop_dyad_years``: the ATOP view's directed dyad-year obligations
  (:func:`foedus.model.dyads.directed_dyad_years`), which every dyad-year panel joins;
- the table ``prebuilt_capitals_by_year``: the capital in force on 1 July of each state-year
  (:func:`foedus.data.queries.capitals_by_year`), for capital distances.

**Nothing stale is ever used.** The fingerprint lists, with their sha256, every input of the
prebuilt objects: the book files (``books/**/*.toml``), the authored tables
(``data/tables/*.csv``), the Python modules that build them (``model/*.py`` and the data
loaders), foedus's version and the sha256 of every registered dataset in the store. A
reader compares it with the files as they are now (hashing them takes a few
milliseconds) and:

- if they match, loads the prebuilt objects (the answer is the one the sources give: a test
  compares the JSON of a set of queries both ways);
- if a book file, an authored table or a module changed, prints one line on stderr naming
  what changed and telling the user to run ``foedus data build``, and builds from the
  sources instead (the answer stays right, only slower: rebuilding the store takes longer
  than a second, so the query does not rebuild it itself);
- if a registered dataset changed (the registry names another file than the one the store
  was built from), raises :class:`~foedus.errors.StoreError`: the store's own tables are
  stale then, and only ``foedus data build`` can help.

A store built by a foedus without this module, or whose prebuilt file is missing or belongs
to another build, is read the same way: one line says so, and the objects are built from
the sources.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foedus import config
from foedus._version import __version__
from foedus.errors import StoreError
from foedus.model.commitments import Treaty, in_span
from foedus.model.system import ATOP_END, CommitmentSystem, Snapshot, check_date
from foedus.model.vocab import View
from foedus.registry import datasets

if TYPE_CHECKING:
    import duckdb

__all__ = ["FORMAT", "PREBUILT_TABLES", "Freshness", "StoredSystem", "building", "fingerprint",
           "fresh_table", "load", "sidecar", "write_file", "write_tables"]

log = logging.getLogger("foedus")

#: The version of the serialised form; a change makes every stored form stale.
FORMAT = 1
#: The store tables this module writes into the DuckDB file.
PREBUILT_TABLES = ("prebuilt_atop_dyad_years", "prebuilt_capitals_by_year")
#: The Python modules (package-relative) whose code shapes the prebuilt objects.
_CODE = ("model/*.py", "data/atop_model.py", "data/books.py", "data/places.py",
         "data/identities.py", "data/identities_tables.py", "data/loaders.py",
         "data/prebuilt.py", "data/queries.py", "registry.py")
#: The data files (package-relative) the prebuilt objects are built from.
_DATA = ("books/**/*.toml", "data/tables/*.csv")
_SUFFIX = ".prebuilt"

_BUILDING: list[bool] = []


def sidecar(store: Path) -> Path:
    """The prebuilt file of the store ``store``."""
    return store.with_name(store.name + _SUFFIX)


def _inputs() -> list[tuple[str, Path]]:
    root = Path(str(resources.files("foedus")))
    found: dict[str, Path] = {}
    for pattern in (*_DATA, *_CODE):
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path
    return sorted(found.items())


def fingerprint() -> dict[str, str]:
    """The sha256 of every input of the prebuilt objects, by name.

    Package files by their path inside ``foedus/`` (``books/nato.toml``), registered
    datasets as ``dataset:<name>``, and ``format`` and ``foedus_version``.

    Returns
    -------
    dict of str to str
    """
    out = {"format": str(FORMAT), "foedus_version": __version__}
    for name, path in _inputs():
        out[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    for entry in datasets():
        out[f"dataset:{entry.name}"] = entry.sha256
    return out


@dataclass(frozen=True)
class Freshness:
    """Whether the store's prebuilt objects may be used, and if not why (one line)."""

    fresh: bool
    message: str = ""
    datasets_changed: tuple[str, ...] = ()


def compare(stored: dict[str, str] | None, current: dict[str, str]) -> Freshness:
    """Whether a stored fingerprint matches the current one; if not, what changed.

    Parameters
    ----------
    stored, current
        Fingerprints (:func:`fingerprint`); ``stored`` None when there is none.

    Returns
    -------
    Freshness
    """
    if stored is None:
        return Freshness(False, "the store holds no prebuilt commitment system (built by an "
                                "older foedus, or the prebuilt file is missing)")
    if stored == current:
        return Freshness(True)
    changed = sorted(k for k in stored.keys() | current.keys()
                     if stored.get(k) != current.get(k))
    data = tuple(k.removeprefix("dataset:") for k in changed if k.startswith("dataset:"))
    shown = ", ".join(changed[:4]) + (f" and {len(changed) - 4} more" if len(changed) > 4
                                      else "")
    return Freshness(False, f"{shown} changed since the store was built", data)


@contextlib.contextmanager
def building() -> Iterator[None]:
    """While the store is being built, readers do not consult the old store's objects."""
    _BUILDING.append(True)
    try:
        yield
    finally:
        _BUILDING.pop()


def _stamp_of(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _read(path: Path) -> tuple[dict[str, Any] | None, dict[str, bytes]]:
    try:
        with path.open("rb") as handle:
            header = pickle.load(handle)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                return None, {}
            blobs = {name: handle.read(size) for name, size in header["objects"]}
        if any(len(blobs[name]) != size for name, size in header["objects"]):
            return None, {}  # a truncated file: stale, built from the sources instead
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, ValueError, TypeError,
            AttributeError, ImportError, IndexError, MemoryError, RecursionError):
        return None, {}  # a damaged or foreign file (random bytes may ask for any size)
    return header, blobs


@cache
def _load(path: str, stamp: tuple[int, int] | None) -> dict[str, bytes] | None:
    if stamp is None:  # no store: the callers say so themselves
        return None
    header, blobs = _read(sidecar(Path(path)))
    stored = None
    if header is not None and tuple(header.get("store", ())) == stamp:
        stored = header["fingerprint"]
    elif header is not None:
        header = None
    state = compare(stored, fingerprint())
    if state.datasets_changed:
        raise StoreError(f"The store was built from other versions of "
                         f"{', '.join(state.datasets_changed)} than the registry names; run "
                         "`foedus data build`.")
    if not state.fresh:
        from foedus.data.store import check_store  # noqa: PLC0415 - store imports this

        check_store(Path(path))  # a broken store is the error to report, not a stale file
        log.warning("foedus: %s; built from the sources instead (slower). Run `foedus data "
                    "build` to store it again.", state.message)
        return None
    return blobs


@cache
def _object(path: str, stamp: tuple[int, int] | None, name: str) -> Any:
    blobs = _load(path, stamp)
    if blobs is None or name not in blobs:
        return None
    try:
        return pickle.loads(blobs[name])
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError) as exc:
        log.warning("foedus: the prebuilt file beside the store is damaged (%s); built from "
                    "the sources instead (slower). Run `foedus data build` to store it again.",
                    type(exc).__name__)
        return None


def _here() -> tuple[str, tuple[int, int] | None]:
    target = config.store_path()
    return str(target), _stamp_of(target)


def load(name: str) -> Any | None:
    """A prebuilt object of the store (``system``, ``gazetteer``, ``identities``,
    ``books``), or None when there is no store, while the store is being built, or when the
    object is stale (then one line on stderr says why and what to do).

    Parameters
    ----------
    name
        The object.

    Returns
    -------
    object or None

    Raises
    ------
    StoreError
        If a registered dataset changed since the store was built.
    """
    if _BUILDING:
        return None
    return _object(*_here(), name)


def fresh_table(name: str) -> bool:
    """Whether the prebuilt store table ``name`` may be read (on the terms of :func:`load`).

    Parameters
    ----------
    name
        One of :data:`PREBUILT_TABLES`.

    Returns
    -------
    bool
    """
    if _BUILDING or name not in PREBUILT_TABLES:
        return False
    return _load(*_here()) is not None


def write_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, Any]) -> None:
    """Write the prebuilt tables into the store being built.

    Parameters
    ----------
    con
        The connection to the store being built.
    tables
        Name (one of :data:`PREBUILT_TABLES`) to a pandas DataFrame.
    """
    for name, frame in tables.items():
        con.register("prebuilt_view", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM prebuilt_view')
        con.unregister("prebuilt_view")


def write_file(path: Path, store: Path, objects: dict[str, Any]) -> None:
    """Write the prebuilt objects of the (closed) store file ``store`` to ``path``.

    Parameters
    ----------
    path
        The file to write (a temporary name; the build renames it beside the store).
    store
        The finished store file it belongs to (its size and modification time are kept).
    objects
        Name to object; the commitment system is kept as a :class:`StoredSystem`.
    """
    blobs = []
    for name, obj in objects.items():
        if isinstance(obj, CommitmentSystem) and not isinstance(obj, StoredSystem):
            obj = StoredSystem.of(obj)
        blobs.append((name, pickle.dumps(obj, protocol=5)))
    header = {"format": FORMAT, "fingerprint": fingerprint(), "store": _stamp_of(store),
              "objects": [(name, len(blob)) for name, blob in blobs]}
    with path.open("wb") as handle:
        pickle.dump(header, handle, protocol=5)
        for _, blob in blobs:
            handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())


# --- the commitment system, one treaty per record ---------------------------------------------

Span = tuple[dt.date | None, dt.date | None]


class StoredSystem(CommitmentSystem):
    """A :class:`~foedus.model.system.CommitmentSystem` whose treaties are unpickled on first
    use.

    Each distinct treaty object is one pickled record; the views are lists of record
    numbers, so that a treaty shared by two views (ATOP and ATOP with history, say) is one
    object, as in the system it was made from. Beside them it keeps what :meth:`as_of`,
    :meth:`members_of`, :meth:`treaty` and :meth:`find` need to pick records without
    unpickling the others: each record's ``pending`` flag and the spans in which it is in
    force (the treaty's own, from entry into force or signature to its end, and each
    member's), its member states, ids and aliases. Every other attribute and method of the
    system unpickles all records once and answers as the system it was made from.
    """

    def __init__(self, records: list[bytes], views: dict[str, tuple[int, ...]],
                 pending: list[bool], spans: list[tuple[Span, ...]],
                 members: list[frozenset[int]], ids: list[str],
                 aliases: list[tuple[str, ...]], crosswalk: Any, superseded: frozenset[int],
                 history: bytes) -> None:
        self._records = records
        self._views = views
        self._pending = pending
        self._spans = spans
        self._members = members
        self._ids = ids
        self._aliases = aliases
        self.crosswalk = crosswalk
        self.superseded = superseded
        self._history = history
        self._made: dict[int, Treaty] = {}

    @classmethod
    def of(cls, system: CommitmentSystem) -> StoredSystem:
        """The stored form of ``system``."""
        numbers: dict[int, int] = {}
        treaties: list[Treaty] = []
        views: dict[str, tuple[int, ...]] = {}
        for name, view in (("atop", system.atop), ("book", system.book),
                           ("atop_history", system.atop_history),
                           ("legal", system.treaties(View.LEGAL))):
            keys = []
            for t in view:
                if id(t) not in numbers:
                    numbers[id(t)] = len(treaties)
                    treaties.append(t)
                keys.append(numbers[id(t)])
            views[name] = tuple(keys)
        return cls(
            records=[pickle.dumps(t, protocol=5) for t in treaties], views=views,
            pending=[t.pending for t in treaties],
            spans=[((t.in_force or t.signed, t.ended),
                    *((m.start, m.end) for m in t.members)) for t in treaties],
            members=[frozenset(m.state for m in t.members) for t in treaties],
            ids=[t.id for t in treaties], aliases=[t.aliases for t in treaties],
            crosswalk=system.crosswalk, superseded=system.superseded,
            history=pickle.dumps(tuple(system.history), protocol=5))

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_made": {}}

    def _get(self, number: int) -> Treaty:
        treaty = self._made.get(number)
        if treaty is None:
            treaty = self._made[number] = pickle.loads(self._records[number])
        return treaty

    def _view(self, name: str) -> tuple[Treaty, ...]:
        return tuple(self._get(n) for n in self._views[name])

    @property
    def atop(self) -> tuple[Treaty, ...]:  # type: ignore[override]
        """ATOP 5.1's treaties."""
        return self._view("atop")

    @property
    def book(self) -> tuple[Treaty, ...]:  # type: ignore[override]
        """Our book's treaties."""
        return self._view("book")

    @property
    def atop_history(self) -> tuple[Treaty, ...]:  # type: ignore[override]
        """ATOP's treaties with the historical book's condition content."""
        return self._view("atop_history")

    @property
    def _legal(self) -> tuple[Treaty, ...]:  # type: ignore[override]
        return self._view("legal")

    def _numbers(self, view: View | str, history: bool) -> tuple[int, ...]:
        if View(view) is View.ATOP:
            return self._views["atop_history" if history else "atop"]
        return self._views["legal"]

    def _in_force(self, number: int, day: dt.date) -> bool:
        return not self._pending[number] and any(in_span(day, a, b)
                                                 for a, b in self._spans[number])

    def as_of(self, day: dt.date, view: View | str = View.LEGAL, *,
              history: bool = False) -> Snapshot:
        """As :meth:`CommitmentSystem.as_of`, unpickling only the treaties in force."""
        view = View(view)
        check_date(day, view)
        in_force = tuple(self._get(n) for n in self._numbers(view, history)
                         if self._in_force(n, day))
        carried = view is View.LEGAL and day > ATOP_END and any(
            t.assumed_in_force for t in in_force)
        notes = ("ATOP alliances in force at the end of 2018 are assumed still in force "
                 "(flagged assumed_in_force)",) if carried else ()
        return Snapshot(day, view, in_force, carried, notes,
                        self.crosswalk if view is View.LEGAL else None)

    def members_of(self, state: int, view: View | str = View.LEGAL) -> tuple[Treaty, ...]:
        """As :meth:`CommitmentSystem.members_of`, unpickling only those treaties."""
        return tuple(self._get(n) for n in self._numbers(view, False)
                     if state in self._members[n])

    def treaty(self, treaty_id: str) -> Treaty:
        """As :meth:`CommitmentSystem.treaty`."""
        for n in (*self._views["book"], *self._views["atop"]):
            if self._ids[n] == treaty_id:
                return self._get(n)
        return super().treaty(treaty_id)  # raises the error

    def find(self, ref: str) -> Treaty | None:
        """As :meth:`CommitmentSystem.find`."""
        return next((self._get(n) for n in self._views["legal"] if ref in self._aliases[n]),
                    None)
