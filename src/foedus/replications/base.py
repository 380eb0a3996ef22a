"""The replication suite's types and registry.

:class:`Figure`, :class:`Replication`, :class:`Study`, and :func:`replicate`.

A study module (any module of :mod:`foedus.replications` other than this one) declares
``STUDY = Study(name=..., title=..., citation=..., doi=..., data=(...), run=...)``; its
``run()`` returns the figures and tables, and :func:`replicate` adds the timing, the memory
and the provenance. Studies are found by walking the package, so adding one is adding a
module.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from foedus._validation import TypeOf, validate_params
from foedus.answer import TypedAnswer
from foedus.errors import UnknownStudyError
from foedus.provenance import Provenance

__all__ = ["Figure", "Replication", "Study", "StudyEntry", "StudyList", "SuiteAnswer",
           "replicate", "studies", "study", "study_list", "suite"]


class Figure(TypedAnswer):
    """One published figure beside ours.

    ``passed`` (``"pass"`` in JSON) is ``|reproduced - published| <= tolerance`` and, when
    ``within_interval`` was asked, the published value also lies inside ``[low, high]``; it is
    ``None`` when either value is missing or no tolerance is stated, and ``note`` then says
    why. ``required`` marks the figures an issue requires to pass.
    """

    label: str
    published: float | None
    reproduced: float | None
    difference: float | None = None
    tolerance: float | None = None
    passed: bool | None = Field(default=None, alias="pass")
    low: float | None = None
    high: float | None = None
    unit: str = "rate"
    n: int | None = None
    required: bool = False
    note: str = ""

    @classmethod
    def compare(cls, label: str, published: float | None, reproduced: float | None, *,
                tolerance: float | None, low: float | None = None, high: float | None = None,
                within_interval: bool = False, **extra: Any) -> Figure:
        """Build a figure and decide ``pass`` from the tolerance (and interval)."""
        def clean(v: float | None) -> float | None:
            return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

        published, reproduced = clean(published), clean(reproduced)
        low, high = clean(low), clean(high)
        diff = None if published is None or reproduced is None else reproduced - published
        passed: bool | None = None
        if diff is not None and tolerance is not None:
            passed = abs(diff) <= tolerance + 1e-12
            if within_interval:
                passed = passed and low is not None and high is not None and \
                    low - 1e-12 <= published <= high + 1e-12
        return cls(label=label, published=published, reproduced=reproduced, difference=diff,
                   tolerance=tolerance, passed=passed, low=low, high=high, **extra)


class Replication(TypedAnswer):
    """A study's reproduced figures, extra tables, and what it took to build them.

    ``foedus replicate NAME --json`` is :meth:`to_json`: these fields, ``summary`` and
    ``provenance``.
    """

    study: str
    title: str
    citation: str
    doi: str
    data: list[str]
    figures: list[Figure]
    tables: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    peak_memory_mb: float = 0.0

    @property
    def passed(self) -> int:
        """How many figures pass."""
        return sum(f.passed is True for f in self.figures)

    @property
    def decided(self) -> int:
        """How many figures could be decided (``pass`` not null)."""
        return sum(f.passed is not None for f in self.figures)

    def summary(self) -> str:
        """One line: the study, figures passing, the required ones, time and memory."""
        required = [f for f in self.figures if f.required]
        req = ""
        if required:
            ok = sum(f.passed is True for f in required)
            req = f"; required {ok}/{len(required)}"
        undecided = len(self.figures) - self.decided
        und = f", {undecided} not decidable" if undecided else ""
        return (f"{self.study}: {self.passed}/{self.decided} figures within tolerance{und}"
                f"{req} ({self.seconds:.1f} s, peak {self.peak_memory_mb:.0f} MB)")

    @property
    def provenance(self) -> Provenance:
        """The datasets the study read, with their versions and hashes (ATOP view)."""
        return Provenance.of(self.data, view="atop")

    def to_json(self) -> dict[str, Any]:
        """The answer of ``foedus replicate NAME --json`` (DESIGN §7)."""
        body = super().to_json()
        body["summary"] = self.summary()
        body["provenance"] = self.provenance.to_json()
        return body

    @classmethod
    def json_schema(cls, name: str, title: str) -> dict[str, Any]:
        """The model's schema with the two keys :meth:`to_json` adds."""
        schema = super().json_schema(name, title)
        schema["properties"]["summary"] = {"type": "string"}
        schema["properties"]["provenance"] = {"$ref": "provenance.schema.json"}
        schema["required"] = [*schema["required"], "summary", "provenance"]
        return schema


@dataclass(frozen=True)
class Study:
    """A published study the suite reproduces.

    ``run`` takes keyword options and returns ``(figures, tables, notes)``.
    """

    name: str
    title: str
    citation: str
    doi: str
    data: tuple[str, ...]
    run: Callable[..., tuple[list[Figure], dict[str, list[dict[str, Any]]], list[str]]]
    description: str = field(default="")


class StudyEntry(TypedAnswer):
    """A study of the suite as ``replicate --list`` shows it."""

    name: str
    title: str
    citation: str
    doi: str
    data: list[str]


class StudyList(TypedAnswer):
    """``foedus replicate --list --json``: the studies of the suite."""

    studies: list[StudyEntry]


class SuiteAnswer(TypedAnswer):
    """``foedus replicate --summary --json``: every study run."""

    studies: list[Replication]

    def to_json(self) -> dict[str, Any]:
        """Each study as ``replicate NAME --json`` prints it."""
        return {"studies": [r.to_json() for r in self.studies]}


def study_list() -> StudyList:
    """The studies of the suite, by name (``foedus replicate --list``).

    Returns
    -------
    StudyList
        Each study's name, title, citation, DOI and data.

    Raises
    ------
    ImportError
        If a study module fails to import (a bug, not a user error).

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and
       Politics 28(3): 444-452. doi:10.2307/420301

    Examples
    --------
    >>> "leeds-2003" in {s.name for s in study_list().studies}
    True
    """
    return StudyList(studies=[StudyEntry(name=s.name, title=s.title, citation=s.citation,
                                         doi=s.doi, data=list(s.data)) for s in studies()])


@validate_params({"progress": [TypeOf(Callable, "a callable taking a study's name"), None]},
                 caller="replication_suite")
def suite(progress: Callable[[str], None] | None = None) -> SuiteAnswer:
    """Run every study of the suite (``foedus replicate --summary``).

    Parameters
    ----------
    progress
        Called with each study's name before it runs.

    Returns
    -------
    SuiteAnswer
        Every study's :class:`Replication`.

    Raises
    ------
    StoreError
        Without a store (run ``foedus data build``).

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and
       Politics 28(3): 444-452. doi:10.2307/420301

    Examples
    --------
    >>> ran = suite()  # doctest: +SKIP
    >>> len(ran.studies) == len(studies())  # doctest: +SKIP
    True
    """
    results = []
    for s in studies():
        if progress is not None:
            progress(s.name)
        results.append(replicate(s.name))
    return SuiteAnswer(studies=results)


def studies() -> list[Study]:
    """Every study of the suite, by name.

    Studies are found by walking the package: each module declaring ``STUDY``.

    Returns
    -------
    list of Study
        Sorted by name.

    Raises
    ------
    ImportError
        If a study module fails to import (a bug, not a user error).

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and
       Politics 28(3): 444-452. doi:10.2307/420301

    Examples
    --------
    >>> "leeds-anac-2005" in {s.name for s in studies()}
    True
    """
    import foedus.replications as package

    found: list[Study] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"foedus.replications.{info.name}")
        if isinstance(getattr(module, "STUDY", None), Study):
            found.append(module.STUDY)
    return sorted(found, key=lambda s: s.name)


@validate_params({"name": [TypeOf(str, "a study name (studies() lists them)")]},
                 caller="study")
def study(name: str) -> Study:
    """The study called ``name``.

    Parameters
    ----------
    name
        A study's name (:func:`studies` lists them).

    Returns
    -------
    Study
        Its title, citation, DOI, data and ``run`` function.

    Raises
    ------
    UnknownStudyError
        With the list of studies.

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and
       Politics 28(3): 444-452. doi:10.2307/420301

    Examples
    --------
    >>> study("leeds-2003").doi
    '10.1111/1540-5907.00031'
    """
    known = studies()
    for s in known:
        if s.name == name:
            return s
    names = ", ".join(s.name for s in known) or "none"
    raise UnknownStudyError(f"Unknown study {name!r}. Studies: {names}.")


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@validate_params({"name": [TypeOf(str, "a study name (studies() lists them)")]},
                 caller="replicate")
def replicate(name: str, **options: Any) -> Replication:
    """Run the study ``name`` from the store and return its table.

    Parameters
    ----------
    name
        The study (:func:`studies` lists them), e.g. ``leeds-2003``.
    **options
        The study's own options (its ``run`` function's keyword arguments).

    Returns
    -------
    Replication
        Each published figure beside the reproduced one, with the difference, the
        tolerance and ``pass`` (True, False, or None where either is missing); the study's
        extra tables and notes; ``seconds`` and ``peak_memory_mb`` (the process's peak
        resident memory when the study ends, including whatever it held before).

    Raises
    ------
    UnknownStudyError
        For a name the suite does not have (the message lists them).
    StoreError
        Without a store (run ``foedus data build``).

    References
    ----------
    .. [1] King, Gary. 1995. "Replication, Replication." PS: Political Science and
       Politics 28(3): 444-452. doi:10.2307/420301

    Examples
    --------
    >>> r = replicate("olson-zeckhauser-1966", n_boot=50)
    >>> r.study, r.decided > 0
    ('olson-zeckhauser-1966', True)
    """
    chosen = study(name)
    started = time.perf_counter()
    figures, tables, notes = chosen.run(**options)
    return Replication(study=chosen.name, title=chosen.title, citation=chosen.citation,
                       doi=chosen.doi, data=list(chosen.data), figures=figures,
                       tables=tables, notes=notes,
                       seconds=round(time.perf_counter() - started, 2),
                       peak_memory_mb=round(_peak_mb(), 1))
