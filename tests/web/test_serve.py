"""``foedus serve`` from the command line: the start-up line, and one-line errors (port in
use, no store) with exit code 1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from helpers import assert_one_line_error, run_cli


def test_no_store_is_a_one_line_error(tmp_path) -> None:
    proc = run_cli("serve", "--port", "0", env={"FOEDUS_HOME": str(tmp_path / "empty")})
    assert_one_line_error(proc, "No store", "foedus data build")


def test_a_port_in_use_is_a_one_line_error(cli_env) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = run_cli("serve", "--port", str(port), env=cli_env)
    assert_one_line_error(proc, f"port {port}", "in use")


def test_a_short_token_is_refused(cli_env, tmp_path) -> None:
    token = tmp_path / "token"
    token.write_text("short")
    proc = run_cli("serve", "--port", "0", "--token-file", str(token), env=cli_env)
    assert_one_line_error(proc, "shorter than 16")


@pytest.mark.slow
def test_serve_starts_read_only_on_loopback(cli_env, tmp_path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **cli_env, "FOEDUS_HOME": cli_env["FOEDUS_HOME"]}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from foedus.cli.main import run; run()", "serve", "--port",
         str(port)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    try:
        line = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}/" in line and "read-only" in line, line
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.2)
        assert answer.json()["status"] == "ok"
        refused = httpx.post(f"http://127.0.0.1:{port}/api/library",
                             json={"name": "x", "toml": "a = 1"}, timeout=30)
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]
    finally:
        proc.terminate()
        proc.wait(30)
