"""Shared fixtures: the real data mirror, isolated homes and caches, and one built store.

Tests never touch the user's own data or cache directories: ``FOEDUS_HOME`` and
``FOEDUS_CACHE`` point into pytest's temporary folders, and ``FOEDUS_OFFLINE`` keeps the
official distributors out of reach (the HTTP paths are tested against 127.0.0.1).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check every input they draw; on a loaded 2-core CI machine a slow example
# is not a failure, so no per-example deadline.
settings.register_profile("foedus", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("foedus")

# The suite runs on two xdist workers (`make test`: `pytest -n 2 --dist loadgroup`). Each
# worker builds its own store (``built_home`` lives under the worker's own basetemp) and every
# port is a free one, so nothing writable is shared. A test file's tests stay on one worker
# (a module-scoped fixture is built once), and the files that start processes of their own
# (a Dask cluster, a browser) or build the session-wide panel share one worker per group.
# The groups come from the path: xdist 3.8's own `xdist_group` marks do not group under
# pytest 9, whose node ids no longer take the "@group" suffix xdist writes.
_GROUPS = (("tests/browser/", "browser"), ("tests/panels/", "panels"),
           ("tests/crisis/test_sweep.py", "dask"), ("tests/crisis/test_determinism.py", "dask"),
           ("tests/counterfactual/test_compare.py", "dask"))


def xdist_group(nodeid: str) -> str:
    """The group of a test: a shared one (``_GROUPS``) or its file."""
    path = nodeid.split("::", 1)[0]
    return next((name for prefix, name in _GROUPS if path.startswith(prefix)), path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """With ``--dist loadgroup``: xdist's scope scheduler over :func:`xdist_group`."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class PathGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return PathGroups(config, log)


REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("FOEDUS_DATA_MIRROR") or REPO.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The real data mirror (``FOEDUS_DATA_MIRROR``, default ``../shared/data``)."""
    assert (MIRROR / "PROVENANCE.md").is_file(), f"no data mirror at {MIRROR}"
    return MIRROR


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path) -> None:
    monkeypatch.setenv("FOEDUS_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FOEDUS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FOEDUS_OFFLINE", "1")
    monkeypatch.delenv("FOEDUS_DATA_URL", raising=False)


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """A folder holding a store built once from the real mirror (read it, do not change it)."""
    home = tmp_path_factory.mktemp("built-home")
    saved = {k: os.environ.get(k) for k in ("FOEDUS_HOME", "FOEDUS_CACHE",
                                            "FOEDUS_DATA_MIRROR", "FOEDUS_OFFLINE")}
    os.environ.update(FOEDUS_HOME=str(home), FOEDUS_CACHE=str(home / "cache"),
                      FOEDUS_DATA_MIRROR=str(mirror), FOEDUS_OFFLINE="1")
    try:
        from foedus.data import store

        store.build()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return home


@pytest.fixture(scope="session")
def cli_env(built_home: Path, mirror: Path) -> dict[str, str]:
    """Environment overrides for a CLI run against the session's store (for fixtures
    wider than a test, which the per-test isolation does not reach)."""
    return {"FOEDUS_HOME": str(built_home), "FOEDUS_CACHE": str(built_home / "cache"),
            "FOEDUS_DATA_MIRROR": str(mirror), "FOEDUS_OFFLINE": "1"}


@pytest.fixture
def store_home(built_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point FOEDUS_HOME at the session's built store."""
    monkeypatch.setenv("FOEDUS_HOME", str(built_home))
    return built_home


@pytest.fixture
def small_mirror(tmp_path: Path, mirror: Path) -> Path:
    """A writable copy of the real mirror, to damage in tests."""
    copy = tmp_path / "mirror"
    shutil.copytree(mirror, copy, ignore=shutil.ignore_patterns("*.pdf", "*.txt"))
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    copy.chmod(0o755)
    return copy
