"""Failures per item (issue 20 item 3): a plot that cannot be written after the work is
done, and a bad scenario file in a case library, cost only themselves. The finished results
are printed (stdout) first, then one line on stderr, exit 1. Real subprocesses against the
session's store.

The plot folder passes the check made before the work (it exists and takes files); the
plot's own file name is taken by a folder, so the write fails only once the results are in.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import assert_one_line_error, run_cli

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SCENARIO = 'name = "item"\ndate = 2024-07-01\ndraws = 100\nseed = 1\n' \
           '[[attack]]\nattacker = "RUS"\ntarget = "EST"\n'


def _blocked(folder: Path, *names: str) -> Path:
    """``folder`` with a folder in the way of each plot file ``names``."""
    for name in names:
        (folder / name).mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cli_env) -> dict:
    work = tmp_path_factory.mktemp("per-item")
    scenario = work / "s.toml"
    scenario.write_text(SCENARIO, "utf-8")
    library = work / "library"
    library.mkdir()
    (library / "a-good.toml").write_text(SCENARIO, "utf-8")
    (library / "b-bad.toml").write_text("name = \n", "utf-8")
    (library / "c-good.toml").write_text(SCENARIO.replace("seed = 1", "seed = 2"), "utf-8")
    # loads, then fails in its compilation (an attack's target is another's attacker)
    (library / "d-run.toml").write_text(
        SCENARIO + '[[attack]]\nattacker = "BLR"\ntarget = "RUS"\n', "utf-8")
    bad_only = work / "bad-only"
    bad_only.mkdir()
    (bad_only / "bad.toml").write_text("name = \n", "utf-8")
    jobs = {
        "burden": ("burden", "--years", "2014-2016", "--plot", str(_blocked(
            work / "burden", "compliance.png"))),
        "burden-json": ("burden", "--years", "2014-2016", "--json", "--plot", str(_blocked(
            work / "burden-json", "compliance.png"))),
        "compare": ("compare", str(scenario), str(scenario), "--draws", "100", "--plot",
                    str(_blocked(work / "compare", "compare_event1.png"))),
        "sweep": ("sweep", str(scenario), "--grid", "challenger.value=0.5,2", "--draws",
                  "100", "--plot", str(_blocked(work / "sweep", "sweep-s.png"))),
        "sweep-json": ("sweep", str(scenario), "--grid", "challenger.value=0.5,2",
                       "--draws", "100", "--json", "--plot",
                       str(_blocked(work / "sweep-json", "sweep-s.png"))),
        "library": ("library", str(library), "--draws", "100"),
        "library-json": ("library", str(library), "--draws", "100", "--json"),
        "library-bad-only": ("library", str(bad_only), "--draws", "100"),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(run_cli, *args, env=cli_env) for k, args in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def test_burden_prints_its_results_then_the_plot_error(runs) -> None:
    proc = runs["burden"]
    assert_one_line_error(proc, "compliance.png", "the results were printed")
    assert "Olson & Zeckhauser" in proc.stdout and "2016" in proc.stdout
    body = json.loads(runs["burden-json"].stdout)
    assert [y["year"] for y in body["years"]] == [2014, 2015, 2016]
    assert_one_line_error(runs["burden-json"], "compliance.png")


def test_compare_prints_its_results_then_the_plot_error(runs) -> None:
    proc = runs["compare"]
    assert_one_line_error(proc, "compare_event1.png")
    assert "P(deterred)" in proc.stdout


def test_sweep_prints_its_points_then_the_plot_error(runs) -> None:
    proc = runs["sweep"]
    assert_one_line_error(proc, "sweep-s.png")
    assert "P(deterred)" in proc.stdout
    body = json.loads(runs["sweep-json"].stdout)
    assert len(body["points"]) == 2
    assert_one_line_error(runs["sweep-json"], "sweep-s.png")


def test_library_runs_every_good_file_and_names_the_bad_one(runs) -> None:
    proc = runs["library"]
    assert_one_line_error(proc, "2 of 4 scenario files", "b-bad.toml:1",
                          "d-run.toml: the target (365) is also an attacker")
    assert "a-good" in proc.stdout and "c-good" in proc.stdout
    table = proc.stdout.split("note:")[0]
    assert "b-bad" not in table and "d-run" not in table  # not rows of the table
    body = json.loads(runs["library-json"].stdout)
    assert [c["case"] for c in body["cases"]] == ["a-good", "c-good"]
    folder = Path(proc.args[-3])
    failed = {str(folder / "b-bad.toml"): f"{folder / 'b-bad.toml'}:1: TOML syntax error: "
              "Invalid value",
              str(folder / "d-run.toml"): f"{folder / 'd-run.toml'}: the target (365) is "
              "also an attacker: a state does not attack itself."}
    # the load failure and the run's, merged in file order
    assert body["failed"] == failed and list(body["failed"]) == sorted(failed)
    assert [n for n in body["notes"] if n.startswith("not run:")] == [
        f"not run: {why}" for why in failed.values()]
    assert_one_line_error(runs["library-json"], "b-bad.toml")


def test_library_with_no_good_file_is_one_error(runs) -> None:
    proc = runs["library-bad-only"]
    assert_one_line_error(proc, "no scenario file of 1 could be run", "bad.toml:1")
    assert proc.stdout == ""
