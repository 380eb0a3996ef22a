"""Issue 17's rows: a user's cold start and the full dyad-year panel, against their goals.

Each row is a command run ``--runs`` times (default 5), each in a new process, after one
untimed run that warms the file cache; the median and the fastest wall time are printed
with the goal and median/goal, and the peak resident memory of the row's processes, from
``resource.getrusage(RUSAGE_CHILDREN)`` in a runner process of its own (so that each row's
peak is its own). Where the code before the issue can run in the same run, it is timed the
same way and the ratio before/now printed:

- ``obligations``: ``foedus obligations --attacker RUS --target EST --as-of 2024-07-01
  --json`` on the built store; *before*: the same command on a copy of the store without its
  prebuilt file, which builds the system, the gazetteer and the identity index from the
  sources as every call did before (it prints one line saying so);
- ``panel``: ``foedus panel dyad-years --years 1816-2018 --add
  alliances,cinc,distance,contiguity,similarity --out FILE`` (38 columns); *before*: the
  eager reference (``benchmarks/panel_reference.py``, the code as it was) written to
  Parquet as the writer did;
- ``panel without similarity``: the same with ``--add alliances,cinc,distance,contiguity``;
- ``simulate``: ``foedus simulate scenarios/baltic-estonia-2024.toml --draws 1000 --json``,
  the compiled scenario read from the compile cache (:mod:`foedus.crisis.compile_cache`;
  the untimed first run fills it); *before*: the same with ``FOEDUS_COMPILE_CACHE=0``,
  compiling on every call (as a first run on a machine, or every run before the cache);
- ``simulate1m``: the same with ``--draws 1000000``;
- ``library``: ``foedus report library scenarios --draws 5000 --workers 2`` (``make
  demo``'s case library: 19 cases, each simulated, mapped and drawn; the cases simulated in
  two processes while this one draws the finished ones), the compile cache emptied before
  each run (as after ``foedus data build``, which changes every key; ``make demo`` compiles
  5 of the 19 before it); beside it the same with the cache filled by the untimed first
  run, and ``--workers 1`` cold (one process). No *before*: the code before the issue is
  not kept;
- ``compile``: ``benchmarks/compile_cold.py``, one compile of Estonia 2024 with the compile
  cache cleared first (the issue's goal for item 2 is 0.5 s; the process's CPU time
  includes Python's and the libraries' imports); *before*: the same with the pledge
  features of the code before issue 17 (``benchmarks/features_reference.py``) and its
  closure of obligations (the query as it was, ``benchmarks/obligations_reference.py``,
  asked once per state on a snapshot of its own). Beside the process, the CPU seconds of
  the compile call itself (printed by ``compile_cold.py``), median and minimum.

The peacesciencer column is the issue's recorded figure (R, same machine kind, measured by
the issue's author; not re-run here: R is not installed). Never a test: timings vary with
the machine's load (printed first). The commands run with Python's bytecode cache on, as
for a user (``PYTHONDONTWRITEBYTECODE`` is dropped from their environment); the CPU time
of a run (user + system, from the same ``getrusage``) says more than the wall time on a
loaded machine.

Usage: ``python benchmarks/speed.py [--runs 5] [--only obligations,panel,nosim,library]`` with a
built store (``make bench`` builds it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOEDUS = [sys.executable, "-m", "foedus.cli"]
OBLIGATIONS = [*FOEDUS, "obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
               "2024-07-01", "--json"]
ESTONIA = str(HERE.parent / "scenarios" / "baltic-estonia-2024.toml")
FULL = "alliances,cinc,distance,contiguity,similarity"
NOSIM = "alliances,cinc,distance,contiguity"
REFERENCE = ("import sys; sys.path.insert(0, {here!r}); from panel_reference import "
             "write_reference; write_reference({out!r}, similarity={sim})")
#: (label, goal seconds, goal MB or None, peacesciencer's recorded seconds or None)
ROWS = {
    "obligations": ("foedus obligations --attacker RUS --target EST --as-of 2024-07-01 "
                    "--json", 0.5, None, None),
    "panel": ("full directed dyad-year panel 1816-2018, 38 columns, to Parquet", 3.0, 1000,
              None),
    "nosim": ("same without similarity (26 columns)", 2.0, None, 5.5),
    "simulate": ("foedus simulate scenarios/baltic-estonia-2024.toml --draws 1000", 1.5, 400,
                 None),
    "simulate1m": ("same with 1,000,000 draws", 3.0, None, None),
    "compile": ("compile Estonia 2024 cold (compile cache cleared), a new process", 0.5, None,
                None),
    "library": ("make demo's library of 19 cases (foedus report library scenarios --draws "
                "5000 --workers 2), compile cache emptied before each run", 10.0, None,
                None),
}


def _runner(commands: list[list[str]], runs: int, env: dict[str, str],
            cold: bool = False) -> dict:
    """Run in a process of its own: time ``commands`` (run in turn) ``runs`` times; with
    ``cold``, the compile cache of ``env``'s foedus emptied before each run (untimed)."""
    for command in commands:
        subprocess.run(command, env=env, check=True, capture_output=True)
    compiled = None
    if cold:
        compiled = Path(subprocess.run(
            [sys.executable, "-c", "from foedus.crisis.compile_cache import folder; "
             "print(folder())"], env=env, check=True, capture_output=True,
            text=True).stdout.strip())
    times, calls = [], []
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        if compiled is not None:
            shutil.rmtree(compiled, ignore_errors=True)
        start = time.perf_counter()
        for command in commands:
            done = subprocess.run(command, env=env, check=True, capture_output=True,
                                  text=True)
            # compile_cold.py prints the CPU seconds of the compile call itself
            calls += [float(x) for x in re.findall(r"^compile ([\d.]+) s CPU", done.stdout,
                                                   re.MULTILINE)]
        times.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime) / runs
    return {"median": statistics.median(times), "min": min(times), "cpu": cpu,
            "peak_mb": after.ru_maxrss / 1024,
            "call_cpu": statistics.median(calls) if calls else None,
            "call_cpu_min": min(calls) if calls else None}


def _measure(commands: list[list[str]], runs: int, env: dict[str, str],
             cold: bool = False) -> dict:
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); "
            f"from speed import _runner; "
            f"print(json.dumps(_runner({commands!r}, {runs}, {env!r}, {cold!r})))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout)


def _store_without_prebuilt(tmp: Path) -> dict[str, str]:
    from foedus import config

    store = config.store_path()
    if not store.is_file():
        sys.exit(f"no store at {store}: run `foedus data build` first")
    copy = tmp / "home-sources"
    copy.mkdir()
    shutil.copy2(store, copy / store.name)
    return {**os.environ, "FOEDUS_HOME": str(copy)}


def _line(label: str, now: dict, goal: float, goal_mb: float | None,
          before: dict | None, recorded: float | None) -> str:
    text = (f"{label}\n    now: median {now['median']:.2f} s (min {now['min']:.2f}; CPU "
            f"{now['cpu']:.2f} s a run), peak {now['peak_mb']:,.0f} MB | goal {goal:.1f} s"
            + (f", {goal_mb:,.0f} MB" if goal_mb else "")
            + f" | median/goal {now['median'] / goal:.2f}")
    if now.get("call_cpu") is not None:
        text += (f"\n    the compile call alone: median {now['call_cpu']:.2f} s CPU (min "
                 f"{now['call_cpu_min']:.2f})")
    if now.get("warm") is not None:
        warm = now["warm"]
        text += (f"\n    warm (each scenario's compilation in the compile cache, as a second "
                 f"run finds it): median {warm['median']:.2f} s (min {warm['min']:.2f}; CPU "
                 f"{warm['cpu']:.2f} s a run)")
    if now.get("one") is not None:
        one = now["one"]
        text += (f"\n    one process (--workers 1), cold: median {one['median']:.2f} s (min "
                 f"{one['min']:.2f}; CPU {one['cpu']:.2f} s a run), peak "
                 f"{one['peak_mb']:,.0f} MB")
    if before is not None:
        text += (f"\n    before (same run): median {before['median']:.2f} s (min "
                 f"{before['min']:.2f}; CPU {before['cpu']:.2f} s a run), peak "
                 f"{before['peak_mb']:,.0f} MB | before/now "
                 f"{before['median'] / now['median']:.1f}x (CPU "
                 f"{before['cpu'] / now['cpu']:.1f}x)")
        if before.get("call_cpu") is not None and now.get("call_cpu"):
            text += (f"\n    before, the compile call alone: median {before['call_cpu']:.2f}"
                     f" s CPU (min {before['call_cpu_min']:.2f}) | before/now "
                     f"{before['call_cpu'] / now['call_cpu']:.1f}x")
    if recorded is not None:
        text += f"\n    peacesciencer (recorded in issue 17, R, same machine kind): {recorded} s"
    return text


def main() -> None:
    """Measure the rows asked for and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only",
                        default="obligations,panel,nosim,simulate,simulate1m,compile,"
                                "library")
    parser.add_argument("--no-before", action="store_true",
                        help="skip the code before the issue (faster)")
    options = parser.parse_args()
    # as a user runs foedus: Python keeps the compiled bytecode (an installed wheel ships it);
    # PYTHONDONTWRITEBYTECODE, set in some sandboxes, would recompile every module each run
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"issue 17 rows, {options.runs} runs each in new processes; load: "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for row in options.only.split(","):
            label, goal, goal_mb, recorded = ROWS[row]
            before = None
            if row == "obligations":
                now = _measure([OBLIGATIONS], options.runs, env)
                if not options.no_before:
                    before = _measure([OBLIGATIONS], options.runs,
                                      _store_without_prebuilt(tmp))
            elif row == "compile":
                command = [sys.executable, str(HERE / "compile_cold.py")]
                now = _measure([command], options.runs, env)
                if not options.no_before:
                    before = _measure([[*command, "--reference"]], options.runs, env)
            elif row == "library":
                command = [*FOEDUS, "report", "library", str(HERE.parent / "scenarios"),
                           "--out", str(tmp / "library.html"), "--draws", "5000"]
                now = _measure([[*command, "--workers", "2"]], options.runs, env, cold=True)
                now["warm"] = _measure([[*command, "--workers", "2"]], options.runs, env)
                now["one"] = _measure([command], options.runs, env, cold=True)
            elif row.startswith("simulate"):
                draws = "1000" if row == "simulate" else "1000000"
                command = [*FOEDUS, "simulate", ESTONIA, "--draws", draws, "--json"]
                now = _measure([command], options.runs, env)
                if not options.no_before:
                    before = _measure([command], options.runs,
                                      {**env, "FOEDUS_COMPILE_CACHE": "0"})
            else:
                out = str(tmp / f"{row}.parquet")
                add = FULL if row == "panel" else NOSIM
                now = _measure([[*FOEDUS, "panel", "dyad-years", "--years", "1816-2018",
                                 "--add", add, "--out", out]], options.runs, env)
                if not options.no_before:
                    code = REFERENCE.format(here=str(HERE), out=out, sim=row == "panel")
                    before = _measure([[sys.executable, "-c", code]], options.runs, env)
            print(_line(label, now, goal, goal_mb, before, recorded), flush=True)


if __name__ == "__main__":
    main()
