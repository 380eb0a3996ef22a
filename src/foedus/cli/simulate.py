"""``foedus simulate`` and ``foedus sweep``: the crisis engine from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from foedus.cli.output import err, out, plots_or_error, print_json, probability
from foedus.errors import FoedusError

if TYPE_CHECKING:
    from rich.progress import Progress

FileArg = Annotated[Path, typer.Argument(help="A scenario file (TOML; docs/crisis.md).")]
Draws = Annotated[int | None, typer.Option("--draws", min=1, help="Monte Carlo draws "
                                           "(default: the scenario's).")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="Seed (default: the "
                                          "scenario's).")]
Workers = Annotated[int, typer.Option("--workers", min=1, help="Worker processes (more "
                                      "than 1: a local Dask cluster).")]
Scheduler = Annotated[str | None, typer.Option("--scheduler", help="Address of a Dask "
                                               "scheduler, e.g. tcp://10.0.0.5:8786.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _top(values: dict, n: int = 5) -> list[tuple[str, float]]:
    return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def simulate(
    file: FileArg,
    draws: Draws = None,
    seed: Seed = None,
    workers: Workers = 1,
    scheduler: Scheduler = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD (default: "
                                              "the scenario's own).")] = None,
    json: Json = False,
) -> None:
    """Simulate a crisis: P(deterred), who is drawn in, entrapment, the coalition."""
    import datetime as dt

    from foedus.crisis.answer import simulate_answer
    from foedus.errors import FoedusError

    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise FoedusError(f"--as-of {as_of!r} is not a date (use YYYY-MM-DD).") from None
        from foedus.registry import check_day

        check_day(day, ("atop_members",), what=f"--as-of {day}")  # the coverage, up front
    # the bar starts once the estimate is printed (from the run's first chunk, timed), so
    # that the line is never drawn inside the live bar
    bar = _draws_progress()
    task = bar.add_task("", total=None)

    def advance(n: int) -> None:
        bar.start()  # at once if the bar is already shown
        bar.advance(task, n)

    def estimate(seconds: float) -> None:
        _estimate(seconds)
        bar.start()

    try:
        answer = simulate_answer(
            file, as_of=day, draws=draws, seed=seed, workers=workers, scheduler=scheduler,
            on_total=lambda n: bar.update(task, total=n), progress=advance,
            estimate=estimate)
    except KeyboardInterrupt:
        _interrupted(bar)
    finally:  # an error too: the bar is removed before its line is printed
        bar.live.stop()
    result = answer.to_json()  # only a finished run gets here: Ctrl-C prints no answer
    if json:
        print_json(result)
        return
    _print(result)


#: A run estimated to take longer than this (seconds) says so before it starts.
LONG_RUN = 60.0


def _draws_progress() -> Progress:
    """The draws' progress bar on stderr, with the time remaining (removed when done)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("draws"), BarColumn(), TextColumn("{task.completed}/"
                    "{task.total}"), TimeRemainingColumn(compact=True), console=err,
                    transient=True, disable=not err.is_terminal)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _estimate(seconds: float) -> None:
    """Say how long a long run will take (from its timed first chunk), before it goes on."""
    if seconds > LONG_RUN:
        # written at once, not through rich's buffer: a Ctrl-C right after the line must
        # not find it still buffered (rich would print it again)
        sys.stderr.write(f"estimated time: about {_duration(seconds)} (from a timed first "
                         "chunk); Ctrl-C stops the run without an answer\n")
        sys.stderr.flush()


def _interrupted(bar: Progress) -> None:
    """Ctrl-C: one line on stderr, exit code 130, no answer (docs/cli.md)."""
    bar.live.stop()  # (Progress.stop adds a blank line on a non-terminal)
    done = int(bar.tasks[0].completed)
    err.print(f"interrupted after {done:,} of {bar.tasks[0].total or 0:,.0f} draws; no "
              "answer was printed", highlight=False, soft_wrap=True)
    raise typer.Exit(130) from None


def _pct(p: float | None, se: float | None) -> str:
    """An estimate ± its standard error; ``se`` is None for a single draw (no error can be
    estimated from one draw)."""
    if p is None:
        return "n/a"
    return f"{probability(p)} ± n/a" if se is None else f"{probability(p)} ± {se:.3f}"


def _print(r: dict) -> None:
    from rich.table import Table

    s = r["scenario"]
    out.print(f"[bold]{s['name'] or s['file']}[/] on {r['as_of']} ({r['as_of_source']}), "
              f"{r['draws']:,} draws, seed {r['seed']}", highlight=False)
    if r["p_deterred"] is None:
        out.print(f"P(deterred): n/a — {r['p_deterred_reason']}", highlight=False)
    else:
        lo, hi = r["p_deterred_interval"]
        w = r["world"]
        out.print(f"P(deterred) = {_pct(r['p_deterred'], r['p_deterred_se'])} (90% over the "
                  f"fitted parameters: {probability(lo)}–{probability(hi)}): the share of "
                  "challenger types that do not attack", highlight=False)
        out.print(f"the war it would start: expected win margin 2P−1 = {w['win_margin']:+.3f}"
                  f", risk of nuclear use {probability(w['nuclear_risk'])}, nuclear weapons on the "
                  f"attacker's side {w['attacker_nuclear']:.2f}", highlight=False)
    out.print(f"P(the war widens beyond the first dyad) = "
              f"{_pct(r['p_widens'], r['p_widens_se'])} "
              f"({_pct(r['p_widens_if_war'], r['p_widens_if_war_se'])} if war)",
              highlight=False)
    c = r["coalition"]
    q = c["size_quantiles"]
    out.print(f"defending coalition if war: {c['size_mean']:.2f} states on average (median "
              f"{q['0.5']:g}, 90% within {q['0.05']:g}–{q['0.95']:g}); its share of the "
              f"capability at stake {_pct(r['capability_balance'], r['capability_balance_se'])}"
              if r["capability_balance"] is not None else
              f"defending coalition if war: {c['size_mean']:.2f} states on average",
              highlight=False)
    table = Table("state", "P(drawn in)", "if war", "P(entrapped)",
                  title="Most likely to be drawn in")
    for key, p in _top(r["drawn_in"], 8):
        table.add_row(key, _pct(p, r["drawn_in_se"][key]),
                      _pct(r["drawn_in_if_war"][key], r["drawn_in_if_war_se"][key]),
                      _pct(r["entrapment"][key], r["entrapment_se"][key]))
    out.print(table)
    exposed = [(k, v) for k, v in _top(r["entrapment"], 5) if v > 0]
    if exposed:
        out.print("entrapment exposure (top five): " + ", ".join(
            f"{k} {_pct(v, r['entrapment_se'][k])}" for k, v in exposed), highlight=False)
    allies = [(k, v) for k, v in _top(r["attacker_allies_if_war"], 5) if v > 0]
    if allies:
        out.print("on the attacker's side if war (its allies, when the defenders strike "
                  "back): " + ", ".join(f"{k} {v:.3f}" for k, v in allies), highlight=False)
    for flag in r["flags"]:
        out.print(f"note: {flag}", style="yellow", highlight=False)
    for note in r["notes"]:
        out.print(f"note: {note}", style="yellow", highlight=False)


def sweep(
    file: FileArg,
    grid: Annotated[list[str], typer.Option("--grid", help="NAME=V1,V2,… (repeat); NAME is "
                                            "a scenario field such as challenger.value.")],
    draws: Draws = None,
    seed: Seed = None,
    workers: Workers = 1,
    scheduler: Scheduler = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a plot of P(deterred) "
                                              "across the grid (PNG) to this folder.")] = None,
    json: Json = False,
) -> None:
    """Run a grid of scenario variants on Dask: P(deterred) and more at every point."""
    from foedus.crisis.answer import sweep_answer

    if plot is not None:
        from foedus.atomic import check_output_folder

        check_output_folder(plot)  # before the work: a bad --plot fails at once
    bar = _draws_progress()
    task = bar.add_task("", total=None)
    bar.start()
    try:
        answer = sweep_answer(file, grid, draws=draws, seed=seed, workers=workers,
                              scheduler=scheduler,
                              on_total=lambda total: bar.update(task, total=total),
                              progress=lambda k: bar.advance(task, k))
    except KeyboardInterrupt:
        _interrupted(bar)
    finally:  # an error too: the bar is removed before its line is printed
        bar.live.stop()
    payload = answer.to_json()
    rows, parsed, n = payload["points"], payload["grid"], payload["draws"]
    name = payload["scenario"]["name"] or file
    written: list | FoedusError = []
    if plot is not None:  # a failed plot must not lose the points already drawn
        from foedus.report.scenario_plots import plot_sweep

        written = plots_or_error(lambda: [plot_sweep(
            rows, parsed, plot / f"sweep-{Path(file).stem}.png",
            title=f"{name}: {n:,} draws per point")], plot)
    if json:
        print_json(payload)
    else:
        _print_sweep(payload, name)
    if isinstance(written, FoedusError):  # the results are printed; the plot alone failed
        raise written
    if not json:
        err.print(f"{len(rows)} points × {n:,} draws", highlight=False)
    for path in written:
        err.print(f"wrote {path}", highlight=False)


def _print_sweep(payload: dict, name: str) -> None:
    from rich.table import Table

    rows, parsed = payload["points"], payload["grid"]
    n, s = payload["draws"], payload["seed"]
    names = list(parsed)
    table = Table(*names, "P(deterred)", "P(widens)", "coalition size",
                  title=f"{name}: {n:,} draws per point, seed {s}")
    for r in rows:
        table.add_row(*(str(r["parameters"][k]) for k in names),
                      _pct(r["p_deterred"], r["p_deterred_se"]),
                      _pct(r["p_widens"], r["p_widens_se"]), f"{r['coalition_size_mean']:.2f}")
    out.print(table)
