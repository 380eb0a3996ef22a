"""The runs database: every crisis job with its parameters, seed, data hashes and result.

It lives beside the store (``FOEDUS_HOME/runs.duckdb``, :func:`foedus.config.runs_path`;
DESIGN §2), so rebuilding the data never loses a run, and only the server process writes
it: workers hand their results back to the server, which records them. A run keeps the
hashes of the data it read (the datasets and book files of its provenance); after a rebuild,
:func:`hash_changes` says which of them differ today.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from foedus.errors import StoreError

__all__ = ["RunStore", "data_hashes", "hash_changes"]

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
            self._con = duckdb.connect(str(self.path))
        except (OSError, duckdb.Error) as exc:
            raise StoreError(f"The runs database {self.path} cannot be opened: "
                             f"{str(exc).splitlines()[0]} (is another server using it?)"
                             ) from None
        self._lock = threading.Lock()
        with self._lock:
            self._con.execute(_SCHEMA)

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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
