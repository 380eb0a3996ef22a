"""Start-up time of the command line: ``foedus --help`` and ``import foedus``.

Each is run in a fresh interpreter ``--runs`` times (default 15); the median and the fastest
run are printed, in seconds. The target (issue 16) is ``foedus --help`` under 0.5 s on the
development machine; this is a benchmark, never a test (no timing threshold in a unit test).

    python benchmarks/startup.py              # this checkout
    python benchmarks/startup.py --src ../main/src   # another source tree, same interpreter

``--src`` puts a source tree first on ``PYTHONPATH``, to compare a branch with main.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = {
    "foedus --help": ["-c", "from foedus.cli.main import run; run()", "--help"],
    "import foedus": ["-c", "import foedus"],
    "foedus obligations --help": ["-c", "from foedus.cli.main import run; run()",
                                  "obligations", "--help"],
}


def _time(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    """Time each case and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--src", default=None, help="a source tree to put first on the path")
    options = parser.parse_args()
    env = dict(os.environ, COLUMNS="100")
    if options.src:
        env["PYTHONPATH"] = os.path.abspath(options.src)
    for label, args in CASES.items():
        _time(args, env)  # warm the file cache and the bytecode
        runs = [_time(args, env) for _ in range(options.runs)]
        print(f"{label:<28} median {statistics.median(runs):.3f} s, fastest {min(runs):.3f} s "
              f"({options.runs} runs)")


if __name__ == "__main__":
    main()
