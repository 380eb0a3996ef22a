"""The public API: ``foedus.<verb>(...).to_json()`` equals the command's ``--json``, one test
per command; the verbs are importable lazily under names no subpackage shadows."""

from __future__ import annotations

import json
import pkgutil
from importlib import resources
from pathlib import Path

import pytest

import foedus

from helpers import run_cli


def _cli_json(*args: str) -> dict:
    proc = run_cli(*args, "--json")
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def _printed(answer) -> str:
    """An answer as ``--json`` prints it (the CLI's ``print_json``)."""
    return json.dumps(answer.to_json(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _cli_text(*args: str) -> str:
    proc = run_cli(*args, "--json")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_no_verb_is_shadowed_by_a_subpackage() -> None:
    modules = {m.name for m in pkgutil.iter_modules(foedus.__path__)}
    verbs = set(foedus.__all__) - {"FoedusError", "__version__"}
    assert not verbs & modules, verbs & modules
    for verb in sorted(verbs):
        assert callable(getattr(foedus, verb)), verb


def test_import_foedus_loads_no_lens() -> None:
    import subprocess
    import sys

    code = ("import sys, foedus; heavy = [m for m in ('pandas', 'foedus.query', "
            "'foedus.data.store', 'typer') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


@pytest.mark.usefixtures("store_home")
class TestAnswersEqualTheCommandLine:
    def test_obligations(self) -> None:
        args = ("--attacker", "RUS", "--attacker", "nonstate:Wagner", "--target", "EST",
                "--as-of", "2024-06-01")
        answer = foedus.obligations(["RUS", "nonstate:Wagner"], "EST", as_of="2024-06-01")
        assert answer.to_json() == _cli_json("obligations", *args)

    def test_obligations_with_credibility(self) -> None:
        answer = foedus.obligations(["CHN"], "PHL", as_of="2024-07-01", credibility=True)
        assert answer.to_json() == _cli_json("obligations", "--attacker", "CHN", "--target",
                                             "PHL", "--as-of", "2024-07-01", "--credibility")

    def test_burden(self) -> None:
        answer = foedus.burden_sharing("NATO", 2016, 2018, series="nato", seed=3)
        assert answer.to_json() == _cli_json("burden", "--alliance", "NATO", "--years",
                                             "2016-2018", "--series", "nato", "--seed", "3")

    def test_panel(self, tmp_path: Path) -> None:
        out = tmp_path / "p.parquet"
        cli = _cli_json("panel", "dyad-years", "--years", "2000-2001", "--add",
                        "alliances,distance,similarity", "--coding", "sr", "--out", str(out))
        answer = foedus.make_panel("dyad_year", 2000, 2001,
                                   add=["alliances", "distance", "similarity"], coding=["sr"],
                                   out=out)
        assert answer.to_json() == cli

    def test_summary(self) -> None:
        assert foedus.summary(year=1914).to_json() == _cli_json("summary", "--year", "1914")

    def test_data_list_cite_status(self) -> None:
        assert foedus.list_datasets().to_json() == _cli_json("data", "list")
        assert foedus.cite("maddison").to_json() == _cli_json("data", "cite", "maddison")
        assert foedus.store_status().to_json() == _cli_json("data", "status")

    def test_data_pull(self) -> None:
        first = _cli_json("data", "pull", "cow_majors")  # into the cache
        assert foedus.pull_datasets(["cow_majors"]).to_json() == \
            _cli_json("data", "pull", "cow_majors")
        assert first["pulled"][0]["name"] == "cow_majors"

    def test_replicate(self) -> None:
        def steady(body: dict) -> dict:  # wall time and memory differ from run to run
            return {k: v for k, v in body.items()
                    if k not in ("seconds", "peak_memory_mb", "summary")}

        answer = foedus.replicate("olson-zeckhauser-1966")
        assert steady(answer.to_json()) == steady(_cli_json("replicate",
                                                            "olson-zeckhauser-1966"))
        assert foedus.study_list().to_json() == _cli_json("replicate", "--list")

    def test_credibility(self) -> None:
        answer = foedus.pledge_credibility("USA", "EST", as_of="2024-07-01", against=["RUS"])
        assert answer.to_json() == _cli_json("credibility", "--ally", "USA", "--partner",
                                             "EST", "--as-of", "2024-07-01", "--against",
                                             "RUS")

    def test_reliability(self) -> None:
        answer = foedus.alliance_reliability(source="mid", start=1914, end=1918,
                                             by=["kind", "era"], window=30)
        assert answer.to_json() == _cli_json("reliability", "--source", "mid", "--from",
                                             "1914", "--to", "1918", "--by", "kind,era",
                                             "--window", "30")

    def test_reliability_cases(self) -> None:
        answer = foedus.reliability_cases(start=1914, end=1914)
        assert answer.to_json() == _cli_json("reliability", "--cases", "--from", "1914",
                                             "--to", "1914")

    def test_book_check(self, tmp_path: Path) -> None:
        good = Path(str(resources.files("foedus").joinpath("books", "nato.toml")))
        bad = tmp_path / "bad.toml"
        bad.write_text(good.read_text("utf-8").replace('kind = "defense"', 'kind = "x"'))
        answer = foedus.check_books([good, bad])
        assert answer.to_json() == _cli_json("book", "check", str(good), str(bad))
        assert [f.ok for f in answer.files] == [True, False]


@pytest.mark.usefixtures("store_home")
class TestCrisisAnswersEqualTheCommandLine:
    """Byte for byte: the verb's answer printed as the CLI prints it is the CLI's stdout."""

    @pytest.mark.parametrize(("scenario", "extra"), [
        ("baltic-estonia-2024.toml", ()),  # NMC carried forward: typed records
        ("article5-2001.toml", ()),  # a non-state attacker, no verdict
        ("nato-central-front-1983.toml", ("--as-of", "1983-06-01")),
    ])
    def test_simulate(self, scenario: str, extra: tuple[str, ...]) -> None:
        import datetime as dt

        path = SCENARIOS / scenario
        as_of = dt.date.fromisoformat(extra[1]) if extra else None
        answer = foedus.simulate(path, draws=300, seed=11, as_of=as_of)
        assert isinstance(answer, foedus.crisis.answer.SimulateAnswer)
        assert answer.draws == 300 and answer.seed == 11
        assert _printed(answer) == _cli_text("simulate", str(path), "--draws", "300",
                                             "--seed", "11", *extra)

    def test_simulate_carries_typed_provenance(self) -> None:
        answer = foedus.simulate(SCENARIOS / "baltic-estonia-2024.toml", draws=50, seed=1)
        carried = answer.provenance.carried_forward
        assert carried and carried[0].dataset == "nmc_7" and carried[0].last_day.year == 2022
        assert answer.provenance.engine_version == answer.parameters["engine_version"]

    def test_sweep(self) -> None:
        path = SCENARIOS / "baltic-estonia-2024.toml"
        answer = foedus.sweep(path, {"challenger.value": [0.5, 2]}, draws=200, seed=5)
        assert [p.parameters for p in answer.points] == [{"challenger.value": 0.5},
                                                         {"challenger.value": 2}]
        assert _printed(answer) == _cli_text("sweep", str(path), "--grid",
                                             "challenger.value=0.5,2", "--draws", "200",
                                             "--seed", "5")
        as_strings = foedus.sweep(path, ["challenger.value=0.5,2"], draws=200, seed=5)
        assert as_strings.to_json() == answer.to_json()


@pytest.mark.usefixtures("store_home")
class TestCounterfactualAnswersEqualTheCommandLine:
    def test_compare(self) -> None:
        base, alt = SCENARIOS / "baltic-estonia-2024.toml", SCENARIOS / "us-withdrawal-2024.toml"
        answer = foedus.compare(base, alt, draws=200, seed=4)
        assert answer.base.scenario.base is None
        assert answer.alt.scenario.base == "baltic-estonia-2024.toml"
        assert set(answer.diff.events) == set(answer.base.events) & set(answer.alt.events)
        assert _printed(answer) == _cli_text("compare", str(base), str(alt), "--draws",
                                             "200", "--seed", "4")

    def test_library(self, tmp_path: Path) -> None:
        import shutil

        for name in ("baltic-estonia-2024.toml", "us-withdrawal-2024.toml",
                     "article5-2001.toml"):
            shutil.copy(SCENARIOS / name, tmp_path / name)
        answer = foedus.case_library(tmp_path, draws=200, seed=4)
        assert [c.case for c in answer.cases] == ["article5-2001", "baltic-estonia-2024",
                                                  "us-withdrawal-2024"]
        withdrawal = answer.cases[2]
        assert withdrawal.vs_base is not None
        assert withdrawal.vs_base.p_deterred == pytest.approx(
            withdrawal.p_deterred - answer.cases[1].p_deterred)
        assert answer.sensitivity is None and "sensitivity" not in answer.to_json()
        assert _printed(answer) == _cli_text("library", str(tmp_path), "--draws", "200",
                                             "--seed", "4")

    def test_library_sensitivity(self, tmp_path: Path) -> None:
        import shutil

        cases, plots = tmp_path / "cases", tmp_path / "plots"
        cases.mkdir()
        shutil.copy(SCENARIOS / "baltic-estonia-2024.toml", cases)
        answer = foedus.case_library(cases, draws=20, seed=2, sensitivity=True)
        from foedus.crisis.library import SENSITIVITY

        sweeps = answer.sensitivity["baltic-estonia-2024"]
        assert {k: [p.value for p in v] for k, v in sweeps.items()} == SENSITIVITY
        assert _printed(answer) == _cli_text("library", str(cases), "--draws", "20",
                                             "--seed", "2", "--sensitivity", str(plots))


@pytest.mark.slow
@pytest.mark.usefixtures("store_home")
def test_credibility_fit(tmp_path: Path) -> None:
    """A quick refit (two folds, a short chain: the hidden options) both ways; only the
    wall times (``diagnostics``' ``*seconds``) differ."""
    quick = {"folds": 2, "steps": 50, "warmup": 20, "samples": 20, "chains": 1}
    answer = foedus.credibility_fit(seed=1, out=tmp_path / "a.json", **quick)
    cli = json.loads(_cli_text("credibility", "fit", "--seed", "1", "--out",
                               str(tmp_path / "a.json"),
                               *(x for k, v in quick.items() for x in (f"--{k}", str(v)))))
    body = answer.to_json()
    assert body["saved"] == str(tmp_path / "a.json") and body["shipped"] == answer.shipped
    for side in (body, cli):
        timed = [k for k in side["diagnostics"] if k.endswith("seconds")]
        assert "seconds" in timed
        side["diagnostics"].update(dict.fromkeys(timed, 0))
    assert json.dumps(body, indent=2) == json.dumps(cli, indent=2)


def test_data_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builds differ only in their wall time."""
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path / "a"))
    cli = _cli_json("data", "build")
    answer = foedus.build_store().to_json()
    assert {**answer, "seconds": 0} == {**cli, "seconds": 0}
