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
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _parts(answer) -> tuple:
    return ([(b.state, b.treaty.id, b.obligation.id, b.caveats) for b in answer.obligations],
            [(f.state, f.treaty.id) for f in answer.informal],
            [(n.treaty.id, n.reason, n.sentence, n.state) for n in answer.not_triggered],
            answer.defaults, answer.notes)


def test_one_asker_answers_changing_attackers_and_provocation_as_the_query(store_home
                                                                          ) -> None:
    """The asker decides a condition without scope once per obligation, attackers and
    provocation: asked in turn with other attackers, provoked or not, each answer is still
    a fresh query's, every part of it."""
    from foedus.data.loaders import load_system

    system = load_system()
    day = dt.date(2024, 7, 1)
    asker = query.Asker(system, day, View.LEGAL)
    for attackers, provoked in (([365], False), ([365], True), ([710], False),
                                ([365, 710], True), ([365], False)):
        for target in (366, 2, 20, 740, 732, 713):
            if target in attackers:
                continue
            shared = asker.ask(attackers=attackers, target=target, provoked=provoked)
            fresh = _reference.obligations(system, as_of=day, attackers=attackers,
                                           target=target, provoked=provoked)
            assert _parts(shared) == _parts(fresh), (attackers, provoked, target)


def test_leaving_out_the_treaties_not_in_force_leaves_out_only_their_reasons(store_home
                                                                            ) -> None:
    """``ask(not_in_force=False)`` (the compile's closure) gives the same obligations and
    informal commitments; only reasons why a treaty not in force on the day is not
    triggered are missing."""
    from foedus.data.loaders import load_system

    system = load_system()
    dropped = []
    for day in (dt.date(2024, 7, 1), dt.date(1983, 7, 1)):
        full, lean = query.Asker(system, day), query.Asker(system, day)
        for target in (366, 2, 20, 200, 740, 255, 365):
            attackers = [710] if target == 365 else [365]
            a = full.ask(attackers=attackers, target=target)
            b = lean.ask(attackers=attackers, target=target, not_in_force=False)
            pa, pb = _parts(a), _parts(b)
            assert (pa[0], pa[1], pa[3], pa[4]) == (pb[0], pb[1], pb[3], pb[4])
            assert all(n in pa[2] for n in pb[2])
            left = [n for n in pa[2] if n not in pb[2]]
            assert all(n[1] in {"not_in_force", "not_yet_member", "no_longer_member"}
                       for n in left), left
            dropped += left
    assert dropped  # the option did leave something out


def test_the_strike_models_logistic_is_scipys_bit_for_bit() -> None:
    """``history._expit`` (no scipy.special import on a cold compile) equals ``expit``."""
    from scipy.special import expit

    from foedus.crisis.history import _expit

    z = np.concatenate([np.random.default_rng(7).normal(0.0, 8.0, 100_000),
                        [-800.0, -709.5, -40.0, 0.0, 40.0, 709.5, 800.0, np.nan,
                         -709.0, -709.0000001, -709.78, -709.7827128933840,
                         -709.79, -np.inf, np.inf, 709.0]])
    z = z.reshape(-1, 8)
    got = _expit(z)
    assert got.dtype == np.float64 and got.shape == z.shape
    assert np.array_equal(got, expit(z), equal_nan=True)


# -- the whole compile before issue 17: both references at once ---------------------------

_fspec = importlib.util.spec_from_file_location(
    "features_reference", REPO / "benchmarks" / "features_reference.py")
_features_reference = importlib.util.module_from_spec(_fspec)
_fspec.loader.exec_module(_features_reference)

#: Russia and Estonia in 2024 (the largest closure), a counterfactual with ``[[modify]]``
#: tables (``us-withdrawal-2024``), unrecorded ATOP conditions counted as triggered
#: (``nato-central-front-1983`` with ``allies.unrecorded_conditions`` on) and a case far
#: from NATO (Taiwan).
_BEFORE_CASES = ("baltic-estonia-2024", "us-withdrawal-2024", "nato-central-front-1983",
                 "taiwan-2024")


@pytest.mark.parametrize("name", _BEFORE_CASES)
def test_the_compile_equals_the_compile_before_issue_17(store_home, monkeypatch,
                                                        name: str) -> None:
    """The references of both the obligations query (asked once per state, each on a
    snapshot of its own) and the pledge features (a pandas lookup per row) swapped in
    together: the compile's own steps between them (the strongest pledge kept, the
    probabilities reported) give the same arrays too."""
    import foedus.credibility

    scenario, attacks = load_scenario(REPO / "scenarios" / f"{name}.toml")
    if name == "us-withdrawal-2024":
        assert scenario.modify
    if name == "nato-central-front-1983":  # the library leaves the switch off: turned on
        scenario = scenario.model_copy(update={"allies": scenario.allies.model_copy(
            update={"unrecorded_conditions": True})})
    now = compile_scenario(scenario, attacks, cache=False)
    monkeypatch.setattr(query, "Asker", _PerQueryAsker)
    monkeypatch.setattr(foedus.credibility, "pledge_features",
                        _features_reference.pledge_features)
    before = compile_scenario(scenario, attacks, cache=False)
    assert len(now.pledges) > 0
    _assert_same(now, before, name)


def test_the_listed_probabilities_are_the_per_pledge_means_bit_for_bit() -> None:
    """``_listed`` takes every pledge's mean logistic at once: each equals the mean of its
    own column, as the compile computed it pledge by pledge before."""
    from foedus.crisis.compile import _listed

    rng = np.random.default_rng(17)
    for b, n, shift in ((1, 1, 0.0), (4000, 37, 0.3), (1000, 3, -1.7), (333, 250, 0.0)):
        logit = rng.normal(-2.0, 3.0, (b, n))
        rows = [{"holder": j, "beneficiary": 1, "treaty": "t", "treaty_name": "T",
                 "obligation": "o", "article": "a", "consensus": False, "informal": False}
                for j in range(n)]
        got = [r["probability"] for r in _listed(rows, logit, shift)]
        want = [float(np.mean(1 / (1 + np.exp(-(logit[:, j] + shift))))) for j in range(n)]
        assert got == want
    assert _listed([], np.zeros((5, 0)), 0.0) == []


# -- the strongest pledge per key without pandas --------------------------------------------

def _strongest_by_pandas(rows: list[dict], logit: np.ndarray, keys: list[str]) -> list[int]:
    """The rule as the compile applied it with pandas before issue 17 (independent)."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    frame["mean_logit"] = logit.mean(axis=0)
    frame["_legal"] = ~frame["informal"].fillna(False).astype(bool) if (
        "informal" in frame) else True
    frame["_i"] = np.arange(len(frame))
    best = frame.sort_values(["_legal", "mean_logit"], ascending=False, kind="stable"
                             ).drop_duplicates(keys)
    return sorted(best["_i"].tolist())


@pytest.mark.filterwarnings("ignore::FutureWarning")  # the reference's fillna on objects
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans(),
                          st.sampled_from([True, False, None]),
                          st.sampled_from([0.0, -0.0, 1.5, -2.0, 1.5, np.nan])),
                min_size=1, max_size=12))
def test_the_strongest_pledge_is_pandas_rule(cases) -> None:
    """``compile._strongest`` keeps the rows the pandas sort and drop_duplicates kept:
    legal before informal, then the largest mean log-odds, ties and NaN as pandas orders
    them."""
    from foedus.crisis.compile import _strongest

    rows = [{"holder": h, "beneficiary": b, "consensus": c, "informal": i}
            for h, b, c, i, _ in cases]
    logit = np.array([[m for *_, m in cases], [m for *_, m in cases]])
    for keys in (["holder", "beneficiary", "consensus"], ["holder"]):
        assert _strongest(rows, logit, keys) == _strongest_by_pandas(rows, logit, keys)
