"""The credibility answer, typed: ``foedus credibility --json`` with its provenance.

:func:`credibility_answer` (``foedus.pledge_credibility``) resolves the states the user
named on the date, scores every pledge the ally owes the partner
(:func:`foedus.credibility.credibility`) with the shipped model and returns a
:class:`CredibilityAnswer`: each pledge with its probability, 90 % interval, the covariates
that move it and the record behind it (:class:`~foedus.query.answer.SupportJSON`), the
model that scored it, and the provenance. The command line and the web app render it; they
never shape it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from foedus._lazy import pandas as pd
from foedus._validation import validate_params
from foedus.answer import TypedAnswer
from foedus.credibility.answers import credibility
from foedus.credibility.model import FittedModel, load
from foedus.data.identities import resolve_state
from foedus.model.system import check_date
from foedus.model.vocab import ObligationKind
from foedus.params import CREDIBILITY
from foedus.provenance import CarriedForward, Provenance
from foedus.query.answer import StateJSON, SupportJSON
from foedus.registry import dataset
from foedus.units import as_day

__all__ = ["DATASETS", "CredibilityAnswer", "LogOdds", "ModelJSON", "PledgeJSON",
           "TreatyName", "credibility_answer"]

#: The registered datasets a credibility answer reads (the pledges, the wars of the record
#: and the features: capabilities, regimes, capitals, UN ideal points).
DATASETS = ("atop_members", "atop_alliances", "atop_phases", "cow_wars", "nmc_7", "polity5",
            "capitals", "unga_idealpoints")

Spec = Literal["literature", "pooled_rate"]


class TreatyName(TypedAnswer):
    """A treaty: its id and name."""

    id: str
    name: str


class LogOdds(TypedAnswer):
    """A covariate's contribution to a pledge's log-odds of being honoured."""

    feature: str
    log_odds: float


class PledgeJSON(TypedAnswer):
    """One pledge the ally owes the partner, scored (defence, offence, neutrality) or not
    (consultation, non-aggression: every score null, ``support`` null)."""

    treaty: TreatyName
    obligation: str
    article: str
    kind: ObligationKind
    probability: float | None = Field(ge=0, le=1)
    probability_interval: list[float | None] = Field(min_length=2, max_length=2)
    up: list[LogOdds]
    down: list[LogOdds]
    outside_record: list[str]
    support: SupportJSON | None


class ModelJSON(TypedAnswer):
    """The model behind the scores: its specification, why it ships, its cases and its
    held-out metrics (:attr:`foedus.credibility.model.FittedModel.metrics`)."""

    spec: Spec
    shipped_because: str
    cases: int = Field(ge=0)
    metrics: dict[str, Any]

    @classmethod
    def of(cls, fitted: FittedModel) -> ModelJSON:
        """From a fitted model."""
        return cls(spec=fitted.spec, shipped_because=fitted.shipped_because, cases=fitted.n,
                   metrics=fitted.metrics)


class CredibilityAnswer(TypedAnswer):
    """``foedus credibility --json``.

    The probability that each pledge ``ally`` owes ``partner`` on ``as_of`` is honoured,
    with its interval, the covariates that move it and the record behind it; the
    hypothetical attackers; the model; the provenance.
    """

    as_of: dt.date
    ally: StateJSON
    partner: StateJSON
    against: list[StateJSON]
    pledges: list[PledgeJSON]
    model: ModelJSON
    provenance: Provenance
    #: a pandas.DataFrame or None (Any: pydantic would import pandas to read the annotation)
    _table: Any = PrivateAttr(default=None)

    @property
    def table(self) -> pd.DataFrame | None:
        """The scores as :func:`foedus.credibility.credibility` returns them, when computed
        here."""
        return self._table


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def answer_of(table: pd.DataFrame, *, day: dt.date, ally: StateJSON, partner: StateJSON,
              against: Sequence[StateJSON], fitted: FittedModel) -> CredibilityAnswer:
    """The typed answer of a :func:`foedus.credibility.credibility` table."""
    pledges = [PledgeJSON(
        treaty=TreatyName(id=r.treaty, name=r.treaty_name), obligation=r.obligation,
        article=r.article, kind=r.kind, probability=_num(r.probability),
        probability_interval=[_num(r.lower), _num(r.upper)],
        up=[LogOdds(feature=f, log_odds=v) for f, v in (r.up or [])],
        down=[LogOdds(feature=f, log_odds=v) for f, v in (r.down or [])],
        outside_record=list(r.outside_record or []),
        support=None if r.support is None else SupportJSON(**r.support))
        for r in table.itertuples(index=False)]
    atop = dataset("atop_members")  # past its end, its alliances are assumed in force
    carried = [CarriedForward(dataset=atop.name, last_day=atop.last_day,
                              what="ATOP alliances in force at its end assumed still in "
                                   "force (the pledges of atop: treaties)")] \
        if day > atop.last_day and any(p.treaty.id.startswith("atop:") for p in pledges) \
        else []
    answer = CredibilityAnswer(
        as_of=day, ally=ally, partner=partner, against=list(against), pledges=pledges,
        model=ModelJSON.of(fitted),
        provenance=Provenance.of(DATASETS, view="legal", as_of=day,
                                 carried_forward=carried))
    answer._table = table
    return answer


@validate_params(CREDIBILITY, caller="pledge_credibility")
def credibility_answer(ally: int | str, partner: int | str, *, as_of: dt.date | str | int,
                       against: Sequence[int | str] = (),
                       fitted: FittedModel | None = None) -> CredibilityAnswer:
    """The probability that each pledge ``ally`` owes ``partner`` on ``as_of`` is honoured.

    Parameters
    ----------
    ally
        The state that pledged (a COW code, an ISO-3 code, ``cow:ABB`` or a name; resolved
        at ``as_of``).
    partner
        The state pledged to.
    as_of
        The date (a ``datetime.date``, ``YYYY-MM-DD`` or a year, read as 1 July).
    against
        Hypothetical attackers (states); their capability enters the features.
    fitted
        The model (default the shipped one, :func:`foedus.credibility.load`).

    Returns
    -------
    CredibilityAnswer
        ``pledges`` (each with ``probability`` in [0, 1], its 90 % posterior interval, the
        covariates pushing it up and down, ``outside_record`` and ``support``; null for the
        kinds war does not reveal), ``model`` and ``provenance``; ``to_json()`` is the
        command's ``--json``.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type.
    UnknownStateError
        For a state that denotes no state at the date.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
       "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." Journal of
       Conflict Resolution 44(5): 686-699. doi:10.1177/0022002700044005006

    Examples
    --------
    >>> answer = credibility_answer("USA", "EST", as_of="2024-07-01", against=["RUS"])
    >>> nato = [p for p in answer.pledges if p.treaty.id == "book:nato"]
    >>> all(0 <= p.probability <= 1 for p in nato if p.kind == "defense")
    True
    """
    day: dt.date = as_day(as_of, name="as_of")  # type: ignore[assignment]
    check_date(day)  # the coverage first: a date outside it is not a state's fault
    a, p = resolve_state(ally, on=day), resolve_state(partner, on=day)
    attackers = [resolve_state(x, on=day) for x in against]
    fitted = fitted or load()
    table = credibility(a.cow, p.cow, day, against=[s.cow for s in attackers], fitted=fitted)
    return answer_of(table, day=day, ally=StateJSON.of(a), partner=StateJSON.of(p),
                     against=[StateJSON.of(s) for s in attackers], fitted=fitted)
