"""The store's prebuilt objects (issue 17): the same answers as the sources, never stale.

Every answer compared here is computed twice in the same test: from the store's prebuilt
objects, and from the sources (the books, the places book, the identity tables and the
store's ATOP tables), the path a store without a fresh prebuilt file takes.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from foedus.data import identities, loaders, prebuilt, queries
from foedus.data.atop_model import atop_treaties
from foedus.data.books import load_books
from foedus.data.store import connect
from foedus.model.dyads import directed_dyad_years
from foedus.model.vocab import View

QUERIES = [
    ["--attacker", "RUS", "--target", "EST", "--as-of", "2024-07-01"],
    ["--attacker", "CHN", "--target", "JPN", "--place", "Senkaku Islands",
     "--as-of", "2024-07-01"],
    ["--attacker", "CHN", "--target", "TWN", "--as-of", "2024-07-01"],
    ["--attacker", "RUS", "--target", "UKR", "--as-of", "2022-02-24"],
    ["--attacker", "PRK", "--target", "KOR", "--as-of", "1994-01-01", "--domain", "sea"],
    ["--attacker", "nonstate:al-Qaeda", "--target", "USA", "--as-of", "2001-09-12"],
    ["--attacker", "cow:GMY", "--target", "cow:FRN", "--as-of", "1914-08-03", "--view",
     "atop"],
    ["--attacker", "cow:GMY", "--target", "cow:POL", "--as-of", "1939-09-01"],
    ["--attacker", "RUS", "--target", "TUR", "--as-of", "1960-01-01"],
]


def _home_copy(built: Path, tmp: Path, *, sidecar: bool = True) -> Path:
    home = tmp / "home"
    home.mkdir()
    store = built / "foedus.duckdb"
    shutil.copy2(store, home / store.name)
    if sidecar:
        shutil.copy2(prebuilt.sidecar(store), prebuilt.sidecar(home / store.name))
    return home


def _run(home: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "foedus.cli", "obligations", *args,
                           "--json"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env, "FOEDUS_HOME": str(home)})


def _rewrite(path: Path, change: dict[str, str]) -> None:
    """Change the fingerprint recorded in a prebuilt file (as if that input had changed)."""
    header, blobs = prebuilt._read(path)
    assert header is not None
    header["fingerprint"] = {**header["fingerprint"], **change}
    with path.open("wb") as handle:
        pickle.dump(header, handle, protocol=5)
        for name, _ in header["objects"]:
            handle.write(blobs[name])


def test_the_build_writes_a_fresh_prebuilt_file(store_home: Path) -> None:
    store = store_home / "foedus.duckdb"
    header, blobs = prebuilt._read(prebuilt.sidecar(store))
    assert header is not None
    assert set(blobs) == {"system", "gazetteer", "identities", "books"}
    assert tuple(header["store"]) == (store.stat().st_size, store.stat().st_mtime_ns)
    assert prebuilt.compare(header["fingerprint"], prebuilt.fingerprint()).fresh
    assert isinstance(prebuilt.load("system"), prebuilt.StoredSystem)


def test_every_query_gives_the_same_json_from_the_store_and_from_the_sources(
        built_home: Path, cli_env: dict[str, str], tmp_path: Path) -> None:
    fast = built_home
    slow = _home_copy(built_home, tmp_path, sidecar=False)
    for args in QUERIES:
        a, b = _run(fast, args, cli_env), _run(slow, args, cli_env)
        assert a.returncode == 0, a.stderr
        assert b.returncode == 0, b.stderr
        assert a.stdout == b.stdout, args
        assert a.stderr == ""
        assert "foedus data build" in b.stderr and len(b.stderr.strip().splitlines()) == 1


def test_a_changed_book_file_is_said_in_one_line_and_the_books_are_read(
        built_home: Path, cli_env: dict[str, str], tmp_path: Path) -> None:
    home = _home_copy(built_home, tmp_path)
    _rewrite(prebuilt.sidecar(home / "foedus.duckdb"), {"books/nato.toml": "0" * 64})
    fresh = _run(built_home, QUERIES[0], cli_env)
    stale = _run(home, QUERIES[0], cli_env)
    assert stale.returncode == 0
    assert stale.stdout == fresh.stdout
    lines = stale.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "books/nato.toml changed since the store was built" in lines[0]
    assert "foedus data build" in lines[0]


def test_a_changed_dataset_stops_the_query(built_home: Path, cli_env: dict[str, str],
                                           tmp_path: Path) -> None:
    home = _home_copy(built_home, tmp_path)
    _rewrite(prebuilt.sidecar(home / "foedus.duckdb"), {"dataset:atop_members": "0" * 64})
    stale = _run(home, QUERIES[0], cli_env)
    assert stale.returncode == 1
    assert stale.stdout == ""
    assert "atop_members" in stale.stderr and "foedus data build" in stale.stderr
    assert "Traceback" not in stale.stderr


def test_a_prebuilt_file_of_another_build_is_not_used(built_home: Path,
                                                      cli_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    home = _home_copy(built_home, tmp_path)
    store = home / "foedus.duckdb"
    os.utime(store, ns=(store.stat().st_atime_ns, store.stat().st_mtime_ns + 10**9))
    stale = _run(home, QUERIES[0], cli_env)
    assert stale.returncode == 0
    assert stale.stdout == _run(built_home, QUERIES[0], cli_env).stdout
    assert "no prebuilt commitment system" in stale.stderr


@pytest.fixture(scope="module")
def both_systems(built_home: Path) -> tuple:
    saved = os.environ.get("FOEDUS_HOME")
    os.environ["FOEDUS_HOME"] = str(built_home)
    try:
        stored = loaders.load_system()
        with connect() as con:
            atop = atop_treaties(con)
        return stored, loaders.commitment_system(atop, load_books())
    finally:
        if saved is None:
            os.environ.pop("FOEDUS_HOME", None)
        else:
            os.environ["FOEDUS_HOME"] = saved


DAYS = [dt.date(1815, 6, 1), dt.date(1871, 1, 18), dt.date(1914, 8, 4), dt.date(1939, 9, 1),
        dt.date(1949, 8, 24), dt.date(1962, 1, 31), dt.date(1986, 9, 1), dt.date(2004, 3, 29),
        dt.date(2018, 12, 31), dt.date(2019, 1, 1), dt.date(2024, 7, 1),
        dt.date(2028, 12, 31)]  # the last day the legal view answers (registry.CARRY_YEARS)


def test_the_stored_system_is_the_system_of_the_sources(both_systems: tuple) -> None:
    stored, eager = both_systems
    assert isinstance(stored, prebuilt.StoredSystem)
    for view in View:
        for history in (False, True):
            assert stored.treaties(view, history=history) == eager.treaties(
                view, history=history)
        for day in DAYS:
            if view is View.ATOP and day > dt.date(2018, 12, 31):
                continue
            a, b = stored.as_of(day, view), eager.as_of(day, view)
            assert (a.day, a.view, a.treaties, a.carried_forward, a.notes) == (
                b.day, b.view, b.treaties, b.carried_forward, b.notes), (view, day)
            assert (a.crosswalk is None) == (b.crosswalk is None)
            if a.crosswalk is not None:
                assert a.crosswalk.decisions == b.crosswalk.decisions
            assert list(a.pledges()) == list(b.pledges())
        for state in (2, 200, 255, 365, 366, 710, 740):
            assert stored.members_of(state, view) == eager.members_of(state, view)
    assert stored.history == eager.history
    assert stored.superseded == eager.superseded
    for ref in ("book:nato", "atop:3180", "atop:3075", "atop:1", "book:none"):
        assert stored.find(ref) == eager.find(ref)
    assert stored.treaty("atop:3180") == eager.treaty("atop:3180")


def test_the_stored_identity_index_rebuilds_its_table(store_home: Path) -> None:
    stored = prebuilt.load("identities")
    assert stored is not None
    built = identities.index_state()
    pd.testing.assert_frame_equal(stored.table, built.table)
    assert stored.states == built.states and stored.spells == built.spells
    assert stored.codes == built.codes


def test_prebuilt_tables_equal_their_computation(store_home: Path) -> None:
    dyads = queries.atop_dyad_years()
    computed = directed_dyad_years(loaders.atop_treaties_from_store())
    pd.testing.assert_frame_equal(
        dyads.reset_index(drop=True),
        computed.astype(dyads.dtypes.to_dict()).reset_index(drop=True))
    years, _ = queries.system_years(1816, 2030)
    fast = queries.capitals_by_year(years)
    slow = queries.capitals_by_year_of(queries.capitals(), years)
    pd.testing.assert_frame_equal(fast, slow)
