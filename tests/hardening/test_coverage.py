"""Dates and years against each source's coverage, command by command (issue 20 item 1;
the table in ``docs/cli.md``): inside the coverage an answer, past the end either the
value carried forward with its flag or a one-line refusal naming the coverage, before the
start a one-line refusal. Every run is a real subprocess against the session's store."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from foedus.errors import DateOutOfRangeError
from foedus.registry import CARRY_YEARS, check_day, check_years, dataset

from helpers import assert_one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "baltic-estonia-2024.toml"
ATOP = dataset("atop_members")
HORIZON = ATOP.horizon  # 2028-12-31: ATOP's last year and CARRY_YEARS


def _scenario(date: str) -> str:
    return (f'name = "coverage"\ndate = {date}\ndraws = 100\nseed = 1\n'
            '[[attack]]\nattacker = "RUS"\ntarget = "EST"\n')


def _files(folder: Path) -> dict[str, Path]:
    """A scenario inside the coverage, one past the horizon, one before ATOP begins; and a
    case library of a good file beside the one past the horizon."""
    made = {}
    for name, date in (("inside", "2010-07-01"), ("past", "9999-12-31"),
                       ("before", "1700-01-01")):
        made[name] = folder / f"{name}.toml"
        made[name].write_text(_scenario(date), "utf-8")
    for where in ("past", "before"):
        lib = folder / f"library-{where}"
        lib.mkdir()
        (lib / "a-good.toml").write_text(_scenario("2010-07-01"), "utf-8")
        (lib / f"b-{where}.toml").write_text(made[where].read_text("utf-8"), "utf-8")
        made[f"library-{where}"] = lib
    return made


def _jobs(f: dict[str, Path], out: Path) -> dict[tuple[str, str], tuple[str, ...]]:
    ob = ("obligations", "--attacker", "RUS", "--target", "EST", "--json", "--as-of")
    cr = ("credibility", "--ally", "USA", "--partner", "EST", "--json", "--as-of")
    sim = ("simulate", str(SCENARIO), "--draws", "200", "--json", "--as-of")
    grid = ("--grid", "challenger.value=0.5,2", "--draws", "100", "--json")
    panel = ("panel", "state-years", "--out", str(out / "p.csv"), "--json", "--years")
    return {
        ("obligations", "inside"): (*ob, "2010-07-01"),
        ("obligations", "carried"): (*ob, "2026-07-01"),
        ("obligations", "past"): (*ob, "9999-12-31"),
        ("obligations", "before"): (*ob, "1700-01-01"),
        ("credibility", "inside"): (*cr, "2010-07-01"),
        ("credibility", "carried"): (*cr, "2026-07-01"),
        ("credibility", "past"): (*cr, str(HORIZON + dt.timedelta(days=1))),
        ("credibility", "before"): (*cr, "1700-01-01"),
        ("summary", "inside"): ("summary", "--year", "2000", "--json"),
        ("summary", "past"): ("summary", "--year", "2019"),
        ("summary", "before"): ("summary", "--year", "1815"),
        ("panel", "inside"): (*panel, "1816-1820"),
        ("panel", "carried"): (*panel, "2015-2018"),
        ("panel", "past"): (*panel, "2010-2100"),
        ("panel", "before"): (*panel, "1700-1820"),
        ("burden", "inside"): ("burden", "--years", "2014-2016", "--json"),
        ("burden", "default-nato"): ("burden", "--series", "nato", "--json"),
        ("burden", "past"): ("burden", "--years", "2014-2100"),
        ("burden", "before"): ("burden", "--years", "1940-1950"),
        ("reliability", "inside"): ("reliability", "--cases", "--from", "1914", "--to",
                                    "1914", "--json"),
        ("reliability", "past"): ("reliability", "--to", "2010"),
        ("reliability", "before"): ("reliability", "--from", "1700"),
        ("simulate", "inside"): (*sim, "2017-07-01"),
        ("simulate", "past"): (*sim, "9999-12-31"),
        ("simulate", "before"): (*sim, "1700-01-01"),
        ("simulate", "file-past"): ("simulate", str(f["past"])),
        ("sweep", "inside"): ("sweep", str(f["inside"]), *grid),
        ("sweep", "past"): ("sweep", str(f["past"]), *grid),
        ("sweep", "before"): ("sweep", str(f["before"]), *grid),
        ("compare", "inside"): ("compare", str(f["inside"]), str(f["inside"]), "--draws",
                                "100", "--json"),
        ("compare", "past"): ("compare", str(f["inside"]), str(f["past"]), "--draws", "100"),
        ("compare", "before"): ("compare", str(f["before"]), str(f["inside"]), "--draws",
                                "100"),
        ("library", "past"): ("library", str(f["library-past"]), "--draws", "100", "--json"),
        ("library", "before"): ("library", str(f["library-before"]), "--draws", "100"),
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cli_env) -> dict:
    """Every run of the table, two at a time (the machine has two cores)."""
    folder = tmp_path_factory.mktemp("coverage")
    jobs = _jobs(_files(folder), folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(run_cli, *args, env=cli_env) for k, args in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def _answer(proc) -> dict:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


# --- the rule, on its own -------------------------------------------------------------------

def test_horizon_is_the_last_year_and_the_carry_years() -> None:
    # worked by hand: ATOP 5.1 ends on 2018-12-31, carried CARRY_YEARS (10) years
    assert (10, dt.date(2028, 12, 31)) == (CARRY_YEARS, HORIZON)
    assert check_day(ATOP.last_day, ("atop_members",)) == []
    assert check_day(ATOP.last_day + dt.timedelta(days=1), ("atop_members",)) == [ATOP]
    assert check_day(HORIZON, ("atop_members",)) == [ATOP]
    with pytest.raises(DateOutOfRangeError, match=r"covers 1815-2018, carried forward"):
        check_day(HORIZON + dt.timedelta(days=1), ("atop_members",))
    with pytest.raises(DateOutOfRangeError, match="before the data"):
        check_day(ATOP.first_day - dt.timedelta(days=1), ("atop_members",))


def test_years_without_carrying_stop_at_the_last_year() -> None:
    sipri = dataset("sipri_milex")
    assert check_years(sipri.first_year, sipri.last_year, ("sipri_milex",)) == []
    with pytest.raises(DateOutOfRangeError, match=f"{sipri.last_year + 1} is past"):
        check_years(2014, sipri.last_year + 1, ("sipri_milex",))
    with pytest.raises(DateOutOfRangeError, match=f"{sipri.first_year - 1} is before"):
        check_years(sipri.first_year - 1, 2000, ("sipri_milex",))
    with pytest.raises(DateOutOfRangeError, match="before 1900"):
        check_years(1900, 1850, ("sipri_milex",))
    # static data (no dates) bound nothing
    assert check_years(1, 9999, ("capdist",)) == []


# --- command by command: inside, past the end, before the start ---------------------------

@pytest.mark.slow
def test_obligations(runs) -> None:
    assert _answer(runs["obligations", "inside"])["provenance"].get("carried_forward") is None
    carried = _answer(runs["obligations", "carried"])["provenance"]["carried_forward"]
    assert [c["dataset"] for c in carried] == ["atop_members"]
    assert_one_line_error(runs["obligations", "past"], "9999-12-31", "1815-2018",
                          str(HORIZON))
    assert_one_line_error(runs["obligations", "before"], "before 1815")


@pytest.mark.slow
def test_credibility(runs) -> None:
    inside = _answer(runs["credibility", "inside"])
    assert inside["pledges"] and inside["provenance"].get("carried_forward") is None
    carried = _answer(runs["credibility", "carried"])  # an ATOP alliance among the pledges
    assert any(p["treaty"]["id"].startswith("atop:") for p in carried["pledges"])
    assert [c["dataset"] for c in carried["provenance"]["carried_forward"]] == [
        "atop_members"]
    assert_one_line_error(runs["credibility", "past"], "past the data", "1815-2018")
    assert_one_line_error(runs["credibility", "before"], "before 1815")


@pytest.mark.slow
def test_summary(runs) -> None:
    assert _answer(runs["summary", "inside"])["year"] == 2000
    # a year outside ATOP's directed dyads is refused by the option's range (exit 2)
    for where, bound in (("past", "2018"), ("before", "1816")):
        proc = runs["summary", where]
        assert proc.returncode == 2 and bound in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_panel(runs) -> None:
    assert _answer(runs["panel", "inside"])["provenance"].get("carried_forward") is None
    carried = _answer(runs["panel", "carried"])
    assert [c["dataset"] for c in carried["provenance"]["carried_forward"]] == ["cow_system"]
    assert any("carried forward" in n for n in carried["notes"])
    assert_one_line_error(runs["panel", "past"], "2100 is past", "1816-2016",
                          f"to {dataset('cow_system').horizon.year}")
    assert_one_line_error(runs["panel", "before"], "1700 is before", "1816-2016")


@pytest.mark.slow
def test_burden(runs) -> None:
    assert [y["year"] for y in _answer(runs["burden", "inside"])["years"]] == [2014, 2015,
                                                                                 2016]
    nato = dataset("nato_milex")  # the default span ends at the series' last year
    assert _answer(runs["burden", "default-nato"])["years"][-1]["year"] == nato.last_year
    assert_one_line_error(runs["burden", "past"], "2100 is past", "sipri_milex",
                          "1949-2024")
    assert_one_line_error(runs["burden", "before"], "1940 is before", "1949-2024")


@pytest.mark.slow
def test_reliability(runs) -> None:
    assert _answer(runs["reliability", "inside"])["cases"]
    assert_one_line_error(runs["reliability", "past"], "--to 2010 is past", "cow_wars",
                          "--source mid")
    assert_one_line_error(runs["reliability", "before"], "--from 1700")


@pytest.mark.slow
def test_simulate(runs) -> None:
    assert _answer(runs["simulate", "inside"])["as_of"] == "2017-07-01"
    assert_one_line_error(runs["simulate", "past"], "--as-of 9999-12-31", "1815-2018")
    assert_one_line_error(runs["simulate", "before"], "--as-of 1700-01-01", "before")
    assert_one_line_error(runs["simulate", "file-past"], "date: 9999-12-31 is past")


@pytest.mark.slow
def test_sweep(runs) -> None:
    assert len(_answer(runs["sweep", "inside"])["points"]) == 2
    assert_one_line_error(runs["sweep", "past"], "date: 9999-12-31 is past", "1815-2018")
    assert_one_line_error(runs["sweep", "before"], "date: 1700-01-01 is before")


@pytest.mark.slow
def test_compare(runs) -> None:
    assert _answer(runs["compare", "inside"])["base"]["draws"] == 100
    assert_one_line_error(runs["compare", "past"], "past.toml", "9999-12-31 is past")
    assert_one_line_error(runs["compare", "before"], "before.toml", "1700-01-01 is before")


@pytest.mark.slow
def test_library_runs_the_good_file_and_names_the_bad_one(runs) -> None:
    """A file past the coverage is one failed item: the others' results are printed, the
    bad file is the one line on stderr, exit 1."""
    past = runs["library", "past"]
    assert_one_line_error(past, "1 of 2 scenario files", "b-past.toml", "9999-12-31 is past")
    body = json.loads(past.stdout)
    assert [c["case"] for c in body["cases"]] == ["a-good"]
    assert any("b-past.toml" in n for n in body["notes"])
    before = runs["library", "before"]
    assert_one_line_error(before, "b-before.toml", "1700-01-01 is before")
    assert "a-good" in before.stdout


@pytest.mark.slow
def test_the_web_api_refuses_the_same_dates(store_home, tmp_path) -> None:
    """The web app calls the same functions: the same sentence, as a 422."""
    from fastapi.testclient import TestClient

    from foedus.web.app import create_app
    from web.live import lowered_settings

    past = str(HORIZON + dt.timedelta(days=1))
    cases = [
        ("/api/obligations", {"attacker": "RUS", "target": "EST", "as_of": "9999-12-31"},
         f"carried forward at most {CARRY_YEARS} years (to {HORIZON})"),
        ("/api/credibility", {"ally": "USA", "partner": "EST", "as_of": past},
         "past the data"),
        ("/api/network", {"as_of": "9999-12-31"}, "1815-2018"),
        ("/api/burden", {"years": "2014-2100"}, "2100 is past the data: SIPRI"),
        ("/api/burden", {"years": "2014-2024", "series": "nato"}, "covers 2012-2019"),
    ]
    with TestClient(create_app(lowered_settings(tmp_path)),
                    raise_server_exceptions=False) as client:
        for path, params, needle in cases:
            got = client.get(path, params=params)
            assert got.status_code == 422, (path, got.status_code, got.text)
            assert needle in got.json()["error"], (path, got.json())
        # without years, the series' own default span, as `foedus burden`
        default = client.get("/api/burden", params={"series": "nato"})
        assert default.status_code == 200, default.text
        assert [r["year"] for r in default.json()["years"]] == list(range(2014, 2020))
        inside = client.get("/api/obligations", params={
            "attacker": "RUS", "target": "EST", "as_of": str(HORIZON)})
        assert inside.status_code == 200, inside.text
        assert inside.json()["provenance"]["carried_forward"]
