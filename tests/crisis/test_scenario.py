"""Scenario files: validation with file, line and field; overrides; grids."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.crisis.scenario import (
    ScenarioError,
    check_scenario,
    load_scenario,
    with_overrides,
)
from foedus.crisis.sweep import parse_grid
from foedus.errors import FoedusError

GOOD = """\
name = "Russia attacks Estonia"
date = 2024-07-01
draws = 1000

[[attack]]
attacker = "RUS"
target = "EST"
domain = "land"

[challenger]
value = [0.5, 1.5]
days_to_objective = 2.5
"""


def _problems(text: str) -> list[str]:
    scenario, _, problems = check_scenario(text, "s.toml")
    assert scenario is None and problems
    return [str(p) for p in problems]


class TestCheck:
    def test_good_file(self):
        scenario, attacks, problems = check_scenario(GOOD, "s.toml")
        assert problems == []
        assert scenario.date == dt.date(2024, 7, 1) and scenario.draws == 1000
        assert scenario.challenger.value == (0.5, 1.5)
        assert scenario.challenger.days_to_objective == 2.5
        assert scenario.allies.solidarity == 0.3  # a documented default
        assert [(a.attacker, a.target) for a in attacks] == [(365, 366)]

    def test_a_number_is_a_range_of_one(self):
        scenario, _, _ = check_scenario(GOOD.replace("[0.5, 1.5]", "2"), "s.toml")
        assert scenario.challenger.value == (2.0, 2.0)

    @pytest.mark.parametrize(("old", "new", "expected"), [
        ('target = "EST"', 'target = "Narnia"', "s.toml:7: attack[0].target: 'Narnia'"),
        ('domain = "land"', 'domain = "land"\ncolour = "red"',
         "s.toml:9: attack[0].colour: Extra inputs are not permitted"),
        ("draws = 1000", "draws = 1000\nbogus = 1", "s.toml:4: bogus: Extra inputs"),
        ('domain = "land"', 'domain = "land"\nattribution = 1.5',
         "s.toml:9: attack[0].attribution: Input should be less than or equal to 1"),
        ("[0.5, 1.5]", "[1.5, 0.5]", "s.toml:11: challenger.value: value must be"),
        ('domain = "land"', 'domain = "mind"', "s.toml:8: attack[0].domain: Input should be"),
        ('target = "EST"', 'target = "RUS"', "s.toml:7: attack[0].target: the target is the "
                                             "attacker"),
        ('attacker = "RUS"', 'attacker = "nonstate:"', "s.toml:6: attack[0].attacker: "
                                                       "nonstate: needs a name"),
        ("days_to_objective = 2.5", "days_to_objective = 0",
         "s.toml:12: challenger.days_to_objective: Input should be greater than 0"),
        ("[challenger]", "[allies]\nsolidarity = 2\n\n[challenger]",
         "s.toml:11: allies.solidarity: Input should be less than or equal to 1"),
    ])
    def test_one_problem_with_its_line_and_field(self, old, new, expected):
        text = GOOD.replace(old, new)
        assert text != GOOD
        problems = _problems(text)
        assert len(problems) == 1, problems
        assert problems[0].startswith(expected), problems[0]

    def test_value_range_reversed_says_what_it_got(self):
        [problem] = _problems(GOOD.replace("[0.5, 1.5]", "[1.5, 0.5]"))
        assert "low ≤ high" in problem and "(1.5, 0.5)" in problem

    def test_toml_syntax_error_with_its_line(self):
        [problem] = _problems(GOOD.replace('target = "EST"', 'target = "EST'))
        assert problem.startswith("s.toml:7: TOML syntax error")

    def test_missing_attack(self):
        text = GOOD.split("[[attack]]")[0] + "[challenger]\nvalue = 1\n"
        assert _problems(text) == ["s.toml: attack: Field required"]

    def test_empty_attack_list(self):
        text = GOOD.split("[[attack]]")[0] + "attack = []\n"
        assert _problems(text) == [
            "s.toml:5: attack: Tuple should have at least 1 item after validation, not 0"]

    def test_every_problem_is_reported(self):
        text = GOOD.replace('target = "EST"', 'target = "Narnia"').replace(
            'attacker = "RUS"', 'attacker = "Atlantis"')
        problems = _problems(text)
        assert [p.split(":")[1:3] for p in problems] == [["6", " attack[0].attacker"],
                                                          ["7", " attack[0].target"]]

    def test_load_raises_one_error_listing_all(self, tmp_path):
        path = tmp_path / "bad.toml"
        path.write_text(GOOD.replace("draws = 1000", "draws = 0"), "utf-8")
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
        assert str(info.value) == (f"{path}:3: draws: Input should be greater than or "
                                   "equal to 1")
        assert len(info.value.problems) == 1

    def test_unreadable_file(self, tmp_path):
        with pytest.raises(FoedusError, match="cannot read scenario"):
            load_scenario(tmp_path / "missing.toml")


class TestOverrides:
    @pytest.fixture
    def scenario(self):
        return check_scenario(GOOD, "s.toml")[0]

    def test_dotted_fields(self, scenario):
        new = with_overrides(scenario, {"challenger.value": 2, "allies.credibility_shift": -1,
                                        "draws": 50, "date": dt.date(2017, 7, 1)})
        assert new.challenger.value == (2.0, 2.0)
        assert new.allies.credibility_shift == -1.0
        assert new.draws == 50 and new.date == dt.date(2017, 7, 1)
        # the rest is kept, the original untouched
        assert new.challenger.days_to_objective == 2.5 and new.attack == scenario.attack
        assert scenario.challenger.value == (0.5, 1.5) and scenario.draws == 1000

    @pytest.mark.parametrize(("name", "needle"), [
        ("challenger.colour", "unknown scenario parameter 'challenger.colour'"),
        ("weather.wind", "unknown scenario parameter 'weather.wind'"),
        ("attack", "unknown scenario parameter 'attack'"),
    ])
    def test_unknown_parameter(self, scenario, name, needle):
        with pytest.raises(FoedusError, match=needle):
            with_overrides(scenario, {name: 1})

    def test_invalid_value(self, scenario):
        with pytest.raises(FoedusError, match="solidarity") as info:
            with_overrides(scenario, {"allies.solidarity": 2})
        assert "\n" not in str(info.value)


class TestGrid:
    def test_parse(self):
        grid = parse_grid(["challenger.value=0.5,1, 2", "allies.credibility_shift=-1,0"])
        assert grid == {"challenger.value": [0.5, 1, 2], "allies.credibility_shift": [-1, 0]}

    @pytest.mark.parametrize(("items", "needle"), [
        (["challenger.value"], "expected NAME=V1,V2"),
        (["=1,2"], "expected NAME=V1,V2"),
        (["challenger.value="], "expected NAME=V1,V2"),
        (["draws=1", "draws=2"], "twice"),
    ])
    def test_bad_grid(self, items, needle):
        with pytest.raises(FoedusError, match=needle):
            parse_grid(items)
