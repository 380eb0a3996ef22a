"""The case library: every scenario shipped in ``scenarios/`` loads, says where it comes
from, and is named ``<case>-<year>.toml`` after its own date.

Counterfactual files (a ``base =`` key and ``[[modify]]`` tables) are validated the same way,
modifications included, and must carry a note and sources of their own, not the base's.
Nothing is simulated: this test only loads and validates.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from foedus.crisis.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))

#: ``<case>-<year>.toml``: a lower-case, hyphenated case name, then a four-digit year.
NAME = re.compile(r"^(?P<case>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<year>\d{4})\.toml$")


def test_the_library_is_not_empty():
    assert SCENARIOS, "no scenario files in scenarios/"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario(path: Path, store_home):
    scenario, attacks = load_scenario(path)  # raises ScenarioError listing every problem
    assert attacks, "no attack"
    assert scenario.name.strip(), "no name"
    assert scenario.note.strip(), "no note"
    assert scenario.sources and all(s.strip() for s in scenario.sources), (
        "at least one source, none blank")
    match = NAME.match(path.name)
    assert match, f"{path.name} is not named <case>-<year>.toml"
    assert int(match["year"]) == scenario.date.year, (
        f"{path.name}: the year in the name is not the year of the date ({scenario.date})")
    own = tomllib.loads(path.read_text("utf-8"))
    if "base" in own:
        assert (path.parent / own["base"]).is_file(), "the base is not in the library"
        assert {"name", "note", "sources"} <= set(own), (
            "a counterfactual says in its own words what it changes and on what it rests")
        assert own.get("modify"), "a counterfactual without [[modify]] tables"
