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


def test_data_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builds differ only in their wall time."""
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path / "a"))
    cli = _cli_json("data", "build")
    answer = foedus.build_store().to_json()
    assert {**answer, "seconds": 0} == {**cli, "seconds": 0}
