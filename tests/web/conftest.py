"""Fixtures of the web app's tests: an app on the session's built store, with lowered
limits and its own runs database."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from foedus.web.app import create_app
from web.live import lowered_settings

TOKEN = "a-test-token-that-is-long-enough"


@pytest.fixture
def settings(tmp_path: Path, store_home: Path):
    """Lowered limits, a token, the runs database in the test's folder."""
    return lowered_settings(tmp_path, token=TOKEN)


@pytest.fixture
def client(settings):
    """A TestClient (its lifespan runs: the runs database and the worker pool)."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c

