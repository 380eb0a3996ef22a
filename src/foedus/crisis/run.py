"""Run a crisis: chunks of draws on one core, local processes or a Dask cluster (DESIGN §5).

The draws are cut into chunks of :data:`CHUNK` (the last one shorter); chunk *i* is seeded
with the *i*-th child of ``numpy.random.SeedSequence(seed)``. A chunk's tally depends only
on the compiled scenario, its seed and its size, and tallies are added in chunk order, so
one seed gives the same numbers serially, on ``workers`` local processes or on a Dask
cluster (``scheduler`` address, or a ``LocalCluster`` started for ``workers > 1``).

In parallel, consecutive chunks are grouped into tasks (:func:`batches`): a chunk takes
some 30 to 100 ms, and a task costs a few milliseconds beyond its work (round trips to the
Dask scheduler, the result sent back), more on a busy machine, where the scheduler and the
client take their CPU from the workers. So a task runs several chunks, at most
:data:`BATCH`, largest first and down to one chunk at the end (10 million draws on 2
workers: 18 tasks, six of 16 chunks, then 15, 11, 8, … 1), so that the workers finish
within a chunk of each other even when the machine's other load slows one of them. The
compiled scenario is sent once per worker (scattered to every Dask worker; given to each
pool process when it starts), not with every task, and a task's result is small: past
:data:`foedus.crisis.draws.EXACT` draws the worker bins the chunk's capabilities itself
(:func:`run_chunks`). A local cluster runs without Dask's statistical profiler and
with slower health checks (:data:`_QUIET_CLUSTER`).

Memory does not grow with the draws (issue 20): at most :data:`WINDOW` tasks per worker
thread are in flight, and each chunk's tally is added to the running sum as soon as those
before it are in (chunk order, so the float sums are the same bits on every executor);
the coalition's quantiles come from counts (:class:`foedus.crisis.draws.Capabilities`).
"""

from __future__ import annotations

import itertools
import logging
import math
import signal
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from foedus.crisis.compile import Compiled
from foedus.crisis.decision import Decision
from foedus.crisis.draws import EXACT, REL_ERROR, Tally, count_quantile, run_chunk
from foedus.errors import FoedusError, WorkerLostError

__all__ = ["BATCH", "CHUNK", "QUANTILES", "Result", "add_tallies", "batches", "close_client",
           "run", "run_chunks", "seeds"]

#: Draws per chunk (the unit of work and of seeding).
CHUNK = 65_536
#: Most chunks in one parallel task (see the module docstring).
BATCH = 16
#: Quantiles reported for the coalition's size and capability.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def seeds(seed: int, draws: int) -> list[tuple[np.random.SeedSequence, int]]:
    """The (seed sequence, size) of every chunk of ``draws`` draws."""
    if draws < 1:
        raise FoedusError(f"draws must be at least 1, not {draws}")
    count = math.ceil(draws / CHUNK)
    children = np.random.SeedSequence(seed).spawn(count)
    return [(s, min(CHUNK, draws - i * CHUNK)) for i, s in enumerate(children)]


def batches(chunks: list, slots: int) -> list[list]:
    """Consecutive ``chunks`` grouped into tasks for ``slots`` worker threads, largest
    first ("guided" sizes: each task takes a ``2 × slots``-th of the chunks left, at most
    :data:`BATCH` and at least one), so that the run ends on tasks of one chunk and the
    threads finish within a chunk of each other, however unevenly the machine's load
    slowed them; one chunk per task if there are no threads yet (a cluster whose workers
    are still to join)."""
    if slots < 1:
        return [[c] for c in chunks]
    out, start = [], 0
    while start < len(chunks):
        size = max(1, min(BATCH, math.ceil((len(chunks) - start) / (2 * slots))))
        out.append(chunks[start:start + size])
        start += size
    return out


def run_chunks(compiled: Compiled, chunks: list[tuple[np.random.SeedSequence, int]],
               start: int | None = None, draws: int | None = None) -> list[Tally]:
    """The tally of each of ``chunks`` (one parallel task). With ``start``, the draws of
    the run before the first of ``chunks``, the capabilities of a chunk that ends past
    :data:`foedus.crisis.draws.EXACT` draws come back binned
    (:meth:`foedus.crisis.draws.Capabilities.binned`), and with ``draws``, the run's
    draws, every chunk's when the run has more than :data:`~foedus.crisis.draws.EXACT`:
    the sum in chunk order bins them anyway (a sum of more than ``EXACT`` draws is a
    histogram, and a histogram's counts are the same whether its terms were binned apart
    or together), so the total is the same bits, and the result sent back is some 50 kB
    instead of 4 bytes a draw."""
    tallies = []
    everything = draws is not None and draws > EXACT
    for s, n in chunks:
        tally = run_chunk(compiled, s, n)
        if start is not None:
            start += n
        if everything or (start is not None and start > EXACT):
            tally.capabilities = tally.capabilities.binned()
        tallies.append(tally)
    return tallies


#: The scenario of a process pool worker (set once, when the worker starts).
_pool_compiled: Compiled | None = None


def _pool_start(compiled: Compiled) -> None:
    global _pool_compiled
    _pool_compiled = compiled
    # Ctrl-C reaches the whole process group: the parent stops the run, the workers do not
    # print a traceback each
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool_chunks(chunks: list[tuple[np.random.SeedSequence, int]], start: int,
                 draws: int) -> list[Tally]:
    return run_chunks(_pool_compiled, chunks, start, draws)


@dataclass
class Result:
    """The summary of a simulation (see :func:`run`)."""

    compiled: Compiled
    tally: Tally
    seed: int

    def _p(self, count) -> tuple[np.ndarray, np.ndarray]:
        p = np.asarray(count, dtype=float) / self.tally.draws
        return p, np.sqrt(p * (1 - p) / self.tally.draws)

    @cached_property
    def decision(self) -> Decision | None:
        """The challenger's ex-ante choice (:func:`foedus.crisis.decision.decide`), None
        when there is no verdict (an attacker without a capability)."""
        from foedus.crisis.decision import decide

        if self.compiled.attacker_capability is None or self.tally.world is None:
            return None
        c = self.compiled
        # the targets are at war in every draw: their own weapons are priced apart
        return decide(self.tally.world, c.params, c.decision_draws,
                      target_nuclear=int(np.count_nonzero(c.guarantor[:c.n_targets])))

    @property
    def p_attack(self) -> tuple[float | None, float | None]:
        """Pr(the challenger attacks) over its types, and the Monte Carlo error."""
        d = self.decision
        return (None, None) if d is None else (d.p_attack, d.se)

    @property
    def p_deterred(self) -> tuple[float | None, float | None]:
        """Pr(deterred) = 1 − Pr(attack): the share of challenger types that do not attack."""
        d = self.decision
        return (None, None) if d is None else (1.0 - d.p_attack, d.se)

    def unconditional(self, p: float, se: float) -> tuple[float, float]:
        """Pr(attack) × a probability given war, with the delta-method error (the two
        treated as independent); the probability itself when there is no verdict."""
        d = self.decision
        if d is None:
            return p, se
        return d.p_attack * p, float(math.hypot(d.p_attack * se, p * d.se))

    @property
    def p_widens(self) -> tuple[float, float]:
        """Pr(the war widens | war)."""
        p, se = self._p(self.tally.widens)
        return float(p), float(se)

    def by_state(self, counts: np.ndarray, skip_targets: bool = True) -> dict[int, tuple]:
        """(probability, standard error) per COW code, for states that can be involved."""
        p, se = self._p(counts)
        start = self.compiled.n_targets if skip_targets else 0
        return {int(s): (float(p[i]), float(se[i]))
                for i, s in enumerate(self.compiled.states) if i >= start}

    def coalition(self) -> dict:
        """The defending coalition: size and capability, means with their standard errors
        and :data:`QUANTILES`. The sizes' quantiles are exact (from their counts); the
        capabilities' are exact up to :data:`foedus.crisis.draws.EXACT` draws and within a
        relative :data:`foedus.crisis.draws.REL_ERROR` beyond (``capability_quantiles_error``
        says which; docs/crisis.md, "Output")."""
        t = self.tally
        n = t.draws
        counts = t.size_counts
        size = np.arange(len(counts), dtype=np.float64)
        size_mean = float((counts * size).sum() / n)  # integers: the sum is exact
        size_var = float((counts * (size - size_mean) ** 2).sum() / (n - 1)) if n > 1 \
            else None
        caps = t.capabilities
        if caps.exact:  # every value: as before issue 20
            x = caps.values.astype(float)
            cap_mean = float(x.mean())
            cap_se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else None
        else:
            cap_mean = caps.mean
            cap_se = float(math.sqrt(caps.m2 / (n - 1) / n))
        mean = t.balance_sum / n
        var = max(t.balance_sumsq / n - mean ** 2, 0.0)
        return {
            "size_mean": size_mean,
            "size_mean_se": math.sqrt(size_var / n) if size_var is not None else None,
            "size_quantiles": {f"{q:g}": count_quantile(size, counts, q) for q in QUANTILES},
            "capability_mean": cap_mean,
            "capability_mean_se": cap_se,
            "capability_quantiles": dict(zip((f"{q:g}" for q in QUANTILES),
                                             caps.quantiles(QUANTILES), strict=True)),
            "capability_quantiles_error": 0.0 if caps.exact else REL_ERROR,
            "balance_mean": float(mean) if self.compiled.attacker_capability is not None
            else None,
            "balance_mean_se": float(math.sqrt(var / n)) if n > 1 and
            self.compiled.attacker_capability is not None else None,
        }


class _Sum:
    """The running sum of chunk tallies, added in chunk order as they arrive (in any
    order): a tally waits only until those before it have arrived, so memory does not
    grow with the number of draws."""

    def __init__(self) -> None:
        self.total: Tally | None = None
        self.next = 0
        self.waiting: dict[int, Tally] = {}

    def add(self, index: int, tally: Tally) -> None:
        self.waiting[index] = tally
        while self.next in self.waiting:
            t = self.waiting.pop(self.next)
            self.total = t if self.total is None else self.total + t
            self.next += 1


#: Parallel tasks in flight at once per worker thread: enough to keep every thread busy
#: while the oldest task's result is collected, few enough that results waiting for an
#: earlier one stay bounded.
WINDOW = 3


def _in_order(tasks: list[list], submit: Callable, total: _Sum, offset: int,
              progress: Callable[[int], None] | None, slots: int, drawn: int) -> None:
    """Run ``tasks`` (lists of chunks, the first of them chunk ``offset`` of the run,
    after ``drawn`` draws) through ``submit`` ((task, draws of the run before it) →
    future), at most ``WINDOW × slots`` in flight, collecting their results in order into
    ``total``."""
    pending: deque = deque()
    index = offset
    starts = itertools.accumulate((sum(n for _, n in task) for task in tasks),
                                  initial=drawn)
    following = zip(tasks, starts, strict=False)  # starts has one more: the end

    def send(task, start):
        pending.append((submit(task, start), task))

    for task, start in itertools.islice(following, max(WINDOW * slots, 2)):
        send(task, start)
    while pending:
        future, task = pending.popleft()
        tallies = future.result()
        del future  # a Dask future holds its result on the worker until released
        for (_, n), tally in zip(task, tallies, strict=True):
            total.add(index, tally)
            index += 1
            if progress:
                progress(n)
        task = next(following, None)
        if task is not None:
            send(*task)


def _run_local(compiled: Compiled, chunks, progress: Callable[[int], None] | None,
               workers: int, total: _Sum, offset: int, drawn: int, draws: int) -> None:
    if workers <= 1:
        for i, (s, n) in enumerate(chunks):
            total.add(offset + i, run_chunk(compiled, s, n))
            if progress:
                progress(n)
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_pool_start,
                               initargs=(compiled,))
    try:
        _in_order(batches(chunks, workers),
                  lambda task, start: pool.submit(_pool_chunks, task, start, draws),
                  total, offset, progress, workers, drawn)
    except BrokenProcessPool:  # a worker killed (signal, out of memory): no partial tally
        raise WorkerLostError(f"a worker process of the run ended abruptly (killed or out of "
                              f"memory); nothing was tallied. Run again, with fewer "
                              f"--workers than {workers} if memory is short.") from None
    finally:  # on Ctrl-C too: queued tasks are dropped, running ones end with their chunk
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(compiled: Compiled, chunks, progress, client, total: _Sum, offset: int,
              drawn: int, draws: int) -> None:
    # a fresh key per call: with the content hash as key, a second run of the same
    # scenario races the release of the first one's copy ("lost dependencies")
    shared = client.scatter(compiled, broadcast=True, hash=False)
    slots = sum(client.nthreads().values())
    _in_order(batches(chunks, slots),
              lambda task, start: client.submit(run_chunks, shared, task, start, draws,
                                                pure=False),
              total, offset, progress, max(slots, 1), drawn)


#: Dask settings of the local clusters :func:`dask_client` starts. An idle local cluster of
#: 2 workers used some 80 ms of CPU a second (the scheduler, the client and the nannies in
#: this process, 40 ms; each worker's event loop, 20 ms), taken from the draws on a
#: machine whose cores the workers fill; with these, 14 ms (measured with each thread's
#: CPU time from ``/proc``, 10 s idle). No statistical profiler (a thread sampling the
#: task's stack every 10 ms: nobody reads its profiles without a dashboard); event-loop
#: health checks every second, not 20 ms (a blocked loop is still reported after 3 s);
#: the system monitor (CPU, memory, network, for the dashboard) every 2 s, not 0.5 s;
#: the workers' memory checked every second, not 0.1 s (a run's memory does not grow with
#: its draws, issue 20). And glibc's malloc serves blocks under 4 MiB from its heap in the
#: workers: Dask starts them with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes the
#: threshold above which malloc maps fresh pages at 128 kB, so each chunk's temporaries
#: (its capabilities, their histogram keys: 64-512 kB) were fresh pages every chunk, some
#: 500 page faults and 10-14 % of a chunk's CPU past the first 2^20 draws (measured on
#: Estonia 2024, 32 chunks pinned to one core: 0.64 s against 0.56 s without, 0.58 s with
#: this setting); on 2 workers, 10 million draws took 1.53-1.58 s against 1.60-1.68 s.
_QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 4 << 20,
}


def dask_client(workers: int, scheduler: str | None):
    """A Dask client: to ``scheduler`` if given, else a local cluster of ``workers``
    single-threaded worker processes. Close it (and its cluster) after use."""
    import dask
    from distributed import Client, LocalCluster

    _quiet_interrupted_sync()
    if scheduler:
        try:
            return Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            # ValueError: not an address at all ("junk": no port, unknown protocol)
            raise FoedusError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") \
                from None
    # the scheduler runs in this process and logs its life at INFO: keep stderr for the
    # progress bar and real problems (distributed's own warnings and errors still show)
    logging.getLogger("distributed").setLevel(logging.WARNING)
    # Ctrl-C reaches the whole process group: this process stops the run and closes the
    # cluster; its workers, started with SIGINT ignored (inherited), do not each die with
    # a traceback first. Only the main thread may change a signal's handling.
    main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        with warnings.catch_warnings(), dask.config.set(_QUIET_CLUSTER):
            # no dashboard is wanted, but one moves off a port in use with a warning
            warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.WARNING)
    finally:
        if main:
            signal.signal(signal.SIGINT, before)
    client = Client(cluster)
    client.register_plugin(_worker_plugin(), name="foedus-quiet-cancellation")
    return client


def _quiet_interrupted_sync() -> None:
    """Install :class:`_CancelledFilter` on the event loop's error logger of this process
    (once): the callback's traceback is logged from the loop's thread, before Ctrl-C's
    KeyboardInterrupt reaches :func:`run`."""
    logger = logging.getLogger("tornado.application")
    if not any(isinstance(f, _CancelledFilter) for f in logger.filters):
        logger.addFilter(_CancelledFilter())


class _CancelledFilter(logging.Filter):
    """Drops the records a stopped run (Ctrl-C) leaves, not problems: a worker's warning
    that a task ended with CancelledError; in this process, the event loop's traceback of
    the cancel callback that distributed's ``sync`` schedules when interrupted (distributed
    2026.8 reads a variable it has not yet bound there); and a closing worker's traceback
    of a request it was still serving when its connection pool closed (``RuntimeError:
    ConnectionPool is closed``: the scattered scenario's copy between the workers, cut off
    when Ctrl-C comes before it is done; seen on a loaded machine)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "ended with CancelledError" in message or "sync.<locals>.cancel" in message:
            return False
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, RuntimeError) and str(exc) == "ConnectionPool is closed")


def _worker_plugin():
    """A Dask worker plugin (:class:`distributed.diagnostics.plugin.WorkerPlugin`, made when
    a local cluster starts so that importing this module does not import distributed) that
    installs :class:`_CancelledFilter` on each worker's state-machine and core loggers; the
    workers' other warnings and errors still show."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class QuietCancellation(WorkerPlugin):
        idempotent = True

        def setup(self, worker) -> None:
            for name in ("distributed.worker.state_machine", "distributed.core"):
                logger = logging.getLogger(name)
                if not any(type(f).__name__ == "_CancelledFilter" for f in logger.filters):
                    logger.addFilter(_CancelledFilter())

    return QuietCancellation()


def _quiet_after_interrupt() -> None:
    """Ctrl-C stops a Dask run: the client, the scheduler and the event loop in this process
    then log the cancelled tasks and callbacks (tracebacks included) while the cluster
    closes. The process is ending with its one line (docs/cli.md): silence them."""
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def run(compiled: Compiled, *, draws: int, seed: int, workers: int = 1,
        scheduler: str | None = None, executor: str | None = None, client=None,
        progress: Callable[[int], None] | None = None,
        estimate: Callable[[float], None] | None = None) -> Result:
    """Run ``draws`` draws of ``compiled``.

    ``executor`` is ``"serial"``, ``"processes"`` (a local process pool of ``workers``) or
    ``"dask"`` (``client``, or a client to ``scheduler``, or a local cluster of
    ``workers``). By default: serial for one worker, Dask otherwise (DESIGN §5).
    ``progress`` is called with the number of draws of every finished chunk. With
    ``estimate``, the first chunk runs first in this process as a pilot (timed on the wall
    clock), and ``estimate`` is told the seconds the other chunks should take (the pilot's
    time per draw × the draws left ÷ the worker threads) before they start. The tallies
    are summed in chunk order as they arrive, so memory does not grow with ``draws``; the
    answer is the same whichever executor ran the chunks, with or without a pilot.
    """
    chunks = seeds(seed, draws)
    executor = executor or ("dask" if (workers > 1 or scheduler or client) else "serial")
    if executor not in ("serial", "processes", "dask"):
        raise FoedusError(f"executor must be serial, processes or dask, not {executor!r}")
    total = _Sum()
    pilot: float | None = None
    if estimate is not None and len(chunks) > 1:
        run_chunk(compiled, np.random.SeedSequence(0), 1)  # the loop loaded, tables built
        t0 = time.perf_counter()
        total.add(0, run_chunk(compiled, *chunks[0]))
        pilot = (time.perf_counter() - t0) / chunks[0][1]
        if progress:
            progress(chunks[0][1])
    rest = chunks[total.next:]
    left = sum(n for _, n in rest)
    drawn = draws - left
    if executor in ("serial", "processes"):
        slots = 1 if executor == "serial" else max(workers, 2)
        if pilot is not None:
            estimate(pilot * left / slots)
        _run_local(compiled, rest, progress, slots, total, total.next, drawn, draws)
    else:
        own = client is None
        client = client or dask_client(workers, scheduler)
        try:
            if pilot is not None:
                estimate(pilot * left / max(sum(client.nthreads().values()), 1))
            _run_dask(compiled, rest, progress, client, total, total.next, drawn, draws)
        except KeyboardInterrupt:
            _quiet_after_interrupt()
            raise
        finally:
            if own:
                close_client(client)
    return Result(compiled, total.total, seed)


def add_tallies(tallies) -> Tally:
    """The sum of chunk tallies (an iterable), in chunk order (the order fixes the float
    sums)."""
    total = _Sum()
    for i, t in enumerate(tallies):
        total.add(i, t)
    return total.total


def close_client(client) -> None:
    """Close a Dask client and the local cluster it started, if any."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
