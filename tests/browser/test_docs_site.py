"""The documentation site builds with warnings as errors, its internal links resolve, and in
chromium its pages load nothing from outside 127.0.0.1 and render their mathematics with
the npm copy of MathJax.

The site is built from a copy of ``docs/`` (with the README, CITATION.cff, CHANGELOG.md,
LICENSE and the ``scenarios/`` it includes), so the test writes nothing into the
repository.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory, cli_env: dict[str, str]) -> Path:
    if not (REPO / "docs" / "_vendor" / "manifest.json").is_file():
        pytest.fail("docs/_vendor is missing: run `make vendor` (MathJax from npm).")
    root = tmp_path_factory.mktemp("docs-src")
    shutil.copytree(REPO / "docs", root / "docs",
                    ignore=shutil.ignore_patterns("_build", "generated", "auto_examples",
                                                 "__pycache__"))
    for name in ("README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
        shutil.copyfile(REPO / name, root / name)
    shutil.copytree(REPO / "scenarios", root / "scenarios")  # the case library's source
    out = root / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                           "html", str(root / "docs"), str(out)],
                          capture_output=True, text=True, timeout=1200, check=False,
                          env={**os.environ, **cli_env})  # the examples read the store
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
                 "crisis.html", "panels.html", "books.html", "counterfactuals.html",
                 "reports.html", "library.html", "auto_examples/plot_crisis.html",
                 "burden.html", "reliability.html", "credibility.html",
                 "replications.html", "reports/library.html"):
        assert (built_site / page).is_file(), page


GUIDE = {"burden.html": "Burden sharing", "reliability.html": "Alliance reliability",
         "credibility.html": "Credibility of pledges",
         "replications.html": "Replication studies"}


def test_user_guide_pages_render_offline(page, built_site: Path) -> None:
    with serve(built_site) as (url, _hits):
        for name, heading in GUIDE.items():
            page.goto(url + name)
            assert page.locator("h1").first.inner_text().startswith(heading), name
        # the credibility model is written in mathematics: MathJax draws it offline
        page.goto(url + "credibility.html")
        page.wait_for_selector("mjx-container svg", timeout=30_000)
    assert not [u for u in page.recorder.requests if not u.startswith(url)]


def test_case_library_links_to_each_case_in_its_built_report(page, built_site: Path) -> None:
    """Every case section of the library page links to its anchor in the report the build
    wrote, and the report opens offline with the case's numbers there."""
    import re

    html = (built_site / "library.html").read_text("utf-8")
    cases = sorted(p.stem for p in (REPO / "scenarios").glob("*.toml"))
    linked = set(re.findall(r'href="reports/library\.html#case-([\w.-]+)"', html))
    assert linked == set(cases)
    with serve(built_site) as (url, _hits):
        page.goto(url + "reports/library.html#case-" + cases[0])
        section = page.locator(f"#case-{cases[0]}")
        assert section.count() == 1
        assert page.locator("table").count() >= 1
    assert not [u for u in page.recorder.requests if not u.startswith(url)]


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
