"""The foedus exception family.

Every error a user can cause or meet derives from :class:`FoedusError`. The faces (CLI, web)
turn a ``FoedusError`` into one line on stderr and exit code 1 (DESIGN §7); anything else is
a bug and keeps its traceback. Messages follow one style (after pooch): what failed, what was
expected and what was found, what was done about it, and what the user can do next.

The family, by what went wrong:

- a parameter out of its declared range or choices: :class:`ParameterError` (also a
  ``ValueError``; raised by :func:`foedus._validation.validate_params` with scikit-learn's
  message template), with the lenses' own names as subclasses (:class:`PanelError`,
  :class:`BurdenError`, :class:`SimilarityError`);
- a name that resolves to nothing: :class:`UnknownStateError`, :class:`UnknownPlaceError`,
  :class:`UnknownTreatyError`, :class:`UnknownDatasetError`, :class:`UnknownStudyError`;
- a date outside what the data cover: :class:`DateOutOfRangeError`;
- a file of ours (a book, the places book, the crosswalk, a historical book, a scenario)
  that does not validate: :class:`FileProblemsError`, carrying every :class:`Problem` as
  ``file:line: field: message``, with :class:`BookError`, :class:`PlaceBookError` and
  :class:`ScenarioError` as its subclasses;
- the data themselves (missing, corrupt, unreadable, no store): :class:`DataError`, with
  :class:`DatasetNotFoundError`, :class:`HashMismatchError`, :class:`DataFormatError`,
  :class:`StoreError` and :class:`DiskFullError` beneath it.

Nothing outside this module raises the bare :class:`FoedusError` (a lint test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BookError",
    "BookProblem",
    "BordersError",
    "BurdenError",
    "ChartError",
    "DataError",
    "DataFormatError",
    "DatasetNotFoundError",
    "DateOutOfRangeError",
    "DiskFullError",
    "DyadicDesignError",
    "FileProblemsError",
    "FitError",
    "FoedusError",
    "HashMismatchError",
    "PanelError",
    "ParameterError",
    "PlaceBookError",
    "Problem",
    "QueueFullError",
    "ReportError",
    "RequestTooLargeError",
    "ScenarioError",
    "SimilarityError",
    "StoreError",
    "UnknownDatasetError",
    "UnknownPlaceError",
    "UnknownStateError",
    "UnknownStudyError",
    "UnknownTreatyError",
    "VendorMissingError",
    "WorkerLostError",
    "WriteError",
]


class FoedusError(Exception):
    """Base class of every error foedus raises on purpose (never raised bare)."""


# --- parameters ------------------------------------------------------------------------------

class ParameterError(FoedusError, ValueError):
    """A parameter outside its declared type, range or choices.

    The message follows one template: "The 'draws' parameter of simulate must be an int in
    the range [1, 1e9]. Got 0 instead." (:mod:`foedus._validation`).
    """


class PanelError(ParameterError):
    """A panel step that does not fit the panel (wrong unit, bad option)."""


class BurdenError(ParameterError):
    """An argument to a burden-sharing or distance measure that it cannot take."""


class SimilarityError(ParameterError):
    """An argument to a similarity measure that it cannot take."""


class DyadicDesignError(ParameterError):
    """An option of the dyadic replication design that it does not have."""


class FitError(FoedusError, ValueError):
    """A model that cannot be fitted to the data given (no events, no convergence)."""


# --- names that resolve to nothing -----------------------------------------------------------

class UnknownDatasetError(FoedusError, KeyError):
    """A dataset name that the registry does not declare."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownStateError(FoedusError, LookupError):
    """An identifier that resolves to no state (or to several) at the date asked."""


class UnknownPlaceError(FoedusError, LookupError):
    """A place name or state code that the gazetteer does not know."""


class UnknownTreatyError(FoedusError, LookupError):
    """A treaty or alliance reference (``book:nato``, ``atop:3180``, a name) that names no
    treaty of the commitment system."""


class UnknownStudyError(FoedusError, LookupError):
    """A replication study name that the suite does not have."""


# --- dates -----------------------------------------------------------------------------------

class DateOutOfRangeError(FoedusError, ValueError):
    """A date (or year) outside what the data or the view cover, or not a date at all."""


class BordersError(DateOutOfRangeError):
    """A date or tolerance that no map can be cut for."""


# --- the data --------------------------------------------------------------------------------

class DataError(FoedusError):
    """The data foedus reads: a file missing, corrupt or unreadable, or no store."""


class DatasetNotFoundError(DataError):
    """No source (cache, mirror, HTTP base, official archive) could provide a file."""


class HashMismatchError(DataError):
    """A file's sha256 differs from the one the registry declares."""


class DataFormatError(DataError):
    """A verified file could not be read as declared (rows, columns, values)."""


class WriteError(DataError):
    """A file could not be written (a missing folder, no permission); nothing was left
    half-written."""


class DiskFullError(WriteError):
    """Writing failed for lack of space or because of a file-size limit."""


class VendorMissingError(DataError):
    """The vendored front-end libraries are missing or differ from their manifest."""


class StoreError(DataError):
    """The DuckDB store is missing, unreadable or could not be built."""


# --- our own files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One error in a file of ours: where it is (file, line, field) and what is wrong.

    Examples
    --------
    >>> str(Problem("nato.toml", 12, "members[3].state", "unknown state 'XXX'"))
    "nato.toml:12: members[3].state: unknown state 'XXX'"
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else \
            f"{where}: {self.message}"


#: The name books have used for :class:`Problem` since issue 3.
BookProblem = Problem


class FileProblemsError(FoedusError, ValueError):
    """A file that does not validate; ``problems`` lists every error found, each as
    ``file:line: field: message``; the message is the first, with a count of the rest."""

    hint = ""

    def __init__(self, problems: Sequence[Problem] | str, *, message: str | None = None
                 ) -> None:
        if isinstance(problems, str):  # a one-line message about the whole file
            problems, message = [], problems
        self.problems: list[Problem] = list(problems)
        if message is None:
            first = self.problems[0] if self.problems else "no problem given"
            more = len(self.problems) - 1
            message = f"{first}" + (f" (and {more} more{self.hint})" if more > 0 else "")
        super().__init__(message)


class BookError(FileProblemsError):
    """A book (treaty book, crosswalk or historical book) that does not validate."""

    hint = "; run `foedus book check`"


class PlaceBookError(FileProblemsError):
    """A malformed entry in the places book or the homeland regions table."""


class ScenarioError(FileProblemsError):
    """A scenario file that does not validate (the crisis engine may raise its own
    subclass; this one is the family's name for it)."""


# --- faces: charts, reports, the web app ------------------------------------------------------

class ChartError(FoedusError, ValueError):
    """A chart could not be drawn or written (the message says why)."""


class ReportError(FoedusError):
    """A report could not be written (the message says why)."""


class QueueFullError(FoedusError):
    """Every worker is busy and the queue is full: try again later."""


class RequestTooLargeError(FoedusError):
    """A request body went over the server's limit (answered 413)."""


class WorkerLostError(FoedusError):
    """A worker process of a run ended before its work was done (killed, out of memory);
    no partial result is reported."""

