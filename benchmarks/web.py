"""Latencies of ``foedus serve`` on a warm server (issue 18, "Performance").

Starts the app on 127.0.0.1 (a free port) over the store in ``FOEDUS_HOME``, warms it (one
request of each kind, one small job so that the worker has loaded the data and compiled
the kernel, and the atlas's own warm-up of the slider's days, :mod:`foedus.web.warm`,
waited for and timed), then times over HTTP:

- the atlas for a date: ``/api/borders`` + ``/api/network`` + ``/api/legal-status`` as the
  page fetches them (in parallel): for slider days (1 July, warmed), for ``--dates``
  (default 40) seeded random dates from 1816-07-01 to 2024-12-31 none of which lies in a
  stretch of days (:mod:`foedus.web.epochs`) of a slider day, of another of them or of
  a date asked before (so nothing of theirs is cached: each is computed), in both views,
  and for a few dates again (cached);
- ``/api/obligations`` for Russia → Estonia on 2024-07-01;
- the Estonia 2024 case with 1,000,000 draws as a job: its job time (the worker's own
  clock around the simulation) and the time from POST to "done", each job followed by
  the same simulation in this process (:func:`foedus.crisis.simulate.simulate`, what
  ``foedus simulate`` runs; the store and kernel warm), so that the job's own overhead
  is the difference.

Every timing is given as wall time and as CPU time: the CPU time of this process (the
server's threads and the client's, ``time.process_time``) around each atlas load and
obligations query, and for a job the CPU time its worker process (and any process it
started) spent, read with psutil before and after (user + system). On a shared machine the
wall times grow with the load and the CPU times much less. The load average is printed
before and after.

``--cold`` skips the atlas's warm-up: each of the random dates is then computed on request
(network, layout, borders), as the first visitor of a date meets it.

Targets: atlas < 300 ms, obligations < 200 ms, the job < 3 s of job time. Run with
``python benchmarks/web.py`` (``--json`` for one object).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))

from live import live_server, lowered_settings, wait

from foedus.crisis.simulate import simulate
from foedus.web.settings import library_dir

LIBRARY = library_dir()

SLIDER = ["1914-07-01", "1939-07-01", "1955-07-01", "1962-07-01", "1991-07-01",
          "2004-07-01", "2024-07-01"]
DATES = ["1914-07-01", "1939-09-01", "1955-06-01", "1962-10-16", "1991-12-26",
         "2004-03-29", "2024-07-01"]
CASE = "baltic-estonia-2024.toml"


def _ms(seconds: list[float]) -> dict:
    return {"median_ms": round(1000 * statistics.median(seconds), 1),
            "max_ms": round(1000 * max(seconds), 1), "n": len(seconds)}


def _wall_cpu(pairs: list[tuple[float, float]]) -> dict:
    """Median and max of (wall, CPU) seconds, in ms."""
    return {"wall": _ms([w for w, _ in pairs]), "cpu": _ms([c for _, c in pairs])}


def atlas(client: httpx.Client, pool: ThreadPoolExecutor, day: str, view: str = "legal"
          ) -> float:
    """One atlas load: the three requests the page makes, in parallel (wall seconds)."""
    return atlas_cpu(client, pool, day, view)[0]


def atlas_cpu(client: httpx.Client, pool: ThreadPoolExecutor, day: str,
              view: str = "legal") -> tuple[float, float]:
    """One atlas load: wall seconds and this process's CPU seconds (server and client)."""
    start, cpu = time.perf_counter(), time.process_time()
    urls = [f"/api/borders?as_of={day}", f"/api/network?as_of={day}&view={view}",
            f"/api/legal-status?as_of={day}"]
    for response in pool.map(client.get, urls):
        response.raise_for_status()
    return time.perf_counter() - start, time.process_time() - cpu


def children_cpu() -> float:
    """User + system CPU seconds of every live process this one started (the job workers)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            times = child.cpu_times()
            total += times.user + times.system
    return total


def fresh_dates(count: int, seed: int = 2026) -> list[str]:
    """``count`` seeded random dates in 1816-07-01..2024-12-31, each in a stretch of days
    (network and borders) of no slider day, no date of :data:`DATES` and no other of
    them: none is in a cache the warm-up or this script filled."""
    from foedus.data.loaders import store_stamp
    from foedus.web.epochs import border_epochs, network_epochs
    from foedus.web.warm import slider_days

    stamp = store_stamp()
    nets, maps = network_epochs(stamp), border_epochs(stamp)

    def stretch(day: dt.date) -> tuple[int, int]:
        return nets.index(day), maps.index(day)

    taken = {stretch(d) for d in slider_days(dt.date.today())}
    taken |= {stretch(dt.date.fromisoformat(d)) for d in DATES}
    rng, first = random.Random(seed), dt.date(1816, 7, 1)
    span = (dt.date(2024, 12, 31) - first).days
    out: list[str] = []
    while len(out) < count:
        day = first + dt.timedelta(days=rng.randrange(span + 1))
        key = stretch(day)
        if key[0] in {k[0] for k in taken} or key[1] in {k[1] for k in taken}:
            continue
        taken.add(key)
        out.append(day.isoformat())
    return out


def in_process(dates: list[str]) -> dict:
    """CPU time (this thread's, so less at the mercy of a busy machine than the wall clock)
    of the atlas's work for ``dates``, none cached in this process: ``Snapshot.pledges``
    against the reference implementation it replaced (``tests/model/reference_system.py``),
    and the whole atlas (network, borders, legal overlay) as the server computes it; the
    layout step alone (``views._layout``, its cache emptied) against networkx's
    ``spring_layout`` it replaced (``tests/web/reference_layout.py``, float-for-float the
    same positions)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from reference_layout import reference_layout

    from foedus.data.loaders import load_system
    from foedus.data.simplify import DEFAULT_TOLERANCE
    from foedus.web import views
    from model.reference_system import reference_pledges

    system = load_system()
    views._NETWORKS.items.clear()  # the server ran in this process: forget its answers
    views._BORDERS.items.clear()
    views._LAYOUTS.clear()
    views.borders_bytes(dt.date(1700, 1, 1), DEFAULT_TOLERANCE)  # arcs loaded and encoded
    views.legal_status(dt.date(1900, 1, 1))  # the gazetteer loaded
    out: dict = {}
    for view in ("legal", "atop"):
        days = [dt.date.fromisoformat(d) for d in dates
                if view == "legal" or d <= "2018-12-31"]
        fast, old, whole, lay, lay_old = [], [], [], [], []
        for day in days:
            snap = system.as_of(day, view)
            start = time.thread_time()
            list(snap.pledges())
            fast.append(time.thread_time() - start)
            start = time.thread_time()
            reference_pledges(snap)
            old.append(time.thread_time() - start)
            start = time.thread_time()
            views.network_bytes(day, view)
            if view == "legal":
                views.borders_bytes(day, DEFAULT_TOLERANCE)
                views.legal_status(day)
            whole.append(time.thread_time() - start)
            pairs, nodes, begin, _ = views._edges_and_start(day, view)
            views._LAYOUTS.clear()
            start = time.thread_time()
            new_pos = views._layout(nodes, sorted(pairs), begin)
            lay.append(time.thread_time() - start)
            start = time.thread_time()
            old_pos = reference_layout(nodes, sorted(pairs), begin)
            lay_old.append(time.thread_time() - start)
            assert new_pos == old_pos, (day, view)
        out[view] = {"pledges_cpu": _ms(fast), "pledges_reference_cpu": _ms(old),
                     "atlas_cpu": _ms(whole), "layout_cpu": _ms(lay),
                     "layout_networkx_cpu": _ms(lay_old), "layouts_identical": len(lay)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--cold", action="store_true", help="no atlas warm-up")
    parser.add_argument("--dates", type=int, default=40,
                        help="random dates outside every warmed stretch (at least 30)")
    parser.add_argument("--jobs", type=int, default=3, help="1 M-draw jobs timed")
    args = parser.parse_args()
    fresh = fresh_dates(args.dates)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, \
            live_server(lowered_settings(Path(tmp), max_draws=10**8, job_seconds=600,
                                         workers=1, warm_atlas=not args.cold)) as url, \
            httpx.Client(base_url=url, timeout=600) as client, \
            ThreadPoolExecutor(3) as pool:
        atlas(client, pool, "1900-07-01")  # warm: the commitment system, the arcs
        client.get("/api/obligations", params={"attacker": "RUS", "target": "EST",
                                               "as_of": "2024-07-01"})
        warm = client.post("/api/runs", json={"case": CASE, "draws": 10_000, "seed": 1})
        wait(client, warm.json()["id"], timeout=600)
        start = time.perf_counter()
        while not args.cold:
            progress = client.get("/api/health").json()["atlas_warmup"]
            if progress["done"] >= progress["total"]:
                break
            time.sleep(5)  # a request holds the warm-up back (foedus.web.warm.QUIET)
        warmup = time.perf_counter() - start

        slider = [] if args.cold else [atlas(client, pool, d) for d in SLIDER]
        cold = [atlas(client, pool, d) for d in DATES if d not in SLIDER]
        cached = [atlas(client, pool, d) for d in DATES]
        new = {view: [atlas_cpu(client, pool, d, view) for d in fresh
                      if view == "legal" or d <= "2018-12-31"] for view in ("legal", "atop")}
        obligations = []
        for _ in range(10):
            start, cpu = time.perf_counter(), time.process_time()
            client.get("/api/obligations", params={"attacker": "RUS", "target": "EST",
                                                   "as_of": "2024-07-01"}).raise_for_status()
            obligations.append((time.perf_counter() - start, time.process_time() - cpu))
        simulate(LIBRARY / CASE, draws=10_000, seed=1)  # this process's data and kernel
        jobs = []
        for _ in range(args.jobs):
            start, worker_cpu = time.perf_counter(), children_cpu()
            job = client.post("/api/runs", json={"case": CASE, "draws": args.draws,
                                                 "seed": 2024})
            run = wait(client, job.json()["id"], timeout=600)
            wall, worker_cpu = time.perf_counter() - start, children_cpu() - worker_cpu
            start, cpu = time.perf_counter(), time.process_time()
            same = simulate(LIBRARY / CASE, draws=args.draws, seed=2024)
            jobs.append({"job_seconds": round(run["seconds"] or float("nan"), 2),
                         "post_to_done_seconds": round(wall, 2),
                         "worker_cpu_seconds": round(worker_cpu, 2),
                         "simulate_seconds": round(time.perf_counter() - start, 2),
                         "simulate_cpu_seconds": round(time.process_time() - cpu, 2),
                         "same_p_deterred": same["p_deterred"] ==
                         (run["result"] or {}).get("p_deterred")})
    cpu = in_process(fresh)
    result = {
        "atlas_in_process_cpu": cpu,
        "atlas_warmup_seconds": None if args.cold else round(warmup, 1),
        "atlas_slider_day": _ms(slider) if slider else None,
        "atlas_random_dates_legal": _wall_cpu(new["legal"]),
        "atlas_random_dates_atop": _wall_cpu(new["atop"]),
        "atlas_new_date": _ms(cold), "atlas_same_date": _ms(cached),
        "atlas_by_date_ms": {d: round(1000 * s, 1) for d, s in
                             zip([d for d in DATES if d not in SLIDER], cold, strict=True)},
        "obligations_rus_est_2024": _wall_cpu(obligations),
        "estonia_2024_job": {"draws": args.draws, "status": run["status"],
                             "p_deterred": (run["result"] or {}).get("p_deterred"),
                             "runs": jobs},
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "targets": {"atlas_ms": 300, "obligations_ms": 200, "job_seconds": 3.0},
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
