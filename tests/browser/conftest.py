"""Browser tests: Debian's chromium driven by Playwright for Python, offline.

- ``chromium``: one headless chromium (``/usr/bin/chromium``, never a downloaded browser)
  with a fresh user-data-dir and the flags that keep it off the network
  (``--disable-background-networking`` …), for the whole session.
- ``site``: a folder served on 127.0.0.1 (a free port) for the test; the vendored
  libraries are linked in at ``vendor/``.
- ``page``: a new page that records every request and console message. Requests to anything
  but 127.0.0.1 are aborted; after the test, the fixture fails it if any request left
  127.0.0.1 or the console showed an error, and writes a screenshot to the test's output
  folder (``FOEDUS_TEST_OUTPUT``, default ``test-output/`` in the repository).
- ``open_page``: the same page without the checks, for tests that make their own.

``.ci/run`` installs chromium with ``apt-get install -y chromium fonts-dejavu-core`` when
``/usr/bin/chromium`` is absent.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import REPO, serve

CHROMIUM = Path("/usr/bin/chromium")
#: Flags of every launch: headless as root in CI, and no traffic of chromium's own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic"]
LOOPBACK = {"127.0.0.1"}
#: Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about"}


def output_dir(node_name: str) -> Path:
    """The folder for a test's screenshots and other outputs (created)."""
    root = Path(os.environ.get("FOEDUS_TEST_OUTPUT") or REPO / "test-output")
    folder = root / re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory):
    """A headless chromium context with a fresh profile (Playwright, Debian's binary)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium "
                    "fonts-dejavu-core` (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1200, "height": 900})
        try:
            yield context
        finally:
            context.close()


@dataclass
class Recorder:
    """Every request a page made and every console message it printed."""

    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests that would have left 127.0.0.1."""
        return [url for url in self.requests if not _local(url)]

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions."""
        return [text for kind, text in self.console if kind == "error"] + self.page_errors


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 for this test, with ``vendor/`` linked in.

    Yields the folder (write the test's pages and data into it) and its base URL.
    """
    from foedus.web.vendor import manifest, vendor_dir

    manifest()  # a clear error when `make vendor` has not run
    root = tmp_path / "site"
    root.mkdir()
    (root / "vendor").symlink_to(vendor_dir(), target_is_directory=True)
    with serve(root) as (url, _hits):
        yield root, url


def _open_page(chromium) -> tuple[object, Recorder]:
    """A new page that records every request and console message, and aborts any request
    that would leave 127.0.0.1 (it is still recorded)."""
    page = chromium.new_page()
    recorder = Recorder()
    page.on("request", lambda r: recorder.requests.append(r.url))
    page.on("console", lambda m: recorder.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: recorder.page_errors.append(str(e)))

    def guard(route) -> None:
        if _local(route.request.url):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.route("**/*", guard)
    return page, recorder


@pytest.fixture
def open_page(chromium):
    """A function opening a recording, guarded page (``page, recorder = open_page()``),
    for tests that check the recorder themselves; close the page when done."""
    return lambda: _open_page(chromium)


@pytest.fixture
def page(chromium, request: pytest.FixtureRequest):
    """A page that records everything, blocks the network, and is checked after the test.

    The recorder is at ``page.recorder``. After the test: a screenshot
    (``screenshot.png`` in :func:`output_dir`), then the test fails if any request left
    127.0.0.1 or the console showed an error.
    """
    page, recorder = _open_page(chromium)
    page.recorder = recorder
    try:
        yield page
    finally:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(output_dir(request.node.name) / "screenshot.png"),
                            full_page=True)
        page.close()
    assert not recorder.outside(), f"requests left 127.0.0.1: {recorder.outside()}"
    assert not recorder.errors(), f"console errors: {recorder.errors()}"
