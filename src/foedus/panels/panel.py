"""A panel: a frame that knows what it is (unit, direction, years) and what each column is.

Each ``add_*`` step lives in its own module, joins one dataset onto the frame, records its
columns (description, datasets and their versions) and returns a new panel, so that steps
read like a sentence: ``create_dyad_years(1816, 2018).add_alliances().add_cinc()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from foedus.errors import PanelError

__all__ = ["ColumnInfo", "Panel", "PanelError"]

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

    # The verbs, each in its own module ------------------------------------------------

    def add_alliances(self, **kwargs) -> Panel:
        """ATOP obligation dummies and valued ties (:mod:`foedus.panels.alliances`)."""
        from foedus.panels.alliances import add_alliances

        return add_alliances(self, **kwargs)

    def add_cinc(self, **kwargs) -> Panel:
        """NMC components and CINC (:mod:`foedus.panels.capabilities`)."""
        from foedus.panels.capabilities import add_cinc

        return add_cinc(self, **kwargs)

    def add_majors(self) -> Panel:
        """COW major-power status (:mod:`foedus.panels.capabilities`)."""
        from foedus.panels.capabilities import add_majors

        return add_majors(self)

    def add_distance(self) -> Panel:
        """Capital-to-capital great-circle distance (:mod:`foedus.panels.geography`)."""
        from foedus.panels.geography import add_distance

        return add_distance(self)

    def add_contiguity(self) -> Panel:
        """COW direct contiguity type (:mod:`foedus.panels.geography`)."""
        from foedus.panels.geography import add_contiguity

        return add_contiguity(self)

    def add_spending(self) -> Panel:
        """SIPRI military expenditure (:mod:`foedus.panels.economy`)."""
        from foedus.panels.economy import add_spending

        return add_spending(self)

    def add_gdp(self) -> Panel:
        """WDI GDP (:mod:`foedus.panels.economy`)."""
        from foedus.panels.economy import add_gdp

        return add_gdp(self)

    def add_idealpoints(self, **kwargs) -> Panel:
        """UNGA ideal points and their distance (:mod:`foedus.panels.preferences`)."""
        from foedus.panels.preferences import add_idealpoints

        return add_idealpoints(self, **kwargs)

    def add_similarity(self, **kwargs) -> Panel:
        """Alliance-portfolio similarity (:mod:`foedus.panels.similarity`)."""
        from foedus.panels.similarity import add_similarity

        return add_similarity(self, **kwargs)

    def write(self, path, **kwargs) -> None:
        """Write to Parquet, CSV or Stata by extension (:mod:`foedus.panels.writers`)."""
        from foedus.panels.writers import write_panel

        write_panel(self, path, **kwargs)
