"""``foedus credibility`` as a user meets it."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


def test_json_answer() -> None:
    proc = run_cli("credibility", "--ally", "USA", "--partner", "EST", "--as-of",
                   "2024-07-01", "--against", "RUS", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("credibility").iter_errors(payload))
    assert payload["ally"]["cow"] == 2 and payload["partner"]["cow"] == 366
    art5 = [p for p in payload["pledges"] if p["treaty"]["id"] == "book:nato"
            and p["kind"] == "defense"]
    assert len(art5) == 1
    lo, hi = art5[0]["probability_interval"]
    assert 0 <= lo <= art5[0]["probability"] <= hi <= 1
    assert art5[0]["up"] and art5[0]["down"]
    assert 0.5 < payload["model"]["metrics"]["auc"] <= 1


def test_requires_ally_and_partner() -> None:
    assert run_cli("credibility", "--ally", "USA").returncode == 2
