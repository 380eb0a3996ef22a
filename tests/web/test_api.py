"""The JSON API: the library's answers unchanged, every error as ``{"error": ...}`` with a
4xx status, and the security limits (body, TOML depth, draws, base paths, token, origin)."""

from __future__ import annotations

import json

import pytest

from foedus.crisis.simulate import simulate
from foedus.query.answer import obligations_answer
from foedus.web import views
from foedus.web.settings import library_dir
from web.conftest import TOKEN
from web.live import wait

from helpers import run_cli, schema_validator

CASE = "baltic-estonia-2024.toml"


def _error(response, status: int, *needles: str) -> None:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"} and "Traceback" not in body["error"]
    for needle in needles:
        assert needle in body["error"], (needle, body["error"])


# --- answers are the library's ----------------------------------------------------------------

def test_obligations_is_the_cli_object(client, cli_env) -> None:
    got = client.get("/api/obligations", params={"attacker": "RUS", "target": "EST",
                                                 "as_of": "2024-07-01"})
    assert got.status_code == 200
    proc = run_cli("obligations", "--attacker", "RUS", "--target", "EST", "--as-of",
                   "2024-07-01", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert got.json() == json.loads(proc.stdout)
    bound = {o["state"]["name"] for o in got.json()["obligations"]}
    assert "United States of America" in bound


def test_obligations_with_every_parameter(client) -> None:
    params = {"attacker": "CHN", "target": "JPN", "as_of": "2024-07-01",
              "place": "Senkaku Islands", "credibility": "false", "view": "legal"}
    got = client.get("/api/obligations", params=params).json()
    assert got == obligations_answer(["CHN"], "JPN", as_of="2024-07-01",
                                     place="Senkaku Islands").to_json()


def test_network_of_1914_has_the_franco_russian_tie_in_both_views(client) -> None:
    for view in ("legal", "atop"):
        net = client.get("/api/network", params={"as_of": "1914-07-01", "view": view}).json()
        edges = {e["id"]: e for e in net["edges"]}
        assert edges["220-365"]["kind"] == "defense", view  # France-Russia, 1894
        nodes = {n["cow"]: n for n in net["nodes"]}
        assert {220, 365} <= set(nodes)
        assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in net["nodes"])


def test_network_layout_is_seeded_and_the_dates_differ(client) -> None:
    a = client.get("/api/network", params={"as_of": "1955-06-01"}).json()
    views._NETWORKS.items.clear()
    b = client.get("/api/network", params={"as_of": "1955-06-01"}).json()
    assert a["nodes"] == b["nodes"]
    assert {e["id"] for e in a["edges"]} >= {"2-260"}  # West Germany in NATO (1955-05-06)
    late = client.get("/api/network", params={"as_of": "2024-07-01"}).json()
    ids = {e["id"] for e in late["edges"]}
    assert {"2-375", "2-380"} <= ids  # Finland and Sweden, legal view


def test_borders_and_the_legal_overlay(client) -> None:
    b = client.get("/api/borders", params={"as_of": "2024-07-01"}).json()
    assert b["map_date"] == "2019-12-31" and "2019-12-31" in b["banner"] and b["de_facto"]
    legal = client.get("/api/legal-status", params={"as_of": "2024-07-01"}).json()
    crimea = next(p for p in legal["places"] if p["id"] == "crimea")
    assert crimea["sovereign"] == "Ukraine" and crimea["administered_by"] == "Russia"
    before = client.get("/api/legal-status", params={"as_of": "2010-07-01"}).json()
    assert "crimea" not in {p["id"] for p in before["places"]}


def test_states_and_pledges(client) -> None:
    states = client.get("/api/states", params={"as_of": "2024-07-01"}).json()
    assert states["notes"] and {366, 2} <= {s["cow"] for s in states["states"]}
    est = client.get("/api/states/366/pledges", params={"as_of": "2024-07-01"}).json()
    givers = {s["name"] for r in est["received"] if r["treaty"]["id"] == "book:nato"
              for s in r["states"]}
    assert "United States of America" in givers


def test_treaties_search_and_detail(client) -> None:
    found = client.get("/api/treaties", params={"q": "north atlantic"}).json()
    assert "book:nato" in {t["id"] for t in found["treaties"]}
    by_member = client.get("/api/treaties", params={"member": "FRA", "year": 1914}).json()
    assert by_member["count"] >= 1
    nato = client.get("/api/treaties/book:nato").json()
    assert {m["name"] for m in nato["treaty"]["members"]} >= {"Finland", "Sweden"}
    assert "atop:3180" in nato["aliases"]
    _error(client.get("/api/treaties/book:nothing"), 404, "book:nothing")


def test_credibility_is_the_cli_object(client, cli_env) -> None:
    params = {"ally": "USA", "partner": "EST", "as_of": "2024-07-01", "against": "RUS"}
    got = client.get("/api/credibility", params=params)
    assert got.status_code == 200, got.text
    proc = run_cli("credibility", "--ally", "USA", "--partner", "EST", "--as-of",
                   "2024-07-01", "--against", "RUS", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert got.json() == json.loads(proc.stdout)


# --- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "params", "status", "needle"), [
    ("/api/obligations", {"attacker": "XXX", "target": "EST"}, 422, "XXX"),
    ("/api/obligations", {"attacker": "RUS", "target": "EST", "as_of": "2024-02-31"}, 422,
     "2024-02-31"),
    ("/api/obligations", {"attacker": "RUS", "target": "EST", "as_of": "1700-01-01"}, 422,
     "1815"),
    ("/api/network", {"as_of": "2024-07-01", "view": "atop"}, 422, "ATOP"),
    ("/api/network", {"view": "bogus"}, 422, "view"),
    ("/api/borders", {"tolerance": "5"}, 422, "tolerance"),
    ("/api/obligations", {"target": "EST"}, 422, "attacker"),
    ("/api/runs/0123456789abcdef", {}, 404, "0123456789abcdef"),
    ("/api/runs/not-a-run", {}, 422, "run_id"),
    ("/api/nothing", {}, 404, ""),
])
def test_errors_are_json_with_a_4xx(client, path, params, status, needle) -> None:
    _error(client.get(path, params=params), status, needle)


def test_a_body_over_the_limit_is_refused(client, settings) -> None:
    big = "x" * (settings.max_body + 1)
    _error(client.post("/api/runs", content=json.dumps({"toml": big}),
                       headers={"content-type": "application/json"}), 413, "bytes")


def test_deep_toml_and_bases_outside_the_library_are_refused(client) -> None:
    deep = "a = " + "[" * 50 + "]" * 50 + "\n"
    _error(client.post("/api/runs", json={"toml": deep}), 422, "nested")
    for base in ("../../../etc/passwd", "/etc/passwd", "nothing.toml", "sub/x.toml"):
        text = f'base = "{base}"\n'
        _error(client.post("/api/runs", json={"toml": text}), 422, "case library")
    _error(client.post("/api/runs", json={"case": "../etc/passwd.toml"}), 422)


def test_draws_over_the_limit_are_refused(client, settings) -> None:
    _error(client.post("/api/runs", json={"case": CASE, "draws": settings.max_draws + 1}),
           422, "draws")
    _error(client.post("/api/runs", json={"case": CASE}), 422, "draws")  # the file's 200,000


def test_a_bad_scenario_lists_its_problems(client) -> None:
    text = 'date = 2024-07-01\n[[attack]]\nattacker = "RUS"\ntarget = "XXX"\n'
    _error(client.post("/api/runs", json={"toml": text, "draws": 100}), 422, "XXX")
    checked = client.post("/api/scenario/check", json={"toml": text}).json()
    assert not checked["ok"] and any("XXX" in p for p in checked["problems"])


def test_writes_need_the_token(client, settings) -> None:
    text = (library_dir() / CASE).read_text("utf-8")
    body = {"name": "my-case", "toml": text}
    _error(client.post("/api/library", json=body), 403, "token")
    _error(client.post("/api/library", json=body, headers={"Authorization": "Bearer no"}),
           403, "token")
    ok = client.post("/api/library", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201 and ok.json()["case"] == "my-case.toml"
    cases = client.get("/api/library").json()["cases"]
    assert {"case": "my-case.toml", "saved": True} in [
        {"case": c["case"], "saved": c["saved"]} for c in cases]
    assert (settings.runs_db.parent / "scenarios" / "my-case.toml").read_text() == text


def test_a_read_only_server_refuses_every_write(store_home, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from foedus.web.app import create_app
    from web.live import lowered_settings

    with TestClient(create_app(lowered_settings(tmp_path)),
                    raise_server_exceptions=False) as c:
        _error(c.post("/api/library", json={"name": "x", "toml": "a = 1"},
                      headers={"Authorization": f"Bearer {TOKEN}"}), 403, "read-only")


def test_cross_origin_writes_and_cors(client) -> None:
    _error(client.post("/api/runs", json={"case": CASE, "draws": 10},
                       headers={"Origin": "http://evil.example"}), 403, "Cross-origin")
    got = client.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in got.headers
    pre = client.options("/api/runs", headers={"Origin": "http://evil.example",
                                               "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    assert "default-src 'self'" in got.headers["content-security-policy"]


def test_openapi_documents_the_api(client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/states", "/api/network", "/api/borders", "/api/obligations",
                 "/api/treaties", "/api/treaties/{treaty_id}", "/api/credibility",
                 "/api/burden", "/api/runs", "/api/runs/{run_id}", "/api/compare",
                 "/api/library"):
        assert path in spec["paths"], path
    assert not any(p.startswith(("/atlas", "/fragments")) for p in spec["paths"])


# --- jobs ---------------------------------------------------------------------------------------

def _without_file(result: dict) -> dict:
    out = json.loads(json.dumps(result))
    out["scenario"].pop("file")
    return out


@pytest.mark.slow
def test_a_run_is_foedus_simulate_and_is_kept(client, settings) -> None:
    accepted = client.post("/api/runs", json={"case": CASE, "draws": 3000, "seed": 11})
    assert accepted.status_code == 202, accepted.text
    run = wait(client, accepted.json()["id"])
    assert run["status"] == "done", run
    assert run["progress"] == 1.0 and run["seconds"] > 0
    direct = simulate(library_dir() / CASE, draws=3000, seed=11)
    assert _without_file(run["result"]) == _without_file(direct)
    assert run["result"]["scenario"]["file"] == CASE
    assert run["data_hashes"]["dataset:atop_members"] == next(
        d["sha256"] for d in direct["provenance"]["datasets"] if d["name"] == "atop_members")
    assert run["params"]["draws"] == 3000 and run["params"]["seed"] == 11

    # the same toml text sent as text gives the same numbers
    text = (library_dir() / CASE).read_text("utf-8")
    again = wait(client, client.post("/api/runs", json={"toml": text, "draws": 3000,
                                                        "seed": 11}).json()["id"])
    assert again["result"]["p_deterred"] == direct["p_deterred"]

    # a rerun on the same data says so; after a (simulated) rebuild it names what changed
    client.app.state.runs.update(run["id"], data_hashes={**run["data_hashes"],
                                                         "dataset:atop_members": "0" * 64})
    rerun = wait(client, client.post(f"/api/runs/{run['id']}/rerun").json()["id"])
    assert rerun["rerun_of"] == run["id"]
    assert rerun["data_changes"] and "atop_members" in rerun["data_changes"][0]
    page = client.get(f"/runs/{rerun['id']}")
    assert page.status_code == 200 and "atop_members" in page.text


@pytest.mark.slow
def test_time_limit_and_cancel_are_recorded(store_home, tmp_path) -> None:
    from fastapi.testclient import TestClient

    from foedus.web.app import create_app
    from web.live import lowered_settings

    settings = lowered_settings(tmp_path, job_seconds=2.0, workers=1, queue=3,
                                max_draws=10**8)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        slow = c.post("/api/runs", json={"case": CASE, "draws": 50_000_000}).json()
        queued = c.post("/api/runs", json={"case": CASE, "draws": 50_000_000}).json()
        assert c.post(f"/api/runs/{queued['id']}/cancel").status_code == 202
        over = wait(c, slow["id"], timeout=120)
        assert over["status"] == "cancelled" and "time limit" in over["error"]
        cancelled = wait(c, queued["id"], timeout=60)
        assert cancelled["status"] == "cancelled" and "request" in cancelled["error"]
        _error(c.post(f"/api/runs/{slow['id']}/cancel"), 409, "finished")
        refused = [c.post("/api/runs", json={"case": CASE, "draws": 50_000_000})
                   for _ in range(6)]
        assert 429 in {r.status_code for r in refused}
        for r in refused:
            if r.status_code == 202:
                c.post(f"/api/runs/{r.json()['id']}/cancel")
    # a new server on the same database finds every run recorded, none left running
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        runs = c.get("/api/runs").json()["runs"]
        assert {r["status"] for r in runs} <= {"cancelled", "done", "failed"}
        assert c.get(f"/api/runs/{slow['id']}").json()["status"] == "cancelled"


def test_the_scenario_form_round_trips_through_toml(client) -> None:
    fields = {"name": "Form", "date": "2024-07-01", "draws": 1000, "seed": 3,
              "attack": [{"attacker": "RUS", "target": "LVA", "domain": "land"}],
              "challenger": {"value": [0.5, 1.5], "days_to_objective": 3.0}}
    made = client.post("/api/scenario/toml", json={"scenario": fields}).json()
    assert made["problems"] == [] and "[[attack]]" in made["toml"]
    checked = client.post("/api/scenario/check", json={"toml": made["toml"]}).json()
    assert checked["ok"] and checked["fields"] == fields


# --- sweeps ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_sweep_is_foedus_sweep_with_its_chart(client, cli_env) -> None:
    grid = {"challenger.value": [0.5, 2]}
    accepted = client.post("/api/sweeps", json={"case": CASE, "grid": grid, "draws": 2000,
                                                "seed": 5})
    assert accepted.status_code == 202, accepted.text
    run = wait(client, accepted.json()["id"])
    assert run["status"] == "done", run
    assert run["kind"] == "sweep" and run["progress"] == 1.0
    proc = run_cli("sweep", str(library_dir() / CASE), "--grid", "challenger.value=0.5,2",
                   "--draws", "2000", "--seed", "5", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    assert _without_file(run["result"]) == _without_file(json.loads(proc.stdout))
    assert run["result"]["scenario"]["file"] == CASE
    schema_validator("sweep").validate(run["result"])
    # the stakes raise the attacker's resolve: deterrence cannot rise with them
    low, high = (pt["p_deterred"] for pt in run["result"]["points"])
    assert high <= low

    chart = client.get(f"/api/runs/{run['id']}/chart").json()
    drawn = [v["x"] for layer in chart["layer"] for v in layer["data"]["values"]]
    assert sorted(set(drawn)) == ["0.5", "2"]
    page = client.get(f"/runs/{run['id']}")
    assert page.status_code == 200 and 'id="sweep-table"' in page.text
    rerun = wait(client, client.post(f"/api/runs/{run['id']}/rerun").json()["id"])
    assert rerun["result"]["points"] == run["result"]["points"]


def test_a_sweep_over_the_limits_is_refused(client, settings) -> None:
    cap = settings.max_grid
    one_too_many = {"challenger.value": list(range(1, cap + 2))}
    # two parameters, each under the cap, whose product is over it
    product = {"challenger.value": list(range(1, cap // 2 + 1)),
               "allies.solidarity": [0.1, 0.2, 0.3]}
    cases = [(one_too_many, 1, f"at most {cap} points"),
             (product, 1, f"at most {cap} points"),
             ({"challenger.value": [1, 2, 3]}, settings.max_draws // 2, "over every point"),
             ({"challenger.nonsense": [1, 2]}, 100, "unknown scenario parameter"),
             ({"allies.solidarity": [2.5]}, 100, "solidarity")]
    for grid, draws, needle in cases:
        response = client.post("/api/sweeps", json={"case": CASE, "grid": grid,
                                                    "draws": draws})
        _error(response, 422, needle)
        assert "\n" not in response.json()["error"]
    # at the cap exactly, the sweep is accepted (and cancelled: its numbers are not the point)
    full = {"challenger.value": list(range(1, cap + 1))}
    at_cap = client.post("/api/sweeps", json={"case": CASE, "draws": 1, "grid": full})
    assert at_cap.status_code == 202, at_cap.text
    client.post(f"/api/runs/{at_cap.json()['id']}/cancel")


def test_a_sweep_names_one_or_two_parameters(client) -> None:
    three = {"challenger.value": [1], "allies.solidarity": [0.5],
             "challenger.war_cost": [1]}
    for grid in ({}, three):
        response = client.post("/api/sweeps", json={"case": CASE, "grid": grid})
        assert response.status_code == 422, response.text
        assert set(response.json()) == {"error"}
