"""The replication suite's types and registry: :class:`Figure`, :class:`Replication`,
:class:`Study`, and :func:`replicate`.

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

from pydantic import BaseModel, ConfigDict, Field

from foedus.errors import UnknownStudyError

__all__ = ["Figure", "Replication", "Study", "replicate", "studies", "study"]


class Figure(BaseModel):
    """One published figure beside ours.

    ``passed`` (``"pass"`` in JSON) is ``|reproduced - published| <= tolerance`` and, when
    ``within_interval`` was asked, the published value also lies inside ``[low, high]``; it is
    ``None`` when either value is missing or no tolerance is stated, and ``note`` then says
    why. ``required`` marks the figures an issue requires to pass.
    """

    model_config = ConfigDict(populate_by_name=True)

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

    def to_json(self) -> dict[str, Any]:
        """The figure as JSON (``pass`` spelled as in the table)."""
        return self.model_dump(by_alias=True)


class Replication(BaseModel):
    """A study's reproduced figures, extra tables, and what it took to build them."""

    study: str
    title: str
    citation: str
    doi: str
    data: list[str]
    figures: list[Figure]
    tables: dict[str, list[dict[str, Any]]] = {}
    notes: list[str] = []
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

    def to_json(self) -> dict[str, Any]:
        """The answer of ``foedus replicate NAME --json`` (DESIGN §7)."""
        from foedus.provenance import provenance

        body = self.model_dump(exclude={"figures"})
        body["figures"] = [f.to_json() for f in self.figures]
        body["summary"] = self.summary()
        body["provenance"] = provenance(self.data, view="atop")
        return body


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


def studies() -> list[Study]:
    """Every study of the suite, by name."""
    import foedus.replications as package

    found: list[Study] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"foedus.replications.{info.name}")
        if isinstance(getattr(module, "STUDY", None), Study):
            found.append(module.STUDY)
    return sorted(found, key=lambda s: s.name)


def study(name: str) -> Study:
    """The study called ``name``.

    Raises
    ------
    UnknownStudyError
        With the list of studies.
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


def replicate(name: str, **options: Any) -> Replication:
    """Run the study ``name`` from the store and return its table.

    ``peak_memory_mb`` is the process's peak resident memory when the study ends (it
    includes whatever the process held before).
    """
    chosen = study(name)
    started = time.perf_counter()
    figures, tables, notes = chosen.run(**options)
    return Replication(study=chosen.name, title=chosen.title, citation=chosen.citation,
                       doi=chosen.doi, data=list(chosen.data), figures=figures,
                       tables=tables, notes=notes,
                       seconds=round(time.perf_counter() - started, 2),
                       peak_memory_mb=round(_peak_mb(), 1))
