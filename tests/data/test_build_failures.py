"""Bad input gets a clear error and loses nothing (issue 2): each case runs the real CLI.

Missing file, hash mismatch, truncated CSV, unknown dataset, full disk (a size-limited tmpfs
the test mounts, and a file-size limit), killed build: one line on stderr, exit code 1, no
traceback, and the cache and the previous store as they were.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import assert_one_line_error, run_cli


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _digest(p) for p in sorted(root.rglob("*"))
            if p.is_file()} if root.exists() else {}


@pytest.fixture
def previous(built_home: Path, tmp_path: Path, monkeypatch) -> Path:
    """A home holding a copy of a good store, and a cache holding one verified file."""
    home = tmp_path / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy2(built_home / "foedus.duckdb", home / "foedus.duckdb")
    monkeypatch.setenv("FOEDUS_HOME", str(home))
    assert run_cli("data", "pull", "cow_majors").returncode == 0
    return home


def _unchanged(home: Path, before_store: str, cache: Path, before_cache: dict) -> None:
    assert _digest(home / "foedus.duckdb") == before_store
    assert [p.name for p in home.iterdir()] == ["foedus.duckdb"]
    assert _snapshot(cache) == before_cache
    status = run_cli("data", "status", "--json")
    assert status.returncode == 0, status.stderr


def _state(home: Path) -> tuple[str, Path, dict]:
    cache = Path(os.environ["FOEDUS_CACHE"])
    return _digest(home / "foedus.duckdb"), cache, _snapshot(cache)


def test_missing_file(previous: Path, small_mirror: Path, monkeypatch) -> None:
    store, cache, files = _state(previous)
    (small_mirror / "cow_nmc" / "NMC-7.0-abridged_via_peacesciencer.csv").unlink()
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(small_mirror))
    proc = run_cli("data", "build")
    assert_one_line_error(proc, "'nmc_7'", "was not found", "correlatesofwar.org",
                          str(small_mirror / "cow_nmc"))
    _unchanged(previous, store, cache, files)


def test_hash_mismatch(previous: Path, small_mirror: Path, monkeypatch) -> None:
    store, cache, files = _state(previous)
    victim = small_mirror / "atop" / "atop5_1m.csv"
    victim.write_bytes(victim.read_bytes().replace(b"3180", b"3181", 1))
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(small_mirror))
    proc = run_cli("data", "build")
    assert_one_line_error(proc, "atop_members", "0e3c803f65275c3c", _digest(victim),
                          "left untouched")
    _unchanged(previous, store, cache, files)


def test_truncated_csv(previous: Path, small_mirror: Path, monkeypatch) -> None:
    store, cache, files = _state(previous)
    victim = small_mirror / "gdp" / "wdi_gdp_current_usd_long.csv"
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(small_mirror))
    proc = run_cli("data", "build")
    assert_one_line_error(proc, "wdi_gdp", "does not match the registry")
    pull = run_cli("data", "pull", "wdi_gdp")
    assert_one_line_error(pull, "wdi_gdp", "nothing was copied")
    _unchanged(previous, store, cache, files)


def test_unknown_dataset_name(previous: Path) -> None:
    store, cache, files = _state(previous)
    for args in (("data", "cite", "atop_memb"), ("data", "pull", "nmc_8")):
        assert_one_line_error(run_cli(*args), "Unknown dataset")
    _unchanged(previous, store, cache, files)


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_file_size_limit_during_build(previous: Path) -> None:
    store, cache, files = _state(previous)
    proc = run_cli("data", "build", preexec_fn=_limit_file_size(2_000_000))
    assert_one_line_error(proc, "disk is full or a file-size limit", "previous store")
    _unchanged(previous, store, cache, files)


def test_file_size_limit_during_pull(previous: Path) -> None:
    store, cache, files = _state(previous)
    proc = run_cli("data", "pull", "atop_directed", preexec_fn=_limit_file_size(1_000_000))
    assert_one_line_error(proc, "atop_directed", "disk is full or a file-size limit")
    _unchanged(previous, store, cache, files)


@contextlib.contextmanager
def _tmpfs(where: Path, size_bytes: int) -> Iterator[Path]:
    """A size-limited tmpfs (needs root, as on this project's machines and CI)."""
    where.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(where)],
                   check=True, capture_output=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def test_full_disk_keeps_previous_store_and_cache(previous: Path, tmp_path: Path,
                                                  monkeypatch) -> None:
    store_size = (previous / "foedus.duckdb").stat().st_size
    with _tmpfs(tmp_path / "small", store_size + 3_000_000) as disk:
        home, cache = disk / "home", disk / "cache"
        home.mkdir()
        shutil.copy2(previous / "foedus.duckdb", home / "foedus.duckdb")
        monkeypatch.setenv("FOEDUS_HOME", str(home))
        monkeypatch.setenv("FOEDUS_CACHE", str(cache))
        assert run_cli("data", "pull", "cow_majors", "capitals").returncode == 0
        before_store, before_cache = _digest(home / "foedus.duckdb"), _snapshot(cache)

        build = run_cli("data", "build")
        assert_one_line_error(build, "disk is full", "previous store was left as it was")
        pull = run_cli("data", "pull")
        assert_one_line_error(pull, "disk is full", "nothing was changed in the cache")

        assert _digest(home / "foedus.duckdb") == before_store
        assert [p.name for p in home.iterdir()] == ["foedus.duckdb"]
        after = _snapshot(cache)
        assert {k: after[k] for k in before_cache} == before_cache
        from foedus.data import datasets  # every other file in the cache is complete

        good = {d.file: d.sha256 for d in datasets()}
        assert all(good.get(k) == v for k, v in after.items()), after


def test_killed_build_leaves_previous_store(previous: Path) -> None:
    store, cache, files = _state(previous)
    proc = subprocess.Popen([sys.executable, "-c", "from foedus.cli.main import run; run()",
                             "data", "build"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.monotonic() + 120
    while not list(previous.glob("foedus.duckdb.building-*")):
        assert proc.poll() is None, "build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(previous.glob("foedus.duckdb.building-*"))  # the partial file it left
    assert _digest(previous / "foedus.duckdb") == store
    assert run_cli("data", "status").returncode == 0
    rebuilt = run_cli("data", "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    # leftovers removed; the store and its prebuilt objects (foedus.data.prebuilt) remain
    assert sorted(p.name for p in previous.iterdir()) == ["foedus.duckdb",
                                                          "foedus.duckdb.prebuilt"]
    assert _snapshot(cache) == files
