"""One self-contained HTML page: charts inline as SVG, styles inline, no network at view time.

:class:`Page` collects sections (text, tables, charts drawn by :mod:`foedus.charts`) and
renders one HTML document whose only outside references are links a reader may follow.
Every number a test compares with the ``--json`` answer is marked ``data-key="…"`` with its
exact value in ``data-value``; every chart is a ``<figure class="chart" data-chart="…">``
holding its ``<svg>``. Tables marked sortable sort on a click of their header (a few lines
of inline script, no library).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from foedus.charts import to_svg

__all__ = ["Page", "esc", "fmt_p"]

_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ddd; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Sans", Verdana, sans-serif; color: var(--ink); margin: 0;
       background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
header.report { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p.lead { color: var(--muted); margin-top: 0; }
.headline { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.headline div { border: 1px solid var(--rule); border-radius: 4px; padding: .6rem 1rem;
                min-width: 12rem; }
.headline b { display: block; font-size: 1.4rem; }
.headline span.label { color: var(--muted); font-size: .85rem; }
figure.chart { margin: 1rem 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; }
pre { background: #f5f5f5; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
.note { color: var(--muted); font-size: .9rem; }
footer { border-top: 1px solid var(--rule); margin-top: 2.5rem; padding-top: 1rem;
         font-size: .8rem; color: var(--muted); }
footer h2 { font-size: 1rem; border: 0; margin: 1rem 0 .3rem; color: var(--ink); }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; }
               figure.chart, table { break-inside: avoid; } }
"""

# Sorts a table on a click of its header: numbers by data-sort (or their text), the rest by
# text; a second click reverses. No library, no network.
_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[col];
        var v = cell.getAttribute("data-sort");
        if (v === null) { v = cell.textContent.trim(); }
        var n = parseFloat(v);
        return isNaN(n) || v === "" ? v.toLowerCase() : n;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { return typeof x === "number" ? -1 : 1; }
        return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def esc(value: Any) -> str:
    """HTML-escaped text of a value (None as an en dash)."""
    return "–" if value is None else html.escape(str(value), quote=True)


def fmt_p(p: float | None, se: float | None = None, *, digits: int = 3) -> str:
    """``0.182 ± 0.003`` (or ``n/a``)."""
    if p is None or (isinstance(p, float) and not math.isfinite(p)):
        return "n/a"
    return f"{p:.{digits}f}" + ("" if se is None else f" ± {se:.{digits}f}")


class Page:
    """A report page being assembled; :meth:`render` gives the HTML document."""

    def __init__(self, title: str, lead: str = "") -> None:
        self.title = title
        self.lead = lead
        self._parts: list[str] = []
        self.charts: list[str] = []

    def add(self, markup: str) -> None:
        """Append raw markup (already escaped)."""
        self._parts.append(markup)

    def extend(self, other: Page) -> None:
        """Append another page's parts and charts (a section assembled apart)."""
        self._parts += other._parts
        self.charts += other.charts

    def heading(self, text: str, level: int = 2, anchor: str | None = None) -> None:
        """A section heading."""
        ident = f' id="{esc(anchor)}"' if anchor else ""
        self.add(f"<h{level}{ident}>{esc(text)}</h{level}>")

    def para(self, text: str, cls: str | None = None) -> None:
        """A paragraph of plain text (escaped)."""
        klass = f' class="{cls}"' if cls else ""
        self.add(f"<p{klass}>{esc(text)}</p>")

    def items(self, texts: Iterable[str]) -> None:
        """A bulleted list of plain texts."""
        lis = "".join(f"<li>{esc(t)}</li>" for t in texts)
        if lis:
            self.add(f"<ul>{lis}</ul>")

    def headline(self, cells: Sequence[tuple[str, str, str, Any]]) -> None:
        """Headline figures: ``(label, shown text, data-key, exact value)`` each."""
        boxes = "".join(
            f'<div><span class="label">{esc(label)}</span><b data-key="{esc(key)}" '
            f"data-value='{esc(json.dumps(value))}'>{esc(text)}</b></div>"
            for label, text, key, value in cells)
        self.add(f'<div class="headline">{boxes}</div>')

    def chart(self, name: str, spec: dict[str, Any], caption: str | None = None) -> None:
        """A chart drawn to SVG now (offline), inline in the page."""
        self.charts.append(name)
        cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
        self.add(f'<figure class="chart" data-chart="{esc(name)}">{to_svg(spec)}{cap}'
                 "</figure>")

    def table(self, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
              sortable: bool = False, numeric: Iterable[int] = (), key: str | None = None,
              caption: str | None = None) -> None:
        """A table of plain values; a cell may be ``(text, sort_value)`` or
        ``(text, sort_value, data_key)`` to carry its exact value for sorting and tests."""
        numeric = set(numeric)
        head = "".join(f"<th scope=\"col\">{esc(c)}</th>" for c in columns)
        body = []
        for row in rows:
            cells = []
            for i, cell in enumerate(row):
                attrs = ' class="num"' if i in numeric else ""
                if isinstance(cell, tuple):
                    text, sort = cell[0], cell[1]
                    if sort is not None:
                        attrs += f" data-sort='{esc(json.dumps(sort))}'"
                    if len(cell) > 2 and cell[2]:
                        attrs += (f' data-key="{esc(cell[2])}" '
                                  f"data-value='{esc(json.dumps(sort))}'")
                else:
                    text = cell
                cells.append(f"<td{attrs}>{esc(text)}</td>")
            body.append(f"<tr>{''.join(cells)}</tr>")
        klass = ' class="sortable"' if sortable else ""
        ident = f' data-table="{esc(key)}"' if key else ""
        cap = f"<caption class=\"note\">{esc(caption)}</caption>" if caption else ""
        self.add(f"<table{klass}{ident}>{cap}<thead><tr>{head}</tr></thead>"
                 f"<tbody>{''.join(body)}</tbody></table>")

    def code(self, text: str) -> None:
        """A block of preformatted text (a command)."""
        self.add(f"<pre><code>{esc(text)}</code></pre>")

    def render(self, footer: str) -> str:
        """The whole document; ``footer`` is markup (provenance and notices)."""
        sortable = "table class=\"sortable\"" in "".join(self._parts)
        script = f"<script>{_SORT_JS}</script>" if sortable else ""
        meta = json.dumps(self.charts)
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<link rel=\"icon\" href=\"data:,\">"
                f"<meta name=\"foedus-charts\" content='{esc(meta)}'>"
                f"<title>{esc(self.title)}</title><style>{_CSS}</style></head><body><main>"
                f"<header class=\"report\"><h1>{esc(self.title)}</h1>"
                + (f"<p class=\"lead\">{esc(self.lead)}</p>" if self.lead else "")
                + "</header>" + "\n".join(self._parts)
                + f"<footer>{footer}</footer></main>{script}</body></html>\n")
