"""The DuckDB store: every registered dataset loaded into one file, with provenance.

A build reads each source through the registry (verified on load), builds the tidy tables of
:mod:`foedus.data.tidy`, writes them into a NEW file beside the store and renames it into
place only at the end (``os.replace`` is atomic on one filesystem). An interrupted, killed or
failed build therefore leaves the previous store exactly as it was; leftovers of killed
builds are removed by the next build. One build runs at a time per store: a second one,
started while the first runs, stops at once with a one-line error naming the other process
(an exclusive ``flock`` on ``foedus.duckdb.build-lock``, released by the system when the
building process ends, however it ends; a build that ends removes the file, and one killed
leaves it for the next build, which takes it).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from foedus import __version__, config
from foedus.data import prebuilt
from foedus.data.registry import datasets
from foedus.errors import DiskFullError, FoedusError, StoreError

if TYPE_CHECKING:
    import pandas as pd

    from foedus.data.fetch import Located, ProgressFactory

__all__ = ["SCHEMA", "BuildReport", "build", "check_store", "connect", "expected_tables",
           "fetch_arrays", "session", "status"]

#: Called as ``step(label, done, total)`` while building; the CLI draws a bar from it.
StepCallback = Callable[[str, int, int], None]

_PARTIAL = ".building-"

#: The layout of the store (its tables and their meaning). A store records the schema it was
#: built with in ``store_info``; one built with another (or none: an older foedus) is
#: refused on open with the fix, ``foedus data build``. Raise it when the tables change.
SCHEMA = 1
#: The tables every store has beside the tidy and prebuilt ones.
META_TABLES = ("provenance", "store_info", "unmatched_names")


@dataclass(frozen=True)
class BuildReport:
    """What a build did: where the store is, how long it took, its size and tables."""

    path: Path
    seconds: float
    size_bytes: int
    tables: dict[str, int]
    unmatched: pd.DataFrame


def _remove_leftovers(target: Path) -> None:
    """Delete partial files of builds whose process no longer runs."""
    for partial in target.parent.glob(f"{target.name}{_PARTIAL}*"):
        pid_text = partial.name.split(_PARTIAL, 1)[1].split(".", 1)[0]
        alive = False
        if pid_text.isdigit():
            try:
                os.kill(int(pid_text), 0)
                alive = int(pid_text) != os.getpid()
            except OSError:
                alive = False
        if not alive:
            partial.unlink(missing_ok=True)


def _space_or_store_error(exc: BaseException, target: Path) -> FoedusError:
    text = str(exc)
    space = ((isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT))
             or any(s in text for s in ("No space left", "File too large", "Disk quota")))
    if space:
        return DiskFullError(
            f"the store could not be written beside {target} (the disk is full or a file-size "
            "limit applies); the previous store was left as it was. Free space or set "
            "FOEDUS_HOME to a larger disk."
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return StoreError(f"building the store failed: {first}; the previous store was left as "
                      "it was.")


def build(*, step: StepCallback | None = None,
          progress: ProgressFactory | None = None) -> BuildReport:
    """Build the store from every registered dataset, atomically.

    Raises
    ------
    FoedusError
        For a missing or corrupt source, a full disk, or a failed write; the previous store
        (if any) is untouched in every case.
    """
    # the build's own modules (pandas, the readers, the tidy tables, the loaders) are
    # imported here: connect() and the queries' fast path need none of them
    from foedus.data.fetch import locate
    from foedus.data.readers import read_raw
    from foedus.data.tidy import TABLES

    with _build_lock(config.store_path()), prebuilt.building():
        return _build(step, progress, locate, read_raw, TABLES)


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """Hold the store's build lock for the block, or raise :class:`StoreError` at once when
    another process holds it (two builds at once: the second stops, the first completes).

    The lock file is removed when the block ends, so a finished build leaves only the
    store. A process that opened the file before it was removed finds, once it holds the
    lock, that the path no longer names the file it locked, and starts again with a new
    one (the usual lock-then-check-inode pattern), so two builds never hold two files.
    """
    lock = target.with_name(f"{target.name}.build-lock")
    while True:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise _space_or_store_error(exc, target) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StoreError(f"another `foedus data build` (process {other}) is building "
                             f"{target} now; wait for it to finish (the store is replaced "
                             "only when complete).") from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the file was removed by the build that held it: take a new one
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()  # still held: no other build can be between lock and check
        os.close(fd)  # releases the lock


def _build(step: StepCallback | None, progress: ProgressFactory | None, locate: Callable,
           read_raw: Callable, tables: tuple) -> BuildReport:
    from foedus.data.loaders import prebuild
    from foedus.data.tidy import build_table

    started = time.perf_counter()
    target = config.store_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _space_or_store_error(exc, target) from None
    _remove_leftovers(target)
    entries = [e for e in datasets() if any(e.name in t.sources for t in tables)]
    total = len(entries) + len(tables) + 2
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        if step is not None:
            step(label, done, total)

    located: dict[str, Located] = {}
    raw: dict[str, pd.DataFrame] = {}
    for entry in entries:
        located[entry.name] = locate(entry, progress=progress)
        raw[entry.name] = read_raw(entry.name, located[entry.name])
        tick(f"read {entry.name}")

    partial = target.with_name(f"{target.name}{_PARTIAL}{os.getpid()}")
    counts: dict[str, int] = {}
    reports: list[pd.DataFrame] = []
    try:
        con = duckdb.connect(str(partial))
        try:
            for table in tables:
                frame, report = build_table(table, {s: raw[s] for s in table.sources})
                con.register("frame_view", frame)
                con.execute(f'CREATE TABLE "{table.name}" AS SELECT * FROM frame_view')
                con.unregister("frame_view")
                counts[table.name] = len(frame)
                if report is not None:
                    reports.append(report)
                tick(f"table {table.name}")
            objects, frames = prebuild(con)
            prebuilt.write_tables(con, frames)
            counts.update({name: len(frame) for name, frame in frames.items()})
            tick("prebuilt commitment system, gazetteer, identities")
            unmatched = _concat_reports(reports)
            _write_meta(con, located, counts, unmatched, time.perf_counter() - started)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        prebuilt.write_file(prebuilt.sidecar(partial), partial, objects)
        os.replace(partial, target)
        os.replace(prebuilt.sidecar(partial), prebuilt.sidecar(target))
    except FoedusError:
        _discard(partial)
        raise
    except (OSError, duckdb.Error, MemoryError) as exc:
        _discard(partial)
        raise _space_or_store_error(exc, target) from None
    except BaseException:
        _discard(partial)
        raise
    tick("done")
    return BuildReport(target, time.perf_counter() - started, target.stat().st_size, counts,
                       unmatched)


def _discard(partial: Path) -> None:
    for path in (partial, partial.with_name(partial.name + ".wal"), prebuilt.sidecar(partial)):
        path.unlink(missing_ok=True)


def _concat_reports(reports: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    columns = ["dataset", "source_name", "first_year", "last_year", "rows", "reason"]
    frames = [r for r in reports if len(r)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def _write_meta(con: duckdb.DuckDBPyConnection, located: dict[str, Located],
                counts: dict[str, int], unmatched: pd.DataFrame, seconds: float) -> None:
    import pandas as pd

    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    provenance = pd.DataFrame([{
        "dataset": name, "title": loc.dataset.title, "version": loc.dataset.version,
        "coverage": loc.dataset.coverage, "file": loc.dataset.file,
        "sha256": loc.dataset.sha256, "rows": loc.dataset.rows,
        "origin": loc.origin, "citation": loc.dataset.citation,
    } for name, loc in located.items()])
    names = sorted([*counts, *META_TABLES])
    info = pd.DataFrame({"key": ["built_at", "foedus_version", "build_seconds", "tables",
                                 "schema", "table_names"],
                         "value": [built_at, __version__, f"{seconds:.2f}",
                                   str(len(counts)), str(SCHEMA), ",".join(names)]})
    for name, frame in (("provenance", provenance), ("store_info", info),
                        ("unmatched_names", unmatched)):
        con.register("meta_view", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM meta_view')
        con.unregister("meta_view")


_FIX = "rebuild it with `foedus data build`"
_VALID: set[tuple[str, int, int]] = set()  # stores checked in this process (path, size, mtime)


def _open(target: Path) -> duckdb.DuckDBPyConnection:
    if not target.exists():
        raise StoreError(f"No store at {target}; run `foedus data build` first "
                         "(FOEDUS_HOME moves it).")
    if not target.is_file():
        raise StoreError(f"The store at {target} is not a file; remove it and run "
                         "`foedus data build`.")
    try:
        return duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"The store at {target} cannot be opened ({first}): it is "
                         f"truncated, damaged or not a foedus store; {_FIX}.") from None


def _schema_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    """What is wrong with an open store's schema (None when it is a store of this foedus)."""
    try:
        names = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if "store_info" not in names:
            return "is not a foedus store (no store_info table)"
        info = dict(con.execute("SELECT key, value FROM store_info").fetchall())
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"cannot be read ({first})"
    schema = info.get("schema")
    if schema != str(SCHEMA):
        built = info.get("foedus_version", "an unknown version")
        return (f"was built by foedus {built} with store schema {schema or 'none'}; this "
                f"foedus reads schema {SCHEMA}")
    missing = [t for t in str(info.get("table_names", "")).split(",") if t and t not in names]
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more"
                                          if len(missing) > 4 else "")
        return f"lacks {len(missing)} of its tables ({shown})"
    return None


def _check_open(con: duckdb.DuckDBPyConnection, target: Path) -> None:
    try:
        st = target.stat()
    except OSError:
        st = None
    key = (str(target), st.st_size, st.st_mtime_ns) if st is not None else None
    if key is not None and key in _VALID:
        return
    problem = _schema_problem(con)
    if problem is not None:
        raise StoreError(f"The store at {target} {problem}; {_FIX}.")
    if key is not None:
        _VALID.add(key)


def check_store(path: Path | None = None) -> Path:
    """Check that the store opens and has the schema and tables of this foedus.

    Parameters
    ----------
    path
        The store file (default: ``config.store_path()``).

    Returns
    -------
    pathlib.Path
        The store file.

    Raises
    ------
    StoreError
        One line naming the path, what is wrong (missing, truncated or damaged, foreign,
        another schema, tables missing) and the fix, ``foedus data build``.
    """
    with connect(path) as _:
        pass
    return path or config.store_path()


#: The connection of the :func:`session` open in this context: (store path, connection).
_SESSION: contextvars.ContextVar[tuple[str, duckdb.DuckDBPyConnection] | None] = \
    contextvars.ContextVar("foedus_store_session", default=None)


@contextlib.contextmanager
def session(path: Path | None = None) -> Iterator[None]:
    """One read-only connection to the store for every :func:`connect` inside the block.

    A compile or a panel reads the store in several steps, each through ``connect()``;
    opening the file costs about 30 ms of CPU each time. Inside a session, ``connect()``
    on the same store yields the session's connection (checked once, as ``connect`` checks
    it) and leaves it open; the session closes it at the end. Read-only, so what is read
    is the same either way. The connection belongs to this thread's context
    (:mod:`contextvars`): another thread opens its own. A session inside a session is the
    outer one.

    Parameters
    ----------
    path
        The store file (default: ``config.store_path()``).

    Yields
    ------
    None

    Raises
    ------
    StoreError
        As :func:`connect`.
    """
    if _SESSION.get() is not None:
        yield
        return
    target = path or config.store_path()
    con = _open(target)
    try:
        _check_open(con, target)
        token = _SESSION.set((str(target), con))
        try:
            yield
        finally:
            _SESSION.reset(token)
    finally:
        con.close()


@contextlib.contextmanager
def connect(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store, checked (once per process and file state)
    for its schema version and tables (inside a :func:`session` on the same store, the
    session's connection).

    Raises
    ------
    StoreError
        If no store has been built yet, or the file is not a readable store of this
        foedus (truncated, damaged, foreign, another schema, tables missing).
    """
    target = path or config.store_path()
    shared = _SESSION.get()
    own = shared is None or shared[0] != str(target)
    con = _open(target) if own else shared[1]
    try:
        if own:
            _check_open(con, target)
        yield con
    except duckdb.Error as exc:  # a store damaged beyond its header fails on reading
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        if not isinstance(exc, duckdb.IOException | duckdb.InternalException
                          | duckdb.SerializationException):
            raise
        raise StoreError(f"The store at {target} could not be read ({first}): it is "
                         f"truncated or damaged; {_FIX}.") from None
    finally:
        if own:
            con.close()


def expected_tables() -> tuple[str, ...]:
    """The tables a store built by this foedus holds: the tidy tables, the prebuilt ones
    and the metadata."""
    from foedus.data.tidy import TABLES

    return tuple(sorted({t.name for t in TABLES} | set(prebuilt.PREBUILT_TABLES)
                        | set(META_TABLES)))


def status(*, verify: bool = True) -> dict:
    """What is present, verified and built, and when.

    Returns a JSON-ready dict: ``store`` (path, present, valid, the problem when it is not,
    built_at, foedus_version, schema, size, the tables present with row counts, the tables
    missing), ``datasets`` (per registered file: where it was found, whether its hash
    verified, whether the store holds that exact version). A damaged store is reported in
    ``store.problem``, never raised.
    """
    from foedus.data.fetch import sha256_file

    target = config.store_path()
    store: dict = {"path": str(target), "present": target.exists()}
    built: dict[str, str] = {}
    if store["present"]:
        store.update(_store_state(target))
        built = store.pop("_built", {})
    rows = []
    for entry in datasets():
        where, ok = None, None
        for origin, base in (("cache", config.cache_dir()), ("mirror", config.data_mirror())):
            if base is not None and (base / entry.file).is_file():
                where = origin
                ok = sha256_file(base / entry.file) == entry.sha256 if verify else None
                break
        rows.append({"name": entry.name, "version": entry.version, "file": entry.file,
                     "found_in": where, "verified": ok,
                     "in_store": built.get(entry.name) == entry.sha256})
    return {"store": store, "datasets": rows}


def _store_state(target: Path) -> dict:
    """The store's part of :func:`status`: valid or the one-line problem, tables present
    (with row counts) and missing."""
    state: dict = {"valid": False}
    try:
        con = _open(target)
    except StoreError as exc:
        return {**state, "problem": str(exc)}
    try:
        state["size_bytes"] = target.stat().st_size
        problem = _schema_problem(con)
        names = sorted(r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall())
        info: dict[str, str] = {}
        if "store_info" in names:
            info = dict(con.execute("SELECT key, value FROM store_info").fetchall())
        if "provenance" in names:
            state["_built"] = dict(con.execute(
                "SELECT dataset, sha256 FROM provenance").fetchall())
        tables: dict[str, int] = {}
        unreadable = []
        for t in names:
            try:
                tables[t] = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            except duckdb.Error:
                unreadable.append(t)
        wanted = [t for t in str(info.get("table_names", "")).split(",") if t] or \
            list(expected_tables())
        missing = sorted(set(wanted) - set(names))
        if problem is None and unreadable:
            problem = f"has tables that cannot be read ({', '.join(unreadable[:4])})"
        state.update(tables=tables, missing_tables=missing + unreadable,
                     unmatched_names=tables.get("unmatched_names"),
                     built_at=info.get("built_at"), foedus_version=info.get("foedus_version"),
                     store_schema=info.get("schema"))
    except duckdb.Error as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        problem = f"cannot be read ({first}): it is truncated or damaged"
    finally:
        con.close()
    if problem is not None:
        state["problem"] = f"The store at {target} {problem}; {_FIX}."
    state["valid"] = problem is None
    return state


def fetch_arrays(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
                 ) -> dict[str, Any]:
    """The columns of a query's result as plain numpy arrays, without pandas.

    DuckDB returns a column with a null as a masked array (and imports ``numpy.ma``, 17 ms
    of a cold start): the query gives a missing number as NaN instead
    (``coalesce(x, 'NaN'::DOUBLE)``), and a null left in any column is an error, never a
    value read from under the mask.

    Parameters
    ----------
    con
        An open store connection (:func:`connect`).
    sql
        The query.
    params
        Its parameters.

    Returns
    -------
    dict
        Column name to :class:`numpy.ndarray`, in the query's order.

    Raises
    ------
    StoreError
        A column holds a null.
    """
    got = con.execute(sql, params or []).fetchnumpy()
    for name, column in got.items():
        if hasattr(column, "mask"):  # a numpy.ma.MaskedArray (a plain array has no mask)
            raise StoreError(f"column {name!r} of {sql!r} holds a null; give a missing "
                             "number as NaN in the query")
    return dict(got)
