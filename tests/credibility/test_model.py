"""The hierarchical credibility model on a toy record whose truth is known: the fit
recovers it, the cross-validation's constants are what they say, the rule picks what it
should, and new pledges get the draws they should. Statistical properties, not bit-exact
draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from foedus.credibility import (
    FittedModel,
    fit_frame,
    load,
    log_odds_draws,
    predict,
    save,
    support,
)
from foedus.credibility.validation import (
    beats,
    calibration_table,
    fold_weights,
    scores,
)
from foedus.errors import FoedusError

TRUE_DISTANCE = -1.5  # per SD of log_distance


def _toy(n: int = 320, seed: int = 3):
    """Cases in 32 treaties and 16 wars, two eras and two kinds; honour falls with
    distance (known slope) and varies by treaty and war (SD 0.5)."""
    rng = np.random.default_rng(seed)
    treaty = rng.integers(0, 32, n)
    war = rng.integers(0, 16, n)
    distance = rng.normal(7.5, 1.0, n)
    era = np.where(war < 8, "pre-1945", "post-1945")
    kind = np.where(treaty % 3 == 0, "neutrality", "defense")
    eta = (0.3 + TRUE_DISTANCE * (distance - 7.5) + rng.normal(0, 0.5, 32)[treaty]
           + rng.normal(0, 0.5, 16)[war])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    features = pd.DataFrame({
        "log_distance": distance, "treaty_level": [f"atop:{t}" for t in treaty],
        "ally": rng.integers(2, 40, n), "kind": kind, "era": era,
        "cf_class": np.where(kind == "neutrality", "if_attacked", "unconditional"),
        "cinc_year_ally": 1900})
    return features, y, np.array([f"cow:{w}" for w in war])


@pytest.fixture(scope="module")
def toy():
    features, y, war = _toy()
    fitted = fit_frame(features, y, war=war, seed=0, folds=4, steps=800, warmup=300,
                       samples=300, chains=1, keep=200, provenance={"datasets": []})
    return features, y, war, fitted


class TestFit:
    def test_the_literature_model_ships_when_it_beats_the_fold_rate(self, toy):
        _, _, _, m = toy
        ok, _ = beats(m.validation["literature"])
        assert ok and m.spec == "literature" and "beats" in m.shipped_because
        assert m.features == ["log_distance"] and len(m.draws) == 200

    def test_recovers_the_slope_and_the_spread(self, toy):
        features, _, _, m = toy
        slope = np.asarray(m.draws)[:, 1] / features["log_distance"].std(ddof=0)
        assert slope.mean() == pytest.approx(TRUE_DISTANCE, abs=0.5)
        assert np.percentile(slope, 5) < TRUE_DISTANCE < np.percentile(slope, 95)
        assert set(m.factors) == {"treaty", "war", "ally"}
        assert np.mean(m.factors["war"]["sd"]) < 1.5  # true 0.5, prior half-normal(1)

    def test_sampler_diagnostics(self, toy):
        d = toy[3].diagnostics
        assert d["sampler"] == "NUTS" and d["divergences"] >= 0
        assert d["r_hat_max"] < 1.1

    def test_held_out_scores_and_the_constants(self, toy):
        features, y, war, m = toy
        report = m.validation["literature"]["war"]
        got = report["scores"]["all"]
        # the constant at each held-out fold's own rate, worked independently
        weights = fold_weights(war, 4)
        brier = sum(((w == 0).sum() * y[w == 0].mean() * (1 - y[w == 0].mean()))
                    for w in weights) / len(y)
        assert got["fold_rate"]["brier"] == pytest.approx(brier)
        era_rate = {e: y[features["era"] == e].mean() for e in ("pre-1945", "post-1945")}
        for e, r in era_rate.items():
            assert report["scores"][e]["era_rate"]["brier"] == pytest.approx(r * (1 - r))
        assert got["model"]["auc"] > 0.75  # a strong covariate is found out of sample
        assert sum(c["n"] for c in report["calibration"]) == len(y)

    def test_a_model_that_loses_is_not_shipped(self):
        lose = {"war": {"scores": {"all": {"model": {"log_score": 0.5, "brier": 0.12},
                                            "fold_rate": {"log_score": 0.4, "brier": 0.13}}}}}
        ok, lines = beats(lose)
        assert not ok and "does not beat" in lines[0]

    def test_too_few_cases_of_a_kind(self):
        features, y, war = _toy(40)
        with pytest.raises(FoedusError, match="two honoured and two broken"):
            fit_frame(features, np.ones_like(y), war=war)


class TestDraws:
    def test_log_odds_draws_are_draws_by_pledges_and_repeatable(self, toy):
        features, _, _, m = toy
        eta = log_odds_draws(m, features.head(7))
        assert eta.shape == (200, 7)
        assert np.array_equal(eta, log_odds_draws(m, features.head(7)))

    def test_a_new_treaty_draws_from_the_treaty_distribution(self, toy):
        features, _, _, m = toy
        row = features.head(1)
        seen = log_odds_draws(m, row)[:, 0]
        new = log_odds_draws(m, row.assign(treaty_level="book:never_seen"))[:, 0]
        other = log_odds_draws(m, row.assign(treaty_level="book:another"))[:, 0]
        assert not np.allclose(new, seen) and not np.allclose(new, other)
        # the same unseen treaty gets the same draws whatever else is scored with it
        both = log_odds_draws(m, pd.concat([row.assign(treaty_level="book:another"),
                                            row.assign(treaty_level="book:never_seen")]))
        assert np.allclose(both[:, 1], new)

    def test_the_new_war_is_shared_within_a_draw(self, toy):
        features, _, _, m = toy
        two = pd.concat([features.head(1)] * 2, ignore_index=True)
        eta = log_odds_draws(m, two)
        assert np.allclose(eta[:, 0], eta[:, 1])
        sd = np.asarray(m.factors["war"]["sd"])
        assert eta[:, 0].std() > 0.5 * sd.mean()  # the war's spread is in the interval

    def test_predict_bounds_and_contributions(self, toy):
        features, _, _, m = toy
        extreme = features.head(3).assign(log_distance=[-50.0, 7.5, 50.0])
        p = predict(m, extreme)
        assert p[["probability", "lower", "upper"]].stack().between(0, 1).all()
        assert (p["lower"] <= p["upper"]).all()
        assert p["outside_record"].tolist()[0] == ["log_distance"]
        assert p["probability"].iloc[0] > p["probability"].iloc[2]  # the fitted sign
        assert "contrib_log_distance" in p

    def test_save_load_round_trip_and_old_format(self, toy, tmp_path):
        features, _, _, m = toy
        again = load(save(m, tmp_path / "model.json"))
        pd.testing.assert_frame_equal(predict(m, features.head(20)),
                                      predict(again, features.head(20)), atol=1e-4)
        old = tmp_path / "old.json"
        old.write_text('{"format_version": 1}')
        with pytest.raises(FoedusError, match="format 1"):
            load(old)


class TestSupport:
    def test_counts_the_profile_and_flags_an_empty_one(self, toy):
        features, y, _, m = toy
        rows = features.head(2).copy()
        rows.loc[rows.index[1], "cf_class"] = "location"
        got = support(m, rows)
        first = rows.iloc[0]
        same = (features["kind"] == first["kind"]) & (features["era"] == first["era"])
        profile = same & (features["cf_class"] == first["cf_class"])
        assert got[0]["cases"] == profile.sum() and got[0]["honoured"] == y[profile].sum()
        assert got[0]["cases_kind_era"] == same.sum() and not got[0]["prior_dominated"]
        assert got[1]["cases"] == 0 and got[1]["prior_dominated"]
        assert "not history's verdict" in got[1]["note"]


class TestScores:
    def test_known_values(self):
        s = scores([1, 0, 1, 0], [0.8, 0.2, 0.6, 0.4])
        assert s["brier"] == pytest.approx(0.1) and s["auc"] == 1.0
        assert s["log_score"] == pytest.approx(-(2 * np.log(0.8) + 2 * np.log(0.6)) / 4)

    def test_auc_with_ties_matches_sklearn(self):
        from sklearn.metrics import roc_auc_score

        rng = np.random.default_rng(0)
        y = rng.integers(0, 2, 200)
        p = rng.choice([0.1, 0.5, 0.9], 200)
        assert scores(y, p)["auc"] == pytest.approx(roc_auc_score(y, p))

    def test_a_constant_has_auc_one_half_and_brier_rate_times_one_minus_rate(self):
        y = np.array([1, 0, 0, 0])
        s = scores(y, np.full(4, 0.25))
        assert s["auc"] == 0.5 and s["brier"] == pytest.approx(0.25 * 0.75)

    def test_calibration_bins(self):
        table = calibration_table([1, 0, 1], [0.05, 0.15, 0.95])
        assert [c["n"] for c in table] == [1, 1, 1] and table[-1]["observed"] == 1.0

    def test_grouped_folds_hold_each_case_out_once_and_never_split_a_group(self):
        groups = np.repeat(np.arange(13), 3)
        w = fold_weights(groups, 10)
        assert w.shape == (10, 39) and ((w == 0).sum(axis=0) == 1).all()
        for fold in w:
            held = set(groups[fold == 0])
            assert held.isdisjoint(set(groups[fold > 0]))


def test_fitted_model_is_a_dataclass_of_json_values(toy):
    import json
    from dataclasses import asdict

    json.dumps(asdict(toy[3]), allow_nan=False)
    assert isinstance(toy[3], FittedModel)
