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
    metrics = payload["model"]["metrics"]
    assert 0 <= metrics["auc"] <= 1
    assert metrics["brier_test_base"] == pytest.approx(
        metrics["rate_test"] * (1 - metrics["rate_test"]))


def test_requires_ally_and_partner() -> None:
    assert run_cli("credibility", "--ally", "USA").returncode == 2


@pytest.mark.slow
def test_fit_json_validates_and_states_the_baselines() -> None:
    proc = run_cli("credibility", "fit", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("credibility-fit").iter_errors(payload))
    assert {"brier", "brier_base", "brier_test_base"} <= set(payload["metrics"])
    assert payload["cases"]["casus_foederis_none"] > 0
