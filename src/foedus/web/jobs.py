"""Crisis jobs: a bounded queue, a pool of at most two worker processes, a time limit.

The server queues a job (:meth:`Jobs.submit`) and records it in the runs database; one
thread per worker slot hands jobs to its worker process through a pipe and reads back
progress and the result, which the server records (workers never write the database).
A job over its time limit, or cancelled, has its worker process killed and restarted, and
is recorded as ``cancelled`` with the reason: never lost. A full queue refuses new jobs
(:class:`QueueFullError`).

A worker runs the crisis engine's public functions exactly as the command line does
(:func:`foedus.crisis.simulate.simulate`, :func:`foedus.counterfactual.compare.compare`,
:func:`foedus.crisis.sweep.sweep` with the answer ``foedus sweep --json`` prints), on
scenario files written to a private temporary folder in which the case library's files
are linked, so that ``base =`` resolves inside the library and nowhere else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing as mp
import queue
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed import Client

from foedus.counterfactual.compare import compare
from foedus.crisis.report import sweep_answer as sweep_payload
from foedus.crisis.scenario import load_scenario
from foedus.crisis.simulate import simulate
from foedus.crisis.sweep import sweep
from foedus.errors import FoedusError, QueueFullError
from foedus.web.runs import RunStore, data_hashes

__all__ = ["Job", "Jobs", "QueueFullError", "grid_points", "sweep_answer"]

#: How often a slot thread looks at its pipe, the clock and the cancel flag (seconds).
_POLL = 0.05


@dataclass
class Job:
    """One queued or running job (the server's view; the database has the record)."""

    id: str
    kind: str
    spec: dict
    status: str = "queued"
    progress: float = 0.0
    cancel: str | None = None  # the reason, once cancellation is asked for
    done: threading.Event = field(default_factory=threading.Event)


def _display(result: dict, names: dict[str, str]) -> dict:
    """Replace the temporary paths in a result's ``scenario.file`` by the names shown."""
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            scenario = node.get("scenario")
            if isinstance(scenario, dict) and scenario.get("file") in names:
                scenario["file"] = names[scenario["file"]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


def _materialise(folder: Path, library: Path, files: dict[str, str]) -> None:
    """Link the library's scenarios into ``folder`` and write the uploaded ones beside."""
    if library.is_dir():
        for path in library.glob("*.toml"):
            if path.name not in files:
                (folder / path.name).symlink_to(path.resolve())
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")


def grid_points(grid: dict[str, list]) -> int:
    """The number of points of a sweep grid (every combination of its values)."""
    points = 1
    for values in grid.values():
        points *= len(values)
    return points


def sweep_answer(path: Path, grid: dict[str, list], *, draws: int | None = None,
                 seed: int | None = None, progress: Callable[[int], None] | None = None
                 ) -> dict:
    """Sweep the scenario in ``path`` over ``grid``: the object ``foedus sweep --json``
    prints for the same file, grid, draws and seed.

    The points run on an in-process Dask cluster of one single-threaded worker (a job's
    worker process may not start processes of its own); the chunks and their order are
    those of ``foedus sweep --workers 1``, so the numbers are the same.

    Raises
    ------
    FoedusError
        For a grid naming no scenario field, or a value the field refuses.
    """
    scenario, attacks = load_scenario(path)
    n = draws or scenario.draws
    s = scenario.seed if seed is None else seed
    with Client(processes=False, n_workers=1, threads_per_worker=1,
                dashboard_address=None) as client:
        results = sweep(scenario, attacks, grid, draws=n, seed=s, client=client,
                        progress=progress)
    return sweep_payload(scenario, path, grid, results, draws=n, seed=s)


def run_spec(spec: dict, library: Path, report: Callable[[float], None]) -> tuple[dict, float]:
    """Run one job's specification; returns the answer and the seconds it took.

    ``spec``: ``kind`` (``simulate``, ``sweep`` or ``compare``), ``files`` (uploaded texts
    by name), ``main`` (simulate, sweep) or ``base`` and ``alt`` (compare), ``draws``,
    ``seed``, for a sweep its ``grid``, and for a comparison ``alliance`` and
    ``threshold``.
    """
    expected = max(1, int(spec.get("expected_draws") or 1))
    state = {"done": 0, "total": expected, "sent": 0.0}

    def on_total(n: int) -> None:
        state["total"] = max(1, int(n)) * (2 if spec["kind"] == "compare" else 1)

    def progress(n: int) -> None:
        state["done"] += int(n)
        fraction = min(0.99, state["done"] / state["total"])
        if fraction - state["sent"] >= 0.02:
            state["sent"] = fraction
            report(fraction)

    with tempfile.TemporaryDirectory(prefix="foedus-job-") as tmp:
        folder = Path(tmp)
        _materialise(folder, library, spec.get("files") or {})
        start = time.perf_counter()
        if spec["kind"] == "simulate":
            path = folder / spec["main"]
            result = simulate(path, draws=spec.get("draws"), seed=spec.get("seed"),
                              on_total=on_total, progress=progress)
            names = {str(path): spec["main"]}
        elif spec["kind"] == "sweep":
            path = folder / spec["main"]
            result = sweep_answer(path, spec["grid"], draws=spec.get("draws"),
                                  seed=spec.get("seed"), progress=progress)
            names = {str(path): spec["main"]}
        else:
            base, alt = folder / spec["base"], folder / spec["alt"]
            result = compare(base, alt, draws=spec.get("draws"), seed=spec.get("seed"),
                             alliance=spec.get("alliance"),
                             threshold=spec.get("threshold", 0.5), progress=progress)
            names = {str(base): spec["base"], str(alt): spec["alt"]}
        seconds = time.perf_counter() - start
    return _display(result, names), seconds


def _worker(conn, library: str) -> None:  # pragma: no cover - runs in the child process
    """A worker process: run each job it is sent, send progress and the answer back."""
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message is None:
                return
            job_id, spec = message
            try:
                result, seconds = run_spec(
                    spec, Path(library), lambda f, j=job_id: conn.send(("progress", j, f)))
                conn.send(("done", job_id, result, seconds))
            except FoedusError as exc:
                conn.send(("failed", job_id, str(exc)))
            except Exception as exc:  # a bug: said in one line, never a traceback to users
                conn.send(("failed", job_id, f"internal error ({type(exc).__name__}): {exc}"))


class _Slot:
    """One worker process and the thread that feeds it."""

    def __init__(self, jobs: Jobs, index: int) -> None:
        self.jobs, self.index = jobs, index
        self.process: Any = None
        self.conn: Any = None
        self.thread = threading.Thread(target=self._loop, name=f"foedus-worker-{index}",
                                       daemon=True)

    def _start(self) -> None:
        context = mp.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, str(self.jobs.library)),
                                  name=f"foedus-job-worker-{self.index}", daemon=True)
        process.start()
        child.close()
        self.process, self.conn = process, parent

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(2)
        self.process = None

    def _kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join(5)
            with contextlib.suppress(OSError):
                self.conn.close()
        self.process = None

    def _loop(self) -> None:
        jobs = self.jobs
        if jobs.prestart:  # the interpreter and its imports ready before the first job
            try:
                self._start()
            except Exception:  # started again, lazily, for the first job
                self._kill()
        while not jobs.stopping.is_set():
            try:
                job = jobs.pending.get(timeout=0.2)
            except queue.Empty:
                continue
            if job is None:
                return
            if job.cancel:
                jobs.finish(job, "cancelled", error=job.cancel)
                continue
            try:
                if self.process is None or not self.process.is_alive():
                    self._start()
                self._run(job)
            except Exception as exc:  # the record must not be lost whatever happens
                self._kill()
                jobs.finish(job, "failed", error=f"internal error ({type(exc).__name__})")

    def _run(self, job: Job) -> None:
        jobs = self.jobs
        jobs.started(job)
        self.conn.send((job.id, job.spec))
        deadline = time.monotonic() + jobs.job_seconds
        while True:
            if job.cancel is None and time.monotonic() > deadline:
                job.cancel = (f"over the time limit of {jobs.job_seconds:g} s; cancelled "
                              "(the run is recorded, not lost)")
            if job.cancel is not None or jobs.stopping.is_set():
                self._kill()
                jobs.finish(job, "cancelled", error=job.cancel or "the server stopped")
                return
            try:
                ready = self.conn.poll(_POLL)
            except (OSError, EOFError):
                ready = False
            if not ready:
                if not self.process.is_alive():
                    self._kill()
                    jobs.finish(job, "failed", error="the worker process died (out of "
                                "memory?)")
                    return
                continue
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                continue
            kind, job_id, *rest = message
            if job_id != job.id:
                continue
            if kind == "progress":
                job.progress = float(rest[0])
            elif kind == "done":
                jobs.finish(job, "done", result=rest[0], seconds=rest[1])
                return
            else:
                jobs.finish(job, "failed", error=rest[0])
                return


class Jobs:
    """The job queue and its worker pool.

    Parameters
    ----------
    runs : RunStore
        Where jobs are recorded.
    library : Path
        The case library linked into each job's folder.
    workers : int
        Worker processes (1 or 2).
    queue_length : int
        Jobs that may wait beyond those running.
    job_seconds : float
        The time limit of one job.
    prestart : bool
        Start the worker processes at once rather than for the first job (which would
        otherwise wait for a new interpreter and its imports, some seconds).
    """

    def __init__(self, runs: RunStore, library: Path, *, workers: int = 2,
                 queue_length: int = 20, job_seconds: float = 600.0,
                 prestart: bool = False) -> None:
        self.runs, self.library, self.prestart = runs, library, prestart
        self.queue_length, self.job_seconds = queue_length, job_seconds
        self.pending: queue.Queue[Job | None] = queue.Queue()
        self.stopping = threading.Event()
        self.live: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.slots = [_Slot(self, i) for i in range(workers)]
        for stale in runs.unfinished():
            runs.update(stale, status="cancelled",
                        error="the server stopped before this run finished")
        for slot in self.slots:
            slot.thread.start()

    def submit(self, kind: str, spec: dict, params: dict, *, rerun_of: str | None = None
               ) -> Job:
        """Queue a job and record it; raises :class:`QueueFullError` when the queue is full.
        """
        with self._lock:
            waiting = sum(1 for j in self.live.values() if j.status == "queued")
            if waiting >= self.queue_length:
                raise QueueFullError(f"The job queue is full ({self.queue_length} waiting); "
                                     "try again when a run has finished.")
            job = Job(secrets.token_hex(8), kind, spec)
            self.live[job.id] = job
            self.runs.insert(job.id, kind, params, rerun_of=rerun_of)
        self.pending.put(job)
        return job

    def started(self, job: Job) -> None:
        """Mark a job as running."""
        job.status = "running"
        self.runs.update(job.id, status="running", started=_now())

    def finish(self, job: Job, status: str, *, result: dict | None = None,
               error: str | None = None, seconds: float | None = None) -> None:
        """Record a job's end (done, failed or cancelled) and forget it."""
        self.runs.update(job.id, status=status, finished=_now(), result=result, error=error,
                         seconds=seconds,
                         data_hashes=data_hashes(result) if result is not None else None)
        with self._lock:  # recorded first: a reader never sees "done" without the result
            self.live.pop(job.id, None)
        job.status = status
        job.progress = 1.0 if status == "done" else job.progress
        job.done.set()

    def cancel(self, run_id: str, reason: str = "cancelled on request") -> bool:
        """Ask for a queued or running job to be cancelled; False if it is not live."""
        job = self.live.get(run_id)
        if job is None:
            return False
        job.cancel = reason
        return True

    def status(self, run_id: str) -> tuple[str, float] | None:
        """The live status and progress of a job, or None when it is not live."""
        job = self.live.get(run_id)
        return None if job is None else (job.status, job.progress)

    def close(self) -> None:
        """Stop the slots and their workers; jobs still live are recorded as cancelled."""
        self.stopping.set()
        for _ in self.slots:
            self.pending.put(None)
        for slot in self.slots:
            slot.thread.join(10)
            slot.stop()
        for job in list(self.live.values()):
            self.finish(job, "cancelled", error="the server stopped")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
