"""The panel description, typed, and the verb that builds and writes a panel.

:class:`PanelAnswer` is what ``foedus panel … --json`` prints about the file it wrote.

:func:`make_panel` (``foedus.make_panel``) runs ``create_*`` and the ``add_*`` steps named
(:data:`foedus.params.PANEL_STEPS`, each with the unit it needs), writes the file and
returns a :class:`PanelAnswer`; :func:`describe_panel` describes any panel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import PrivateAttr

from foedus._validation import TypeOf, validate_params
from foedus.answer import TypedAnswer
from foedus.data.store import session
from foedus.errors import PanelError
from foedus.panels.create import create_dyad_years, create_state_years
from foedus.panels.panel import Panel
from foedus.panels.writers import write_panel
from foedus.params import PANEL, PANEL_STEPS
from foedus.provenance import CarriedForward, Provenance
from foedus.registry import check_years

__all__ = ["ColumnJSON", "PanelAnswer", "describe_panel", "make_panel"]


class ColumnJSON(TypedAnswer):
    """What a column holds and the registered datasets it comes from."""

    description: str
    datasets: list[str]


class PanelAnswer(TypedAnswer):
    """``foedus panel … --json``: the file written and what the panel is."""

    omit_if_none = frozenset({"path"})

    path: str | None = None
    unit: Literal["state_year", "dyad_year"]
    directed: bool
    years: list[int]
    rows: int
    notes: list[str]
    columns: dict[str, ColumnJSON]
    provenance: Provenance
    _panel: Panel | None = PrivateAttr(default=None)

    @property
    def panel(self) -> Panel | None:
        """The panel itself, when the answer was made here (:func:`make_panel`)."""
        return self._panel


@validate_params({"panel": [TypeOf(Panel, "a Panel")],
                  "path": [TypeOf((str, Path), "a file path"), None]}, error=PanelError)
def describe_panel(panel: Panel, path: str | Path | None = None) -> PanelAnswer:
    """What ``panel`` is, where each column comes from, and its provenance.

    Parameters
    ----------
    panel
        The panel (its unit, direction, years, rows and notes are described).
    path
        The file it was written to, if any.

    Returns
    -------
    PanelAnswer
        ``to_json()`` is the command's ``--json`` (without ``path`` when None).

    Raises
    ------
    PanelError
        For an object that is not a panel.

    References
    ----------
    .. [1] Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace
       Science Research." Conflict Management and Peace Science 39(6): 755-779.
       doi:10.1177/07388942221077926

    Examples
    --------
    >>> p = create_state_years(2000, 2001)
    >>> describe_panel(p).to_json()["columns"]["ccode"]["datasets"]
    ['cow_system']
    """
    return PanelAnswer(
        path=None if path is None else str(path), unit=panel.unit, directed=panel.directed,
        years=[panel.start, panel.end], rows=len(panel), notes=list(panel.notes),
        columns={name: ColumnJSON(description=info.description, datasets=list(info.datasets))
                 for name, info in panel.columns.items() if name in panel.frame.columns},
        provenance=Provenance.of(panel.datasets, view=panel.view))


def run_steps(panel: Panel, steps: Sequence[str], *, collapse: str = "either",
              nmc: str = "7.0", coding: Sequence[str] = ("chiba", "sr"),
              convention: Sequence[str] = ("out",), idealpoint: str = "idealpointfp",
              progress: Callable[[str], None] | None = None) -> Panel:
    """``panel`` with the named ``add_*`` steps applied in order, each with its options."""
    wrong = [s for s in steps if PANEL_STEPS[s] not in (None, panel.unit)]
    if wrong:
        raise PanelError(f"{', '.join(sorted(wrong))} need a dyad-year panel (foedus panel "
                         "dyad-years).")
    options = {"alliances": {"collapse": collapse}, "cinc": {"version": nmc},
               "idealpoints": {"measure": idealpoint},
               "similarity": {"coding": list(coding), "convention": list(convention)}}
    for step in steps:
        if progress is not None:
            progress(step)
        panel = getattr(panel, f"add_{step}")(**options.get(step, {}))
    return panel


@validate_params(PANEL, caller="make_panel")
def make_panel(unit: str, start: int, end: int, *, add: Sequence[str] = (),
               out: str | Path, directed: bool = True, collapse: str = "either",
               nmc: str = "7.0", coding: Sequence[str] = ("chiba", "sr"),
               convention: Sequence[str] = ("out",), idealpoint: str = "idealpointfp",
               progress: Callable[[str], None] | None = None) -> PanelAnswer:
    """Build a state-year or dyad-year panel with the named steps and write it to a file.

    Parameters
    ----------
    unit
        ``state_year`` or ``dyad_year``.
    start, end
        The years (from 1816, COW system membership).
    add
        Steps, in order (:data:`foedus.params.PANEL_STEPS`): ``alliances``, ``cinc``,
        ``majors``, ``distance``, ``contiguity``, ``spending``, ``gdp``, ``idealpoints``,
        ``similarity``.
    out
        The file (``.parquet``, ``.csv`` or ``.dta``), written atomically.
    directed, collapse
        Dyad-years: ordered pairs, or one row a pair with alliances collapsed ``either``
        way or ``both`` ways.
    nmc
        NMC version of ``cinc``: ``7.0`` or ``6.0``.
    coding, convention
        Similarity tie codings and portfolio conventions.
    idealpoint
        UNGA ideal-point measure.
    progress
        Called with each step's name before it runs.

    Returns
    -------
    PanelAnswer
        The file's path, unit, direction, years, rows, notes, each column's description and
        datasets, and the provenance; ``to_json()`` is the command's ``--json``.

    Raises
    ------
    ParameterError
        For an option outside its choices.
    PanelError
        For a step that needs another unit, or years before 1816.
    DateOutOfRangeError
        For years outside COW system membership (before its first year, or past its last
        by more than :data:`foedus.registry.CARRY_YEARS`; years carried past its last are
        flagged in ``provenance.carried_forward``).
    WriteError
        When the file cannot be written (nothing is left half-written).

    References
    ----------
    .. [1] Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace
       Science Research." Conflict Management and Peace Science 39(6): 755-779.
       doi:10.1177/07388942221077926

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     answer = make_panel("state_year", 2000, 2001, add=["cinc"],
    ...                         out=Path(folder) / "s.parquet")
    >>> answer.rows > 300, "cinc" in answer.columns
    (True, True)
    """
    # the frame is COW system membership: carried past its end (flagged in the provenance)
    # at most CARRY_YEARS, refused before its start or beyond that, before any work
    carried = check_years(start, end, ("cow_system",), what=f"years {start}-{end}",
                          carry=True)
    with session():  # one store connection for the frame and every step's reads
        panel = create_dyad_years(start, end, directed=directed) if unit == "dyad_year" \
            else create_state_years(start, end)
        panel = run_steps(panel, list(add), collapse=collapse, nmc=nmc, coding=coding,
                          convention=convention, idealpoint=idealpoint, progress=progress)
        if progress is not None:
            progress(f"write {Path(out).name}")
        write_panel(panel, out)
    answer = describe_panel(panel, out)
    if carried and not answer.provenance.carried_forward:  # DESIGN §7's flag
        answer.provenance.carried_forward = [CarriedForward(
            dataset=d.name, last_day=d.last_day,
            what=f"the state system of {d.last_year} carried forward to {end} (the "
                 "panel's rows)") for d in carried]
    answer._panel = panel
    return answer
