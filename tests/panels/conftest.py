"""Panels built once per session from the session's store."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def panel_env(built_home, mirror):
    saved = {k: os.environ.get(k) for k in ("FOEDUS_HOME", "FOEDUS_DATA_MIRROR")}
    os.environ.update(FOEDUS_HOME=str(built_home), FOEDUS_DATA_MIRROR=str(mirror))
    yield built_home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def full_panel(panel_env):
    """Directed dyad-years 1816-2018 with alliances, CINC, distance, contiguity, similarity."""
    from foedus.panels import create_dyad_years

    return (create_dyad_years(1816, 2018).add_alliances().add_cinc().add_distance()
            .add_contiguity().add_similarity())
