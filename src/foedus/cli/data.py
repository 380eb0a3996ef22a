"""``foedus data …``: obtain, verify, build and cite the registered datasets.

Parse → call → render: each command's answer is a typed answer of
:mod:`foedus.data.answers`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from foedus.cli.output import DownloadBar, err, out, print_json, step_progress
from foedus.errors import StoreError

app = typer.Typer(help="Obtain, verify, build and cite the datasets foedus uses.",
                  no_args_is_help=True,
                  rich_markup_mode=None)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


@app.command()
def pull(names: Annotated[list[str] | None, typer.Argument(
            help="Datasets to obtain (default: all).")] = None,
         json: JsonFlag = False) -> None:
    """Obtain every registered file into the cache: cache, mirror, HTTP base, official."""
    from foedus.data.answers import pull_datasets

    answer = pull_datasets(names, progress=DownloadBar)
    if json:
        print_json(answer.to_json())
        return
    for g in answer.pulled:
        err.print(f"[green]ok[/] {g.name:<20} {g.origin:<8} {g.path}")


@app.command()
def build(json: JsonFlag = False) -> None:
    """Load every registered dataset into the DuckDB store (atomically)."""
    from foedus.data.answers import build_store

    with step_progress("building store") as bar:
        task = bar.add_task("", total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        answer = build_store(step=step, progress=DownloadBar)
    if json:
        print_json(answer.to_json())
        return
    err.print(f"Built {answer.path} in {answer.seconds:.1f} s "
              f"({answer.size_bytes / 1e6:.1f} MB, {len(answer.tables)} tables).")
    counts: dict[str, dict[str, int]] = {}
    for u in answer.unmatched_names:
        by_reason = counts.setdefault(u.dataset, {})
        by_reason[u.reason] = by_reason.get(u.reason, 0) + 1
    if counts:
        err.print("Source names that matched no COW state (table unmatched_names):")
        for dataset_name in sorted(counts):
            parts = ", ".join(f"{n} {reason}" for reason, n in sorted(counts[dataset_name]
                                                                       .items()))
            err.print(f"  {dataset_name}: {parts}", highlight=False)


@app.command()
def status(json: JsonFlag = False) -> None:
    """Say what is present, verified and built, and when."""
    from foedus.data.answers import store_status

    answer = store_status()
    s = answer.store
    if json:
        print_json(answer.to_json())
    elif not s.present:
        out.print(f"Store: none at {s.path} (run `foedus data build`).")
    elif s.valid:
        out.print(f"Store: {s.path} built {s.built_at} by foedus {s.foedus_version}, "
                  f"{(s.size_bytes or 0) / 1e6:.1f} MB, {len(s.tables or {})} tables, "
                  f"schema {s.store_schema}, all present.")
    else:
        out.print(f"Store: {s.path} is NOT valid: {len(s.tables or {})} tables readable, "
                  f"missing or unreadable: {', '.join(s.missing_tables or []) or 'none'}.",
                  highlight=False)
    if not json:
        _datasets_table(answer)
    if s.present and not s.valid:  # the status is printed; the one-line error follows
        raise StoreError(s.problem or f"The store at {s.path} is not valid; rebuild it with "
                         "`foedus data build`.")


def _datasets_table(answer) -> None:
    from rich.table import Table

    table = Table("dataset", "version", "found in", "verified", "in store")
    mark = {True: "[green]yes[/]", False: "[red]NO[/]", None: "-"}
    for row in answer.datasets:
        table.add_row(row.name, row.version, row.found_in or "[red]missing[/]",
                      mark[row.verified], mark[row.in_store])
    out.print(table)


@app.command()
def cite(name: Annotated[str, typer.Argument(help="A registered dataset name.")],
         bibtex: Annotated[bool, typer.Option("--bibtex", help="Print BibTeX only.")] = False,
         json: JsonFlag = False) -> None:
    """Print a dataset's citation (and its BibTeX)."""
    from foedus.data.answers import cite as cite_dataset

    answer = cite_dataset(name)
    if json:
        print_json(answer.to_json())
        return
    if not bibtex:
        out.print(f"{answer.title}, version {answer.version}.", highlight=False)
        out.print(answer.citation, highlight=False)
        out.print(f"Official address: {answer.url}", highlight=False)
        out.print(f"Terms: {answer.terms}\n", highlight=False)
    print(answer.bibtex)


@app.command("list")
def list_(json: JsonFlag = False) -> None:
    """List the registered datasets."""
    from rich.table import Table

    from foedus.data.answers import list_datasets

    answer = list_datasets()
    if json:
        print_json(answer.to_json())
        return
    table = Table("name", "version", "coverage", "title")
    for e in answer.datasets:
        table.add_row(e.name, e.version, e.coverage, e.title)
    out.print(table)
