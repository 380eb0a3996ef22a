"""Property tests of the API from its own OpenAPI document (schemathesis), against a server
on 127.0.0.1 with lowered limits (10,000 draws, five seconds per job): whatever a generated
request holds, the answer is never a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from web.live import live_server, lowered_settings

pytestmark = pytest.mark.slow

#: Examples per operation: bounded, so that the test stays within minutes on two cores.
EXAMPLES = 6
#: Operations left out: a study replicates a whole published paper per request (minutes).
SKIP = ("/api/studies/{name}",)


def test_no_generated_request_gets_a_5xx(store_home, cli_env, tmp_path) -> None:
    limits = lowered_settings(tmp_path, max_draws=10_000, job_seconds=5.0, queue=20,
                              token="a-test-token-that-is-long-enough")
    with live_server(limits, env=cli_env) as url:
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        seen = []
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in SKIP:
                continue
            seen.append(f"{operation.method.upper()} {operation.path}")

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), database=None)
            @given(case=operation.as_strategy())
            def check(case) -> None:
                case.call_and_validate(base_url=url, checks=[not_a_server_error],
                                       timeout=120)

            check()
    assert {"GET /api/obligations", "POST /api/runs", "GET /api/runs/{run_id}",
            "POST /api/compare", "POST /api/library"} <= set(seen)
