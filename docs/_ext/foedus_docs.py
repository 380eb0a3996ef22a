"""Sphinx directives that write pages from the project's own declarations.

- ``foedus-cli``: every command of the typer application, its usage, arguments and options
  (typer 0.29 carries its own click, which sphinx-click does not recognise).
- ``foedus-datasets``: the registry's datasets with version, coverage, terms and address.
- ``foedus-citations``: each dataset's citation and BibTeX key.
- ``foedus-schemas``: every JSON Schema in ``docs/schemas/`` with its title and keys.

Each directive reads the source of truth at build time (``registry.toml``, the schema files),
so the pages cannot drift from the code.
"""

from __future__ import annotations

import json
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


def setup(app: Sphinx) -> dict:
    app.add_directive("foedus-cli", Cli)
    app.add_directive("foedus-datasets", Datasets)
    app.add_directive("foedus-citations", Citations)
    app.add_directive("foedus-schemas", Schemas)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
