"""The JSON API (``/api``): parse the request, call the library, return its JSON.

Every answer is the library's own object (``foedus obligations --json`` is
``GET /api/obligations``, ``foedus simulate --json`` the ``result`` of a run); errors are
``{"error": ...}`` with a 4xx status (:mod:`foedus.web.app`).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from foedus._version import __version__
from foedus.burden.answer import burden_answer
from foedus.burden.spending import default_years
from foedus.charts import deterrence_sweep, stack, state_probabilities
from foedus.crisis.scenario import with_overrides
from foedus.data.places import default_gazetteer
from foedus.data.resolve import resolve_actor
from foedus.data.simplify import DEFAULT_TOLERANCE
from foedus.errors import DateOutOfRangeError, FoedusError, ParameterError, UnknownStateError
from foedus.query.answer import obligations_answer
from foedus.replications import replicate, study_list
from foedus.units import as_day
from foedus.web import views
from foedus.web.credibility import credibility_json
from foedus.web.jobs import grid_points
from foedus.web.runs import hash_changes
from foedus.web.scenarios import (
    UPLOAD,
    Checked,
    case_names,
    check_upload,
    parse,
    scenario_toml,
)
from foedus.web.settings import Settings

__all__ = ["router"]

router = APIRouter(prefix="/api")

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_RUN_ID = r"^[0-9a-f]{16}$"
_CASE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.toml$"
AsOf = Annotated[str | None, Query(pattern=_DATE, description="Date, YYYY-MM-DD (default: "
                                   "today).")]
ViewQ = Annotated[Literal["legal", "atop"], Query(description="legal (our book first) or "
                                                  "atop (ATOP 5.1, to 2018).")]
Name = Annotated[str, Query(min_length=1, max_length=80)]


class ErrorAnswer(BaseModel):
    """Every error: one sentence."""

    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorAnswer} for code in (403, 404, 409, 413, 422, 429)}


def _day(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    day = as_day(text, name="as_of")
    if day.year < 1000:
        raise DateOutOfRangeError(f"{text} is not a date foedus covers.")
    return day


def settings_of(request: Request) -> Settings:
    """The server's settings (a FastAPI dependency)."""
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(settings_of)]


def require_token(settings: SettingsDep,
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Refuse a write (403) unless the request carries the server's token
    (``Authorization: Bearer TOKEN``); a server started without a token refuses them all."""
    if settings.token is None:
        raise HTTPException(403, "This server is read-only: it was started without "
                            "--token-file, so writes are refused.")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), settings.token.encode()):
        raise HTTPException(403, "A write needs the server's token (Authorization: Bearer "
                            "TOKEN).")


# --- the map, the network, states ------------------------------------------------------------

@router.get("/health", summary="The server is up")
def health(request: Request) -> dict:
    """The server's version, how far the atlas's warm-up has got (the slider's dates
    computed, of all), and the runs database (with the sentence saying where an unreadable
    one was moved at start-up, or null)."""
    warmer = getattr(request.app.state, "warmer", None)
    warm = None if warmer is None else {"done": warmer.done, "total": warmer.total}
    runs = getattr(request.app.state, "runs", None)
    return {"status": "ok", "version": __version__, "atlas_warmup": warm,
            "runs_db": {"path": None if runs is None else str(runs.path),
                        "moved_aside": getattr(request.app.state, "runs_note", None)}}


def fast_json(answer: dict) -> Response:
    """A JSON answer encoded at once (FastAPI's encoder walks every value of a map or a
    network, which costs more than computing a cached one)."""
    return Response(json.dumps(answer, ensure_ascii=False, allow_nan=False,
                               separators=(",", ":")).encode("utf-8"),
                    media_type="application/json")


@router.get("/states", summary="States of the system on a date", responses=ERRORS,
            response_model=dict)
def states(as_of: AsOf = None) -> Response:
    """The COW states on the date with their capitals."""
    return fast_json(views.states_on(_day(as_of)))


@router.get("/states/{cow}/pledges", summary="A state's pledges given and received",
            responses=ERRORS)
def state_pledges(cow: Annotated[int, PathParam(ge=1, le=999)], as_of: AsOf = None,
                  view: ViewQ = "legal") -> dict:
    """The pledges a state gives and receives on the date, by treaty and kind."""
    day = _day(as_of)
    return views.state_pledges(cow, day, view)


@router.get("/network", summary="The alliance network on a date", responses=ERRORS,
            response_model=dict)
def network(as_of: AsOf = None, view: ViewQ = "legal") -> Response:
    """States tied by a pledge in force, edges by their strongest obligation kind, with a
    seeded layout."""
    return Response(views.network_bytes(_day(as_of), view), media_type="application/json")


@router.get("/borders", summary="The de facto borders on a date", responses=ERRORS,
            response_model=dict)
def borders(as_of: AsOf = None,
            tolerance: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_TOLERANCE) -> Response:
    """CShapes 2.0 borders as TopoJSON (the nearest map before 1886 and after 2019, with a
    banner)."""
    return Response(views.borders_bytes(_day(as_of), tolerance),
                    media_type="application/json")


@router.get("/legal-status", summary="Where legal status and control differ",
            responses=ERRORS, response_model=dict)
def legal_status(as_of: AsOf = None) -> Response:
    """The gazetteer's places administered by another state than the sovereign, or
    claimed by another, on the date (the legal overlay of the de facto map)."""
    return fast_json(views.legal_status(_day(as_of)))


@router.get("/places", summary="Gazetteer places by name (autocomplete)", responses=ERRORS)
def places(q: Annotated[str, Query(max_length=80)] = "",
           limit: Annotated[int, Query(ge=1, le=50)] = 20) -> dict:
    """Places whose name or alias contains ``q``."""
    needle = q.strip().lower()
    rows = []
    for p in default_gazetteer():
        names = (p.name, *getattr(p, "aliases", ()))
        if not needle or any(needle in n.lower() for n in names):
            rows.append({"id": p.id, "name": p.name, "kind": str(p.kind)})
    rows.sort(key=lambda r: (not r["name"].lower().startswith(needle), r["name"]))
    return {"q": q, "places": rows[:limit]}


# --- the query, credibility, burden ----------------------------------------------------------

def _actors(values: list[str]) -> list[str]:
    if not values or len(values) > 8 or any(not v.strip() or len(v) > 80 for v in values):
        raise ParameterError("Give one to eight attackers, each a state (code, ISO-3, "
                             "cow:ABB, name) or nonstate:NAME of at most 80 characters.")
    return [v.strip() for v in values]


@router.get("/obligations", summary="Who must defend whom", responses=ERRORS)
def obligations(
    attacker: Annotated[list[str], Query(description="Attacking state or nonstate:NAME; "
                                         "repeat for several.")],
    target: Name,
    as_of: AsOf = None,
    place: Annotated[str | None, Query(max_length=120)] = None,
    hit: Literal["territory", "forces", "vessels", "aircraft"] | None = None,
    domain: Literal["land", "sea", "air", "cyber", "space", "hybrid"] | None = None,
    view: ViewQ = "legal",
    provoked: bool = False,
    credibility: bool = False,
) -> dict:
    """The same object as ``foedus obligations --json`` (provenance included)."""
    return obligations_answer(_actors(attacker), target.strip(), as_of=_day(as_of),
                              place=place or None, hit=hit, domain=domain, view=view,
                              provoked=provoked, credibility=credibility).to_json()


@router.get("/credibility", summary="How credible is a pledge", responses=ERRORS)
def credibility(ally: Name, partner: Name, as_of: AsOf = None,
                against: Annotated[list[str] | None, Query(max_length=8)] = None) -> dict:
    """The same object as ``foedus credibility --json``."""
    return credibility_json(ally, partner, _day(as_of), against or [])


@router.get("/burden", summary="Burden sharing in an alliance", responses=ERRORS)
def burden(alliance: Name = "NATO",
           years: Annotated[str | None, Query(pattern=r"^\d{4}-\d{4}$")] = None,
           series: Literal["sipri", "nato", "nmc"] = "sipri",
           view: ViewQ = "legal") -> dict:
    """The same object as ``foedus burden --json``; without ``years``, the series' default
    span (:func:`foedus.burden.spending.default_years`, as the command)."""
    start, end = (default_years(series) if years is None
                  else (int(y) for y in years.split("-")))
    return _burden(alliance.strip(), start, end, series, view)


@lru_cache(maxsize=32)
def _burden(alliance: str, start: int, end: int, series: str, view: str) -> dict:
    return burden_answer(alliance, start, end, series=series, view=view).to_json()


# --- treaties ----------------------------------------------------------------------------------

@router.get("/treaties", summary="Search treaties", responses=ERRORS)
def treaties(q: Annotated[str | None, Query(max_length=120)] = None,
             member: Annotated[str | None, Query(max_length=80)] = None,
             year: Annotated[int | None, Query(ge=1815, le=2100)] = None,
             view: ViewQ = "legal") -> dict:
    """Treaties by name, member (any identifier) and a year in force."""
    cow = None
    if member:
        actor = resolve_actor(member.strip(), dt.date(year, 7, 1) if year else None)
        cow = getattr(actor, "cow", None)
        if cow is None:
            raise UnknownStateError(f"{member!r} is not a state.")
    return views.treaty_list(q=q, member=cow, year=year, view=view)


@router.get("/treaties/{treaty_id}", summary="One treaty", responses=ERRORS)
def treaty(treaty_id: Annotated[str, PathParam(pattern=r"^(book|atop):[A-Za-z0-9_.-]{1,60}$")]
           ) -> dict:
    """Members through time, obligations with conditions, provisions, sources, crosswalk."""
    return views.treaty_detail(treaty_id)


# --- studies -----------------------------------------------------------------------------------

@router.get("/studies", summary="The replication suite's studies", responses=ERRORS)
def studies() -> dict:
    """Each study's name, title, citation and DOI (``foedus replicate --list --json``)."""
    return study_list().to_json()


@router.get("/studies/{name}", summary="One study reproduced", responses=ERRORS)
def study(name: Annotated[str, PathParam(pattern=r"^[a-z0-9-]{1,60}$")]) -> dict:
    """Published beside reproduced (``foedus replicate NAME --json``); computed once per
    server."""
    return _study(name)


@lru_cache(maxsize=16)
def _study(name: str) -> dict:
    return replicate(name).to_json()


# --- scenarios, runs, comparisons ---------------------------------------------------------------

class Source(BaseModel):
    """A scenario: a file's text, its fields as JSON, or a case of the library by name."""

    model_config = ConfigDict(extra="forbid")
    toml: str | None = Field(None, max_length=1_000_000)
    scenario: dict[str, Any] | None = None
    case: str | None = Field(None, pattern=_CASE)


class RunRequest(Source):
    """``POST /api/runs``: one of ``toml``, ``scenario`` or ``case``; draws and seed
    override the file's own."""

    draws: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


GridValue = Annotated[int | float | str, Field(union_mode="left_to_right")]


class SweepRequest(Source):
    """``POST /api/sweeps``: one of ``toml``, ``scenario`` or ``case``, and a grid of
    scenario fields (``{"challenger.value": [0.5, 1, 2]}``) run at every combination, each
    point with ``draws`` draws (default: the file's own) and the same ``seed``."""

    grid: dict[Annotated[str, Field(min_length=1, max_length=80)],
               Annotated[list[GridValue], Field(min_length=1, max_length=10_000)]] = Field(
        min_length=1, max_length=2, description="One or two scenario fields and their "
        "values (the chart draws the first across, one line per value of the second).")
    draws: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


class CompareRequest(BaseModel):
    """``POST /api/compare``: a base and an alternative (usually ``base = "<case>"`` plus
    ``[[modify]]`` tables)."""

    model_config = ConfigDict(extra="forbid")
    base: Source
    alt: Source
    draws: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    alliance: str | None = Field(None, max_length=80)
    threshold: float = Field(0.5, ge=0.0, le=1.0)


class SaveRequest(BaseModel):
    """``POST /api/library``: save a scenario under a name (needs the token)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,60}$")
    toml: str = Field(max_length=1_000_000)


class Accepted(BaseModel):
    """A queued job."""

    id: str
    status_url: str


def saved_dir(settings: Settings) -> Path:
    """Where saved scenarios go (beside the runs database)."""
    return settings.runs_db.parent / "scenarios"


def _case_text(name: str, settings: Settings) -> str:
    for folder in (settings.library, saved_dir(settings)):
        if name in case_names(folder):
            return (folder / name).read_text("utf-8")
    raise HTTPException(404, f"No case {name!r} in the library (GET /api/library).")


def _source(src: Source, settings: Settings, fallback: str) -> tuple[str, str]:
    """(text, name) of a scenario given one of its three forms."""
    given = [k for k in ("toml", "scenario", "case") if getattr(src, k) is not None]
    if len(given) != 1:
        raise ParameterError("Give exactly one of 'toml', 'scenario' or 'case'.")
    if src.case is not None:
        return _case_text(src.case, settings), src.case
    text = src.toml if src.toml is not None else scenario_toml(src.scenario or {})
    return text, fallback


def _status_url(request: Request, run_id: str) -> str:
    return str(request.url_for("run", run_id=run_id).path)


@router.post("/runs", status_code=202, response_model=Accepted, summary="Run a scenario",
             responses=ERRORS)
def create_run(body: RunRequest, request: Request, settings: SettingsDep) -> Accepted:
    """Queue a simulation; its ``result``, once done, is ``foedus simulate --json`` for the
    same file, draws and seed."""
    text, name = _source(body, settings, UPLOAD)
    checked = check_upload(text, settings, name=name, draws=body.draws, seed=body.seed)
    spec = {"kind": "simulate", "files": {name: text}, "main": name, "draws": checked.draws,
            "seed": checked.seed, "expected_draws": checked.draws}
    params = {"scenario": name, "toml": text, "draws": checked.draws, "seed": checked.seed}
    job = request.app.state.jobs.submit("simulate", spec, params)
    return Accepted(id=job.id, status_url=_status_url(request, job.id))


def check_grid(grid: dict[str, list], checked: Checked, settings: Settings) -> None:
    """Refuse a grid over the server's limits (points, draws over every point) or naming
    what the scenario cannot take, before it is queued.

    Raises
    ------
    ParameterError
        For a grid of more than ``max_grid`` points, or more than ``max_draws`` draws in
        all.
    FoedusError
        For a field that is not the scenario's or a value it refuses.
    """
    points = grid_points(grid)
    if points > settings.max_grid:
        raise ParameterError(f"A sweep grid may have at most {settings.max_grid:,} points on "
                             f"this server. Got {points:,}.")
    total = points * checked.draws
    if total > settings.max_draws:
        raise ParameterError(f"A sweep's draws (over every point) must be at most "
                             f"{settings.max_draws:,} on this server. Got {points:,} points "
                             f"× {checked.draws:,} draws = {total:,}.")
    for name, values in grid.items():
        for value in values:
            with_overrides(checked.scenario, {name: value})


@router.post("/sweeps", status_code=202, response_model=Accepted,
             summary="Sweep a scenario over a grid", responses=ERRORS)
def create_sweep(body: SweepRequest, request: Request, settings: SettingsDep) -> Accepted:
    """Queue a sweep; its ``result``, once done, is ``foedus sweep --json`` for the same
    file, grid, draws and seed."""
    text, name = _source(body, settings, UPLOAD)
    checked = check_upload(text, settings, name=name, draws=body.draws, seed=body.seed,
                           enforce_draws=False)
    grid = {k.strip(): list(v) for k, v in body.grid.items()}
    check_grid(grid, checked, settings)
    spec = {"kind": "sweep", "files": {name: text}, "main": name, "grid": grid,
            "draws": checked.draws, "seed": checked.seed,
            "expected_draws": checked.draws * grid_points(grid)}
    params = {"scenario": name, "toml": text, "grid": grid, "draws": checked.draws,
              "seed": checked.seed}
    job = request.app.state.jobs.submit("sweep", spec, params)
    return Accepted(id=job.id, status_url=_status_url(request, job.id))


@router.post("/compare", status_code=202, response_model=Accepted,
             summary="Compare a counterfactual with its base", responses=ERRORS)
def create_compare(body: CompareRequest, request: Request, settings: SettingsDep
                   ) -> Accepted:
    """Queue a comparison; its ``result`` is ``foedus compare --json``."""
    base_text, base_name = _source(body.base, settings, "base-" + UPLOAD)
    alt_text, alt_name = _source(body.alt, settings, "alt-" + UPLOAD)
    if alt_name == base_name:
        alt_name = "alt-" + alt_name
    base = check_upload(base_text, settings, name=base_name, draws=body.draws,
                        seed=body.seed)
    alt = check_upload(alt_text, settings, name=alt_name, draws=body.draws, seed=body.seed)
    total = base.draws + alt.draws
    if total > settings.max_draws:
        raise ParameterError(f"A comparison's draws (both sides) must be at most "
                             f"{settings.max_draws:,} on this server. Got {total:,}.")
    spec = {"kind": "compare", "files": {base_name: base_text, alt_name: alt_text},
            "base": base_name, "alt": alt_name, "draws": body.draws, "seed": body.seed,
            "alliance": body.alliance, "threshold": body.threshold,
            "expected_draws": total}
    params = {"base": base_name, "alt": alt_name, "toml": {base_name: base_text,
                                                           alt_name: alt_text},
              "draws": body.draws, "seed": body.seed, "alliance": body.alliance,
              "threshold": body.threshold}
    job = request.app.state.jobs.submit("compare", spec, params)
    return Accepted(id=job.id, status_url=_status_url(request, job.id))


RunId = Annotated[str, PathParam(pattern=_RUN_ID)]


def run_record(request: Request, run_id: str) -> dict:
    """A run as the API shows it (live status and progress while it runs)."""
    rec = request.app.state.runs.get(run_id)
    if rec is None:
        raise HTTPException(404, f"No run {run_id}.")
    live = request.app.state.jobs.status(run_id)
    status, progress = live if live else (rec["status"], 1.0 if rec["status"] == "done"
                                          else 0.0)
    out = {"id": run_id, "status": status, "progress": progress, "result": rec["result"],
           "kind": rec["kind"], "params": rec["params"], "error": rec["error"],
           "created": rec["created"], "started": rec["started"],
           "finished": rec["finished"], "seconds": rec["seconds"],
           "data_hashes": rec["data_hashes"], "rerun_of": rec["rerun_of"]}
    if rec["rerun_of"] and rec["data_hashes"]:
        first = request.app.state.runs.get(rec["rerun_of"])
        out["data_changes"] = hash_changes(first and first["data_hashes"], rec["data_hashes"])
    return out


@router.get("/runs/{run_id}", name="run", summary="A run: status, progress, result",
            responses=ERRORS)
def get_run(run_id: RunId, request: Request) -> dict:
    """``{"id", "status": queued|running|done|failed|cancelled, "progress": 0-1,
    "result"}`` and the run's parameters, data hashes and timing."""
    return run_record(request, run_id)


@router.get("/runs/{run_id}/chart", summary="A finished run's chart (Vega-Lite)",
            responses=ERRORS)
def run_chart(run_id: RunId, request: Request) -> dict:
    """A simulation: who is drawn in and who is entrapped; a sweep: P(deterred) across
    the grid; each estimate with its 95 % interval (Vega-Lite)."""
    rec = run_record(request, run_id)
    if rec["status"] != "done" or rec["kind"] not in ("simulate", "sweep"):
        raise HTTPException(409, f"Run {run_id} is not a finished simulation or sweep.")
    return run_chart_spec(rec["kind"], rec["result"])


def run_chart_spec(kind: str, result: dict) -> dict:
    """A finished run's chart from the shared builders (:mod:`foedus.charts`): a sweep's
    P(deterred) across its first parameter (one line per value of a second), or a
    simulation's P(drawn in) above its P(entrapped)."""
    if kind == "sweep":
        names = list(result["grid"])
        title = f"{result['scenario']['name'] or result['scenario']['file']}: P(deterred) " \
                f"across {names[0]} ({result['draws']:,} draws per point)"
        return deterrence_sweep(result["points"], names[0],
                                by=names[1] if len(names) > 1 else None, title=title)
    return stack([state_probabilities(result, "drawn_in"),
                  state_probabilities(result, "entrapment")])


@router.get("/runs", summary="Recent runs", responses=ERRORS)
def list_runs(request: Request, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
    """The latest runs, newest first, without their results."""
    rows = request.app.state.runs.recent(limit)
    for r in rows:
        r.pop("params", None)
    return {"runs": rows}


@router.post("/runs/{run_id}/cancel", status_code=202, summary="Cancel a run",
             responses=ERRORS)
def cancel_run(run_id: RunId, request: Request) -> dict:
    """Cancel a queued or running job (recorded as cancelled, not deleted)."""
    if request.app.state.runs.get(run_id) is None:
        raise HTTPException(404, f"No run {run_id}.")
    if not request.app.state.jobs.cancel(run_id):
        raise HTTPException(409, f"Run {run_id} has already finished.")
    return {"id": run_id, "status": "cancelling"}


@router.post("/runs/{run_id}/rerun", status_code=202, response_model=Accepted,
             summary="Run a run again", responses=ERRORS)
def rerun(run_id: RunId, request: Request, settings: SettingsDep) -> Accepted:
    """The same parameters on today's data; the new run says which data hashes differ."""
    rec = request.app.state.runs.get(run_id)
    if rec is None:
        raise HTTPException(404, f"No run {run_id}.")
    p = rec["params"]
    if rec["kind"] == "simulate":
        checked = check_upload(p["toml"], settings, name=p["scenario"], draws=p["draws"],
                               seed=p["seed"])
        spec = {"kind": "simulate", "files": {p["scenario"]: p["toml"]},
                "main": p["scenario"], "draws": checked.draws, "seed": checked.seed,
                "expected_draws": checked.draws}
    elif rec["kind"] == "sweep":
        checked = check_upload(p["toml"], settings, name=p["scenario"], draws=p["draws"],
                               seed=p["seed"], enforce_draws=False)
        check_grid(p["grid"], checked, settings)
        spec = {"kind": "sweep", "files": {p["scenario"]: p["toml"]}, "main": p["scenario"],
                "grid": p["grid"], "draws": checked.draws, "seed": checked.seed,
                "expected_draws": checked.draws * grid_points(p["grid"])}
    else:
        spec = {"kind": "compare", "files": p["toml"], "base": p["base"], "alt": p["alt"],
                "draws": p["draws"], "seed": p["seed"], "alliance": p["alliance"],
                "threshold": p["threshold"], "expected_draws": p["draws"] or 1}
    job = request.app.state.jobs.submit(rec["kind"], spec, p, rerun_of=run_id)
    return Accepted(id=job.id, status_url=_status_url(request, job.id))


# --- the case library and the scenario form ---------------------------------------------------

@lru_cache(maxsize=256)
def _case_summary(path: str, mtime: float) -> dict:
    try:
        raw = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {"problem": str(exc)}
    return {"name": raw.get("name", ""), "date": str(raw.get("date", "")),
            "base": raw.get("base"), "draws": raw.get("draws"), "seed": raw.get("seed"),
            "modifications": len(raw.get("modify", []))}


@router.get("/library", summary="The case library", responses=ERRORS)
def library(settings: SettingsDep) -> dict:
    """The library's scenario files (and those saved on this server)."""
    cases = []
    for folder, saved in ((settings.library, False), (saved_dir(settings), True)):
        for name in case_names(folder):
            path = folder / name
            cases.append({"case": name, "saved": saved,
                          **_case_summary(str(path), path.stat().st_mtime)})
    return {"cases": cases}


@router.get("/library/{case}", summary="A case's TOML text", responses=ERRORS)
def library_case(case: Annotated[str, PathParam(pattern=_CASE)], settings: SettingsDep
                 ) -> dict:
    """The scenario file's text, to edit or download."""
    return {"case": case, "toml": _case_text(case, settings)}


@router.post("/library", status_code=201, summary="Save a scenario to the library (token)",
             responses=ERRORS, dependencies=[Depends(require_token)])
def save_case(body: SaveRequest, settings: SettingsDep) -> dict:
    """Save a validated scenario as ``NAME.toml`` among the server's saved cases."""
    name = body.name + ".toml"
    if name in case_names(settings.library):
        raise ParameterError(f"{name} is a case of the shipped library; choose another name.")
    check_upload(body.toml, settings, name=name, enforce_draws=False)
    folder = saved_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.{secrets.token_hex(4)}"
    tmp.write_text(body.toml, "utf-8")
    tmp.replace(folder / name)
    return {"case": name, "saved": True}


class ScenarioFields(BaseModel):
    """A scenario's fields as JSON."""

    model_config = ConfigDict(extra="forbid")
    scenario: dict[str, Any]


class ScenarioText(BaseModel):
    """A scenario's TOML text."""

    model_config = ConfigDict(extra="forbid")
    toml: str = Field(max_length=1_000_000)


def _problems(exc: Exception) -> list[str]:
    listed = getattr(exc, "problems", None)
    return [str(p) for p in listed] if listed else [str(exc)]


@router.post("/scenario/toml", summary="A scenario's fields written as TOML",
             responses=ERRORS)
def to_toml(body: ScenarioFields, settings: SettingsDep) -> dict:
    """The TOML text of the fields (to download), with the problems the engine finds."""
    text = scenario_toml(body.scenario)
    try:
        check_upload(text, settings, enforce_draws=False)
        problems: list[str] = []
    except FoedusError as exc:
        problems = _problems(exc)
    return {"toml": text, "problems": problems}


@router.post("/scenario/check", summary="Check a scenario's TOML", responses=ERRORS)
def check(body: ScenarioText, settings: SettingsDep) -> dict:
    """``ok``, every problem (line and field), and the fields as JSON (to fill the form)."""
    raw = parse(body.toml, settings)
    try:
        checked = check_upload(body.toml, settings, enforce_draws=False)
    except FoedusError as exc:
        return {"ok": False, "problems": _problems(exc), "fields": _jsonable(raw)}
    return {"ok": True, "problems": [], "fields": _jsonable(raw),
            "draws": checked.draws, "seed": checked.seed}


def _jsonable(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _jsonable(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_jsonable(v) for v in node]
    if isinstance(node, dt.date | dt.time):
        return node.isoformat()
    return node

