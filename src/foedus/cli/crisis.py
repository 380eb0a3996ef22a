"""``foedus crisis fit|validate``: the crisis engine's parameters from history, and its
verdicts tested against history (docs/crisis.md)."""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from foedus.cli.output import err, out, print_json

if TYPE_CHECKING:
    from rich.table import Table

app = typer.Typer(help="The crisis engine's parameters from history, and its verdicts "
                       "tested against history.", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws and fits.")]
Draws = Annotated[int, typer.Option("--draws", min=256, help="Monte Carlo draws per "
                                    "historical crisis.")]
Limit = Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N ICB "
                                           "crises (a quick look).")]
Workers = Annotated[int, typer.Option("--workers", min=1, help="Processes that play the "
                                      "crises and compute the dyad-year profiles (the "
                                      "answer does not depend on it).")]
Credibility = Annotated[Path | None, typer.Option(
    "--credibility", help="The credibility model the crises and dyad-year profiles are "
    "played with (a `foedus credibility fit --out` file; default: the shipped one).")]


def _credibility(path: Path | None, workers: int):
    """The credibility model to play the crises with, and its record for the answer."""
    import hashlib

    from foedus.credibility.model import load
    from foedus.errors import FoedusError

    if path is not None and workers > 1:
        raise FoedusError("--credibility works with one worker only (the worker processes "
                          "load the shipped credibility model)")
    model = load(path)
    if path is None:
        from importlib import resources

        text = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
    else:
        text = Path(path).read_bytes()
    return model, {"file": "shipped" if path is None else str(path),
                   "sha256": hashlib.sha256(text).hexdigest(), "spec": model.spec}


class _Stages:
    """A progress bar per stage on stderr, with the elapsed time and an estimate of the
    time left."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                            TextColumn("left"), TimeRemainingColumn(), console=err,
                            transient=True)
        self.tasks: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()
        return False


def _cache() -> Path:
    from foedus.config import cache_dir

    return Path(cache_dir()) / "crisis"


def _memory_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@app.command("fit")
def fit_command(
    draws: Draws = 16_384,
    seed: Seed = 0,
    limit: Limit = None,
    workers: Workers = 1,
    credibility: Credibility = None,
    general: Annotated[bool, typer.Option("--general/--no-general", help="Fit the "
                                          "opportunity layer of general deterrence (slow "
                                          "the first time).")] = True,
    save_to: Annotated[Path | None, typer.Option("--out", help="Save the parameters here "
                                                 "(default: print only).")] = None,
    only_opportunity: Annotated[bool, typer.Option(
        "--only-opportunity", help="Refit only the opportunity block of general deterrence; "
        "every other block is the shipped fitted.json's, unchanged.")] = False,
    json: Json = False,
) -> None:
    """Refit the engine's parameters: strikes and escalation from the COW wars, informal
    commitments from their record, the challenger's decision from the ICB crises."""
    from rich.table import Table

    from foedus.crisis.fit import fit_all
    from foedus.crisis.fitted import save
    from foedus.provenance import provenance

    start = time.perf_counter()
    model, record = _credibility(credibility, workers)
    with _Stages() as stages:
        if only_opportunity:
            from foedus.crisis import fitted as fitted_params
            from foedus.crisis.general import fit_channels

            fitted = fitted_params.load()
            fitted["opportunity"] = fit_channels(seed=seed, cache=_cache(),
                                                 crisis_fit=fitted, fitted=model,
                                                 workers=workers, progress=stages)
        else:
            fitted, _ = fit_all(draws=draws, seed=seed, cache=_cache(), limit=limit,
                                general=general, workers=workers, fitted=model,
                                credibility=record, progress=stages)
    if save_to is not None:
        save(fitted, save_to)
    d = fitted["decision"]
    payload = {
        "engine_version": fitted["engine_version"],
        "decision": {"estimates": d["estimates"], "value": d["value"],
                     "cost_tolerance": d["cost_tolerance"], "fit": d["fit"]},
        "escalation": {k: fitted["escalation"][k] for k in ("trials", "uses", "alpha",
                                                            "beta", "mean", "prior")},
        "reach": {k: {f: v[f] for f in ("terms", "coef", "n", "positives", "wars")}
                  for k, v in fitted["reach"].items()},
        "informal": {k: fitted["informal"][k] for k in (
            "prior", "trials", "joined", "record_mean", "mean", "interval",
            "deterrence_cases")},
        "opportunity": {k: {f: v[f] for f in ("terms", "coef", "se", "n", "events", "years")}
                        for k, v in (fitted.get("opportunity") or {}).items()},
        "saved": str(save_to) if save_to else None,
        "seconds": time.perf_counter() - start, "max_rss_mb": _memory_mb(),
        "provenance": {**provenance([x["name"] for x in fitted["provenance"]["datasets"]],
                                    view="legal", engine_version=fitted["engine_version"]),
                       "credibility": fitted["provenance"]["credibility"]},
    }
    if json:
        print_json(payload)
        return
    f = d["fit"]
    out.print(f"ICB crises: {f['cases']} cases, {f['attacks']} attacks "
              f"(left out: {', '.join(f'{k} {v}' for k, v in f['left_out'].items())}; "
              f"{f['errors']} could not be played)", highlight=False)
    table = Table("parameter", "estimate", "90% interval", "source", "cases", "note",
                  title="The challenger's decision")
    for name, e in d["estimates"].items():
        lo, hi = e.get("interval") or (float("nan"), float("nan"))
        table.add_row(name, f"{e['mean']:.3g}", f"{lo:.3g}–{hi:.3g}", e["source"],
                      str(e["cases"]), e["note"])
    out.print(table)
    esc = fitted["escalation"]
    out.print(f"nuclear escalation q = {esc['mean']:.3f} ({esc['uses']} use in "
              f"{esc['trials']} war participations by nuclear-armed states; {esc['prior']})",
              highlight=False)
    inf = fitted["informal"]
    out.print(f"informal commitments join with p = {inf['mean']:.3f} (90% "
              f"{inf['interval'][0]:.3f}–{inf['interval'][1]:.3f}); the join record alone "
              f"{inf['record_mean']:.3f} ({inf['joined']} of {inf['trials']})",
              highlight=False)
    for kind, m in fitted["reach"].items():
        out.print(f"{kind}: logit {m['coef'][0]:+.2f} {m['coef'][1]:+.2f}·log(1+km) "
                  f"{m['coef'][2]:+.2f}·log CINC (n = {m['n']}, {m['positives']} strikes, "
                  f"{m['wars']} wars)", highlight=False)
    for outcome, m in payload["opportunity"].items():
        terms = ", ".join(f"{t} {c:+.2f} ({s:.2f})" for t, c, s in zip(
            m["terms"], m["coef"], m["se"], strict=True))
        out.print(f"opportunity of a {outcome} ({m['years'][0]}–{m['years'][1]}, "
                  f"{m['events']} events in {m['n']:,} dyad-years): {terms}", highlight=False)
    err.print(f"{payload['seconds']:.0f} s, peak memory {payload['max_rss_mb']:.0f} MB"
              + (f"; saved {save_to}" if save_to else ""), highlight=False)


def _score_row(name: str, s: dict) -> tuple[str, ...]:
    def f(v, fmt):
        return "-" if v is None else format(v, fmt)

    return (name, str(s["n"]), f(s["log_score"], ".3f"), f(s["brier"], ".3f"),
            f(s["auc"], ".3f"), f(s["mean_predicted"], ".3f"), f(s["observed"], ".3f"))


def _score_table(title: str, block: dict) -> Table:
    from rich.table import Table

    table = Table("forecast", "n", "log score", "Brier", "AUC", "mean forecast", "observed",
                  title=title)
    for name, s in block.items():
        table.add_row(*_score_row(name, s))
    return table


def _print_general_extra(dyadic: dict) -> None:
    """The rest of the general-deterrence record: the design, what each outcome tests,
    the static model's cells from the same run, each decade's count, the NATO
    statements."""
    from rich.table import Table

    if "design" not in dyadic:
        return
    out.print(f"design: {dyadic['design'].replace('_', ' ')} (each decade's cells forecast "
              "from a fit on the others, pooled); what each outcome tests:", highlight=False)
    for outcome, what in dyadic["channels"].items():
        out.print(f"  {outcome}: {what}", highlight=False)
    for outcome in ("force", "war", "force_short_of_war"):
        d = dyadic[outcome]
        out.print(f"{outcome}: {d['decades_inside']} of {len(d['by_decade'])} decades inside "
                  "their own 95% interval", highlight=False)
    table = Table("cell", "outcome", "observed", "static: expected (95%)", "inside",
                  "time-varying: expected (95%)", "inside",
                  title="After 1945, the static model (fitted to 1945) beside the "
                        "time-varying one (each decade left out)")
    for outcome in ("force", "war"):
        for name, c in dyadic["static"][outcome]["cells"].items():
            n = dyadic[outcome]["after_1945"][name]
            table.add_row(name, outcome, str(c["observed"]),
                          f"{c['expected']:.1f} ({c['interval'][0]:.0f}–"
                          f"{c['interval'][1]:.0f})", "yes" if c["inside"] else "NO",
                          f"{n['expected']:.1f} ({n['interval'][0]:.0f}–"
                          f"{n['interval'][1]:.0f})", "yes" if n["inside"] else "NO")
    out.print(table)
    nato = dyadic["nato"]
    wars = "; ".join(f"{w['challenger']}→{w['target']} {w['year']} ({w['place'] or 'not placed'})"
                     for w in nato["wars_against_members"]) or "none"
    art6 = nato["wars_on_art6_territory"]
    out.print(f"NATO 1949–2003: COW wars initiated against members: {wars}; on Art. 6 "
              f"territory: {'unknown' if art6 is None else art6}; the model's probability of "
              f"no war against members {nato['model_p_no_war_against_members']:.3f}; Art. 5 "
              f"invoked {nato['art5_invocations']} time(s), {nato['art5_state_attacks']} "
              f"state attacks; MIDB uses of force against members (anywhere): "
              f"{nato['uses_of_force_against_members']}", highlight=False)


@app.command("validate")
def validate_command(
    draws: Draws = 16_384,
    seed: Seed = 0,
    limit: Limit = None,
    workers: Workers = 1,
    split_year: Annotated[int, typer.Option("--split-year", help="Fit the decision on the "
                                            "ICB crises up to this year, score after.")
                          ] = 1965,
    joins: Annotated[bool, typer.Option("--joins/--no-joins", help="Run the out-of-sample "
                                        "backtest of who joins (slow).")] = True,
    general: Annotated[bool, typer.Option("--general/--no-general", help="Check general "
                                          "deterrence and entrapment on the dyad-years "
                                          "(slow the first time).")] = True,
    credibility: Credibility = None,
    save_to: Annotated[Path | None, typer.Option("--out", help="Also save the answer here "
                                                 "(the validation record the simulation "
                                                 "answers cite: src/foedus/crisis/"
                                                 "validation.json).")] = None,
    json: Json = False,
) -> None:
    """Score the engine's verdicts out of sample beside a constant and the capability
    ratio alone: attack or not (ICB crises), who joins (COW wars)."""
    from rich.table import Table

    from foedus.crisis import fitted as fitted_params
    from foedus.crisis import validate
    from foedus.crisis.icb import cases, worlds
    from foedus.provenance import provenance

    start = time.perf_counter()
    shipped = fitted_params.load()
    model, model_record = _credibility(credibility, workers)
    q = float(shipped["escalation"]["mean"])
    with _Stages() as stages:
        frame, left = cases()
        if limit is not None:
            frame = frame.head(limit)
        played = worlds(frame, draws=draws, seed=seed, crisis_fit=shipped, cache=_cache(),
                        fitted=model, workers=workers,
                        progress=lambda i, n, _: stages("ICB crises played out", i, n))
        attack = validate.immediate(
            played, split_year=split_year, q=q, seed=seed,
            progress=lambda i, n, _: stages("leave one decade out", i, n))
        joined = validate.joins(seed=seed, progress=lambda i, n, _: stages(
            "who joins, out of sample", i, n)) if joins else None
        dyadic = entrapment = None
        if general:
            from foedus.crisis.entrapment import disputes, expected
            from foedus.crisis.general import cached_profiles, check

            prof = cached_profiles(range(1816, 2011), seed=seed, cache=_cache(),
                                   crisis_fit=shipped, fitted=model, workers=workers,
                                   progress=stages)
            dyadic, _ = check(seed=seed, crisis_fit=shipped, prof=prof)
            entrapment = expected(disputes(), prof, shipped["decision"], q=q, seed=seed)
    payload = {"attack": attack, "joins": joined, "general": dyadic,
               "entrapment": entrapment, "left_out": left,
               "run": {"date": datetime.date.today().isoformat(), "draws": draws,
                       "seed": seed, "split_year": split_year, "limit": limit,
                       "parameters_sha256": fitted_params.validated_sha256(shipped),
                       "credibility": model_record},
               "seconds": time.perf_counter() - start, "max_rss_mb": _memory_mb(),
               "provenance": provenance(["icb_actors", "cow_wars", "dyadic_war", "nmc_7",
                                         "atop_alliances", "atop_members", "capitals"],
                                        view="legal",
                                        engine_version=shipped["engine_version"])}
    if save_to is not None:
        fitted_params.save(payload, save_to)
    if json:
        print_json(payload)
        return
    ts = attack["time_split"]
    out.print(_score_table(
        f"Attack or not, ICB crises after {ts['split_year']} ({ts['test']['cases']} cases, "
        f"{ts['test']['attacks']} attacks), fitted on {ts['train']['cases']} before",
        ts["scores"]["all"]))
    for part in ("with_protector", "without_protector"):
        out.print(_score_table(f"  … {part.replace('_', ' ')}", ts["scores"][part]))
    lo = attack["leave_one_decade_out"]
    out.print(_score_table(f"Attack or not, each decade forecast from the others "
                           f"({lo['cases']} cases)", lo["scores"]["all"]))
    if joined:
        for era, block in joined["scores"].items():
            out.print(_score_table(f"Who joins ({era}), {joined['folds']} folds of wars, "
                                   "credibility refitted without each", block))
        if joined.get("ships"):
            out.print(f"who joins: ships the {joined['ships'].replace('_', ' ')} forecast "
                      f"({joined['ships_because']})", highlight=False)
    if dyadic:
        for outcome in ("force", "war"):
            d = dyadic[outcome]
            how = ("each decade left out in turn" if "design" in dyadic
                   else f"fitted to {d['train_years'][1]}")
            table = Table("cell", "dyad-years", "observed", "expected", "95% interval",
                          "inside", title=f"General deterrence: {outcome} "
                                          f"{d['test_years'][0]}–{d['test_years'][1]}, {how}")
            for name, c in d["cells"].items():
                table.add_row(name, f"{c['dyad_years']:,}", str(c["observed"]),
                              f"{c['expected']:.1f}",
                              f"{c['interval'][0]:.0f}–{c['interval'][1]:.0f}",
                              "yes" if c["inside"] else "NO")
            out.print(table)
        _print_general_extra(dyadic)
    if entrapment:
        e = entrapment
        out.print(f"Entrapment: {e['disputes']:,} MIDB disputes 1948–2010 without a US "
                  f"originator; the engine expects the United States to be drawn in through "
                  f"a pledge in {e['expected']:.1f} (95% {e['interval'][0]:.0f}–"
                  f"{e['interval'][1]:.0f}); Beckley (2015) finds {e['beckley']} cases; "
                  f"MIDB records the United States joining {e['us_joined_in_midb']}",
                  highlight=False)
    err.print(f"{payload['seconds']:.0f} s, peak memory {payload['max_rss_mb']:.0f} MB",
              highlight=False)
