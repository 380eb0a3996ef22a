"""tools/check_docs.py finds broken internal links and anything loaded from outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import load_tool


@pytest.fixture(scope="module")
def check_docs():
    return load_tool("check_docs")


def _site(tmp_path: Path, index: str, css: str = "body { color: black; }") -> Path:
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "_static" / "site.css").write_text(css)
    (site / "guide.html").write_text('<h1 id="intro">Guide</h1><a name="old">old</a>')
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="_static/site.css">' + index)
    return site


def test_a_clean_site_passes(check_docs, tmp_path: Path) -> None:
    site = _site(tmp_path, '<a href="guide.html#intro">g</a> <a href="guide.html#old">o</a>'
                           ' <a href="#top" id="top">t</a> <a href="https://example.org/">x</a>'
                           ' <img src="data:image/png;base64,AAAA">')
    assert check_docs.check(site) == []
    assert check_docs.main([str(site)]) == 0


@pytest.mark.parametrize(("index", "css", "needle"), [
    ('<a href="missing.html">m</a>', "", "broken link missing.html"),
    ('<a href="guide.html#nowhere">n</a>', "", "broken anchor guide.html#nowhere"),
    ('<script src="https://cdn.example.org/x.js"></script>', "", "loads https://cdn"),
    ('<link rel="stylesheet" href="//fonts.example.org/f.css">', "", "loads //fonts"),
    ("", "@font-face { src: url(https://fonts.example.org/f.woff2); }", "loads https://fonts"),
    ('<a href="../outside.html">o</a>', "", "link ../outside.html leaves the site"),
])
def test_problems_are_found(check_docs, tmp_path: Path, index: str, css: str,
                            needle: str) -> None:
    site = _site(tmp_path, index, css or "body {}")
    (tmp_path / "outside.html").write_text("<p>not part of the site</p>")
    problems = check_docs.check(site)
    assert any(needle in p for p in problems), problems
    assert check_docs.main([str(site)]) == 1
