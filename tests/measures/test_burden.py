"""Burden sharing: independent recomputations, hand counts, a simulated panel, real SIPRI data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from foedus.data.readers import read_raw
from foedus.errors import FoedusError
from foedus.measures.burden import (
    BurdenError,
    burden_shares,
    compliance,
    exploitation_test,
    free_riding_trend,
    joint_product,
)
from foedus.measures.power import loss_of_strength

STAT_COLUMNS = ["spearman", "spearman_p", "kendall", "kendall_p"]


def _member_years(draw: st.DrawFn, columns: dict[str, st.SearchStrategy]) -> pd.DataFrame:
    years = draw(st.lists(st.integers(1950, 1960), min_size=1, max_size=3, unique=True))
    rows = []
    for year in years:
        for ccode in range(draw(st.integers(1, 9))):
            rows.append({"ccode": ccode, "year": year,
                         **{name: draw(values) for name, values in columns.items()}})
    return pd.DataFrame(rows)


def _maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), values).map(lambda v: np.nan if v is None else float(v))


@st.composite
def size_burden_panels(draw: st.DrawFn) -> pd.DataFrame:
    # small integers make ties common, so scipy's tie handling is exercised
    return _member_years(draw, {"gdp_usd": _maybe(st.integers(1, 6)),
                                "milex_share_gdp": _maybe(st.integers(0, 4))})


@st.composite
def share_panels(draw: st.DrawFn) -> pd.DataFrame:
    value = _maybe(st.floats(0.0, 1e6, allow_nan=False))
    return _member_years(draw, {"gdp_usd": value, "population": value, "milex_usd": value})


def _scipy_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Reference: scipy's spearmanr and kendalltau, year by year, in a plain loop."""
    rows = []
    for year in sorted(frame["year"].unique()):
        part = frame[frame["year"] == year]
        both = part[["gdp_usd", "milex_share_gdp"]].dropna()
        row = {"year": year, "n_members": len(both), "n_missing": len(part) - len(both)}
        x, y = both["gdp_usd"].to_numpy(), both["milex_share_gdp"].to_numpy()
        if len(both) >= 3 and len(set(x)) > 1 and len(set(y)) > 1:
            rho, tau = stats.spearmanr(x, y), stats.kendalltau(x, y)
            row.update(spearman=rho.statistic, spearman_p=rho.pvalue,
                       kendall=tau.statistic, kendall_p=tau.pvalue)
        else:
            row.update(dict.fromkeys(STAT_COLUMNS, np.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def _nato_like(n: int = 30, year: int = 2000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gdp = np.exp(rng.normal(5.0, 1.2, n))
    share = np.exp(0.3 * np.log(gdp) + rng.normal(0.0, 0.3, n))
    return pd.DataFrame({"ccode": np.arange(n), "year": year, "gdp_usd": gdp,
                         "milex_share_gdp": share})


class TestExploitationTest:
    @settings(max_examples=60, deadline=None)
    @given(size_burden_panels())
    def test_equals_scipy_year_by_year(self, frame: pd.DataFrame) -> None:
        mine = exploitation_test(frame, n_boot=20)
        ref = _scipy_by_year(frame)
        assert mine["year"].tolist() == ref["year"].tolist()
        assert mine["n_members"].tolist() == ref["n_members"].tolist()
        assert mine["n_missing"].tolist() == ref["n_missing"].tolist()
        np.testing.assert_allclose(mine[STAT_COLUMNS].to_numpy(float),
                                   ref[STAT_COLUMNS].to_numpy(float), rtol=1e-12,
                                   equal_nan=True)

    def test_interval_contains_estimate_and_is_reproducible(self) -> None:
        frame = pd.concat([_nato_like(year=2000), _nato_like(year=2001, seed=4)])
        first = exploitation_test(frame, seed=7)
        again = exploitation_test(frame, seed=7)
        other = exploitation_test(frame, seed=8)
        pd.testing.assert_frame_equal(first, again)
        assert not np.allclose(first["spearman_lo"], other["spearman_lo"])
        for name in ("spearman", "kendall"):
            assert (first[f"{name}_lo"] <= first[name]).all()
            assert (first[name] <= first[f"{name}_hi"]).all()
        assert (first["spearman"] > 0).all() and (first["spearman_p"] < 0.05).all()

    def test_a_years_interval_does_not_depend_on_the_other_years(self) -> None:
        alone = exploitation_test(_nato_like(year=2001, seed=4), seed=7)
        both = exploitation_test(pd.concat([_nato_like(year=2000), _nato_like(year=2001, seed=4)]),
                                 seed=7)
        pd.testing.assert_frame_equal(alone, both[both["year"] == 2001].reset_index(drop=True))

    def test_interval_equals_a_plain_bootstrap_loop(self) -> None:
        frame = _nato_like(n=12)
        frame["gdp_usd"] = frame["gdp_usd"].round(-2)  # ties within the sample
        n_boot, seed, level = 300, 11, 0.9
        out = exploitation_test(frame, n_boot=n_boot, seed=seed, level=level)
        x, y = frame["gdp_usd"].to_numpy(), frame["milex_share_gdp"].to_numpy()
        draws = np.random.default_rng([seed, 2000]).integers(0, len(x), size=(n_boot, len(x)))
        rho, tau = [], []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # constant resamples: scipy warns and gives NaN
            for idx in draws:
                rho.append(stats.spearmanr(x[idx], y[idx]).statistic)
                tau.append(stats.kendalltau(x[idx], y[idx]).statistic)
        for name, reps in (("spearman", np.array(rho)), ("kendall", np.array(tau))):
            lo, hi = np.quantile(reps[np.isfinite(reps)], [0.05, 0.95])
            assert out[f"{name}_lo"].item() == pytest.approx(lo, abs=1e-12)
            assert out[f"{name}_hi"].item() == pytest.approx(hi, abs=1e-12)

    def test_null_is_left_out_and_counted_not_read_as_zero(self) -> None:
        frame = _nato_like(n=8)
        frame.loc[0, "milex_share_gdp"] = np.nan
        frame.loc[0, "gdp_usd"] = frame["gdp_usd"].max() * 2  # the largest member
        out = exploitation_test(frame, n_boot=50)
        dropped = exploitation_test(frame.drop(index=0), n_boot=50)
        assert (out["n_members"].item(), out["n_missing"].item()) == (7, 1)
        assert dropped["n_missing"].item() == 0
        np.testing.assert_allclose(out[STAT_COLUMNS], dropped[STAT_COLUMNS])
        zero = exploitation_test(frame.fillna({"milex_share_gdp": 0.0}), n_boot=50)
        assert zero["n_members"].item() == 8
        assert zero["spearman"].item() < out["spearman"].item()

    def test_fewer_than_three_members_gives_nan(self) -> None:
        frame = pd.DataFrame({"ccode": [1, 2, 3], "year": 1999, "gdp_usd": [1.0, 2.0, 3.0],
                              "milex_share_gdp": [1.0, np.nan, 2.0]})
        out = exploitation_test(frame)
        assert (out["n_members"].item(), out["n_missing"].item()) == (2, 1)
        assert out.drop(columns=["year", "n_members", "n_missing"]).isna().all(axis=None)

    @pytest.mark.parametrize(("kwargs", "message"), [
        ({"n_boot": 0}, "The 'n_boot' parameter of exploitation_test must be an int in the "
                        "range [1, inf). Got 0 instead."),
        ({"seed": -1}, "The 'seed' parameter"),
        ({"level": 1.0}, "The 'level' parameter"),
        ({"size": "gnp"}, "needs the columns ['gnp']"),
    ])
    def test_bad_parameters(self, kwargs: dict, message: str) -> None:
        with pytest.raises(BurdenError) as info:
            exploitation_test(_nato_like(n=5), **kwargs)
        assert message in str(info.value)
        assert isinstance(info.value, FoedusError)

    def test_repeated_member_year_and_sentinel_are_refused(self) -> None:
        frame = _nato_like(n=5)
        with pytest.raises(BurdenError, match="one row per member-year"):
            exploitation_test(pd.concat([frame, frame.iloc[:1]]))
        frame.loc[2, "milex_share_gdp"] = -9.0
        with pytest.raises(BurdenError, match="sentinels such as -9"):
            exploitation_test(frame)


def _shares_by_hand(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["ccode", "year"]].copy()
    for column, name in (("gdp_usd", "gdp_share"), ("population", "pop_share"),
                         ("milex_usd", "spending_share")):
        values = []
        for _, row in frame.iterrows():
            same_year = frame.loc[frame["year"] == row["year"], column].dropna()
            total = float(same_year.sum())
            value = row[column]
            values.append(np.nan if pd.isna(value) or total == 0 else 100 * value / total)
        out[name] = values
    out["benefit_share"] = (out["gdp_share"] + out["pop_share"]) / 2
    out["free_riding"] = out["benefit_share"] - out["spending_share"]
    return out


class TestBurdenShares:
    def test_equals_a_straightforward_computation(self) -> None:
        frame = pd.DataFrame({
            "ccode": [2, 20, 200, 2, 20, 200], "year": [1990] * 3 + [1991] * 3,
            "gdp_usd": [10.0, 2.0, 3.0, 11.0, np.nan, 4.0],
            "population": [5.0, 1.0, np.nan, 5.0, 1.0, 2.0],
            "milex_usd": [1.0, 0.5, 0.25, 1.2, 0.4, 0.3]})
        pd.testing.assert_frame_equal(burden_shares(frame), _shares_by_hand(frame))

    @settings(max_examples=60, deadline=None)
    @given(share_panels())
    def test_shares_sum_to_100_per_year_over_members_with_data(self, frame: pd.DataFrame
                                                               ) -> None:
        out = burden_shares(frame)
        for share, column in (("gdp_share", "gdp_usd"), ("pop_share", "population"),
                              ("spending_share", "milex_usd")):
            assert out[share].isna().equals(frame[column].isna() | (
                frame.groupby("year")[column].transform("sum") == 0))
            totals = out.groupby("year")[share].sum(min_count=1).dropna()
            np.testing.assert_allclose(totals, 100.0)

    def test_free_riding_sums_to_zero_when_complete(self) -> None:
        frame = pd.DataFrame({"ccode": [1, 2, 3], "year": 2000, "gdp_usd": [5.0, 3.0, 2.0],
                              "population": [1.0, 2.0, 3.0], "milex_usd": [7.0, 2.0, 1.0]})
        out = burden_shares(frame)
        assert out["free_riding"].sum() == pytest.approx(0.0, abs=1e-12)
        assert out["free_riding"].iloc[0] < 0  # the big spender pays more than its share

    def test_null_is_left_out_not_read_as_zero(self) -> None:
        frame = pd.DataFrame({"ccode": [1, 2, 3], "year": 2000, "gdp_usd": [5.0, 3.0, 2.0],
                              "population": [1.0, 2.0, 3.0],
                              "milex_usd": [7.0, 2.0, np.nan]})
        out = burden_shares(frame)
        assert np.isnan(out["spending_share"].iloc[2]) and np.isnan(out["free_riding"].iloc[2])
        assert out["spending_share"].iloc[:2].tolist() == pytest.approx([700 / 9, 200 / 9])
        zero = burden_shares(frame.fillna({"milex_usd": 0.0}))
        assert zero["free_riding"].iloc[2] == pytest.approx(out["benefit_share"].iloc[2])
        assert not zero["free_riding"].isna().any()

    def test_frame_index_is_kept(self) -> None:
        frame = pd.DataFrame({"ccode": [1, 2], "year": 2000, "gdp_usd": [1.0, 1.0],
                              "population": [1.0, 1.0], "milex_usd": [1.0, 1.0]},
                             index=[10, 20])
        assert burden_shares(frame).index.tolist() == [10, 20]


class TestFreeRidingTrend:
    def test_equals_linregress_member_by_member(self) -> None:
        rng = np.random.default_rng(5)
        rows = [{"ccode": c, "year": y, "free_riding": rng.normal(0.1 * c * (y - 2000), 1.0)}
                for c in range(6) for y in range(2000, 2012)]
        shares = pd.DataFrame(rows)
        shares.loc[rng.choice(len(shares), 12, replace=False), "free_riding"] = np.nan
        shares.loc[shares["ccode"] == 4, "free_riding"] = 2.5  # constant: slope 0, p NaN
        shares.loc[(shares["ccode"] == 5) & (shares["year"] > 2001), "free_riding"] = np.nan
        out = free_riding_trend(shares).set_index("ccode")
        for ccode, part in shares.dropna().groupby("ccode"):
            fit = stats.linregress(part["year"], part["free_riding"])
            assert out.loc[ccode, "n_years"] == len(part)
            if len(part) >= 3:
                assert out.loc[ccode, "slope"] == pytest.approx(fit.slope, abs=1e-12)
                assert out.loc[ccode, "p_value"] == pytest.approx(fit.pvalue, rel=1e-9,
                                                                  abs=1e-12, nan_ok=True)
            else:
                assert out.loc[ccode, ["slope", "p_value"]].isna().all()

    def test_perfect_trend_and_member_without_values(self) -> None:
        shares = pd.DataFrame({"ccode": [1, 1, 1, 2], "year": [2000, 2001, 2002, 2000],
                               "free_riding": [1.0, 3.0, 5.0, np.nan]})
        out = free_riding_trend(shares)
        assert out["ccode"].tolist() == [1, 2]
        assert out["slope"].iloc[0] == pytest.approx(2.0)
        assert out["p_value"].iloc[0] == pytest.approx(0.0, abs=1e-12)
        assert out["n_years"].tolist() == [3, 0]


def _compliance_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "ccode": [2, 20, 200, 210, 2, 20],
        "year": [2020, 2020, 2020, 2020, 2021, 2021],
        "milex_share_gdp": [1.0, 2.0, 2.5, np.nan, 1.99, 2.0],
        "equipment_share": [15.0, 25.0, np.nan, 30.0, np.nan, np.nan]})


class TestCompliance:
    def test_counts_equal_a_hand_count(self) -> None:
        years, members = compliance(_compliance_frame())
        assert years.to_dict("records") == [
            {"year": 2020, "n_members": 3, "n_missing": 1, "n_at_target": 2,
             "share_at_target": pytest.approx(200 / 3), "n_equipment_known": 3,
             "n_at_equipment": 2},
            {"year": 2021, "n_members": 2, "n_missing": 0, "n_at_target": 1,
             "share_at_target": 50.0, "n_equipment_known": 0, "n_at_equipment": 0}]
        assert members["at_target"].tolist() == [False, True, True, pd.NA, False, True]
        assert members["at_equipment"].tolist() == [False, True, pd.NA, True, pd.NA, pd.NA]
        np.testing.assert_allclose(members["gap_to_core"], [2.5, 1.5, 1.0, np.nan, 1.51, 1.5])

    def test_null_is_left_out_not_read_as_zero(self) -> None:
        years, _ = compliance(_compliance_frame())
        zero, _ = compliance(_compliance_frame().fillna({"milex_share_gdp": 0.0}))
        first, first_zero = years.iloc[0], zero.iloc[0]
        assert (first["n_members"], first["n_missing"]) == (3, 1)
        assert (first_zero["n_members"], first_zero["n_missing"]) == (4, 0)
        assert first_zero["share_at_target"] == 50.0 != first["share_at_target"]

    @given(st.floats(0.01, 3.49), st.integers(1990, 2034))
    def test_required_growth_reaches_the_core_target_in_the_core_year(self, share: float,
                                                                      year: int) -> None:
        frame = pd.DataFrame({"ccode": [1], "year": [year], "milex_share_gdp": [share]})
        growth = compliance(frame)[1]["required_growth"].item()
        assert growth > 0
        assert share * (1 + growth) ** (2035 - year) == pytest.approx(3.5, rel=1e-12)

    def test_required_growth_edges(self) -> None:
        frame = pd.DataFrame({"ccode": [1, 2, 3, 4, 5], "year": [2030, 2030, 2035, 2040, 2030],
                              "milex_share_gdp": [3.5, 4.0, 1.0, 1.0, 0.0]})
        _, members = compliance(frame)
        assert members["required_growth"].tolist()[:2] == [0.0, 0.0]
        assert members["required_growth"].iloc[2:4].isna().all()
        assert members["required_growth"].iloc[4] == math.inf
        assert members["gap_to_core"].tolist() == [0.0, 0.0, 2.5, 2.5, 3.5]

    def test_targets_are_parameters_and_equipment_is_optional(self) -> None:
        frame = _compliance_frame().drop(columns="equipment_share")
        years, members = compliance(frame, target_pct=2.5, core_target_pct=5.0, core_year=2030)
        assert years["n_at_target"].tolist() == [1, 0]
        assert years["n_equipment_known"].tolist() == [0, 0]
        assert members["at_equipment"].isna().all()
        assert 1.0 * (1 + members["required_growth"].iloc[0]) ** 10 == pytest.approx(5.0)

    @pytest.mark.parametrize("kwargs", [{"target_pct": 0}, {"equipment_pct": 120.0},
                                        {"core_target_pct": -1.0}, {"core_year": 2035.5}])
    def test_bad_parameters(self, kwargs: dict) -> None:
        with pytest.raises(BurdenError, match="parameter of compliance must be"):
            compliance(_compliance_frame(), **kwargs)


def _simulated_panel(*, n_members: int = 15, n_years: int = 40, beta: float = -0.3,
                     gamma: float = 0.5, delta: float = 0.0, sigma: float = 0.02,
                     seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """log m_it = a_i + γ log gdp_it + β log(Σ_{j≠i} m_jt) + δ log threat_it + e_it.

    Spending is simultaneous (each member's spill-ins are the others' spending), so each
    year is solved by fixed-point iteration; the map contracts with factor |β|.
    """
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 0.5, n_members)
    log_gdp = rng.normal(5.0, 1.0, n_members) + np.cumsum(
        rng.normal(0.02, 0.1, (n_years, n_members)), axis=0)
    log_threat = rng.normal(0.0, 0.3, (n_years, n_members))
    c = a + gamma * log_gdp + delta * log_threat + rng.normal(0.0, sigma, log_gdp.shape)
    y = c.copy()
    for _ in range(100):
        m = np.exp(y)
        y = c + beta * np.log(m.sum(axis=1, keepdims=True) - m)
    frame = pd.DataFrame({"ccode": np.tile(np.arange(n_members) * 10, n_years),
                          "year": np.repeat(np.arange(1970, 1970 + n_years), n_members),
                          "milex_usd": np.exp(y).ravel(), "gdp_usd": np.exp(log_gdp).ravel()})
    return frame, pd.Series(np.exp(log_threat).ravel(), index=frame.index)


class TestJointProduct:
    def test_recovers_known_coefficients(self) -> None:
        frame, _ = _simulated_panel()
        out = joint_product(frame)
        assert out["coefficients"]["spill_ins"] == pytest.approx(-0.3, abs=0.05)
        assert out["coefficients"]["gdp"] == pytest.approx(0.5, abs=0.05)
        assert out["p_values"]["spill_ins"] < 0.01
        assert (out["n_obs"], out["n_members"], out["n_dropped"]) == (600, 15, 0)
        assert 0.5 < out["r2_within"] <= 1.0
        assert out["cov_type"] == "cluster" and "free riding" in out["interpretation"]

    def test_equals_the_within_estimator(self) -> None:
        frame, _ = _simulated_panel(n_members=6, n_years=12, seed=2)
        out = joint_product(frame, cluster=False)
        y = np.log(frame["milex_usd"])
        spill = np.log(frame.groupby("year")["milex_usd"].transform("sum") - frame["milex_usd"])
        x = pd.DataFrame({"spill_ins": spill, "gdp": np.log(frame["gdp_usd"])})
        yd = y - y.groupby(frame["ccode"]).transform("mean")
        xd = x - x.groupby(frame["ccode"]).transform("mean")
        coef, ssr, *_ = np.linalg.lstsq(xd.to_numpy(), yd.to_numpy(), rcond=None)
        assert [out["coefficients"]["spill_ins"], out["coefficients"]["gdp"]] == \
            pytest.approx(coef.tolist(), abs=1e-9)
        assert out["r2_within"] == pytest.approx(1 - ssr[0] / float((yd**2).sum()), abs=1e-9)

    def test_threat_enters_in_logs_and_is_recovered(self) -> None:
        frame, threat = _simulated_panel(delta=0.2, seed=3)
        out = joint_product(frame, threat)
        assert out["threat_scale"] == "log"
        assert out["coefficients"]["threat"] == pytest.approx(0.2, abs=0.03)
        assert set(out["p_values"]) == {"spill_ins", "gdp", "threat"}
        level = joint_product(frame, np.log(threat))  # has negatives: used as given
        assert level["threat_scale"] == "level"
        assert level["coefficients"]["threat"] == pytest.approx(out["coefficients"]["threat"])

    def test_reports_dropped_rows(self) -> None:
        frame, _ = _simulated_panel(n_members=6, n_years=10)
        base = joint_product(frame)
        extra = pd.DataFrame({"ccode": [999, 998], "year": [1970, 1971],
                              "milex_usd": [np.nan, 5.0], "gdp_usd": [3.0, 0.0]})
        out = joint_product(pd.concat([frame, extra], ignore_index=True))
        assert (out["n_obs"], out["n_dropped"]) == (base["n_obs"], 2)
        assert "2 rows dropped" in out["interpretation"]
        # the unknown spending is not read as zero… but the known one still counts as a
        # spill-in for the others in 1971, although its own row is dropped
        assert out["coefficients"] != base["coefficients"]
        no_1971 = joint_product(pd.concat([frame, extra.iloc[:1]], ignore_index=True))
        assert no_1971["coefficients"] == pytest.approx(base["coefficients"], abs=1e-12)

    def test_clustering_changes_errors_not_estimates(self) -> None:
        frame, _ = _simulated_panel(n_members=8, n_years=15)
        clustered, classical = joint_product(frame), joint_product(frame, cluster=False)
        assert clustered["coefficients"] == pytest.approx(classical["coefficients"])
        assert clustered["std_errors"] != pytest.approx(classical["std_errors"])
        assert classical["cov_type"] == "nonrobust"

    def test_refuses_misaligned_threat_and_too_few_rows(self) -> None:
        frame, threat = _simulated_panel(n_members=4, n_years=5)
        with pytest.raises(BurdenError, match="lacks 1 of the frame's index labels"):
            joint_product(frame, threat.iloc[1:])
        with pytest.raises(BurdenError, match="at least 2 members"):
            joint_product(frame[frame["ccode"] == 0])


class TestLossOfStrength:
    @given(st.floats(0.0, 1.0), st.floats(0.0, 12_500.0), st.floats(50.0, 1000.0))
    def test_equals_the_formula_by_hand(self, cap: float, miles: float, mpd: float) -> None:
        by_hand = cap ** math.log10(miles / mpd + 10 - math.e)
        assert loss_of_strength(cap, miles, miles_per_day=mpd) == pytest.approx(by_hand,
                                                                                rel=1e-12)

    def test_full_capability_stays_one_and_zero_stays_zero(self) -> None:
        miles = np.linspace(0, 12_000, 25)
        assert np.all(loss_of_strength(1.0, miles) == 1.0)
        assert np.all(loss_of_strength(0.0, miles) == 0.0)

    @given(st.floats(0.001, 0.999))
    def test_decreasing_in_distance_below_one(self, cap: float) -> None:
        out = loss_of_strength(cap, np.linspace(0, 12_000, 50))
        assert np.all(np.diff(out) < 0)

    def test_broadcasts_keeps_nan_and_checks_inputs(self) -> None:
        out = loss_of_strength([[0.2], [0.4]], [0.0, 100.0, np.nan])
        assert out.shape == (2, 3) and np.isnan(out[:, 2]).all()
        assert loss_of_strength(0.5, math.e * 250, miles_per_day=250) == pytest.approx(0.5)
        with pytest.raises(BurdenError, match="shares in \\[0, 1\\]"):
            loss_of_strength(1.5, 10.0)
        with pytest.raises(BurdenError, match="finite distances"):
            loss_of_strength(0.5, -1.0)
        with pytest.raises(BurdenError, match="'miles_per_day' parameter"):
            loss_of_strength(0.5, 10.0, miles_per_day=0)


def test_runs_on_real_sipri_data() -> None:
    """SIPRI 2025 release: GDP implied by spending / share; countries stand in for ccodes."""
    raw = read_raw("sipri_milex")
    frame = pd.DataFrame({
        "ccode": pd.factorize(raw["country"])[0], "year": raw["year"],
        "milex_usd": raw["milex_current_usd_m"] * 1e6,
        "milex_share_gdp": raw["milex_share_gdp_pct"],
        "gdp_usd": raw["milex_current_usd_m"] * 1e6 / (raw["milex_share_gdp_pct"] / 100),
        "population": np.nan})
    frame = frame[frame["year"].between(2015, 2024)]
    out = exploitation_test(frame, n_boot=200)
    lacking = frame[["gdp_usd", "milex_share_gdp"]].isna().any(axis=1).groupby(frame["year"])
    assert out["n_missing"].tolist() == lacking.sum().tolist()
    assert out["spearman"].between(-1, 1).all()
    shares = burden_shares(frame)
    np.testing.assert_allclose(shares.groupby("year")["spending_share"].sum(), 100.0)
    assert shares["benefit_share"].isna().all()  # no population: no benefit share
    years, _ = compliance(frame)
    assert (years["n_members"] + years["n_missing"]).tolist() == \
        frame.groupby("year").size().tolist()
