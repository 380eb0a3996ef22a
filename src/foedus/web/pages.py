"""The pages: Jinja2 templates over the JSON API, with htmx fragments for the forms.

Pages load only the server's own scripts (the vendored libraries and ``static/js``); the
data come from ``/api`` or from fragments rendered here from the same library answers.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from foedus._version import __version__
from foedus.charts import (
    exploitation_test,
    membership_records,
    spending_over_time,
    treaty_members,
)
from foedus.data.loaders import load_system
from foedus.errors import FoedusError
from foedus.query.answer import obligations_answer
from foedus.replications import study_list
from foedus.web import views
from foedus.web.api import (
    ViewQ,
    _actors,
    _burden,
    _day,
    _study,
    run_chart_spec,
    run_record,
    saved_dir,
)
from foedus.web.api import places as places_api
from foedus.web.api import treaties as treaties_api
from foedus.web.credibility import credibility_json
from foedus.web.scenarios import case_names
from foedus.web.vendor import scripts
from foedus.web.words import obligation_words

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(str(resources.files("foedus.web").joinpath(
    "templates")))))

#: Which vendored libraries each kind of page loads (by package folder).
_NEEDS = {
    "map": ("d3-array", "d3-geo", "topojson-client"),
    "network": ("cytoscape", "layout-base", "cose-base", "cytoscape-fcose"),
    "chart": ("vega", "vega-lite", "vega-embed"),
}

#: The fields the lab offers to sweep (any scenario field can be swept through the API).
SWEEP_PARAMETERS = ("challenger.value", "challenger.cost_tolerance", "challenger.war_cost",
                    "challenger.days_to_objective", "allies.credibility_shift",
                    "allies.solidarity", "allies.strike_back", "allies.nuclear_escalation")

PAGES = [("/atlas", "Atlas"), ("/obligations", "Who must defend whom"),
         ("/treaties", "Treaties"), ("/lab", "Crisis lab"), ("/burden", "Burden"),
         ("/studies", "Studies"), ("/runs", "Runs")]


def _scripts(*needs: str) -> list[str]:
    wanted = {"htmx.org"} | {p for n in needs for p in _NEEDS[n]}
    return [s for s in scripts() if s.split("/", 1)[0] in wanted]


def _json(value) -> Markup:
    """JSON for a ``<script type="application/json">`` block (never executed)."""
    text = json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")
    return Markup(text)


def render(request: Request, template: str, *, needs: tuple[str, ...] = (),
           page_script: str | None = None, status: int = 200, **context) -> HTMLResponse:
    """A page with its scripts."""
    return templates.TemplateResponse(request, template, {
        "pages": PAGES, "vendor": _scripts(*needs), "page_script": page_script,
        "version": __version__, "today": dt.date.today().isoformat(), "json": _json,
        **context}, status_code=status)


def _fragment_error(request: Request, exc: FoedusError) -> HTMLResponse:
    return templates.TemplateResponse(request, "error_fragment.html", {"message": str(exc)},
                                      status_code=200)


@router.get("/")
def home() -> RedirectResponse:
    """The atlas is the front page."""
    return RedirectResponse("/atlas", status_code=307)


@router.get("/atlas", response_class=HTMLResponse)
def atlas(request: Request, as_of: Annotated[str | None, Query(max_length=10)] = None,
          view: ViewQ = "legal") -> HTMLResponse:
    """A world map with the borders of a date and the alliance network of that date."""
    return render(request, "atlas.html", needs=("map", "network"), page_script="atlas.js",
                  as_of=as_of or "2024-07-01", view=view)


@router.get("/obligations", response_class=HTMLResponse)
def obligations_page(request: Request) -> HTMLResponse:
    """The obligations query as a form."""
    return render(request, "obligations.html", needs=("map",), page_script="obligations.js")


@router.get("/fragments/obligations", response_class=HTMLResponse)
def obligations_fragment(
    request: Request, attacker: Annotated[list[str], Query()],
    target: Annotated[str, Query(max_length=80)],
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    place: Annotated[str | None, Query(max_length=120)] = None,
    hit: Literal["", "territory", "forces", "vessels", "aircraft"] = "",
    domain: Literal["", "land", "sea", "air", "cyber", "space", "hybrid"] = "",
    view: ViewQ = "legal", credibility: bool = False,
) -> HTMLResponse:
    """The answer in words: who is bound, why, and every treaty not triggered."""
    try:
        answer = obligations_answer(_actors([a for a in attacker if a.strip()]),
                                    target.strip(), as_of=_day(as_of or None),
                                    place=place or None, hit=hit or None,
                                    domain=domain or None, view=view,
                                    credibility=credibility).to_json()
    except FoedusError as exc:
        return _fragment_error(request, exc)
    groups: dict[tuple, dict] = {}
    for o in answer["obligations"]:
        key = (o["treaty"]["id"], o["article"], o["kind"], o["response"], o["decision"])
        g = groups.setdefault(key, {"treaty": o["treaty"], "article": o["article"],
                                    "kind": o["kind"], "response": o["response"],
                                    "decision": o["decision"], "states": [],
                                    "caveats": o["caveats"] + o["flags"]})
        g["states"].append(o)
    bound = sorted({o["state"]["cow"] for o in answer["obligations"]})
    return templates.TemplateResponse(request, "obligations_fragment.html", {
        "a": answer, "groups": list(groups.values()), "bound": bound, "json": _json})


@router.get("/treaties", response_class=HTMLResponse)
def treaties_page(request: Request) -> HTMLResponse:
    """Search treaties by name, member and year."""
    return render(request, "treaties.html")


@router.get("/fragments/treaties", response_class=HTMLResponse)
def treaties_fragment(request: Request, q: Annotated[str, Query(max_length=120)] = "",
                      member: Annotated[str, Query(max_length=80)] = "",
                      year: Annotated[str, Query(max_length=4)] = "",
                      view: ViewQ = "legal") -> HTMLResponse:
    """The treaties found."""
    try:
        found = treaties_api(q=q or None, member=member or None,
                       year=int(year) if year.isdigit() else None, view=view)
    except FoedusError as exc:
        return _fragment_error(request, exc)
    return templates.TemplateResponse(request, "treaties_fragment.html", {"found": found})


@router.get("/treaties/{treaty_id}", response_class=HTMLResponse)
def treaty_page(request: Request, treaty_id: str) -> HTMLResponse:
    """One treaty: members through time, obligations in words, provisions, sources."""
    try:
        detail = views.treaty_detail(treaty_id)
    except FoedusError as exc:
        raise HTTPException(404, str(exc)) from None
    t = detail["treaty"]
    names = {m["state"]: m["name"] for m in t["members"]}

    def name(c: int) -> str:
        return names.get(c, str(c))

    words = [{"id": o["id"], "kind": o["kind"], "article": o["article"],
              "text": obligation_words(o, name), "flags": o.get("flags", []),
              "note": o.get("note", "")} for o in t["obligations"]]
    return render(request, "treaty.html", needs=("chart",), page_script="treaty.js",
                  d=detail, t=t, words=words, name=name,
                  chart=treaty_members(membership_records(load_system().treaty(treaty_id),
                                                          name=name), title=t["name"]))


@router.get("/lab", response_class=HTMLResponse)
def lab(request: Request) -> HTMLResponse:
    """The crisis lab: a case or a scenario of one's own, run as a job."""
    settings = request.app.state.settings
    cases = case_names(settings.library) + case_names(saved_dir(settings))
    return render(request, "lab.html", needs=("chart",), page_script="lab.js", cases=cases,
                  max_draws=settings.max_draws, max_grid=settings.max_grid,
                  sweep_params=SWEEP_PARAMETERS, writable=settings.token is not None)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request) -> HTMLResponse:
    """The latest runs."""
    return render(request, "runs.html", runs=request.app.state.runs.recent(100))


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    """A run: its progress, then P(deterred), who is drawn in and entrapped, the cascade on
    the network; a stable link."""
    if len(run_id) != 16 or any(c not in "0123456789abcdef" for c in run_id):
        raise HTTPException(404, f"No run {run_id}.")
    rec = run_record(request, run_id)
    chart = None
    if rec["status"] == "done" and rec["kind"] in ("simulate", "sweep"):
        chart = run_chart_spec(rec["kind"], rec["result"])
    return render(request, "run.html", needs=("chart", "network"), page_script="run.js",
                  run=rec, chart=chart)


@router.get("/burden", response_class=HTMLResponse)
def burden_page(request: Request, alliance: Annotated[str, Query(max_length=80)] = "NATO",
                years: Annotated[str, Query(pattern=r"^\d{4}-\d{4}$")] = "2014-2024",
                series: Literal["sipri", "nato", "nmc"] = "sipri") -> HTMLResponse:
    """Spending and shares over time, the exploitation test by year, the targets."""
    start, end = (int(y) for y in years.split("-"))
    error, answer, charts = None, None, None
    try:
        answer = _burden(alliance.strip(), start, end, series, "legal")
        charts = {"spending": spending_over_time(answer), "test": exploitation_test(answer)}
    except FoedusError as exc:
        error = str(exc)
    return render(request, "burden.html", needs=("chart",), page_script="burden.js",
                  alliance=alliance, years=years, series=series, a=answer, charts=charts,
                  error=error)


@router.get("/studies", response_class=HTMLResponse)
def studies_page(request: Request) -> HTMLResponse:
    """The replication suite: each study, published beside reproduced on demand."""
    return render(request, "studies.html", studies=study_list().to_json()["studies"])


@router.get("/fragments/studies/{name}", response_class=HTMLResponse)
def study_fragment(request: Request, name: str) -> HTMLResponse:
    """One study's table (run once per server)."""
    try:
        result = _study(name)
    except FoedusError as exc:
        return _fragment_error(request, exc)
    return templates.TemplateResponse(request, "study_fragment.html", {"r": result})


@router.get("/fragments/places", response_class=HTMLResponse)
def places_fragment(request: Request, place: Annotated[str, Query(max_length=80)] = ""
                    ) -> HTMLResponse:
    """Autocomplete options for the place field."""
    found = places_api(q=place, limit=20)["places"]
    return templates.TemplateResponse(request, "places_fragment.html", {"places": found})


@router.get("/fragments/credibility", response_class=HTMLResponse)
def credibility_fragment(request: Request, ally: Annotated[str, Query(max_length=80)],
                         partner: Annotated[str, Query(max_length=80)],
                         as_of: Annotated[str | None, Query(max_length=10)] = None
                         ) -> HTMLResponse:
    """One ally's pledges to a partner with their credibility: the interval first, then the
    record behind it."""
    try:
        answer = credibility_json(ally, partner, _day(as_of), [])
    except FoedusError as exc:
        return _fragment_error(request, exc)
    return templates.TemplateResponse(request, "credibility_fragment.html", {"c": answer})
