"""``foedus reliability`` as a user meets it."""

from __future__ import annotations

import json

import pytest

from helpers import assert_one_line_error, run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


def test_cases_json_validates() -> None:
    proc = run_cli("reliability", "--cases", "--from", "1914", "--to", "1914", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("reliability-cases").iter_errors(payload))
    russia = [c for c in payload["cases"] if c["target"]["cow"] == 220 and c["ally"]["cow"] == 365
              and c["kind"] == "defense"]
    assert russia and russia[0]["honoured"] is True and russia[0]["war"] == "cow:106"


def test_rates_json_has_the_published_comparisons() -> None:
    proc = run_cli("reliability", "--json", "--by", "era,kind")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("reliability").iter_errors(payload))
    sources = {c["source"] for c in payload["comparisons"]}
    assert sources == {"Leeds, Long & Mitchell 2000", "Berkemeier & Fuhrmann 2018"}
    assert all(0 <= r["rate"] <= 1 for r in payload["rates"] if r["rate"] is not None)


def test_bad_input() -> None:
    assert_one_line_error(run_cli("reliability", "--from", "1950", "--to", "1900"), "before")
    assert run_cli("reliability", "--source", "acled").returncode == 2
    assert run_cli("reliability", "--by", "colour").returncode == 2
