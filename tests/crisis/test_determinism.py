"""One seed, the same numbers: serially, on local processes and on a Dask cluster (DESIGN §5)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from foedus.crisis.draws import run_chunk
from foedus.crisis.run import CHUNK, run, seeds
from foedus.errors import FoedusError

DRAWS = 2 * CHUNK + 18_928  # three chunks, the last one short
SEED = 20240701


@pytest.fixture(scope="module")
def crisis(toy):
    """Every feature the draws read: a chain, a consensus group, neutrality and offence
    pledges, a guarantor, uncertain stakes and capabilities."""
    return toy(6, [(1, 0, 0.55), (2, 0, 0.3), (3, 1, 0.6), (3, 2, 0.45), (4, 3, 0.7)],
               consensus=[(5, 0, 0.8), (2, 0, 0.9)], neutral=[(4, 0.25)],
               offense=[(7000, 0.35, 0.05)], guarantor=[1],
               capability=[0.02, 0.15, 0.03, 0.04, 0.01, 0.02], attacker_capability=0.1,
               value=(0.5, 1.5), cost_tolerance=(0.5, 2.0), war_cost=0.2, scale=0.5,
               allies=[(8000, 0.4, 0.05, True)], strike_back=[0.5] * 6,
               nuclear_cost=10.0, nuclear_escalation=0.1, strike_allies=0.5,
               solidarity=0.3, credibility_shift=-0.2)


@pytest.fixture(scope="module")
def serial(crisis):
    return run(crisis, draws=DRAWS, seed=SEED, executor="serial")


def test_serial_is_the_sum_of_its_chunks(crisis, serial, assert_same):
    tallies = [run_chunk(crisis, s, n) for s, n in seeds(SEED, DRAWS)]
    assert len(tallies) == 3
    total = tallies[0] + tallies[1] + tallies[2]
    assert_same(serial.tally, total)
    assert serial.tally.draws == DRAWS
    # a non-trivial crisis: every outcome happens in some draws and not in others
    assert 0 < serial.p_deterred[0] < 1 and 0 < serial.tally.widens < DRAWS
    assert (serial.tally.drawn_in[1:] > 0).all() and serial.tally.entrapped[3:5].min() > 0


def test_processes(crisis, serial, assert_same):
    result = run(crisis, draws=DRAWS, seed=SEED, executor="processes", workers=2)
    assert_same(serial.tally, result.tally)
    assert result.p_deterred == serial.p_deterred
    assert result.coalition() == serial.coalition()


def test_dask_local_cluster(crisis, serial, assert_same, dask_client):
    done = []
    result = run(crisis, draws=DRAWS, seed=SEED, executor="dask", client=dask_client,
                 progress=done.append)
    assert_same(serial.tally, result.tally)
    assert result.p_deterred == serial.p_deterred
    assert result.coalition() == serial.coalition()
    assert sorted(done) == sorted(n for _, n in seeds(SEED, DRAWS))
    assert dask_client.status == "running"  # a client passed in is not closed


def test_another_seed_other_numbers(crisis, serial):
    other = run(crisis, draws=DRAWS, seed=SEED + 1, executor="serial")
    assert other.tally.world.sum_x != serial.tally.world.sum_x or not np.array_equal(
        other.tally.drawn_in, serial.tally.drawn_in)


def test_unknown_executor(crisis):
    with pytest.raises(FoedusError, match="executor must be serial, processes or dask"):
        run(crisis, draws=10, seed=0, executor="threads")


@pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning")
def test_our_local_cluster(crisis, serial, assert_same):
    """The local cluster ``dask_client`` starts (a quiet one: no profiler, slow health
    checks, in its workers and its scheduler) gives the serial tally."""
    import dask

    from foedus.crisis.run import _QUIET_CLUSTER, close_client, dask_client

    client = dask_client(2, None)
    try:
        result = run(crisis, draws=DRAWS, seed=SEED, client=client)
        seen = client.run(lambda: {k: dask.config.get(k) for k in _QUIET_CLUSTER})
        environ = client.run(lambda: os.environ.get("MALLOC_MMAP_THRESHOLD_"))
        scheduler = client.run_on_scheduler(lambda dask_scheduler: {
            k: dask_scheduler.periodic_callbacks[k].callback_time for k in ("monitor", "tick")})
    finally:
        close_client(client)
    assert_same(serial.tally, result.tally)
    assert len(seen) == 2 and all(s == _QUIET_CLUSTER for s in seen.values())
    assert set(environ.values()) == {str(4 << 20)}  # malloc's heap serves chunk temporaries
    assert scheduler == {"monitor": 2000, "tick": 1000}  # ms; Dask's defaults 500 and 20
