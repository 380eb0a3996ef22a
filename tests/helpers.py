"""Helpers for tests: a loopback HTTP server and running the CLI in a subprocess."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def session_store(built_home: Path, mirror: Path) -> Iterator[None]:
    """The session's built store as the environment of a module- or session-wide fixture
    (pytest's ``monkeypatch`` is function-scoped): home, cache, mirror, offline."""
    import pytest

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        mp.setenv("FOEDUS_CACHE", str(built_home / "cache"))
        mp.setenv("FOEDUS_DATA_MIRROR", str(mirror))
        mp.setenv("FOEDUS_OFFLINE", "1")
        yield


def load_tool(name: str):
    """A script of ``tools/`` imported as a module (the folder is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    fail_first: dict[str, int] = {}  # noqa: RUF012 - per-server copy set in serve()
    hits: list[str] = []  # noqa: RUF012

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        remaining = self.fail_first.get(self.path, 0)
        if remaining:
            self.fail_first[self.path] = remaining - 1
            self.send_error(503, "try again")
            return
        super().do_GET()


@contextlib.contextmanager
def serve(root: Path, fail_first: dict[str, int] | None = None) -> Iterator[tuple[str, list]]:
    """Serve ``root`` on 127.0.0.1 (a free port) for the duration of the block.

    ``fail_first`` maps a URL path to how many requests answer 503 before it is served.
    Yields the base URL and the list of requested paths.
    """
    handler = type("Handler", (_QuietHandler,), {"fail_first": dict(fail_first or {}),
                                                 "hits": []})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler.hits
    finally:
        server.shutdown()
        server.server_close()


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
            preexec_fn=None) -> subprocess.CompletedProcess[str]:
    """Run ``foedus ARGS`` in a fresh interpreter with the test's environment."""
    return subprocess.run(
        [sys.executable, "-c", "from foedus.cli.main import run; run()", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
        preexec_fn=preexec_fn, check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit code 1, one line on stderr, no traceback, and each needle in the message."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def bound(answer, treaty: str, kind: str = "defense") -> set[int]:
    """COW codes bound by ``treaty`` (id) with an obligation of ``kind`` in an answer."""
    return {b.state for b in answer.obligations
            if b.treaty.id == treaty and b.obligation.kind.value == kind}


def reasons(answer, treaty: str) -> set[str]:
    """The reason codes under which ``treaty`` is not triggered in an answer."""
    return {n.reason for n in answer.not_triggered if n.treaty.id == treaty}


def schema_validator(name: str):
    """A JSON Schema validator for ``docs/schemas/<name>.schema.json``, with its references."""
    import json

    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = REPO / "docs" / "schemas"
    registry = Registry()
    for path in schemas.glob("*.schema.json"):
        schema = json.loads(path.read_text("utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    schema = json.loads((schemas / f"{name}.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)
