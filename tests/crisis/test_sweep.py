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
