"""``foedus obligations`` and ``foedus book check`` as a user meets them."""

from __future__ import annotations

import json

import pytest

import foedus

from helpers import assert_one_line_error, run_cli, schema_validator


@pytest.mark.usefixtures("store_home")
def test_json_answer_validates_and_says_its_date() -> None:
    payload = foedus.obligations(["RUS"], "EST", as_of="2010-05-01").to_json()
    assert not list(schema_validator("obligations").iter_errors(payload))
    assert payload["as_of"] == "2010-05-01" == payload["provenance"]["as_of"]
    assert payload["view"] == "legal" == payload["provenance"]["view"]
    nato = [o for o in payload["obligations"] if o["treaty"]["id"] == "book:nato"
            and o["kind"] == "defense"]
    assert {o["state"]["iso3"] for o in nato} >= {"USA", "GBR", "DEU", "LVA"}
    assert payload["event"]["target"] == {"cow": 366, "iso3": "EST", "abb": "EST",
                                          "name": "Estonia"}


@pytest.mark.usefixtures("store_home")
def test_default_date_is_today_and_printed() -> None:
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "(today" in proc.stderr
    assert json.loads(proc.stdout)["as_of"] in proc.stderr


@pytest.mark.usefixtures("store_home")
def test_text_answer_groups_states() -> None:
    proc = run_cli("obligations", "--attacker", "nonstate:al-Qaeda", "--target", "USA",
                   "--as-of", "2001-09-11", env={"COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "North Atlantic Treaty, Art. 5" in proc.stdout and "18 states:" in proc.stdout


@pytest.mark.usefixtures("store_home")
@pytest.mark.parametrize(("args", "needle"), [
    (["--attacker", "RUS", "--target", "Narnia", "--as-of", "2020-01-01"], "Narnia"),
    (["--attacker", "RUS", "--target", "EST", "--as-of", "2020-01-01", "--place", "Atlantis"],
     "Atlantis"),
    (["--attacker", "RUS", "--target", "EST", "--as-of", "1700-01-01"], "before 1815"),
    (["--attacker", "RUS", "--target", "EST", "--as-of", "2020-13-01"], "not a date"),
    (["--attacker", "RUS", "--target", "EST", "--as-of", "2020-01-01", "--view", "atop"],
     "ends on 2018-12-31"),
])
def test_bad_input_is_one_line(args, needle) -> None:
    assert_one_line_error(run_cli("obligations", *args), needle)


def test_unknown_domain_is_a_malformed_command_line() -> None:
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--domain", "mind")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_book_check_ok_and_errors(tmp_path) -> None:
    from importlib import resources

    good = resources.files("foedus").joinpath("books", "nato.toml")
    ok = run_cli("book", "check", str(good))
    assert ok.returncode == 0 and "ok" in ok.stdout
    text = good.read_text("utf-8").replace('kind = "defense"', 'kind = "defence"')
    text = text.replace('response = "consult"', 'response = "pray"')
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    proc = run_cli("book", "check", str(bad))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2  # every schema error, each on its own line
    assert lines[0].startswith(f"{bad}:") and "obligations[0].kind" in lines[0]
    assert "obligations[1].response" in lines[1]
    twice = tmp_path / "twice.toml"
    twice.write_text(good.read_text("utf-8").replace('state = "LTU"', 'state = "LVA"')
                     .replace('host = "EST"', 'host = "Atlantis"', 1))
    lines = run_cli("book", "check", str(twice)).stderr.strip().splitlines()
    assert len(lines) == 2 and "members[23].state" in lines[0]
    assert "forward_forces[0].host" in lines[1]
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\nname = "unterminated\n')
    proc = run_cli("book", "check", str(broken))
    assert proc.returncode == 1 and f"{broken}:2: TOML syntax error" in proc.stderr


@pytest.mark.usefixtures("store_home")
def test_credibility_of_every_obligation_in_an_answer() -> None:
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
                   "2024-07-01", "--credibility", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("obligations").iter_errors(payload))
    for o in payload["obligations"]:
        if o["kind"] == "consultation":
            assert o["probability"] is None
        else:
            lo, hi = o["probability_interval"]
            assert 0 <= lo <= o["probability"] <= hi <= 1


@pytest.mark.usefixtures("store_home")
def test_credibility_in_text_answer() -> None:
    """The text answer prints each scored state's interval, then its probability, the same
    as the JSON one."""
    args = ("obligations", "--attacker", "CHN", "--target", "PHL", "--as-of", "2024-07-01",
            "--credibility")
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    us = [o for o in json.loads(run_cli(*args, "--json").stdout)["obligations"]
          if o["state"]["cow"] == 2 and o["kind"] == "defense"]
    assert len(us) == 1
    from foedus.cli.output import probability

    lo, hi = us[0]["probability_interval"]
    text = " ".join(proc.stdout.split())
    # two decimals, more where two would print a certainty (a lower end of 0.003 is not 0)
    assert (f"United States of America (P [{probability(lo, 2)}, {probability(hi, 2)}], "
            f"mean {probability(us[0]['probability'], 2)})") in text
    assert "[0.00," not in text


@pytest.mark.usefixtures("store_home")
def test_book_check_reports_undecided_overlaps_and_checks_crosswalk_and_history(
        tmp_path) -> None:
    from importlib import resources

    books = resources.files("foedus").joinpath("books")
    nato = str(books.joinpath("nato.toml"))
    shipped = books.joinpath("crosswalk.toml").read_text("utf-8")
    ok = run_cli("book", "check", nato, str(books.joinpath("crosswalk.toml")),
                 str(books.joinpath("history", "franco_russian_1892.toml")),
                 env={"COLUMNS": "300"})
    assert ok.returncode == 0, ok.stderr
    assert "crosswalk: " in ok.stdout and "historical book for ATOP 1385" in ok.stdout
    # without the WEU decision, NATO's book reports the Brussels Treaty
    start = shipped.index('[[decisions]]\ntreaty = "atop:3180"')
    stripped = tmp_path / "cw.toml"
    stripped.write_text(shipped[:start] + shipped[shipped.index("[[decisions]]", start + 5):])
    proc = run_cli("book", "check", nato, "--crosswalk", str(stripped))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{nato}:10: atopids: atop:3130")
    assert "no crosswalk decision" in lines[0]
    # a crosswalk naming a treaty that does not exist
    bad = tmp_path / "bad.toml"
    bad.write_text(shipped.replace('other = "atop:3130"', 'other = "atop:99999"'))
    proc = run_cli("book", "check", str(bad))
    assert proc.returncode == 1 and "decisions[2].other: no treaty 'atop:99999'" in proc.stderr
    # a historical entry giving content for a condition ATOP does not code
    history = tmp_path / "h.toml"
    history.write_text(books.joinpath("history", "franco_russian_1892.toml").read_text("utf-8")
                       .replace('kinds = ["defense"]', 'kinds = ["consultation"]'))
    proc = run_cli("book", "check", str(history))
    assert proc.returncode == 1 and f"{history}:" in proc.stderr
    assert "conditions[0].kinds" in proc.stderr
