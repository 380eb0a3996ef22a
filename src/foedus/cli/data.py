"""``foedus data …``: obtain, verify, build and cite the registered datasets."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from foedus.cli.output import DownloadBar, err, out, print_json, step_progress
from foedus.data.registry import dataset, datasets
from foedus.provenance import provenance

app = typer.Typer(help="Obtain, verify, build and cite the datasets foedus uses.",
                  no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


@app.command()
def pull(names: Annotated[list[str] | None, typer.Argument(
            help="Datasets to obtain (default: all).")] = None,
         json: JsonFlag = False) -> None:
    """Obtain every registered file into the cache: cache, mirror, HTTP base, official."""
    from foedus.data.fetch import pull as pull_files

    got = pull_files(names, progress=DownloadBar)
    if json:
        print_json({"pulled": [{"name": g.dataset.name, "path": str(g.path),
                                "origin": g.origin} for g in got],
                    "provenance": provenance([g.dataset.name for g in got])})
        return
    for g in got:
        err.print(f"[green]ok[/] {g.dataset.name:<20} {g.origin:<8} {g.path}")


@app.command()
def build(json: JsonFlag = False) -> None:
    """Load every registered dataset into the DuckDB store (atomically)."""
    from foedus.data import store

    with step_progress("building store") as bar:
        task = bar.add_task("", total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        report = store.build(step=step, progress=DownloadBar)
    if json:
        print_json({"path": str(report.path), "seconds": round(report.seconds, 2),
                    "size_bytes": report.size_bytes, "tables": report.tables,
                    "unmatched_names": report.unmatched.to_dict("records"),
                    "provenance": provenance([d.name for d in datasets()
                                              if d.name != "sr1999_table6"])})
        return
    err.print(f"Built {report.path} in {report.seconds:.1f} s "
              f"({report.size_bytes / 1e6:.1f} MB, {len(report.tables)} tables).")
    if len(report.unmatched):
        counts = report.unmatched.groupby(["dataset", "reason"]).size()
        err.print("Source names that matched no COW state (table unmatched_names):")
        for dataset_name, group in counts.groupby(level=0):
            parts = ", ".join(f"{n} {reason}" for (_, reason), n in group.items())
            err.print(f"  {dataset_name}: {parts}", highlight=False)


@app.command()
def status(json: JsonFlag = False) -> None:
    """Say what is present, verified and built, and when."""
    from foedus.data import store

    report = store.status()
    if json:
        print_json({**report, "provenance": provenance([d.name for d in datasets()])})
        return
    s = report["store"]
    if s["present"]:
        out.print(f"Store: {s['path']} built {s['built_at']} by foedus {s['foedus_version']}, "
                  f"{s['size_bytes'] / 1e6:.1f} MB, {len(s['tables'])} tables.")
    else:
        out.print(f"Store: none at {s['path']} (run `foedus data build`).")
    table = Table("dataset", "version", "found in", "verified", "in store")
    mark = {True: "[green]yes[/]", False: "[red]NO[/]", None: "-"}
    for row in report["datasets"]:
        table.add_row(row["name"], row["version"], row["found_in"] or "[red]missing[/]",
                      mark[row["verified"]], mark[row["in_store"]])
    out.print(table)


@app.command()
def cite(name: Annotated[str, typer.Argument(help="A registered dataset name.")],
         bibtex: Annotated[bool, typer.Option("--bibtex", help="Print BibTeX only.")] = False,
         json: JsonFlag = False) -> None:
    """Print a dataset's citation (and its BibTeX)."""
    entry = dataset(name)
    if json:
        print_json({"name": entry.name, "title": entry.title, "version": entry.version,
                    "citation": entry.citation, "bibtex": entry.bibtex, "url": entry.url,
                    "terms": entry.terms, "provenance": provenance([entry.name])})
        return
    if not bibtex:
        out.print(f"{entry.title}, version {entry.version}.", highlight=False)
        out.print(entry.citation, highlight=False)
        out.print(f"Official address: {entry.url}", highlight=False)
        out.print(f"Terms: {entry.terms}\n", highlight=False)
    print(entry.bibtex)


@app.command("list")
def list_(json: JsonFlag = False) -> None:
    """List the registered datasets."""
    entries = datasets()
    if json:
        print_json({"datasets": [{"name": e.name, "title": e.title, "version": e.version,
                                  "coverage": e.coverage, "file": e.file, "url": e.url}
                                 for e in entries],
                    "provenance": provenance([e.name for e in entries])})
        return
    table = Table("name", "version", "coverage", "title")
    for e in entries:
        table.add_row(e.name, e.version, e.coverage, e.title)
    out.print(table)
