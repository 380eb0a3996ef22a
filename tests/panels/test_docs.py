"""docs/panels.md lists every column a panel can have."""

from __future__ import annotations

import re

import pytest

from foedus.panels import create_dyad_years, create_state_years

from helpers import REPO

pytestmark = pytest.mark.usefixtures("store_home")


def _documented() -> set[str]:
    text = (REPO / "docs" / "panels.md").read_text("utf-8")
    return set(re.findall(r"`([a-z_0-9<>]+)", text))


def _forms(column: str) -> set[str]:
    """The names under which docs/panels.md may list a column."""
    plain = re.sub(r"_(in|either)$", "", column)
    forms = {column, plain, re.sub(r"(?<=[a-z])[12]$", "", plain)}
    forms |= {re.sub(r"_(chiba|sr)$", "_<coding>", f) for f in set(forms)}
    return forms


def test_every_column_is_documented() -> None:
    dyads = (create_dyad_years(2000, 2000).add_alliances().add_cinc().add_majors()
             .add_distance().add_contiguity().add_spending().add_gdp().add_idealpoints()
             .add_similarity(convention=["out", "in", "either"]))
    states = create_state_years(2000, 2000).add_cinc().add_majors().add_spending().add_gdp()
    documented = _documented()
    for panel in (dyads, states):
        for column in panel.frame.columns:
            assert _forms(column) & documented, column
            assert column in panel.columns, column  # described in the file's metadata
