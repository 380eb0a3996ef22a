"""Benchmark: the crisis engine's Monte Carlo draws, on one core, on Dask, against a loop.

Compiles a scenario once (default: Russia attacks Estonia, 2024 — about 120 states and
2,600 pledge edges) and prints the compile time. Then:

(a) one core: ``foedus.crisis.run.run(compiled, draws=N, executor="serial")`` with the
    process pinned to one CPU and BLAS/OpenMP threads set to 1, after a warm-up chunk (the
    compiled loop loaded from Numba's cache, the scenario's tables built); the median wall
    time of ``--repeat`` runs, per chunk of 65,536 draws and in draws per second, against
    the goal of 3,000,000 draws per second per core (issue 17), and the process's CPU
    time (fairer than wall time on a shared machine);
(b) Dask: the same draws on the local cluster ``foedus.crisis.run.dask_client`` starts (2
    single-threaded worker processes; ``client=`` passed to ``run``), timed without the
    cluster's start-up (printed apart) and after a warm-up run (imports and the compiled
    loop on the workers); each timed run scatters the scenario anew, as a real run does.
    The median of ``--repeat`` runs, alternated with the serial ones so both see the same
    load; the speed-up over (a), and whether the tally is the serial one (it must be,
    DESIGN §5). A run pays a fixed cost on Dask (the scenario scattered, tasks scheduled,
    results gathered: some 50 ms) that a one-second run does not amortise, so (a) and (b)
    are timed again on ``--scale`` × N draws (3 runs each; ``--scale 0`` skips it). The
    CPU seconds the workers used (``client.run(time.process_time)`` before and after) and
    those of this process (the client and the local scheduler) are printed beside the
    wall times: on a loaded machine the wall-time speed-up says more about the other
    processes than about Dask;
(a') the kernel before issue 17 (``benchmarks/crisis_kernel_before.py``: every state's
    resolve drawn at the start of each draw), or any other copy of ``draws.py``
    (``--kernel-before FILE``, e.g. ``git show REV:src/foedus/crisis/draws.py > FILE``),
    the same draws pinned to the same core, alternated with today's kernel: CPU times and
    their ratio (the fair comparison on a shared machine);
(c) the naive reference (``benchmarks/crisis_reference.naive_draws``): a plain-Python loop
    over draws implementing the same model, timed on a few thousand draws and extrapolated
    to N, measured in the same run; the ratio to (a), and whether the two agree: each
    state's drawn-in frequency, P(deterred) and P(widens) within sampling error (the
    engine's N draws against the loop's own, from another random stream).

Usage: ``python benchmarks/crisis.py [--draws 1000000] [--repeat 5] [--scale 10]
[--naive-draws 2000] [--no-dask] [--kernel-before FILE]`` (FOEDUS_DATA_MIRROR and a built
store, as ``make bench`` provides). Other processes on the machine slow both (a) and (b):
the load average is printed.
"""

from __future__ import annotations

import os

# one thread per process, set before numpy is imported (the Dask workers inherit it)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crisis_reference import naive_draws
from foedus.crisis.compile import compile_scenario
from foedus.crisis.run import CHUNK, add_tallies, close_client, dask_client, run, seeds
from foedus.crisis.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-estonia-2024.toml"
GOAL = 3_000_000
#: Dask on 2 local workers against one core, 10 M draws (issue 17).
DASK_GOAL = 1.85


KERNEL_BEFORE = Path(__file__).resolve().parent / "crisis_kernel_before.py"


def _kernel_before(path: Path = KERNEL_BEFORE):
    """The reference kernel module at ``path`` (by default
    ``benchmarks/crisis_kernel_before.py``, the kernel before issue 17's lazy resolves),
    imported under its own name: Numba's cache of a ``cache=True`` function records the
    module's name, so one file must always be imported under the same name."""
    import importlib.util

    name = Path(path).stem  # crisis_kernel_before, as tests/crisis/test_draws_equivalence.py
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _same_world(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return (a.n == b.n and a.sum_x == b.sum_x and a.sum_xx == b.sum_xx
            and a.sum_ax == b.sum_ax and np.array_equal(a.count_k, b.count_k)
            and np.array_equal(a.x_k, b.x_k) and np.array_equal(a.a_k, b.a_k))


def _same(a, b) -> bool:
    return (a.draws == b.draws and _same_world(a.world, b.world) and a.widens == b.widens
            and np.array_equal(a.drawn_in, b.drawn_in)
            and np.array_equal(a.entrapped, b.entrapped)
            and np.array_equal(a.size_counts, b.size_counts)
            and a.balance_sum == b.balance_sum)


def _z(p1: float, n1: int, p2: float, n2: int) -> float:
    """Two-proportion z statistic with the pooled variance (NaN if both are 0 or 1)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.nan if se == 0 else (p1 - p2) / se


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else math.nan


def _worker_cpu(client) -> float:
    """The CPU seconds the Dask workers' processes have used so far (summed)."""
    return float(sum(client.run(time.process_time).values()))


def _timed(compiled, n: int, seed: int, repeat: int, client):
    """Median wall times of ``repeat`` serial runs (pinned to one CPU) and Dask runs (on
    ``client``, if any), alternated: (last serial result, serial s, Dask s, same tallies,
    serial CPU s, Dask workers' CPU s, Dask client's CPU s (the local scheduler runs in
    this process))."""
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    serial_walls, serial_cpus, dask_walls, worker_cpus, client_cpus = [], [], [], [], []
    same = True
    for _ in range(repeat):
        if cpus:
            os.sched_setaffinity(0, {min(cpus)})
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            serial = run(compiled, draws=n, seed=seed, executor="serial")
            serial_walls.append(time.perf_counter() - t0)
            serial_cpus.append(time.process_time() - c0)
        finally:
            if cpus:
                os.sched_setaffinity(0, cpus)
        if client is not None:
            w0 = _worker_cpu(client)
            t0, c0 = time.perf_counter(), time.process_time()
            parallel = run(compiled, draws=n, seed=seed, client=client)
            dask_walls.append(time.perf_counter() - t0)
            client_cpus.append(time.process_time() - c0)
            worker_cpus.append(_worker_cpu(client) - w0)
            same = same and _same(parallel.tally, serial.tally)
    return (serial, _median(serial_walls), _median(dask_walls), same, _median(serial_cpus),
            _median(worker_cpus), _median(client_cpus))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(SCENARIO))
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--naive-draws", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--kernel-before", type=Path, default=KERNEL_BEFORE,
                        help="the reference kernel of row (a'): a copy of draws.py from "
                        "another commit (git show REV:src/foedus/crisis/draws.py > FILE; "
                        "not the installed draws.py itself)")
    args = parser.parse_args()
    if not os.environ.get("FOEDUS_DATA_MIRROR"):
        sys.exit("set FOEDUS_DATA_MIRROR to the data mirror (e.g. ../shared/data)")

    from foedus.credibility import load
    from foedus.data.loaders import load_system

    t0 = time.perf_counter()
    scenario, attacks = load_scenario(args.scenario)
    system, fitted = load_system(), load()
    loading = time.perf_counter() - t0
    t0 = time.perf_counter()
    compiled = compile_scenario(scenario, attacks, system=system, fitted=fitted,
                                cache=False)  # the compilation itself, not the cache
    compiling = time.perf_counter() - t0
    n = args.draws
    print(f"{scenario.name}")
    print(f"  {compiled.n_states} states, {len(compiled.edge_holder):,} pledge edges "
          f"({len(compiled.consensus_groups)} consensus groups), "
          f"{compiled.edge_logit.shape[0]} coefficient draws; chunks of {CHUNK:,} draws")
    print(f"  compile {compiling:.1f} s (+ {loading:.1f} s loading the commitment system "
          "and the credibility model)")
    load_before = os.getloadavg()[0]

    # (a) one core, and (b) Dask, two local workers: alternated, medians
    client = None
    if not args.no_dask:
        t0 = time.perf_counter()
        client = dask_client(2, None)
        startup = time.perf_counter() - t0
    try:
        run(compiled, draws=CHUNK, seed=args.seed + 1, executor="serial")  # warm-up
        if client is not None:
            t0 = time.perf_counter()
            run(compiled, draws=4 * CHUNK, seed=args.seed + 1, client=client)  # warm-up
            warmup = time.perf_counter() - t0
        serial, serial_wall, dask_wall, same, serial_cpu, worker_cpu, client_cpu = _timed(
            compiled, n, args.seed, args.repeat, client)
        large = _timed(compiled, args.scale * n, args.seed, 3, client) if args.scale > 1 \
            else None
    finally:
        if client is not None:
            close_client(client)
    rate = n / serial_wall
    rows = [("one core (serial)", n, serial_wall, rate,
             f"{1e3 * serial_wall * CHUNK / n:.1f} ms per chunk; goal {GOAL:,}/s: "
             f"{'met' if rate >= GOAL else 'NOT met'} ({rate / GOAL:.0%} of it); CPU "
             f"{serial_cpu:.2f} s = {n / serial_cpu:,.0f}/s")]
    if client is not None:
        rows.append(("Dask, 2 local workers", n, dask_wall, n / dask_wall,
                     f"speed-up {serial_wall / dask_wall:.2f}x (goal {DASK_GOAL}x); same tally "
                     "as serial: "
                     f"{'yes' if same else 'NO'}; CPU: workers {worker_cpu:.2f} s "
                     f"(serial {serial_cpu:.2f} s), client and scheduler {client_cpu:.2f} s"))
    if large is not None:
        m = args.scale * n
        rows.append(("one core (serial)", m, large[1], m / large[1],
                     f"{1e3 * large[1] * CHUNK / m:.1f} ms per chunk"))
        if client is not None:
            rows.append(("Dask, 2 local workers", m, large[2], m / large[2],
                         f"speed-up {large[1] / large[2]:.2f}x (goal {DASK_GOAL}x); same "
                         "tally as serial: "
                         f"{'yes' if large[3] else 'NO'}; CPU: workers {large[5]:.2f} s "
                         f"(serial {large[4]:.2f} s: {large[4] / large[5]:.2f} of the "
                         f"workers'), client and scheduler {large[6]:.2f} s"))

    # (a') the kernel before issue 17 (every resolve drawn at the start of a draw), the same
    # draws on the same pinned core, alternated with today's
    before = _kernel_before(args.kernel_before)
    before_label = ("kernel before issue 17" if args.kernel_before == KERNEL_BEFORE
                    else args.kernel_before.name)
    walls, cpus_used, now_cpus = [], [], []
    pin = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    before.run_chunk(compiled, seeds(args.seed, CHUNK)[0][0], CHUNK)  # warm-up
    for _ in range(args.repeat):
        if pin:
            os.sched_setaffinity(0, {min(pin)})
        try:
            t0, c0 = time.perf_counter(), time.process_time()
            add_tallies([before.run_chunk(compiled, s, m) for s, m in seeds(args.seed, n)])
            walls.append(time.perf_counter() - t0)
            cpus_used.append(time.process_time() - c0)
            c0 = time.process_time()
            run(compiled, draws=n, seed=args.seed, executor="serial")
            now_cpus.append(time.process_time() - c0)
        finally:
            if pin:
                os.sched_setaffinity(0, pin)
    old_cpu, now_cpu = _median(cpus_used), _median(now_cpus)
    rows.append((before_label[:24], n, _median(walls), n / _median(walls),
                 f"CPU {old_cpu:.2f} s = {n / old_cpu:,.0f}/s; today's kernel in the same "
                 f"loop {now_cpu:.2f} s CPU = {n / now_cpu:,.0f}/s, "
                 f"{old_cpu / now_cpu:.2f}x the reference kernel"))

    # (c) the naive reference
    t0 = time.perf_counter()
    naive = naive_draws(compiled, args.naive_draws, args.seed)
    naive_wall = time.perf_counter() - t0
    naive_total = naive_wall * n / args.naive_draws
    rows.append(("naive per-draw loop", args.naive_draws, naive_wall,
                 args.naive_draws / naive_wall,
                 f"extrapolated to {n:,}: {naive_total:,.0f} s; the engine "
                 f"{naive_total / serial_wall:,.0f}x faster"))

    print()
    print(f"  {'':<24}{'draws':>11}{'wall s':>9}{'draws/s':>11}")
    for label, draws, wall, per_s, note in rows:
        print(f"  {label:<24}{draws:>11,}{wall:>9.2f}{per_s:>11,.0f}  {note}")
    if client is not None:
        print(f"  (medians of {args.repeat} runs, of 3 for {args.scale} x {n:,} draws; Dask "
              f"cluster start-up {startup:.1f} s and warm-up {warmup:.1f} s, not counted)")
    print(f"  {os.cpu_count()} CPUs; load average {load_before:.2f} before the timings, "
          f"{os.getloadavg()[0]:.2f} after (other processes share the cores)")
    if large is not None and client is not None:
        # issue 17's Dask row: 2 local workers against one core on scale × N draws (10 M by
        # default), wall and CPU; the CPU ratio says what the wall ratio would be on an
        # otherwise idle machine with 2 free cores (Dask's own cost included)
        m = args.scale * n
        print(f"  Dask, 2 local workers vs one core, {m:,} draws: wall {large[2]:.2f} s vs "
              f"{large[1]:.2f} s = {large[1] / large[2]:.2f}x (goal {DASK_GOAL}x: "
              f"{'met' if large[1] / large[2] >= DASK_GOAL else 'NOT met'}); CPU: workers "
              f"{large[5]:.2f} s + client and scheduler {large[6]:.2f} s vs serial "
              f"{large[4]:.2f} s; ideal 2-core ratio from CPU "
              f"{2 * large[4] / (large[5] + large[6]):.2f}x")

    # agreement between the engine and the naive loop
    t = serial.tally
    zs = []
    for i in range(compiled.n_targets, compiled.n_states):
        zs.append(abs(_z(t.drawn_in[i] / t.draws, t.draws,
                         naive.drawn_in[i] / naive.draws, naive.draws)))
    zs = np.array(zs)
    zs = zs[~np.isnan(zs)]
    checks = [("widens", t.widens, naive.widens)]
    print()
    print(f"  agreement, engine ({n:,} draws) vs naive loop ({naive.draws:,}):")
    for label, a, b in checks:
        pa, pb = a / t.draws, b / naive.draws
        print(f"    P({label}) {pa:.4f} vs {pb:.4f} (z = {_z(pa, t.draws, pb, naive.draws):+.2f})")
    if compiled.attacker_capability is not None:
        from foedus.crisis.decision import decide

        mine = decide(t.world, compiled.params)
        theirs = decide(naive.world, compiled.params)
        z = (mine.p_attack - theirs.p_attack) / math.hypot(mine.se, theirs.se)
        print(f"    P(attack) {mine.p_attack:.4f} ± {mine.se:.4f} vs {theirs.p_attack:.4f} "
              f"± {theirs.se:.4f} (z = {z:+.2f}; the decision at the fitted means)")
    print(f"    drawn-in frequency of the {len(zs)} states ever drawn in: max |z| = "
          f"{zs.max():.2f}, |z| > 3 for {(zs > 3).sum()}, mean |z| {zs.mean():.2f} (0.80 "
          f"expected of a standard normal, less for rare states); "
          f"{'agree' if zs.max() < 4 else 'DISAGREE'} within sampling error")


if __name__ == "__main__":
    main()
