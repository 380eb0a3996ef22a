"""The reliability answers, typed: ``foedus reliability --json`` and ``--cases --json``.

:func:`reliability_answer` (``foedus.reliability``'s verb ``alliance_reliability``) lists
the opportunities of the record (:func:`foedus.reliability.opportunities`), rates them on
two units (:func:`~foedus.reliability.rates.reliability_rates`, the alliance–war rows of
:func:`~foedus.reliability.alliance_war.alliance_wars` under both rules), counts what was
left out and why (:func:`~foedus.reliability.rates.excluded`), varies the honour window
(:func:`~foedus.reliability.rates.window_sensitivity`) and sets each published figure
beside ours (:func:`~foedus.reliability.published.published_comparisons`), and returns a
:class:`ReliabilityAnswer`. :func:`reliability_cases` returns the opportunities themselves
(:class:`CasesAnswer`). The command line renders them; it never shapes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field, PrivateAttr

from foedus._lazy import pandas as pd
from foedus._validation import validate_params
from foedus.answer import TypedAnswer
from foedus.data.loaders import load_system
from foedus.errors import DateOutOfRangeError
from foedus.model.system import CommitmentSystem
from foedus.model.vocab import ObligationKind
from foedus.params import RELIABILITY, RELIABILITY_GROUPS
from foedus.provenance import Provenance
from foedus.reliability.alliance_war import alliance_wars, allied_fights
from foedus.reliability.opportunities import export_cases, opportunities
from foedus.reliability.published import published_comparisons
from foedus.reliability.rates import (
    ALLIANCE_GROUPS,
    alliance_rates,
    excluded,
    reliability_rates,
    window_sensitivity,
)

__all__ = ["DATASETS", "AllianceWarRates", "CaseJSON", "CasesAnswer", "Comparison",
           "Excluded", "RateRow", "Rates", "ReliabilityAnswer", "StateRef", "WindowRow",
           "reliability_answer", "reliability_cases"]

Source = Literal["cow", "mid"]
Era = Literal["pre-1945", "post-1945"]
Role = Literal["target", "initiator", "joiner"]
Group = Literal["era", "llm_window", "kind", "region", "role"]
Outcome = Literal["joined_partner", "late_entry", "joined_after_attacked", "joined_against",
                  "already_at_war", "stayed_out", "not_in_system", "declared_belligerent"]

#: The registered datasets each war source's answer reads.
DATASETS: dict[str, tuple[str, ...]] = {
    "cow": ("cow_wars", "dyadic_war", "atop_members", "atop_alliances", "atop_directed"),
    "mid": ("midb", "atop_members", "atop_alliances", "atop_directed")}


class RateRow(TypedAnswer):
    """A rate: its group values (the ``by`` keys, in their order, first), the pledges (or
    alliance–war rows) counted, those honoured, the rate with its 95 % war-clustered
    interval, and the number of wars."""

    omit_if_none: ClassVar[frozenset[str]] = frozenset(RELIABILITY_GROUPS)

    era: Era | None = None
    llm_window: bool | None = None
    kind: ObligationKind | None = None
    region: str | None = None
    role: Role | None = None
    n: int = Field(ge=0)
    honoured: int = Field(ge=0)
    rate: float | None = Field(ge=0, le=1)
    low: float | None = Field(ge=0, le=1)
    high: float | None = Field(ge=0, le=1)
    wars: int = Field(ge=0)
    _groups: tuple[str, ...] = PrivateAttr(default=())

    @classmethod
    def of(cls, row: dict[str, Any], groups: Sequence[str]) -> RateRow:
        """From a row of :func:`~foedus.reliability.rates.reliability_rates` (or
        :func:`~foedus.reliability.rates.alliance_rates`) grouped by ``groups``."""
        out = cls(**{k: _value(v) for k, v in row.items()})
        out._groups = tuple(groups)
        return out

    def _omitted(self, data: dict[str, Any]) -> None:
        """The group keys of the row come first, in their order; the others are left out."""
        values = {k: data.pop(k) for k in RELIABILITY_GROUPS}
        rest = dict(data)
        data.clear()
        data.update({g: values[g] for g in self._groups})
        data.update(rest)


class AllianceWarRates(TypedAnswer):
    """Alliance–war rates under Leeds, Long & Mitchell's all-members rule and Sabrosky's."""

    llm: list[RateRow]
    sabrosky: list[RateRow]


class Rates(TypedAnswer):
    """The rates on both units."""

    ally_partner_war: list[RateRow]
    alliance_war: AllianceWarRates


class Excluded(TypedAnswer):
    """What the ally–partner–war rates leave out, and why (counts;
    :func:`foedus.reliability.rates.excluded`)."""

    rows: int = Field(ge=0)
    evidence: int = Field(ge=0)
    casus_foederis_none: int = Field(ge=0)
    casus_foederis_none_counted: int = Field(ge=0)
    by_reason: dict[str, int]
    casus_foederis_false: int = Field(ge=0)
    not_observable: int = Field(ge=0)
    already_at_war: int = Field(ge=0)
    not_recorded: int = Field(ge=0)
    nested: int = Field(ge=0)
    duplicates: int = Field(ge=0)


class WindowRow(TypedAnswer):
    """Defence and offence rates of an era with another honour window (days; null: the
    whole war)."""

    window_days: int | None = Field(ge=0)
    era: Era
    n: int = Field(ge=0)
    honoured: int = Field(ge=0)
    rate: float | None = Field(ge=0, le=1)
    low: float | None = Field(ge=0, le=1)
    high: float | None = Field(ge=0, le=1)
    wars: int = Field(ge=0)


class Comparison(TypedAnswer):
    """A published figure beside ours on the same definition, and how the two differ."""

    source: str
    doi: str
    unit: Literal["alliance_war", "ally_partner_war"]
    rule: Literal["llm", "sabrosky"]
    definition: str
    published: float = Field(ge=0, le=1)
    published_n: int | None
    n: int = Field(ge=0)
    honoured: int = Field(ge=0)
    rate: float | None = Field(ge=0, le=1)
    low: float | None = Field(ge=0, le=1)
    high: float | None = Field(ge=0, le=1)
    wars: int = Field(ge=0)
    differences: str


class ReliabilityAnswer(TypedAnswer):
    """``foedus reliability --json``.

    Reliability rates on two units (ally–partner–war; alliance–war under Leeds, Long &
    Mitchell's all-members rule and Sabrosky's), with war-clustered bootstrap intervals,
    what was left out and why, the honour window's sensitivity and each published figure
    beside ours on the same definition.
    """

    source: Source
    from_: int = Field(alias="from")
    to: int
    by: list[Group]
    window_days: int = Field(ge=0)
    rates: Rates
    excluded: Excluded
    window_sensitivity: list[WindowRow]
    comparisons: list[Comparison]
    notes: list[str]
    provenance: Provenance


class StateRef(TypedAnswer):
    """A state of a war: its COW code, and its ISO-3 code, abbreviation and name when the
    COW state list has the code in that year (null otherwise)."""

    cow: int
    iso3: str | None
    abb: str | None
    name: str | None


class CaseJSON(TypedAnswer):
    """One ally–partner–war opportunity (:func:`foedus.reliability.opportunities`)."""

    war: str = Field(pattern=r"^(cow|mid):[0-9]+$")
    year: int
    date: dt.date
    role: Role
    target: StateRef
    ally: StateRef
    atopid: int
    kind: ObligationKind
    casus_foederis: bool | None
    cf_reason: str
    honoured: bool | None
    outcome: Outcome
    lag_days: int | None
    intra_alliance: bool
    nested_in: str | None
    counted: bool


class CasesAnswer(TypedAnswer):
    """``foedus reliability --cases --json``: every ally–partner–war opportunity."""

    cases: list[CaseJSON]
    provenance: Provenance
    #: a pandas.DataFrame or None (Any: pydantic would import pandas to read the annotation)
    _frame: Any = PrivateAttr(default=None)

    @property
    def frame(self) -> pd.DataFrame | None:
        """The opportunities as :func:`foedus.reliability.opportunities` returns them, when
        computed here."""
        return self._frame


def _value(v: Any) -> Any:
    """A frame's cell as a model takes it (NaN: None; numpy scalars: Python values)."""
    if isinstance(v, float) and v != v:
        return None
    return v.item() if hasattr(v, "item") else v


def _groups(by: Sequence[str] | str) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


#: The registry dataset whose last year ends each source's record (COW inter-state wars
#: v4.0 to 2003; MIDB 4.3 to 2010), as ``foedus reliability --source`` reads it.
SOURCE_DATASETS = {"cow": "cow_wars", "mid": "midb"}

#: the declared constraints, ``end`` also None (the source's last year)
_CONSTRAINTS = {**RELIABILITY, "end": [*RELIABILITY["end"], None]}


def _last_year(source: str, start: int, end: int | None) -> int:
    """``end`` (default: the source's last year), refused past the source's last year (no
    war is recorded there: an answer would be empty, not a finding) or before ``start``."""
    from foedus.registry import dataset

    wars = dataset(SOURCE_DATASETS[source])
    end = wars.last_year if end is None else end
    if end > wars.last_year:
        other = " or source='mid'" if source == "cow" else ""
        raise DateOutOfRangeError(f"The 'end' parameter of reliability ({end}) is past the "
                                  f"data: {wars.label}; use end={wars.last_year}{other}.")
    if end < start:
        raise DateOutOfRangeError(f"The 'end' parameter of reliability ({end}) is before "
                                  f"'start' ({start}).")
    return end


def _frame(system: CommitmentSystem | None, source: str, start: int, end: int,
           window: int) -> tuple[CommitmentSystem, pd.DataFrame]:
    system = system or load_system()
    return system, opportunities(system, source=source, start=start, end=end, window=window)


@validate_params(_CONSTRAINTS, caller="reliability")
def reliability_answer(*, source: str = "cow", start: int = 1816, end: int | None = None,
                       by: Sequence[str] | str = ("era",), window: int = 90,
                       system: CommitmentSystem | None = None) -> ReliabilityAnswer:
    """Reliability of alliance commitments on two units, beside the published figures.

    Parameters
    ----------
    source
        ``cow`` (COW inter-state wars v4.0, to 2003) or ``mid`` (MIDB 4.3 uses of force, to
        2010).
    start, end
        The first and last year of the casus foederis (from 1816; ``end`` at most the
        source's last year, its default: 2003 for ``cow``, 2010 for ``mid``).
    by
        Groups: any of ``era``, ``llm_window``, ``kind``, ``region``, ``role`` (``region``
        and ``role``: ally–partner–war unit only); empty for one overall row.
    window
        Days from the casus foederis within which joining honours a pledge.
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    ReliabilityAnswer
        ``rates`` (each ``rate`` in [0, 1] with its 95 % war-clustered interval, ``n`` and
        ``wars``), ``excluded``, ``window_sensitivity``, ``comparisons`` (COW wars over
        1816-2003 only), ``notes`` and ``provenance``; ``to_json()`` is the command's
        ``--json``.

    Raises
    ------
    ParameterError
        For a source, year, group or window outside its declared range.
    DateOutOfRangeError
        For ``end`` before ``start`` or past the source's last year.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
       "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." Journal of
       Conflict Resolution 44(5): 686-699. doi:10.1177/0022002700044005006
    .. [2] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
       Alliance Commitments in War." Research & Politics 5(2). doi:10.1177/2053168018776125

    Examples
    --------
    >>> answer = reliability_answer(start=1914, end=1918)
    >>> all(0 <= r.rate <= 1 for r in answer.rates.ally_partner_war)
    True
    """
    groups = _groups(by)
    end = _last_year(source, start, end)
    system, frame = _frame(system, source, start, end, window)
    alliances = alliance_wars(frame, allied_fights(system, source, start=start, end=end))
    a_groups = [g for g in groups if g in ALLIANCE_GROUPS]
    ally = reliability_rates(frame, by=groups).to_dict("records")
    llm = alliance_rates(alliances, by=a_groups, rule="llm").to_dict("records")
    sab = alliance_rates(alliances, by=a_groups, rule="sabrosky").to_dict("records")
    dropped = excluded(frame)
    sens = window_sensitivity(frame).to_dict("records")
    notes = [f"Rows whose casus foederis cannot be decided from ATOP's coded conditions "
             f"(None: {dropped['casus_foederis_none']} ally–partner–war rows) are never "
             "used as evidence."]
    if source == "cow" and start <= 1816 and end >= 2003:
        comparisons = published_comparisons(alliances)
    else:
        comparisons = []
        notes.append("The published comparisons need COW wars over 1816-2003 "
                      "(--source cow --from 1816 --to 2003 or wider).")
    return ReliabilityAnswer(
        source=source, from_=start, to=end, by=groups, window_days=window,
        rates=Rates(ally_partner_war=[RateRow.of(r, groups) for r in ally],
                    alliance_war=AllianceWarRates(
                        llm=[RateRow.of(r, a_groups) for r in llm],
                        sabrosky=[RateRow.of(r, a_groups) for r in sab])),
        excluded=Excluded(**dropped),
        window_sensitivity=[WindowRow(**{k: _value(v) for k, v in r.items()}) for r in sens],
        comparisons=[Comparison(**{k: _value(v) for k, v in c.items()}) for c in comparisons],
        notes=notes, provenance=Provenance.of(DATASETS[source], view="atop"))


@validate_params({k: _CONSTRAINTS[k] for k in ("source", "start", "end", "window")},
                 caller="reliability_cases")
def reliability_cases(*, source: str = "cow", start: int = 1816, end: int | None = None,
                      window: int = 90, system: CommitmentSystem | None = None
                      ) -> CasesAnswer:
    """Every ally–partner–war opportunity of the record, with the ally's outcome.

    Parameters
    ----------
    source
        ``cow`` (COW inter-state wars v4.0, to 2003) or ``mid`` (MIDB 4.3 uses of force, to
        2010).
    start, end
        The first and last year of the casus foederis (from 1816; ``end`` at most the
        source's last year, its default: 2003 for ``cow``, 2010 for ``mid``).
    window
        Days from the casus foederis within which joining honours a pledge.
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).

    Returns
    -------
    CasesAnswer
        ``cases`` (war, partner, ally, treaty, obligation kind, casus foederis and its
        reason, outcome, ``honoured``) and ``provenance``; ``to_json()`` is the command's
        ``--cases --json``.

    Raises
    ------
    ParameterError
        For a source, year or window outside its declared range.
    DateOutOfRangeError
        For ``end`` before ``start`` or past the source's last year.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
       "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." Journal of
       Conflict Resolution 44(5): 686-699. doi:10.1177/0022002700044005006

    Examples
    --------
    >>> answer = reliability_cases(start=1914, end=1914)
    >>> {c.war for c in answer.cases} >= {"cow:106"}
    True
    """
    end = _last_year(source, start, end)
    _, frame = _frame(system, source, start, end, window)
    answer = CasesAnswer(cases=[CaseJSON(**c) for c in export_cases(frame)],
                         provenance=Provenance.of(DATASETS[source], view="atop"))
    answer._frame = frame
    return answer
