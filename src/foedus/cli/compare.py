"""``foedus compare`` and ``foedus library``: counterfactuals side by side, and the case
library in one table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foedus.atomic import check_output_folder
from foedus.cli.output import err, out, plots_or_error, print_json, step_progress
from foedus.cli.simulate import Draws, Json, Scheduler, Seed, Workers, _pct
from foedus.errors import FoedusError

Threshold = Annotated[float, typer.Option("--threshold", min=0.0, max=1.0, help="Coverage "
                                          "counts pledges at least this credible.")]


def _signed(d: float | None, se: float | None) -> str:
    return "n/a" if d is None else f"{d:+.3f} ± {se:.3f}"


def _short(v: float | None, se: float | None, *, digits: int = 3, sign: bool = False
           ) -> str:
    if v is None:
        return "n/a"
    return f"{v:{'+' if sign else ''}.{digits}f}±{se:.{digits}f}"


def _num(v: float, se: float | None) -> str:
    if se is None:
        return f"{v:.0f}" if float(v).is_integer() else f"{v:.3f}"
    return f"{v:.3f} ± {se:.3f}"


#: the system metrics the text answer shows (all are in --json): label and path
SYSTEM_ROWS = (
    ("members", ("alliance", "members")),
    ("coverage: population under a credible pledge (%)", ("coverage", "population_pct")),
    ("coverage: GDP under a credible pledge (%)", ("coverage", "gdp_pct")),
    ("expected population defended (%)", ("coverage", "expected_population_pct")),
    ("consensus: P(every member honours), mean", ("consensus", "mean")),
    ("members at 2% of GDP (%)", ("burden", "compliance", "share_at_2pct")),
    ("members at 3.5% of GDP (%)", ("burden", "compliance", "share_at_3_5pct")),
    ("cohesion: mean portfolio similarity S", ("cohesion", "similarity", "mean")),
    ("cohesion: UNGA ideal point sd", ("cohesion", "ideal_points", "sd")),
    ("network: blocs the members are split across", ("network", "member_blocs")),
    ("network: modularity (Louvain)", ("network", "modularity")),
)


def _at(tree: dict, path: tuple) -> tuple[float | None, float | None]:
    node = tree
    for part in path[:-1]:
        node = (node or {}).get(part)
    if not isinstance(node, dict):
        return None, None
    value = node.get(path[-1])
    if isinstance(value, list):
        return float(len(value)), None
    se = node.get(f"{path[-1]}_se")
    return (None if value is None else float(value)), se


def compare(
    base: Annotated[Path, typer.Argument(help="The base scenario (TOML).")],
    alt: Annotated[Path, typer.Argument(help="The alternative (usually base = ... plus "
                                        "[[modify]] tables; docs/counterfactuals.md).")],
    draws: Draws = None,
    seed: Seed = None,
    alliance: Annotated[str | None, typer.Option("--alliance", help="The alliance whose "
                                                 "system metrics are compared (default: "
                                                 "the scenarios' own).")] = None,
    threshold: Threshold = 0.5,
    workers: Workers = 1,
    scheduler: Scheduler = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write PNG plots of the "
                                              "comparison to this folder.")] = None,
    json: Json = False,
) -> None:
    """Compare two scenarios: P(deterred), drawn in, entrapment and system metrics."""
    from foedus.counterfactual.answer import compare_answer

    if plot is not None:
        check_output_folder(plot)  # before the work: a bad --plot fails at once
    with step_progress("draws") as bar:
        task = bar.add_task("", total=None)
        result = compare_answer(base, alt, draws=draws, seed=seed, alliance=alliance,
                                threshold=threshold, workers=workers, scheduler=scheduler,
                                progress=lambda n: bar.advance(task, n)).to_json()
    written: list | FoedusError = []
    if plot is not None:
        from foedus.report.scenario_plots import plot_comparison

        written = plots_or_error(lambda: plot_comparison(result, plot), plot)
    if json:
        print_json(result)
    else:
        _print(result)
    if isinstance(written, FoedusError):  # the results are printed; the plots alone failed
        raise written
    for path in written:
        err.print(f"wrote {path}", highlight=False)


def _print(r: dict) -> None:
    from rich.table import Table

    b, a = r["base"], r["alt"]
    out.print(f"[bold]{b['scenario']['name']}[/] → [bold]{a['scenario']['name']}[/] "
              f"({b['draws']:,} and {a['draws']:,} draws, seed {b['seed']})",
              highlight=False)
    for m in a["modifications"]:
        if m not in b["modifications"]:
            fields = ", ".join(f"{k}={v}" for k, v in m.items()
                               if k not in ("action", "from", "note", "treaty"))
            out.print(f"  {m['action']} {m['treaty'] or ''} from {m['from']}: {fields}",
                      highlight=False)
    for label, d in r["diff"]["events"].items():
        eb, ea = b["events"][label], a["events"][label]
        table = Table("", "base", "alternative", "difference", title=f"event {label}")
        table.add_row("P(deterred)", _pct(eb["p_deterred"], eb["p_deterred_se"]),
                      _pct(ea["p_deterred"], ea["p_deterred_se"]),
                      _signed(d.get("p_deterred"), d.get("p_deterred_se")))
        table.add_row("P(widens)", _pct(eb["p_widens"], eb["p_widens_se"]),
                      _pct(ea["p_widens"], ea["p_widens_se"]),
                      _signed(d.get("p_widens"), d.get("p_widens_se")))
        cb, ca = eb["coalition"], ea["coalition"]
        table.add_row("coalition size", f"{cb['size_mean']:.2f}", f"{ca['size_mean']:.2f}",
                      f"{ca['size_mean'] - cb['size_mean']:+.2f}")
        for what in ("drawn_in", "entrapment"):
            moved = sorted(d[what].items(), key=lambda kv: -abs(kv[1]))[:5]
            for key, v in moved:
                if abs(v) < 5e-4:
                    continue
                table.add_row(f"{what.replace('_', ' ')}: {key}",
                              _pct(eb[what].get(key, 0.0), eb[f"{what}_se"].get(key, 0.0)),
                              _pct(ea[what].get(key, 0.0), ea[f"{what}_se"].get(key, 0.0)),
                              _signed(v, d[f"{what}_se"][key]))
        out.print(table)
    if b["system"] and a["system"]:
        table = Table("", "base", "alternative", "difference",
                      title=f"{r['alliance']} as a whole (credibility threshold "
                            f"{r['threshold']:g}; all metrics in --json)")
        for label, path in SYSTEM_ROWS:
            (vb, se_b), (va, se_a) = _at(b["system"], path), _at(a["system"], path)
            if vb is None or va is None:
                continue
            se = None if se_b is None or se_a is None else (se_b ** 2 + se_a ** 2) ** 0.5
            table.add_row(label, _num(vb, se_b), _num(va, se_a),
                          f"{va - vb:+.3f}" + ("" if se is None else f" ± {se:.3f}"))
        out.print(table)
    else:
        out.print(f"system metrics: {a['system_reason'] or b['system_reason']}",
                  style="yellow", highlight=False)


def library(
    folder: Annotated[Path, typer.Argument(help="Folder of scenario files.")] = Path(
        "scenarios"),
    draws: Draws = None,
    seed: Seed = None,
    workers: Workers = 1,
    scheduler: Scheduler = None,
    sensitivity: Annotated[Path | None, typer.Option(
        "--sensitivity", help="Also sweep each case over the contested parameters and "
        "write plots and a JSON summary to this folder.")] = None,
    json: Json = False,
) -> None:
    """Run every scenario of the case library and print one table."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from foedus.crisis.answer import library_answer

    every = sorted(folder.glob("*.toml"))
    files, failed = _loadable(every)
    bar = Progress(TextColumn("cases"), BarColumn(), TextColumn("{task.completed}/"
                   "{task.total}"), TimeRemainingColumn(compact=True), console=err,
                   transient=True, disable=not err.is_terminal)
    task = bar.add_task("", total=len(files))
    bar.start()
    try:
        result = library_answer(files, draws=draws, seed=seed, workers=workers,
                                scheduler=scheduler, sensitivity=sensitivity is not None,
                                progress=lambda: bar.advance(task, 1)).to_json()
    except KeyboardInterrupt:  # one line, exit 130, no answer (docs/cli.md)
        bar.live.stop()
        err.print(f"interrupted after {int(bar.tasks[0].completed)} of {len(files)} cases; "
                  "no answer was printed", highlight=False, soft_wrap=True)
        raise typer.Exit(130) from None
    finally:
        bar.live.stop()  # (Progress.stop adds a blank line on a non-terminal)
    if sensitivity is not None:
        from foedus.report.scenario_plots import write_sensitivity

        write_sensitivity(result["sensitivity"], sensitivity)
    order = {str(path): i for i, path in enumerate(every)}
    failed = dict(sorted({**failed, **result.get("failed", {})}.items(),
                         key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    if failed:  # the files that did not load and those that failed in their run
        result["failed"] = failed
    result["notes"] += [f"not run: {why}" for why in failed.values()]
    if json:
        print_json(result)
    else:
        _print_library(result, folder)
    plots = "" if sensitivity is None else f", their sensitivity plots in {sensitivity}"
    if failed:  # every other case is printed (and written); the bad files, in one line
        raise FoedusError(f"{len(failed)} of {len(every)} scenario files "
                          f"could not be run (the others' results are above{plots}): "
                          + "; ".join(failed.values()))
    if sensitivity is not None:
        err.print(f"sensitivity plots in {sensitivity}", highlight=False)


def _loadable(files: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """The files that load as scenarios, and each other one's one-line reason (a bad file
    must not cost the others their results). None loads: the first reason is the error."""
    from foedus.crisis.library import failure_reason
    from foedus.crisis.scenario import load_scenario

    good, failed = [], {}
    for path in files:
        try:
            load_scenario(path)
        except FoedusError as exc:
            failed[str(path)] = failure_reason(path, exc)
        else:
            good.append(path)
    if failed and not good:
        raise FoedusError(f"no scenario file of {len(files)} could be run: "
                          + "; ".join(failed.values()))
    return good, failed


def _print_library(result: dict, folder: Path) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title=f"Case library ({folder}): P(deterred), its change from the "
                        "case's base, the coalition's mean size, the state most likely to be "
                        "drawn in and the top entrapment exposure, each ± its standard error",
                  box=box.SIMPLE_HEAD)
    table.add_column("case", no_wrap=True)
    for name in ("P(deterred)", "Δ vs base", "coalition", "most drawn in",
                 "top entrapment"):
        table.add_column(name)
    for row in result["cases"]:
        top, trap = row["top_drawn_in"], row["top_entrapment"]
        vs = row["vs_base"]
        table.add_row(
            row["case"], _short(row["p_deterred"], row["p_deterred_se"]),
            "" if vs is None else _short(vs["p_deterred"], vs["p_deterred_se"], sign=True),
            _short(row["coalition_size_mean"], row["coalition_size_mean_se"], digits=2),
            f"{top['state']} {_short(top['p'], top['se'])}" if top else "none",
            f"{trap['state']} {_short(trap['p'], trap['se'])}" if trap else "none")
    out.print(table)
    for note in result["notes"]:
        out.print(f"note: {note}", style="yellow", highlight=False)
