"""The lazy-resolve kernel (issue 17) against the kernel before it, on every library case.

Drawing a state's resolve only when its decision is reached changes which uniform of the
stream goes where, so one seed no longer gives the old tally; the model is unchanged, so the
two kernels must agree in distribution. ``benchmarks/crisis_kernel_before.py`` keeps the old
kernel verbatim. For each of the library's cases (``scenarios/*.toml``), both run
:data:`N` draws from different seeds, and every estimate the engine reports from the draws
is compared within :data:`Z` of its Monte Carlo standard error, computed from the draws
(never chosen): P(widens) and each state's drawn-in frequency by the two-proportion z
statistic with the pooled variance (its SE under the hypothesis that the two kernels
agree), and P(deterred) = 1 − P(attack) by the difference over the two runs' own standard
errors (:func:`foedus.crisis.decision.decide`). With about 2,100 comparisons at
:data:`Z` = 4 (two-sided 6.3e-5 each), a correct kernel fails by chance with probability
about 0.12 for one pair of seeds; the seeds are fixed, so the test is reproducible (on
2026-12-06: max |z| 3.13, mean |z| 0.77 against 0.80 for a standard normal). A
wrong kernel is caught: :func:`test_the_comparison_detects_a_small_change` shifts every
pledge's log-odds by 0.1 and the same comparison fails.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
from pathlib import Path

import pytest

from foedus.crisis.decision import decide
from foedus.crisis.run import add_tallies, run, seeds

from helpers import session_store

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))
N = 200_000
Z = 4.0

_spec = importlib.util.spec_from_file_location(
    "crisis_kernel_before", REPO / "benchmarks" / "crisis_kernel_before.py")
before = importlib.util.module_from_spec(_spec)
sys.modules["crisis_kernel_before"] = before  # dataclasses look their module up
_spec.loader.exec_module(before)


def _z(a: int, b: int, n: int) -> float:
    """Two-proportion z of counts ``a`` and ``b`` out of ``n`` each (pooled variance)."""
    pooled = (a + b) / (2 * n)
    se = math.sqrt(pooled * (1 - pooled) * 2 / n)
    return 0.0 if se == 0 else (a / n - b / n) / se


def _compare(c, new, old) -> list[str]:
    """The estimates on which the two tallies disagree by more than Z standard errors."""
    bad = []
    z = _z(new.widens, old.widens, N)
    if abs(z) > Z:
        bad.append(f"P(widens) z = {z:+.1f}")
    for i, state in enumerate(c.states):
        z = _z(int(new.drawn_in[i]), int(old.drawn_in[i]), N)
        if abs(z) > Z:
            bad.append(f"drawn in {int(state)} z = {z:+.1f}")
    if new.world is not None:
        a = decide(new.world, c.params, c.decision_draws)
        b = decide(old.world, c.params, c.decision_draws)
        se = math.hypot(a.se, b.se)
        z = 0.0 if se == 0 else ((1 - a.p_attack) - (1 - b.p_attack)) / se
        if abs(z) > Z:
            bad.append(f"P(deterred) z = {z:+.1f}")
    return bad


def _before(c, seed: int):
    return add_tallies([before.run_chunk(c, s, n) for s, n in seeds(seed, N)])


@pytest.fixture(scope="module")
def compiled(built_home: Path, mirror: Path):
    """Every library case, compiled once from the session's store."""
    from foedus.crisis.compile import compile_scenario
    from foedus.crisis.scenario import load_scenario
    from foedus.data.loaders import load_system

    with session_store(built_home, mirror):
        system = load_system()
        out = {}
        for path in SCENARIOS:
            scenario, attacks = load_scenario(path)
            out[path.stem] = compile_scenario(scenario, attacks, system=system)
        return out


def test_the_library_has_its_19_cases():
    assert len(SCENARIOS) == 19


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_agrees_with_the_kernel_before(compiled, name):
    c = compiled[name]
    new = run(c, draws=N, seed=11, executor="serial").tally
    old = _before(c, 12)
    assert new.draws == old.draws == N
    assert _compare(c, new, old) == []


def test_the_comparison_detects_a_small_change(compiled):
    """Log-odds shifted by 0.1 (about 0.7 points of a 0.07 pledge): caught."""
    c = compiled["baltic-estonia-2024"]
    shifted = dataclasses.replace(
        c, params={**c.params, "credibility_shift": c.params["credibility_shift"] + 0.1})
    new = run(shifted, draws=N, seed=11, executor="serial").tally
    assert _compare(c, new, _before(c, 12)) != []

