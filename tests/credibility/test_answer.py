"""The typed credibility answer (``foedus.pledge_credibility``): its JSON validates against
the schema generated from its model, it agrees with the credibility table it shapes, and
bad input is refused with one message."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from foedus.credibility import credibility, load
from foedus.credibility.answer import CredibilityAnswer, credibility_answer
from foedus.errors import ParameterError, UnknownStateError

from helpers import schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


@pytest.fixture(scope="module")
def poland_1939() -> CredibilityAnswer:
    return credibility_answer("FRA", "POL", as_of="1939-09-01")


def test_json_validates_against_the_generated_schema(poland_1939: CredibilityAnswer) -> None:
    body = poland_1939.to_json()
    assert not list(schema_validator("credibility").iter_errors(body))
    assert list(body) == ["as_of", "ally", "partner", "against", "pledges", "model",
                          "provenance"]
    assert body["provenance"]["as_of"] == "1939-09-01"
    assert body["provenance"]["view"] == "legal"
    assert [d["name"] for d in body["provenance"]["datasets"]][:2] == ["atop_members",
                                                                       "atop_alliances"]


def test_the_answer_is_the_table_it_shapes(poland_1939: CredibilityAnswer) -> None:
    """Each pledge carries the probability, interval and support of the library's table,
    computed independently here."""
    table = credibility(220, 290, dt.date(1939, 9, 1), fitted=load())
    assert len(poland_1939.pledges) == len(table) > 0
    for pledge, row in zip(poland_1939.pledges, table.itertuples(index=False), strict=True):
        assert (pledge.treaty.id, pledge.obligation, pledge.kind) == (row.treaty,
                                                                      row.obligation, row.kind)
        if row.probability is None or math.isnan(row.probability):
            assert pledge.probability is None and pledge.support is None
            assert pledge.probability_interval == [None, None]
        else:
            assert pledge.probability == pytest.approx(row.probability)
            assert pledge.probability_interval == pytest.approx([row.lower, row.upper])
            lo, hi = pledge.probability_interval
            assert 0 <= lo <= pledge.probability <= hi <= 1
            assert pledge.support is not None and pledge.support.cases == row.support["cases"]


def test_consultation_is_listed_but_not_scored(poland_1939: CredibilityAnswer) -> None:
    kinds = {p.kind for p in poland_1939.pledges}
    assert {"defense", "consultation"} <= kinds
    consult = [p for p in poland_1939.pledges if p.kind == "consultation"]
    assert all(p.probability is None and p.up == [] and p.down == [] for p in consult)


def test_states_are_resolved_on_the_date() -> None:
    answer = credibility_answer(2, "EST", as_of=dt.date(2024, 7, 1), against=["RUS"])
    assert (answer.ally.cow, answer.partner.cow) == (2, 366)
    assert [s.cow for s in answer.against] == [365]
    assert answer.model.spec in ("literature", "pooled_rate")


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="'against' parameter of pledge_credibility"):
        credibility_answer("USA", "EST", as_of="2024-07-01", against="RUS")  # type: ignore[arg-type]
    with pytest.raises(UnknownStateError):
        credibility_answer("Atlantis", "EST", as_of="2024-07-01")
