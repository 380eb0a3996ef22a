"""The web app's settings: where it listens, the write token, and every limit.

The limits are settings so that tests can lower them (issue 18, "Security"): the draws a
job may ask for, the points of a sweep grid, the request body, the nesting depth of an
uploaded TOML file, the job time limit, the worker pool and the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from foedus import config

__all__ = ["Settings", "library_dir"]

#: The case library shipped in the source tree (``scenarios/`` beside ``src/``).
_SOURCE_LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"


def library_dir() -> Path:
    """The case library: ``FOEDUS_SCENARIOS`` if set, else the repository's ``scenarios/``."""
    override = config._env_path("FOEDUS_SCENARIOS")
    return override or _SOURCE_LIBRARY


@dataclass(frozen=True)
class Settings:
    """What a server is allowed to do.

    Attributes
    ----------
    token : str or None
        The write token (``--token-file``); without one every write is refused (403).
    max_draws : int
        The most Monte Carlo draws a job may ask for (over every point of a sweep).
    max_grid : int
        The most points of a sweep grid.
    max_body : int
        The largest request body in bytes.
    max_toml_depth : int
        The deepest nesting of tables and arrays in an uploaded scenario.
    job_seconds : float
        A job's time limit; a job over it is cancelled and recorded as such.
    workers : int
        Worker processes (at most 2: a simulation can take 0.8 GB).
    queue : int
        Jobs that may wait for a worker (at least 20).
    runs_db : Path
        The runs database (beside the store by default; written only by the server).
    library : Path
        The case library (scenario files a ``base =`` may name).
    warm_atlas : bool
        Compute the atlas's networks and borders for the slider's dates in the background
        at start-up, while no request is being served (:mod:`foedus.web.warm`).
    prestart_workers : bool
        Start the job worker processes with the server, so that the first job does not
        wait for them.
    """

    token: str | None = None
    max_draws: int = 100_000_000
    max_grid: int = 64
    max_body: int = 1_000_000
    max_toml_depth: int = 8
    job_seconds: float = 600.0
    workers: int = 2
    queue: int = 20
    runs_db: Path = field(default_factory=config.runs_path)
    library: Path = field(default_factory=library_dir)
    warm_atlas: bool = True
    prestart_workers: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.workers <= 2:
            raise ValueError("workers must be 1 or 2 (a simulation can take 0.8 GB)")
        if self.queue < 1:
            raise ValueError("the queue must hold at least one job")
