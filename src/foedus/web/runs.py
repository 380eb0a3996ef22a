"""The runs database: every crisis job with its parameters, seed, data hashes and result.

It lives beside the store (``FOEDUS_HOME/runs.duckdb``, :func:`foedus.config.runs_path`;
DESIGN §2), so rebuilding the data never loses a run, and only the server process writes
it: workers hand their results back to the server, which records them. A run keeps the
hashes of the data it read (the datasets and book files of its provenance); after a rebuild,
:func:`hash_changes` says which of them differ today.

A runs database that cannot be read as one (truncated, garbage bytes, a checksum that does
not match, a SQLite file or another program's DuckDB file, another schema version) is
found when the server starts (:func:`open_runs`, :func:`problem`): it is moved aside under a
timestamped name beside it (``runs.duckdb.corrupt-20261206T161700Z``, its ``.wal`` with it),
never deleted, and the server starts with a new empty one and says so (issue 20, "Faults").
A database held by another server is not touched: that is a one-line error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from foedus.errors import StoreError

__all__ = ["SCHEMA_VERSION", "Recovered", "RunStore", "data_hashes", "hash_changes", "move_aside",
           "open_runs", "problem", "recover"]

#: The version of the runs table's layout, kept in ``runs_meta``. A database written
#: before the version was recorded (a ``runs`` table with exactly these columns and no
#: ``runs_meta``) is version 1 and is kept.
SCHEMA_VERSION = 1
#: No extension is installed or loaded on the server's behalf (DuckDB would otherwise fetch
#: its SQLite reader from the network when handed a SQLite file).
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    created TIMESTAMP NOT NULL,
    started TIMESTAMP,
    finished TIMESTAMP,
    params VARCHAR NOT NULL,
    data_hashes VARCHAR,
    result VARCHAR,
    error VARCHAR,
    seconds DOUBLE,
    rerun_of VARCHAR
)
"""
_META = """
CREATE TABLE IF NOT EXISTS runs_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)
"""
_COLUMNS = ("id", "kind", "status", "created", "started", "finished", "params",
            "data_hashes", "result", "error", "seconds", "rerun_of")
_JSON = ("params", "data_hashes", "result")


def data_hashes(result: dict) -> dict[str, str]:
    """The hashes of the data a result read, from its provenance (every ``provenance``
    object in it: a comparison has one per side): dataset name → sha256, book file →
    sha256."""
    out: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            prov = node.get("provenance")
            if isinstance(prov, dict):
                for d in prov.get("datasets") or []:
                    out[f"dataset:{d['name']}"] = d["sha256"]
                for b in prov.get("books") or []:
                    out[f"book:{b['file']}"] = b["sha256"]
            for key, value in node.items():
                if key != "provenance":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return dict(sorted(out.items()))


def hash_changes(old: dict[str, str] | None, new: dict[str, str] | None) -> list[str]:
    """Sentences naming each data file whose hash differs between two runs (or is only in
    one of them); empty when they read the same data."""
    old, new = old or {}, new or {}
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if a is None:
            changes.append(f"{key} was not read by the earlier run")
        elif b is None:
            changes.append(f"{key} is no longer read")
        else:
            changes.append(f"{key} changed (sha256 {a[:12]}… then, {b[:12]}… now)")
    return changes


class RunStore:
    """The runs table, one connection, one lock (the server's threads share it)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(str(self.path), config=_CONFIG)
        except (OSError, duckdb.Error) as exc:
            raise StoreError(f"The runs database {self.path} cannot be opened: "
                             f"{str(exc).splitlines()[0]} (is another server using it?)"
                             ) from None
        self._lock = threading.Lock()
        with self._lock:
            self._con.execute(_SCHEMA)
            self._con.execute(_META)
            self._con.execute("INSERT OR IGNORE INTO runs_meta VALUES ('schema_version', ?)",
                              [str(SCHEMA_VERSION)])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._con.close()

    def insert(self, run_id: str, kind: str, params: dict, *, rerun_of: str | None = None
               ) -> None:
        """Record a new run as queued."""
        with self._lock:
            self._con.execute(
                "INSERT INTO runs (id, kind, status, created, params, rerun_of) "
                "VALUES (?, ?, 'queued', ?, ?, ?)",
                [run_id, kind, _now(), json.dumps(params), rerun_of])

    def update(self, run_id: str, **fields: Any) -> None:
        """Set some columns of a run (JSON columns are serialised here)."""
        if not fields:
            return
        names = [k for k in fields if k in _COLUMNS and k != "id"]
        values = [json.dumps(fields[k]) if k in _JSON and fields[k] is not None else fields[k]
                  for k in names]
        with self._lock:
            self._con.execute(f"UPDATE runs SET {', '.join(f'{k} = ?' for k in names)} "
                              "WHERE id = ?", [*values, run_id])

    def get(self, run_id: str) -> dict | None:
        """One run as a dict, or None."""
        rows = self._select("WHERE id = ?", [run_id])
        return rows[0] if rows else None

    def recent(self, limit: int = 50) -> list[dict]:
        """The latest runs, newest first (without their results)."""
        return [{k: v for k, v in r.items() if k != "result"}
                for r in self._select("ORDER BY created DESC LIMIT ?", [limit])]

    def unfinished(self) -> list[str]:
        """Runs left queued or running (by a server that stopped)."""
        return [r["id"] for r in self._select("WHERE status IN ('queued', 'running')", [])]

    def _select(self, where: str, args: Iterable[Any]) -> list[dict]:
        with self._lock:
            rows = self._con.execute(f"SELECT {', '.join(_COLUMNS)} FROM runs {where}",
                                     list(args)).fetchall()
        out = []
        for row in rows:
            rec = dict(zip(_COLUMNS, row, strict=True))
            for key in _JSON:
                rec[key] = json.loads(rec[key]) if rec[key] is not None else None
            for key in ("created", "started", "finished"):
                if rec[key] is not None:
                    rec[key] = rec[key].isoformat(timespec="seconds") + "Z"
            out.append(rec)
        return out


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _locked(exc: BaseException) -> bool:
    """Whether DuckDB refused the file because another process (or a connection of this
    one) holds it: never a reason to move it."""
    text = str(exc).lower()
    return any(words in text for words in ("could not set lock", "conflicting lock",
                                           "same database file"))


#: Files found sound in this process, by (path, inode, size, modification time): the
#: command line checks the database before its start-up line and the app again when it
#: starts; the second look reads nothing if the file did not change in between.
_SOUND: set[tuple] = set()


def _identity(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)


def problem(path: Path) -> str | None:
    """Why the file at ``path`` is not a runs database this foedus can use, or None when it
    is one (or is not there: a new one will be made).

    The file is opened read-only and every value of every run is read, so that a block
    whose checksum does not match is found now rather than when that run is asked for.

    Raises
    ------
    StoreError
        When the file cannot be looked at (another server holds it, no permission, not a
        regular file): nothing is moved then.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        raise StoreError(f"The runs database {path} is not a regular file; move it away or "
                         "point FOEDUS_HOME elsewhere.")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"The runs database {path} cannot be read: {exc.strerror}."
                         ) from None
    if not head:
        return "an empty file (0 bytes)"
    if head == _SQLITE_MAGIC:
        return "a SQLite database, not a DuckDB one"
    try:
        con = duckdb.connect(str(path), read_only=True, config=_CONFIG)
    except duckdb.Error as exc:
        if _locked(exc):
            raise StoreError(f"The runs database {path} cannot be opened: "
                             f"{_first_line(exc)} (is another server using it?)") from None
        return _first_line(exc)
    try:
        identity = _identity(path)
        if identity in _SOUND:
            return None
        reason = _check_open(con)
    except duckdb.Error as exc:
        return _first_line(exc)
    finally:
        con.close()
    if reason is None:
        _SOUND.add(identity)
    return reason


def _check_open(con: duckdb.DuckDBPyConnection) -> str | None:
    tables = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()}
    if not tables:
        return None  # a new, empty DuckDB file: the tables are made on opening
    if "runs" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        return f"a DuckDB database without a runs table (its tables: {shown})"
    columns = tuple(name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_name = 'runs' ORDER BY ordinal_position").fetchall())
    if columns != _COLUMNS:
        return (f"its runs table has the columns ({', '.join(columns)}), not those of "
                "foedus's runs")
    if "runs_meta" in tables:
        row = con.execute("SELECT value FROM runs_meta WHERE key = 'schema_version'"
                          ).fetchone()
        version = row[0] if row else None
        if version != str(SCHEMA_VERSION):
            return (f"schema version {version if version is not None else 'missing'}; "
                    f"this foedus reads version {SCHEMA_VERSION}")
    # Read every value (a damaged block is found by its checksum when it is read), then
    # look every id up through the primary key's index, whose blocks a scan does not read
    # (an IN list is answered from the index once it is allowed to cover the whole table).
    con.execute("SELECT count(*), " + ", ".join(
        f"sum(length(CAST({c} AS VARCHAR)))" for c in _COLUMNS) + " FROM runs").fetchall()
    ids = [i for (i,) in con.execute("SELECT id FROM runs").fetchall()]
    con.execute("SET index_scan_percentage = 1.0")
    con.execute("SET index_scan_max_count = 1000000")
    for at in range(0, len(ids), 10_000):
        chunk = ids[at:at + 10_000]
        con.execute(f"SELECT count(*) FROM runs WHERE id IN ({', '.join('?' * len(chunk))})",
                    chunk).fetchall()
    return None


def move_aside(path: Path, *, now: dt.datetime | None = None) -> Path:
    """Rename the file at ``path`` (and its write-ahead log, ``<path>.wal``) to
    ``<name>.corrupt-<UTC timestamp>`` in the same folder, with ``-2``, ``-3`` … if that
    name is taken; returns the new path. Nothing is deleted or overwritten.

    Raises
    ------
    StoreError
        When the file cannot be renamed (a read-only folder): one line, nothing changed.
    """
    path = Path(path)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    target, n = base, 1
    wal = path.with_name(path.name + ".wal")
    while target.exists() or target.with_name(target.name + ".wal").exists():
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    try:
        os.rename(path, target)
        if wal.exists():
            os.rename(wal, target.with_name(target.name + ".wal"))
    except OSError as exc:
        raise StoreError(f"The runs database {path} is unreadable and cannot be moved aside "
                         f"to {target}: {exc.strerror}; move it away by hand.") from None
    return target


class Recovered(NamedTuple):
    """An unreadable runs database moved aside: why, from where, to where."""

    path: Path
    moved_to: Path
    reason: str

    def __str__(self) -> str:
        return (f"the runs database {self.path} could not be read ({self.reason}); it was "
                f"moved to {self.moved_to} (kept, not deleted) and a new empty one was "
                "started")


def recover(path: Path) -> Recovered | None:
    """Move an unreadable runs database at ``path`` aside (:func:`problem`,
    :func:`move_aside`); returns what was found and where the file is now (its ``str``
    is one sentence), or None when there was nothing to move.

    Raises
    ------
    StoreError
        When the database is held by another server, or cannot be looked at or moved.
    """
    path = Path(path)
    reason = problem(path)
    if reason is None:
        return None
    return Recovered(path, move_aside(path), reason)


def open_runs(path: Path) -> tuple[RunStore, Recovered | None]:
    """The runs database at ``path``, after :func:`recover`; and what it moved, if any.

    Raises
    ------
    StoreError
        When the database is held by another server, or cannot be looked at or moved.
    """
    note = recover(path)
    return RunStore(path), note


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
