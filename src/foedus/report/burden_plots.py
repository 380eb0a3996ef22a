"""Plots for ``foedus burden --plot DIR``: burden against size, compliance over time, and
cost against benefit shares. Every figure names its series; none mixes two series."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["plot_burden"]

_SERIES = {"sipri": "SIPRI (milex, % of GDP) with WDI GDP",
           "nato": "NATO figures (% of GDP) with WDI GDP",
           "nmc": "NMC milex over Maddison GDP (approximation across units)"}


def _scatter(panel: pd.DataFrame, exploitation: pd.DataFrame, year: int, title: str,
             path: Path) -> None:
    rows = panel[(panel["year"] == year) & panel["gdp_usd"].notna()
                 & panel["milex_share_gdp"].notna()]
    stats = exploitation.set_index("year").loc[year]
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(rows["gdp_usd"], rows["milex_share_gdp"], color="tab:blue")
    for row in rows.itertuples(index=False):
        ax.annotate(row.iso3 or row.abb, (row.gdp_usd, row.milex_share_gdp), fontsize=7,
                    xytext=(3, 2), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("GDP, US$ (log scale)")
    ax.set_ylabel("defence burden, % of GDP")
    ax.set_title(f"{title}\n{year}: Spearman ρ = {stats['spearman']:.2f} "
                 f"(p = {stats['spearman_p']:.2f}), n = {int(stats['n_members'])}",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _compliance(years: pd.DataFrame, title: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(years["year"], years["n_at_target"], marker="o", label="at or above 2% of GDP")
    ax.plot(years["year"], years["n_members"], linestyle="--", color="grey",
            label="members with data")
    ax.set_xlabel("year")
    ax.set_ylabel("members")
    ax.set_title(f"{title}\nguideline compliance", fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _shares(shares: pd.DataFrame, year: int, title: str, path: Path) -> None:
    rows = shares[shares["year"] == year].sort_values("gdp_share", ascending=False)
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(max(7, len(rows) * 0.35), 4.5))
    ax.bar(x - 0.2, rows["gdp_share"], width=0.4, label="share of alliance GDP")
    ax.bar(x + 0.2, rows["spending_share"], width=0.4, label="share of alliance spending")
    ax.set_xticks(x, [r.iso3 or r.abb for r in rows.itertuples(index=False)], rotation=90,
                  fontsize=7)
    ax.set_ylabel("percent")
    ax.set_title(f"{title}\n{year}: benefit (GDP) and cost (spending) shares", fontsize=9)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_burden(report, folder: str | Path) -> list[Path]:
    """Write the three burden figures of a report into ``folder``; return their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    title = f"{report.alliance_name}: {_SERIES[report.series]}"
    usable = report.exploitation.dropna(subset=["spearman"])
    year = int(usable["year"].max()) if len(usable) else int(report.panel["year"].max())
    paths = [out / "burden_vs_size.png", out / "compliance.png", out / "shares.png"]
    if len(usable):
        _scatter(report.panel, report.exploitation, year, title, paths[0])
    else:
        paths.pop(0)
    _compliance(report.compliance_years, title, out / "compliance.png")
    _shares(report.shares.merge(report.panel[["ccode", "year", "iso3", "abb"]],
                                on=["ccode", "year"], how="left"), year, title,
            out / "shares.png")
    return paths
