"""The web app: FastAPI over the library, pages from Jinja2 templates, jobs in processes.

:func:`create_app` builds the application for one :class:`~foedus.web.settings.Settings`.
Every error is JSON ``{"error": "..."}`` with a 4xx status (a
:class:`~foedus.errors.FoedusError` is the user's: 422 for input, 404 for an unknown
resource); an unexpected exception is a 500 with one sentence, never a traceback. Request
bodies over ``max_body`` are refused (413) before they are read whole; cross-origin writes
are refused (403) and no CORS header is ever sent; pages carry a Content Security Policy
that allows nothing from outside the server.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from foedus._version import __version__
from foedus.data.loaders import load_system
from foedus.errors import (
    DataError,
    FoedusError,
    RequestTooLargeError,
    UnknownStudyError,
    UnknownTreatyError,
)
from foedus.web import api, pages
from foedus.web.jobs import Jobs, QueueFullError
from foedus.web.runs import Recovered, open_runs
from foedus.web.settings import Settings
from foedus.web.warm import ACTIVITY, AtlasWarmer

__all__ = ["create_app"]

log = logging.getLogger("foedus.web")

#: Nothing from outside the server: scripts, styles, images, connections. Vega compiles its
#: expressions with ``Function`` (hence 'unsafe-eval'); styles set inline by the libraries.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class _Guard:
    """ASGI middleware: body limit, same-origin writes, security headers."""

    def __init__(self, app, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        limit = self.settings.max_body
        try:
            declared = int(headers.get("content-length", "0") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            await _error(413, f"The request body is over {limit:,} bytes.")(scope, receive,
                                                                             send)
            return
        if scope["method"] in _UNSAFE and "origin" in headers:
            origin = urlsplit(headers["origin"]).netloc
            if origin != headers.get("host"):
                await _error(403, "Cross-origin writes are refused.")(scope, receive, send)
                return
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise RequestTooLargeError(f"over {limit:,} bytes")
            return message

        async def secured_send(message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"),
                         (b"content-security-policy", CSP.encode())]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            with ACTIVITY.request():  # the atlas warm-up waits while requests are served
                await self.app(scope, limited_receive, secured_send)
        except RequestTooLargeError:
            await _error(413, f"The request body is over {limit:,} bytes.")(scope, receive,
                                                                             send)


def _status(exc: FoedusError) -> int:
    if isinstance(exc, QueueFullError):
        return 429
    if isinstance(exc, UnknownTreatyError | UnknownStudyError):
        return 404
    if isinstance(exc, DataError):
        return 409  # the server's data are not there (no store): nothing the request can fix
    return 422


def _settle() -> None:
    """Load the commitment system, then move everything loaded so far out of the garbage
    collector's sight (:func:`gc.freeze`): the atlas builds tens of thousands of pledges
    per new date, and each full collection would otherwise walk the whole system again
    (about a quarter of a new network's time, measured by hand on six dates)."""
    with contextlib.suppress(FoedusError):  # no store yet: the requests will say so
        load_system()
    gc.freeze()


def static_dir() -> Path:
    """The folder of the app's static files (scripts, styles, the vendored libraries)."""
    return Path(str(resources.files("foedus.web").joinpath("static")))


def create_app(settings: Settings | None = None, *, runs_note: Recovered | None = None
               ) -> FastAPI:
    """The application for ``settings`` (default: :class:`Settings` from the environment).

    The runs database is opened and the worker pool started when the app starts (its
    lifespan), and both closed when it stops. An unreadable runs database is moved aside
    then and a new one started (:func:`foedus.web.runs.open_runs`), which one line on
    stderr and ``/api/health`` (``runs_db``) report; ``runs_note`` is what ``foedus serve``
    moved aside before its start-up line, if anything.
    """
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runs, note = open_runs(settings.runs_db)
        if note is not None:
            print(f"foedus serve: {note}", file=sys.stderr, flush=True)
        moved = note or runs_note
        app.state.runs_note = None if moved is None else str(moved)
        jobs = Jobs(runs, settings.library, workers=settings.workers,
                    queue_length=settings.queue, job_seconds=settings.job_seconds,
                    prestart=settings.prestart_workers)
        app.state.runs, app.state.jobs = runs, jobs
        _settle()
        warmer = AtlasWarmer().start() if settings.warm_atlas else None
        app.state.warmer = warmer
        try:
            yield
        finally:
            if warmer is not None:
                warmer.stop()
            jobs.close()
            runs.close()

    app = FastAPI(title="foedus", version=__version__, lifespan=lifespan,
                  description="Military alliances and security commitments as data: the "
                  "JSON API of `foedus serve`. Every answer is the library's own JSON (the "
                  "command line's `--json`); errors are `{\"error\": ...}` with a 4xx "
                  "status.", docs_url=None, redoc_url=None)
    app.state.settings = settings

    @app.exception_handler(FoedusError)
    async def _foedus(request: Request, exc: FoedusError) -> JSONResponse:
        return _error(_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:5]:
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "request"
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
        return _error(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        ref = secrets.token_hex(4)
        log.error("internal error %s on %s %s: %r", ref, request.method, request.url.path,
                  exc, exc_info=exc)
        return _error(500, f"internal error (reference {ref}); the server log has the "
                      "details.")

    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(_Guard, settings=settings)
    return app
