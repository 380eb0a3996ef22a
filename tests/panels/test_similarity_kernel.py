"""The panel's similarity kernel equals the measures' own matrices, bit for bit.

:func:`foedus.panels.similarity._portfolio_similarity` computes the joint counts from fewer
products (issue 17); it must give exactly the numbers of
:func:`foedus.measures.similarity.similarity_matrices`, NaNs in the same places.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from foedus.measures.similarity import MEASURES, similarity_matrices
from foedus.panels.similarity import _portfolio_similarity


def _same(ties: np.ndarray, weights: np.ndarray | None) -> None:
    asked = [m for m in MEASURES if m != "s_wabs" or weights is not None]
    expected = similarity_matrices(ties, weights, measures=asked)
    got = _portfolio_similarity(ties, weights, asked)
    assert list(got) == list(expected)
    for name in asked:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray | None]:
    n = draw(st.integers(1, 30))
    density = draw(st.floats(0, 1))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ties = np.where(rng.random((n, n)) < density, rng.integers(0, 4, (n, n)), 0)
    np.fill_diagonal(ties, 3)
    weights = None if draw(st.booleans()) else rng.random(n) * (rng.random(n) < 0.8)
    return ties, weights


@given(portfolios())
def test_random_portfolios(case: tuple[np.ndarray, np.ndarray | None]) -> None:
    _same(*case)


def test_a_large_sparse_year() -> None:
    rng = np.random.default_rng(17)
    n = 190
    ties = np.where(rng.random((n, n)) < 0.08, rng.integers(1, 4, (n, n)), 0)
    np.fill_diagonal(ties, 3)
    _same(ties, rng.random(n))
    _same(ties, None)


def test_no_alliances_and_one_state() -> None:
    ties = np.diag(np.full(5, 3))
    _same(ties, np.zeros(5))  # the weights sum to 0: weighted S is undefined
    _same(np.array([[3]]), np.array([1.0]))
