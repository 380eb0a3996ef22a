"""Sphinx directives that write pages from the project's own declarations.

- ``foedus-cli``: every command of the typer application, its usage, arguments and options
  (typer 0.29 carries its own click, which sphinx-click does not recognise).
- ``foedus-datasets``: the registry's datasets with version, coverage, terms and address.
- ``foedus-citations``: each dataset's citation and BibTeX key.
- ``foedus-schemas``: every JSON Schema in ``docs/schemas/`` with its title and keys.
- ``foedus-notices``: the front-end libraries shipped with foedus (the vendor manifest) and
  the Python packages that draw the reports, with versions and licences.
- ``foedus-cases``: the case library (``scenarios/*.toml``): each case's name, date, note,
  sources, attacks and base, a link to the case in the library report the build writes
  (``reports/library.html``, :func:`write_case_reports`), and the commands that write its
  full report.

Each directive reads the source of truth at build time (``registry.toml``, the schema files),
so the pages cannot drift from the code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles
from typer import _click as click

from foedus.cli.main import app

DOCS = Path(__file__).resolve().parents[1]

#: where in the built site the case library report goes
CASE_REPORT = "reports/library.html"
#: draws per case in that report (the files' own seeds); ``FOEDUS_DOCS_CASE_DRAWS`` overrides
CASE_DRAWS = 5000


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


class _Rst(SphinxDirective):
    """A directive that writes reStructuredText and parses it in place."""

    def lines(self) -> list[str]:  # pragma: no cover - each subclass says
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        nested_parse_with_titles(
            self.state, StringList(self.lines(), source=self.get_source_info()[0]), container)
        return container.children


class Datasets(_Rst):
    """A table of the registered datasets and their terms of use."""

    def lines(self) -> list[str]:
        from foedus.data.registry import datasets

        out = [".. list-table::", "   :header-rows: 1", "   :widths: 14 26 8 10 42", "",
               "   * - name", "     - dataset", "     - version", "     - coverage",
               "     - terms (as the source states them)"]
        for d in datasets():
            out += [f"   * - ``{d.name}``", f"     - {_cell(d.title)}",
                    f"     - {_cell(d.version)}", f"     - {_cell(d.coverage)}",
                    f"     - {_cell(d.terms)} Official address: {d.url}"]
        return out


class Citations(_Rst):
    """Each registered dataset's citation, as ``foedus data cite NAME`` prints it."""

    def lines(self) -> list[str]:
        from foedus.data.registry import datasets

        out = []
        for d in datasets():
            out += [f"``{d.name}`` ({_cell(d.title)}, version {_cell(d.version)})", "",
                    f"   {_cell(d.citation)} BibTeX key ``{d.bibtex_key}``.", ""]
        return out


class Schemas(_Rst):
    """Each JSON Schema of docs/schemas: its title, required keys, and the schema itself."""

    def lines(self) -> list[str]:
        out = []
        for path in sorted((DOCS / "schemas").glob("*.schema.json")):
            schema = json.loads(path.read_text("utf-8"))
            title = f"``{path.name}``"
            self.env.note_dependency(str(path))
            out += [title, "-" * len(title), "", _cell(schema.get("title", "")), ""]
            required = schema.get("required", [])
            if required:
                out += ["Required keys: " + ", ".join(f"``{k}``" for k in required) + ".", ""]
            out += [f".. literalinclude:: /schemas/{path.name}", "   :language: json", ""]
        return out


class Cli(_Rst):
    """The command line, from the typer application: one section per command."""

    UNDERLINES = "-~^\""

    def lines(self) -> list[str]:
        command = typer.main.get_command(app)
        return self._command(command, click.Context(command, info_name="foedus"), 0)

    def _command(self, command, ctx, depth: int) -> list[str]:
        out = []
        path = ctx.command_path
        if depth:
            out += [f"``{path}``", self.UNDERLINES[depth - 1] * (len(path) + 4), ""]
        out += [_cell(command.help or ""), "", "::", "", "   " + command.get_usage(ctx), ""]
        records = [(p.param_type_name, p.get_help_record(ctx)) for p in command.params
                   if not getattr(p, "hidden", False)]
        for kind, record in records:
            if record is None:
                continue
            name, text = record
            out += [f"``{name}``", f"   {_cell(text) or '(' + kind + ')'}", ""]
        if isinstance(command, typer.core.TyperGroup):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None and not sub.hidden:
                    out += self._command(sub, click.Context(sub, info_name=name, parent=ctx),
                                         depth + 1)
        return out


class Notices(_Rst):
    """Third-party notices: vendored front-end libraries and the report's drawing tools."""

    def lines(self) -> list[str]:
        from foedus.report.footer import library_notices

        out = [".. list-table::", "   :header-rows: 1", "   :widths: 30 20 50", "",
               "   * - package", "     - version", "     - licence"]
        for name, version, licence in library_notices():
            out += [f"   * - {_cell(name)}", f"     - {_cell(version)}",
                    f"     - {_cell(licence)}"]
        return out


class Cases(_Rst):
    """The case library, one section per scenario file."""

    def lines(self) -> list[str]:
        from foedus.crisis.scenario import load_scenario

        out = [f"`The library report <{CASE_REPORT}>`__: every case on one page.", ""]
        for path in _case_files():
            scenario, _ = load_scenario(path)
            title = f"{path.stem}: {scenario.name}"
            out += [f".. _case-{path.stem}:", "", title, "-" * len(title), "",
                    f"**Date** {scenario.date.isoformat()}; **view** {scenario.view.value}; "
                    f"**draws** {scenario.draws:,}, **seed** {scenario.seed}.", ""]
            attacks = "; ".join(f"{a.attacker} attacks {a.target}"
                                + (f" at {a.place}" if a.place else "")
                                + (f" ({a.domain.value})" if a.domain else "")
                                for a in scenario.attack)
            out += [f"**Attacks** {_cell(attacks)}.", ""]
            if scenario.base:
                out += [f"**Counterfactual of** ``{scenario.base}``, with "
                        f"{len(scenario.modify)} modification(s).", ""]
            for block in (scenario.note or "").strip().split("\n\n"):
                if block.strip():
                    out += [_cell(block), ""]
            if scenario.sources:
                out += ["Sources:", ""] + [f"- {_cell(s)}" for s in scenario.sources] + [""]
            out += [f"`This case in the library report <{CASE_REPORT}#case-{path.stem}>`__ "
                    "(P(deterred) and P(widens) with their errors, the coalition, who is "
                    "drawn in and entrapped, the map; built with the site at "
                    f"{_case_draws():,} draws and the file's seed). Its full report, with "
                    "who is bound and why, the cascade and the sensitivity sweeps::", "",
                    f"   foedus report scenario scenarios/{path.name} "
                    f"--out {path.stem}.html", ""]
            if scenario.base:
                out += ["and against its base::", "",
                        f"   foedus report compare scenarios/{scenario.base} "
                        f"scenarios/{path.name} --out {path.stem}-vs-base.html", ""]
        return out


def _case_files() -> list[Path]:
    files = sorted((DOCS.parent / "scenarios").glob("*.toml"))
    if not files:
        raise ValueError(f"the case library is empty: no scenario files in "
                         f"{DOCS.parent / 'scenarios'}")
    return files


def _case_draws() -> int:
    return int(os.environ.get("FOEDUS_DOCS_CASE_DRAWS", CASE_DRAWS))


def write_case_reports(app: Sphinx, exception: Exception | None) -> None:
    """After an HTML build, write the case library report (``foedus report library
    scenarios --draws N``) to :data:`CASE_REPORT` in the site, so that every case of the
    library page links to its simulated numbers and map (one self-contained file)."""
    if exception is not None or app.builder.format != "html":
        return
    from foedus.report.answer import write_atomic
    from foedus.report.library import library_report

    files = _case_files()
    draws = _case_draws()
    html, _ = library_report(files, draws=draws,
                             command=f"foedus report library scenarios --draws {draws} "
                                     "--out library.html")
    out = Path(app.outdir) / CASE_REPORT
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out, html.encode("utf-8"))


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", write_case_reports)
    app.add_directive("foedus-cli", Cli)
    app.add_directive("foedus-datasets", Datasets)
    app.add_directive("foedus-citations", Citations)
    app.add_directive("foedus-schemas", Schemas)
    app.add_directive("foedus-notices", Notices)
    app.add_directive("foedus-cases", Cases)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
