"""``foedus reliability``: when the casus foederis arose, did allies act?"""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from foedus.cli.output import err, out, print_json
from foedus.errors import DateOutOfRangeError, ParameterError

SOURCES = {"cow": ("cow_wars", "dyadic_war", "atop_members", "atop_alliances",
                   "atop_directed"),
           "mid": ("midb", "atop_members", "atop_alliances", "atop_directed")}
#: Years each source covers (COW inter-state wars v4.0 to 2003; MIDB 4.3 to 2010).
YEARS = {"cow": (1816, 2003), "mid": (1816, 2010)}


def _interval(r: dict) -> str:
    if r.get("rate") is None or (isinstance(r["rate"], float) and math.isnan(r["rate"])):
        return "-"
    return f"{r['rate']:.2f} [{r['low']:.2f}, {r['high']:.2f}]"


def command(
    start: Annotated[int, typer.Option("--from", help="First year (of the casus foederis).")
                     ] = 1816,
    end: Annotated[int, typer.Option("--to", help="Last year.")] = 2010,
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
    from foedus.data.loaders import load_system
    from foedus.provenance import provenance
    from foedus.reliability import (
        alliance_rates,
        alliance_wars,
        allied_fights,
        excluded,
        export_cases,
        opportunities,
        published_comparisons,
        reliability_rates,
        window_sensitivity,
    )
    from foedus.reliability.rates import ALLIANCE_GROUPS, ALLY_GROUPS

    if source not in SOURCES:
        raise typer.BadParameter("must be cow or mid", param_hint="--source")
    first, last = YEARS[source]
    for flag, year in (("--from", start), ("--to", end)):
        if not 1816 <= year <= 2010:
            raise DateOutOfRangeError(f"{flag} {year} is outside the record: years 1816-2010 "
                              f"({source} covers {first}-{last}).")
    if end < start:
        raise DateOutOfRangeError(f"--to {end} is before --from {start}.")
    if window < 0:
        raise ParameterError(f"--window {window} is negative; give days (0 or more).")
    groups = [g.strip() for g in by.split(",") if g.strip()]
    if set(groups) - set(ALLY_GROUPS):
        raise typer.BadParameter(f"groups must be among {', '.join(ALLY_GROUPS)}",
                                 param_hint="--by")
    system = load_system()
    frame = opportunities(system, source=source, start=start, end=end, window=window)
    prov = provenance(list(SOURCES[source]), view="atop")
    if cases:
        rows = export_cases(frame)
        if json:
            print_json({"cases": rows, "provenance": prov})
            return
        table = Table("war", "year", "partner", "role", "ally", "ATOP", "kind",
                      "casus foederis", "outcome", "honoured",
                      title=f"Opportunities ({source}, {start}-{end})")
        for r in rows:
            table.add_row(r["war"], str(r["year"]), r["target"]["name"] or
                          str(r["target"]["cow"]), r["role"], r["ally"]["name"] or
                          str(r["ally"]["cow"]), str(r["atopid"]), r["kind"],
                          str(r["casus_foederis"]), r["outcome"], str(r["honoured"]))
        out.print(table)
        return
    alliances = alliance_wars(frame, allied_fights(system, source, start=start, end=end))
    a_groups = [g for g in groups if g in ALLIANCE_GROUPS]
    ally = reliability_rates(frame, by=groups).to_dict("records")
    llm = alliance_rates(alliances, by=a_groups, rule="llm").to_dict("records")
    sab = alliance_rates(alliances, by=a_groups, rule="sabrosky").to_dict("records")
    dropped = excluded(frame)
    sens = window_sensitivity(frame).to_dict("records")
    notes = [f"Rows whose casus foederis cannot be decided from ATOP's coded conditions "
             f"(None: {dropped['casus_foederis_none']} ally–partner–war rows) are never "
             "used as evidence."]
    full = source == "cow" and start <= 1816 and end >= 2003
    if full:
        comparisons = published_comparisons(alliances)
    else:
        comparisons = []
        notes.append("The published comparisons need COW wars over 1816-2003 "
                      "(--source cow --from 1816 --to 2003 or wider).")
    if json:
        print_json({"source": source, "from": start, "to": end, "by": groups,
                    "window_days": window,
                    "rates": {"ally_partner_war": ally,
                              "alliance_war": {"llm": llm, "sabrosky": sab}},
                    "excluded": dropped, "window_sensitivity": sens,
                    "comparisons": comparisons, "notes": notes, "provenance": prov})
        return
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
    for c in comparisons:
        pub = f"{c['published']:.3f}" + (f" (n={c['published_n']})" if c["published_n"]
                                          else "")
        out.print(f"[bold]{c['source']}[/] — {c['definition']}: published {pub}; ours "
                  f"{_interval(c)} (n={c['n']}, {c['wars']} wars)", highlight=False)
    for note in notes:
        err.print(note, highlight=False)


def _print(rows: list[dict], groups: list[str], title: str,
           sabrosky: list[dict] | None = None) -> None:
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
