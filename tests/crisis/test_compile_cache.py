"""The compile cache: a scenario read back is the scenario compiled, and the key changes
with everything the compilation reads (and only with that)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from foedus.crisis import compile_cache
from foedus.crisis.compile import Compiled, compile_scenario
from foedus.crisis.scenario import load_scenario, with_overrides

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "baltic-estonia-2024.toml"


def _assert_compiled_equal(a: Compiled, b: Compiled) -> None:
    for f in dataclasses.fields(Compiled):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), f.name
        elif f.name == "consensus_groups":
            assert len(x) == len(y)
            for (i, u), (j, v) in zip(x, y, strict=True):
                assert i == j and np.array_equal(u, v), f.name
        else:
            assert x == y, f.name


def test_a_cached_scenario_is_the_compiled_one(store_home):
    scenario, attacks = load_scenario(SCENARIO)
    fresh = compile_scenario(scenario, attacks, cache=False)
    key = compile_cache.key(scenario, attacks)
    assert compile_cache.read(key) is None  # this test's own, empty cache
    first = compile_scenario(scenario, attacks)  # compiled and written
    assert (compile_cache.folder() / f"{key}.pkl").is_file()
    stored = compile_cache.read(key)
    again = compile_scenario(scenario, attacks)  # read back
    for c in (first, stored, again):
        _assert_compiled_equal(fresh, c)


def test_the_key_ignores_draws_and_seed_but_not_the_date(store_home):
    scenario, attacks = load_scenario(SCENARIO)
    key = compile_cache.key(scenario, attacks)
    assert key == compile_cache.key(with_overrides(scenario, {"draws": 7, "seed": 11}),
                                    attacks)
    assert key != compile_cache.key(with_overrides(scenario, {"date": dt.date(2024, 7, 2)}),
                                    attacks)
    shifted = scenario.model_copy(update={"allies": scenario.allies.model_copy(
        update={"credibility_shift": 0.5})})
    assert key != compile_cache.key(shifted, attacks)


def test_the_key_changes_with_the_store(store_home, tmp_path, monkeypatch):
    scenario, attacks = load_scenario(SCENARIO)
    key = compile_cache.key(scenario, attacks)
    monkeypatch.setenv("FOEDUS_HOME", str(tmp_path / "elsewhere"))
    assert compile_cache.key(scenario, attacks) != key


def test_the_key_is_the_same_in_every_process(store_home):
    """Sets in the scenario iterate in another order under another string-hash seed: the
    key must not (it once did, and no new process ever found its entry)."""
    code = ("from foedus.crisis import compile_cache; "
            "from foedus.crisis.scenario import load_scenario; "
            f"print(compile_cache.key(*load_scenario({str(SCENARIO)!r})))")
    keys = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True, timeout=300)
        keys.add(done.stdout.strip())
    assert len(keys) == 1 and len(keys.pop()) == 64


def test_off_and_unreadable(store_home, monkeypatch):
    scenario, attacks = load_scenario(SCENARIO)
    key = compile_cache.key(scenario, attacks)
    folder = compile_cache.folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.pkl").write_bytes(b"not a pickle")
    assert compile_cache.read(key) is None
    monkeypatch.setenv("FOEDUS_COMPILE_CACHE", "0")
    assert compile_cache.key(scenario, attacks) is None
    assert compile_cache.read(None) is None


def test_no_canonical_form_means_no_key():
    class Opaque:
        __slots__ = ()

    with pytest.raises(TypeError):
        compile_cache._canonical(Opaque())


def test_only_the_defaults_use_the_cache(store_home):
    """The library passes the store's system and the shipped models explicitly: they count
    as the defaults; anything else (another system object, other parameters) does not."""
    import copy

    from foedus.credibility import load
    from foedus.crisis import fitted as fitted_params
    from foedus.crisis.compile import _defaults
    from foedus.data.loaders import load_system

    assert _defaults(None, None, None)
    assert _defaults(load_system(), load(), fitted_params.load())
    assert not _defaults(copy.copy(load_system()), None, None)
    other = fitted_params.load()
    other["reach"] = {}
    assert not _defaults(None, None, other)
