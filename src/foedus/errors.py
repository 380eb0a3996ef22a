"""The foedus exception family.

Every error a user can cause or meet derives from :class:`FoedusError`. The faces (CLI, web)
turn a ``FoedusError`` into one line on stderr and exit code 1 (DESIGN §7); anything else is
a bug and keeps its traceback. Messages follow one style (after pooch): what failed, what was
expected and what was found, what was done about it, and what the user can do next.
"""

from __future__ import annotations

__all__ = [
    "DataFormatError",
    "DatasetNotFoundError",
    "DiskFullError",
    "FoedusError",
    "HashMismatchError",
    "StoreError",
    "UnknownDatasetError",
    "UnknownStateError",
    "UnknownStudyError",
]


class FoedusError(Exception):
    """Base class of every error foedus raises on purpose."""


class UnknownDatasetError(FoedusError, KeyError):
    """A dataset name that the registry does not declare."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DatasetNotFoundError(FoedusError):
    """No source (cache, mirror, HTTP base, official archive) could provide a file."""


class HashMismatchError(FoedusError):
    """A file's sha256 differs from the one the registry declares."""


class DataFormatError(FoedusError):
    """A verified file could not be read as declared (rows, columns, values)."""


class DiskFullError(FoedusError):
    """Writing failed for lack of space or because of a file-size limit."""


class StoreError(FoedusError):
    """The DuckDB store is missing, unreadable or could not be built."""


class UnknownStateError(FoedusError, LookupError):
    """An identifier that resolves to no state (or to several) at the date asked."""


class UnknownStudyError(FoedusError, LookupError):
    """A replication study name that the suite does not have."""
