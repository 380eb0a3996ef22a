"""The base layer: units, the one date helper, registry coverage as dates, the typed
answers' JSON rules, and the one resolver of what a user names."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from foedus.answer import TypedAnswer, jsonable
from foedus.errors import DateOutOfRangeError, UnknownStateError, UnknownTreatyError
from foedus.model.events import NonState
from foedus.registry import dataset, datasets
from foedus.units import KM_PER_MILE, as_day


def test_the_international_mile() -> None:
    assert pytest.approx(1760) == KM_PER_MILE * 1000 / 0.9144  # yards in a mile


@pytest.mark.parametrize(("value", "day"), [
    (1914, dt.date(1914, 7, 1)), ("1914-06-28", dt.date(1914, 6, 28)),
    (dt.datetime(1914, 6, 28, 10, 50), dt.date(1914, 6, 28)),
    (dt.date(1914, 6, 28), dt.date(1914, 6, 28)),
])
def test_as_day(value, day) -> None:
    assert as_day(value) == day


def test_as_day_refuses() -> None:
    with pytest.raises(DateOutOfRangeError, match="not a date"):
        as_day("1914-13-01", name="--as-of")
    with pytest.raises(TypeError):
        as_day(True)
    assert as_day(None, allow_none=True) is None


def test_coverage_is_dates() -> None:
    atop = dataset("atop_members")
    assert (atop.first_day, atop.last_day) == (dt.date(1815, 1, 1), dt.date(2018, 12, 31))
    assert atop.coverage == "1815-2018" and atop.last_year == 2018
    assert dataset("capdist").coverage == "static" and dataset("capdist").last_day is None
    assert dataset("sr1999_table6").coverage == "1914"
    for d in datasets():
        if d.first_day is not None:
            assert d.first_day <= d.last_day, d.name


def test_one_atop_end() -> None:
    from foedus.data.atop_dyads import ATOP_LAST_YEAR
    from foedus.data.queries import ATOP_LAST_YEAR as QUERIES_LAST
    from foedus.model.dyads import OPEN_END_YEAR
    from foedus.model.system import ATOP_END

    last = dataset("atop_members").last_day
    assert last == ATOP_END and {ATOP_LAST_YEAR, QUERIES_LAST, OPEN_END_YEAR} == {last.year}


class _Toy(TypedAnswer):
    omit_if_none = frozenset({"extra"})

    day: dt.date
    value: float | None
    extra: str | None = None


def test_typed_answer_json() -> None:
    toy = _Toy(day=dt.date(2024, 1, 1), value=math.nan)
    assert toy.to_json() == {"day": "2024-01-01", "value": None}
    assert _Toy(day=dt.date(2024, 1, 1), value=1.0, extra="x").to_json()["extra"] == "x"
    schema = _Toy.json_schema("toy", "toy")
    assert schema["required"] == ["day", "value"] and schema["$id"] == "toy.schema.json"
    assert jsonable({"a": (1, math.inf)}) == {"a": [1, None]}


@pytest.mark.parametrize(("text", "name"), [("nonstate:al-Qaeda", "al-Qaeda"),
                                            ("NonState: Wagner ", "Wagner")])
def test_nonstate_is_parsed_once(text: str, name: str) -> None:
    assert NonState.is_written(text) and NonState.parse(text) == NonState(name=name)


def test_nonstate_needs_a_name() -> None:
    with pytest.raises(UnknownStateError, match="needs a name"):
        NonState.parse("nonstate:  ")


@pytest.mark.usefixtures("store_home")
def test_one_resolver() -> None:
    from foedus.data.loaders import load_system
    from foedus.data.resolve import resolve_actor, resolve_alliance, resolve_place

    assert resolve_actor("cow:AUS", 1950).cow == 305  # COW's AUS is Austria
    assert resolve_actor("AUS", 2000).cow == 900      # ISO's AUS is Australia
    assert resolve_actor("nonstate:ISIS") == NonState(name="ISIS")
    system = load_system()
    assert resolve_alliance("NATO", system).id == "book:nato"
    assert resolve_alliance("NATO", system, "atop").id == "atop:3180"
    with pytest.raises(UnknownTreatyError, match="Unknown alliance"):
        resolve_alliance("Nowhere Pact", system)
    assert resolve_place("the Senkakus").id == resolve_place("senkaku_islands").id
