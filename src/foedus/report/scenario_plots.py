"""Plots for ``foedus compare --plot DIR``, ``foedus sweep --plot DIR`` and the library's
sensitivity sweeps. Every estimate is drawn with its 95% interval (± 1.96 standard
errors)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_comparison", "plot_sensitivity", "plot_sweep"]

_Z = 1.96


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    tmp.replace(path)
    return path


def _pair(ax, labels, base, base_se, alt, alt_se, names) -> None:
    y = np.arange(len(labels))
    ax.barh(y - 0.2, base, height=0.4, xerr=_Z * np.asarray(base_se), label=names[0],
            color="tab:grey")
    ax.barh(y + 0.2, alt, height=0.4, xerr=_Z * np.asarray(alt_se), label=names[1],
            color="tab:blue")
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.legend(fontsize=8)


def plot_comparison(result: dict, folder: str | Path, top: int = 15) -> list[Path]:
    """Per event: P(deterred) and P(widens) base against alternative, and the states whose
    probability of being drawn in (and entrapment exposure) moved most. Returns paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    b, a = result["base"], result["alt"]
    names = (f"base: {b['scenario']['name']}"[:60], f"alt: {a['scenario']['name']}"[:60])
    paths = []
    for k, label in enumerate(result["diff"]["events"]):
        eb, ea = b["events"][label], a["events"][label]
        fig, axes = plt.subplots(1, 3, figsize=(15, max(4, top * 0.28)))
        keys = [m for m in ("p_deterred", "p_widens")
                if eb[m] is not None and ea[m] is not None]
        _pair(axes[0], keys, [eb[m] for m in keys], [eb[f"{m}_se"] for m in keys],
              [ea[m] for m in keys], [ea[f"{m}_se"] for m in keys], names)
        axes[0].set_xlim(0, 1)
        axes[0].set_title(f"{label}: probabilities", fontsize=9)
        for ax, what in zip(axes[1:], ("drawn_in", "entrapment"), strict=True):
            moved = result["diff"]["events"][label][what]
            states = [s for s, _ in sorted(moved.items(), key=lambda kv: -abs(kv[1]))[:top]]
            _pair(ax, states, [eb[what].get(s, 0.0) for s in states],
                  [eb[f"{what}_se"].get(s, 0.0) for s in states],
                  [ea[what].get(s, 0.0) for s in states],
                  [ea[f"{what}_se"].get(s, 0.0) for s in states], names)
            ax.set_title(f"{what.replace('_', ' ')}: the {len(states)} states that moved "
                         "most", fontsize=9)
        paths.append(_save(fig, out / f"compare_event{k + 1}.png"))
    return paths


def plot_sweep(points: list[dict], grid: dict[str, list], path: str | Path,
               title: str = "") -> Path:
    """P(deterred) across a sweep: a line with its band for one parameter (one line per
    value of a second), or a heat map for two."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = list(grid)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    p = np.array([np.nan if r["p_deterred"] is None else r["p_deterred"] for r in points])
    se = np.array([np.nan if r["p_deterred_se"] is None else r["p_deterred_se"]
                   for r in points])
    if len(names) == 1 or len(names) == 2:
        xs = [str(v) for v in grid[names[0]]]
        per = 1 if len(names) == 1 else len(grid[names[1]])
        for j in range(per):
            rows = slice(j, None, per)
            label = None if per == 1 else f"{names[1]} = {grid[names[1]][j]}"
            ax.errorbar(xs, p[rows], yerr=_Z * se[rows], marker="o", capsize=3,
                        label=label)
        if per > 1:
            ax.legend(fontsize=8)
        ax.set_xlabel(names[0])
    else:
        ax.errorbar(range(len(points)), p, yerr=_Z * se, marker="o", capsize=3)
        ax.set_xlabel("grid point")
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(deterred)")
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def plot_sensitivity(result: dict, path: str | Path, title: str = "") -> Path:
    """A case's sensitivity sweeps side by side: P(deterred) ± 95% across each grid."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, len(result), figsize=(5 * len(result), 4), sharey=True)
    for ax, (name, rows) in zip(np.atleast_1d(axes), result.items(), strict=True):
        p = np.array([np.nan if r["p_deterred"] is None else r["p_deterred"] for r in rows])
        se = np.array([np.nan if r["p_deterred_se"] is None else r["p_deterred_se"]
                       for r in rows])
        ax.errorbar([str(r["value"]) for r in rows], p, yerr=_Z * se, marker="o",
                    capsize=3)
        ax.set_xlabel(name + (" (× the file's range)" if name == "challenger.value" else ""))
        ax.set_ylim(0, 1)
    np.atleast_1d(axes)[0].set_ylabel("P(deterred)")
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)
