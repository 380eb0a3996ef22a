"""The tallies summed per chunk (issue 20): the coalition's quantiles without every draw.

The sizes' quantiles are NumPy's, computed from counts; the capabilities' are NumPy's while
every value is kept (up to ``EXACT`` draws) and within the stated relative error beyond;
everything else is what the per-chunk values give when computed as before (the arrays of
every draw, NumPy's functions).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.crisis.draws import (
    EXACT,
    REL_ERROR,
    TINY,
    Capabilities,
    count_quantile,
    run_chunk,
)
from foedus.crisis.run import CHUNK, QUANTILES, add_tallies, run, seeds

QS = [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0, 0.333, 0.999]


@settings(derandomize=True, max_examples=200)
@given(counts=st.lists(st.integers(0, 50), min_size=1, max_size=30).filter(any),
       q=st.sampled_from(QS) | st.floats(0, 1))
def test_count_quantile_is_numpys(counts, q):
    """Equal floats, not approximately: the same order statistics, NumPy's lerp."""
    values = np.arange(len(counts), dtype=np.float64)
    full = np.repeat(np.arange(len(counts)), counts)
    assert count_quantile(values, np.array(counts), q) == float(np.quantile(full, q))


def _spread(rng: np.random.Generator, n: int) -> np.ndarray:
    """Capabilities over many binades, with ties and zeros (float32, as the draws give)."""
    x = np.exp(rng.uniform(np.log(1e-6), np.log(2.0), n)).astype(np.float32)
    x[rng.integers(0, n, n // 10)] = np.float32(0.25)
    x[rng.integers(0, n, n // 50)] = 0.0
    return x


def test_exact_up_to_the_buffer():
    rng = np.random.default_rng(1)
    x = _spread(rng, EXACT)
    a, b = Capabilities.of(x[:1000]), Capabilities.of(x[1000:])
    both = a + b
    assert both.exact and both.n == EXACT
    assert both.quantiles(QS) == [float(np.quantile(x, q)) for q in QS]
    # the moments merged (Chan et al.) match the direct ones
    assert both.mean == pytest.approx(x.astype(float).mean(), rel=1e-12)
    assert both.m2 == pytest.approx(((x.astype(float) - x.mean()) ** 2).sum(), rel=1e-9)


@pytest.mark.parametrize("seed", [2, 3])
def test_histogram_within_the_stated_error(seed):
    """Beyond EXACT values the quantiles come from the histogram: each within REL_ERROR of
    the larger of the two values NumPy interpolates between."""
    rng = np.random.default_rng(seed)
    parts = [_spread(rng, n) for n in (EXACT - 7, 40_000, 3, 65_536)]
    total = add_caps(parts)
    x = np.concatenate(parts)
    assert not total.exact and total.n == len(x) and int(total.counts.sum()) == len(x)
    s = np.sort(x).astype(np.float64)
    for q, got in zip(QS, total.quantiles(QS), strict=True):
        want = float(np.quantile(x, q))
        h = (len(x) - 1) * q
        bracket = max(abs(s[math.floor(h)]), abs(s[min(math.floor(h) + 1, len(x) - 1)]))
        assert abs(got - want) <= max(REL_ERROR * bracket, TINY), (q, got, want)
    # and the histogram is not trivially exact: some quantile moved (the test can fail)
    assert any(g != float(np.quantile(x, q)) for q, g in zip(QS, total.quantiles(QS),
                                                               strict=True))


def add_caps(parts):
    total = Capabilities.of(parts[0])
    for p in parts[1:]:
        total = total + Capabilities.of(p)
    return total


def test_nan_gives_nan_as_numpy_does():
    x = np.array([0.5, np.nan, 0.25] * (EXACT // 2), dtype=np.float32)
    total = Capabilities.of(x[:EXACT]) + Capabilities.of(x[EXACT:])
    assert not total.exact and total.nan == len(x) // 3
    assert all(math.isnan(v) for v in total.quantiles(QUANTILES))


@pytest.fixture(scope="module")
def crisis(toy):
    return toy(5, [(1, 0, 0.55), (2, 0, 0.3), (3, 1, 0.6), (4, 2, 0.45)],
               consensus=[(4, 0, 0.5)], capability=[0.02, 0.15, 0.03, 0.04, 0.011],
               attacker_capability=0.1, value=(0.5, 1.5), cost_tolerance=(0.5, 2.0),
               war_cost=0.2, strike_allies=0.5, solidarity=0.3)


def _as_before(crisis, draws: int, seed: int) -> dict:
    """The coalition as the code before issue 20 computed it: every draw's size and
    capability kept, NumPy's mean, standard deviation and quantiles."""
    chunks = [run_chunk(crisis, s, n) for s, n in seeds(seed, draws)]
    t = add_tallies(chunks)
    sizes = np.repeat(np.arange(len(t.size_counts)), t.size_counts)
    caps = np.concatenate([c.capabilities.values for c in chunks])
    n = t.draws
    return {"tally": t, "caps": caps,
            "size_mean": float(sizes.mean()),
            "size_mean_se": float(sizes.std(ddof=1) / math.sqrt(n)),
            "size_quantiles": {f"{q:g}": float(np.quantile(sizes, q)) for q in QUANTILES},
            "capability_mean": float(caps.astype(float).mean()),
            "capability_mean_se": float(caps.astype(float).std(ddof=1) / math.sqrt(n)),
            "capability_quantiles": {f"{q:g}": float(np.quantile(caps, q))
                                     for q in QUANTILES}}


def test_a_run_below_the_buffer_is_as_before(crisis, assert_same):
    draws = 3 * CHUNK + 1234
    before = _as_before(crisis, draws, 5)
    result = run(crisis, draws=draws, seed=5, executor="serial")
    assert_same(result.tally, before["tally"])  # the tallies: every count, every bit
    co = result.coalition()
    for key in ("size_mean", "size_quantiles", "capability_mean", "capability_mean_se",
                "capability_quantiles"):
        assert co[key] == before[key], key
    assert co["size_mean_se"] == pytest.approx(before["size_mean_se"], rel=1e-12)
    assert co["capability_quantiles_error"] == 0.0


def test_a_run_beyond_the_buffer(crisis, assert_same):
    """A run of more than EXACT draws: the same tally as the chunks added up, sizes'
    quantiles exact, capabilities' within the stated error, bounded memory (the
    result keeps a histogram, not the draws)."""
    draws = EXACT + 3 * CHUNK + 17
    before = _as_before(crisis, draws, 6)
    result = run(crisis, draws=draws, seed=6, executor="serial")
    t = result.tally
    assert t.capabilities.values is None and len(t.capabilities.counts) <= 2 ** 19
    assert_same(t, before["tally"])  # every count and sum as the chunks added up
    co = result.coalition()
    assert co["size_quantiles"] == before["size_quantiles"]
    assert co["size_mean"] == before["size_mean"]
    assert co["capability_mean"] == pytest.approx(before["capability_mean"], rel=1e-12)
    assert co["capability_mean_se"] == pytest.approx(before["capability_mean_se"],
                                                     rel=1e-9)
    assert co["capability_quantiles_error"] == REL_ERROR
    caps = np.sort(before["caps"])
    for q in QUANTILES:
        got, want = co["capability_quantiles"][f"{q:g}"], before["capability_quantiles"][
            f"{q:g}"]
        h = (len(caps) - 1) * q
        bracket = max(caps[math.floor(h)], caps[min(math.floor(h) + 1, len(caps) - 1)])
        assert abs(got - want) <= REL_ERROR * bracket


def test_estimate_and_pilot_leave_the_answer_alone(crisis, assert_same):
    """With ``estimate`` the first chunk runs first, here, timed: the tally is the same."""
    told = []
    draws = 3 * CHUNK + 5
    a = run(crisis, draws=draws, seed=8, executor="serial", estimate=told.append)
    b = run(crisis, draws=draws, seed=8, executor="processes", workers=2,
            estimate=told.append)
    c = run(crisis, draws=draws, seed=8, executor="serial")
    assert_same(a.tally, c.tally)
    assert_same(b.tally, c.tally)
    assert len(told) == 2 and all(s > 0 for s in told)


def test_a_chunk_binned_where_drawn_adds_to_the_same_total():
    """``Capabilities.binned``: a chunk past EXACT binned by the worker that drew it gives
    the sum the client would have reached by binning it itself (every field equal)."""
    x = _spread(np.random.default_rng(4), EXACT + 3000)
    head = Capabilities.of(x[:EXACT - 1000])
    for tail in (x[EXACT - 1000:], x[EXACT - 1000:EXACT + 10]):
        assert head + Capabilities.of(tail) == head + Capabilities.of(tail).binned()
    x[-5:] = np.nan  # NaN counted apart, as when the sum bins the chunk (the mean is NaN)
    a, b = head + Capabilities.of(x[EXACT - 1000:]), head + Capabilities.of(
        x[EXACT - 1000:]).binned()
    assert a.nan == b.nan == 5 and np.array_equal(a.counts, b.counts) and a.start == b.start
    binned = Capabilities.of(x[:10]).binned()
    assert not binned.exact and binned.binned() is binned and binned.n == 10


def test_the_reused_work_space_matches_fresh_arrays():
    """``_world`` and ``_capabilities`` compute in a thread's reused buffers what
    ``WorldMoments.from_draws`` and ``Capabilities.of`` compute in fresh arrays: the same
    floats, for chunks of any size, smaller or larger than the buffers."""
    from foedus.crisis.decision import WorldMoments
    from foedus.crisis.draws import _capabilities, _work, _world

    rng = np.random.default_rng(9)
    for n in (1, 777, 5000, 40):
        balance = rng.uniform(0, 1, n)
        nuclear = rng.integers(0, 4, n)
        side = rng.uniform(0, 1, n) < 0.3
        caps = _spread(rng, n)
        work = _work(n)
        want = WorldMoments.from_draws(1.0 - 2.0 * balance, nuclear, side, 6)
        got = _world(balance, nuclear, side, 6, work)
        for f in ("n", "sum_x", "sum_xx", "sum_ax"):
            assert getattr(got, f) == getattr(want, f), f
        for f in ("count_k", "x_k", "a_k"):
            a, b = getattr(got, f), getattr(want, f)
            assert a.dtype == b.dtype and np.array_equal(a, b), f
        assert _capabilities(caps, work) == Capabilities.of(caps)


def test_a_chunk_is_the_same_after_larger_and_smaller_ones(crisis, assert_same):
    """The work space grows and is reused: a chunk's tally does not depend on the chunks
    this thread ran before it, nor on another thread running at the same time."""
    import threading

    from foedus.crisis.draws import _KEEP, _work

    first = run_chunk(crisis, np.random.SeedSequence(3), 1000)
    run_chunk(crisis, np.random.SeedSequence(4), _KEEP)
    assert_same(run_chunk(crisis, np.random.SeedSequence(3), 1000), first)
    run_chunk(crisis, np.random.SeedSequence(4), _KEEP + 1)  # not kept: memory bounded
    assert_same(run_chunk(crisis, np.random.SeedSequence(3), 1000), first)
    assert _work(1).size == _KEEP
    other = []
    thread = threading.Thread(target=lambda: other.append(
        run_chunk(crisis, np.random.SeedSequence(3), 1000)))
    thread.start()
    run_chunk(crisis, np.random.SeedSequence(4), CHUNK)
    thread.join()
    assert_same(other[0], first)


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_beyond_the_buffer_in_parallel(crisis, assert_same, executor, request):
    """Past EXACT draws the workers send binned chunks back (``run_chunks`` with their
    start): the same bits as one core, with a pilot chunk or without."""
    draws = EXACT + 2 * CHUNK + 17
    serial = run(crisis, draws=draws, seed=6, executor="serial")
    client = request.getfixturevalue("dask_client") if executor == "dask" else None
    for estimate in (None, lambda s: None):
        result = run(crisis, draws=draws, seed=6, executor=executor, workers=2,
                     client=client, estimate=estimate)
        assert_same(result.tally, serial.tally)
        assert result.coalition() == serial.coalition()


def test_a_run_past_the_buffer_bins_every_chunk_where_it_is_drawn(crisis, assert_same):
    """With the run's draws above EXACT, ``run_chunks`` sends every chunk's capabilities
    back binned, the first ones too (the sum would bin them); at EXACT or below, or
    without the run's draws, a chunk before EXACT keeps its values. Summed in order, the
    binned chunks give the serial run's bits."""
    from foedus.crisis.run import run_chunks

    chunks = seeds(8, EXACT + 3)
    early = chunks[:2]
    assert all(t.capabilities.values is None
               for t in run_chunks(crisis, early, 0, EXACT + 3))
    for draws in (EXACT, None):
        assert all(t.capabilities.values is not None
                   for t in run_chunks(crisis, early, 0, draws))
    total = None
    for tally in run_chunks(crisis, chunks, 0, EXACT + 3):
        total = tally if total is None else total + tally
    assert_same(total, run(crisis, draws=EXACT + 3, seed=8, executor="serial").tally)


def test_guided_batches():
    """Tasks of consecutive chunks, largest first, never more than BATCH, ending on single
    chunks (the workers finish within a chunk of each other)."""
    from foedus.crisis.run import BATCH, batches

    for n, slots in [(153, 2), (16, 2), (1, 2), (400, 8), (3, 4)]:
        tasks = batches(list(range(n)), slots)
        sizes = [len(t) for t in tasks]
        assert [c for t in tasks for c in t] == list(range(n))
        assert max(sizes) <= BATCH and sizes == sorted(sizes, reverse=True)
        assert sizes[-1] == 1
        assert sizes[0] == min(BATCH, math.ceil(n / (2 * slots)))
    assert batches([1, 2], 0) == [[1], [2]]
