"""``foedus credibility``: how likely is a pledge to be honoured; ``credibility fit`` refits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.dates import as_of_date
from foedus.cli.output import err, out, print_json, probability, step_progress

app = typer.Typer(help="Credibility of alliance pledges, from the historical record.",
                  invoke_without_command=True)


def support_text(s: dict) -> str:
    """One line on the record behind a probability."""
    extra = (f"; {s['cases_treaty']} in this treaty" if s["cases_treaty"] else
             "; none in this treaty")
    return f"support: {s['note']}{extra}"


@app.callback()
def ask(
    ctx: typer.Context,
    ally: Annotated[str | None, typer.Option("--ally", help="The state that pledged.")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="The state pledged to.")
                       ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD (default: "
                                              "today, printed).")] = None,
    against: Annotated[list[str] | None, typer.Option("--against", help="A hypothetical "
                                                      "attacker; repeat for several.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The probability that each pledge ALLY owes PARTNER is honoured: the interval first,
    then the record behind it."""
    if ctx.invoked_subcommand is not None:
        return
    if ally is None or partner is None:
        raise typer.BadParameter("--ally and --partner are required (or use `fit`).",
                                 param_hint="--ally/--partner")
    from foedus.credibility.answer import credibility_answer

    day, _ = as_of_date(as_of)
    answer = credibility_answer(ally, partner, as_of=day, against=list(against or []))
    if json:
        print_json(answer.to_json())
        return
    body = answer.to_json()
    rows = body["pledges"]
    out.print(f"[bold]{answer.ally.name}[/] → [bold]{answer.partner.name}[/] on {day} "
              f"(model: {answer.model.spec})",
              highlight=False)
    if not rows:
        out.print("no pledge binds the ally to the partner on this date.")
    for r in rows:
        prob = r["probability"]
        if prob is None or prob != prob:
            out.print(f"{r['treaty']['name']}, {r['article']}: {r['kind']} — not scored "
                      "(its keeping is not observable in wars)", highlight=False)
            continue
        lo, hi = r["probability_interval"]
        s = r["support"]
        flag = " [yellow](prior-dominated)[/]" if s["prior_dominated"] else ""
        out.print(f"{r['treaty']['name']}, {r['article']}: {r['kind']} — P(honoured) 90% "
                  f"interval [{probability(lo, 2)}, {probability(hi, 2)}], mean "
                  f"{probability(prob, 2)}{flag}", highlight=False)
        out.print(f"  {support_text(s)}", highlight=False)
        if r["up"] or r["down"]:
            ups = ", ".join(f"{u['feature']} ({u['log_odds']:+.2f})" for u in r["up"]) or "-"
            downs = ", ".join(f"{d['feature']} ({d['log_odds']:+.2f})" for d in r["down"]) \
                or "-"
            out.print(f"  up: {ups}\n  down: {downs}", highlight=False)
        if r["outside_record"]:
            out.print(f"  beyond the historical record (clipped): "
                      f"{', '.join(r['outside_record'])}", style="yellow", highlight=False)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _print_validation(validation: dict, shipped: str) -> None:
    from foedus.credibility.validation import summary_frame

    for spec, report in validation.items():
        mark = " (shipped)" if spec == shipped else ""
        out.print(f"\n[bold]{spec}[/]{mark}: held-out log score / Brier / AUC, grouped "
                  "10-fold cross-validation", highlight=False)
        frame = summary_frame(report)
        for (scheme, era), g in frame.groupby(["scheme", "era"], sort=False):
            cells = "; ".join(f"{r.forecast} {_fmt(r.log_score)} / {_fmt(r.brier)} / "
                              f"{_fmt(r.auc)}" for r in g.itertuples())
            out.print(f"  by {scheme}, {era} (n={int(g['n'].iloc[0])}): {cells}",
                      highlight=False)


@app.command("fit")
def fit_command(
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the calibration plot "
                                              "into this folder.")] = None,
    save_to: Annotated[Path | None, typer.Option("--out", help="Save the fitted model here "
                                                 "(default: print only).")] = None,
    source: Annotated[str, typer.Option("--source", help="cow or mid.")] = "cow",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    folds: Annotated[int | None, typer.Option("--folds", min=2, hidden=True)] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, hidden=True)] = None,
    warmup: Annotated[int | None, typer.Option("--warmup", min=1, hidden=True)] = None,
    samples: Annotated[int | None, typer.Option("--samples", min=2, hidden=True)] = None,
    chains: Annotated[int | None, typer.Option("--chains", min=1, hidden=True)] = None,
) -> None:
    """Refit the credibility model: grouped cross-validation (by war, by treaty) of both
    specifications beside constant forecasts, the choice of the one that ships, and its
    posterior (NUTS)."""
    if source not in ("cow", "mid"):
        raise typer.BadParameter("must be cow or mid", param_hint="--source")
    from foedus.credibility.refit import credibility_fit

    quick = {k: v for k, v in (("folds", folds), ("steps", steps), ("warmup", warmup),
                               ("samples", samples), ("chains", chains)) if v is not None}
    with step_progress("credibility fit") as bar:
        task = bar.add_task("opportunities", total=4)

        def progress(text: str) -> None:
            bar.update(task, advance=1, description=text)

        answer = credibility_fit(source=source, seed=seed, plot=plot, out=save_to,
                                 progress=progress, **quick)
    if json:
        print_json(answer.to_json())
        return
    counts, paths, seconds = answer.cases, answer.plots, answer.diagnostics["seconds"]
    coefficients = [c.model_dump() for c in answer.coefficients]
    calibration = [c.model_dump() for c in answer.calibration]
    out.print(f"cases: {counts['cases']} of {counts['rows']} opportunity rows "
              f"({counts['casus_foederis_none']} with an undecidable casus foederis left "
              "out)", highlight=False)
    _print_validation(answer.validation, answer.shipped)
    out.print(f"\n[bold]Ships: {answer.shipped}[/] — {answer.shipped_because}", highlight=False)
    out.print("\nCalibration (shipped, held out by war): "
              + "; ".join(f"[{c['bin_low']:.1f}, {c['bin_high']:.1f}) n={c['n']} "
                          f"predicted {c['mean_predicted']:.2f} observed {c['observed']:.2f}"
                          for c in calibration), highlight=False)
    out.print(f"\nShipped posterior (NUTS; R-hat ≤ {answer.diagnostics['r_hat_max']:.3f}, "
              f"ESS ≥ {answer.diagnostics['ess_min']:.0f}, "
              f"{answer.diagnostics['divergences']} divergences; 90% intervals):",
              highlight=False)
    for c in coefficients:
        out.print(f"  {c['feature']:<22} [{c['lower']:+.3f}, {c['upper']:+.3f}] mean "
                  f"{c['coef']:+.3f}", highlight=False)
    if answer.shipped != "literature":
        out.print("Literature covariates (not shipped; posterior by ADVI on all cases, per "
                  "SD, 90% intervals):", highlight=False)
        for c in answer.coefficients_literature:
            out.print(f"  {c['feature']:<22} [{c['lower']:+.3f}, {c['upper']:+.3f}] mean "
                      f"{c['mean']:+.3f}", highlight=False)
    err.print(f"fitted in {seconds:.0f} s", highlight=False)
    for path in paths:
        err.print(f"wrote {path}", highlight=False)
