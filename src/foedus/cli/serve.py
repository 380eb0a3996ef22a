"""``foedus serve``: the web app on this machine (FastAPI + uvicorn; docs/web.md)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.output import err
from foedus.errors import ParameterError, StoreError


def _token(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        token = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read the token file {path}: {exc}") from None
    if len(token) < 16:
        raise ParameterError(f"the token in {path} is shorter than 16 characters; write a "
                             "longer one (e.g. `python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))'`).")
    return token


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, or one line saying why not (port in use, no such address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ParameterError(f"port {port} on {host} is in use; choose another with "
                               "--port.") from None
        raise ParameterError(f"cannot listen on {host}:{port}: {exc.strerror}.") from None
    sock.listen(128)
    return sock


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this "
                                      "machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 8000,
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="A file holding the write token; without it, writes (saving to "
        "the library) are refused.")] = None,
    max_draws: Annotated[int, typer.Option("--max-draws", min=1, help="Most draws a job may "
                                           "ask for.")] = 100_000_000,
    job_seconds: Annotated[float, typer.Option("--job-seconds", min=1, help="A job's time "
                                               "limit (seconds).")] = 600.0,
    workers: Annotated[int, typer.Option("--workers", min=1, max=2, help="Worker processes "
                                         "for jobs (at most 2).")] = 2,
    queue: Annotated[int, typer.Option("--queue", min=1, help="Jobs that may wait.")] = 20,
) -> None:
    """Serve the web app: atlas, who must defend whom, treaties, crisis lab, burden, studies.
    """
    import uvicorn

    from foedus import config
    from foedus.web.app import create_app
    from foedus.web.runs import recover
    from foedus.web.settings import Settings
    from foedus.web.vendor import manifest

    if not config.store_path().is_file():
        raise StoreError(f"No store at {config.store_path()}; run `foedus data build` first "
                         "(FOEDUS_HOME moves it).")
    manifest()
    token = _token(token_file)
    settings = Settings(token=token, max_draws=max_draws, job_seconds=job_seconds,
                        workers=workers, queue=queue)
    sock = _bind(host, port)
    try:
        moved = recover(settings.runs_db)  # an unreadable runs database is moved aside, kept
    except StoreError:
        sock.close()
        raise
    if moved is not None:
        err.print(f"foedus serve: {moved}", highlight=False, soft_wrap=True)
    shown = f"[{host}]" if ":" in host else host
    mode = ("writes need the token from " + str(token_file) if token else
            "read-only: writes are refused (no --token-file)")
    runs = (f"runs in a new {settings.runs_db}; the unreadable one kept as "
            f"{moved.moved_to.name}" if moved else f"runs in {settings.runs_db}")
    err.print(f"foedus serve: http://{shown}:{sock.getsockname()[1]}/ ({mode}; {runs}); "
              "Ctrl-C stops it", highlight=False, soft_wrap=True)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, runs_note=moved),
                                           log_level="warning",
                                           access_log=False))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
