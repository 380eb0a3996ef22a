"""The typed reliability answers (``foedus.alliance_reliability``,
``foedus.reliability_cases``): JSON that validates against the schemas generated from the
models, group keys in the order asked, figures that are the library's tables, and the
parameters checked once (a year outside the record is one message, not a KeyError)."""

from __future__ import annotations

import pytest

from foedus.errors import DateOutOfRangeError, ParameterError
from foedus.reliability import opportunities, reliability_rates
from foedus.reliability.answer import (
    ReliabilityAnswer,
    reliability_answer,
    reliability_cases,
)

from helpers import schema_validator

pytestmark = pytest.mark.usefixtures("store_home")


@pytest.fixture(scope="module")
def world_war_one() -> ReliabilityAnswer:
    return reliability_answer(start=1914, end=1918, by=["kind", "era"])


def test_json_validates_against_the_generated_schema(world_war_one: ReliabilityAnswer
                                                     ) -> None:
    body = world_war_one.to_json()
    assert not list(schema_validator("reliability").iter_errors(body))
    assert body["from"] == 1914 and body["to"] == 1918 and body["by"] == ["kind", "era"]
    assert body["comparisons"] == [] and len(body["notes"]) == 2
    assert body["provenance"]["view"] == "atop"
    assert body["provenance"]["datasets"][0]["name"] == "cow_wars"


def test_group_keys_come_first_in_the_order_asked(world_war_one: ReliabilityAnswer) -> None:
    rows = world_war_one.to_json()["rates"]["ally_partner_war"]
    assert rows and all(list(r)[:3] == ["kind", "era", "n"] for r in rows)
    assert all("region" not in r and "role" not in r for r in rows)
    llm = world_war_one.to_json()["rates"]["alliance_war"]["llm"]
    assert llm and all(list(r)[:2] == ["kind", "era"] for r in llm)


def test_rates_are_the_library_tables(world_war_one: ReliabilityAnswer) -> None:
    frame = opportunities(start=1914, end=1918)
    table = reliability_rates(frame, by=["kind", "era"])
    got = [(r.kind, r.era, r.n, r.honoured, r.wars)
           for r in world_war_one.rates.ally_partner_war]
    assert got == [(r.kind, r.era, r.n, r.honoured, r.wars)
                   for r in table.itertuples(index=False)]
    assert world_war_one.excluded.rows == len(frame)
    for r in world_war_one.rates.ally_partner_war:
        assert r.rate == pytest.approx(r.honoured / r.n)
        assert 0 <= r.low <= r.rate <= r.high <= 1


def test_cases_validate_and_are_the_opportunities() -> None:
    answer = reliability_cases(start=1914, end=1914)
    body = answer.to_json()
    assert not list(schema_validator("reliability-cases").iter_errors(body))
    assert answer.frame is not None and len(body["cases"]) == len(answer.frame) > 0
    assert {c["war"] for c in body["cases"]} >= {"cow:106"}


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"start": 3000}, "The 'start' parameter of reliability must be an int in the range "
                      "[1816, 2010]. Got 3000 instead."),
    ({"start": -5}, "Got -5 instead."),
    ({"end": 2011}, "The 'end' parameter of reliability"),
    ({"window": -1}, "The 'window' parameter of reliability"),
    ({"source": "acled"}, "The 'source' parameter of reliability"),
    ({"by": ["colour"]}, "The 'by' parameter of reliability"),
])
def test_parameters_are_checked_once(kwargs: dict, needle: str) -> None:
    with pytest.raises(ParameterError) as info:
        reliability_answer(**kwargs)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_end_before_start() -> None:
    with pytest.raises(DateOutOfRangeError, match="before"):
        reliability_answer(start=1950, end=1900)
    with pytest.raises(ParameterError, match="'start' parameter of reliability_cases"):
        reliability_cases(start=3000)
