"""Worker processes started with the server (``prestart_workers``): alive before any job
is sent, and the first job runs in the process already started."""

from __future__ import annotations

import time
from pathlib import Path

from foedus.web.jobs import Jobs
from foedus.web.runs import RunStore
from foedus.web.settings import library_dir


def test_a_prestarted_worker_is_up_before_the_first_job(store_home, tmp_path: Path) -> None:
    runs = RunStore(tmp_path / "runs.duckdb")
    jobs = Jobs(runs, library_dir(), workers=1, job_seconds=300.0, prestart=True)
    try:
        slot = jobs.slots[0]
        deadline = time.monotonic() + 60
        while slot.process is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert slot.process is not None and slot.process.is_alive()
        pid = slot.process.pid
        job = jobs.submit("simulate", {"kind": "simulate", "main": "baltic-estonia-2024.toml",
                                       "files": {}, "draws": 2000, "seed": 1},
                          {"draws": 2000, "seed": 1})
        assert job.done.wait(300)
        assert job.status == "done", runs.get(job.id)
        assert slot.process.pid == pid  # the prestarted process ran it
    finally:
        jobs.close()
        runs.close()


def test_without_prestart_no_worker_runs_until_a_job_comes(store_home, tmp_path: Path
                                                           ) -> None:
    runs = RunStore(tmp_path / "runs.duckdb")
    jobs = Jobs(runs, library_dir(), workers=1, prestart=False)
    try:
        time.sleep(0.5)
        assert jobs.slots[0].process is None
    finally:
        jobs.close()
        runs.close()
