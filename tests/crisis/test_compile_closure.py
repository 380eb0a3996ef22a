"""The closure of obligations on one shared snapshot (issue 17) compiles every library case
to the same arrays as the query asked afresh for each state.

``foedus.crisis.compile`` asks the obligations query through
:class:`foedus.query.obligations.Asker`: one snapshot of the treaties in force, each
treaty's members on the day and the crosswalk's concurrent look-ups made once for all the
states drawn in. The reference is the code before that change: the obligations query as it
was (``benchmarks/obligations_reference.py``, main's module at 9eccf25), called once per
state with a snapshot of its own. Both compile all 19 scenarios of the library here, in the
same run, and every field of the compiled scenario (every array, bit for bit) must agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from foedus.crisis.compile import Compiled, compile_scenario
from foedus.crisis.scenario import load_scenario
from foedus.model.vocab import View

# the module, not the function foedus.query exports under the same name
query = importlib.import_module("foedus.query.obligations")
REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "scenarios").glob("*.toml"))

_spec = importlib.util.spec_from_file_location(
    "obligations_reference", REPO / "benchmarks" / "obligations_reference.py")
_reference = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _reference  # its dataclasses look their module up
_spec.loader.exec_module(_reference)


class _PerQueryAsker:
    """The closure as it was: the reference query, a new snapshot for every state."""

    def __init__(self, system, as_of: dt.date, view: View | str = View.LEGAL) -> None:
        self.system, self.as_of, self.view = system, as_of, view
        self.asked = 0

    def ask(self, *, not_in_force: bool = True, **kwargs) -> object:
        # the reference always decides the target's treaties not in force too: the compile
        # leaves them out (their reasons are never read), which must not change its arrays
        self.asked += 1
        return _reference.obligations(self.system, as_of=self.as_of, view=self.view, **kwargs)


def _assert_same(a: Compiled, b: Compiled, name: str) -> None:
    for f in dataclasses.fields(Compiled):
        x, y = getattr(a, f.name), getattr(b, f.name)
        where = f"{name}: {f.name}"
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, where
            assert np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), where
        elif f.name == "consensus_groups":
            assert len(x) == len(y), where
            for (i, u), (j, v) in zip(x, y, strict=True):
                assert i == j and np.array_equal(u, v), where
        else:
            assert x == y, where


def test_the_library_has_its_19_cases() -> None:
    assert len(SCENARIOS) == 19


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_shared_snapshot_compiles_what_the_per_state_queries_compiled(
        store_home, monkeypatch, path: Path) -> None:
    scenario, attacks = load_scenario(path)
    now = compile_scenario(scenario, attacks, cache=False)
    made: list[_PerQueryAsker] = []

    def per_query(*args, **kwargs) -> _PerQueryAsker:
        made.append(_PerQueryAsker(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(query, "Asker", per_query)
    before = compile_scenario(scenario, attacks, cache=False)
    assert made and sum(a.asked for a in made) > 0  # the reference path did run
    _assert_same(now, before, path.stem)


def test_the_asker_answers_as_the_query(store_home) -> None:
    """Several targets asked through one Asker: each answer equals a fresh query's."""
    from foedus.data.loaders import load_system

    system = load_system()
    day = dt.date(2024, 7, 1)
    asker = query.Asker(system, day, View.LEGAL)
    for target in (366, 367, 368, 2, 20, 200, 740, 732):
        shared = asker.ask(attackers=[365], target=target)
        fresh = _reference.obligations(system, as_of=day, attackers=[365], target=target)
        assert [(b.state, b.treaty.id, b.obligation.id, b.caveats) for b in shared.obligations] \
            == [(b.state, b.treaty.id, b.obligation.id, b.caveats) for b in fresh.obligations]
        assert [(f.state, f.treaty.id) for f in shared.informal] \
            == [(f.state, f.treaty.id) for f in fresh.informal]
        assert [(n.treaty.id, n.reason, n.sentence, n.state) for n in shared.not_triggered] \
            == [(n.treaty.id, n.reason, n.sentence, n.state) for n in fresh.not_triggered]
        assert (shared.defaults, shared.notes) == (fresh.defaults, fresh.notes)


def test_the_strike_models_logistic_is_scipys_bit_for_bit() -> None:
    """``history._expit`` (no scipy.special import on a cold compile) equals ``expit``."""
    from scipy.special import expit

    from foedus.crisis.history import _expit

    z = np.concatenate([np.random.default_rng(7).normal(0.0, 8.0, 100_000),
                        [-800.0, -709.5, -40.0, 0.0, 40.0, 709.5, 800.0, np.nan]])
    z = z.reshape(-1, 8)
    got = _expit(z)
    assert got.dtype == np.float64 and got.shape == z.shape
    assert np.array_equal(got, expit(z), equal_nan=True)
