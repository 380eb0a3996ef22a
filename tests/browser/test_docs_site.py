"""The documentation site builds with warnings as errors, its internal links resolve, and in
chromium its pages load nothing from outside 127.0.0.1 and render their mathematics with
the npm copy of MathJax.

The site is built from a copy of ``docs/`` (with the README, CITATION.cff, CHANGELOG.md and
LICENSE it includes), so the test writes nothing into the repository.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "docs" / "_vendor" / "manifest.json").is_file():
        pytest.fail("docs/_vendor is missing: run `make vendor` (MathJax from npm).")
    root = tmp_path_factory.mktemp("docs-src")
    shutil.copytree(REPO / "docs", root / "docs",
                    ignore=shutil.ignore_patterns("_build", "generated", "__pycache__"))
    for name in ("README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
        shutil.copyfile(REPO / name, root / name)
    out = root / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(root / "docs"), str(out)],
                          capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def test_internal_links_resolve_and_nothing_loads_from_outside(built_site: Path) -> None:
    spec = importlib.util.spec_from_file_location("check_docs",
                                                  REPO / "tools" / "check_docs.py")
    check_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_docs)
    assert check_docs.check(built_site) == []
    for page in ("index.html", "getting-started.html", "cli.html", "schemas.html",
                 "data-terms.html", "citing.html", "changelog.html", "api/index.html",
                 "crisis.html", "panels.html", "books.html", "counterfactuals.html"):
        assert (built_site / page).is_file(), page


def test_pages_render_offline_with_mathematics(page, built_site: Path) -> None:
    with serve(built_site) as (url, _hits):
        page.goto(url + "index.html")
        assert "foedus" in page.title()
        page.goto(url + "api/generated/foedus.measures.distance.html")
        page.wait_for_selector("mjx-container svg", timeout=30_000)
        assert page.locator("mjx-container").count() >= 1
        page.goto(url + "cli.html")
        assert page.get_by_text("foedus obligations").first.is_visible()
    assert any("/mathjax/tex-svg-full.js" in u for u in page.recorder.requests)
