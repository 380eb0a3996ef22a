"""Portfolio similarity: the published 1914 example, hand cases, and properties against
scikit-learn (κ), SciPy (τ_b) and a direct implementation (π)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import kendalltau
from sklearn.metrics import cohen_kappa_score

from foedus.data.readers import read_raw
from foedus.measures.similarity import (
    MEASURES,
    SimilarityError,
    pair_similarity,
    similarity_matrices,
    valued_ties,
)

# Signorino & Ritter (1999) Table 6 and fpsim's values for the same vectors
# (reference/README.md), with the number of decimals published.
PUBLISHED_1914 = {
    "taub": (0.03031695, 8),
    "s_abs": (0.4, 1),
    "s_wabs": (-0.46, 2),
    "kappa": (-0.07758621, 8),
    "pi": (-0.08695652, 8),
}


@pytest.fixture(scope="module")
def table6() -> tuple[np.ndarray, np.ndarray]:
    frame = read_raw("sr1999_table6")
    ties = frame[["germany_1914", "russia_1914"]].to_numpy().T
    return ties, frame["capability_weight"].to_numpy()


def _all_1914(ties: np.ndarray, weights: np.ndarray) -> list[dict[str, float]]:
    matrices = similarity_matrices(ties, weights)
    return [{k: float(v[0, 1]) for k, v in matrices.items()},
            {k: float(v[1, 0]) for k, v in matrices.items()},
            pair_similarity(ties[0], ties[1], weights)]


class TestPublished1914:
    """Germany and Russia, 1914, over 20 European states (Signorino & Ritter 1999, Table 6)."""

    @pytest.mark.parametrize("measure", sorted(PUBLISHED_1914))
    def test_published_value(self, table6, measure: str) -> None:
        value, decimals = PUBLISHED_1914[measure]
        for result in _all_1914(*table6):
            assert abs(result[measure] - value) <= 0.5 * 10.0**-decimals, result

    def test_s_by_hand(self, table6) -> None:
        # Σ|x-y| = 18 and Σ w|x-y| = 2.19 over 20 states (weights sum to 1): S and weighted S
        # are exactly 1 - 36/60 and 1 - 2·2.19/3; Σ(x-y)² = 50 gives S² = 1 - 100/180.
        for result in _all_1914(*table6):
            assert result["s_abs"] == pytest.approx(0.4, abs=1e-12)
            assert result["s_wabs"] == pytest.approx(-0.46, abs=1e-12)
            assert result["s_sq"] == pytest.approx(4 / 9, abs=1e-12)

    def test_agrees_with_libraries(self, table6) -> None:
        ties, _ = table6
        kappa = cohen_kappa_score(ties[0], ties[1], weights="quadratic", labels=[0, 1, 2, 3])
        tau = kendalltau(ties[0], ties[1]).statistic
        for result in _all_1914(*table6):
            assert result["kappa"] == pytest.approx(kappa, abs=1e-12)
            assert result["taub"] == pytest.approx(tau, abs=1e-12)

    def test_self_similarity_is_one(self, table6) -> None:
        matrices = similarity_matrices(*table6)
        for name, matrix in matrices.items():
            assert np.diag(matrix) == pytest.approx([1.0, 1.0], abs=1e-12), name


class TestValuedTies:
    @pytest.mark.parametrize(("flags", "chiba", "sr"), [
        ((0, 0, 0, 0, 0), 0, 0),
        ((1, 0, 0, 0, 0), 3, 3),
        ((0, 1, 0, 0, 0), 3, 3),  # offence only
        ((0, 0, 1, 0, 0), 2, 2),  # neutrality only
        ((0, 0, 0, 1, 0), 1, 2),  # non-aggression only
        ((0, 0, 0, 0, 1), 2, 1),  # consultation only
        ((0, 0, 0, 1, 1), 2, 2),
        ((1, 0, 1, 1, 1), 3, 3),  # the highest level wins
        ((0, 1, 0, 0, 1), 3, 3),
    ])
    def test_known_cases(self, flags, chiba: int, sr: int) -> None:
        assert valued_ties(*flags, coding="chiba") == chiba
        assert valued_ties(*flags, coding="sr") == sr

    def test_arrays_broadcast_and_bools(self) -> None:
        defense = np.array([[True], [False]])
        out = valued_ties(defense, False, [0, 1, 0], 0, [1, 0, 0], coding="sr")
        assert out.shape == (2, 3)
        assert out.dtype == np.int64
        assert out.tolist() == [[3, 3, 3], [1, 2, 0]]

    def test_every_combination_in_range_and_monotone(self) -> None:
        flags = np.array(list(itertools.product((0, 1), repeat=5))).T
        for coding in ("chiba", "sr"):
            out = valued_ties(*flags, coding=coding)
            assert set(out.tolist()) == {0, 1, 2, 3}
            for k in range(5):  # adding an obligation never lowers the tie
                more = flags.copy()
                more[k] = 1
                assert np.all(valued_ties(*more, coding=coding) >= out)

    def test_bad_arguments(self) -> None:
        with pytest.raises(SimilarityError, match=r"'coding' parameter .* Got 'cow'"):
            valued_ties(1, 0, 0, 0, 0, coding="cow")
        with pytest.raises(SimilarityError, match=r"'nonagg' parameter .* only 0 and 1"):
            valued_ties(1, 0, 0, 2, 0, coding="sr")
        missing = pd.Series([1, None], dtype="Int64")
        with pytest.raises(SimilarityError, match="missing flags must be filled first"):
            valued_ties(missing, 0, 0, 0, 0, coding="chiba")


class TestSimilarityMatrices:
    def test_hand_example(self) -> None:
        out = similarity_matrices([[3, 3, 0, 0], [3, 3, 3, 0]], [0.4, 0.3, 0.2, 0.1])
        assert list(out) == list(MEASURES)
        assert out["s_abs"][0, 1] == pytest.approx(0.5)
        assert out["s_sq"][0, 1] == pytest.approx(1 - 2 * 9 / (4 * 9))
        assert out["s_wabs"][0, 1] == pytest.approx(0.6)
        assert out["kappa"][0, 1] == pytest.approx(0.5)
        assert out["pi"][0, 1] == pytest.approx(1 - 9 / (45 - 15**2 / 8))
        assert out["taub"][0, 1] == pytest.approx(2 / np.sqrt(4 * 3))  # C=2, D=0

    def test_measures_selects_and_orders(self) -> None:
        out = similarity_matrices([[0, 1], [1, 0]], measures=["taub", "s_abs"])
        assert list(out) == ["s_abs", "taub"]
        assert list(similarity_matrices([[0, 1], [1, 0]])) == [
            m for m in MEASURES if m != "s_wabs"]

    def test_degenerate_portfolios(self) -> None:
        out = similarity_matrices([[1, 1, 1], [1, 1, 1], [2, 2, 2], [0, 1, 2]])
        assert np.isnan(out["taub"][0, 3]) and np.isnan(out["taub"][0, 2])
        assert out["taub"][3, 3] == 1.0
        assert np.isnan(out["kappa"][0, 1]) and np.isnan(out["pi"][0, 1])
        assert out["kappa"][0, 2] == 0.0  # two different constants: chance-level agreement
        assert out["pi"][0, 2] == pytest.approx(-1.0)
        assert out["s_abs"][0, 1] == 1.0

    def test_zero_total_weight(self) -> None:
        out = similarity_matrices([[0, 1], [1, 0]], [0.0, 0.0], measures=["s_wabs"])
        assert np.isnan(out["s_wabs"]).all()

    def test_single_column(self) -> None:
        out = similarity_matrices([[3], [0]])
        assert np.isnan(out["taub"]).all()
        assert out["s_abs"][0, 1] == -1.0

    @pytest.mark.parametrize(("kwargs", "match"), [
        ({"ties": [[0, 4]]}, r"'ties' parameter .* integers in \[0, 3\]. Got values from 0 to 4"),
        ({"ties": [[0, 0.5]]}, "'ties' parameter .* non-integer"),
        ({"ties": [0, 1]}, "'ties' parameter .* 2-D"),
        ({"ties": [[0, 1]], "weights": [1.0]}, "'weights' parameter .* 2 finite"),
        ({"ties": [[0, 1]], "weights": [1.0, -1.0]}, "'weights' parameter"),
        ({"ties": [[0, 1]], "weights": [1.0, np.nan]}, "'weights' parameter"),
        ({"ties": [[0, 1]], "measures": ["s_wabs"]}, "'s_wabs' measure .* needs weights"),
        ({"ties": [[0, 1]], "measures": ["tau"]}, r"'measures' parameter .* Got \['tau'\]"),
        ({"ties": [[0, 1]], "delta": 0}, r"'delta' parameter .* range \[1, inf\). Got 0"),
    ])
    def test_bad_arguments(self, kwargs, match: str) -> None:
        with pytest.raises(SimilarityError, match=match):
            similarity_matrices(**kwargs)

    def test_longer_scale(self) -> None:
        out = similarity_matrices([[0, 5], [5, 0]], delta=5, measures=["s_abs"])
        assert out["s_abs"][0, 1] == -1.0


class TestPairSimilarity:
    def test_length_mismatch(self) -> None:
        with pytest.raises(SimilarityError, match="same length"):
            pair_similarity([0, 1], [0, 1, 2])

    def test_keys(self) -> None:
        assert "s_wabs" not in pair_similarity([0, 1], [1, 0])
        assert "s_wabs" in pair_similarity([0, 1], [1, 0], [1.0, 1.0])


# ---------------------------------------------------------------- properties


@st.composite
def years(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 12))
    m = draw(st.integers(3, 40))
    ties = draw(arrays(np.int64, (n, m), elements=st.integers(0, 3)))
    weights = draw(arrays(np.float64, m, elements=st.floats(0.001, 10.0)))
    return ties, weights


def _scott_pi(x: np.ndarray, y: np.ndarray) -> float:
    """Scott's π with quadratic disagreement weights, from the pooled marginals."""
    levels = np.arange(4)
    pooled = np.array([(x == a).sum() + (y == a).sum() for a in levels]) / (2 * x.size)
    expected = sum(pooled[a] * pooled[b] * (a - b) ** 2 for a in levels for b in levels)
    observed = np.mean((x - y) ** 2)
    return np.nan if expected == 0 else 1.0 - observed / expected


def _references(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined κ / τ_b warn; NaN is what we compare
        kappa = cohen_kappa_score(x, y, weights="quadratic", labels=[0, 1, 2, 3])
        tau = kendalltau(x, y).statistic
    return {"kappa": kappa, "taub": tau, "pi": _scott_pi(x, y)}


def _same(mine: float, reference: float, tol: float = 1e-12) -> bool:
    if np.isnan(reference) or np.isnan(mine):
        return bool(np.isnan(reference) and np.isnan(mine))
    return abs(mine - reference) <= tol


@settings(max_examples=60, deadline=None)
@given(years())
def test_properties_of_a_year(year: tuple[np.ndarray, np.ndarray]) -> None:
    ties, weights = year
    out = similarity_matrices(ties, weights)
    n = ties.shape[0]
    for name, matrix in out.items():
        assert matrix.shape == (n, n) and matrix.dtype == np.float64
        np.testing.assert_allclose(matrix, matrix.T, rtol=0, atol=1e-12, equal_nan=True)
        finite = matrix[~np.isnan(matrix)]
        assert np.all((finite >= -1 - 1e-12) & (finite <= 1 + 1e-12)), name
    for name in ("s_abs", "s_sq", "s_wabs"):
        assert not np.isnan(out[name]).any()
        assert np.all(np.diag(out[name]) == 1.0)
    for i, j in itertools.combinations_with_replacement(range(n), 2):
        x, y = ties[i], ties[j]
        reference = _references(x, y)
        pair = pair_similarity(x, y, weights)
        for name in ("kappa", "taub", "pi"):
            assert _same(out[name][i, j], reference[name]), (name, i, j)
            assert _same(pair[name], reference[name]), (name, i, j)
        for name in MEASURES:
            assert _same(out[name][i, j], pair[name]), (name, i, j)


@settings(max_examples=30, deadline=None)
@given(years())
def test_rows_and_columns_permute(year: tuple[np.ndarray, np.ndarray]) -> None:
    ties, weights = year
    rng = np.random.default_rng(0)
    rows = rng.permutation(ties.shape[0])
    cols = rng.permutation(ties.shape[1])
    before = similarity_matrices(ties, weights)
    after = similarity_matrices(ties[rows][:, cols], weights[cols])
    for name in MEASURES:
        np.testing.assert_allclose(after[name], before[name][np.ix_(rows, rows)],
                                   rtol=0, atol=1e-12, equal_nan=True)
