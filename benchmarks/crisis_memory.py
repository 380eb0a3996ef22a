"""Benchmark: peak memory of ``foedus simulate`` against the number of draws (issue 20).

Each measurement is a new process: this script starts a child (``python -m foedus.cli
simulate SCENARIO --draws N --json``, one core) and reads the child's peak resident set
size from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a parent that started no
other child (kilobytes on Linux), together with the child's CPU time (user + system).
Before issue 20 a run kept every draw's coalition size and capability for the quantiles
(about 31 MB per million draws); the tallies are now summed per chunk, so the peak should
not depend on N.

Usage: ``python benchmarks/crisis_memory.py [--draws 100000 1000000 10000000]
[--scenario FILE]`` (FOEDUS_DATA_MIRROR and a built store, as ``make bench`` provides).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "baltic-estonia-2024.toml"

_CHILD = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "foedus.cli", "simulate", sys.argv[1],
                       "--draws", sys.argv[2], "--json"], stdout=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(done.returncode, u.ru_maxrss, u.ru_utime + u.ru_stime)
"""


def measure(scenario: str, draws: int) -> tuple[int, float, float]:
    """(exit code, peak RSS in MB, CPU seconds) of one ``simulate`` run in a new process."""
    text = subprocess.run([sys.executable, "-c", _CHILD, scenario, str(draws)],
                          capture_output=True, text=True, check=True).stdout.split()
    return int(text[0]), int(text[1]) / 1024, float(text[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(SCENARIO))
    parser.add_argument("--draws", type=int, nargs="+",
                        default=[100_000, 1_000_000, 10_000_000])
    args = parser.parse_args()
    if not os.environ.get("FOEDUS_DATA_MIRROR"):
        sys.exit("set FOEDUS_DATA_MIRROR to the data mirror (e.g. ../shared/data)")
    print(f"{'draws':>13}  {'peak RSS':>9}  {'CPU':>8}  exit")
    for n in args.draws:
        code, peak, cpu = measure(args.scenario, n)
        print(f"{n:>13,}  {peak:>6.0f} MB  {cpu:>6.1f} s  {code}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
