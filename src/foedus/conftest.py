"""pytest configuration of the package's doctests (``pytest --doctest-modules src``).

Examples in docstrings run against a real store, built once per session from the data mirror
(``FOEDUS_DATA_MIRROR``, default ``../shared/data``) into a temporary folder, and only when a
doctest first runs: about 15 s on the development machine (``foedus data build``; see
``make bench``). Each doctest then sees ``FOEDUS_HOME`` pointing at that store, with the
official distributors out of reach (``FOEDUS_OFFLINE``), as the test suite's own fixtures do.
This module is test infrastructure: nothing in foedus imports it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def doctest_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a store built once for the session's doctests."""
    mirror = Path(os.environ.get("FOEDUS_DATA_MIRROR") or _REPO.parent / "shared" / "data")
    home = tmp_path_factory.mktemp("doctest-home")
    env = {"FOEDUS_HOME": str(home), "FOEDUS_CACHE": str(home / "cache"),
           "FOEDUS_DATA_MIRROR": str(mirror.resolve()), "FOEDUS_OFFLINE": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from foedus.data import store

        store.build()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return env


@pytest.fixture(autouse=True)
def _doctest_environment(request: pytest.FixtureRequest,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every doctest at the session's store (built on first use)."""
    if not isinstance(request.node, pytest.DoctestItem):
        return
    for key, value in request.getfixturevalue("doctest_store").items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FOEDUS_DATA_URL", raising=False)
