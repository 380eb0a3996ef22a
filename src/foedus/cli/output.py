"""Shared plumbing of the CLI: consoles, JSON output, progress bars, error reporting.

Results go to stdout (one JSON object with ``--json``); progress, logs and errors go to
stderr (DESIGN §7).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console

from foedus.errors import FoedusError, WriteError

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["DownloadBar", "err", "out", "print_json", "probability", "step_progress"]

out = Console()
err = Console(stderr=True)


#: The most decimals :func:`probability` adds before it writes a bound instead.
_MAX_DECIMALS = 6


def probability(p: float, digits: int = 3) -> str:
    """A probability as text with ``digits`` decimals, never rounded to a certainty it is
    not: a value strictly between 0 and 1 that would print as 0 or 1 gets decimals added
    (0.9998 is ``0.9998``, not ``1.000``) up to six, then a bound (``>0.999999``). The
    JSON output keeps the full value; this is the text faces' rounding only."""
    text = f"{p:.{digits}f}"
    if not 0.0 < p < 1.0:
        return text
    d = digits
    while float(text) in (0.0, 1.0) and d < _MAX_DECIMALS:
        d += 1
        text = f"{p:.{d}f}"
    if float(text) == 0.0:
        return f"<{10.0 ** -d:.{d}f}"
    if float(text) == 1.0:
        return f">{1.0 - 10.0 ** -d:.{d}f}"
    return text


def _jsonable(value: Any) -> Any:
    """NaN and infinities become null (JSON has neither); numpy scalars become Python."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _not_plain(value: Any) -> Any:
    """json's ``default`` for a value it cannot write: :func:`_jsonable` would change it
    (or ``str`` would stand in for it), so the payload is not plain."""
    raise TypeError(f"not plain JSON: {type(value).__name__}")


def _dumps(payload: dict[str, Any]) -> str:
    """``json.dumps(_jsonable(payload), default=str, ...)``, the same text.

    Most payloads (a typed answer's ``to_json()``) are plain JSON already: they are dumped
    as they are, without the copy :func:`_jsonable` makes (a float subclass such as a numpy
    float is written as the float it is, as ``.item()`` would give it). Only when a value is
    not plain (a NaN or an infinity, a value json cannot write) is the payload converted.
    """
    try:
        return json.dumps(payload, indent=2, default=_not_plain, ensure_ascii=False,
                          allow_nan=False)
    except (TypeError, ValueError):  # not plain: a value above, a NaN or an infinity
        return json.dumps(_jsonable(payload), indent=2, default=str, ensure_ascii=False,
                          allow_nan=False)


def print_json(payload: dict[str, Any]) -> None:
    """Write exactly one JSON object to stdout (strict JSON: no NaN)."""
    text = _dumps(payload)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class DownloadBar:
    """A tqdm-like progress object for pooch downloads, drawn by rich on stderr."""

    def __init__(self, label: str) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                  DownloadColumn(), TransferSpeedColumn(),
                                  TimeRemainingColumn(), console=err, transient=True,
                                  disable=not err.is_terminal)  # see step_progress
        self._task = self._progress.add_task(label, total=None)
        self._progress.start()
        self._total: int | None = None

    @property
    def total(self) -> int | None:
        return self._total

    @total.setter
    def total(self, value: int | None) -> None:
        self._total = value
        self._progress.update(self._task, total=value)

    def update(self, n: int) -> None:
        self._progress.advance(self._task, n)

    def reset(self) -> None:
        self._progress.reset(self._task, total=self._total)

    def close(self) -> None:
        self._progress.stop()


def step_progress(label: str) -> Progress:
    """A progress bar for counted steps, on stderr, removed when done; drawn only on a
    terminal (rich ends a live display on a file or pipe with an empty line, which would
    put a second line before a one-line error)."""
    from rich.progress import BarColumn, Progress, TextColumn

    return Progress(TextColumn(f"{label} " + "{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), console=err,
                    transient=True, disable=not err.is_terminal)


def plots_or_error(draw: Callable[[], list[Any]], folder: Any) -> list[Any] | FoedusError:
    """The paths ``draw()`` wrote, or the one-line error to raise once the results are
    printed (a failed plot must not lose an answer already computed)."""
    from foedus.atomic import reason

    try:
        return list(draw())
    except FoedusError as exc:
        return WriteError(f"{str(exc).rstrip('.')}; the results were printed.")
    except OSError as exc:
        return WriteError(f"cannot write the plots into {folder}: {reason(exc)}; the "
                          "results were printed.")
