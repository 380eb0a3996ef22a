"""The validation (``foedus.crisis.validate``) and the entrapment count
(``foedus.crisis.entrapment``) on data whose answers are known: scores worked by hand,
synthetic crises drawn from the model (the engine must beat the constant and the
capability ratio out of sample), and entrapment on hand-made profiles. The
general-deterrence layer's tests are in ``test_general.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from foedus.crisis import validate
from foedus.crisis.decision import WorldMoments
from foedus.crisis.fit import p_violence_cases

Q = 0.05
TRUE = {"value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 0.8,
        "nuclear_cost": 20.0, "scale": 0.4, "nuclear_value": 0.2}


class TestScores:
    def test_by_hand(self):
        """Two forecasts, 0.8 (it happened) and 0.4 (it did not): log score
        (ln 0.8 + ln 0.6)/2, Brier (0.04 + 0.16)/2, AUC 1."""
        s = validate.scores([0.8, 0.4], [1, 0])
        assert s["log_score"] == pytest.approx((math.log(0.8) + math.log(0.6)) / 2)
        assert s["brier"] == pytest.approx(0.1)
        assert s["auc"] == 1.0 and s["n"] == 2 and s["observed"] == 0.5
        assert [b["n"] for b in s["calibration"]] == [1, 1]

    def test_one_outcome_no_auc(self):
        s = validate.scores([0.2, 0.3], [0, 0])
        assert s["auc"] is None and s["log_score"] == pytest.approx(
            (math.log(0.8) + math.log(0.7)) / 2)

    def test_certain_and_wrong_is_clipped(self):
        assert validate.scores([0.0], [1])["log_score"] == pytest.approx(math.log(1e-6))

    def test_capability_logit_learns_a_monotone_relation(self):
        rng = np.random.default_rng(0)
        share = rng.uniform(0.05, 0.95, 4000)
        y = rng.random(4000) < share
        f = validate.capability_logit(share, y)
        p = f(np.array([0.1, 0.5, 0.9]))
        assert p[0] < p[1] < p[2]
        assert p == pytest.approx([0.1, 0.5, 0.9], abs=0.05)


def synthetic(n: int, seed: int) -> pd.DataFrame:
    """ICB-like worlds drawn from the engine's own model (one draw each: the world is
    certain), with years spread over 1920–2010 and a capability ratio that carries only
    part of the win margin (allies and nuclear weapons do the rest)."""
    rng = np.random.default_rng(seed)
    ratio = rng.uniform(0.05, 0.95, n)
    allies = rng.uniform(0, 0.8, n) * (rng.random(n) < 0.5)
    x = np.clip(2 * ratio - 1 - allies, -1, 1)
    k = rng.integers(0, 3, n)
    a = rng.random(n) < 0.3
    rows = []
    for i in range(n):
        m = WorldMoments.from_draws(np.array([x[i]]), np.array([k[i]]), np.array([a[i]]), 3)
        rows.append({"n": m.n, "sum_x": m.sum_x, "sum_xx": m.sum_xx, "sum_ax": m.sum_ax,
                     "count_k": m.count_k.tolist(), "x_k": m.x_k.tolist(),
                     "a_k": m.a_k.tolist(), "error": None, "grid": None,
                     "year": int(rng.integers(1920, 2011)), "capability_ratio": ratio[i],
                     "protectors": [1] if allies[i] > 0 else []})
    frame = pd.DataFrame(rows)
    pi = 1 - (1 - Q) ** k
    p = p_violence_cases(x, pi, a.astype(float), (k > 0).astype(float), TRUE, Q)
    return frame.assign(attacked=rng.random(n) < p)


@pytest.fixture(scope="module")
def immediate_result():
    return validate.immediate(synthetic(500, seed=3), split_year=1965, q=Q, seed=0)


class TestImmediate:
    @pytest.fixture
    def result(self, immediate_result):
        return immediate_result

    def test_the_true_model_beats_both_baselines_out_of_sample(self, result):
        """Data drawn from the engine's model: out of sample, its log score and Brier
        beat the constant's and the capability ratio's (which sees part of the margin)."""
        for block in (result["time_split"]["scores"]["all"],
                      result["leave_one_decade_out"]["scores"]["all"]):
            engine, constant, cap = (block[m] for m in ("engine", "constant",
                                                         "capability_ratio"))
            assert engine["log_score"] > cap["log_score"] > constant["log_score"]
            assert engine["brier"] < constant["brier"]
            assert engine["auc"] > cap["auc"]

    def test_splits(self, result):
        ts = result["time_split"]
        assert ts["train"]["cases"] + ts["test"]["cases"] == 500
        lo = result["leave_one_decade_out"]
        assert lo["cases"] == 500 and lo["folds"][0] == 1920
        by = lo["scores"]
        assert by["with_protector"]["engine"]["n"] + by["without_protector"]["engine"][
            "n"] == 500


class TestEntrapment:
    def test_expected_count_by_hand(self, store_home):
        """Two disputes: the United States holds a pledge to the first target and joins in
        3 of 4 coalition draws; the second target has no US pledge. With Pr(attack) 0.4
        and 0.9, the expected count is 0.4 × 0.75 = 0.3."""
        from foedus.crisis import entrapment

        joined = np.array([[1], [1], [1], [0]], bool)
        prof = {"targets": {(100, 1960): {"holders": np.array([2]), "treaty": ["t"],
                                          "joined": np.packbits(joined, axis=1), "n": 1},
                            (200, 1960): {"holders": np.array([], np.int64), "treaty": [],
                                          "joined": np.zeros((4, 0), np.uint8), "n": 0}},
                "treaties": {1960: {}}}
        pairs = pd.DataFrame({"dispute": [1, 2], "challenger": [365, 710],
                              "target": [100, 200], "year": [1960, 1960],
                              "us_participant": [True, False]})
        out = entrapment.expected(pairs, prof, {}, q=0.05, seed=0, simulations=4000,
                                  attack=np.array([0.4, 0.9]))
        assert out["expected"] == pytest.approx(0.3)
        assert out["disputes"] == 2 and out["us_joined_in_midb"] == 1
        assert out["expected_where_us_joined"] == pytest.approx(0.3)
        assert out["beckley"] == 5 and out["interval"] == [0.0, 1.0]


class TestFoldFit:
    """The approximate credibility refit inside the who-joins folds
    (``fit_frame(sampler="advi")``, :data:`foedus.crisis.validate.FOLD_FIT`) on a toy
    record whose slope is known: same choice rule, the ADVI posterior of all cases."""

    TRUE_SLOPE = -1.5

    @staticmethod
    def toy(n: int = 320, seed: int = 3):
        rng = np.random.default_rng(seed)
        treaty, war = rng.integers(0, 32, n), rng.integers(0, 16, n)
        distance = rng.normal(7.5, 1.0, n)
        kind = np.where(treaty % 3 == 0, "neutrality", "defense")
        eta = (0.3 + TestFoldFit.TRUE_SLOPE * (distance - 7.5)
               + rng.normal(0, 0.5, 32)[treaty] + rng.normal(0, 0.5, 16)[war])
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
        features = pd.DataFrame({
            "log_distance": distance, "treaty_level": [f"atop:{t}" for t in treaty],
            "ally": rng.integers(2, 40, n), "kind": kind,
            "era": np.where(war < 8, "pre-1945", "post-1945"),
            "cf_class": np.where(kind == "neutrality", "if_attacked", "unconditional"),
            "cinc_year_ally": 1900})
        return features, y, np.array([f"cow:{w}" for w in war])

    def test_advi_fold_fit_recovers_the_slope(self):
        from foedus.credibility import fit_frame

        features, y, war = self.toy()
        options = {**validate.FOLD_FIT, "steps": 800}
        m = fit_frame(features, y, war=war, seed=0, provenance={"datasets": []}, **options)
        assert m.diagnostics["sampler"] == "ADVI"
        assert m.diagnostics["steps"] == 800
        assert "chains" not in m.diagnostics
        assert m.spec == "literature" and len(m.draws) == options["keep"]
        slope = np.asarray(m.draws)[:, 1] / features["log_distance"].std(ddof=0)
        assert slope.mean() == pytest.approx(self.TRUE_SLOPE, abs=0.5)
        # the shipped draws are the ADVI fit of all cases the cross-validation made
        lit = {c["feature"]: c for c in m.coefficients_literature}
        assert lit["log_distance"]["posterior"] == "ADVI (all cases)"
        assert np.asarray(m.draws)[:, 1].mean() == pytest.approx(
            lit["log_distance"]["mean"], abs=0.1)

    def test_unknown_sampler(self):
        from foedus.credibility import fit_frame

        features, y, war = self.toy(n=40)
        with pytest.raises(ValueError, match="sampler"):
            fit_frame(features, y, war=war, sampler="gibbs")


class TestShips:
    """Which who-joins forecast ships: the best overall log score, saying where it loses."""

    @staticmethod
    def block(engine, constant, ratio, n=10):
        return {m: {"n": n, "log_score": v, "brier": -v / 4}
                for m, v in zip(("engine", "constant", "capability_ratio"),
                                (engine, constant, ratio), strict=True)}

    def test_the_engine_ships_when_it_wins_and_the_loss_is_named(self):
        model, why = validate.ships({"all": self.block(-0.39, -0.45, -0.44),
                                     "≤1945": self.block(-0.54, -0.74, -0.66),
                                     ">1945": self.block(-0.29, -0.27, -0.30)})
        assert model == "engine"
        assert "engine -0.390" in why and ">1945 (constant -0.270 against -0.290)" in why
        assert "≤1945" not in why and "does not beat" not in why

    def test_a_baseline_ships_when_the_engine_loses(self):
        model, why = validate.ships({"all": self.block(-0.59, -0.45, -0.44),
                                     ">1945": self.block(-0.2, -0.3, -0.3, n=0)})
        assert model == "capability_ratio"
        assert "does not beat the baselines" in why and ">1945" not in why


class TestJoins:
    """The who-joins backtest out of sample, on the real record, cut short (two folds,
    one group each, a light refit): its bookkeeping and its figures are consistent."""

    def test_two_folds(self, store_home):
        steps = []
        out = validate.joins(folds=2, draws=500, seed=0, limit=1,
                             fit_options={"folds": 2, "steps": 300},
                             progress=lambda i, n, label: steps.append((i, n, label)))
        assert out["folds"] == 2 and len(out["credibility_specs"]) == 2
        assert out["fit"]["sampler"] == "advi" and out["fit"]["steps"] == 300
        assert out["draws"] == 500
        # one fit step per fold, then one per group run (one per fold with limit=1)
        assert [s[0] for s in steps] == list(range(1, 5)) and steps[-1][1] == 4
        assert "credibility refitted" in steps[0][2]
        assert out["pairs"] == out["scores"]["all"]["engine"]["n"] > 0
        assert out["ships"] in ("engine", "constant", "capability_ratio")
        assert 0 <= out["neutrality_only"]["joined"] <= out["neutrality_only"]["pairs"] \
            <= out["pairs"]
        assert out["ships_because"].startswith(
            {"engine": "the engine's", "constant": "the constant",
             "capability_ratio": "the capability"}[out["ships"]])
        by_era = out["scores"]["≤1945"]["engine"]["n"] + out["scores"][">1945"]["engine"]["n"]
        assert by_era == out["pairs"]
        assert 0 <= out["monte_carlo_se"]["max"] <= 0.5 / math.sqrt(500) + 1e-12
        for era in out["scores"].values():
            for model in ("engine", "constant", "capability_ratio"):
                s = era[model]
                assert s["n"] == 0 or 0 <= s["brier"] <= 1
