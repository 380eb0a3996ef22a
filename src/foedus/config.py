"""Where foedus keeps things, read from the environment each time it is asked.

- ``FOEDUS_HOME``: the folder of the DuckDB store (default: the user's data directory).
- ``FOEDUS_CACHE``: the folder of verified downloads (default: the user's cache directory).
- ``FOEDUS_DATA_MIRROR``: a local folder laid out like the official files (``atop/…``).
- ``FOEDUS_DATA_URL``: an HTTP base address serving the same layout.

Nothing is cached at import, so tests and users can change these at run time.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["cache_dir", "data_mirror", "data_url", "home_dir", "runs_path", "store_path"]

_APP = "foedus"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


def home_dir() -> Path:
    """The folder holding the store (``FOEDUS_HOME`` or the user data directory)."""
    return _env_path("FOEDUS_HOME") or Path(platformdirs.user_data_dir(_APP))


def cache_dir() -> Path:
    """The folder holding verified copies of the registered files."""
    return _env_path("FOEDUS_CACHE") or Path(platformdirs.user_cache_dir(_APP))


def data_mirror() -> Path | None:
    """The local mirror folder, if ``FOEDUS_DATA_MIRROR`` is set."""
    return _env_path("FOEDUS_DATA_MIRROR")


def data_url() -> str | None:
    """The HTTP base address, if ``FOEDUS_DATA_URL`` is set (always ends with ``/``)."""
    value = os.environ.get("FOEDUS_DATA_URL", "").strip()
    return (value.rstrip("/") + "/") if value else None


def store_path() -> Path:
    """The DuckDB store file."""
    return home_dir() / "foedus.duckdb"


def runs_path() -> Path:
    """The runs database, kept beside the store so rebuilding data never loses a run."""
    return home_dir() / "runs.duckdb"
