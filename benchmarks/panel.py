"""Benchmark: the full directed dyad-year panel, 1816-2018, against a naive reference.

Builds what ``foedus panel dyad-years --years 1816-2018 --add
alliances,cinc,distance,contiguity,similarity --out FILE`` writes by default (alliances
under both codings, NMC 7.0 CINC, capital distance, contiguity, and all six similarity
measures for both codings) in a new process, and prints its wall time, peak memory and rows.
Then it times the naive reference — a per-dyad Python loop computing the similarity measures
(``benchmarks/similarity_reference.naive_year``) — on a sample of real years and
extrapolates it to all years by dyad count, measured in the same run, and prints the ratio.

Usage: ``python benchmarks/panel.py [--sample-years 1914,1965,2010]`` (FOEDUS_DATA_MIRROR
and a built store, as ``make bench`` provides).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foedus.data.queries import ATOP_DUMMIES as DUMMIES
from foedus.data.queries import atop_dyad_years, system_years
from foedus.measures.similarity import similarity_matrices, valued_ties
from similarity_reference import naive_year


def _portfolio(year: int, dyads: pd.DataFrame, members: pd.DataFrame) -> np.ndarray:
    codes = np.sort(members.loc[members.year == year, "ccode"].to_numpy())
    index = {c: i for i, c in enumerate(codes)}
    d = dyads[(dyads.year == year) & dyads.ccode1.isin(index) & dyads.ccode2.isin(index)]
    ties = np.zeros((len(codes), len(codes)), dtype=np.int64)
    ties[d.ccode1.map(index), d.ccode2.map(index)] = valued_ties(
        *(d[c].to_numpy() for c in DUMMIES), coding="chiba")
    np.fill_diagonal(ties, 3)
    return ties


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample-years", default="1914,1965,2010")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dyad_years.parquet"
        command = [sys.executable, "-m", "foedus.cli", "panel", "dyad-years", "--years",
                   "1816-2018", "--add", "alliances,cinc,distance,contiguity,similarity",
                   "--out", str(out)]
        start = time.perf_counter()
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL, env=os.environ.copy())
        wall = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        frame = pd.read_parquet(out)
        size_mb = out.stat().st_size / 1e6
    print("foedus panel dyad-years --years 1816-2018 --add "
          "alliances,cinc,distance,contiguity,similarity")
    print(f"  wall time {wall:.1f} s, peak memory {peak_mb:,.0f} MB, {len(frame):,} rows x "
          f"{len(frame.columns)} columns, Parquet {size_mb:.0f} MB")

    dyads = atop_dyad_years()
    members, _ = system_years(1816, 2018)
    per_year = members.groupby("year").size()
    naive_seconds, matrix_seconds, sampled_dyads = 0.0, 0.0, 0
    for year in (int(y) for y in args.sample_years.split(",")):
        ties = _portfolio(year, dyads, members)
        t0 = time.perf_counter()
        naive_year(ties)
        naive_seconds += time.perf_counter() - t0
        t0 = time.perf_counter()
        similarity_matrices(ties)
        matrix_seconds += time.perf_counter() - t0
        sampled_dyads += len(ties) * (len(ties) - 1)
    all_dyads = int((per_year * (per_year - 1)).sum())
    naive_total = naive_seconds * all_dyads / sampled_dyads
    matrix_total = matrix_seconds * all_dyads / sampled_dyads
    print(f"  similarity (5 unweighted measures, one coding): naive per-dyad loop "
          f"{naive_seconds:.1f} s on {sampled_dyads:,} dyads of years {args.sample_years}, "
          f"extrapolated to {naive_total / 60:.0f} min for all {all_dyads:,}; matrix form "
          f"{matrix_total:.2f} s: {naive_total / matrix_total:,.0f}x faster")
    print(f"  whole panel vs the naive similarity alone (both codings): "
          f"{2 * naive_total / wall:,.0f}x")


if __name__ == "__main__":
    main()
