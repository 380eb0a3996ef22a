"""Counterfactual modifications of the commitment system, on the real store.

The system is compared pledge by pledge before and after: a change that takes effect on a
date must leave every earlier day untouched and change exactly what it names.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from foedus.counterfactual.modifications import (
    apply_modifications,
    resolve_modifications,
    spending_scale,
)
from foedus.crisis.scenario import check_scenario

REPO = Path(__file__).resolve().parents[2]
ESTONIA = REPO / "scenarios" / "baltic-estonia-2024.toml"
USA, UKR, GBR, NZL, EST, DEU = 2, 369, 200, 920, 366, 255


@pytest.fixture(scope="module")
def system(built_home, mirror):
    import os

    saved = os.environ.get("FOEDUS_HOME")
    os.environ["FOEDUS_HOME"] = str(built_home)
    try:
        from foedus.data.loaders import load_system

        yield load_system()
    finally:
        if saved is None:
            os.environ.pop("FOEDUS_HOME", None)
        else:
            os.environ["FOEDUS_HOME"] = saved


def _modified(system, text: str, day: dt.date):
    from foedus.crisis.scenario import Scenario

    scenario = Scenario.model_validate({
        "date": day, "attack": [{"attacker": "RUS", "target": "EST"}],
        "modify": __import__("tomllib").loads(text)["modify"]})
    resolved, problems = resolve_modifications(scenario.modify, day, system)
    assert not problems
    return apply_modifications(system, resolved), resolved


def _pledges(system, day: dt.date) -> set[tuple]:
    return {(p.treaty.id, p.obligation.id.removesuffix("~cf"), p.holder, p.beneficiary)
            for p in system.as_of(day).pledges()}


class TestMembership:
    def test_removing_a_member_removes_exactly_its_pledges_from_the_date(self, system):
        changed, _ = _modified(system, """
            [[modify]]
            action = "remove_member"
            treaty = "NATO"
            state = "USA"
            from = 2020-01-01
            """, dt.date(2024, 7, 1))
        before, on = dt.date(2019, 12, 31), dt.date(2020, 1, 1)
        assert _pledges(changed, before) == _pledges(system, before)
        old, new = _pledges(system, on), _pledges(changed, on)
        removed = old - new
        # a leg counted under NATO may now count under a treaty the crosswalk declares
        # concurrent with it (issue 14: the US-Turkey agreement of 1959, ATOP 3360)
        appeared = new - old
        assert {(h, b) for _, _, h, b in appeared} <= {(h, b) for _, _, h, b in removed}
        assert removed and all(t == "book:nato" and USA in (h, b) for t, _, h, b in removed)
        assert removed == {p for p in old if p[0] == "book:nato" and USA in p[2:]}
        # the US keeps its other commitments
        assert any(t != "book:nato" and h == USA for t, _, h, _ in new)

    def test_adding_a_member_adds_exactly_its_pledges(self, system):
        changed, _ = _modified(system, """
            [[modify]]
            action = "add_member"
            treaty = "book:nato"
            state = "UKR"
            from = 2024-07-01
            """, dt.date(2024, 7, 1))
        day = dt.date(2024, 7, 1)
        assert _pledges(changed, day - dt.timedelta(days=1)) == _pledges(
            system, day - dt.timedelta(days=1))
        added = _pledges(changed, day) - _pledges(system, day)
        assert _pledges(system, day) <= _pledges(changed, day)
        members = set(system.treaty("book:nato").members_on(day))
        owed = {h for t, o, h, b in added if b == UKR and o == "art5"}
        owes = {b for t, o, h, b in added if h == UKR and o == "art5"}
        assert owed == members and owes == members
        assert all(t == "book:nato" and UKR in (h, b) for t, _, h, b in added)

    def test_ending_a_treaty_ends_every_pledge_of_it(self, system):
        changed, _ = _modified(system, """
            [[modify]]
            action = "end_treaty"
            treaty = "NATO"
            from = 2024-01-01
            """, dt.date(2024, 7, 1))
        day = dt.date(2024, 7, 1)
        assert not any(t == "book:nato" for t, *_ in _pledges(changed, day))
        remaining = {p for p in _pledges(system, day) if p[0] != "book:nato"}
        now = _pledges(changed, day)
        assert remaining <= now
        # what appears is a leg NATO counted until now, left to a concurrent treaty
        # (the crosswalk counts one leg once; issue 14)
        nato_legs = {(h, b) for t, _, h, b in _pledges(system, day) if t == "book:nato"}
        assert {(h, b) for _, _, h, b in now - remaining} <= nato_legs

    def test_suspending_one_leg_keeps_the_other_direction(self, system):
        changed, _ = _modified(system, """
            [[modify]]
            action = "suspend"
            treaty = "NATO"
            holder = "GBR"
            beneficiary = "EST"
            from = 2024-01-01
            until = 2025-01-01
            """, dt.date(2024, 7, 1))
        day = dt.date(2024, 7, 1)
        gone = _pledges(system, day) - _pledges(changed, day)
        assert gone == {p for p in _pledges(system, day)
                        if p[0] == "book:nato" and p[2:] == (GBR, EST)}
        assert ("book:nato", "art5", EST, GBR) in _pledges(changed, day)
        assert _pledges(changed, dt.date(2025, 1, 1)) == _pledges(system, dt.date(2025, 1, 1))


class TestObligations:
    def test_lifting_the_scope_brings_nato_into_the_south_atlantic(self, system):
        from foedus.query.obligations import obligations

        def bound(s):
            answer = obligations(s, as_of=dt.date(2024, 7, 1), attackers=[160], target=GBR,
                                 place="falkland_islands")
            return {b.state for b in answer.obligations if b.treaty.id == "book:nato"
                    and b.obligation.kind == "defense"}

        changed, _ = _modified(system, """
            [[modify]]
            action = "scope"
            treaty = "NATO"
            anywhere = true
            from = 2024-01-01
            """, dt.date(2024, 7, 1))
        assert bound(system) == set()
        assert USA in bound(changed) and len(bound(changed)) > 25

    def test_decision_rule_split_at_the_date(self, system):
        from foedus.model.vocab import Decision

        changed, _ = _modified(system, """
            [[modify]]
            action = "decision"
            treaty = "NATO"
            obligation = "art5"
            decision = "consensus"
            from = 2024-01-01
            """, dt.date(2024, 7, 1))
        nato = changed.treaty("book:nato")
        old = next(o for o in nato.obligations if o.id == "art5")
        new = next(o for o in nato.obligations if o.id == "art5~cf")
        assert old.end == dt.date(2024, 1, 1) and new.start == dt.date(2024, 1, 1)
        assert new.decision is Decision.CONSENSUS and old.decision is not Decision.CONSENSUS
        assert new.condition == old.condition

    def test_withdrawing_a_nuclear_guarantee(self, system):
        changed, _ = _modified(system, """
            [[modify]]
            action = "nuclear_guarantee"
            treaty = "NATO"
            guarantor = "USA"
            withdraw = true
            from = 2024-01-01
            """, dt.date(2024, 7, 1))
        def active(s, day):
            return {g.guarantor for g in s.treaty("book:nato").provisions.nuclear
                    if g.active(day)}
        assert USA in active(system, dt.date(2024, 7, 1))
        assert USA not in active(changed, dt.date(2024, 7, 1))
        assert USA in active(changed, dt.date(2023, 12, 31))
        assert active(changed, dt.date(2024, 7, 1)) == active(system, dt.date(2024, 7, 1)) - {USA}


class TestSpending:
    def test_recomputed_cinc_reproduces_the_published_column(self, built_home, monkeypatch):
        from foedus.crisis.means import _cinc_scaled
        from foedus.data.store import connect

        monkeypatch.setenv("FOEDUS_HOME", str(built_home))
        with connect() as con:
            same = _cinc_scaled(con, 2012, {})
            double = _cinc_scaled(con, 2012, {USA: 2.0})
            published = con.execute("SELECT ccode, cinc FROM capabilities WHERE "
                                    "nmc_version = '7.0' AND year = 2012").df()
        merged = same.merge(published, on="ccode", suffixes=("", "_pub"))
        assert np.allclose(merged["cinc"], merged["cinc_pub"], atol=1e-7)
        us = double.set_index("ccode")["cinc"]
        base = same.set_index("ccode")["cinc"]
        assert us[USA] > base[USA]
        others = base.index != USA
        assert (us[others] <= base[others] + 1e-12).all()

    def test_level_and_growth_scales(self, system):
        day = dt.date(2028, 1, 1)  # inside the horizon data are carried to (2028-12-31)
        _, resolved = _modified(system, """
            [[modify]]
            action = "spending"
            states = ["DEU"]
            level_pct = 3.5
            [[modify]]
            action = "spending"
            states = ["USA"]
            growth_pct = 10
            """, day)
        scale = spending_scale(resolved, system, day, {DEU: (2024, 1.75), USA: (2024, 3.4)})
        assert scale[DEU] == pytest.approx(2.0)
        assert scale[USA] == pytest.approx(1.1 ** 4)  # four years of 10% from 2024


def _check(tmp_path, text: str, name: str = "alt.toml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return check_scenario(text, str(path), allow_outside=True)  # bases in the repository


class TestScenarioFiles:
    def test_unknown_state_and_treaty_are_errors_with_their_lines(self, tmp_path, store_home):
        _, _, problems = _check(tmp_path, f'''base = "{ESTONIA}"

[[modify]]
action = "add_member"
treaty = "NATO"
state = "Atlantis"

[[modify]]
action = "remove_member"
treaty = "Hanseatic League"
state = "EST"
''')
        found = {(p.line, p.field) for p in problems}
        assert (6, "modify[0].state") in found
        assert (10, "modify[1].treaty") in found
        assert all(p.file.endswith("alt.toml") for p in problems)

    def test_a_change_that_does_not_fit_is_an_error(self, tmp_path, store_home):
        _, _, problems = _check(tmp_path, f'''base = "{ESTONIA}"
[[modify]]
action = "remove_member"
treaty = "NATO"
state = "JPN"
''')
        assert len(problems) == 1 and problems[0].line == 2
        assert "not a member" in problems[0].message

    def test_bad_fields_and_actions(self, tmp_path, store_home):
        _, _, problems = _check(tmp_path, f'''base = "{ESTONIA}"
[[modify]]
action = "forward_forces"
treaty = "NATO"
host = "LTU"
lead = "DEU"
size = -5

[[modify]]
action = "annex"
treaty = "NATO"
''')
        fields = {p.field: p.line for p in problems}
        assert fields.get("modify[0].size") == 7
        assert fields.get("modify[1]") == 9
        assert any("does not match any of the expected tags" in p.message
                   and "'annex'" in p.message for p in problems)

    def test_base_is_inherited_and_modifications_add_up(self, tmp_path, store_home):
        first = tmp_path / "first.toml"
        first.write_text(f'''base = "{ESTONIA}"
name = "first"
[allies]
solidarity = 0.5
[[modify]]
action = "credibility"
holder = "USA"
shift = -1.0
''', "utf-8")
        scenario, attacks, problems = _check(tmp_path, '''base = "first.toml"
name = "second"
[challenger]
days_to_objective = 9.0
[[modify]]
action = "credibility"
holder = "GBR"
shift = 1.0
''')
        assert not problems
        assert scenario.name == "second" and scenario.allies.solidarity == 0.5
        assert scenario.challenger.days_to_objective == 9.0
        assert scenario.challenger.value == (0.5, 1.5)  # the Estonia file's own
        assert [m.holder for m in scenario.modify] == ["USA", "GBR"]
        assert attacks[0].target == EST and scenario.seed == 2024

    def test_a_base_that_leads_back_or_is_missing(self, tmp_path, store_home):
        (tmp_path / "a.toml").write_text('base = "b.toml"\n', "utf-8")
        (tmp_path / "b.toml").write_text('base = "a.toml"\n', "utf-8")
        _, _, problems = check_scenario('base = "a.toml"\n', str(tmp_path / "c.toml"))
        assert any("leads back" in p.message for p in problems)
        _, _, problems = _check(tmp_path, 'name = "x"\nbase = "nowhere.toml"\n')
        assert problems[0].line == 2 and "cannot read" in problems[0].message


class TestCrisis:
    def test_forward_forces_never_lower_p_deterred(self, tmp_path, store_home):
        """A German brigade in Estonia, nothing else changed: with the same seed (common
        random numbers) P(deterred) does not fall, and no state's capability does."""
        from foedus.crisis.compile import compile_scenario
        from foedus.crisis.run import run
        from foedus.crisis.scenario import load_scenario

        alt = tmp_path / "brigade.toml"
        alt.write_text(f'''base = "{ESTONIA}"
[[modify]]
action = "forward_forces"
treaty = "NATO"
host = "EST"
lead = "DEU"
size = 5000
reinforcement_days = 10
''', "utf-8")
        results = []
        for path in (ESTONIA, alt):
            scenario, attacks = load_scenario(path, allow_outside=True)
            compiled = compile_scenario(scenario, attacks)
            results.append((compiled, run(compiled, draws=65536, seed=7)))
        (cb, rb), (ca, ra) = results
        assert list(cb.states) == list(ca.states)
        assert (ca.capability >= cb.capability - 1e-15).all()
        assert ca.capability[list(ca.states).index(DEU)] > cb.capability[
            list(cb.states).index(DEU)]
        assert ra.p_deterred[0] >= rb.p_deterred[0]
        assert ca.modifications[0]["action"] == "forward_forces"
