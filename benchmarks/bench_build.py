"""Time ``foedus data build`` from the mirror and report the store's size.

Usage: ``python benchmarks/bench_build.py [--repeat N]`` (FOEDUS_DATA_MIRROR must point at the
data mirror; the Makefile sets it). Each run builds into a fresh temporary FOEDUS_HOME in a
new process, as a user would run it, and the script prints the median wall time, the size
of the store and the time of the slowest stages from the library's own step callback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = """
import json, os, time
from foedus.data import store
marks = []
t0 = time.perf_counter()
def step(label, done, total):
    marks.append((label, time.perf_counter()))
report = store.build(step=step)
prev, out = t0, []
for label, t in marks:
    out.append((label, t - prev)); prev = t
print(json.dumps({"stages": out, "size": report.size_bytes}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("FOEDUS_DATA_MIRROR"):
        sys.exit("set FOEDUS_DATA_MIRROR to the data mirror (e.g. ../shared/data)")
    times: list[float] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "FOEDUS_HOME": home, "FOEDUS_CACHE": f"{home}/cache",
                   "FOEDUS_OFFLINE": "1"}
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "foedus.cli", "data", "build"], env=env,
                           check=True, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            size = (Path(home) / "foedus.duckdb").stat().st_size
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "FOEDUS_HOME": home, "FOEDUS_OFFLINE": "1"}
        import json

        stages = json.loads(subprocess.run([sys.executable, "-c", STAGES], env=env, check=True,
                                           capture_output=True, text=True).stdout)["stages"]
    print(f"foedus data build (new process, from the mirror), {args.repeat} runs:")
    print(f"  median {statistics.median(times):.2f} s  (min {min(times):.2f}, "
          f"max {max(times):.2f})")
    print(f"  store size {size / 1e6:.1f} MB")
    print("  slowest stages:")
    for label, seconds in sorted(stages, key=lambda s: -s[1])[:6]:
        print(f"    {label:<36} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
