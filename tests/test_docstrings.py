"""Docstrings that teach: every public function of the lens packages of this pass has the
numpydoc sections (Parameters, Returns, Raises, References, Examples), and every panel step
states its data from the registry (ruff's ``D`` rules check the form)."""

from __future__ import annotations

import inspect
import re

import pytest

from foedus.registry import dataset
from test_validation import _public_functions

SECTIONS = ("Parameters", "Returns", "Raises", "References", "Examples")


def _sections(doc: str) -> set[str]:
    return set(re.findall(r"^\s*(\w[\w ]*)\n\s*-{3,}\s*$", doc, flags=re.M))


@pytest.mark.parametrize(("name", "func"), _public_functions(),
                         ids=[n for n, _ in _public_functions()])
def test_numpydoc_sections(name: str, func) -> None:
    doc = inspect.getdoc(func) or ""
    wanted = [s for s in SECTIONS
              if s != "Parameters" or inspect.signature(func).parameters]
    missing = [s for s in wanted if s not in _sections(doc)]
    assert not missing, f"{name} lacks {missing}"
    assert ">>>" in doc, f"{name} has no example"


def test_panel_steps_state_their_data() -> None:
    from foedus.panels import (
        alliances,
        capabilities,
        create,
        economy,
        geography,
        preferences,
        similarity,
    )

    steps = [create.create_state_years, create.create_dyad_years, alliances.add_alliances,
             capabilities.add_cinc, capabilities.add_majors, geography.add_distance,
             geography.add_contiguity, economy.add_spending, economy.add_gdp,
             preferences.add_idealpoints, similarity.add_similarity]
    for step in steps:
        names = step.__foedus_datasets__
        doc = " ".join(inspect.getdoc(step).split())
        assert "{data}" not in doc
        for name in names:
            d = dataset(name)
            assert f"``{name}``), version {d.version}, covering {d.coverage}" in doc, name
            assert " ".join(d.citation.split())[:60] in doc, name
