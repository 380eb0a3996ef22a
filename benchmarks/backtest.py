"""Backtest: the crisis engine's join probabilities over the historical opportunities.

Runs :func:`foedus.crisis.backtest.backtest` — every opportunity the credibility model learns
from, grouped by the attack that opened it, compiled as a crisis in the ATOP view on its date
and simulated — and prints how well the engine's probability that each ally joins the
partner's side predicts what it did: the Brier score, the AUC and a calibration table,
overall and by era (≤1945, >1945), beside the credibility model's single-pledge probability
as a baseline. The engine's drawn-in probability includes cascade routes, so it can exceed
the single-pledge probability; the credibility coefficients were fitted on these same cases
(in sample); the draws include worlds in which the attack would have been deterred.

Usage: ``python benchmarks/backtest.py [--draws 20000] [--seed 0] [--years 1816-2010]
[--limit N] [--source cow|mid] [--unrecorded-conditions] [--out pairs.csv]``
(FOEDUS_DATA_MIRROR and a built store).
"""

from __future__ import annotations

import argparse
import os
import sys

from foedus.crisis.backtest import ERAS, backtest, skill


def _f(x, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="cow", choices=["cow", "mid"])
    parser.add_argument("--draws", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--years", default=None, help="e.g. 1816-1945")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", default=None, help="write the pairs to this CSV")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--unrecorded-conditions", action="store_true",
                        help="count ATOP obligations with a coded but unrecorded condition "
                             "as triggered")
    args = parser.parse_args()
    if not os.environ.get("FOEDUS_DATA_MIRROR"):
        sys.exit("set FOEDUS_DATA_MIRROR to the data mirror (e.g. ../shared/data)")
    years = tuple(int(y) for y in args.years.split("-")) if args.years else None

    def progress(done: int, total: int, label: str) -> None:
        if not args.quiet:
            print(f"  [{done}/{total}] {label}", file=sys.stderr, flush=True)

    r = backtest(args.source, draws=args.draws, seed=args.seed, years=years,
                 limit=args.limit, unrecorded_conditions=args.unrecorded_conditions,
                 progress=progress)
    pairs = r.pairs
    if args.out:
        pairs.to_csv(args.out, index=False)
    print(f"Crisis engine backtest: {args.source.upper()} opportunities the credibility model "
          f"learns from, {args.draws:,} draws per group, seed {args.seed}")
    print(f"  groups (war, partner, date, role): {r.groups}"
          f"{f', first {args.limit} run' if args.limit else ''}; compiled and simulated "
          f"{r.groups_run}; skipped {len(r.skipped)}"
          + "".join(f"\n    skipped {n}: {reason}" for reason, n in r.skipped_reasons.items()))
    unreached = pairs[~pairs["in_engine"]]
    pledged = unreached[unreached["pledge"] != "neutrality only"]
    print(f"  allies matched n = {r.n} ({int(pairs['joined'].sum())} joined the partner's "
          f"side), {len(pairs[pairs['pledge'] == 'neutrality only'])} of them holding only a "
          f"neutrality pledge; {r.seconds / 60:.1f} min")
    print(f"  unreachable by the engine (p = 0): {len(unreached)} ({int(unreached['joined'].sum())}"
          f" joined), of which {len(pledged)} ({int(pledged['joined'].sum())} joined) hold a "
          "defence/offence pledge the obligations query does not trigger (e.g. a condition ATOP "
          "codes but does not record, which the opportunities count as undecidable)")
    engine, baseline = r.skill("probability"), r.skill("credibility")
    print()
    print(f"  {'':<30}{'n':>5}{'joined':>8}{'mean p':>8}{'Brier':>8}{'AUC':>7}"
          f"   credibility baseline: {'mean p':>7}{'Brier':>8}{'AUC':>7}")
    subsets = [("all", pairs)] + [(era, pairs[pairs["era"] == era]) for era, _, _ in ERAS]
    subsets += [("partner attacked (drawn in)", pairs[pairs["role"] == "target"]),
                ("partner initiated (its side)", pairs[pairs["role"] == "initiator"]),
                ("ally with a defence/offence", pairs[pairs["pledge"] != "neutrality only"]),
                ("ally the engine reaches", pairs[pairs["in_engine"]])]
    for label, sub in subsets:
        e = engine.get(label) or skill(sub["probability"], sub["joined"])
        b = baseline.get(label) or skill(sub["credibility"], sub["joined"])
        print(f"  {label:<30}{e['n']:>5}{_f(e['observed'], '.3f'):>8}"
              f"{_f(e['mean_predicted'], '.3f'):>8}{_f(e['brier'], '.3f'):>8}"
              f"{_f(e['auc'], '.3f'):>7}   {'':<22}{_f(b['mean_predicted'], '.3f'):>7}"
              f"{_f(b['brier'], '.3f'):>8}{_f(b['auc'], '.3f'):>7}")
    print()
    print("  calibration of the engine's probability (10 bins): n, mean predicted, observed")
    names = ["all", *(era for era, _, _ in ERAS)]
    print(f"  {'bin':<11}" + "".join(f"{name:>24}" for name in names))
    for b in range(10):
        cells = []
        for name in names:
            row = next((x for x in engine[name]["calibration"]
                        if round(x["bin_low"] * 10) == b), None)
            cells.append(f"{row['n']:>6} {row['mean_predicted']:>8.3f} {row['observed']:>8.3f}"
                         if row else f"{'-':>24}")
        print(f"  {b / 10:.1f}-{(b + 1) / 10:.1f}    " + "".join(f"{c:>24}" for c in cells))
    misses = pairs.assign(miss=(pairs["probability"] - pairs["joined"]).abs()).nlargest(
        8, "miss")
    print()
    print("  largest misses: war, partner, ally, engine p, credibility, joined")
    for m in misses.itertuples():
        print(f"    {m.war} {m.war_name} {m.date}: partner cow:{m.target}, ally cow:{m.ally} "
              f"({m.kinds}) p = {m.probability:.2f}, credibility {m.credibility:.2f}, "
              f"{'joined' if m.joined else 'stayed out'}")


if __name__ == "__main__":
    main()
