"""A real ``foedus serve`` app on 127.0.0.1 (uvicorn in a thread, a free port) for tests.

Used by the API, load and schemathesis tests here and by the browser tests
(``tests/browser/test_web*.py``). The environment (``FOEDUS_HOME`` …) is set for the
server's whole life, since its worker processes inherit it when they start.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from foedus.web.app import create_app
from foedus.web.settings import Settings


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore them."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def live_server(settings: Settings, env: dict[str, str] | None = None
                ) -> Iterator[str]:
    """Serve the app for ``settings`` on 127.0.0.1; yields its base URL (no trailing /)."""
    with environment(env or {}):
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0,
                                log_level="warning", access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(30)


def lowered_settings(tmp: Path, **overrides) -> Settings:
    """Settings with the runs database in ``tmp`` and lowered limits (tests may lower
    more)."""
    values = {"runs_db": tmp / "runs.duckdb", "max_draws": 10_000, "max_grid": 16,
              "job_seconds": 60.0, "warm_atlas": False, "prestart_workers": False,
              "workers": 2, "queue": 20, **overrides}
    return Settings(**values)


def wait(client, run_id: str, timeout: float = 240.0) -> dict:
    """Poll ``/api/runs/{id}`` (a TestClient or an httpx client) until the run finishes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}").json()
        if run["status"] in ("done", "failed", "cancelled"):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish in {timeout} s")
