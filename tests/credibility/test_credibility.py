"""Tests of the credibility model: known coefficients, bounds, directions, persistence,
the real-data fit and the shipped coefficients."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from foedus.credibility import (
    FEATURES,
    case_counts,
    cases,
    credibility,
    fit,
    fit_frame,
    load,
    nuclear_states,
    pledge_features,
    plot_calibration,
    predict,
    save,
)


def _simulate(n: int, beta: dict[str, float], intercept: float, seed: int):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"log_distance": rng.normal(7.5, 1.0, n),
                      "forward_forces": rng.binomial(1, 0.3, n).astype(float),
                      "similarity": rng.uniform(-1, 1, n)})
    eta = intercept + sum(b * x[k] for k, b in beta.items())
    y = rng.random(n) < 1 / (1 + np.exp(-eta))
    years = rng.integers(1816, 2010, n)
    return x, y, years


TRUE = {"log_distance": -0.8, "forward_forces": 1.2, "similarity": 0.6}


@pytest.fixture(scope="module")
def synthetic():
    x, y, years = _simulate(20_000, TRUE, 6.0, seed=1)
    return x, fit_frame(x, y, years=years, split_year=1945, seed=0, n_boot=30,
                        provenance={"datasets": []})


class TestFit:
    def test_recovers_known_coefficients(self, synthetic):
        _, m = synthetic
        assert m.C >= 1.0  # little regularisation is chosen with this much data
        raw = np.asarray(m.coef) / np.asarray(m.scale)
        for name, b, est in zip(m.features, TRUE.values(), raw, strict=True):
            assert est == pytest.approx(b, abs=0.12), name
        # intercept in raw units
        raw_intercept = m.intercept - float(np.sum(raw * np.asarray(m.mean)))
        assert raw_intercept == pytest.approx(6.0, abs=1.0)

    def test_out_of_sample_metrics(self, synthetic):
        _, m = synthetic
        assert 0.6 < m.metrics["auc"] <= 1.0
        assert 0.0 <= m.metrics["brier"] < 0.25
        assert m.calibration and all(0 <= c["observed"] <= 1 for c in m.calibration)

    def test_bootstrap_intervals_cover(self, synthetic):
        _, m = synthetic
        coef = m.coefficients()
        assert (coef["lower"] <= coef["coef"]).all() and (coef["coef"] <= coef["upper"]).all()
        assert len(m.draws) == 30


class TestPredict:
    def test_probabilities_in_unit_interval(self, synthetic):
        x, m = synthetic
        extreme = pd.DataFrame({"log_distance": [-50.0, 0.0, 50.0], "forward_forces": [1, 0, 1],
                                "similarity": [1e6, -1e6, 0.0]})
        for frame in (x.head(500), extreme):
            p = predict(m, frame)
            assert p["probability"].between(0, 1).all()
            assert (p["lower"] <= p["upper"]).all()
            assert p[["lower", "upper"]].stack().between(0, 1).all()

    def test_moves_with_the_fitted_sign(self, synthetic):
        x, m = synthetic
        base = x.head(50).assign(forward_forces=0.0)
        sign = dict(zip(m.features, np.sign(m.coef), strict=True))
        more = predict(m, base.assign(forward_forces=1.0))["probability"]
        far = predict(m, base.assign(log_distance=base["log_distance"] + np.log(2)))
        p0 = predict(m, base)["probability"]
        assert (np.sign(more - p0) == sign["forward_forces"]).all()
        assert (np.sign(far["probability"] - p0) == sign["log_distance"]).all()

    def test_contributions_sum_to_log_odds(self, synthetic):
        x, m = synthetic
        p = predict(m, x.head(20))
        logit = np.log(p["probability"] / (1 - p["probability"]))
        assert np.allclose(logit - m.intercept, p.filter(like="contrib_").sum(axis=1))

    def test_save_load_round_trip(self, synthetic, tmp_path):
        x, m = synthetic
        path = save(m, tmp_path / "model.json")
        again = load(path)
        pd.testing.assert_frame_equal(predict(m, x.head(100)), predict(again, x.head(100)))


def test_nuclear_states_table():
    n = nuclear_states().set_index("ccode")
    assert n.loc[2, "start"] == dt.date(1945, 7, 16)
    assert n.loc[731, "start"] == dt.date(2006, 10, 9)
    assert n.loc[560, "end"] == dt.date(1991, 7, 10)
    assert n["source"].notna().all()


def test_shipped_model():
    m = load()
    assert m.features == list(FEATURES)
    assert m.metrics["auc"] is not None and 0 <= m.metrics["brier"] <= 1
    assert {d["name"] for d in m.provenance["datasets"]} >= {"cow_wars", "nmc_7"}
    assert all(d["sha256"] for d in m.provenance["datasets"])
    assert len(m.draws) == 200


class TestRealData:
    def test_pledge_features_hypothetical(self, store_home):
        rows = pd.DataFrame({"ally": [2, 2], "target": [366, 366], "kind": ["defense"] * 2,
                             "treaty": ["book:nato"] * 2, "obligation": ["art5"] * 2,
                             "date": [dt.date(2024, 7, 1)] * 2, "attackers": [(), (365,)]})
        f = pledge_features(rows)
        assert list(f.columns[: len(FEATURES)]) == list(FEATURES)
        assert f["log_distance"].iloc[0] == pytest.approx(np.log1p(7000), abs=0.3)
        assert f["ally_nuclear"].eq(1).all() and f["post1945"].eq(1).all()
        assert f["attacker_power"].iloc[0] == 0 < f["attacker_power"].iloc[1]
        assert f["attacker_nuclear"].tolist() == [0.0, 1.0]
        assert bool(f["cinc_carried"].iloc[0])  # NMC 7.0 ends in 2022

    def test_fit_on_cow_opportunities(self, store_home, tmp_path):
        from foedus.reliability import opportunities

        opp = opportunities(source="cow")
        m = fit(opp, split_year=1945, seed=0, n_boot=20)
        assert m.metrics["n_train"] > 50 and m.metrics["n_test"] > 100
        assert 0 <= m.metrics["auc"] <= 1.0 and 0 <= m.metrics["brier"] <= 1
        # the constant forecast at the test period's own rate: rate × (1 - rate)
        rate = m.metrics["rate_test"]
        assert m.metrics["brier_test_base"] == pytest.approx(rate * (1 - rate))
        train = m.metrics["rate_train"]
        assert m.metrics["brier_base"] == pytest.approx(
            rate * (1 - train) ** 2 + (1 - rate) * train ** 2)
        assert plot_calibration(m, tmp_path / "cal.png").stat().st_size > 0
        shipped = load()
        assert m.coef == pytest.approx(shipped.coef, abs=1e-6)
        assert shipped.n == len(cases(opp)) and shipped.metrics == pytest.approx(m.metrics)

    def test_cases_are_decided_and_counted_once(self, store_home):
        from foedus.reliability import opportunities

        opp = opportunities(source="cow")
        kept = cases(opp)
        assert kept["casus_foederis"].map(lambda v: v is True).all()
        assert kept["counted"].all() and kept["honoured"].notna().all()
        assert not kept[["ally_already_at_war", "intra_alliance"]].any().any()
        assert not kept.duplicated(["war", "target", "target_side", "ally", "kind"]).any()
        counts = case_counts(opp)
        dropped = sum(v for k, v in counts.items() if k.startswith("dropped_"))
        assert counts["rows"] - dropped == counts["cases"] == len(kept)
        assert 0 < counts["casus_foederis_none"] <= counts["dropped_casus_foederis_not_true"]

    def test_credibility_nato_article_5(self, store_home):
        out = credibility(2, 366, dt.date(2024, 7, 1))
        art5 = out[(out["treaty"] == "book:nato") & (out["obligation"] == "art5")]
        assert len(art5) == 1
        p = art5["probability"].iloc[0]
        assert 0 < p < 1
        assert art5["lower"].iloc[0] <= p <= art5["upper"].iloc[0]
        assert out.loc[out["kind"] == "consultation", "probability"].isna().all()

    def test_credibility_moves_with_distance_sign(self, store_home):
        m = load()
        rows = pd.DataFrame({"ally": [2], "target": [740], "kind": ["defense"],
                             "treaty": ["book:us_japan"], "obligation": ["art5.us"],
                             "date": [dt.date(2024, 7, 1)], "attackers": [()]})
        f = pledge_features(rows)
        p0 = predict(m, f)["probability"].iloc[0]
        p1 = predict(m, f.assign(log_distance=np.log1p(2 * np.expm1(f["log_distance"]))))
        sign = np.sign(m.coef[m.features.index("log_distance")])
        assert np.sign(p1["probability"].iloc[0] - p0) == sign


def test_features_beyond_the_record_are_clipped_not_extrapolated() -> None:
    import numpy as np
    import pandas as pd

    from foedus.credibility import FEATURES, load, predict

    fitted = load()
    lo, hi = np.asarray(fitted.bounds).T
    middle = pd.DataFrame([(lo + hi) / 2], columns=list(FEATURES))
    beyond = middle.copy()
    beyond["age"] = hi[list(FEATURES).index("age")] * 10
    at_edge = middle.copy()
    at_edge["age"] = hi[list(FEATURES).index("age")]
    got = predict(fitted, pd.concat([beyond, at_edge], ignore_index=True))
    assert got["outside_record"].tolist() == [["age"], []]
    assert got["probability"].iloc[0] == got["probability"].iloc[1]
