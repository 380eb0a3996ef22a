"""A naive reference for portfolio similarity, and the speed-up of the matrix form over it.

``naive_year`` compares the portfolios of one year pair by pair in a Python loop, calling
:func:`foedus.measures.similarity.pair_similarity` for each dyad: the way the measures are
usually computed (one dyad at a time, as the R reference implementations do). The panel
benchmark imports it to report how much faster :func:`similarity_matrices` is.

Usage: ``python benchmarks/similarity_reference.py [--states 190] [--seed 0]`` times both on
a random year of that many states and prints the two times and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from foedus.measures.similarity import MEASURES, pair_similarity, similarity_matrices


def naive_year(ties: np.ndarray, weights: np.ndarray | None = None, *,
               delta: int = 3) -> dict[str, np.ndarray]:
    """Every measure for every pair of rows of ``ties``, one ``pair_similarity`` call per dyad.

    Same inputs and output as ``similarity_matrices`` (with its default measures); loops over
    the n(n+1)/2 unordered pairs, diagonal included, and mirrors each value.
    """
    ties = np.asarray(ties)
    n = ties.shape[0]
    names = [name for name in MEASURES if weights is not None or name != "s_wabs"]
    out = {name: np.empty((n, n)) for name in names}
    for i in range(n):
        for j in range(i, n):
            pair = pair_similarity(ties[i], ties[j], weights, delta=delta)
            for name in names:
                out[name][i, j] = out[name][j, i] = pair[name]
    return out


def random_year(states: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A year of ``states`` states with ATOP-like sparse ties (mostly none) and weights."""
    rng = np.random.default_rng(seed)
    ties = rng.choice(4, size=(states, states), p=[0.85, 0.04, 0.04, 0.07])
    ties = np.triu(ties, 1) + np.triu(ties, 1).T  # ties in a year are mostly mutual
    np.fill_diagonal(ties, 3)
    weights = rng.dirichlet(np.full(states, 0.3))  # a few large shares, many small ones
    return ties, weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--states", type=int, default=190)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=50, help="runs of the matrix form")
    args = parser.parse_args()
    ties, weights = random_year(args.states, args.seed)

    similarity_matrices(ties, weights)  # warm up
    fast_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        fast = similarity_matrices(ties, weights)
        fast_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    slow = naive_year(ties, weights)
    slow_time = time.perf_counter() - start

    worst = max(float(np.nanmax(np.abs(fast[name] - slow[name]))) for name in fast)
    same_nan = all(np.array_equal(np.isnan(fast[name]), np.isnan(slow[name])) for name in fast)
    fast_time = statistics.median(fast_times)
    print(f"one year of {args.states} states, all {len(fast)} measures, "
          f"{args.states * (args.states + 1) // 2} dyads:")
    print(f"  similarity_matrices  {fast_time * 1e3:9.2f} ms  (median of {args.repeat}; "
          f"min {min(fast_times) * 1e3:.2f})")
    print(f"  naive_year           {slow_time * 1e3:9.2f} ms  (one run)")
    print(f"  speed-up             {slow_time / fast_time:9.0f} x")
    print(f"  largest difference   {worst:.1e}; NaN in the same places: {same_nan}")


if __name__ == "__main__":
    main()
