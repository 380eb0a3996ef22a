"""The Python API checks what the command line checks (issue 20 items 1 and 3): years
against each source's coverage (``reliability_answer``/``reliability_cases`` default to the
war source's last year and refuse an end past it; ``make_panel`` refuses years outside COW
system membership and flags years carried past it), and a case library in which one file
fails costs only that file (``library_answer``'s ``failed``). Real store, real files.

A file that loads but fails while it is run: two attacks in which one attack's target is
the other's attacker (Russia attacks Estonia, Belarus attacks Russia) pass the scenario's
checks, and the compilation refuses them (``the target (365) is also an attacker``) when
it asks which pledges the attack on Russia triggers.
"""

from __future__ import annotations

import json

import pytest

from foedus.errors import DateOutOfRangeError
from foedus.registry import dataset

pytestmark = pytest.mark.slow

SCENARIO = 'name = "item"\ndate = 2024-07-01\ndraws = 100\nseed = 1\n' \
           '[[attack]]\nattacker = "RUS"\ntarget = "EST"\n'
#: loads (load_scenario), fails in its compilation
FAILS_IN_RUN = SCENARIO + '[[attack]]\nattacker = "BLR"\ntarget = "RUS"\n'


def test_library_answer_keeps_the_good_cases_and_names_the_failed_files(
        store_home, tmp_path) -> None:
    from foedus.crisis.answer import library_answer
    from foedus.crisis.scenario import load_scenario

    good, bad, other, run = (tmp_path / "a-good.toml", tmp_path / "b-bad.toml",
                             tmp_path / "c-good.toml", tmp_path / "d-fails-in-run.toml")
    good.write_text(SCENARIO, "utf-8")
    bad.write_text("name = \n", "utf-8")
    other.write_text(SCENARIO.replace("seed = 1", "seed = 2"), "utf-8")
    run.write_text(FAILS_IN_RUN, "utf-8")
    assert len(load_scenario(run)[1]) == 2  # it loads: the failure is in its run
    body = library_answer(tmp_path, draws=100).to_json()
    assert [c["case"] for c in body["cases"]] == ["a-good", "c-good"]
    assert list(body["failed"]) == [str(bad), str(run)]
    assert body["failed"][str(bad)].startswith(f"{bad}:1: TOML syntax error")
    assert body["failed"][str(run)] == (f"{run}: the target (365) is also an attacker: a "
                                        "state does not attack itself.")
    assert not any("\n" in why for why in body["failed"].values())
    # the good cases are the ones a library of them alone gives (same seed, same draws)
    clean = library_answer([good, other], draws=100).to_json()
    assert "failed" not in clean  # a clean run's JSON has no such key
    assert clean["cases"] == body["cases"]
    json.dumps(body)  # serialisable as it stands


def test_reliability_ends_at_the_sources_last_year_by_default(store_home) -> None:
    from foedus.reliability.answer import reliability_answer, reliability_cases

    cow = dataset("cow_wars").last_year
    assert cow == 2003
    by_default = reliability_cases(start=1990).to_json()["cases"]
    assert by_default == reliability_cases(start=1990, end=cow).to_json()["cases"]
    assert by_default and max(c["year"] for c in by_default) <= cow
    mid = dataset("midb").last_year
    assert reliability_cases(source="mid", start=2005).to_json()["cases"] == \
        reliability_cases(source="mid", start=2005, end=mid).to_json()["cases"]
    answer = reliability_answer(start=1990)  # was end=2010 with the COW wars: past them
    assert all(0 <= r.rate <= 1 for r in answer.rates.ally_partner_war if r.rate is not None)


@pytest.mark.parametrize("call", ["reliability_answer", "reliability_cases"])
def test_reliability_refuses_an_end_past_the_source(store_home, call) -> None:
    from foedus.reliability import answer as module

    fn = getattr(module, call)
    with pytest.raises(DateOutOfRangeError, match=r"\(2010\) is past the data: .*2003.*"
                       r"use end=2003 or source='mid'"):
        fn(start=1990, end=2010)
    with pytest.raises(DateOutOfRangeError, match=r"is before 'start'"):
        fn(start=1990, end=1980)


def test_make_panel_checks_coverage_as_the_cli(store_home, tmp_path) -> None:
    from foedus.panels.answer import make_panel

    system = dataset("cow_system")
    out = tmp_path / "p.csv"
    with pytest.raises(DateOutOfRangeError, match=rf"2100 is past the data: .*"
                       rf"to {system.horizon.year}"):
        make_panel("state_year", 2010, 2100, out=out)
    with pytest.raises(DateOutOfRangeError, match=r"1700 is before the data"):
        make_panel("dyad_year", 1700, 1820, out=out)
    assert list(tmp_path.iterdir()) == []  # refused before any work: no file, no temporary
    inside = make_panel("state_year", 1816, 1817, out=out)
    assert inside.to_json()["provenance"].get("carried_forward") is None
    end = system.last_year + 2
    carried = make_panel("state_year", system.last_year, end, out=out).to_json()
    assert carried["provenance"]["carried_forward"] == [{
        "dataset": "cow_system", "last_day": system.last_day.isoformat(),
        "what": f"the state system of {system.last_year} carried forward to {end} (the "
                "panel's rows)"}]


def test_library_sensitivity_sweeps_only_the_cases_that_ran(store_home, tmp_path) -> None:
    from foedus.crisis import fitted
    from foedus.crisis.answer import library_answer
    from foedus.crisis.library import SENSITIVITY

    good, run = tmp_path / "a-good.toml", tmp_path / "b-fails-in-run.toml"
    good.write_text(SCENARIO, "utf-8")
    run.write_text(FAILS_IN_RUN, "utf-8")
    body = library_answer(tmp_path, draws=100, sensitivity=True).to_json()
    assert [c["case"] for c in body["cases"]] == ["a-good"]
    assert list(body["failed"]) == [str(run)]
    assert list(body["sensitivity"]) == ["a-good"]
    assert {k: len(v) for k, v in body["sensitivity"]["a-good"].items()} == {
        k: len(v) for k, v in SENSITIVITY.items()}
    # the file states no [challenger] value (once a TypeError): its stakes are scaled from
    # the range its run uses, the shipped fit's
    lo, hi = fitted.load()["decision"]["value"]
    assert [p["setting"] for p in body["sensitivity"]["a-good"]["challenger.value"]] == [
        [lo * f, hi * f] for f in SENSITIVITY["challenger.value"]]
