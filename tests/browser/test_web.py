"""The web app in Debian's chromium (Playwright), against a server on 127.0.0.1: every page
loads with no console error and no request leaving 127.0.0.1 (the ``page`` fixture checks
both and writes a screenshot of each page to the test's output folder)."""

from __future__ import annotations

import json
import re

import pytest

from foedus.web.settings import library_dir
from web.live import live_server, lowered_settings

from helpers import run_cli

pytestmark = pytest.mark.slow

CASE = "baltic-estonia-2024.toml"


@pytest.fixture(scope="module")
def app_url(cli_env, tmp_path_factory):
    """One server for the module, on the session's store, with lowered limits."""
    folder = tmp_path_factory.mktemp("web-server")
    with live_server(lowered_settings(folder, max_draws=100_000), env=cli_env) as url:
        yield url


@pytest.fixture(autouse=True)
def _store(store_home):
    """The server runs in this process: each test points FOEDUS_HOME at the built store."""
    return store_home


def _ready(page, **attrs) -> None:
    selector = "body[data-ready=yes]" + "".join(f'[data-{k.replace("_", "-")}="{v}"]'
                                                 for k, v in attrs.items())
    page.wait_for_selector(selector, state="attached", timeout=120_000)


def _edges(page) -> set[str]:
    return set(page.evaluate("window.atlas.cy.edges().map((e) => e.id())"))


def _allied_paths(page) -> int:
    return page.evaluate("document.querySelectorAll('#map path.state.allied').length")


def test_atlas_dates_and_views(page, app_url) -> None:
    page.goto(f"{app_url}/atlas?as_of=1914-07-01")
    _ready(page, as_of="1914-07-01", view="legal")
    assert "220-365" in _edges(page)  # the Franco-Russian alliance, legal view
    france_russia = page.evaluate(
        "['220', '365'].map((c) => document.querySelector(`#map path[data-cow='${c}']`)"
        ".classList.contains('allied'))")
    assert france_russia == [True, True]
    paths_1914 = page.evaluate("document.querySelectorAll('#map path.state').length")

    page.select_option("#view", "atop")
    _ready(page, as_of="1914-07-01", view="atop")
    assert "220-365" in _edges(page)  # and in ATOP's

    # the slider moves the date: the map and the network change
    page.evaluate("(() => { const y = document.getElementById('year'); y.value = '1955';"
                  " y.dispatchEvent(new Event('input')); })()")
    _ready(page, as_of="1955-07-01", view="atop")
    paths_1955 = page.evaluate("document.querySelectorAll('#map path.state').length")
    assert paths_1955 != paths_1914
    assert "220-365" not in _edges(page)

    page.select_option("#view", "legal")
    page.fill("#as_of", "1955-06-01")
    page.dispatch_event("#as_of", "change")
    _ready(page, as_of="1955-06-01", view="legal")
    assert "2-260" in _edges(page)  # West Germany in NATO

    page.fill("#as_of", "2024-07-01")
    page.dispatch_event("#as_of", "change")
    _ready(page, as_of="2024-07-01", view="legal")
    assert {"2-375", "2-380"} <= _edges(page)  # Finland and Sweden
    assert "2019-12-31" in page.inner_text("#banner")
    assert page.evaluate("document.querySelector(\"circle.legal[data-place='crimea']\") "
                         "!== null")
    assert _allied_paths(page) > 100

    # click a state: its pledges, and the credibility of those it receives
    page.evaluate("window.atlas.cy.getElementById('366').emit('tap')")
    page.wait_for_selector("#state-pledges li", timeout=60_000)
    assert "North Atlantic Treaty" in page.inner_text("#state-pledges")
    page.wait_for_function("document.querySelector('#state-pledges').innerText"
                           ".includes('support')", timeout=120_000)


def test_obligations_form_lists_the_united_states(page, app_url) -> None:
    page.goto(f"{app_url}/obligations")
    page.fill("#attacker", "RUS")
    page.fill("#target", "EST")
    page.fill("#as_of", "2024-07-01")
    page.click("#ask")
    page.wait_for_selector("#bound-list", timeout=60_000)
    assert "United States of America" in page.inner_text("#bound-list")
    assert "not triggered" in page.inner_text("#answer")
    _ready(page)
    assert page.evaluate("document.querySelectorAll('#map path.bound').length") > 20
    assert page.evaluate("document.querySelectorAll(\"#map path.target[data-cow='366']\")"
                         ".length") >= 1


def test_treaty_browser(page, app_url) -> None:
    page.goto(f"{app_url}/treaties")
    page.fill("#q", "North Atlantic")
    page.click("form button[type=submit]")
    page.wait_for_selector("a[href='/treaties/book:nato']", timeout=60_000)
    page.click("a[href='/treaties/book:nato']")
    _ready(page)
    assert page.evaluate("document.querySelectorAll('#members-chart svg').length") == 1
    text = page.inner_text("main")
    assert "Finland" in text and "Art. 5" in text
    assert "atop:3180" in text  # the ATOP/book crosswalk


def test_a_crisis_run_from_the_lab_matches_foedus_simulate(page, app_url, cli_env) -> None:
    page.goto(f"{app_url}/lab")
    page.select_option("#case", CASE)
    # the case's text in and checked (its seed filled in) before the draws and seed are
    # typed: typed earlier, the check's answer overwrote the seed (seen on a loaded machine)
    page.wait_for_selector(f"body[data-case-loaded='{CASE}']", state="attached")
    assert "[[attack]]" in page.input_value("#toml")
    page.fill("#draws", "20000")
    page.fill("#seed", "7")
    page.evaluate("window.progressSeen = [];"
                  "new MutationObserver(() => window.progressSeen.push("
                  "document.getElementById('progress').value)).observe("
                  "document.getElementById('progress'), {attributes: true});")
    page.click("#run")
    page.wait_for_selector("body[data-run-state=done]", state="attached", timeout=240_000)
    shown = page.inner_text("#p-deterred")
    assert page.evaluate("document.getElementById('progress').value") == 1
    assert not page.evaluate("document.getElementById('progress').hidden")
    proc = run_cli("simulate", str(library_dir() / CASE), "--draws", "20000", "--seed", "7",
                   "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    cli = json.loads(proc.stdout)
    assert shown == f"{cli['p_deterred']:.3f} ± {cli['p_deterred_se']:.3f}"
    page.wait_for_selector("#result-chart svg", timeout=60_000)
    link = page.get_attribute("#run-link", "href")
    assert re.fullmatch(r"/runs/[0-9a-f]{16}", link)
    page.goto(app_url + link)
    _ready(page)
    assert page.inner_text("#p-deterred") == f"{cli['p_deterred']:.3f}"
    assert page.evaluate("document.querySelectorAll('#cascade canvas').length") >= 1


def test_a_seed_typed_while_the_case_loads_is_kept(page, app_url) -> None:
    """A seed typed after choosing a case but before its check answers stays in the field
    (the check's answer is held back until the seed is typed, so the order is certain);
    choosing a case again fills in the scenario's own seed."""
    held = []
    page.route("**/api/scenario/check", lambda route: held.append(route))
    page.goto(f"{app_url}/lab")
    page.select_option("#case", CASE)
    while not held:  # the case's text is in; its check waits
        page.wait_for_timeout(20)
    page.fill("#seed", "7")
    held.pop().continue_()
    page.wait_for_selector(f"body[data-case-loaded='{CASE}']", state="attached")
    assert page.input_value("#seed") == "7"
    page.unroute("**/api/scenario/check")
    page.select_option("#case", "")
    page.select_option("#case", CASE)
    page.wait_for_selector(f"body[data-case-loaded='{CASE}']", state="attached")
    own = re.search(r"^seed\s*=\s*(\d+)", page.input_value("#toml"), re.MULTILINE)
    assert own and page.input_value("#seed") == own.group(1) != "7"


def test_a_sweep_from_the_lab_matches_foedus_sweep(page, app_url, cli_env) -> None:
    page.goto(f"{app_url}/lab")
    page.select_option("#case", CASE)
    # the case's text in and checked (its seed filled in) before the draws and seed are
    # typed: typed earlier, the check's answer overwrote the seed (seen on a loaded machine)
    page.wait_for_selector(f"body[data-case-loaded='{CASE}']", state="attached")
    assert "[[attack]]" in page.input_value("#toml")
    page.fill("#draws", "3000")
    page.fill("#seed", "7")
    page.select_option("#sweep-param", "challenger.value")
    page.fill("#sweep-values", "0.5, 2")
    page.click("#sweep")
    page.wait_for_selector("body[data-run-state=done]", state="attached", timeout=240_000)
    page.wait_for_selector("#sweep-chart svg", timeout=60_000)
    shown = [c.inner_text() for c in page.query_selector_all("#sweep-table td.p-deterred")]
    proc = run_cli("sweep", str(library_dir() / CASE), "--grid", "challenger.value=0.5,2",
                   "--draws", "3000", "--seed", "7", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    cli = json.loads(proc.stdout)
    assert shown == [f"{pt['p_deterred']:.3f} ± {pt['p_deterred_se']:.3f}"
                     for pt in cli["points"]]
    link = page.get_attribute("#sweep-link", "href")
    assert re.fullmatch(r"/runs/[0-9a-f]{16}", link)
    page.goto(app_url + link)
    _ready(page)
    assert page.evaluate("document.querySelectorAll('#result-chart svg').length") == 1
    assert page.evaluate("document.querySelectorAll('#sweep-table tbody tr').length") == 2


@pytest.mark.parametrize("path", ["/burden", "/studies", "/runs", "/lab"])
def test_other_pages_load_clean(page, app_url, path) -> None:
    page.goto(app_url + path)
    if path == "/burden":
        _ready(page)
        assert page.evaluate("document.querySelectorAll('.chart svg').length") == 2
        assert "2014" in page.inner_text("#years")
    else:
        page.wait_for_load_state("networkidle")
    assert page.title().endswith("foedus")
