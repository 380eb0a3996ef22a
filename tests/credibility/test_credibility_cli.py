"""``foedus credibility`` and ``obligations --credibility`` as a user meets them, and one
real refit (``credibility fit``) checked against the shipped model."""

from __future__ import annotations

import json

import pytest

from helpers import run_cli, schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


def test_json_answer_with_interval_and_support() -> None:
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
    assert art5[0]["support"]["prior_dominated"] and art5[0]["support"]["cases"] == 0
    assert payload["model"]["spec"] in ("literature", "pooled_rate")
    assert payload["model"]["shipped_because"]


def test_text_leads_with_the_interval_and_states_the_support() -> None:
    proc = run_cli("credibility", "--ally", "USA", "--partner", "EST", "--as-of",
                   "2024-07-01", "--against", "RUS")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    line = text[text.index("Article 5"):] if "Article 5" in text else text
    assert line.index("90% interval [") < line.index("mean")
    assert "prior-dominated" in text and "no case in the record" in text


def test_obligations_with_credibility() -> None:
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
                   "2024-07-01", "--credibility", "--json")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("obligations").iter_errors(payload))
    scored = [o for o in payload["obligations"] if o.get("probability") is not None]
    assert scored and all(o["support"]["cases"] == 0 for o in scored
                          if o["treaty"]["id"] == "book:nato")
    text = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
                   "2024-07-01", "--credibility")
    assert text.returncode == 0 and "credibility support:" in text.stdout


def test_requires_ally_and_partner() -> None:
    assert run_cli("credibility", "--ally", "USA").returncode == 2


@pytest.mark.slow
def test_refit_validates_and_agrees_with_the_shipped_model(tmp_path) -> None:
    """One real refit: schema, the rule, and the same answer as the shipped model up to
    sampling noise (draws are not bit-exact across machines)."""
    import datetime as dt

    import numpy as np
    from scipy.special import expit

    from foedus.credibility import load, log_odds_draws, pledge_features
    from foedus.credibility.validation import beats

    path = tmp_path / "fitted.json"
    proc = run_cli("credibility", "fit", "--json", "--out", str(path), timeout=1500)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("credibility-fit").iter_errors(payload))
    assert payload["cases"]["casus_foederis_none"] > 0
    refit, shipped = load(path), load()
    ok, _ = beats(refit.validation["literature"])
    assert payload["shipped"] == refit.spec == ("literature" if ok else "pooled_rate")
    assert refit.spec == shipped.spec and refit.n == shipped.n
    for scheme in ("war", "treaty"):
        for spec in ("literature", "pooled_rate"):
            a = refit.validation[spec][scheme]["scores"]["all"]["model"]["log_score"]
            b = shipped.validation[spec][scheme]["scores"]["all"]["model"]["log_score"]
            assert a == pytest.approx(b, abs=0.05)
    import pandas as pd

    rows = pd.DataFrame({"ally": [2, 365], "target": [366, 370], "kind": ["defense"] * 2,
                         "treaty": ["book:nato", "book:russia_belarus"],
                         "obligation": ["art5", "union_state.defense"],
                         "date": [dt.date(2024, 7, 1)] * 2, "attackers": [(365,), ()]})
    f = pledge_features(rows)
    p_new = expit(log_odds_draws(refit, f)).mean(axis=0)
    p_old = expit(log_odds_draws(shipped, f)).mean(axis=0)
    assert np.allclose(p_new, p_old, atol=0.04)
