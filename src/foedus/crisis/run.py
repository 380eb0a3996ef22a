"""Run a crisis: chunks of draws on one core, local processes or a Dask cluster (DESIGN §5).

The draws are cut into chunks of :data:`CHUNK` (the last one shorter); chunk *i* is seeded
with the *i*-th child of ``numpy.random.SeedSequence(seed)``. A chunk's tally depends only
on the compiled scenario, its seed and its size, and tallies are added in chunk order, so
one seed gives the same numbers serially, on ``workers`` local processes or on a Dask
cluster (``scheduler`` address, or a ``LocalCluster`` started for ``workers > 1``).

In parallel, consecutive chunks are grouped into tasks (:func:`batches`): a chunk takes
some 30 to 100 ms, and a task costs a few milliseconds beyond its work (round trips to the
Dask scheduler, the result sent back), more on a busy machine, where the scheduler and the
client take their CPU from the workers. So a task runs several chunks: at least two tasks
per worker thread (a spare one to hand out when a worker is slowed), of at most
:data:`BATCH` chunks (10 million draws on 2 workers: 10 tasks of 15 or 16 chunks, one to
two seconds each), and of equal sizes give or take a chunk, so that the workers finish
together. The compiled scenario is sent once per worker (scattered
to every Dask worker; given to each pool process when it starts), not with every task.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from foedus.crisis.compile import Compiled
from foedus.crisis.decision import Decision
from foedus.crisis.draws import Tally, run_chunk
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
    """Consecutive ``chunks`` grouped into tasks for ``slots`` worker threads: a multiple of
    ``slots`` tasks, at least two per thread, of at most :data:`BATCH` chunks and sizes
    differing by at most one (so the threads finish together); one chunk per task if
    there are no threads yet (a cluster whose workers are still to join)."""
    if slots < 1:
        return [[c] for c in chunks]
    count = min(len(chunks), slots * max(2, math.ceil(len(chunks) / (slots * BATCH))))
    size, extra = divmod(len(chunks), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (i < extra)
        out.append(chunks[start:end])
        start = end
    return out


def run_chunks(compiled: Compiled, chunks: list[tuple[np.random.SeedSequence, int]]) \
        -> list[Tally]:
    """The tally of each of ``chunks`` (one parallel task)."""
    return [run_chunk(compiled, s, n) for s, n in chunks]


#: The scenario of a process pool worker (set once, when the worker starts).
_pool_compiled: Compiled | None = None


def _pool_start(compiled: Compiled) -> None:
    global _pool_compiled
    _pool_compiled = compiled


def _pool_chunks(chunks: list[tuple[np.random.SeedSequence, int]]) -> list[Tally]:
    return run_chunks(_pool_compiled, chunks)


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
        return decide(self.tally.world, self.compiled.params, self.compiled.decision_draws)

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
        t = self.tally
        sizes = np.repeat(np.arange(len(t.size_counts)), t.size_counts)
        caps = np.concatenate(t.capability) if t.capability else np.zeros(0)
        n = t.draws
        mean = t.balance_sum / n
        var = max(t.balance_sumsq / n - mean ** 2, 0.0)
        return {
            "size_mean": float(sizes.mean()),
            "size_mean_se": float(sizes.std(ddof=1) / math.sqrt(n)) if n > 1 else None,
            "size_quantiles": {f"{q:g}": float(np.quantile(sizes, q)) for q in QUANTILES},
            "capability_mean": float(caps.astype(float).mean()),
            "capability_mean_se": float(caps.astype(float).std(ddof=1) / math.sqrt(n))
            if n > 1 else None,
            "capability_quantiles": {f"{q:g}": float(np.quantile(caps, q))
                                     for q in QUANTILES},
            "balance_mean": float(mean) if self.compiled.attacker_capability is not None
            else None,
            "balance_mean_se": float(math.sqrt(var / n)) if n > 1 and
            self.compiled.attacker_capability is not None else None,
        }


def _run_local(compiled: Compiled, chunks, progress: Callable[[int], None] | None,
               workers: int) -> list[Tally]:
    if workers <= 1:
        out = []
        for s, n in chunks:
            out.append(run_chunk(compiled, s, n))
            if progress:
                progress(n)
        return out
    tasks = batches(chunks, workers)
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_pool_start,
                                 initargs=(compiled,)) as pool:
            futures = [pool.submit(_pool_chunks, task) for task in tasks]
            out = []
            for f, task in zip(futures, tasks, strict=True):
                out.extend(f.result())
                if progress:
                    for _, n in task:
                        progress(n)
            return out
    except BrokenProcessPool:  # a worker killed (signal, out of memory): no partial tally
        raise WorkerLostError(f"a worker process of the run ended abruptly (killed or out of "
                              f"memory); nothing was tallied. Run again, with fewer "
                              f"--workers than {workers} if memory is short.") from None


def _run_dask(compiled: Compiled, chunks, progress, client) -> list[Tally]:
    from distributed import as_completed

    # a fresh key per call: with the content hash as key, a second run of the same
    # scenario races the release of the first one's copy ("lost dependencies")
    shared = client.scatter(compiled, broadcast=True, hash=False)
    tasks = batches(chunks, sum(client.nthreads().values()))
    futures = [client.submit(run_chunks, shared, task, pure=False) for task in tasks]
    order = {f.key: i for i, f in enumerate(futures)}
    out: list[list[Tally]] = [[] for _ in tasks]
    for f in as_completed(futures):
        i = order[f.key]
        out[i] = f.result()
        if progress:
            for _, n in tasks[i]:
                progress(n)
    return [t for task in out for t in task]


def dask_client(workers: int, scheduler: str | None):
    """A Dask client: to ``scheduler`` if given, else a local cluster of ``workers``
    single-threaded worker processes. Close it (and its cluster) after use."""
    from distributed import Client, LocalCluster

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
    with warnings.catch_warnings():
        # no dashboard is wanted, but one moves off a port in use with a warning
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
    return Client(cluster)


def run(compiled: Compiled, *, draws: int, seed: int, workers: int = 1,
        scheduler: str | None = None, executor: str | None = None, client=None,
        progress: Callable[[int], None] | None = None) -> Result:
    """Run ``draws`` draws of ``compiled``.

    ``executor`` is ``"serial"``, ``"processes"`` (a local process pool of ``workers``) or
    ``"dask"`` (``client``, or a client to ``scheduler``, or a local cluster of
    ``workers``). By default: serial for one worker, Dask otherwise (DESIGN §5).
    ``progress`` is called with the number of draws of every finished chunk.
    """
    chunks = seeds(seed, draws)
    executor = executor or ("dask" if (workers > 1 or scheduler or client) else "serial")
    if executor == "serial":
        tallies = _run_local(compiled, chunks, progress, 1)
    elif executor == "processes":
        tallies = _run_local(compiled, chunks, progress, max(workers, 2))
    elif executor == "dask":
        own = client is None
        client = client or dask_client(workers, scheduler)
        try:
            tallies = _run_dask(compiled, chunks, progress, client)
        finally:
            if own:
                close_client(client)
    else:
        raise FoedusError(f"executor must be serial, processes or dask, not {executor!r}")
    return Result(compiled, add_tallies(tallies), seed)


def add_tallies(tallies: list[Tally]) -> Tally:
    """The sum of chunk tallies, in chunk order (the order fixes the float sums)."""
    total = tallies[0]
    for t in tallies[1:]:
        total = total + t
    return total


def close_client(client) -> None:
    """Close a Dask client and the local cluster it started, if any."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
