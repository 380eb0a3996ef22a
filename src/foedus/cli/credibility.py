"""``foedus credibility``: how likely is a pledge to be honoured; ``credibility fit`` refits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.dates import as_of_date
from foedus.cli.output import err, out, print_json

app = typer.Typer(help="Credibility of alliance pledges, from the historical record.",
                  invoke_without_command=True)


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
    """The probability that each pledge ALLY owes PARTNER is honoured, with the reasons."""
    if ctx.invoked_subcommand is not None:
        return
    if ally is None or partner is None:
        raise typer.BadParameter("--ally and --partner are required (or use `fit`).",
                                 param_hint="--ally/--partner")
    from foedus.credibility import credibility, load
    from foedus.data.identities import resolve_state
    from foedus.provenance import provenance

    day, _ = as_of_date(as_of)
    a, p = resolve_state(ally, on=day), resolve_state(partner, on=day)
    against_states = [resolve_state(x, on=day) for x in against or []]
    attackers = [s.cow for s in against_states]
    fitted = load()
    table = credibility(a.cow, p.cow, day, against=attackers)
    rows = [{"treaty": {"id": r.treaty, "name": r.treaty_name}, "obligation": r.obligation,
             "article": r.article, "kind": r.kind, "probability": r.probability,
             "probability_interval": [r.lower, r.upper],
             "up": [{"feature": f, "log_odds": v} for f, v in (r.up or [])],
             "down": [{"feature": f, "log_odds": v} for f, v in (r.down or [])],
             "outside_record": list(r.outside_record or [])}
            for r in table.itertuples(index=False)]
    if json:
        print_json({"as_of": day.isoformat(), "ally": a.to_json(), "partner": p.to_json(),
                    "against": [s.to_json() for s in against_states],
                    "pledges": rows, "model": {"metrics": fitted.metrics},
                    "provenance": provenance(["atop_members", "atop_alliances", "cow_wars",
                                              "nmc_7", "capitals", "unga_idealpoints"],
                                             view="legal", as_of=day.isoformat())})
        return
    out.print(f"[bold]{a.name}[/] → [bold]{p.name}[/] on {day}", highlight=False)
    if not rows:
        out.print("no pledge binds the ally to the partner on this date.")
    for r in rows:
        prob = r["probability"]
        if prob is None or prob != prob:
            out.print(f"{r['treaty']['name']}, {r['article']}: {r['kind']} — not scored "
                      "(its keeping is not observable in wars)", highlight=False)
            continue
        lo, hi = r["probability_interval"]
        out.print(f"{r['treaty']['name']}, {r['article']}: {r['kind']} — P(honoured) = "
                  f"{prob:.3f} [{lo:.3f}, {hi:.3f}]", highlight=False)
        ups = ", ".join(f"{u['feature']} ({u['log_odds']:+.2f})" for u in r["up"]) or "-"
        downs = ", ".join(f"{d['feature']} ({d['log_odds']:+.2f})" for d in r["down"]) or "-"
        out.print(f"  up: {ups}\n  down: {downs}", highlight=False)
        if r["outside_record"]:
            out.print(f"  beyond the historical record (clipped): "
                      f"{', '.join(r['outside_record'])}", style="yellow", highlight=False)


@app.command("fit")
def fit_command(
    plot: Annotated[Path | None, typer.Option("--plot", help="Write the calibration plot "
                                              "into this folder.")] = None,
    save_to: Annotated[Path | None, typer.Option("--out", help="Save the fitted model here "
                                                 "(default: print only).")] = None,
    source: Annotated[str, typer.Option("--source", help="cow or mid.")] = "cow",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Refit the credibility model (time split at 1945) and report its out-of-sample skill
    beside a constant forecast at the test period's own rate."""
    if source not in ("cow", "mid"):
        raise typer.BadParameter("must be cow or mid", param_hint="--source")
    from foedus.credibility import case_counts, fit, plot_calibration, save
    from foedus.model.system import CommitmentSystem
    from foedus.provenance import provenance
    from foedus.reliability import opportunities

    system = CommitmentSystem.load()
    opp = opportunities(system, source=source)
    counts = case_counts(opp)
    fitted = fit(opp, system, seed=seed, source=source)
    paths = []
    if plot is not None:
        plot.mkdir(parents=True, exist_ok=True)
        paths.append(str(plot_calibration(fitted, plot / "calibration.png")))
    if save_to is not None:
        save(fitted, save_to)
    coefficients = fitted.coefficients().to_dict("records")
    if json:
        names = [d["name"] for d in fitted.provenance.get("datasets", []) if d.get("sha256")]
        print_json({"metrics": fitted.metrics, "cases": counts, "coefficients": coefficients,
                    "plots": paths, "saved": str(save_to) if save_to else None,
                    "provenance": provenance(names, view="atop")})
        return
    m = fitted.metrics
    out.print(f"cases: {counts['cases']} of {counts['rows']} opportunity rows "
              f"({counts['casus_foederis_none']} with an undecidable casus foederis left "
              "out)", highlight=False)
    if m:
        auc = "-" if m["auc"] is None else f"{m['auc']:.3f}"
        out.print(f"out-of-sample, train ≤ {fitted.split_year} (n={m['n_train']}, rate "
                  f"{m['rate_train']:.3f}), test after (n={m['n_test']}, rate "
                  f"{m['rate_test']:.3f}): AUC {auc}"
                  f", Brier {m['brier']:.3f}; constant forecast at the test period's rate "
                  f"{m['brier_test_base']:.3f}, at the training rate {m['brier_base']:.3f}",
                  highlight=False)
    for c in coefficients:
        out.print(f"  {c['feature']:<18} {c['coef']:+.3f} [{c['lower']:+.3f}, "
                  f"{c['upper']:+.3f}]", highlight=False)
    for path in paths:
        err.print(f"wrote {path}", highlight=False)
