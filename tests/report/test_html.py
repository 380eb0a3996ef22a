"""The report plumbing: the page, the footer's notices, atomic writing, the PDF's one-line
error without chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from foedus.charts import compliance
from foedus.provenance import provenance
from foedus.report.answer import ReportAnswer, ReportError, print_pdf, publish, write_atomic
from foedus.report.footer import command_line, footer, library_notices
from foedus.report.html import Page

from helpers import assert_one_line_error, run_cli

BURDEN = {"alliance": {"id": "book:toy", "name": "Toy <Pact>"}, "series": "sipri",
          "years": [{"year": 2020, "n_members": 2, "n_missing": 0, "n_at_2pct": 1,
                     "spearman": 0.5, "spearman_p": 0.1, "spearman_ci": [0.1, 0.9],
                     "kendall": 0.4, "kendall_p": 0.2}], "members": []}


def _page() -> Page:
    page = Page("A <title>", "lead & more")
    page.headline([("P(deterred)", "0.250 ± 0.010", "p_deterred", 0.25)])
    page.chart("compliance", compliance(BURDEN))
    page.table(["state", "p"], [("B", ("0.2", 0.2, "drawn_in.B")), ("A", ("0.9", 0.9))],
               sortable=True, numeric=(1,))
    return page


def test_page_is_one_self_contained_document() -> None:
    html = _page().render(footer(provenance(["cshapes_cow", "atop_alliances"]),
                                 command_line(["report", "x y.toml"])))
    assert html.startswith("<!DOCTYPE html>") and html.count("<html") == 1
    assert "A &lt;title&gt;" in html and "lead &amp; more" in html
    # nothing is loaded: no external script, stylesheet or image
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(?!data:)", html)
    assert 'data-chart="compliance"><svg' in html
    assert json.loads(re.search(r"name=\"foedus-charts\" content='([^']*)'", html)
                      .group(1).replace("&quot;", '"')) == ["compliance"]
    assert 'data-key="p_deterred" data-value=\'0.25\'' in html
    assert 'data-key="drawn_in.B" data-value=\'0.2\'' in html
    assert "<script>" in html and "table.sortable" in html
    # the footer: the exact command (quoted), data with sha256 and terms, notices
    assert "foedus report &#x27;x y.toml&#x27;" in html
    assert "Non-commercial data" in html and "CC BY-NC-SA" in html
    for name, version, licence in library_notices():
        assert f"{name} {version}" in html and licence.split(";")[0] in html
    no_sort = Page("t")
    no_sort.table(["a"], [("1",)])
    assert "<script>" not in no_sort.render("")


def test_notices_list_the_vendored_licences() -> None:
    names = {n for n, _, _ in library_notices()}
    assert {"vega", "vega-lite", "htmx.org", "vl-convert-python"} <= names


def test_write_atomic_never_leaves_half_a_report(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", "utf-8")

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    # a failed write is one line naming the file and the cause (foedus.atomic underneath)
    with pytest.raises(ReportError, match=r"cannot write .*r\.html: disk full"):
        write_atomic(target, b"new")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
    monkeypatch.undo()
    assert write_atomic(target, b"new") == 3 and target.read_bytes() == b"new"
    blocked = tmp_path / "file"
    blocked.write_text("x", "utf-8")
    with pytest.raises(ReportError, match="cannot write"):
        write_atomic(blocked / "r.html", b"x")


def test_publish_answer_and_pdf_without_chromium(tmp_path: Path, monkeypatch) -> None:
    prov = provenance(["atop_alliances"], view="legal")
    answer = publish("<html></html>", prov, tmp_path / "a" / "r.html")
    assert isinstance(answer, ReportAnswer)
    assert answer.to_json() == {"out": str(tmp_path / "a" / "r.html"), "bytes": 13,
                                "provenance": prov}
    monkeypatch.setenv("FOEDUS_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ReportError, match="needs chromium"):
        print_pdf(tmp_path / "a" / "r.html", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_cli_pdf_without_chromium_is_one_line(tmp_path: Path, store_home) -> None:
    out = tmp_path / "burden.html"
    proc = run_cli("report", "burden", "--years", "2020-2021", "--out", str(out), "--pdf",
                   env={"FOEDUS_CHROMIUM": str(tmp_path / "none")})
    assert_one_line_error(proc, "needs chromium")
    assert out.is_file() and out.read_text("utf-8").rstrip().endswith("</html>")
