"""Toy crises built by hand as :class:`foedus.crisis.compile.Compiled` objects, and the
Estonia 2024 scenario compiled once from the session's store.

A toy crisis needs no data: states are indices ``0 … n-1`` (COW codes ``1000 + i``), the
first ``n_targets`` are attacked, and every pledge has the same log-odds ``log(p/(1-p))`` in
each of ``B`` bootstrap rows, so its probability is exactly ``p`` whichever row a draw
picks. The defaults make the challenger's choice and the cascade as plain as possible
(no costs, V = τ = 1, every ally who joins is struck, no shared shock) and the
challenger's choice almost deterministic (a small random-utility scale σ).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from foedus.crisis.compile import Compiled

from helpers import session_store

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "baltic-estonia-2024.toml"

#: Log-odds that the sigmoid maps to exactly 1.0 (resp. ~1e-22) in float64.
SURE, NEVER = 60.0, -60.0
B = 5

DEFAULTS = {"value": (1.0, 1.0), "cost_tolerance": (1.0, 1.0), "war_cost": 0.0,
            "nuclear_cost": 0.0, "scale": 0.01, "nuclear_value": 0.0,
            "days_to_objective": 1.0, "strike_allies": 1.0, "strike_back": None,
            "solidarity": 0.0, "credibility_shift": 0.0, "nuclear_escalation": 0.0,
            "informal": None, "stated": [], "sources": {}}


def logit(p: float) -> float:
    """log(p / (1 - p)), with 0 and 1 mapped to log-odds the sigmoid rounds to 0 and 1."""
    if p >= 1:
        return SURE
    if p <= 0:
        return NEVER
    return math.log(p / (1 - p))


def toy(n_states: int, pledges: list[tuple[int, int, float]] = (), *, n_targets: int = 1,
        consensus: list[tuple[int, int, float]] = (), neutral: list[tuple[int, float]] = (),
        offense: list[tuple[int, float, float]] = (), capability=None, guarantor=(),
        attacker_capability: float | None = 1.0, attribution=None, direct=None,
        allies: list[tuple[int, float, float, bool]] = (), strike=None, strike_back=None,
        attacker_nuclear: bool = False, offense_nuclear=None, **params) -> Compiled:
    """A hand-made compiled crisis.

    ``pledges`` and ``consensus`` are defence pledges ``(holder, beneficiary, p)`` (the
    consensus ones all form one group per beneficiary); ``neutral`` is ``(holder, p)`` for
    neutrality pledges owed to the attacker; ``offense`` is ``(cow, p, capability)`` for
    offence pledges owed to it. ``direct`` defaults to the holders of a pledge to a target.
    ``allies`` are the attacker's allies ``(cow, p, capability, nuclear)`` (they join when
    the defending side strikes back: per-state ``strike_back`` probabilities); ``strike``
    gives per-state strike probabilities (default: the flat ``strike_allies``).
    """
    edges = [(h, x, p, False) for h, x, p in pledges] + [(h, x, p, True)
                                                       for h, x, p in consensus]
    holder = np.array([e[0] for e in edges], dtype=np.int64)
    beneficiary = np.array([e[1] for e in edges], dtype=np.int64)
    edge_logit = np.tile(np.array([logit(e[2]) for e in edges], dtype=float), (B, 1))
    is_consensus = np.array([e[3] for e in edges], dtype=bool)
    groups = []
    for x in sorted({e[1] for e in edges if e[3]}):
        groups.append((x, np.array([i for i, e in enumerate(edges) if e[3] and e[1] == x],
                                   dtype=np.int64)))
    if direct is None:
        direct = np.zeros(n_states, dtype=bool)
        for h, x in zip(holder, beneficiary, strict=True):
            if x < n_targets:
                direct[h] = True
    flags = np.zeros(n_states, dtype=bool)
    flags[list(guarantor)] = True
    return Compiled(
        name="toy", date=dt.date(2020, 1, 1), view="legal", capability_measure="cinc",
        states=np.arange(1000, 1000 + n_states, dtype=np.int64), n_targets=n_targets,
        attribution=np.ones(n_targets) if attribution is None else np.asarray(
            attribution, dtype=float),
        attackers=(999,), edge_holder=holder, edge_beneficiary=beneficiary,
        edge_logit=edge_logit.reshape(B, len(edges)), edge_consensus=is_consensus,
        consensus_groups=groups, direct=np.asarray(direct, dtype=bool),
        capability=np.zeros(n_states) if capability is None else np.asarray(
            capability, dtype=float),
        guarantor=flags,
        neutral_holder=np.array([h for h, _ in neutral], dtype=np.int64),
        neutral_logit=np.tile(np.array([logit(p) for _, p in neutral], dtype=float),
                              (B, 1)).reshape(B, len(neutral)),
        offense_holder=np.array([s for s, _, _ in offense], dtype=np.int64),
        offense_logit=np.tile(np.array([logit(p) for _, p, _ in offense], dtype=float),
                              (B, 1)).reshape(B, len(offense)),
        offense_capability=np.array([c for _, _, c in offense], dtype=float),
        attacker_capability=attacker_capability, params={**DEFAULTS, **params},
        strike=None if strike is None else np.asarray(strike, dtype=float),
        strike_back=None if strike_back is None else np.asarray(strike_back, dtype=float),
        attacker_nuclear=attacker_nuclear,
        offense_nuclear=None if offense_nuclear is None else np.asarray(offense_nuclear,
                                                                        dtype=bool),
        ally_holder=np.array([s for s, _, _, _ in allies], dtype=np.int64),
        ally_logit=np.tile(np.array([logit(p) for _, p, _, _ in allies], dtype=float),
                           (B, 1)).reshape(B, len(allies)),
        ally_capability=np.array([c for _, _, c, _ in allies], dtype=float),
        ally_nuclear=np.array([n for _, _, _, n in allies], dtype=bool))


def within(count: int, n: int, p: float, z: float = 4.0) -> bool:
    """Is ``count / n`` within ``z`` binomial standard errors of ``p``?"""
    se = math.sqrt(max(p * (1 - p), 1e-12) / n)
    return abs(count / n - p) <= z * se


@pytest.fixture(name="toy", scope="session")
def _toy():
    """The :func:`toy` builder."""
    return toy


@pytest.fixture(name="within", scope="session")
def _within():
    """The :func:`within` check."""
    return within


def assert_same(a, b) -> None:
    """Every field of two tallies is exactly equal (arrays: same dtype, same values)."""
    from foedus.crisis.draws import Tally

    for f in dataclasses.fields(Tally):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "capability":
            assert len(x) == len(y)
            for u, v in zip(x, y, strict=True):
                assert u.dtype == v.dtype and np.array_equal(u, v), f.name
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        elif f.name == "world":
            assert (x is None) == (y is None), f.name
            if x is not None:
                for g in dataclasses.fields(x):
                    u, v = getattr(x, g.name), getattr(y, g.name)
                    assert np.array_equal(u, v) and type(u) is type(v), g.name
        else:
            assert type(x) is type(y) and x == y, f.name


@pytest.fixture(name="assert_same", scope="session")
def _assert_same():
    """The :func:`assert_same` check."""
    return assert_same


@pytest.fixture(scope="session")
def dask_client():
    """A real local Dask cluster: two single-threaded worker processes."""
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        # no dashboard, but the scheduler's HTTP server moves off a port in use
        warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    with cluster, Client(cluster) as client:
        yield client


@pytest.fixture(scope="session")
def estonia(built_home: Path, mirror: Path):
    """The sample scenario, loaded and compiled once against the session's store."""
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.scenario import load_scenario

    with session_store(built_home, mirror):
        scenario, attacks = load_scenario(SCENARIO)
        return scenario, attacks, compile_scenario(scenario, attacks)


@pytest.fixture(scope="session")
def scenario_path() -> Path:
    return SCENARIO
