"""A commitment system loaded once from the session's store and the shipped books."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from foedus.model.vocab import Domain, Hit, View


@pytest.fixture(scope="session")
def system(built_home: Path, mirror: Path):
    os.environ.setdefault("FOEDUS_DATA_MIRROR", str(mirror))
    from foedus.data.atop_model import atop_treaties
    from foedus.data.books import load_books
    from foedus.data.loaders import commitment_system
    from foedus.data.store import connect

    with connect(built_home / "foedus.duckdb") as con:
        atop = atop_treaties(con)
    return commitment_system(atop, load_books())


@pytest.fixture(scope="session")
def ask(system):
    """ask("2005-06-01", "RUS", "EST", place=..., hit=..., domain=..., view=...)."""
    from foedus.data.identities import resolve_state
    from foedus.model.events import NonState
    from foedus.query import obligations

    def run(day: str, attacker: str | list[str], target: str, *, place: str | None = None,
            hit: str | None = None, domain: str | None = None, view: str = "legal",
            provoked: bool = False):
        on = dt.date.fromisoformat(day)
        names = [attacker] if isinstance(attacker, str) else attacker
        attackers = [NonState(name=a.split(":", 1)[1]) if a.startswith("nonstate:")
                     else resolve_state(a, on=on).cow for a in names]
        return obligations(system, as_of=on, attackers=attackers,
                           target=resolve_state(target, on=on).cow, place=place,
                           hit=Hit(hit) if hit else None,
                           domain=Domain(domain) if domain else None, view=View(view),
                           provoked=provoked)

    return run
