"""The deterrence studies (Leeds 2003; Johnson & Leeds 2011): design choices on hand-made
cases, the variances against brute force and statsmodels, and the studies on real data."""

from __future__ import annotations

import datetime as dt
import json
import os

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from foedus.model.commitments import Basis, Condition, Membership, Obligation, Treaty
from foedus.model.dyads import DUMMY_OF, directed_dyad_years
from foedus.replications import replicate
from foedus.replications._disputes import at_risk_of_onset, code_disputes, mid_dyads
from foedus.replications._dyadic import (
    DyadicDesignError,
    add_alliance_terms,
    obligation_reach,
    pledge_rows,
)
from foedus.replications._dyadic_fit import (
    FitError,
    cluster_meat,
    cubic_terms,
    dyadic_meat,
    fit_binary,
    natural_spline,
    sandwich,
)

from helpers import REPO, run_cli

# ---------------------------------------------------------------- who initiates


def _participants(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["mid", "ccode", "sidea", "orig", "styear", "endyear"])


class TestInitiation:
    # MID 1: USA (2) starts it against Canada (20) in 1900; the UK (200) joins side A in
    # 1901 and France (220) is on side B from the start without being an originator.
    PARTS = _participants([(1, 2, 1, 1, 1900, 1901), (1, 20, 0, 1, 1900, 1901),
                           (1, 200, 1, 0, 1901, 1901), (1, 220, 0, 0, 1900, 1901)])

    def test_only_originators_on_opposite_sides_initiate(self) -> None:
        onsets, _ = mid_dyads(self.PARTS)
        assert onsets.to_dict("records") == [{"ccode1": 2, "ccode2": 20, "year": 1900}]

    def test_involvement_covers_joiners_and_every_year(self) -> None:
        _, involved = mid_dyads(self.PARTS)
        got = set(map(tuple, involved[["lo", "hi", "year"]].to_numpy().tolist()))
        assert got == {(2, 20, 1900), (2, 20, 1901), (2, 220, 1900), (2, 220, 1901),
                       (20, 200, 1901), (200, 220, 1901)}

    def test_originators_starting_in_different_years_meet_in_the_later(self) -> None:
        onsets, _ = mid_dyads(_participants([(7, 2, 1, 1, 1900, 1903),
                                             (7, 20, 0, 1, 1902, 1903)]))
        assert onsets["year"].tolist() == [1902]

    def test_codes_onset_ongoing_reverse_direction_and_peace_years(self) -> None:
        onsets, involved = mid_dyads(self.PARTS)
        years = range(1898, 1904)
        frame = pd.DataFrame([(a, b, y) for y in years for a, b in
                              [(2, 20), (20, 2), (200, 390)]],
                             columns=["ccode1", "ccode2", "year"])
        coded = code_disputes(frame, onsets, involved).set_index(
            ["ccode1", "ccode2", "year"]).sort_index()
        assert coded.loc[(2, 20, 1900), "dispute"] == 1
        assert coded.loc[(20, 2, 1900), "dispute"] == 0
        assert coded.loc[(20, 2, 1900), "in_dispute"]  # the target's direction, same year
        assert coded.loc[(2, 20, 1901), "in_dispute"]  # ongoing
        assert not coded.loc[(2, 20, 1902), "in_dispute"]
        # full years since the last year in dispute, from the pair's first year
        assert coded.loc[(2, 20), "peaceyrs"].tolist() == [0, 1, 2, 0, 0, 1]
        assert coded.loc[(20, 2), "peaceyrs"].tolist() == [0, 1, 2, 0, 0, 1]
        assert coded.loc[(200, 390), "peaceyrs"].tolist() == [0, 1, 2, 3, 4, 5]

    def test_rows_in_dispute_without_an_onset_are_not_at_risk(self) -> None:
        onsets, involved = mid_dyads(self.PARTS)
        frame = pd.DataFrame({"ccode1": [2, 20, 2, 2], "ccode2": [20, 2, 20, 20],
                              "year": [1900, 1900, 1901, 1902]})
        kept = at_risk_of_onset(code_disputes(frame, onsets, involved))
        assert kept.tolist() == [True, False, False, True]


# ---------------------------------------------------------------- which pledges apply

_DAY = dt.date(1900, 1, 1)


def _obligation(holder: int, kind: str, **kw) -> Obligation:
    flags = kw.pop("flags", ())
    return Obligation(id=f"{holder}:{kind}:{len(kw)}", kind=kind, holders=(holder,),
                      article=Basis(article="Art. 1"), condition=Condition(**kw), flags=flags)


def _treaty(name: str, members: tuple[int, ...], obligations: list[Obligation]) -> Treaty:
    return Treaty(id=f"book:{name}", name=name, signed=_DAY, obligations=tuple(obligations),
                  members=tuple(Membership(state=m, start=_DAY) for m in members))


def _terms(treaties: list[Treaty], **options) -> pd.DataFrame:
    codes = sorted({m.state for t in treaties for m in t.members} | {2, 20, 200, 365})
    frame = pd.DataFrame([(a, b, 1950) for a in codes for b in codes if a != b],
                         columns=["ccode1", "ccode2", "year"])
    out = add_alliance_terms(frame, treaties, ("ptargdef", "pchaloff", "pchalneu",
                                               "pchalally"), **options)
    return out.set_index(["ccode1", "ccode2"]).sort_index()


class TestApplicablePledges:
    def test_a_third_party_defence_pledge_covers_the_target(self) -> None:
        out = _terms([_treaty("t", (20, 200), [_obligation(200, "defense")])])
        assert out.loc[(2, 20), "ptargdef"] == 1 and out.loc[(2, 20), "ptargdef_decided"] == 1
        assert out.loc[(200, 20), "ptargdef"] == 0  # the ally itself is the challenger
        # the same pledge is the challenger's defence pledge when 20 starts it
        assert out.loc[(20, 2), "pchalally"] == 1 and out.loc[(2, 20), "pchalally"] == 0

    def test_named_adversaries_limit_the_pledge(self) -> None:
        out = _terms([_treaty("t", (20, 200), [
            _obligation(200, "defense", adversary_coded=True, adversaries=(365,))])])
        assert out.loc[(365, 20), "ptargdef"] == 1
        assert out.loc[(2, 20), "ptargdef"] == 0

    def test_unrecorded_conditions_are_undecidable(self) -> None:
        treaty = _treaty("t", (20, 200), [_obligation(200, "defense", location_coded=True,
                                                      location_recorded=False)])
        loose, strict = _terms([treaty]), _terms([treaty], undecidable="ignore")
        assert loose.loc[(2, 20), "ptargdef"] == 1
        assert loose.loc[(2, 20), "ptargdef_decided"] == 0
        assert strict.loc[(2, 20), "ptargdef"] == 0

    def test_members_of_the_same_treaty_are_not_covered_unless_named(self) -> None:
        treaty = _treaty("t", (2, 20, 200), [_obligation(200, "defense")])
        assert _terms([treaty]).loc[(2, 20), "ptargdef"] == 0
        assert _terms([treaty], intra_alliance="count").loc[(2, 20), "ptargdef"] == 1
        named = _treaty("t", (2, 20, 200), [
            _obligation(200, "defense", adversary_coded=True, adversaries=(2,))])
        assert _terms([named]).loc[(2, 20), "ptargdef"] == 1

    def test_non_provocation_covers_targets_not_challengers(self) -> None:
        out = _terms([_treaty("t", (2, 200), [_obligation(200, "defense",
                                                          non_provocation=True)])])
        assert out.loc[(20, 2), "ptargdef"] == 1  # 2 attacked: covered
        assert out.loc[(2, 20), "pchalally"] == 0  # 2 starts it: provoked

    def test_neutrality_only_if_attacked_does_not_cover_the_challenger(self) -> None:
        plain = _terms([_treaty("t", (2, 200), [_obligation(200, "neutrality")])])
        attacked = _terms([_treaty("t", (2, 200), [
            _obligation(200, "neutrality", flags=("atop:neucoatt",))])])
        assert plain.loc[(2, 20), "pchalneu"] == 1
        assert attacked.loc[(2, 20), "pchalneu"] == 0

    def test_offence_against_a_named_target(self) -> None:
        out = _terms([_treaty("t", (2, 200), [
            _obligation(200, "offense", adversary_coded=True, adversaries=(20,))])])
        assert out.loc[(2, 20), "pchaloff"] == 1
        assert out.loc[(2, 200), "pchaloff"] == 0

    def test_reach_of_an_undecidable_named_pledge(self) -> None:
        o = _obligation(200, "defense", adversary_coded=True, adversaries=(365,),
                        conflict_coded=True)
        reach = obligation_reach(o, "target")
        assert (reach.scope, reach.decided, reach.adversaries) == ("named", False, (365,))

    def test_unknown_option_is_a_clear_error(self) -> None:
        with pytest.raises(DyadicDesignError, match="intra_alliance must be"):
            _terms([_treaty("t", (20, 200), [_obligation(200, "defense")])],
                   intra_alliance="both")


def test_pledge_rows_keep_the_models_directed_obligations(store_home) -> None:
    """Every pledge row, mapped to its obligation's kind, gives back the model's directed
    dyad-year dummies (which equal ATOP's published extract): the obligation behind each
    row is the right one."""
    from foedus.data.atop_model import atop_treaties
    from foedus.data.store import connect

    with connect() as con:
        treaties = atop_treaties(con)
    held, obligations, _ = pledge_rows(treaties)
    kind = np.array([list(DUMMY_OF).index(o.kind) for o in obligations])[held["ob"]]
    flags = held[["i", "j", "year"]].assign(**{c: (kind == k).astype(np.int64)
                                               for k, c in enumerate(DUMMY_OF.values())})
    ours = (flags.groupby(["i", "j", "year"], as_index=False).max()
            .rename(columns={"i": "ccode1", "j": "ccode2"}))
    model = directed_dyad_years(treaties)
    model = model[model[list(DUMMY_OF.values())].sum(axis=1) > 0]
    merged = model.merge(ours, on=["ccode1", "ccode2", "year"], how="outer",
                         suffixes=("", "_ours"), indicator=True)
    assert (merged["_merge"] == "both").all()
    for col in DUMMY_OF.values():
        assert (merged[col] == merged[f"{col}_ours"]).all(), col


# ---------------------------------------------------------------- duration terms


def test_natural_spline_is_linear_beyond_the_last_knot() -> None:
    t = np.arange(7, 40, dtype=float)
    assert np.allclose(np.diff(natural_spline(t)[:, 0], 2), 0)
    assert np.allclose(natural_spline([0.0, 1.0]), 0)  # nothing before the first knot
    # by hand: d1(10) = (9³ - 3³)/6 = 117, d2(10) = (6³ - 3³)/3 = 63
    assert natural_spline([10.0])[0, 0] == pytest.approx(54.0)


def test_cubic_terms_are_scaled_powers() -> None:
    assert cubic_terms([10.0]).tolist() == [[10.0, 1.0, 1.0]]


# ---------------------------------------------------------------- variances


def _random_dyads(n: int, states: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, states, n)
    b = (a + rng.integers(1, states, n)) % states  # never a == b
    return a + 100, b + 100


class TestDyadicVariance:
    def test_meat_equals_the_brute_force_sum_over_pairs_sharing_a_member(self) -> None:
        a, b = _random_dyads(150, 9, seed=3)
        scores = np.random.default_rng(4).normal(size=(150, 3))
        share = ((a[:, None] == a[None, :]) | (a[:, None] == b[None, :])
                 | (b[:, None] == a[None, :]) | (b[:, None] == b[None, :]))
        brute = np.zeros((3, 3))
        for i in range(150):
            for j in range(150):
                if share[i, j]:
                    brute += np.outer(scores[i], scores[j])
        assert np.allclose(dyadic_meat(scores, a, b), brute)

    def test_equals_aronow_samii_assenova_multiway_decomposition(self) -> None:
        """Their eq.: V = sum_s V_s - V_dyad - (S - 2) V_HC0, with V_s clustering the
        observations that involve s (every other observation alone)."""
        a, b = _random_dyads(120, 7, seed=5)
        scores = np.random.default_rng(6).normal(size=(120, 2))
        states = np.unique(np.concatenate([a, b]))
        alone = np.arange(120) + 10_000
        total = sum(cluster_meat(scores, np.where((a == s) | (b == s), -1, alone))
                    for s in states)
        total = total - cluster_meat(scores, np.minimum(a, b) * 1000 + np.maximum(a, b))
        total = total - (len(states) - 2) * cluster_meat(scores, alone)
        assert np.allclose(dyadic_meat(scores, a, b), total)

    def test_cluster_variance_matches_statsmodels(self) -> None:
        rng = np.random.default_rng(1)
        n = 400
        x = rng.normal(size=(n, 2))
        groups = rng.integers(0, 40, n)
        y = (rng.random(n) < 1 / (1 + np.exp(-(x @ [0.5, -1.0] - 0.3)))).astype(float)
        fit = fit_binary(y, x, ("a", "b"), "logit")
        g = len(np.unique(groups))
        ours = sandwich(fit.bread, cluster_meat(fit.scores, groups), g / (g - 1))
        theirs = sm.Logit(y, sm.add_constant(x)).fit(
            disp=0, cov_type="cluster", cov_kwds={"groups": groups}).cov_params()
        # statsmodels adds (N-1)/(N-K) to Stata's G/(G-1) for ML estimators
        assert np.allclose(ours * (n - 1) / (n - 3), theirs)

    def test_probit_estimates_match_statsmodels(self) -> None:
        rng = np.random.default_rng(2)
        x = rng.normal(size=(300, 1))
        y = (x[:, 0] + rng.normal(size=300) > 0.2).astype(float)
        fit = fit_binary(y, x, ("x",), "probit")
        ref = sm.Probit(y, sm.add_constant(x)).fit(disp=0)
        assert np.allclose(fit.params, ref.params, atol=1e-6)
        assert np.allclose(fit.bread, ref.cov_params(), rtol=1e-4)

    def test_no_events_is_a_clear_error(self) -> None:
        with pytest.raises(FitError, match="needs both outcomes"):
            fit_binary(np.zeros(5), np.ones((5, 1)), ("x",), "logit")


# ---------------------------------------------------------------- the studies, real data


@pytest.fixture(scope="module")
def leeds_1900s(built_home, mirror):
    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    return replicate("leeds-2003", start=1900, end=1914)


@pytest.fixture(scope="module")
def built_1900s(built_home, mirror):
    from foedus.replications._dyadic import build_dyad_years

    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    built = build_dyad_years(1900, 1914, ("ptargdef", "pchaloff", "pchalneu"))
    return built.frame.set_index(["ccode1", "ccode2", "year"]).sort_index()


def test_1914_austria_serbia(built_1900s) -> None:
    row = built_1900s.loc[(300, 345, 1914)]
    assert row["dispute"] == 1  # MID 257: both originators
    assert row["ptargdef"] == 1  # Greece's 1913 defence pledge to Serbia (ATOP 1490)
    assert (345, 300, 1914) not in built_1900s.index  # the target's direction: dropped
    assert (255, 220, 1914) not in built_1900s.index  # Germany joined: dropped
    # Austria-Hungary's 1882 neutrality pledge to Germany names France (ATOP 1350)
    assert built_1900s.loc[(255, 220, 1913), "pchalneu"] == 1
    # the previous year's pledges, for the lagged sensitivity check
    for term in ("ptargdef", "pchaloff", "pchalneu"):
        assert built_1900s.loc[(300, 345, 1914), f"{term}_lag"] == \
            built_1900s.loc[(300, 345, 1913), term]
    assert built_1900s.loc[(2, 200, 1914), "majpow1"] == 1


def test_leeds_tables_and_pass_logic(leeds_1900s) -> None:
    r = leeds_1900s
    assert set(r.tables) == {"coefficients", "sensitivity", "build", "sample"}
    coefs = {row["term"]: row for row in r.tables["coefficients"]}
    assert list(coefs)[:4] == ["constant", "ptargdef", "pchaloff", "pchalneu"]
    assert {"ln_distance", "capprop", "jdem", "s_un_glo", "peaceyrs"} <= set(coefs)
    for row in coefs.values():
        assert row["se_dyadic"] > 0 and row["se_dyad_clustered"] > 0
    signs = [f for f in r.figures if f.unit == "sign"]
    assert [f.label.split(":")[0] for f in signs] == ["ptargdef", "pchaloff", "pchalneu"]
    for f in signs:
        term = coefs[f.label.split(":")[0]]
        assert f.reproduced == np.sign(term["coefficient"])
        assert f.passed is (f.reproduced == f.published)
    for f in (f for f in r.figures if f.unit == "significance"):
        term = coefs[f.label.split(":")[0]]
        same_way = np.sign(term["coefficient"]) == term["published_sign"]
        assert f.reproduced == float(term["p_dyad_clustered"] < 0.05 and same_way)
    sample = {row["item"]: row["value"] for row in r.tables["sample"]}
    assert sample["years"] == "1900-1914"
    assert sample["initiations in the model"] > 50
    assert {row["variant"] for row in r.tables["sensitivity"]} == {
        "as specified", "undecidable ATOP conditions not counted", "cubic peace-year terms",
        "pledges held in the previous year", "with both states' major-power status"}


def test_leeds_counts_every_directed_dyad_year(leeds_1900s, store_home) -> None:
    from foedus.panels import create_dyad_years

    sample = {row["item"]: row["value"] for row in leeds_1900s.tables["sample"]}
    assert sample["directed dyad-years"] == len(create_dyad_years(1900, 1914))
    used = (sample["directed dyad-years"] - sample["dropped: ongoing dispute or joiner"]
            - sum(v for k, v in sample.items() if k.startswith("dropped: ") and "missing" in k))
    assert sample["directed dyad-years in the model"] <= used


def test_years_outside_midb_are_refused(store_home) -> None:
    with pytest.raises(DyadicDesignError, match="1816-2010"):
        replicate("leeds-2003", start=1800, end=1850)


@pytest.mark.slow
def test_johnson_leeds_short_period_reports_alley_figures(store_home) -> None:
    r = replicate("johnson-leeds-2011", start=1990, end=2000, sensitivity=False)
    labels = [f.label for f in r.figures]
    assert "ptargdef: significant under dyadic-robust errors (|z| > 1.645)" in labels
    assert "pchalally: significant under dyadic-robust errors (|z| > 1.645)" in labels
    alley = [f for f in r.figures if "dyadic-robust" in f.label]
    coefs = {row["term"]: row for row in r.tables["coefficients"]}
    for f in alley:
        z = coefs[f.label.split(":")[0]]["z_dyadic"]
        assert f.published == 0.0 and f.reproduced == float(abs(z) > 1.645)


@pytest.mark.slow
def test_cli_json_full_leeds_2003(cli_env) -> None:
    result = run_cli("replicate", "leeds-2003", "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["study"] == "leeds-2003" and body["doi"] == "10.1111/1540-5907.00031"
    names = {d["name"] for d in body["provenance"]["datasets"]}
    assert {"midb", "polity5", "atop_members", "nmc_6"} <= names
    assert all("pass" in f for f in body["figures"])
    sample = {row["item"]: row["value"] for row in body["tables"]["sample"]}
    assert sample["years"] == "1816-1944" and sample["directed dyad-years"] > 200_000
    schema = REPO / "docs" / "schemas" / "replicate.schema.json"
    if schema.is_file():  # written by the suite's schema work, validated where present
        from helpers import schema_validator

        schema_validator("replicate").validate(body)


def test_a_term_that_predicts_no_initiation_is_left_out_with_its_rows() -> None:
    from foedus.replications._dyadic_study import _estimable

    frame = pd.DataFrame({"dispute": [0, 1, 0, 1, 0, 0], "pchaloff": [0, 0, 0, 0, 1, 1],
                          "capprop": [0.1, 0.5, 0.3, 0.9, 0.2, 0.4],
                          "jdem": [0, 0, 0, 0, 0, 0]})
    kept, left_out = _estimable(frame, ["pchaloff", "capprop", "jdem"])
    assert set(left_out) == {"pchaloff", "jdem"}
    assert "predicts no initiation perfectly (2 dyad-years" in left_out["pchaloff"]
    assert len(kept) == 4 and "constant" in left_out["jdem"]
