"""Parameter sweeps on a real local Dask cluster (the CLI's grid is tested with the CLI)."""

from __future__ import annotations

import datetime as dt

from foedus.crisis.run import run
from foedus.crisis.scenario import check_scenario
from foedus.crisis.sweep import sweep


def _scenario(text: str):
    scenario, attacks, problems = check_scenario(text, "s.toml")
    assert not problems, problems
    return scenario, attacks


NINE_ELEVEN = """\
date = 2001-09-11

[[attack]]
attacker = "nonstate:al-Qaeda"
target = "USA"

[challenger]
capability = 0.001
"""


def test_stakes_of_a_non_state_attacker(store_home, dask_client):
    """The file gives the capability, the grid the value: every point has a verdict. A
    CINC of 0.001 against the United States loses the war almost surely (margin ≈ −1), so
    the more the objective is worth, the more it loses, and the more types are deterred;
    no verdict is 0 or 1."""
    scenario, attacks = _scenario(NINE_ELEVEN)
    points = sweep(scenario, attacks, {"challenger.value": [0.5, 1.5]}, draws=1000,
                   seed=1, client=dask_client)
    assert [p for p, _ in points] == [{"challenger.value": 0.5}, {"challenger.value": 1.5}]
    for _, result in points:
        assert result.compiled.deterrence_reason is None
        assert 0 < result.p_deterred[0] < 1
        assert result.compiled.params["value"] in ((0.5, 0.5), (1.5, 1.5))
        assert "value" in result.compiled.params["stated"]
    assert points[0][1].p_deterred[0] < points[1][1].p_deterred[0]


def test_points_share_their_random_numbers(store_home, dask_client):
    """Draw-time parameters share one compilation and one seed: the cascade is the same
    at every point, and each point equals a serial run of its own compiled variant."""
    scenario, attacks = _scenario(NINE_ELEVEN + "value = 1.0\n")
    points = sweep(scenario, attacks, {"allies.nuclear_escalation": [0.0, 0.5]}, draws=3000,
                   seed=4, client=dask_client)
    (_, low), (_, high) = points
    assert low.compiled.params["nuclear_escalation"] == 0.0
    assert high.compiled.params["nuclear_escalation"] == 0.5
    assert (low.tally.drawn_in == high.tally.drawn_in).all()
    assert low.tally.widens == high.tally.widens > 0
    again = run(high.compiled, draws=3000, seed=4, executor="serial")
    assert (again.tally.drawn_in == high.tally.drawn_in).all()
    assert again.p_deterred == high.p_deterred


def test_a_date_grid_moves_the_states(store_home, dask_client):
    """"DEU" is unified Germany (255) in 2024 and West Germany (260) in 1985."""
    scenario, attacks = _scenario('date = 2024-07-01\n\n[[attack]]\nattacker = "RUS"\n'
                                  'target = "DEU"\n')
    points = sweep(scenario, attacks, {"date": ["1985-01-01", "2024-07-01"]}, draws=200,
                   seed=0, client=dask_client)
    assert [r.compiled.date for _, r in points] == [dt.date(1985, 1, 1), dt.date(2024, 7, 1)]
    assert [int(r.compiled.states[0]) for _, r in points] == [260, 255]
    assert all(r.compiled.n_states > 1 for _, r in points)  # NATO in both years


FALKLANDS = """\
date = 1982-04-02

[[attack]]
attacker = "ARG"
target = "GBR"
"""


def test_nuclear_cost_alone_is_one_cost_for_both(store_home, dask_client):
    """Engine 2.1 prices the target's own weapons (``nuclear_cost_own``) apart from its
    protectors' (``nuclear_cost``). A minimal file runs on the fitted values of both; a
    file (or a grid point) that states ``nuclear_cost`` alone gets that cost for both
    parts, as in engine 2.0; stating both prices them apart. The United Kingdom in 1982
    is nuclear-armed, so its own part is q in every world."""
    from foedus.crisis import fitted as fitted_params
    from foedus.crisis.compile import compile_scenario

    shipped = fitted_params.load()["decision"]["estimates"]
    scenario, attacks = _scenario(FALKLANDS)
    fitted = compile_scenario(scenario, attacks)
    assert fitted.params["nuclear_cost_own"] == shipped["nuclear_cost_own"]["mean"]
    assert fitted.params["sources"]["nuclear_cost_own"] == "icb"
    assert fitted.guarantor[0]  # the target's own weapons
    scenario, attacks = _scenario(FALKLANDS + "\n[challenger]\nnuclear_cost = 5.0\n")
    alone = compile_scenario(scenario, attacks)
    assert alone.params["nuclear_cost"] == alone.params["nuclear_cost_own"] == 5.0
    assert alone.params["sources"]["nuclear_cost_own"] == "scenario"
    assert all("nuclear_cost_own" not in d and "nuclear_cost" not in d
               for d in alone.decision_draws)
    scenario, attacks = _scenario(FALKLANDS + "\n[challenger]\nnuclear_cost = 5.0\n"
                                  "nuclear_cost_own = 500.0\n")
    apart = compile_scenario(scenario, attacks)
    assert apart.params["nuclear_cost_own"] == 500.0
    p_alone = run(alone, draws=1000, seed=3, executor="serial").p_attack[0]
    p_apart = run(apart, draws=1000, seed=3, executor="serial").p_attack[0]
    assert p_apart < p_alone
    points = sweep(scenario, attacks, {"challenger.nuclear_cost": [5.0]}, draws=1000, seed=3,
                   client=dask_client)
    assert points[0][1].compiled.params["nuclear_cost_own"] == 500.0  # stated: kept
    scenario, attacks = _scenario(FALKLANDS)
    points = sweep(scenario, attacks, {"challenger.nuclear_cost": [5.0]}, draws=1000, seed=3,
                   client=dask_client)
    swept = points[0][1]
    assert swept.compiled.params["nuclear_cost_own"] == 5.0
    assert {"nuclear_cost", "nuclear_cost_own"} <= set(swept.compiled.params["stated"])
    assert swept.p_attack[0] == run(alone, draws=1000, seed=3, executor="serial").p_attack[0]
