"""The engine's parameters from history: the war record, the ICB cases, the decision fit.

The fit is checked on synthetic crises whose true parameters are known (it must recover
them within its own uncertainty), the case rules on facts of the data read by hand, and
the command on a small subset (the full fit runs by hand: ``foedus crisis fit``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from foedus.crisis.decision import WorldMoments
from foedus.crisis.fit import (
    MIN_CASES,
    fit_decision,
    p_violence_cases,
    support,
    update_informal,
)
from foedus.crisis.icb import GRID, cow_code

from helpers import assert_one_line_error, run_cli, schema_validator

Q = 0.05


def synthetic(n: int, params: dict, seed: int, nuclear: bool = True,
              armed_targets: float = 0.0) -> pd.DataFrame:
    """``n`` crises with one world each (one draw: the world is certain), their outcome
    drawn from :func:`p_violence_cases` at ``params``. A share ``armed_targets`` of the
    targets has nuclear weapons of its own (counted in *k*, the case flagged
    ``target_nuclear``; without it the rows carry no flags, as engine 2.0's did); nuclear
    weapons on the attacker's side are then the challenger's own (``attacker_nuclear``)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    armed = rng.random(n) < armed_targets
    k = (rng.integers(0, 3 if not armed_targets else 2, n) if nuclear
         else np.zeros(n, np.int64)) + armed
    a = rng.random(n) < (0.3 if nuclear else 0.0)
    rows = []
    for i in range(n):
        m = WorldMoments.from_draws(np.array([x[i]]), np.array([k[i]]), np.array([a[i]]), 3)
        rows.append({"n": m.n, "sum_x": m.sum_x, "sum_xx": m.sum_xx, "sum_ax": m.sum_ax,
                     "count_k": m.count_k.tolist(), "x_k": m.x_k.tolist(),
                     "a_k": m.a_k.tolist(), "error": None, "grid": None})
    frame = pd.DataFrame(rows)
    pi = 1 - (1 - Q) ** k
    own = strike_own = 0.0
    if armed_targets:
        frame = frame.assign(target_nuclear=armed, attacker_nuclear=a)
        own, strike_own = Q * armed, Q * a
    p = p_violence_cases(x, pi, a.astype(float), (k > 0).astype(float), params, Q, own,
                         strike_own)
    return frame.assign(attacked=rng.random(n) < p)


TRUE = {"value": (0.5, 1.5), "cost_tolerance": (0.5, 2.0), "war_cost": 1.0,
        "nuclear_cost": 20.0, "scale": 0.5, "nuclear_value": 0.3}


@pytest.fixture(scope="module")
def fitted():
    return fit_decision(synthetic(1500, TRUE, seed=1), q=Q, seed=0)


class TestDecisionFit:
    def test_recovers_the_parameters(self, fitted):
        """Each estimate within three of its standard deviations of the truth (all four
        informed: 1,500 crises)."""
        for name in ("war_cost", "nuclear_cost", "scale", "nuclear_value"):
            e = fitted["estimates"][name]
            assert e["source"] == "icb", name
            assert abs(e["mean"] - TRUE[name]) <= 3 * e["sd"], (name, e["mean"], e["sd"])
            lo, hi = e["interval"]
            assert lo < e["mean"] < hi
        assert fitted["fit"]["converged"]
        assert len(fitted["draws"]) == 200
        assert isinstance(fitted["fit"]["log_posterior"], float)
        json.dumps(fitted, allow_nan=False)  # what fitted.json holds: plain JSON

    def test_too_few_cases_keep_the_prior(self):
        """No nuclear weapons anywhere: the nuclear terms are informed by no case, so the
        fit keeps their priors and says so with the count."""
        from foedus.crisis.fitted import PRIORS, prior_point

        frame = synthetic(300, {**TRUE, "nuclear_value": 0.0}, seed=2, nuclear=False)
        sup = support(frame, Q)
        assert sup["nuclear_cost"]["cases"] == 0 and not sup["nuclear_cost"]["enough"]
        d = fit_decision(frame, q=Q, seed=0)
        for name in ("nuclear_cost", "nuclear_value"):
            e = d["estimates"][name]
            assert e["source"] == "prior" and e["mean"] == pytest.approx(prior_point(name))
            assert "0 cases" in e["note"] and f"at least {MIN_CASES}" in e["note"]
        assert d["estimates"]["war_cost"]["source"] == "icb"
        assert "log_mean" in PRIORS["war_cost"]

    def test_recovers_both_nuclear_costs(self):
        """Nuclear-armed targets in 40% of 1,500 crises, N_own = 4 and N_ext = 40: all
        five parameters fitted jointly, each within three standard deviations of the
        truth, and N_own below N_ext."""
        truth = {**TRUE, "nuclear_cost": 40.0, "nuclear_cost_own": 4.0}
        frame = synthetic(1500, truth, seed=5, armed_targets=0.4)
        assert support(frame, Q)["nuclear_cost_own"]["enough"]
        d = fit_decision(frame, q=Q, seed=0)
        e = d["estimates"]
        for name in ("war_cost", "nuclear_cost", "nuclear_cost_own", "scale",
                     "nuclear_value"):
            assert e[name]["source"] == "icb", name
            assert abs(e[name]["mean"] - truth[name]) <= 3 * e[name]["sd"], (name, e[name])
        assert e["nuclear_cost_own"]["interval"][1] < e["nuclear_cost"]["interval"][0]
        assert {"nuclear_cost_own"} <= set(d["draws"][0])

    def test_no_armed_target_keeps_the_own_prior(self, fitted):
        """Engine 2.0's rows (no target flag) and the synthetic fixture's crises: no
        target has weapons of its own, so N_own keeps its prior, says so with the count,
        and N_ext is estimated."""
        from foedus.crisis.fitted import prior_point

        e = fitted["estimates"]["nuclear_cost_own"]
        assert e["source"] == "prior" and e["cases"] == 0
        assert e["mean"] == pytest.approx(prior_point("nuclear_cost_own"))
        assert "too few cases: 0 cases whose target" in e["note"]
        assert f"at least {MIN_CASES}" in e["note"]
        assert fitted["estimates"]["nuclear_cost"]["source"] == "icb"

    def test_informal_update_moves_with_the_record(self, fitted):
        """A case whose attack probability falls with p: no attack raises the posterior
        mean above the join record's, an attack lowers it."""
        def row(attacked):
            grid = []
            for p in GRID:  # a stronger informal protector: a worse war for the attacker
                m = WorldMoments.from_draws(np.array([0.8 - 1.6 * p]), np.array([0]),
                                            np.array([False]), 2)
                grid.append({"n": m.n, "sum_x": m.sum_x, "sum_xx": m.sum_xx,
                             "sum_ax": m.sum_ax, "count_k": m.count_k.tolist(),
                             "x_k": m.x_k.tolist(), "a_k": m.a_k.tolist()})
            return {"case": "x", "name": "x", "date": "2000-01-01", "attacked": attacked,
                    "error": None, "grid": grid}
        prior = {"alpha": 1.0, "beta": 4.0, "mean": 0.2}
        up = update_informal(pd.DataFrame([row(False)] * 3), fitted, prior, q=Q)
        down = update_informal(pd.DataFrame([row(True)] * 3), fitted, prior, q=Q)
        assert down["mean"] < 0.2 < up["mean"]
        assert up["record_mean"] == 0.2 and len(up["draws"]) == 200


class TestWarRecord:
    def test_reach_rows_by_hand(self, store_home):
        """The United States joined Korea (1950) and the Gulf (1991) far from home: no
        strike on its region; the United Kingdom, joining against Germany in 1939, was."""
        from foedus.crisis.history import fit_reach, reach_rows

        rows = reach_rows()
        strike = rows[rows["kind"] == "strike"].set_index(["war", "striker", "struck"])
        assert not strike.loc[("cow:151", 731, 2), "y"]
        assert not strike.loc[("cow:211", 645, 2), "y"]
        assert strike.loc[("cow:139", 255, 200), "y"]
        model = fit_reach(rows, "strike", boot=20)
        assert model["n"] == len(strike) and model["coef"][1] < 0  # farther, rarer

    def test_escalation_record(self, store_home):
        """One use (the United States, August 1945) in every war participation of a
        nuclear-armed state; Jeffreys' posterior."""
        from foedus.crisis.history import escalation_record, fit_escalation

        record = escalation_record()
        assert record["used"].sum() == 1
        assert record.loc[record["used"], "ccode"].tolist() == [2]
        assert {"cow:221", "cow:223"} <= set(record["war"])  # Kosovo; Kargil, both sides
        post = fit_escalation(record, boot=10)
        assert post["alpha"] == 1.5 and post["beta"] == 0.5 + len(record) - 1

    def test_informal_prior_and_record(self):
        from foedus.crisis.informal import posterior, record

        post = posterior()
        assert post["prior"]["mean"] == pytest.approx(6 / 43)
        assert post["trials"] == len(record()) == 6 and post["joined"] == 0
        assert post["alpha"] == pytest.approx(2 * 6 / 43)
        assert post["beta"] == pytest.approx(2 * 37 / 43 + 6)


class TestICB:
    def test_cases_carry_the_nuclear_flags(self, store_home):
        """A played case carries whether its target and its challenger have nuclear
        weapons of their own on the day (the decision prices the target's apart), and the
        fit reads them: Argentina against the United Kingdom, 2 April 1982, and the
        reverse."""
        import pandas as pd

        from foedus.credibility import load
        from foedus.crisis import fitted as fitted_params
        from foedus.crisis.fit import _arrays
        from foedus.crisis.icb import world
        from foedus.data.loaders import load_system

        common = {"system": load_system(), "fitted": load(),
                  "crisis_fit": fitted_params.load(), "draws": 256, "seed": 0}
        day = dt.date(1982, 4, 2)
        rows = [world({"name": "x", "date": day, "challenger": a, "target": t, "crisis": 0},
                      **common) for a, t in ((160, 200), (200, 160))]
        assert [(r["target_nuclear"], r["attacker_nuclear"]) for r in rows] == [
            (True, False), (False, True)]
        frame = pd.DataFrame(rows).assign(attacked=[True, False])
        from foedus.crisis.decision import own_risk

        c = _arrays(frame, Q)
        armed = own_risk(Q, True)
        assert armed == pytest.approx(Q)
        assert c.own.tolist() == [armed, 0.0] and c.strike_own.tolist() == [0.0, armed]
        assert c.pi[0] >= armed  # the target's own weapons: at war in every world
        assert c.nuclear[0] == 1.0
        # a nuclear-armed state besides the target on the defending side: fewer draws
        assert (c.protected <= c.nuclear).all() and (c.protected >= 0).all()

    def test_crosswalk(self):
        assert cow_code(260, dt.date(1961, 8, 13)) == 260
        assert cow_code(260, dt.date(1999, 3, 24)) == 255
        assert cow_code(678, dt.date(1962, 9, 26)) == 678
        assert cow_code(678, dt.date(1994, 5, 1)) == 679
        assert cow_code(340, dt.date(2008, 2, 17)) == 345
        assert cow_code(365, dt.date(2014, 2, 27)) == 365

    def test_case_rule(self, store_home):
        from foedus.crisis.icb import NONVIOLENT, cases
        from foedus.data.store import connect

        frame, left = cases()
        with connect() as con:
            actors = con.execute("SELECT count(*) FROM icb_actors").fetchone()[0]
        assert len(frame) + sum(left.values()) == actors
        assert set(frame["trigger"]) <= set(NONVIOLENT)
        assert (frame["attacked"] == (frame["viol"] >= 3)).all()
        assert left["violent trigger"] > 0 and left["non-state trigger"] > 0
        kosovo = frame[(frame["name"] == "KOSOVO") & (frame["target"] == 255)]
        assert len(kosovo) == 1  # GW 260 in 1999 is unified Germany, COW 255


class TestCommand:
    def test_fit_json(self, cli_env):
        proc = run_cli("crisis", "fit", "--limit", "6", "--draws", "2048", "--no-general",
                       "--json", env=cli_env, timeout=900)
        assert proc.returncode == 0, proc.stderr
        payload = json.loads(proc.stdout)
        errors = sorted(schema_validator("crisis-fit").iter_errors(payload), key=str)
        assert not errors, [e.message for e in errors[:5]]
        d = payload["decision"]
        assert d["fit"]["cases"] == 6
        # six crises of 1918-1920 cannot inform a nuclear term: the priors stand
        assert d["estimates"]["nuclear_cost"]["source"] == "prior"
        assert payload["escalation"]["uses"] == 1
        assert payload["opportunity"] == {}
        # the credibility model the crises were played with, named by its file's sha256
        shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
        assert payload["provenance"]["credibility"] == {
            "file": "shipped", "sha256": hashlib.sha256(shipped).hexdigest(),
            "spec": json.loads(shipped)["spec"]}

    def test_the_shipped_parameters_name_the_shipped_credibility_model(self):
        """Refitting the credibility model without refitting crisis/fitted.json (``foedus
        crisis fit --out``) fails here."""
        from foedus.crisis import fitted as fitted_params

        shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
        named = fitted_params.load()["provenance"]["credibility"]
        assert named["sha256"] == hashlib.sha256(shipped).hexdigest()
        assert named["file"] == "shipped"

    def test_another_credibility_model_needs_one_worker(self, cli_env, tmp_path):
        """The worker processes load the shipped credibility model: asking for another with
        several workers is refused in one line, before anything is played."""
        model = tmp_path / "credibility.json"
        model.write_text("{}", "utf-8")
        for command in ("fit", "validate"):
            proc = run_cli("crisis", command, "--credibility", str(model), "--workers", "2",
                           "--limit", "1", env=cli_env)
            assert_one_line_error(proc, "--credibility works with one worker only")
