"""Check a built documentation site: internal links resolve, nothing loads from outside.

- every relative ``href``/``src`` in every page points to a file of the site, and every
  ``#anchor`` to an ``id`` (or ``name``) in that page;
- no page loads a script, stylesheet, image, font or frame from an absolute address
  (``http://``, ``https://``, ``//``), and no stylesheet ``url(...)`` or ``@import`` does:
  the site must work offline;
- links *to* outside pages (``<a href="https://…">``) are allowed and not fetched (Sphinx's
  linkcheck would call them: ``linkcheck_ignore = [r'https?://']`` says the same).

Usage: ``python tools/check_docs.py docs/_build/html`` (``make docs`` runs it). Exit code 1
and one line per problem when something is wrong. Standard library only.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that make the browser fetch something, by tag.
LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
         "video": "src", "embed": "src", "object": "data"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "link" and "href" in a:
            rel = a.get("rel", "").lower().split()
            (self.loads if {"stylesheet", "preload", "icon", "modulepreload", "prefetch",
                            "manifest"} & set(rel) else self.links).append(a["href"])
        elif tag in LOADS and a.get(LOADS[tag]):
            self.loads.append(a[LOADS[tag]])


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or url.startswith("//")


def check(site: Path) -> list[str]:
    """Every problem found in the built site under ``site``, one sentence each."""
    site = site.resolve()
    # _static/ holds the theme's assets (pydata-sphinx-theme copies a Jinja macro file
    # named webpack-macros.html there); the pages are everything else
    pages = {p: _parse(p) for p in sorted(site.rglob("*.html"))
             if "_static" not in p.relative_to(site).parts}
    if not pages:
        return [f"{site}: no HTML pages (was the site built?)"]
    problems = []
    for path, page in pages.items():
        where = path.relative_to(site)
        for url in page.loads:
            if urlsplit(url).scheme in ("data", "blob"):
                continue
            if _external(url):
                problems.append(f"{where}: loads {url} from outside the site")
            else:
                problems += _resolve(site, path, url, pages, where)
        for url in page.links:
            if not _external(url) and not url.startswith(("mailto:", "javascript:")):
                problems += _resolve(site, path, url, pages, where)
    for css in sorted(site.rglob("*.css")):
        for url in CSS_URL.findall(css.read_text("utf-8", errors="replace")):
            if _external(url):
                problems.append(f"{css.relative_to(site)}: loads {url} from outside the site")
    return problems


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8", errors="replace"))
    return page


def _resolve(site: Path, page: Path, url: str, pages: dict[Path, _Page],
             where: Path) -> list[str]:
    parts = urlsplit(url)
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return [f"{where}: broken link {url}"]
    if site not in target.parents:
        return [f"{where}: link {url} leaves the site"]
    anchor = unquote(parts.fragment)
    if anchor and target.suffix == ".html" and anchor not in (
            pages[target] if target in pages else _parse(target)).ids:
        return [f"{where}: broken anchor {url}"]
    return []


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: check_docs.py SITE_FOLDER", file=sys.stderr)
        return 2
    site = Path(args[0]).resolve()
    problems = check(site)
    for problem in problems:
        print(f"check_docs: {problem}", file=sys.stderr)
    pages = sum(1 for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    print(f"check_docs: {pages} pages, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
