"""A real store, truncated, corrupted, replaced or emptied of a table in a temporary folder:
every way in (``connect``, ``data status``) answers with one line naming the path, what is
wrong and the fix (``foedus data build``); ``data status`` says which tables are missing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from foedus.data import store
from foedus.errors import StoreError

from helpers import assert_one_line_error, run_cli


@pytest.fixture
def home(built_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the session's store to damage."""
    folder = tmp_path / "damaged"
    folder.mkdir()
    for name in ("foedus.duckdb", "foedus.duckdb.prebuilt"):
        shutil.copy2(built_home / name, folder / name)
    monkeypatch.setenv("FOEDUS_HOME", str(folder))
    return folder


def _open_store() -> None:
    with store.connect():
        pass


def _env(home: Path) -> dict[str, str]:
    return {"FOEDUS_HOME": str(home)}


def test_a_built_store_is_valid(home: Path) -> None:
    status = store.status(verify=False)["store"]
    assert status["valid"] is True and "problem" not in status
    assert status["missing_tables"] == []
    assert set(store.expected_tables()) <= set(status["tables"])
    assert status["store_schema"] == str(store.SCHEMA)


@pytest.mark.parametrize("size", [4096, "third"])
def test_a_truncated_store_is_one_line(home: Path, size) -> None:
    path = home / "foedus.duckdb"
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size // 3 if size == "third" else size)
    with pytest.raises(StoreError, match=r"truncated, damaged .*foedus data build"):
        _open_store()
    status = store.status(verify=False)["store"]
    assert status["valid"] is False and str(path) in status["problem"]
    proc = run_cli("data", "status", env=_env(home))
    assert_one_line_error(proc, str(path), "foedus data build")
    assert "NOT valid" in proc.stdout  # the status itself is still printed


def test_garbage_and_an_empty_file_are_one_line(home: Path) -> None:
    path = home / "foedus.duckdb"
    path.write_bytes(os.urandom(1 << 14))
    assert_one_line_error(run_cli("summary", env=_env(home)), str(path), "foedus data build")
    path.write_bytes(b"")
    assert_one_line_error(run_cli("data", "status", env=_env(home)), "foedus data build")


def test_a_foreign_duckdb_file_is_not_a_store(home: Path) -> None:
    path = home / "foedus.duckdb"
    path.unlink()
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE notes AS SELECT 1 AS x")
    con.close()
    with pytest.raises(StoreError, match="not a foedus store"):
        _open_store()
    assert_one_line_error(run_cli("summary", env=_env(home)), "not a foedus store",
                          "foedus data build")


def test_a_missing_table_is_named_by_status(home: Path) -> None:
    con = duckdb.connect(str(home / "foedus.duckdb"))
    con.execute('DROP TABLE "atop_members"')
    con.close()
    status = store.status(verify=False)["store"]
    assert status["valid"] is False and status["missing_tables"] == ["atop_members"]
    assert "atop_members" not in status["tables"]
    proc = run_cli("data", "status", "--json", env=_env(home))
    assert_one_line_error(proc, "lacks 1 of its tables (atop_members)", "foedus data build")
    answer = json.loads(proc.stdout)
    assert answer["store"]["missing_tables"] == ["atop_members"]


def test_another_schema_is_refused_on_open(home: Path) -> None:
    con = duckdb.connect(str(home / "foedus.duckdb"))
    con.execute("UPDATE store_info SET value = '0' WHERE key = 'schema'")
    con.close()
    with pytest.raises(StoreError, match=rf"store schema 0; this foedus reads schema "
                                         rf"{store.SCHEMA}.*foedus data build"):
        _open_store()


def test_a_folder_in_place_of_the_store(home: Path) -> None:
    (home / "foedus.duckdb").unlink()
    (home / "foedus.duckdb").mkdir()
    assert_one_line_error(run_cli("data", "status", env=_env(home)), "is not a file")


def test_a_damaged_prebuilt_file_falls_back_to_the_sources(home: Path) -> None:
    sidecar = home / "foedus.duckdb.prebuilt"
    with sidecar.open("r+b") as fh:
        fh.truncate(sidecar.stat().st_size // 2)
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
                   "2024-07-01", "--json", env=_env(home))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "foedus data build" in proc.stderr
    assert json.loads(proc.stdout)["obligations"]
