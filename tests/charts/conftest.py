"""Small answers made by hand, shaped as the commands print them with ``--json``, and a
validator for the Vega-Lite schema Altair ships."""

from __future__ import annotations

from functools import lru_cache

import jsonschema
import pytest


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft7Validator:
    from altair.vegalite.v6.schema import load_schema

    return jsonschema.Draft7Validator(load_schema())


@pytest.fixture(scope="session")
def vl_errors():
    """A function: every way a spec breaks the Vega-Lite 6 schema (empty when valid)."""
    return lambda spec: [f"{list(e.absolute_path)}: {e.message[:200]}"
                         for e in _validator().iter_errors(spec)]


def state(cow: int, iso3: str | None, abb: str, name: str) -> dict:
    return {"cow": cow, "iso3": iso3, "abb": abb, "name": name}


RUS = state(365, "RUS", "RUS", "Russia")
EST = state(366, "EST", "EST", "Estonia")
LVA = state(367, "LVA", "LVA", "Latvia")
USA = state(2, "USA", "USA", "United States of America")
BLR = state(370, "BLR", "BLR", "Belarus")
FRA = state(220, "FRA", "FRA", "France")


def pledge(holder: dict, beneficiary: dict, p: float, treaty: str = "NATO", **extra) -> dict:
    return {"holder": holder, "beneficiary": beneficiary,
            "treaty": {"id": "book:nato", "name": treaty}, "article": "5",
            "consensus": False, "probability": p, **extra}


@pytest.fixture
def simulation() -> dict:
    """A simulation answer: Russia attacks Estonia; the US, Latvia and France hold pledges
    (France only to Latvia: a chain), Belarus owes Russia."""
    return {
        "scenario": {"name": "Toy Baltic", "file": "toy.toml", "date": "2024-07-01"},
        "as_of": "2024-07-01", "draws": 1000, "seed": 3,
        "p_deterred": 0.25, "p_deterred_se": 0.01,
        "drawn_in": {"USA": 0.4, "LVA": 0.3, "FRA": 0.06, "DEU": 0.01},
        "drawn_in_se": {"USA": 0.015, "LVA": 0.014, "FRA": 0.007, "DEU": 0.003},
        "entrapment": {"USA": 0.02, "LVA": 0.0, "FRA": 0.01},
        "entrapment_se": {"USA": 0.004, "LVA": 0.0, "FRA": 0.003},
        "attacks": [{"attacker": RUS, "target": EST, "attribution": 1.0}],
        "pledges": [pledge(USA, EST, 0.06), pledge(USA, LVA, 0.5), pledge(LVA, EST, 0.3),
                    pledge(FRA, LVA, 0.2), pledge(USA, EST, 0.04, "informal", informal=True)],
        "attacker_pledges": [pledge(BLR, RUS, 0.5, "Union State")],
    }


def member(iso3: str, cow: int, year: int, milex: float | None, gdp: float | None,
           gdp_share: float | None = None, spending_share: float | None = None) -> dict:
    burden = None if milex is None or gdp is None else 100.0 * milex / gdp
    return {"iso3": iso3, "cow": cow, "year": year, "milex_share_gdp": burden,
            "gdp_share": gdp_share, "spending_share": spending_share, "free_riding": None,
            "milex_usd": milex, "gdp_usd": gdp,
            "source": {"series": "sipri", "gdp": "wdi", "population": None}}


@pytest.fixture
def burden() -> dict:
    """Two members over two years (burdens 2 % and 0.5 %, then 3 % and 1 %)."""
    return {
        "alliance": {"id": "book:toy", "name": "Toy Pact"}, "series": "sipri",
        "years": [{"year": y, "n_members": 2, "n_missing": 0, "spearman": rho,
                   "spearman_p": 0.5, "spearman_ci": [-1.0, 1.0], "kendall": rho,
                   "kendall_p": 0.5, "n_at_2pct": n} for y, rho, n in
                  ((2020, -1.0, 1), (2021, None, 1))],
        "members": [member("AAA", 1, 2020, 2.0, 100.0, 33.3, 66.7),
                    member("BBB", 2, 2020, 1.0, 200.0, 66.7, 33.3),
                    member("AAA", 1, 2021, 3.0, 100.0, 33.3, 60.0),
                    member("BBB", 2, 2021, 2.0, 200.0, 66.7, 40.0),
                    member("CCC", 3, 2021, None, None)],
        "regression": {}, "notes": [], "plots": [],
    }
