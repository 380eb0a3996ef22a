"""A corrupt runs database (issue 20, "Faults"; issue 18): found when the server starts,
moved aside under a timestamped name (never deleted), reported in one line on stderr, in
the start-up line and in ``/api/health``, and the server starts with a new empty one.

Every kind of file is real: a runs database truncated, overwritten with garbage, damaged
in a block, empty, a SQLite database, another program's DuckDB file, a runs table of
another layout, another schema version; and real servers on 127.0.0.1 (the app under
uvicorn, and ``foedus serve`` as a process)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from foedus.errors import StoreError
from foedus.web import runs as runs_mod
from foedus.web.runs import SCHEMA_VERSION, RunStore, move_aside, open_runs, problem, recover
from web.live import live_server, lowered_settings, wait


def _good(path: Path, n: int = 60) -> Path:
    """A runs database with ``n`` finished runs, large enough to span many blocks."""
    store = RunStore(path)
    for i in range(n):
        store.insert(f"run{i:03d}", "simulate", {"draws": i, "toml": "x" * 200})
        store.update(f"run{i:03d}", status="done", seconds=0.5, result={
            "p_deterred": i / n, "pad": "".join(chr(65 + (i * j) % 26) for j in range(3000))})
    store.close()
    return path


def _truncated(path: Path) -> Path:
    data = _good(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(300_000)))
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _sqlite(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT)")
    con.execute("INSERT INTO runs VALUES ('a', 'done')")
    con.commit()
    con.close()
    return path


def _duckdb_with(path: Path, *statements: str) -> Path:
    con = duckdb.connect(str(path))
    for statement in statements:
        con.execute(statement)
    con.close()
    return path


def _foreign_duckdb(path: Path) -> Path:
    return _duckdb_with(path, "CREATE TABLE treaties (id VARCHAR, name VARCHAR)",
                        "INSERT INTO treaties VALUES ('nato', 'North Atlantic Treaty')")


def _other_columns(path: Path) -> Path:
    return _duckdb_with(path, "CREATE TABLE runs (id VARCHAR, status VARCHAR, payload BLOB)",
                        "INSERT INTO runs VALUES ('a', 'done', NULL)")


def _other_version(path: Path) -> Path:
    _good(path, n=3)
    con = duckdb.connect(str(path))
    con.execute("UPDATE runs_meta SET value = ? WHERE key = 'schema_version'",
                [str(SCHEMA_VERSION + 1)])
    con.close()
    return path


KINDS = {
    "truncated": (_truncated, "Could not read"),
    "garbage": (_garbage, "not a valid DuckDB database"),
    "empty": (_empty, "empty file"),
    "sqlite": (_sqlite, "SQLite database"),
    "foreign duckdb": (_foreign_duckdb, "without a runs table (its tables: treaties)"),
    "other columns": (_other_columns, "columns (id, status, payload)"),
    "other version": (_other_version, f"schema version {SCHEMA_VERSION + 1}; this foedus "
                                      f"reads version {SCHEMA_VERSION}"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_found_moved_aside_and_replaced(tmp_path: Path, kind: str) -> None:
    make, words = KINDS[kind]
    path = make(tmp_path / "runs.duckdb")
    before = path.read_bytes()
    reason = problem(path)
    assert reason is not None and words in reason, reason
    store, moved = open_runs(path)
    try:
        assert moved is not None and moved.reason == reason and moved.path == path
        assert moved.moved_to.parent == tmp_path
        assert moved.moved_to.name.startswith("runs.duckdb.corrupt-")
        assert moved.moved_to.read_bytes() == before  # kept, byte for byte
        assert str(moved.moved_to) in str(moved) and "\n" not in str(moved)
        assert store.recent() == []  # a new, empty, usable database
        store.insert("new", "simulate", {"draws": 10})
        assert store.get("new")["status"] == "queued"
    finally:
        store.close()
    assert problem(path) is None
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM runs_meta").fetchall() == [(str(SCHEMA_VERSION),)]
    con.close()


def test_a_damaged_block_is_found_or_harmless(tmp_path: Path) -> None:
    """Bytes overwritten inside the file: DuckDB's block checksums find the damage when
    every value is read. A block that no run uses (freed by updates) may be damaged
    without loss; then every run must still read back as it was written."""
    good = _good(tmp_path / "good.duckdb")
    data = good.read_bytes()
    store = RunStore(good)
    expected = [store.get(f"run{i:03d}") for i in range(60)]
    store.close()
    found = 0
    for tenth in range(1, 10):
        damaged = bytearray(data)
        at = len(data) * tenth // 10
        damaged[at:at + 256] = b"\xa5" * 256
        path = tmp_path / f"damaged{tenth}" / "runs.duckdb"
        path.parent.mkdir()
        path.write_bytes(damaged)
        reason = problem(path)
        if reason is not None:
            found += 1
            assert "checksum" in reason or "Corrupt" in reason, reason
            store, moved = open_runs(path)
            store.close()
            assert moved is not None and moved.moved_to.read_bytes() == bytes(damaged)
        else:
            store = RunStore(path)
            assert [store.get(f"run{i:03d}") for i in range(60)] == expected, tenth
            store.close()
    assert found >= 3


def test_a_sound_database_keeps_its_runs(tmp_path: Path) -> None:
    path = _good(tmp_path / "runs.duckdb", n=5)
    store, moved = open_runs(path)
    try:
        assert moved is None and len(store.recent()) == 5
    finally:
        store.close()
    assert [p.name for p in tmp_path.iterdir()] == ["runs.duckdb"]


def test_a_database_from_before_the_version_is_kept(tmp_path: Path) -> None:
    """A runs table of today's columns without ``runs_meta`` (written before the version
    was recorded) is version 1: kept, runs and all, and the version added."""
    path = tmp_path / "runs.duckdb"
    con = duckdb.connect(str(path))
    con.execute(runs_mod._SCHEMA)
    con.execute("INSERT INTO runs (id, kind, status, created, params) VALUES "
                "('old', 'simulate', 'done', TIMESTAMP '2026-11-01 10:00:00', '{}')")
    con.close()
    assert problem(path) is None
    store, moved = open_runs(path)
    try:
        assert moved is None and store.get("old")["status"] == "done"
    finally:
        store.close()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM runs_meta").fetchall() == [(str(SCHEMA_VERSION),)]
    con.close()


def test_a_new_duckdb_file_without_tables_is_used(tmp_path: Path) -> None:
    path = tmp_path / "runs.duckdb"
    duckdb.connect(str(path)).close()
    assert problem(path) is None and recover(path) is None


def test_names_never_collide_and_the_wal_goes_along(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 6, 16, 17, 0, tzinfo=dt.UTC)
    moved = []
    for n in range(3):
        path = tmp_path / "runs.duckdb"
        path.write_bytes(b"garbage %d" % n)
        if n == 2:
            path.with_name("runs.duckdb.wal").write_bytes(b"wal bytes")
        moved.append(move_aside(path, now=now))
    assert [m.name for m in moved] == ["runs.duckdb.corrupt-20261206T161700Z",
                                       "runs.duckdb.corrupt-20261206T161700Z-2",
                                       "runs.duckdb.corrupt-20261206T161700Z-3"]
    assert [m.read_bytes() for m in moved] == [b"garbage 0", b"garbage 1", b"garbage 2"]
    assert (tmp_path / "runs.duckdb.corrupt-20261206T161700Z-3.wal").read_bytes() == \
        b"wal bytes"
    assert not (tmp_path / "runs.duckdb").exists()
    assert not (tmp_path / "runs.duckdb.wal").exists()


def test_a_database_held_by_another_server_is_not_touched(tmp_path: Path) -> None:
    path = _good(tmp_path / "runs.duckdb", n=2)
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            con = duckdb.connect({str(path)!r})
            print("held", flush=True)
            sys.stdin.read()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="another server"):
            recover(path)
        with pytest.raises(StoreError, match="another server"):
            open_runs(path)
    finally:
        holder.stdin.close()
        holder.wait(30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.duckdb"]
    assert problem(path) is None


def test_a_database_open_in_this_process_is_not_touched(tmp_path: Path) -> None:
    path = _good(tmp_path / "runs.duckdb", n=2)
    store = RunStore(path)
    try:
        with pytest.raises(StoreError, match="another server"):
            open_runs(path)
        assert len(store.recent()) == 2
    finally:
        store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.duckdb"]


def test_a_folder_in_the_way_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "runs.duckdb").mkdir()
    with pytest.raises(StoreError, match="not a regular file") as caught:
        open_runs(tmp_path / "runs.duckdb")
    assert "\n" not in str(caught.value)
    assert (tmp_path / "runs.duckdb").is_dir()


def test_a_read_only_folder_is_a_one_line_error(tmp_path: Path) -> None:
    path = _garbage(tmp_path / "runs.duckdb")
    tmp_path.chmod(0o555)
    try:
        if os.access(tmp_path, os.W_OK):  # root ignores the mode: nothing to show here
            return
        with pytest.raises(StoreError, match="cannot be moved aside"):
            recover(path)
        assert path.is_file()
    finally:
        tmp_path.chmod(0o755)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "sqlite", "foreign duckdb",
                                  "other version"])
def test_a_server_on_loopback_starts_with_a_new_database(tmp_path: Path, store_home: Path,
                                                         kind: str, capfd) -> None:
    path = KINDS[kind][0](tmp_path / "runs.duckdb")
    before = path.read_bytes()
    settings = lowered_settings(tmp_path, workers=1)
    with live_server(settings) as url:
        health = httpx.get(f"{url}/api/health", timeout=30).json()
        listed = httpx.get(f"{url}/api/runs", timeout=30)
    note = health["runs_db"]["moved_aside"]
    assert note is not None and "could not be read" in note and "kept, not deleted" in note
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("runs.duckdb.corrupt-")]
    assert len(kept) == 1 and kept[0].read_bytes() == before and str(kept[0]) in note
    assert listed.status_code == 200 and listed.json()["runs"] == []
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if "runs database" in line]
    assert lines == [f"foedus serve: {note}"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(env: dict, port: int) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from foedus.cli.main import run; run()", "serve", "--port",
         str(port), "--workers", "1"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True, env=env)
    lines = [proc.stderr.readline()]
    if "runs database" in lines[0]:
        lines.append(proc.stderr.readline())
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
            return proc, lines
        except httpx.TransportError:
            assert proc.poll() is None, lines
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(60)


@pytest.mark.slow
def test_foedus_serve_moves_it_aside_and_loses_no_run(tmp_path: Path, cli_env: dict,
                                                      built_home: Path) -> None:
    """``foedus serve`` over a home whose runs database is garbage: one line on stderr,
    the start-up line names the kept file, a job runs and is recorded in the new
    database, and a restart keeps that run and moves nothing more."""
    home = tmp_path / "home"
    home.mkdir()
    for item in built_home.iterdir():  # the session's store, read-only, beside new runs
        if item.name.startswith("foedus.duckdb"):
            (home / item.name).symlink_to(item)
    runs = _garbage(home / "runs.duckdb")
    before = runs.read_bytes()
    env = {**os.environ, **cli_env, "FOEDUS_HOME": str(home)}
    port = _free_port()
    proc, lines = _start(env, port)
    try:
        assert len(lines) == 2, lines
        assert lines[0].startswith("foedus serve: the runs database") and \
            "not a valid DuckDB database" in lines[0] and "kept, not deleted" in lines[0]
        kept = [p for p in home.iterdir() if p.name.startswith("runs.duckdb.corrupt-")]
        assert len(kept) == 1 and kept[0].read_bytes() == before
        assert f"http://127.0.0.1:{port}/" in lines[1] and \
            f"the unreadable one kept as {kept[0].name}" in lines[1], lines[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            health = client.get("/api/health").json()
            assert health["runs_db"]["moved_aside"] == lines[0].removeprefix(
                "foedus serve: ").strip()
            job = client.post("/api/runs", json={"case": "baltic-estonia-2024.toml",
                                                 "draws": 2000, "seed": 7})
            assert job.status_code == 202, job.text
            run_id = job.json()["id"]
            assert wait(client, run_id)["status"] == "done"
    finally:
        _stop(proc)
    proc, lines = _start(env, port)
    try:
        assert len(lines) == 1 and "runs in " in lines[0] and "unreadable" not in lines[0]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            again = client.get(f"/api/runs/{run_id}").json()
            assert again["status"] == "done" and again["result"]["p_deterred"] > 0
            assert client.get("/api/health").json()["runs_db"]["moved_aside"] is None
    finally:
        _stop(proc)
    assert len([p for p in home.iterdir() if p.name.startswith("runs.duckdb.corrupt-")]) == 1
