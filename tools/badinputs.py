"""Run the CLI over a corpus of bad inputs and count how it answers (issue 20).

Each case is one ``foedus …`` command line run as a subprocess, with the files it needs made
in a scratch folder (large inputs are generated, never stored). A case is classed as

- ``clean``: exit code 1 or 2 (or the case's ``exit``), no traceback; with exit code 1,
  stderr of exactly ``lines`` lines (default 1: the error and nothing else, not even an
  empty line or an "as of today" note) containing ``expect``;
- ``traceback``: "Traceback (most recent call last)" on stderr (or a Python exception name
  as the last line);
- ``accepted``: exit code 0 where the input is wrong (a wrong answer given as right);
- ``hang``: no answer within the case's timeout (the process group is killed);
- ``other``: anything else (several lines of error, an unexpected exit code).

After each run the scratch folder is searched for files a write left behind (temporary files
of an atomic write: ``.*.foedus-tmp*``, ``.*.tmp``, ``.*.part``): those count as
``half-written``.

Usage::

    python tools/badinputs.py [--home FOLDER] [--only ID …] [--json]

``--home`` is a folder holding a built store (default: the store's folder as foedus finds
it, ``$FOEDUS_HOME`` or the user's data folder, where ``make demo`` builds it); cases that
truncate or replace the store work on a copy. The corpus itself is :data:`CASES`; the test
``tests/hardening/test_badinputs.py`` runs the cases marked ``covered``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: Address space of a case that may read without end (a device as a scenario): a run that
#: would eat the machine's memory fails instead. Not set for the others: the chart renderer
#: (V8) reserves more address space than this.
MEMORY_LIMIT = 6 << 30
SCENARIO = REPO / "scenarios" / "baltic-estonia-2024.toml"
#: Run as root, a case that needs a read-only file drops the capabilities that let root
#: write anything (util-linux ``setpriv``).
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]

Setup = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    """One bad input: an id, how to make its command line, and what a clean answer is."""

    id: str
    setup: Setup
    covered: bool = False  # fixed by the hardening work: the test asserts it is clean
    timeout: float = 120.0
    lines: int = 1  # lines of stderr a clean error may take
    store: str | None = None  # "truncate", "garbage", "empty", "foreign", "missing-table"
    as_nobody: bool = False  # run as an unprivileged user (read-only cases under root)
    limit_memory: bool = False  # run under MEMORY_LIMIT (inputs that may read without end)
    answers: bool = False  # exit 0 is right: the input is odd, not wrong (an answer, a note)
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)
    expect: str = ""  # a clean answer's one stderr line contains this (the reason)
    exit: int | None = None  # the exit code a clean answer has (default: 1 or 2)


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def _symlink_loop(work: Path) -> Path:
    """``a.toml`` and ``b.toml`` in ``work``, each a symbolic link to the other; a.toml."""
    (work / "a.toml").symlink_to(work / "b.toml")
    (work / "b.toml").symlink_to(work / "a.toml")
    return work / "a.toml"


def _base_outside(work: Path) -> list[str]:
    """A scenario in ``cases/`` whose base is beside that folder (refused by default)."""
    _write(work / "elsewhere.toml", _scenario())
    return ["simulate", str(_write(work / "cases" / "s.toml",
                                   'base = "../elsewhere.toml"\n' + _scenario()))]


def _base_loop(work: Path) -> list[str]:
    _symlink_loop(work)
    return ["simulate", str(_write(work / "s.toml", 'base = "a.toml"\n' + _scenario()))]


def _file_loop(work: Path) -> list[str]:
    return ["simulate", str(_symlink_loop(work))]


def _scenario(body: str = "", *, attacker: str = "RUS", target: str = "EST",
              draws: str = "200") -> str:
    return (f'name = "bad"\ndate = 2024-07-01\ndraws = {draws}\nseed = 1\n{body}\n'
            f'[[attack]]\nattacker = "{attacker}"\ntarget = "{target}"\n')


def _sim(text: str, *extra: str) -> Setup:
    def setup(work: Path) -> list[str]:
        return ["simulate", str(_write(work / "s.toml", text)), *extra]
    return setup


def _readonly_dir(work: Path) -> Path:
    folder = work / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def _readonly_file(work: Path) -> Path:
    path = _write(work / "old.csv", "old\n")
    path.chmod(0o444)
    work.chmod(0o555)  # as nobody the folder is read-only too; the file must stay as it was
    return path


def _panel(out: str | Callable[[Path], object]) -> Setup:
    def setup(work: Path) -> list[str]:
        target = out(work) if callable(out) else out
        return ["panel", "state-years", "--years", "1816-1820", "--out", str(target)]
    return setup


def _burden(plot: Callable[[Path], object]) -> Setup:
    def setup(work: Path) -> list[str]:
        return ["burden", "--years", "2014-2016", "--plot", str(plot(work))]
    return setup


def _compare(plot: Callable[[Path], object]) -> Setup:
    def setup(work: Path) -> list[str]:
        s = _write(work / "a.toml", _scenario(draws="100"))
        return ["compare", str(s), str(s), "--draws", "100", "--plot", str(plot(work))]
    return setup


def _book_duplicates(n: int) -> Setup:
    def setup(work: Path) -> list[str]:
        members = "".join('\n[[members]]\nstate = "USA"\nstart = 1950-01-01\nbasis = '
                          '{ article = "Art. 1", date = 1950-01-01, source = "test" }\n'
                          for _ in range(n))
        text = ('id = "dups"\nname = "Duplicates"\nkind = "treaty"\nsigned = 1950-01-01\n'
                'in_force = 1950-01-01\nsources = ["test"]\n' + members)
        return ["book", "check", str(_write(work / "dups.toml", text))]
    return setup


def _fixed(*argv: str) -> Setup:
    return lambda work: list(argv)


OBLIGATIONS = ("obligations", "--attacker", "RUS", "--target", "EST")


def _panel_years(years: str) -> Setup:
    return lambda work: ["panel", "state-years", "--years", years, "--out",
                         str(work / "p.csv")]


def _blocked(work: Path, name: str) -> Path:
    """A plot folder that takes files, with a folder in the way of the plot ``name``: the
    write fails only after the work is done."""
    (work / "plots" / name).mkdir(parents=True)
    return work / "plots"


def _sweep(plot: Callable[[Path], object]) -> Setup:
    def setup(work: Path) -> list[str]:
        s = _write(work / "s.toml", _scenario(draws="100"))
        return ["sweep", str(s), "--grid", "challenger.value=1,2", "--draws", "100",
                "--plot", str(plot(work))]
    return setup


def _library(bad: str) -> Setup:
    """A case library of one good scenario and one bad file."""
    def setup(work: Path) -> list[str]:
        _write(work / "lib" / "a-good.toml", _scenario(draws="100"))
        _write(work / "lib" / "b-bad.toml", bad)
        return ["library", str(work / "lib"), "--draws", "100"]
    return setup


def _nested_arrays(n: int) -> str:
    return "x = " + "[" * n + "]" * n + "\n"


def _nested_tables(n: int) -> str:
    return "x = " + "{a = " * n + "1" + "}" * n + "\n"


def _touch(name: str) -> Callable[[Path], Path]:
    return lambda work: _write(work / name, "not a folder\n")


CASES: list[Case] = [
    # --- the store -----------------------------------------------------------------------
    Case("store-truncated-status", _fixed("data", "status"), True, store="truncate"),
    Case("store-truncated-summary", _fixed("summary"), True, store="truncate"),
    Case("store-truncated-obligations", _fixed("obligations", "--attacker", "RUS",
                                               "--target", "EST"), True, store="truncate",
         note="the error alone: the date note is said only with an answer"),
    Case("store-truncated-4k-status", _fixed("data", "status"), True, store="truncate-4k"),
    Case("store-truncated-4k-obligations", _fixed("obligations", "--attacker", "RUS",
                                                  "--target", "EST"), True,
         store="truncate-4k"),
    Case("store-sidecar-truncated", _fixed("obligations", "--attacker", "RUS", "--target",
                                           "EST"), True, store="sidecar-truncate",
         answers=True, note="answered from the sources with a one-line note"),
    Case("store-sidecar-garbage", _fixed("obligations", "--attacker", "RUS", "--target",
                                         "EST"), True, store="sidecar-garbage", answers=True,
         limit_memory=True),
    Case("store-sidecar-truncated-bad-target", _fixed("obligations", "--attacker", "RUS",
                                                      "--target", "Atlantis"), True,
         store="sidecar-truncate", expect="Atlantis",
         note="the notice of the damaged prebuilt file is dropped: the error is the line"),
    Case("store-sidecar-truncated-past-coverage", _fixed(*OBLIGATIONS, "--as-of",
                                                         "9999-12-31"), True,
         store="sidecar-truncate", expect="past the data"),
    Case("store-garbage-status", _fixed("data", "status"), True, store="garbage"),
    Case("store-garbage-summary", _fixed("summary"), True, store="garbage"),
    Case("store-empty-status", _fixed("data", "status"), True, store="empty"),
    Case("store-foreign-status", _fixed("data", "status"), True, store="foreign"),
    Case("store-foreign-summary", _fixed("summary"), True, store="foreign"),
    Case("store-missing-table-status", _fixed("data", "status"), True,
         store="missing-table", note="a table dropped: status must say so, exit 1"),
    Case("store-old-version-status", _fixed("data", "status"), True, store="old-version"),
    Case("store-directory", _fixed("data", "status"), True, store="directory"),
    # --- output files ----------------------------------------------------------------------
    Case("panel-out-readonly-folder", _panel(lambda w: _readonly_dir(w) / "p.csv"), True,
         as_nobody=True),
    Case("panel-out-readonly-file", _panel(_readonly_file), True, as_nobody=True),
    Case("panel-out-proc", _panel("/proc/foedus-panel.csv"), True),
    Case("panel-out-proc-self", _panel("/proc/self/status"), True),
    Case("panel-out-missing-folder", _panel(lambda w: w / "no" / "such" / "p.csv"), True),
    Case("panel-out-is-directory", _panel(lambda w: w), True),
    Case("panel-out-bad-extension", _panel(lambda w: w / "p.xlsx"), True),
    Case("panel-out-under-a-file", _panel(lambda w: _touch("f")(w) / "p.csv"), True),
    Case("burden-plot-existing-file", _burden(_touch("plots")), True),
    Case("burden-plot-proc", _burden(lambda w: "/proc/foedus-plots"), True),
    Case("burden-plot-readonly", _burden(lambda w: _readonly_dir(w) / "plots"), True,
         as_nobody=True),
    Case("compare-plot-existing-file", _compare(_touch("plots")), True),
    Case("compare-plot-proc", _compare(lambda w: "/proc/foedus-plots"), True),
    # --- books -----------------------------------------------------------------------------
    Case("book-1000-duplicates", _book_duplicates(1000), True,
         expect="999 entries overlap an earlier one",
         note="exit 1 with the duplicates grouped in one line (not 500,500)"),
    Case("book-directory", lambda w: ["book", "check", str(w)], False),
    Case("book-missing", lambda w: ["book", "check", str(w / "none.toml")], True),
    # --- scenario files --------------------------------------------------------------------
    Case("scenario-nested-arrays", _sim(_nested_arrays(100_000)), True),
    Case("scenario-nested-tables", _sim(_nested_tables(50_000)), True),
    Case("scenario-base-dev-zero", _sim('base = "/dev/zero"\n' + _scenario()), True,
         timeout=60, limit_memory=True),
    Case("scenario-base-dev-urandom", _sim('base = "/dev/urandom"\n' + _scenario()), True,
         timeout=60, limit_memory=True),
    Case("scenario-is-dev-zero", lambda w: ["simulate", "/dev/zero"], True, timeout=60,
         limit_memory=True),
    Case("scenario-directory", lambda w: ["simulate", str(w)], True),
    Case("scenario-missing", lambda w: ["simulate", str(w / "none.toml")], True),
    Case("scenario-binary", lambda w: ["simulate", str(_write(w / "b.toml", b"\xff\xfe\x00"))],
         True),
    Case("scenario-too-large", _sim(_scenario() + "# " + "x" * 2_000_000 + "\n"), True),
    Case("scenario-stakes-nan", _sim(_scenario("[challenger]\nvalue = nan\n")), True),
    Case("scenario-stakes-inf", _sim(_scenario("[challenger]\nvalue = [0.5, inf]\n")), True),
    Case("scenario-shift-nan", _sim(_scenario("[allies]\ncredibility_shift = nan\n")), True),
    Case("scenario-shift-inf", _sim(_scenario("[allies]\ncredibility_shift = -inf\n")), True),
    Case("scenario-nuclear-cost-inf", _sim(_scenario("[challenger]\nnuclear_cost = inf\n")),
         True),
    Case("scenario-nuclear-cost-nan", _sim(_scenario("[challenger]\nnuclear_cost = nan\n")),
         True),
    Case("scenario-tolerance-nan", _sim(_scenario("[challenger]\ncost_tolerance = nan\n")),
         True),
    Case("scenario-self-attack", _sim(_scenario(attacker="EST", target="EST")), True),
    Case("scenario-self-attack-names", _sim(_scenario(attacker="Estonia", target="EST")), True),
    Case("scenario-draws-true", _sim(_scenario(draws="true")), True),
    Case("scenario-seed-float", _sim(_scenario().replace("seed = 1", "seed = 1.5")), True),
    Case("scenario-draws-zero", _sim(_scenario(draws="0")), True),
    Case("scenario-syntax", _sim("name = \n"), True),
    Case("scenario-no-attack", _sim('date = 2024-07-01\n'), True),
    Case("scenario-base-loop", lambda w: ["simulate", str(_write(
        w / "loop.toml", 'base = "loop.toml"\n' + _scenario()))], True),
    Case("scenario-base-outside", _base_outside, True),
    Case("scenario-base-symlink-loop", _base_loop, True),
    Case("scenario-symlink-loop", _file_loop, True),
    Case("scenario-base-dev-zero-allowed", lambda w: ["--allow-outside", "simulate", str(
        _write(w / "s.toml", 'base = "/dev/zero"\n' + _scenario()))], True, timeout=60,
        limit_memory=True),
    Case("obligations-self-attack", _fixed("obligations", "--attacker", "EST", "--target",
                                           "Estonia", "--as-of", "2024-07-01"), True),
    Case("sweep-nan", lambda w: ["sweep", str(_write(w / "s.toml", _scenario())), "--grid",
                                 "challenger.value=nan,1", "--draws", "100"], True),
    Case("sweep-inf", lambda w: ["sweep", str(_write(w / "s.toml", _scenario())), "--grid",
                                 "allies.credibility_shift=inf", "--draws", "100"], True),
    # --- options --------------------------------------------------------------------------
    Case("simulate-scheduler-junk", lambda w: ["simulate", str(SCENARIO), "--draws", "100",
                                               "--scheduler", "junk"], True),
    Case("simulate-draws-1", lambda w: ["simulate", str(SCENARIO), "--draws", "1"], True,
         answers=True, note="documented minimum: should answer (exit 0 is right here)"),
    Case("reliability-from-3000", _fixed("reliability", "--from", "3000"), True,
         expect="outside the record"),
    Case("reliability-from-negative", _fixed("reliability", "--from", "-5"), True),
    Case("panel-years-reversed", lambda w: [
        "panel", "state-years", "--years", "1900-1850", "--out", str(w / "p.csv")], True,
        expect="1850 is before 1900"),
    # --- dates and years against each source's coverage (docs/cli.md) --------------------
    Case("obligations-as-of-9999", _fixed(*OBLIGATIONS, "--as-of", "9999-12-31"), True,
         expect="9999-12-31 is past the data: ATOP v5.1 (atop_members) covers 1815-2018"),
    Case("obligations-as-of-2029", _fixed(*OBLIGATIONS, "--as-of", "2029-01-01"), True,
         expect="carried forward at most 10 years (to 2028-12-31)"),
    Case("obligations-as-of-1700", _fixed(*OBLIGATIONS, "--as-of", "1700-01-01"), True,
         expect="before 1815"),
    Case("obligations-atop-view-2019", _fixed(*OBLIGATIONS, "--as-of", "2019-01-01",
                                              "--view", "atop"), True,
         expect="The ATOP view ends on 2018-12-31"),
    Case("obligations-today-bad-target", _fixed("obligations", "--attacker", "RUS",
                                                "--target", "Atlantis"), True,
         note="as of today, then an error: the error alone"),
    Case("credibility-as-of-9999", _fixed("credibility", "--ally", "USA", "--partner", "EST",
                                          "--as-of", "9999-12-31"), True,
         expect="past the data"),
    Case("credibility-today-bad-ally", _fixed("credibility", "--ally", "Atlantis",
                                              "--partner", "EST"), True),
    Case("summary-year-2100", _fixed("summary", "--year", "2100"), True, exit=2,
         expect="2018"),
    Case("panel-years-2100", _panel_years("2010-2100"), True,
         expect="2100 is past the data: COW State System Membership"),
    Case("panel-years-1700", _panel_years("1700-1820"), True, expect="1700 is before"),
    Case("burden-years-2100", _fixed("burden", "--years", "2014-2100"), True,
         expect="2100 is past the data: SIPRI"),
    Case("burden-years-1940", _fixed("burden", "--years", "1940-1950"), True,
         expect="1940 is before the data: SIPRI"),
    Case("burden-nato-2024", _fixed("burden", "--series", "nato", "--years", "2014-2024"),
         True, expect="2024 is past the data: NATO"),
    Case("reliability-cow-to-2010", _fixed("reliability", "--to", "2010"), True,
         expect="--to 2010 is past the data: COW Inter-State War Data"),
    Case("simulate-as-of-9999", lambda w: ["simulate", str(SCENARIO), "--draws", "100",
                                           "--as-of", "9999-12-31"], True,
         expect="--as-of 9999-12-31 is past the data"),
    Case("simulate-as-of-1700", lambda w: ["simulate", str(SCENARIO), "--draws", "100",
                                           "--as-of", "1700-01-01"], True,
         expect="--as-of 1700-01-01 is before the data"),
    Case("scenario-date-9999", _sim(_scenario().replace("2024-07-01", "9999-12-31")), True,
         expect="date: 9999-12-31 is past the data"),
    Case("scenario-date-1700", _sim(_scenario().replace("2024-07-01", "1700-01-01")), True,
         expect="date: 1700-01-01 is before the data"),
    Case("sweep-date-9999", lambda w: ["sweep", str(_write(w / "s.toml", _scenario().replace(
        "2024-07-01", "9999-12-31"))), "--grid", "challenger.value=1,2", "--draws", "100"],
        True, expect="past the data"),
    Case("compare-date-9999", lambda w: ["compare", str(SCENARIO), str(_write(
        w / "s.toml", _scenario().replace("2024-07-01", "9999-12-31"))), "--draws", "100"],
        True, expect="past the data"),
    # --- failures per item: the finished results printed, then one line -------------------
    Case("burden-plot-blocked", _burden(lambda w: _blocked(w, "compliance.png")), True,
         expect="the results were printed"),
    Case("compare-plot-blocked", _compare(lambda w: _blocked(w, "compare_event1.png")), True,
         expect="the results were printed"),
    Case("sweep-plot-blocked", _sweep(lambda w: _blocked(w, "sweep-s.png")), True,
         expect="the results were printed"),
    Case("sweep-plot-existing-file", _sweep(_touch("plots")), True,
         expect="it is a file, not a folder"),
    Case("sweep-plot-proc", _sweep(lambda w: "/proc/foedus-plots"), True),
    Case("library-one-bad-file", _library("name = \n"), True,
         expect="1 of 2 scenario files could not be run"),
    Case("library-one-file-past-coverage", _library(_scenario().replace(
        "2024-07-01", "9999-12-31")), True, expect="1 of 2 scenario files could not be run"),
    Case("library-empty-folder", lambda w: ["library", str(w)], True,
         expect="no scenario files"),
]

LEFTOVER_PATTERNS = (".*.foedus-tmp*", ".*.tmp", ".*.part")


def _prepare_store(kind: str, source: Path, home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    store, sidecar = home / "foedus.duckdb", home / "foedus.duckdb.prebuilt"
    if kind == "directory":
        store.mkdir()
        return
    shutil.copy2(source / "foedus.duckdb", store)
    if (source / "foedus.duckdb.prebuilt").is_file():
        shutil.copy2(source / "foedus.duckdb.prebuilt", sidecar)
    if kind == "truncate":
        with store.open("r+b") as fh:
            fh.truncate(store.stat().st_size // 3)
    elif kind == "truncate-4k":
        with store.open("r+b") as fh:
            fh.truncate(4096)
    elif kind == "sidecar-truncate":
        with sidecar.open("r+b") as fh:
            fh.truncate(sidecar.stat().st_size // 2)
    elif kind == "sidecar-garbage":
        sidecar.write_bytes(os.urandom(1 << 12))
    elif kind == "garbage":
        store.write_bytes(os.urandom(1 << 16))
    elif kind == "empty":
        store.write_bytes(b"")
    elif kind in ("foreign", "missing-table", "old-version"):
        import duckdb

        if kind == "foreign":
            store.unlink()
            con = duckdb.connect(str(store))
            con.execute("CREATE TABLE notes AS SELECT 1 AS x")
        else:
            con = duckdb.connect(str(store))
            if kind == "missing-table":
                con.execute('DROP TABLE "atop_members"')
            else:  # a store of another layout (an older foedus wrote schema 0 or none)
                con.execute("DELETE FROM store_info WHERE key = 'schema'")
        con.close()


def _leftovers(folder: Path) -> list[str]:
    found: set[str] = set()
    for pattern in LEFTOVER_PATTERNS:
        found.update(str(p) for p in folder.rglob(pattern))
    return sorted(found)


def _classify(case: Case, rc: int | None, stderr: str) -> str:
    if rc is None:
        return "hang"
    lines = [line for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    name = last.split(":", 1)[0]  # "KeyError: …"; click's own usage line is "Error: …"
    if "Traceback (most recent call last)" in stderr or (
            name.endswith(("Error", "Exception")) and " " not in name and name != "Error"):
        return "traceback"
    if rc == 0:
        return "clean" if case.answers else "accepted"
    if case.exit is not None and rc != case.exit:
        return "other"
    if case.expect and case.expect not in stderr:
        return "other"
    if rc == 1 and len(stderr.splitlines()) == case.lines:  # every line counts, blank too
        return "clean"
    if rc == 2:  # click's usage error: a few lines of usage then the error
        return "clean"
    return "other"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(case: Case, home: Path, *, python: str = sys.executable) -> dict:
    """Run one case in a fresh scratch folder; its class, exit code and stderr."""
    with tempfile.TemporaryDirectory(prefix=f"badinput-{case.id}-") as tmp:
        work = Path(tmp)
        work.chmod(0o777)
        case_home = home
        if case.store is not None:
            case_home = work / "home"
            _prepare_store(case.store, home, case_home)
        argv = case.setup(work)
        env = {**os.environ, "FOEDUS_HOME": str(case_home),
               "FOEDUS_CACHE": str(work / "cache"), "FOEDUS_OFFLINE": "1",
               "NUMBA_CACHE_DIR": str(work / "numba"), **case.env}
        prefix = UNPRIVILEGED if case.as_nobody and os.geteuid() == 0 else []
        if prefix and shutil.which(prefix[0]) is None:
            return {"id": case.id, "class": "skipped", "exit": None, "seconds": 0.0,
                    "stderr_lines": 0, "first_line": "", "last_line": "run as root "
                    "without setpriv: no read-only file can be made", "half_written": [],
                    "covered": case.covered}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [*prefix, python, "-c", "from foedus.cli.main import run; run()", *argv],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work, env=env,
            start_new_session=True, preexec_fn=_limit_memory if case.limit_memory else None)
        try:
            _, stderr = proc.communicate(timeout=case.timeout)
            rc: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            rc = None
        seconds = time.perf_counter() - started
        for path in work.rglob("*"):  # let the scratch folder be removed
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        work.chmod(0o755)
        leftovers = _leftovers(work)
    lines = [line for line in stderr.splitlines() if line.strip()]
    return {"id": case.id, "class": _classify(case, rc, stderr), "exit": rc,
            "seconds": round(seconds, 1), "stderr_lines": len(lines),
            "first_line": lines[0][:300] if lines else "",
            "last_line": lines[-1][:300] if lines else "",
            "half_written": leftovers, "covered": case.covered}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    from foedus.config import store_path

    parser.add_argument("--home", type=Path, default=store_path().parent)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.home is None or not (Path(args.home) / "foedus.duckdb").is_file():
        parser.error(f"--home {args.home} must hold a built store (foedus data build, or "
                     "make demo)")
    cases = [c for c in CASES if args.only is None or c.id in args.only]
    results = []
    for case in cases:
        result = run_case(case, Path(args.home).resolve())
        results.append(result)
        if not args.json:
            print(f"{result['class']:<10} {result['exit']!s:>4} {result['seconds']:>6.1f}s "
                  f"{case.id:<32} {result['last_line'][:110]}", flush=True)
    counts = {k: sum(r["class"] == k for r in results)
              for k in ("clean", "traceback", "accepted", "hang", "other", "skipped")}
    counts["inputs"] = len(results)
    counts["half_written"] = sum(bool(r["half_written"]) for r in results)
    if args.json:
        print(json.dumps({"counts": counts, "results": results}, indent=1))
    else:
        print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
