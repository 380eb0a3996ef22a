"""``foedus reliability`` as a user meets it."""

from __future__ import annotations

import json

import pytest

from helpers import assert_one_line_error, run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


@pytest.mark.slow
def test_cases_json_validates() -> None:
    proc = run_cli("reliability", "--cases", "--from", "1914", "--to", "1914", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("reliability-cases").iter_errors(payload))
    france = [c for c in payload["cases"] if c["target"]["cow"] == 365
              and c["ally"]["cow"] == 220 and c["kind"] == "defense"]
    assert france and france[0]["outcome"] == "joined_partner" and france[0]["war"] == "cow:106"
    assert not [c for c in payload["cases"] if c["target"]["cow"] == 200
                and c["kind"] == "defense"]  # the United Kingdom joined; it was not attacked


@pytest.mark.slow
def test_rates_json_has_both_units_and_the_published_definitions() -> None:
    proc = run_cli("reliability", "--json", "--by", "era,kind")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("reliability").iter_errors(payload))
    assert payload["rates"]["ally_partner_war"] and payload["rates"]["alliance_war"]["llm"]
    comps = {(c["source"], c["definition"]): c for c in payload["comparisons"]}
    defence = {d: c["published"] for (s, d), c in comps.items() if "defence obligation" in d}
    assert sorted(defence.values()) == [0.14, 0.412, 0.61]
    llm = [c for (s, _), c in comps.items() if s.startswith("Leeds")]
    assert llm[0]["published"] == 0.745 and "1816-1944" in llm[0]["definition"]
    assert payload["excluded"]["casus_foederis_none"] > 0
    assert {r["window_days"] for r in payload["window_sensitivity"]} == {7, 30, 90, 180, 365,
                                                                         None}


@pytest.mark.slow
def test_bad_input() -> None:
    assert_one_line_error(run_cli("reliability", "--from", "3000"), "--from 3000",
                          "outside the record")
    assert_one_line_error(run_cli("reliability", "--from", "-5"), "--from -5")
    assert_one_line_error(run_cli("reliability", "--from", "1950", "--to", "1900"), "before")
    assert_one_line_error(run_cli("reliability", "--window", "-1"), "--window")
    assert run_cli("reliability", "--source", "acled").returncode == 2
    assert run_cli("reliability", "--by", "colour").returncode == 2
