"""Faults survived, with real processes and bounded time: two ``foedus data build`` at once
(the second stops with one line naming the first; the first completes; the store is never
half-written), a process-pool worker killed mid-run (a one-line error, no hang), and the
store truncated while a query runs (one line naming the path and the fix; a build repairs
it)."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from foedus.data.store import check_store

from helpers import assert_one_line_error, run_cli

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "baltic-estonia-2024.toml"
CLI = [sys.executable, "-c", "from foedus.cli.main import run; run()"]


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.mark.slow
def test_two_builds_at_once_the_second_stops_the_first_completes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "FOEDUS_HOME": str(home), "FOEDUS_CACHE": str(tmp_path / "cache")}
    lock = home / "foedus.duckdb.build-lock"
    first = subprocess.Popen([*CLI, "data", "build"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        # the first holds the lock once its process id is in the lock file
        _wait_for(lambda: lock.is_file() and lock.read_text().strip() == str(first.pid),
                  300, "the first build to start")
        second = run_cli("data", "build", env={"FOEDUS_HOME": str(home),
                                                "FOEDUS_CACHE": str(tmp_path / "cache")})
        assert first.poll() is None, "the first build ended before the second was tried"
        assert_one_line_error(second, "another `foedus data build`", f"process {first.pid}")
        _, err = first.communicate(timeout=900)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert check_store(home / "foedus.duckdb") == home / "foedus.duckdb"
    leftovers = sorted(p.name for p in home.iterdir() if ".building-" in p.name)
    assert leftovers == []
    # the finished build released and removed its lock: a third build could run now
    assert not lock.exists()
    from foedus.data.store import _build_lock

    with _build_lock(home / "foedus.duckdb"):
        assert lock.read_text().strip() == str(os.getpid())
    assert not lock.exists()


@pytest.mark.slow
def test_a_killed_pool_worker_is_a_one_line_error_not_a_hang(store_home: Path) -> None:
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.run import run
    from foedus.crisis.scenario import load_scenario
    from foedus.errors import WorkerLostError

    scenario, attacks = load_scenario(SCENARIO)
    compiled = compile_scenario(scenario, attacks)
    killed: list[int] = []

    # only a process the run starts: under pytest-xdist this process may still hold the
    # worker processes of another test's Dask cluster
    before = {c.pid for c in multiprocessing.active_children()}

    def kill_a_worker() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            children = [c for c in multiprocessing.active_children() if c.pid not in before]
            if children:
                os.kill(children[0].pid, signal.SIGKILL)
                killed.append(children[0].pid)
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_worker, daemon=True)
    killer.start()
    with pytest.raises(WorkerLostError, match="ended abruptly") as caught:
        run(compiled, draws=20_000_000, seed=1, workers=2, executor="processes")
    killer.join(timeout=60)
    assert killed, "no worker process was seen"
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_a_store_truncated_while_a_query_runs_is_one_line_and_a_build_repairs_it(
        built_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from foedus.data import store
    from foedus.errors import StoreError

    home = tmp_path / "home"
    home.mkdir()
    for name in ("foedus.duckdb", "foedus.duckdb.prebuilt"):
        if (built_home / name).is_file():
            shutil.copy2(built_home / name, home / name)
    monkeypatch.setenv("FOEDUS_HOME", str(home))
    target = home / "foedus.duckdb"
    with pytest.raises(StoreError) as caught, store.connect(target) as con:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        os.truncate(target, 16384)  # another process truncates the store mid-query
        for table in tables:
            con.execute(f'SELECT * FROM "{table}"').fetchall()
    message = str(caught.value)
    assert "\n" not in message and str(target) in message and "foedus data build" in message
    assert "truncated or damaged" in message
    store.build()  # the next build repairs it
    assert store.check_store(target) == target
