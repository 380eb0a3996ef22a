"""Every vendored library loads from 127.0.0.1 and draws: a d3-geo map of the borders of
1914-07-01 (:func:`foedus.data.borders.borders_on`), a cytoscape network laid out by fcose,
a vega-embed chart of an Altair spec, and an htmx swap — with no request leaving 127.0.0.1
and no console error (the ``page`` fixture checks both and writes a screenshot)."""

from __future__ import annotations

import html
import json
import math
import shutil
from pathlib import Path

import pytest

from foedus.data.borders import borders_on
from foedus.web.vendor import manifest, scripts

SMOKE = Path(__file__).parent / "smoke"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>foedus smoke test</title>
<style>body {{ font-family: "DejaVu Sans", sans-serif; margin: 1em; }}
svg#map {{ width: 960px; height: 480px; background: #eef3f8; }}
path.state {{ fill: #d9d2c3; stroke: none; }} path.borders {{ fill: none; stroke: #555;
stroke-width: 0.5; }} #network {{ width: 480px; height: 300px; border: 1px solid #ccc; }}
</style>
{scripts}
</head><body>
<p id="banner"></p><svg id="map"></svg>
<div style="display:flex;gap:2em"><div id="network"></div><div id="chart"></div></div>
<button id="load" hx-get="fragment.html" hx-target="#target">load</button><div id="target"></div>
<script src="smoke.js"></script>
</body></html>
"""


@pytest.fixture
def smoke_site(site, store_home) -> tuple[Path, str, dict, int]:
    """The smoke page, its data (borders of 1914-07-01, an Altair chart) and the vendor."""
    import altair as alt
    import pandas as pd

    root, url = site
    for name in ("smoke.js", "fragment.html"):
        shutil.copyfile(SMOKE / name, root / name)
    tags = "\n".join(f'<script src="vendor/{html.escape(s)}"></script>' for s in scripts())
    (root / "index.html").write_text(PAGE.format(scripts=tags), "utf-8")
    borders = borders_on("1914-07-01").to_json()
    (root / "borders.json").write_text(json.dumps(borders), "utf-8")
    statuses = pd.Series([g["properties"]["status"] for g in
                          borders["topology"]["objects"]["states"]["geometries"]])
    frame = statuses.value_counts().rename_axis("status").reset_index(name="polygons")
    chart = alt.Chart(frame, title="CShapes polygons on 1914-07-01").mark_bar().encode(
        x="status:N", y="polygons:Q")
    (root / "chart.json").write_text(json.dumps(chart.to_dict()), "utf-8")
    return root, url, borders, len(frame)


@pytest.mark.slow
def test_every_vendored_library_draws_offline(page, smoke_site) -> None:
    _root, url, borders, bars = smoke_site
    page.goto(url + "index.html")
    page.wait_for_selector("body[data-done=yes]", timeout=60_000)
    smoke = page.evaluate("window.smoke")

    geometries = borders["topology"]["objects"]["states"]["geometries"]
    assert smoke["map"]["features"] == smoke["map"]["paths"] == len(geometries)
    assert smoke["map"]["emptyPaths"] == 0 and smoke["map"]["austriaHungary"] >= 1
    assert smoke["map"]["maxArea"] < 2 * math.pi  # every ring wound as d3-geo expects
    assert smoke["map"]["meshLength"] > 10_000

    assert smoke["network"] == {"nodes": 6, "edges": 6, "distinctPositions": 6,
                                "canvases": smoke["network"]["canvases"]}
    assert smoke["network"]["canvases"] >= 1

    versions = {p["name"]: p["version"] for p in manifest()["packages"]}
    assert smoke["chart"]["vegaVersion"] == versions["vega"]
    assert smoke["chart"]["vegaLiteVersion"] == versions["vega-lite"]
    assert smoke["chart"]["svg"] == 1 and smoke["chart"]["marks"] == bars > 1

    assert smoke["htmx"] == {"version": versions["htmx.org"], "swapped": True}
    loaded = {u.split("/vendor/", 1)[1] for u in page.recorder.requests if "/vendor/" in u}
    assert loaded == set(scripts())


def test_a_request_off_loopback_is_caught_and_never_sent(open_page, site) -> None:
    """The guard under every page: a script from outside 127.0.0.1 is recorded, aborted
    before any lookup, and shows as a console error (so the ``page`` fixture would fail)."""
    root, url = site
    (root / "cdn.html").write_text('<!doctype html><script src="https://cdn.invalid/x.js">'
                                   "</script><p>page</p>", "utf-8")
    page, recorder = open_page()
    try:
        page.goto(url + "cdn.html")
        page.wait_for_load_state("load")
    finally:
        page.close()
    assert recorder.outside() == ["https://cdn.invalid/x.js"]
    assert any("ERR_INTERNET_DISCONNECTED" in e for e in recorder.errors())
    assert recorder.requests[0] == url + "cdn.html"
