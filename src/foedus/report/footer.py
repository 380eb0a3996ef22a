"""The footer of every report: how to reproduce it, the data it read (versions, sha256,
terms) and the third-party notices.

The notices are read from their sources of truth: the datasets' terms from the registry
(CShapes 2.0 and Polity5 are non-commercial), the front-end libraries from the vendor
manifest that ``make vendor`` writes (name, version, licence), and the Python packages that
drew the charts from their installed metadata.
"""

from __future__ import annotations

import importlib.metadata
import shlex
from collections.abc import Sequence
from typing import Any

from foedus.errors import FoedusError
from foedus.registry import dataset
from foedus.report.html import esc
from foedus.web.vendor import manifest

__all__ = ["NONCOMMERCIAL", "command_line", "footer", "library_notices"]

#: Datasets whose terms forbid commercial use; a report reading one says so first.
NONCOMMERCIAL = ("cshapes_cow", "polity5")
#: The Python packages that draw a report, with the licence each states.
_DRAWN_WITH = (("vl-convert-python", "BSD-3-Clause; bundles Vega and Vega-Lite, BSD-3-Clause"),
               ("altair", "BSD-3-Clause"), ("networkx", "BSD-3-Clause"))


def command_line(args: Sequence[str]) -> str:
    """The exact command that rebuilds a report, quoted for a POSIX shell."""
    return "foedus " + " ".join(shlex.quote(str(a)) for a in args)


def library_notices() -> list[tuple[str, str, str]]:
    """``(name, version, licence)`` of the front-end libraries shipped with foedus (the
    vendor manifest) and of the Python packages that draw the charts."""
    rows: list[tuple[str, str, str]] = []
    try:
        for pkg in manifest()["packages"]:
            rows.append((pkg["name"], pkg["version"], pkg["license"]))
    except FoedusError as exc:  # not vendored: said in the notices, not fatal
        rows.append(("front-end libraries", "–", f"not vendored here ({exc})"))
    for name, licence in _DRAWN_WITH:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "not installed"
        rows.append((name, version, licence))
    return rows


def _datasets(provenance: dict[str, Any]) -> str:
    rows = []
    for d in provenance.get("datasets", []):
        entry = dataset(d["name"])
        rows.append(f"<tr><td><code>{esc(d['name'])}</code></td><td>{esc(entry.title)}</td>"
                    f"<td>{esc(d['version'])}</td><td><code>{esc(d['sha256'])}</code></td>"
                    f"<td>{esc(entry.terms)}</td></tr>")
    return ("<table data-table=\"datasets\"><thead><tr><th>name</th><th>dataset</th>"
            "<th>version</th><th>sha256</th><th>terms (as the source states them)</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def footer(provenance: dict[str, Any], command: str, *, extra: Sequence[str] = ()) -> str:
    """The footer markup: reproduce, data (with hashes and terms), notices.

    Parameters
    ----------
    provenance : dict
        The report's provenance (DESIGN §7): ``datasets`` with versions and sha256,
        ``view``, ``foedus_version``, ``as_of``.
    command : str
        The command that rebuilds the report (:func:`command_line`).
    extra : sequence of str
        Further plain-text notes (e.g. carried-forward data).

    Returns
    -------
    str
        HTML.
    """
    names = {d["name"] for d in provenance.get("datasets", [])}
    restricted = [n for n in NONCOMMERCIAL if n in names]
    warn = ""
    if restricted:
        warn = ("<p><b>Non-commercial data.</b> This report draws on "
                + ", ".join(esc(dataset(n).title) for n in restricted)
                + ", whose terms allow non-commercial use only: do not use it commercially."
                "</p>")
    libs = "".join(f"<li>{esc(n)} {esc(v)}: {esc(lic)}</li>"
                   for n, v, lic in library_notices())
    view = provenance.get("view")
    facts = [f"foedus {provenance.get('foedus_version')}"]
    if view:
        facts.append(f"{view} view")
    if provenance.get("as_of"):
        facts.append(f"as of {provenance['as_of']}")
    notes = "".join(f"<p>{esc(n)}</p>" for n in extra)
    return (
        "<h2 id=\"reproduce\">Reproduce</h2>"
        f"<p>{esc(', '.join(facts))}. Rebuild this report with:</p>"
        f"<pre><code data-key=\"command\">{esc(command)}</code></pre>"
        "<p>The same command, seed and data versions give the same numbers.</p>"
        f"{notes}<h2 id=\"data\">Data</h2>{warn}{_datasets(provenance)}"
        "<p>foedus redistributes no data: each file is read from the user's mirror or cache "
        "and checked against the sha256 above. Cite the datasets you rely on "
        "(<code>foedus data cite NAME</code>).</p>"
        "<h2 id=\"notices\">Third-party notices</h2>"
        "<p>Charts are drawn offline to SVG by vl-convert (Vega and Vega-Lite) from specs "
        "built with foedus.charts; the page loads nothing. Libraries shipped with foedus or "
        f"used to draw this report, with their licences:</p><ul>{libs}</ul>"
        "<p>Maps: CShapes 2.0 (Schvitz et al. 2022, doi:10.1177/00220027211013563), de facto "
        "borders, CC BY-NC-SA 4.0. foedus itself is MIT-licensed.</p>")
