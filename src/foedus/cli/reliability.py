"""``foedus reliability``: when the casus foederis arose, did allies act?"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from foedus.cli.output import out, print_json
from foedus.errors import FoedusError

SOURCES = {"cow": ("cow_wars", "atop_members", "atop_alliances", "atop_directed"),
           "mid": ("midb", "atop_members", "atop_alliances", "atop_directed")}


def command(
    start: Annotated[int, typer.Option("--from", help="First year.")] = 1816,
    end: Annotated[int, typer.Option("--to", help="Last year.")] = 2010,
    source: Annotated[str, typer.Option("--source", help="cow (inter-state wars v4.0, to "
                                        "2003) or mid (MIDB 4.3 uses of force, to 2010).")
                      ] = "cow",
    by: Annotated[str, typer.Option("--by", help="Comma-separated groups: era, llm_window, "
                                    "kind, region, role.")] = "era",
    cases: Annotated[bool, typer.Option("--cases", help="List the opportunities instead of "
                                        "rates.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Reliability of alliance commitments, with the published comparisons."""
    from foedus.model.system import CommitmentSystem
    from foedus.provenance import provenance
    from foedus.reliability import (
        export_cases,
        opportunities,
        published_comparisons,
        reliability_rates,
    )

    if source not in SOURCES:
        raise typer.BadParameter("must be cow or mid", param_hint="--source")
    if end < start:
        raise FoedusError(f"--to {end} is before --from {start}.")
    groups = [g.strip() for g in by.split(",") if g.strip()]
    allowed = {"era", "llm_window", "kind", "region", "role"}
    if set(groups) - allowed:
        raise typer.BadParameter(f"groups must be among {', '.join(sorted(allowed))}",
                                 param_hint="--by")
    frame = opportunities(CommitmentSystem.load(), source=source, start=start, end=end)
    prov = provenance(list(SOURCES[source]), view="atop")
    if cases:
        rows = export_cases(frame)
        if json:
            print_json({"cases": rows, "provenance": prov})
            return
        table = Table("war", "year", "target", "ally", "ATOP", "kind", "casus foederis",
                      "honoured", title=f"Opportunities ({source}, {start}-{end})")
        for r in rows:
            table.add_row(r["war"], str(r["year"]), r["target"]["name"], r["ally"]["name"],
                          str(r["atopid"]), r["kind"], str(r["casus_foederis"]),
                          str(r["honoured"]))
        out.print(table)
        return
    rates = reliability_rates(frame, by=groups)
    comparisons = published_comparisons(frame)
    if json:
        print_json({"source": source, "from": start, "to": end, "by": groups,
                    "rates": rates.to_dict("records"), "comparisons": comparisons,
                    "provenance": prov})
        return
    table = Table(*groups, "n", "honoured", "rate", "95% interval",
                  title=f"Alliance reliability ({source}, {start}-{end}; casus foederis met)")
    for r in rates.to_dict("records"):
        interval = "-" if r["rate"] != r["rate"] else f"[{r['low']:.2f}, {r['high']:.2f}]"
        table.add_row(*(str(r[g]) for g in groups), str(r["n"]), str(r["honoured"]),
                      "-" if r["rate"] != r["rate"] else f"{r['rate']:.2f}", interval)
    out.print(table)
    for c in comparisons:
        ours = "-" if c["rate"] is None else f"{c['rate']:.2f} [{c['low']:.2f}, {c['high']:.2f}]"
        out.print(f"[bold]{c['source']}[/] ({c['definition']}): published {c['published']:.2f}, "
                  f"ours {ours}, n = {c['n']}", highlight=False)
