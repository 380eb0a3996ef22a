"""The credibility model on the real record: the cases, the features of modern pledges,
the shipped model's choice and support, and answers for NATO and Russia–Belarus."""

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
    load,
    log_odds_draws,
    nuclear_states,
    pledge_features,
)
from foedus.credibility.model import FACTORS, SPECS
from foedus.credibility.validation import beats

DAY = dt.date(2024, 7, 1)


def test_nuclear_states_table():
    n = nuclear_states().set_index("ccode")
    assert n.loc[2, "start"] == dt.date(1945, 7, 16)
    assert n.loc[731, "start"] == dt.date(2006, 10, 9)
    assert n.loc[560, "end"] == dt.date(1991, 7, 10)
    assert n["source"].notna().all()


class TestShipped:
    def test_the_shipped_specification_is_the_one_the_rule_picks(self):
        m = load()
        ok, _ = beats(m.validation["literature"])
        assert m.spec == ("literature" if ok else "pooled_rate")
        assert m.spec in SPECS and set(m.factors) == set(FACTORS[m.spec])
        assert list(m.features) == [f for f in SPECS[m.spec]]

    def test_validation_covers_both_specifications_schemes_and_eras(self):
        m = load()
        for spec in SPECS:
            for scheme in ("war", "treaty"):
                table = m.validation[spec][scheme]["scores"]
                assert set(table) == {"all", "pre-1945", "post-1945"}
                for era, forecasts in table.items():
                    assert {"model", "fold_rate", "era_rate", "era_rate_train"} <= set(
                        forecasts), era
                    r = forecasts["era_rate"]["rate"]
                    if era != "all":  # the era's own constant: rate × (1 − rate)
                        assert forecasts["era_rate"]["brier"] == pytest.approx(r * (1 - r))
        assert m.validation[m.spec]["war"]["calibration"] == m.calibration

    def test_posterior_draws_and_provenance(self):
        m = load()
        assert len(m.draws) == 400 and m.diagnostics["sampler"] == "NUTS"
        assert m.diagnostics["r_hat_max"] < 1.05 and m.diagnostics["divergences"] == 0
        assert {d["name"] for d in m.provenance["datasets"]} >= {"cow_wars", "nmc_7",
                                                                  "polity5"}
        assert all(d["sha256"] for d in m.provenance["datasets"])
        assert sum(r["n"] for r in m.support_table) == m.n


class TestRealData:
    def test_cases_are_decided_and_counted_once(self, store_home):
        from foedus.reliability import opportunities

        opp = opportunities(source="cow")
        kept = cases(opp)
        assert kept["casus_foederis"].map(lambda v: v is True).all()
        assert kept["counted"].all() and kept["honoured"].notna().all()
        assert not kept[["ally_already_at_war", "intra_alliance"]].any().any()
        assert not kept.duplicated(["war", "target", "target_side", "ally", "kind"]).any()
        # the Declaration by United Nations no longer speaks 300 times (reliability fix)
        assert (kept["atopid"] == 2550).sum() == 0
        counts = case_counts(opp)
        dropped = sum(v for k, v in counts.items() if k.startswith("dropped_"))
        assert counts["rows"] - dropped == counts["cases"] == len(kept) == load().n
        assert 0 < counts["casus_foederis_none"] <= counts["dropped_casus_foederis_not_true"]

    def test_pledge_features_of_modern_pledges(self, store_home):
        rows = pd.DataFrame({"ally": [2, 2, 365], "target": [366, 366, 370],
                             "kind": ["defense"] * 3,
                             "treaty": ["book:nato", "book:nato", "book:russia_belarus"],
                             "obligation": ["art5", "art5", "union_state.defense"],
                             "date": [DAY] * 3, "attackers": [(), (365,), ()]})
        f = pledge_features(rows)
        assert list(f.columns[: len(FEATURES)]) == list(FEATURES)
        nato = f.iloc[1]
        assert nato["log_members"] == pytest.approx(np.log(32))
        assert nato["treaty_level"] == "atop:3180" and nato["cf_class"] == "location"
        assert nato["era"] == "post-1945" and nato["post1945"] == 1
        assert nato["original_target"] == 1 and nato["conditional"] == 1
        assert nato["ally_major"] == 1 and nato["partner_major"] == 0
        assert f["log_distance"].iloc[0] == pytest.approx(np.log1p(7000), abs=0.3)
        assert f["attacker_capability"].iloc[0] == -6 < f["attacker_capability"].iloc[1]
        assert f["cf_class"].iloc[2] == "unconditional"
        assert f["cinc_carried"].all() and f["major_carried"].all()

    def test_within_treaty_distance_averages_zero_over_the_treaty(self, store_home):
        """UN-voting distance enters only as the dyad's deviation from its treaty's mean:
        over every member pair of a treaty it averages 0 (here NATO, 2004, 26 members)."""
        from foedus.data.loaders import load_system

        system = load_system()
        day = dt.date(2004, 7, 1)
        members = system.treaty("book:nato").members_on(day)
        rows = pd.DataFrame([{"ally": a, "target": b, "kind": "defense",
                              "treaty": "book:nato", "obligation": "art5", "date": day,
                              "attackers": ()} for a in members for b in members if a != b])
        f = pledge_features(rows, system)
        assert len(members) == 26 and f["un_distance_within"].abs().max() > 0.05
        assert f["un_distance_within"].mean() == pytest.approx(0, abs=1e-9)

    def test_change_since_formation_reads_the_last_year_on_record(self, store_home):
        from foedus.data.store import connect
        from foedus.reliability.performance import change_since_formation

        with connect() as con:
            got = change_since_formation(pd.DataFrame({
                "ally": [2], "partners": [(366,)], "entry_year": [2004], "year": [2024]}),
                con, latest=True)
            polity = con.execute("select ccode, year, polity2 from polity where ccode in "
                                 "(2, 366) and polity2 is not null").df()
        last = polity[polity["year"] <= 2023].groupby("ccode")["year"].max()
        assert (last < 2023).all()  # Polity ends before 2023: the last year is read
        moved = any(abs(polity[(polity.ccode == c) & (polity.year == last[c])].polity2.iloc[0]
                        - polity[(polity.ccode == c) & (polity.year == 2004)].polity2.iloc[0])
                    >= 3 for c in (2, 366))
        assert got["dinstch2"].iloc[0] == float(moved)

    def test_nato_article_5_has_no_record_and_says_so(self, store_home):
        out = credibility(2, 366, DAY, against=[365])
        art5 = out[(out["treaty"] == "book:nato") & (out["obligation"] == "art5")].iloc[0]
        assert 0 <= art5["lower"] <= art5["probability"] <= art5["upper"] <= 1
        s = art5["support"]
        assert s["cf_class"] == "location" and s["cases"] == 0 and s["prior_dominated"]
        assert s["cases_kind_era"] > 0 and s["cases_treaty"] == 0
        assert out.loc[out["kind"] == "consultation", "probability"].isna().all()

    def test_russia_belarus_stands_on_the_unconditional_post_1945_record(self, store_home):
        out = credibility(365, 370, DAY)
        union = out[out["obligation"] == "union_state.defense"].iloc[0]
        s = union["support"]
        assert s["cases"] > 0 and not s["prior_dominated"] and s["treaties"] >= 1
        assert union["upper"] - union["lower"] > 0.05  # the war's spread stays in it

    def test_the_crisis_interface(self, store_home):
        """``log_odds_draws(fitted, pledge_features(rows))``: draws × pledges of log-odds
        whose mean probability is the answer's (which averages more draws of the new
        levels: equal up to Monte Carlo error)."""
        from scipy.special import expit

        m = load()
        rows = pd.DataFrame({"ally": [2, 200], "target": [366, 366], "kind": ["defense"] * 2,
                             "treaty": ["book:nato"] * 2, "obligation": ["art5"] * 2,
                             "date": [DAY] * 2, "attackers": [(365,)] * 2})
        eta = log_odds_draws(m, pledge_features(rows))
        assert eta.shape == (len(m.draws), 2) and np.isfinite(eta).all()
        got = credibility(2, 366, DAY, against=[365], fitted=m)
        p = got.loc[got["obligation"] == "art5", "probability"].iloc[0]
        assert expit(eta[:, 0]).mean() == pytest.approx(p, abs=0.03)
        more = log_odds_draws(m, pledge_features(rows), replicates=25)
        assert more.shape == (25 * len(m.draws), 2)
        assert expit(more[:, 0]).mean() == pytest.approx(p)
