"""``foedus reliability``: when the casus foederis arose, did allies act?"""

from __future__ import annotations

import math
from typing import Annotated

import typer

from foedus.cli.output import err, out, print_json
from foedus.errors import DateOutOfRangeError, ParameterError

#: The registry dataset whose last year ends each source's record (COW inter-state wars
#: v4.0 to 2003; MIDB 4.3 to 2010).
SOURCES = {"cow": "cow_wars", "mid": "midb"}


def _interval(r: dict) -> str:
    if r.get("rate") is None or (isinstance(r["rate"], float) and math.isnan(r["rate"])):
        return "-"
    return f"{r['rate']:.2f} [{r['low']:.2f}, {r['high']:.2f}]"


def command(
    start: Annotated[int, typer.Option("--from", help="First year (of the casus foederis).")
                     ] = 1816,
    end: Annotated[int | None, typer.Option("--to", help="Last year (default: the "
                                            "source's last: 2003 for cow, 2010 for mid).")
                   ] = None,
    source: Annotated[str, typer.Option("--source", help="cow (inter-state wars v4.0, to "
                                        "2003) or mid (MIDB 4.3 uses of force, to 2010).")
                      ] = "cow",
    by: Annotated[str, typer.Option("--by", help="Comma-separated groups: era, llm_window, "
                                    "kind, region, role (region and role: ally–partner "
                                    "unit only).")] = "era",
    window: Annotated[int, typer.Option("--window", help="Days from the casus foederis "
                                        "within which joining honours a pledge.")] = 90,
    cases: Annotated[bool, typer.Option("--cases", help="List the ally–partner–war "
                                        "opportunities instead of rates.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Reliability of alliance commitments on two units, beside the published figures."""
    from rich.table import Table

    from foedus.params import RELIABILITY, RELIABILITY_GROUPS, RELIABILITY_SOURCES
    from foedus.reliability.answer import reliability_answer, reliability_cases
    from foedus.reliability.rates import ALLIANCE_GROUPS

    if source not in RELIABILITY_SOURCES:
        raise typer.BadParameter("must be cow or mid", param_hint="--source")
    from foedus.registry import dataset

    wars = dataset(SOURCES[source])
    record = RELIABILITY["start"][0]  # the years of the record, declared once
    end = wars.last_year if end is None else end
    for flag, year in (("--from", start), ("--to", end)):
        if not record.left <= year <= record.right:
            raise DateOutOfRangeError(f"{flag} {year} is outside the record: years "
                                      f"{record.left}-{record.right} ({wars.label}).")
    if end > wars.last_year:  # no war past the source's end: refused, not answered empty
        raise DateOutOfRangeError(f"--to {end} is past the data: {wars.label}; use "
                                  f"--to {wars.last_year} or --source mid.")
    if end < start:
        raise DateOutOfRangeError(f"--to {end} is before --from {start}.")
    if window < 0:
        raise ParameterError(f"--window {window} is negative; give days (0 or more).")
    groups = [g.strip() for g in by.split(",") if g.strip()]
    if set(groups) - set(RELIABILITY_GROUPS):
        raise typer.BadParameter(f"groups must be among {', '.join(RELIABILITY_GROUPS)}",
                                 param_hint="--by")
    if cases:
        found = reliability_cases(source=source, start=start, end=end, window=window)
        if json:
            print_json(found.to_json())
            return
        table = Table("war", "year", "partner", "role", "ally", "ATOP", "kind",
                      "casus foederis", "outcome", "honoured",
                      title=f"Opportunities ({source}, {start}-{end})")
        for r in found.to_json()["cases"]:
            table.add_row(r["war"], str(r["year"]), r["target"]["name"] or
                          str(r["target"]["cow"]), r["role"], r["ally"]["name"] or
                          str(r["ally"]["cow"]), str(r["atopid"]), r["kind"],
                          str(r["casus_foederis"]), r["outcome"], str(r["honoured"]))
        out.print(table)
        return
    answer = reliability_answer(source=source, start=start, end=end, by=groups,
                                window=window)
    if json:
        print_json(answer.to_json())
        return
    body = answer.to_json()
    ally, dropped, sens = body["rates"]["ally_partner_war"], body["excluded"], \
        body["window_sensitivity"]
    llm, sab = body["rates"]["alliance_war"]["llm"], body["rates"]["alliance_war"]["sabrosky"]
    a_groups = [g for g in groups if g in ALLIANCE_GROUPS]
    _print(ally, groups, f"Ally–partner–war pledges honoured ({source}, {start}-{end}; "
           f"casus foederis met; joined within {window} days)")
    _print(llm, a_groups, "Alliance–war (all-members rule, Leeds, Long & Mitchell)",
           sabrosky=sab)
    out.print(f"Left out: {dropped['casus_foederis_none']} rows whose casus foederis is "
              f"undecidable ({', '.join(f'{k}: {v}' for k, v in dropped['by_reason'].items())})"
              f"; {dropped['casus_foederis_false']} where it failed; "
              f"{dropped['already_at_war']} allies already at war; "
              f"{dropped['not_recorded']} the war file cannot record (outside the state "
              f"system, or at war below its threshold); {dropped['nested']} "
              f"nested and {dropped['duplicates']} duplicate legs.", highlight=False)
    out.print("Honour window (defence and offence, ally–partner–war): " + "; ".join(
        f"{'whole war' if r['window_days'] is None else str(r['window_days']) + ' d'} "
        f"{r['era']} {r['rate']:.2f} (n={r['n']})" for r in sens), highlight=False)
    for c in body["comparisons"]:
        pub = f"{c['published']:.3f}" + (f" (n={c['published_n']})" if c["published_n"]
                                          else "")
        out.print(f"[bold]{c['source']}[/] — {c['definition']}: published {pub}; ours "
                  f"{_interval(c)} (n={c['n']}, {c['wars']} wars)", highlight=False)
    for note in body["notes"]:
        err.print(note, highlight=False)


def _print(rows: list[dict], groups: list[str], title: str,
           sabrosky: list[dict] | None = None) -> None:
    from rich.table import Table

    cols = [*groups, "n", "honoured", "rate [95% war-clustered]", "wars"]
    if sabrosky is not None:
        cols.append("Sabrosky rule")
    table = Table(*cols, title=title)
    lenient = {tuple(r[g] for g in groups): r for r in sabrosky or []}
    for r in rows:
        cells = [str(r[g]) for g in groups] + [str(r["n"]), str(r["honoured"]),
                                               _interval(r), str(r["wars"])]
        if sabrosky is not None:
            other = lenient.get(tuple(r[g] for g in groups))
            cells.append(_interval(other) if other else "-")
        table.add_row(*cells)
    out.print(table)
