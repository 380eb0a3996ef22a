"""Every ``foedus report`` kind, built by the command line with small draws: a single file
under 5 MB whose ``--json`` validates; its numbers equal the ``--json`` answers of the
matching commands for the same seed; in headless chromium with the network blocked it makes
no request, logs no console error, and every chart it lists is drawn.

The reports and the answers are built once for the module, two commands at a time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, schema_validator, serve

pytestmark = pytest.mark.slow

LIMIT = 5 * 1024 * 1024
SCENARIOS = REPO / "scenarios"
DRAWS, SEED = "1500", "11"


def _jobs(tmp: Path) -> dict[str, list[str]]:
    lib = tmp / "cases"
    lib.mkdir()
    for name in ("ukraine-2024.toml", "ukraine-nato-2024.toml"):
        shutil.copyfile(SCENARIOS / name, lib / name)
    est = str(SCENARIOS / "baltic-estonia-2024.toml")
    small = ["--draws", DRAWS, "--seed", SEED]
    return {
        "scenario": ["report", "scenario", est, "--out", str(tmp / "scenario.html"), *small,
                     "--json"],
        "scenario.answer": ["simulate", est, *small, "--json"],
        "library": ["report", "library", str(lib), "--out", str(tmp / "library.html"),
                    *small, "--json"],
        "library.answer": ["library", str(lib), *small, "--json"],
        "compare": ["report", "compare", str(lib / "ukraine-2024.toml"),
                    str(lib / "ukraine-nato-2024.toml"), "--out", str(tmp / "compare.html"),
                    *small, "--json"],
        "compare.answer": ["compare", str(lib / "ukraine-2024.toml"),
                           str(lib / "ukraine-nato-2024.toml"), *small, "--json"],
        "burden": ["report", "burden", "--years", "2016-2024", "--seed", "3", "--out",
                   str(tmp / "burden.html"), "--json"],
        "burden.answer": ["burden", "--years", "2016-2024", "--seed", "3", "--json"],
        "replications": ["report", "replications", "olson-zeckhauser-1966", "--out",
                         str(tmp / "replications.html"), "--json"],
        "replications.answer": ["replicate", "olson-zeckhauser-1966", "--json"],
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> dict:
    """name → parsed ``--json`` of every job (reports and answers), run two at a time."""
    import os

    tmp = tmp_path_factory.mktemp("reports")
    env = {**os.environ, **cli_env}
    pending = list(_jobs(tmp).items())
    running: list[tuple[str, subprocess.Popen]] = []
    done: dict[str, dict] = {}

    def finish(name: str, proc: subprocess.Popen) -> None:
        stdout, stderr = proc.communicate(timeout=1200)
        assert proc.returncode == 0, (name, stderr[-3000:])
        done[name] = json.loads(stdout)

    while pending or running:
        while pending and len(running) < 2:
            name, args = pending.pop(0)
            running.append((name, subprocess.Popen(
                [sys.executable, "-c", "from foedus.cli.main import run; run()", *args],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)))
        name, proc = running.pop(0)
        finish(name, proc)
    return done


KINDS = ("scenario", "library", "compare", "burden", "replications")


def _values(html: str) -> dict[str, object]:
    """Every ``data-key`` of a report with its exact ``data-value``."""
    import html as html_lib

    return {html_lib.unescape(k): json.loads(html_lib.unescape(v)) for k, v in re.findall(
        r"data-key=\"([^\"]+)\" data-value='([^']*)'", html)}


def _expected(kind: str, key: str, answer: dict) -> object:
    """The value of ``key`` in the matching command's ``--json`` answer."""
    if kind == "scenario":
        node = answer
        for part in key.split(".", 1) if key.startswith(("drawn_in.", "entrapment.")) \
                else key.split("."):
            node = node[part]
        return node
    if kind == "library":
        case, what = key.split(".", 1)
        row = next(r for r in answer["cases"] if r["case"] == case)
        if what == "vs_base":
            return row["vs_base"]["p_deterred"]
        if what == "coalition.size_mean":
            return row["coalition_size_mean"]
        if what.startswith(("drawn_in.", "entrapment.")):
            raise KeyError(key)  # checked against the simulations (below)
        return row[what]
    if kind == "compare":
        side, rest = key.split(".", 1)
        if ".system." in f".{rest}":
            path = rest.removeprefix("system.").split(".")
            node = answer[side]["system"]
            for part in path:
                node = node[part]
            return len(node) if isinstance(node, list) else node
        label, metric = rest.rsplit(".", 1)
        if side == "diff":
            return answer["diff"]["events"][label][metric]
        return answer[side]["events"][label][metric]
    if kind == "burden":
        _, year, metric = key.split(".")
        return next(y for y in answer["years"] if y["year"] == int(year))[metric]
    if kind == "replications":
        if key == f"{answer['study']}.passed":
            return sum(f["pass"] is True for f in answer["figures"])
        study, index, which = key.split(".")
        assert study == answer["study"]
        return answer["figures"][int(index)][which]
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_single_file_under_5_mb_with_its_json(kind: str, built: dict) -> None:
    answer = built[kind]
    path = Path(answer["out"])
    assert path.is_file() and path.stat().st_size == answer["bytes"] < LIMIT
    assert not list(path.parent.glob(".*.tmp"))  # no temporary file left behind
    assert not list(schema_validator("report").iter_errors(answer))
    html = path.read_text("utf-8")
    assert answer["provenance"]["command"].startswith("foedus report " + kind)
    assert answer["provenance"]["command"] in html.replace("&#x27;", "'")


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_equal_the_json_answers(kind: str, built: dict) -> None:
    values = _values(Path(built[kind]["out"]).read_text("utf-8"))
    answer = built[f"{kind}.answer"]
    checked = 0
    for key, value in values.items():
        if key == "command":
            continue
        try:
            expected = _expected(kind, key, answer)
        except KeyError:
            continue
        if expected is None:
            assert value is None, key
        else:
            assert value == pytest.approx(expected, rel=1e-12, abs=1e-12), key
        checked += 1
    assert checked >= {"scenario": 10, "library": 6, "compare": 4, "burden": 9,
                       "replications": 3}[kind], sorted(values)


def test_scenario_report_names_the_datasets_of_the_simulation(built: dict) -> None:
    report = {d["name"]: d["sha256"] for d in built["scenario"]["provenance"]["datasets"]}
    for d in built["scenario.answer"]["provenance"]["datasets"]:
        assert report[d["name"]] == d["sha256"]
    assert "cshapes_cow" in report  # the map


@pytest.mark.parametrize("kind", KINDS)
def test_opens_offline_with_every_chart(kind: str, built: dict, page) -> None:
    path = Path(built[kind]["out"])
    with serve(path.parent) as (url, _hits):
        page.goto(url + path.name)
        _check_page(kind, page)


def _check_page(kind: str, page) -> None:
    listed = json.loads(page.locator("meta[name=foedus-charts]").get_attribute("content"))
    assert listed, "a report without charts"
    for name in listed:
        box = page.locator(f'figure.chart[data-chart="{name}"] > svg').bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, name
    assert page.locator("footer #notices").count() == 1
    if kind == "library":  # the table sorts on a click of its header
        header = page.locator('table[data-table="cases"] th', has_text="P(deterred)")
        cells = page.locator('table[data-table="cases"] tbody tr td:nth-child(3)')
        header.click()
        first = [float(c.get_attribute("data-sort")) for c in cells.all()]
        header.click()
        second = [float(c.get_attribute("data-sort")) for c in cells.all()]
        assert first == sorted(first) and second == sorted(first, reverse=True)
