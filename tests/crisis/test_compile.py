"""Compiling scenarios against the real data: who could be drawn in, and with what chance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from foedus.crisis.compile import compile_scenario
from foedus.crisis.report import answer
from foedus.crisis.run import run
from foedus.crisis.scenario import load_scenario
from foedus.model.vocab import ObligationKind, View

USA, GBR, FRA, EST, BRA = 2, 200, 220, 366, 140


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _defence_holders(system, day, attackers, target, **event) -> set[int]:
    """The states the obligations query binds to defend ``target`` (an independent look)."""
    from foedus.query.obligations import obligations

    got = obligations(system, as_of=day, attackers=attackers, target=target,
                      view=View.LEGAL, **event)
    return {b.state for b in got.obligations if b.obligation.kind is ObligationKind.DEFENSE}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


class TestEstonia2024:
    def test_possible_joiners(self, estonia):
        _, _, c = estonia
        states = c.states.tolist()
        assert states[0] == EST and c.n_targets == 1
        assert {USA, GBR, FRA} <= set(states[1:])
        assert len(states) == len(set(states))
        assert c.attackers == (365,)

    def test_direct_pledges_are_the_triggered_defence_obligations(self, estonia, store_home):
        """The states directly pledged to Estonia are exactly those the obligations query
        binds to defend it, and a state reached only through another ally (Brazil, by the
        Rio Treaty to the United States) is in the cascade but not direct."""
        from foedus.data.loaders import load_system

        scenario, attacks, c = estonia
        a = attacks[0]
        bound = _defence_holders(load_system(), scenario.date, [a.attacker], EST,
                                 place=a.place, hit=a.hit, domain=a.domain)
        index = {s: i for i, s in enumerate(c.states.tolist())}
        direct = {s for s, i in index.items() if c.direct[i]}
        assert direct == bound - {365}
        assert {int(c.states[h]) for h, x in zip(c.edge_holder, c.edge_beneficiary,
                                                  strict=True) if x == 0} == direct
        assert BRA in index and not c.direct[index[BRA]]
        assert c.direct[index[USA]] and c.direct[index[GBR]]

    def test_every_probability_is_a_probability(self, estonia):
        _, _, c = estonia
        assert c.edge_logit.shape[1] == len(c.edge_holder) > 0
        for logits in (c.edge_logit, c.neutral_logit, c.offense_logit):
            assert np.isfinite(logits).all()
            p = _sigmoid(logits)
            assert ((p >= 0) & (p <= 1)).all()
        assert c.pledges and all(0 <= p["probability"] <= 1 for p in c.pledges)
        assert (c.capability >= 0).all() and c.capability[0] > 0
        assert c.attacker_capability is not None and c.attacker_capability > 0

    def test_one_probability_per_holder_and_beneficiary(self, estonia):
        _, _, c = estonia
        pairs = list(zip(c.edge_holder.tolist(), c.edge_beneficiary.tolist(),
                         c.edge_consensus.tolist(), strict=True))
        assert len(pairs) == len(set(pairs))

    def test_nuclear_guarantors(self, estonia):
        """NATO's book records US, British and French nuclear guarantees (1999)."""
        _, _, c = estonia
        index = {s: i for i, s in enumerate(c.states.tolist())}
        assert {int(c.states[i]) for i in np.nonzero(c.guarantor)[0]} == {USA, GBR, FRA}
        assert not c.guarantor[index[EST]]

    def test_answer_probabilities(self, estonia, store_home):
        scenario, attacks, c = estonia
        result = run(c, draws=2000, seed=1)
        out = answer(result, as_of=scenario.date, as_of_source="scenario", attacks=attacks)
        assert 0 <= out["p_deterred"] <= 1 and 0 <= out["p_widens"] <= 1
        assert set(out["drawn_in"]) >= {"USA", "GBR"} and "EST" not in out["drawn_in"]
        for key in ("drawn_in", "entrapment", "drawn_in_se", "entrapment_se"):
            assert all(0 <= v <= 1 for v in out[key].values()), key
        for key, p in out["entrapment"].items():
            assert p <= out["drawn_in"][key]
        # directly pledged states are never entrapped
        direct = {int(s) for s, d in zip(c.states, c.direct, strict=True) if d}
        assert (result.tally.entrapped[[i for i, s in enumerate(c.states) if s in direct]]
                == 0).all()

    def test_answer_states_of_the_pledges(self, estonia, store_home):
        """Each pledge's holder and beneficiary is the state resolved on the day (an
        independent look-up per pledge here; the answer resolves each state once), and
        every pledge has dicts of its own: changing one leaves the others as they were."""
        from foedus.data.identities import resolve_state

        scenario, attacks, c = estonia
        out = answer(run(c, draws=100, seed=1), as_of=scenario.date,
                     as_of_source="scenario", attacks=attacks)
        pledges = out["pledges"] + out["attacker_pledges"]
        assert len(pledges) == len(c.pledges) + len(c.ally_pledges)
        for p, raw in zip(pledges, [*c.pledges, *c.ally_pledges], strict=True):
            for side in ("holder", "beneficiary"):
                assert p[side] == resolve_state(raw[side], on=scenario.date).to_json()
        estonian = [p["beneficiary"] for p in out["pledges"] if p["beneficiary"]["cow"] == EST]
        assert len(estonian) > 1
        estonian[0]["name"] = "changed"
        assert all(b["name"] == "Estonia" for b in estonian[1:])


class TestOutOfArea:
    """An Argentine landing on the Falklands in 2024: NATO Art. 6 stops at the Tropic of
    Cancer, and no other treaty obliges anyone to defend the United Kingdom there."""

    TEXT = """\
name = "Falklands, 2024"
date = 2024-07-01
draws = 3000
seed = 1

[[attack]]
attacker = "ARG"
target = "GBR"
place = "falkland_islands"
"""

    def test_no_one_is_drawn_in(self, tmp_path, store_home):
        from foedus.data.loaders import load_system

        day = dt.date(2024, 7, 1)
        assert not _defence_holders(load_system(), day, [160], GBR,
                                    place="falkland_islands")
        # the same attack on the British homeland does trigger NATO Art. 5
        assert USA in _defence_holders(load_system(), day, [160], GBR)
        scenario, attacks = load_scenario(_write(tmp_path, "falklands.toml", self.TEXT))
        c = compile_scenario(scenario, attacks)
        assert c.states.tolist() == [GBR] and len(c.edge_holder) == 0
        assert any("no defence obligation" in n for n in c.notes)
        result = run(c, draws=scenario.draws, seed=scenario.seed)
        out = answer(result, as_of=scenario.date, as_of_source="scenario", attacks=attacks)
        assert out["drawn_in"] == {} and out["entrapment"] == {}
        assert out["coalition"]["size_mean"] == 1.0
        # the war widens only on Argentina's side: when the United Kingdom strikes back at
        # the Argentine homeland, Argentina's Rio Treaty partners' pledges trigger
        assert {p["beneficiary"]["abb"] for p in out["attacker_pledges"]} == {"ARG"}
        assert USA in c.ally_holder
        joins = result.tally.allies_side.sum()
        assert 0 < result.tally.widens <= joins <= result.tally.struck_back * len(
            c.ally_holder)


class TestNonStateAttacker:
    """Al-Qaeda against the United States, 11 September 2001: its capability is not in the
    data, so there is no verdict on deterrence unless the scenario gives it."""

    TEXT = """\
date = 2001-09-11
draws = 2000
seed = 3

[[attack]]
attacker = "nonstate:al-Qaeda"
target = "USA"
"""

    def test_without_capability_no_verdict(self, tmp_path, store_home):
        scenario, attacks = load_scenario(_write(tmp_path, "911.toml", self.TEXT))
        c = compile_scenario(scenario, attacks)
        assert c.attacker_capability is None
        result = run(c, draws=scenario.draws, seed=scenario.seed)
        out = answer(result, as_of=scenario.date, as_of_source="scenario", attacks=attacks)
        assert out["p_deterred"] is None and out["p_deterred_se"] is None
        assert "challenger.capability" in out["p_deterred_reason"]
        assert out["attacks"][0]["attacker"] == {"nonstate": "al-Qaeda"}
        assert out["drawn_in"] and out["p_widens"] > 0  # NATO Art. 5, invoked in 2001

    def test_with_capability_a_number(self, tmp_path, store_home):
        text = self.TEXT + "\n[challenger]\ncapability = 0.001\nvalue = [0.5, 1.5]\n"
        scenario, attacks = load_scenario(_write(tmp_path, "911.toml", text))
        c = compile_scenario(scenario, attacks)
        assert c.attacker_capability == pytest.approx(0.001)
        result = run(c, draws=scenario.draws, seed=scenario.seed)
        out = answer(result, as_of=scenario.date, as_of_source="scenario", attacks=attacks)
        assert out["p_deterred_reason"] is None
        # a CINC of 0.001 against the United States: the war is lost (margin ≈ −1), so
        # most types are deterred, but not all (random utility: no verdict is 1)
        assert out["world"]["win_margin"] < -0.95
        assert 0.5 < out["p_deterred"] < 1.0
        assert out["p_deterred_interval"][0] <= out["p_deterred"] <= \
            out["p_deterred_interval"][1]


class TestAsOf:
    """A date given on the command line moves the whole scenario, states included: ISO-3
    codes resolve by date (DESIGN §3), so "DEU" is West Germany (COW 260) in 1985."""

    TEXT = """\
date = 2024-07-01
draws = 500

[[attack]]
attacker = "RUS"
target = "DEU"
"""

    def test_states_resolve_on_the_new_date(self, tmp_path, store_home):
        from foedus.crisis.simulate import simulate
        from foedus.data.identities import resolve_state

        day = dt.date(1985, 1, 1)
        path = _write(tmp_path, "germany.toml", self.TEXT)
        out = simulate(path, as_of=day)
        assert out["as_of"] == "1985-01-01" and out["as_of_source"] == "--as-of"
        assert out["scenario"]["date"] == "2024-07-01"  # the file's own date
        expected = resolve_state("DEU", on=day)
        assert expected.cow == 260
        assert out["attacks"][0]["target"] == expected.to_json()
        dated = _write(tmp_path, "germany-1985.toml", self.TEXT.replace("2024-07-01",
                                                                         "1985-01-01"))
        assert simulate(dated)["drawn_in"] == out["drawn_in"]
        assert "USA" in out["drawn_in"]

    def test_a_state_that_did_not_exist_then(self, tmp_path, store_home):
        from foedus.crisis.scenario import ScenarioError
        from foedus.crisis.simulate import simulate

        path = _write(tmp_path, "est.toml", self.TEXT.replace('"DEU"', '"EST"'))
        with pytest.raises(ScenarioError, match=r"attack\[0\]\.target"):
            simulate(path, as_of=dt.date(1985, 1, 1))


class TestUnrecordedConditions:
    """1 August 1914, Germany attacks Russia (ATOP view). France's pledge to Russia (ATOP
    1120, the Franco-Russian alliance) carries a condition ATOP codes without its content,
    so the query leaves it undecided (``condition_not_recorded``); the option counts it."""

    def _compiled(self, tmp_path, flag: bool):
        path = _write(tmp_path, f"ww1-{flag}.toml", f"""
date = 1914-08-01
view = "atop"
[[attack]]
attacker = 255
target = 365
[allies]
unrecorded_conditions = {str(flag).lower()}
""")
        return compile_scenario(*load_scenario(path))

    def test_undecided_pledges_count_only_with_the_option(self, tmp_path, store_home):
        from foedus.data.loaders import load_system
        from foedus.query.obligations import obligations

        answer_ = obligations(load_system(), as_of=dt.date(1914, 8, 1),
                              attackers=[255], target=365, view=View.ATOP)
        undecided = {n.treaty.id for n in answer_.not_triggered
                     if n.reason == "condition_not_recorded"}
        bound = {b.state for b in answer_.obligations
                 if b.obligation.kind is ObligationKind.DEFENSE}
        assert undecided and FRA not in bound
        without, with_ = self._compiled(tmp_path, False), self._compiled(tmp_path, True)
        assert FRA not in without.states.tolist()
        assert FRA in with_.states.tolist()
        added = {(p["holder"], p["treaty"]) for p in with_.pledges} - {
            (p["holder"], p["treaty"]) for p in without.pledges}
        assert added and {t for h, t in added if h == FRA} <= undecided


class TestStrongest:
    """One pledge per holder: the legal obligation before an informal commitment."""

    def test_legal_before_informal_whatever_the_log_odds(self):
        from foedus.crisis.compile import _strongest

        rows = [{"holder": 2, "beneficiary": 732, "consensus": False, "informal": True},
                {"holder": 2, "beneficiary": 732, "consensus": False, "informal": False},
                {"holder": 200, "beneficiary": 732, "consensus": False, "informal": True}]
        logit = np.array([[-3.1, -4.0, -3.0], [-3.1, -4.5, -3.0]])  # informal higher
        assert _strongest(rows, logit, ["holder", "beneficiary", "consensus"]) == [1, 2]

    def test_among_legal_the_largest_log_odds(self):
        from foedus.crisis.compile import _strongest

        rows = [{"holder": 2, "beneficiary": 732, "consensus": False, "informal": False},
                {"holder": 2, "beneficiary": 732, "consensus": False, "informal": False}]
        logit = np.array([[-2.0, -1.0], [-2.0, -1.5]])
        assert _strongest(rows, logit, ["holder", "beneficiary", "consensus"]) == [1]

    def test_rows_without_the_flag(self):
        from foedus.crisis.compile import _strongest

        rows = [{"holder": 2}, {"holder": 2}]
        assert _strongest(rows, np.array([[0.0, 1.0]]), ["holder"]) == [1]

    def test_korea_2024_rests_on_the_mutual_defense_treaty(self, store_home):
        """The United States' pledge to the Republic of Korea is the 1953 treaty's Art. III,
        not the informal declaration that sits beside it."""
        path = Path(__file__).resolve().parents[2] / "scenarios" / "korea-2024.toml"
        compiled = compile_scenario(*load_scenario(path))
        mine = [p for p in compiled.pledges if p["holder"] == USA and p["beneficiary"] == 732]
        assert len(mine) == 1
        assert not mine[0].get("informal", False), mine[0]


def test_armed_states_are_is_nuclear_for_every_state():
    """The compile's one-pass set of nuclear-armed states is ``means.is_nuclear`` asked
    state by state, on every day a row of the table starts or ends, the day before each,
    and a few others."""
    from foedus.crisis.compile import _armed
    from foedus.crisis.means import is_nuclear, nuclear_states

    table = nuclear_states()
    codes = sorted({int(c) for c in table["ccode"]} | {2, 365, 666, 710, 999})
    days = {dt.date(1816, 1, 1), dt.date(1962, 10, 22), dt.date(2024, 7, 1)}
    for col in ("start", "end"):
        for day in table[col].dropna():
            days |= {day, day - dt.timedelta(days=1)}
    assert len(days) > 10
    for day in sorted(days):
        assert _armed(day) == {c for c in codes if is_nuclear(c, day)}, day
