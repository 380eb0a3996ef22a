"""The DuckDB store: every registered dataset loaded into one file, with provenance.

A build reads each source through the registry (verified on load), builds the tidy tables of
:mod:`foedus.data.tidy`, writes them into a NEW file beside the store and renames it into
place only at the end (``os.replace`` is atomic on one filesystem). An interrupted, killed or
failed build therefore leaves the previous store exactly as it was; leftovers of killed
builds are removed by the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from foedus import __version__, config
from foedus.data.fetch import Located, ProgressFactory, locate, sha256_file
from foedus.data.readers import read_raw
from foedus.data.registry import datasets
from foedus.data.tidy import TABLES, build_table
from foedus.errors import DiskFullError, FoedusError, StoreError

__all__ = ["BuildReport", "build", "connect", "status"]

#: Called as ``step(label, done, total)`` while building; the CLI draws a bar from it.
StepCallback = Callable[[str, int, int], None]

_PARTIAL = ".building-"


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
    started = time.perf_counter()
    target = config.store_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _space_or_store_error(exc, target) from None
    _remove_leftovers(target)
    entries = [e for e in datasets() if any(e.name in t.sources for t in TABLES)]
    total = len(entries) + len(TABLES) + 1
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
            for table in TABLES:
                frame, report = build_table(table, {s: raw[s] for s in table.sources})
                con.register("frame_view", frame)
                con.execute(f'CREATE TABLE "{table.name}" AS SELECT * FROM frame_view')
                con.unregister("frame_view")
                counts[table.name] = len(frame)
                if report is not None:
                    reports.append(report)
                tick(f"table {table.name}")
            unmatched = _concat_reports(reports)
            _write_meta(con, located, counts, unmatched, time.perf_counter() - started)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(partial, target)
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
    for path in (partial, partial.with_name(partial.name + ".wal")):
        path.unlink(missing_ok=True)


def _concat_reports(reports: list[pd.DataFrame]) -> pd.DataFrame:
    columns = ["dataset", "source_name", "first_year", "last_year", "rows", "reason"]
    frames = [r for r in reports if len(r)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def _write_meta(con: duckdb.DuckDBPyConnection, located: dict[str, Located],
                counts: dict[str, int], unmatched: pd.DataFrame, seconds: float) -> None:
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    provenance = pd.DataFrame([{
        "dataset": name, "title": loc.dataset.title, "version": loc.dataset.version,
        "coverage": loc.dataset.coverage, "file": loc.dataset.file,
        "sha256": loc.dataset.sha256, "rows": loc.dataset.rows,
        "origin": loc.origin, "citation": loc.dataset.citation,
    } for name, loc in located.items()])
    info = pd.DataFrame({"key": ["built_at", "foedus_version", "build_seconds", "tables"],
                         "value": [built_at, __version__, f"{seconds:.2f}",
                                   str(len(counts))]})
    for name, frame in (("provenance", provenance), ("store_info", info),
                        ("unmatched_names", unmatched)):
        con.register("meta_view", frame)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM meta_view')
        con.unregister("meta_view")


@contextlib.contextmanager
def connect(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store.

    Raises
    ------
    StoreError
        If no store has been built yet, or the file is not a readable store.
    """
    target = path or config.store_path()
    if not target.is_file():
        raise StoreError(f"No store at {target}; run `foedus data build` first "
                         "(FOEDUS_HOME moves it).")
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"The store at {target} cannot be opened: "
                         f"{str(exc).splitlines()[0]}; rebuild it with `foedus data build`."
                         ) from None
    try:
        yield con
    finally:
        con.close()


def status(*, verify: bool = True) -> dict:
    """What is present, verified and built, and when.

    Returns a JSON-ready dict: ``store`` (path, present, built_at, foedus_version, size,
    tables with row counts), ``datasets`` (per registered file: where it was found, whether
    its hash verified, whether the store holds that exact version) and ``provenance``.
    """
    target = config.store_path()
    store: dict = {"path": str(target), "present": target.is_file()}
    built: dict[str, str] = {}
    if store["present"]:
        with connect(target) as con:
            info = dict(con.execute("SELECT key, value FROM store_info").fetchall())
            built = dict(con.execute("SELECT dataset, sha256 FROM provenance").fetchall())
            tables = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()]
            store["tables"] = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                               for t in tables}
            store["unmatched_names"] = store["tables"].get("unmatched_names", 0)
        store.update(built_at=info.get("built_at"), foedus_version=info.get("foedus_version"),
                     size_bytes=target.stat().st_size)
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
