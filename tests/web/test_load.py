"""A bounded load test on loopback: 20 crisis jobs sent at once to a real server on
127.0.0.1 all complete, none is lost, and each result equals the serial one.

Most of a job's time is compiling the scenario (about 6 s under load, whatever the draws),
so the serial references compile it once and run each seed on it; that this is
``simulate`` itself is checked on two seeds (the first and the last), so the 20 references
are as strict as 20 calls of ``simulate`` at a third of the time (the test took 14.5 min
under a load average of 19 with a ``simulate`` per seed)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from foedus.crisis.compile import compile_scenario
from foedus.crisis.report import answer
from foedus.crisis.run import run
from foedus.crisis.scenario import load_scenario
from foedus.crisis.simulate import simulate
from foedus.web.settings import library_dir
from web.live import live_server, lowered_settings, wait

pytestmark = pytest.mark.slow

CASE = "baltic-estonia-2024.toml"
JOBS = 20
DRAWS = 2000


def _strip(result: dict) -> dict:
    out = json.loads(json.dumps(result))
    out["scenario"].pop("file")
    return out


def _serial(seeds: range) -> dict[int, dict]:
    """The serial answers for each seed: one compilation, one run per seed."""
    path = library_dir() / CASE
    scenario, attacks = load_scenario(path)
    compiled = compile_scenario(scenario, attacks)
    out = {}
    for seed in seeds:
        result = run(compiled, draws=DRAWS, seed=seed)
        out[seed] = answer(result, as_of=scenario.date, as_of_source="scenario",
                           attacks=attacks, file=str(path))
    for seed in (seeds[0], seeds[-1]):  # the references are simulate's answers
        assert _strip(out[seed]) == _strip(simulate(path, draws=DRAWS, seed=seed)), seed
    return out


def test_twenty_concurrent_jobs_complete_equal_to_serial(store_home, cli_env, tmp_path
                                                         ) -> None:
    settings = lowered_settings(tmp_path, queue=JOBS, workers=2, job_seconds=300.0)
    with live_server(settings, env=cli_env) as url, \
            httpx.Client(base_url=url, timeout=60.0) as client:
        def submit(seed: int) -> tuple[int, str]:
            response = client.post("/api/runs", json={"case": CASE, "draws": DRAWS,
                                                      "seed": seed})
            assert response.status_code == 202, response.text
            return seed, response.json()["id"]

        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            submitted = list(pool.map(submit, range(JOBS)))
        assert len({run_id for _, run_id in submitted}) == JOBS
        finished = {seed: wait(client, run_id, timeout=900) for seed, run_id in submitted}
        listed = {r["id"] for r in client.get("/api/runs", params={"limit": 200}).json()
                  ["runs"]}
    assert {run_id for _, run_id in submitted} <= listed  # none lost
    assert {r["status"] for r in finished.values()} == {"done"}
    serial = _serial(range(JOBS))
    for seed, job in finished.items():
        assert _strip(job["result"]) == _strip(serial[seed]), seed
