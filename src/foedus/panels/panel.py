"""A panel: a frame that knows what it is (unit, direction, years) and what each column is.

Each ``add_*`` step lives in its own module, joins one dataset onto the frame, records its
columns (description, datasets and their versions) and returns a new panel, so that steps
read like a sentence: ``create_dyad_years(1816, 2018).add_alliances().add_cinc()``.
"""

from __future__ import annotations

import importlib
import queue
import textwrap
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd

from foedus._validation import check, constraints_of
from foedus.errors import PanelError
from foedus.params import PANEL_STEPS, SIMILARITY_CODINGS, SIMILARITY_MEASURES
from foedus.registry import dataset

__all__ = ["ColumnInfo", "Panel", "PanelError", "states_data"]

F = TypeVar("F", bound=Callable[..., object])

Unit = Literal["state_year", "dyad_year"]


@dataclass(frozen=True)
class ColumnInfo:
    """What a column holds and where it comes from."""

    description: str
    datasets: tuple[str, ...] = ()


#: The module of each ``add_*`` step (``foedus.panels.<module>.add_<step>``).
_STEP_MODULES = {"alliances": "alliances", "cinc": "capabilities", "majors": "capabilities",
                 "distance": "geography", "contiguity": "geography", "spending": "economy",
                 "gdp": "economy", "idealpoints": "preferences", "similarity": "similarity"}


def _step(name: str) -> Callable[..., Panel]:
    module = importlib.import_module(f"foedus.panels.{_STEP_MODULES[name]}")
    return getattr(module, f"add_{name}")


class _Filling:
    """The measures' thread's progress read as an iterator of rows done; ``close`` stops it.

    Yields what the thread puts (rows final so far), raises what it raised, and once it has
    put ``total`` joins it and calls ``finish``. ``close`` (also for an iterator never
    read, as when the write fails before its first row group) tells the thread to stop
    after its current year.
    """

    def __init__(self, progress: queue.SimpleQueue, stop: threading.Event,
                 worker: threading.Thread, total: int, finish: Callable[[], None]) -> None:
        self._progress, self._stop, self._worker = progress, stop, worker
        self._total, self._finish, self._done = total, finish, False

    def __iter__(self) -> _Filling:
        return self

    def __next__(self) -> int:
        if self._done:
            raise StopIteration
        ready = self._progress.get()
        if isinstance(ready, BaseException):
            self._done = True
            self.close()
            raise ready
        if ready == self._total:
            self._done = True
            self._worker.join()
            self._finish()
        return ready

    def close(self) -> None:
        """Tell the thread to stop after its current year."""
        self._stop.set()


@dataclass(frozen=True)
class Panel:
    """A state-year or dyad-year panel: a plan of steps and, once run, its frame.

    The ``add_*`` verbs are lazy: each checks its options and that the panel has the unit
    it needs (so a wrong call fails where it is written) and returns a new panel with the
    step added to its plan. The plan runs, once, when the panel is read: :meth:`collect`,
    :meth:`write`, ``frame``, ``columns``, ``notes`` and ``len()``. Running a plan is the
    steps applied in order, as calling them one by one would.

    ``frame`` is a pandas DataFrame keyed by ``ccode`` (state-years) or ``ccode1``,
    ``ccode2`` (dyad-years) and ``year``. ``notes`` record what the reader must know (e.g.
    system membership carried forward past 2016).
    """

    data: pd.DataFrame
    unit: Unit
    directed: bool
    start: int
    end: int
    described: dict[str, ColumnInfo] = field(default_factory=dict)
    noted: tuple[str, ...] = ()
    view: str = "atop"
    plan: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    def collect(self) -> Panel:
        """The panel with its plan run (itself when there is none); run once, then kept."""
        if not self.plan:
            return self
        done = self.__dict__.get("_collected")
        if done is None:
            from foedus.data.store import session

            done = replace(self, plan=())
            with session():  # one store connection for every step's reads
                for name, options in self.plan:
                    done = _step(name)(done, **dict(options))
            object.__setattr__(self, "_collected", done)
        return done

    def collect_streaming(self) -> tuple[Panel, Iterator[int]]:
        """The plan run with its similarity step's columns allocated, and their filler.

        For a writer that writes rows while the similarity measures of later years are
        computed (:func:`foedus.panels.similarity._similarity_filler`): the panel returned
        has every column, the similarity ones not yet final; the iterator yields, as the
        measures are computed a year at a time, how many of the frame's first rows are
        final, and once exhausted marks this panel collected (reading it afterwards runs
        nothing again). The measures are computed on a thread of their own, started before
        the other steps run (they need only the frame's keys), so on a machine with two
        cores they overlap the joins. A plan without exactly one similarity step is
        collected at once (the iterator yields the number of rows).

        Returns
        -------
        tuple of Panel and iterator of int
            The panel and its filler.

        Raises
        ------
        PanelError
            From a step; the measures' thread is told to stop. An error on that thread is
            raised by the iterator.

        Examples
        --------
        >>> from foedus.panels import create_dyad_years
        >>> plan = create_dyad_years(2000, 2001).add_similarity(measures=["s_abs"])
        >>> done, fill = plan.collect_streaming()
        >>> ready = list(fill)
        >>> ready[-1] == len(done.data) and plan.frame is done.data
        True
        """
        steps = [name for name, _ in self.plan]
        if steps.count("similarity") != 1 or "_collected" in self.__dict__:
            done = self.collect()
            return done, iter([len(done.data)])
        from foedus.data.store import session
        from foedus.panels._join import add_columns
        from foedus.panels.similarity import _similarity_filler

        done = replace(self, plan=())
        progress: queue.SimpleQueue = queue.SimpleQueue()
        stop = threading.Event()
        with session():  # one store connection for every step's reads
            asked = next(o for n, o in self.plan if n == "similarity")
            columns, info, fill = _similarity_filler(done, **dict(asked))
            total = len(done.data)

            def compute() -> None:
                try:
                    for ready in fill:
                        progress.put(ready)
                        if stop.is_set():
                            return
                except BaseException as error:  # handed to the reading thread
                    progress.put(error)

            worker = threading.Thread(target=compute, name="foedus-similarity", daemon=True)
            worker.start()
            try:
                for name, options in self.plan:
                    if name == "similarity":
                        done = done.with_columns(add_columns(done.data, columns), info)
                    else:
                        done = _step(name)(done, **dict(options))
            except BaseException:
                stop.set()
                raise
        if len(done.data) != total:  # every step keeps the rows; the columns depend on it
            stop.set()
            raise PanelError("a panel step changed the rows; similarity cannot be streamed")

        def finish() -> None:
            object.__setattr__(self, "_collected", done)

        return done, _Filling(progress, stop, worker, total, finish)

    @property
    def frame(self) -> pd.DataFrame:
        """The frame (the plan run first)."""
        return self.collect().data

    @property
    def columns(self) -> dict[str, ColumnInfo]:
        """What each column holds and where it comes from (the plan run first)."""
        return self.collect().described

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader must know (the plan run first)."""
        return self.collect().noted

    def __len__(self) -> int:
        """The number of rows."""
        return len(self.frame)

    @property
    def datasets(self) -> list[str]:
        """Every registered dataset the panel's columns come from."""
        return list(dict.fromkeys(d for c in self.columns.values() for d in c.datasets))

    def require(self, unit: Unit, step: str) -> None:
        """Raise a clear error when ``step`` needs another unit of analysis."""
        if self.unit != unit:
            start = "create_dyad_years" if unit == "dyad_year" else "create_state_years"
            raise PanelError(f"{step} needs a {unit.replace('_', '-')} panel; this one is "
                             f"{self.unit.replace('_', '-')} (start with {start}).")

    def with_columns(self, frame: pd.DataFrame, columns: dict[str, ColumnInfo],
                     notes: tuple[str, ...] = ()) -> Panel:
        """A new (run) panel with ``frame`` and the added column descriptions and notes."""
        done = self.collect()
        return replace(done, data=frame, described={**done.described, **columns},
                       noted=tuple(dict.fromkeys(done.noted + notes)))

    def then(self, step: str, **options: Any) -> Panel:
        """The panel with ``add_<step>(**options)`` added to its plan, checked now.

        Raises
        ------
        PanelError
            For an option outside its choices, or a step that needs another unit.
        """
        func = _step(step)
        error = getattr(func, "__foedus_error__", PanelError)
        for param, value in options.items():
            rules = constraints_of(func).get(param)
            if rules is not None:
                check(param, value, rules, func.__name__, error)
        needed = PANEL_STEPS[step]
        if needed is not None:
            self.require(needed, f"add_{step}")  # type: ignore[arg-type]
        frozen = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items())
        return replace(self, plan=(*self.plan, (step, frozen)))

    # The verbs, each in its own module (help() and the docs show each one's options) ---

    def add_alliances(self, *, collapse: str = "either") -> Panel:
        """ATOP obligation dummies and valued ties (:mod:`foedus.panels.alliances`)."""
        return self.then("alliances", collapse=collapse)

    def add_cinc(self, *, version: str = "7.0") -> Panel:
        """NMC components and CINC (:func:`foedus.panels.capabilities.add_cinc`)."""
        return self.then("cinc", version=version)

    def add_majors(self) -> Panel:
        """COW major-power status (:func:`foedus.panels.capabilities.add_majors`)."""
        return self.then("majors")

    def add_distance(self) -> Panel:
        """Capital-to-capital great-circle distance (:mod:`foedus.panels.geography`)."""
        return self.then("distance")

    def add_contiguity(self) -> Panel:
        """COW direct contiguity type (:func:`foedus.panels.geography.add_contiguity`)."""
        return self.then("contiguity")

    def add_spending(self) -> Panel:
        """SIPRI military expenditure (:func:`foedus.panels.economy.add_spending`)."""
        return self.then("spending")

    def add_gdp(self) -> Panel:
        """WDI GDP (:func:`foedus.panels.economy.add_gdp`)."""
        return self.then("gdp")

    def add_idealpoints(self, *, measure: str = "idealpointfp") -> Panel:
        """UNGA ideal points and their distance (:mod:`foedus.panels.preferences`)."""
        return self.then("idealpoints", measure=measure)

    def add_similarity(self, *, measures: Sequence[str] = SIMILARITY_MEASURES,
                       coding: Sequence[str] = SIMILARITY_CODINGS,
                       convention: Sequence[str] = ("out",)) -> Panel:
        """Alliance-portfolio similarity (:func:`foedus.panels.similarity.add_similarity`)."""
        return self.then("similarity", measures=measures, coding=coding,
                         convention=convention)

    def write(self, path: str | Path) -> Path:
        """Run the plan and write to Parquet, CSV or Stata (:mod:`foedus.panels.writers`)."""
        from foedus.panels.writers import write_panel

        return write_panel(self, path)


def states_data(*names: str) -> Callable[[F], F]:
    """Fill a step's ``{data}`` placeholder with the datasets it joins, from the registry.

    Each dataset's title, version, coverage and citation (peacesciencer's habit: every data
    step states its data).
    """

    def decorate(func: F) -> F:
        lines = []
        for name in names:
            d = dataset(name)
            lines.append(f"- {d.title} (``{name}``), version {d.version}, covering "
                         f"{d.coverage}. {d.citation}")
        text = "\n".join(textwrap.fill(line, 88, subsequent_indent="  ")
                          for line in lines)
        text = textwrap.indent(text, "    ").lstrip()
        if func.__doc__ and "{data}" in func.__doc__:
            func.__doc__ = func.__doc__.replace("{data}", text)
        func.__foedus_datasets__ = names  # type: ignore[attr-defined]
        return func

    return decorate
