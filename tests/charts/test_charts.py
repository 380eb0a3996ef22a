"""The chart builders: valid Vega-Lite 6, the numbers they draw (worked by hand on small
answers), SVG offline, the same bytes for the same input."""

from __future__ import annotations

import copy
import re

import pytest

from foedus import charts
from foedus.charts._spec import Z, interval
from foedus.charts.crisis import P_AXIS_ENDS
from foedus.errors import FoedusError


def _layer_values(spec: dict, mark: str) -> list[dict]:
    out = []
    for layer in spec["layer"]:
        m = layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]
        if m == mark:
            out += layer["data"]["values"]
    return out


class TestInterval:
    def test_normal_interval_clipped(self) -> None:
        lo, hi = interval(0.5, 0.1)
        assert lo == pytest.approx(0.5 - 0.196, abs=1e-4)
        assert hi == pytest.approx(0.5 + 0.196, abs=1e-4)
        assert interval(0.02, 0.05) == (0.0, pytest.approx(0.02 + Z * 0.05))
        assert interval(None, 0.1) == (None, None)
        assert interval(0.5, float("nan")) == (None, None)


class TestBurden:
    def test_spending_aggregate_and_median_by_hand(self, burden, vl_errors) -> None:
        spec = charts.spending_over_time(burden)
        assert vl_errors(spec) == []
        summary = {(r["year"], r["series"]): r["burden"]
                   for r in spec["layer"][1]["data"]["values"]}
        # 2020: burdens 2 % and 0.5 %; whole alliance (2 + 1) / (100 + 200) = 1 %
        assert summary[(2020, "median member")] == pytest.approx(1.25)
        assert summary[(2020, "alliance as a whole")] == pytest.approx(1.0)
        # 2021: 3 % and 1 %; (3 + 2) / 300 = 1.667 %; CCC has no data and is skipped
        assert summary[(2021, "median member")] == pytest.approx(2.0)
        assert summary[(2021, "alliance as a whole")] == pytest.approx(500 / 300)
        rules = [r["burden"] for r in spec["layer"][2]["data"]["values"]]
        assert rules == [2.0, 3.5]
        assert {r["state"] for r in spec["layer"][0]["data"]["values"]} == {"AAA", "BBB"}

    def test_other_burden_charts(self, burden, vl_errors) -> None:
        for spec in (charts.shares(burden), charts.exploitation_test(burden),
                     charts.compliance(burden)):
            assert vl_errors(spec) == []
        shares = charts.shares(burden)
        assert shares["title"]["text"].endswith("2021")
        assert {(v["state"], v["share"]) for v in shares["data"]["values"]} == {
            ("AAA", 33.3), ("AAA", 60.0), ("BBB", 66.7), ("BBB", 40.0)}
        # 2021 has no rank correlation: one point only
        points = charts.exploitation_test(burden)["layer"][2]["data"]["values"]
        assert [(p["year"], p["rho"]) for p in points] == [(2020, -1.0)]


class TestCrisis:
    def test_state_probabilities(self, simulation, vl_errors) -> None:
        spec = charts.state_probabilities(simulation, top=3)
        assert vl_errors(spec) == []
        rows = _layer_values(spec, "point")
        assert [r["state"] for r in rows] == ["USA", "LVA", "FRA"]
        usa = rows[0]
        assert usa["lo"] == pytest.approx(0.4 - Z * 0.015)
        # entrapment: zeros are not drawn
        trap = _layer_values(charts.state_probabilities(simulation, "entrapment"), "point")
        assert [r["state"] for r in trap] == ["USA", "FRA"]

    def test_probability_axis_fits_the_intervals(self, simulation) -> None:
        spec = charts.state_probabilities(simulation, top=3)
        rows = _layer_values(spec, "point")
        end = spec["layer"][1]["encoding"]["x"]["scale"]["domain"][1]
        top = max(r["hi"] for r in rows)
        # the smallest allowed end that holds every interval
        assert top <= end
        assert all(e < top for e in P_AXIS_ENDS if e < end)
        assert f"0 to {end:g}" in " ".join(spec["title"]["subtitle"])
        small = {"drawn_in": {"A": 0.02, "B": 0.01}, "drawn_in_se": {"A": 0.001, "B": 0.001}}
        spec = charts.state_probabilities(small)
        assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 0.05]

    def test_cases_and_sweeps(self, vl_errors) -> None:
        library = {"cases": [{"case": "a", "p_deterred": 0.2, "p_deterred_se": 0.01},
                             {"case": "b", "p_deterred": None, "p_deterred_se": None}]}
        spec = charts.deterrence_by_case(library)
        assert vl_errors(spec) == []
        assert [r["case"] for r in _layer_values(spec, "point")] == ["a"]
        assert "no estimate: b" in spec["title"]["subtitle"]
        points = [{"parameters": {"v": v, "w": w}, "p_deterred": 0.1 * v,
                   "p_deterred_se": 0.01} for v in (1, 2) for w in ("x", "y")]
        sweep = charts.deterrence_sweep(points, "v", by="w")
        assert vl_errors(sweep) == []
        assert {r["line"] for r in sweep["layer"][0]["data"]["values"]} == {"w = x", "w = y"}
        sens = charts.sensitivity({"allies.km_per_day": [
            {"value": 100.0, "p_deterred": 0.1, "p_deterred_se": 0.01},
            {"value": 200.0, "p_deterred": 0.2, "p_deterred_se": 0.01}]})
        assert vl_errors(sens) == []
        assert len(sens["hconcat"]) == 1

    def test_compare(self, simulation, vl_errors) -> None:
        alt = copy.deepcopy(simulation)
        alt["drawn_in"]["USA"] = 0.1
        result = {"base": {"scenario": {"name": "base"}, "events": {"RUS→EST": simulation}},
                  "alt": {"scenario": {"name": "alt"}, "events": {"RUS→EST": alt}},
                  "diff": {"events": {"RUS→EST": {
                      "drawn_in": {"USA": -0.3, "LVA": 0.0},
                      "entrapment": {"USA": 0.0}}}}}
        for p in simulation, alt:
            p["p_widens"], p["p_widens_se"] = 0.5, 0.01
        spec = charts.compare_probabilities(result, "RUS→EST")
        assert vl_errors(spec) == []
        assert len(_layer_values(spec, "point")) == 4
        states = charts.compare_states(result, "RUS→EST")
        assert vl_errors(states) == []
        assert {(r["state"], r["p"]) for r in _layer_values(states, "point")} == {
            ("USA", 0.4), ("USA", 0.1)}


class TestNetwork:
    def test_graph_keeps_one_link_per_holder_preferring_the_target(self, simulation) -> None:
        g = charts.cascade_graph(simulation)
        # DEU (P 0.01) is below the 0.05 threshold; the rest are in
        assert set(g) == {"RUS", "EST", "USA", "LVA", "FRA", "BLR"}
        # USA holds pledges to EST (0.06, 0.04 informal) and LVA (0.5): the target wins
        assert g["USA"] == {"EST": {"kind": "defense", "treaty": "NATO",
                                    "probability": 0.06}}
        assert g["FRA"]["LVA"]["kind"] == "defense"  # a chain: no pledge to the target
        assert g["RUS"]["EST"]["kind"] == "attack"
        assert g["BLR"]["RUS"]["kind"] == "offense"
        roles = {n: d["role"] for n, d in g.nodes(data=True)}
        assert roles == {"RUS": "attacker", "EST": "target", "USA": "defender",
                         "LVA": "defender", "FRA": "defender", "BLR": "attacker's ally"}

    def test_layout_is_seeded_and_order_free(self, simulation, vl_errors) -> None:
        a = charts.network(simulation, seed=1)
        assert vl_errors(a) == []
        shuffled = copy.deepcopy(simulation)
        shuffled["pledges"].reverse()
        assert charts.network(shuffled, seed=1) == a
        assert charts.network(simulation, seed=2) != a
        assert charts.to_svg(a) == charts.to_svg(charts.network(simulation, seed=1))


def _square(x0: int, y0: int) -> list[list[int]]:
    return [[x0, y0], [0, 10], [10, 0], [0, -10], [-10, 0]]


@pytest.fixture
def topology() -> dict:
    """Three square states of 1° (quantised arcs, transform 0.1°)."""
    return {"type": "Topology",
            "transform": {"scale": [0.1, 0.1], "translate": [0.0, 0.0]},
            "arcs": [_square(200, 500), _square(220, 500), _square(1000, 100)],
            "objects": {"states": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0]], "properties": {"cow": 365, "name": "R"}},
                {"type": "Polygon", "arcs": [[1]], "properties": {"cow": 366, "name": "E"}},
                {"type": "Polygon", "arcs": [[2]], "properties": {"cow": 2, "name": "U"}},
            ]}}}


class TestMap:
    def test_roles(self, simulation) -> None:
        assert charts.crisis_roles(simulation) == {
            365: "attacker", 366: "target", 2: "defender", 367: "defender",
            220: "defender", 370: "attacker's ally"}
        assert charts.crisis_roles(simulation, threshold=0.35)[220] == "pledge holder"

    def test_map_fits_the_states_involved(self, topology, vl_errors) -> None:
        before = copy.deepcopy(topology)
        spec = charts.coalition_map(topology, {365: "attacker", 366: "target"}, title="t")
        assert topology == before  # the input is not modified
        assert vl_errors(spec) == []
        ring = spec["projection"]["fit"]["geometry"]["coordinates"][0]
        # R spans 20–21°E, E 22–23°E, both 50–51°N; padded by 5° and 4° at least
        assert ring[0] == pytest.approx([15.0, 46.0])
        assert ring[2] == pytest.approx([28.0, 55.0])
        geoms = spec["data"]["values"]["objects"]["states"]["geometries"]
        # U (100°E, 10°N) lies far outside the frame: left out of the spec
        assert [g["properties"]["role"] for g in geoms] == ["attacker", "target"]
        world = charts.coalition_map(topology, {365: "attacker"}, title="t", fit=False)
        assert "fit" not in world["projection"]
        assert len(world["data"]["values"]["objects"]["states"]["geometries"]) == 3
        svg = charts.to_svg(spec)
        assert svg.startswith("<svg")
        for color in ("#D55E00", "#0072B2"):
            assert color.lower() in svg.lower()
        assert charts.to_svg(spec) == svg
        other = charts.to_svg(charts.coalition_map(topology, {2: "target"}, title="u"))
        ids = set(re.findall(r'id="([^"]+)"', svg))
        assert ids and not ids & set(re.findall(r'id="([^"]+)"', other))


class TestRender:
    def test_svg_png_and_errors(self, burden, tmp_path) -> None:
        spec = charts.compliance(burden)
        svg = charts.to_svg(spec)
        assert svg.startswith("<svg") and "Guideline compliance" in svg
        assert not re.search(r"(href|src)=\"https?:", svg)
        assert charts.save(spec, tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
        assert charts.save(spec, tmp_path / "a.svg").read_text("utf-8") == svg
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]
        with pytest.raises(FoedusError, match=r"\.svg or \.png"):
            charts.save(spec, tmp_path / "a.pdf")
        broken = {**spec, "mark": {"type": "no-such-mark"}}
        with pytest.raises(FoedusError, match="could not be drawn"):
            charts.to_svg(broken)


def test_treaty_members_timeline(vl_errors) -> None:
    import datetime as dt

    from foedus.model.commitments import Basis, Exclusion, Membership, Treaty

    d = dt.date
    treaty = Treaty(id="book:toy", name="Toy Pact", in_force=d(1949, 8, 24), members=(
        Membership(state=2, start=d(1949, 8, 24)),
        Membership(state=220, start=d(1949, 8, 24),
                   excluded=(Exclusion(start=d(1966, 7, 1), end=d(2009, 4, 4),
                                       basis=Basis(article="withdrawal")),)),
        Membership(state=375, start=d(2023, 4, 4))))
    records = charts.membership_records(treaty, name=lambda c: f"s{c}")
    assert [(r["state"], r["start"], r["end"], r["open"]) for r in records] == [
        ("s2", "1949-08-24", "2023-04-04", True),
        ("s220", "1949-08-24", "1966-07-01", False),
        ("s220", "2009-04-04", "2023-04-04", True),
        ("s375", "2023-04-04", "2023-04-04", True)]
    spec = charts.treaty_members(records, title="Toy Pact")
    assert vl_errors(spec) == []
    assert "Toy Pact" in charts.to_svg(spec)


def test_replication_rows_and_figures(vl_errors) -> None:
    rep = {"study": "toy", "title": "A toy study", "figures": [
        {"label": "rate", "published": 0.75, "reproduced": 0.8, "difference": 0.05,
         "tolerance": 0.1, "pass": True, "low": 0.7, "high": 0.9, "unit": "rate",
         "required": True, "note": ""},
        {"label": "wars", "published": 12, "reproduced": None, "difference": None,
         "tolerance": 0, "pass": None, "low": None, "high": None, "unit": "count",
         "required": False, "note": "not in the data"}]}
    rows = charts.replication_rows(rep)
    assert rows[0] == {"figure": "rate", "published": "0.750",
                       "reproduced": "0.800 [0.700, 0.900]", "difference": "0.050",
                       "tolerance": "0.100", "pass": "yes (required)", "note": ""}
    assert rows[1]["reproduced"] == "–" and rows[1]["pass"] == "–"
    spec = charts.replication_figures(rep)
    assert vl_errors(spec) == []
    assert len(spec["vconcat"]) == 2  # rates and counts never share an axis
