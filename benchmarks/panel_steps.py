"""Benchmark: the full directed dyad-year panel step by step, CPU time, in new processes.

Each run is a new process that imports foedus, builds ``create_dyad_years(1816, 2018)``
and adds, one step at a time (each collected before the next), alliances, CINC, distance,
contiguity and (unless ``--no-similarity``) the similarity measures, then writes Parquet.
It reports each step's CPU time (``time.process_time``: user + system of every thread of
the process), the imports', the whole process's, and its peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``). The median and minimum over ``--runs``
processes are printed per step.

``--src DIR`` runs the same against another source tree (its ``src`` folder first on
``PYTHONPATH``), such as main's, exported with ``git archive <commit> src | tar -x -C DIR``,
so that before and after are measured in the same run on the same load.

``--plan`` times the panel as a user builds it instead: the verbs chained lazily, then
``.write()``, which runs the plan and writes each Parquet row group while the similarity
measures of later years are computed (:func:`foedus.panels.writers.write_panel`). It
reports the imports, the plan-and-write's CPU time (every thread), the main thread's
(``time.thread_time``), the other threads' (the Parquet writer's, mostly) and the wall
time: on an idle 2-core machine the wall time approaches the main thread's.

Usage: ``python benchmarks/panel_steps.py [--runs 5] [--src DIR] [--no-similarity] [--plan]`` with
a built store (FOEDUS_HOME as for ``foedus``). Never a test: timings vary with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, tempfile, time
start = time.process_time()
from foedus.panels import create_dyad_years
from foedus.panels.writers import write_panel
times = {"imports": time.process_time() - start}
def step(label, run):
    begin = time.process_time()
    out = run()
    times[label] = time.process_time() - begin
    return out
panel = step("create", lambda: create_dyad_years(1816, 2018).collect())
panel = step("alliances", lambda: panel.add_alliances().collect())
panel = step("cinc", lambda: panel.add_cinc().collect())
panel = step("distance", lambda: panel.add_distance().collect())
panel = step("contiguity", lambda: panel.add_contiguity().collect())
if SIMILARITY:
    panel = step("similarity", lambda: panel.add_similarity().collect())
with tempfile.TemporaryDirectory() as folder:
    step("write", lambda: write_panel(panel, folder + "/panel.parquet"))
times["process"] = time.process_time()
times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times["shape"] = [len(panel.frame), len(panel.frame.columns)]
print(json.dumps(times))
"""


PLAN = r"""
import json, resource, sys, tempfile, time
start = time.process_time()
from foedus.panels import create_dyad_years
times = {"imports": time.process_time() - start}
with tempfile.TemporaryDirectory() as folder:
    cpu, main, wall = time.process_time(), time.thread_time(), time.perf_counter()
    panel = create_dyad_years(1816, 2018).add_alliances().add_cinc().add_distance()
    panel = panel.add_contiguity()
    if SIMILARITY:
        panel = panel.add_similarity()
    panel.write(folder + "/panel.parquet")
    times["plan+write"] = time.process_time() - cpu
    times["main thread"] = time.thread_time() - main
    times["other threads"] = times["plan+write"] - times["main thread"]
    times["wall plan+w"] = time.perf_counter() - wall
times["process"] = time.process_time()
times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
times["shape"] = [len(panel.frame), len(panel.frame.columns)]
print(json.dumps(times))
"""


def run_once(src: str | None, similarity: bool, plan: bool = False) -> dict:
    """One new process: the steps' CPU seconds, the process's, its peak MB and shape."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(src) / "src"),
                                                          env.get("PYTHONPATH")]))
    code = (PLAN if plan else CHILD).replace("SIMILARITY", repr(similarity))
    done = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Time the steps ``--runs`` times and print medians and minima."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", default=None, help="another source tree (its src/ is used)")
    parser.add_argument("--no-similarity", action="store_true")
    parser.add_argument("--plan", action="store_true",
                        help="the lazy plan and its streaming write, not step by step")
    options = parser.parse_args()
    similarity = not options.no_similarity
    run_once(options.src, similarity, options.plan)  # warm the file cache, untimed
    runs = [run_once(options.src, similarity, options.plan) for _ in range(options.runs)]
    print(f"{options.src or 'this tree'}: {runs[0]['shape'][0]:,} rows x {runs[0]['shape'][1]} "
          f"columns; {options.runs} new processes; load {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores; CPU seconds (process_time; wall where named), median (min)")
    for key in runs[0]:
        if key == "shape":
            continue
        values = [r[key] for r in runs]
        unit = "MB" if key == "peak_mb" else "s"
        print(f"  {key:13s} {statistics.median(values):8.2f} {unit} "
              f"({min(values):.2f})")


if __name__ == "__main__":
    main()
