"""A panel: a frame that knows what it is (unit, direction, years) and what each column is.

Each ``add_*`` step lives in its own module, joins one dataset onto the frame, records its
columns (description, datasets and their versions) and returns a new panel, so that steps
read like a sentence: ``create_dyad_years(1816, 2018).add_alliances().add_cinc()``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeVar

import pandas as pd

from foedus.errors import PanelError
from foedus.params import SIMILARITY_CODINGS, SIMILARITY_MEASURES
from foedus.registry import dataset

__all__ = ["ColumnInfo", "Panel", "PanelError", "states_data"]

F = TypeVar("F", bound=Callable[..., object])

Unit = Literal["state_year", "dyad_year"]


@dataclass(frozen=True)
class ColumnInfo:
    """What a column holds and where it comes from."""

    description: str
    datasets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Panel:
    """A state-year or dyad-year frame with its metadata.

    ``frame`` is a pandas DataFrame keyed by ``ccode`` (state-years) or ``ccode1``,
    ``ccode2`` (dyad-years) and ``year``. ``notes`` record what the reader must know (e.g.
    system membership carried forward past 2016).
    """

    frame: pd.DataFrame
    unit: Unit
    directed: bool
    start: int
    end: int
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    view: str = "atop"

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
        """A new panel with ``frame`` and the added column descriptions and notes."""
        return replace(self, frame=frame, columns={**self.columns, **columns},
                       notes=tuple(dict.fromkeys(self.notes + notes)))

    # The verbs, each in its own module (help() and the docs show each one's options) ---

    def add_alliances(self, *, collapse: str = "either") -> Panel:
        """ATOP obligation dummies and valued ties (:mod:`foedus.panels.alliances`)."""
        from foedus.panels.alliances import add_alliances

        return add_alliances(self, collapse=collapse)

    def add_cinc(self, *, version: str = "7.0") -> Panel:
        """NMC components and CINC (:func:`foedus.panels.capabilities.add_cinc`)."""
        from foedus.panels.capabilities import add_cinc

        return add_cinc(self, version=version)

    def add_majors(self) -> Panel:
        """COW major-power status (:func:`foedus.panels.capabilities.add_majors`)."""
        from foedus.panels.capabilities import add_majors

        return add_majors(self)

    def add_distance(self) -> Panel:
        """Capital-to-capital great-circle distance (:mod:`foedus.panels.geography`)."""
        from foedus.panels.geography import add_distance

        return add_distance(self)

    def add_contiguity(self) -> Panel:
        """COW direct contiguity type (:func:`foedus.panels.geography.add_contiguity`)."""
        from foedus.panels.geography import add_contiguity

        return add_contiguity(self)

    def add_spending(self) -> Panel:
        """SIPRI military expenditure (:func:`foedus.panels.economy.add_spending`)."""
        from foedus.panels.economy import add_spending

        return add_spending(self)

    def add_gdp(self) -> Panel:
        """WDI GDP (:func:`foedus.panels.economy.add_gdp`)."""
        from foedus.panels.economy import add_gdp

        return add_gdp(self)

    def add_idealpoints(self, *, measure: str = "idealpointfp") -> Panel:
        """UNGA ideal points and their distance (:mod:`foedus.panels.preferences`)."""
        from foedus.panels.preferences import add_idealpoints

        return add_idealpoints(self, measure=measure)

    def add_similarity(self, *, measures: Sequence[str] = SIMILARITY_MEASURES,
                       coding: Sequence[str] = SIMILARITY_CODINGS,
                       convention: Sequence[str] = ("out",)) -> Panel:
        """Alliance-portfolio similarity (:func:`foedus.panels.similarity.add_similarity`)."""
        from foedus.panels.similarity import add_similarity

        return add_similarity(self, measures=measures, coding=coding, convention=convention)

    def write(self, path: str | Path) -> Path:
        """Write to Parquet, CSV or Stata by extension (:mod:`foedus.panels.writers`)."""
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
