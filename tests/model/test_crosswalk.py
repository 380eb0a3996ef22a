"""The treaty crosswalk (books/crosswalk.toml): parsing, errors with file:line, look-ups."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from foedus.config import store_path
from foedus.data.books import book_paths, crosswalk_path, load_books, load_crosswalk
from foedus.model.crosswalk import Relation, check_crosswalk


def test_shipped_crosswalk_loads_and_is_not_a_treaty_book() -> None:
    crosswalk = load_crosswalk()
    assert len(crosswalk) >= 3
    assert crosswalk_path() not in book_paths()


def test_oas_charter_defence_is_nested_in_rio() -> None:
    crosswalk = load_crosswalk()
    decision = crosswalk.relation("atop:3150", "defense", dt.date(1982, 4, 2))
    assert decision is not None and decision.relation is Relation.NESTED_IN
    assert decision.other == "atop:3075"
    # the Charter's consultation obligation is its own
    assert crosswalk.relation("atop:3150", "consultation", dt.date(1982, 4, 2)) is None


def test_arab_league_pact_consultation_nested_only_from_the_defence_treaty() -> None:
    crosswalk = load_crosswalk()
    assert crosswalk.relation("atop:3015", "consultation", dt.date(1948, 5, 15)) is None
    assert crosswalk.relation("atop:3015", "consultation", dt.date(1956, 10, 29)) is not None


def test_brussels_and_nato_concurrent_until_2011() -> None:
    crosswalk = load_crosswalk()
    assert crosswalk.concurrent("atop:3180", "defense", dt.date(1990, 1, 1)) == ["atop:3130"]
    assert crosswalk.concurrent("atop:3130", "defense", dt.date(1990, 1, 1)) == ["atop:3180"]
    assert crosswalk.concurrent("atop:3180", "defense", dt.date(2012, 1, 1)) == []


@pytest.mark.usefixtures("store_home")
def test_every_id_names_a_treaty_that_exists() -> None:
    con = duckdb.connect(str(store_path()), read_only=True)
    try:
        atop = {r[0] for r in con.execute("select atopid from atop_alliances").fetchall()}
    finally:
        con.close()
    books = {t.id for t in load_books()}
    for d in load_crosswalk():
        for ref in (d.treaty, d.other):
            kind, _, key = ref.partition(":")
            assert (int(key) in atop) if kind == "atop" else (ref in books), ref


BAD = '''
[[decisions]]
treaty = "atop:3150"
relation = "nested_in"
other = "atop:3075"
kinds = ["defense"]
reason = "x"
source = "y"

[[decisions]]
treaty = "atop:3150"
relation = "swallowed_by"
other = "atop:3075"
kinds = ["defense"]
reason = "x"
source = "y"
'''


def test_bad_relation_is_reported_with_line_and_field() -> None:
    crosswalk, problems = check_crosswalk(BAD, "cw.toml")
    assert crosswalk is None
    assert [str(p).split(": ")[0:2] for p in problems] == [["cw.toml:12", "decisions[1].relation"]]


def test_duplicate_decision_and_self_reference() -> None:
    dup = BAD.replace("swallowed_by", "nested_in")
    _, problems = check_crosswalk(dup, "cw.toml")
    assert len(problems) == 1 and "already have a decision for defense" in problems[0].message
    self_ref = BAD.split("[[decisions]]")[1].replace('other = "atop:3075"', 'other = "atop:3150"')
    _, problems = check_crosswalk("[[decisions]]" + self_ref, "cw.toml")
    assert problems and "related to itself" in problems[0].message


def test_superseded_needs_a_start_and_syntax_errors_have_lines() -> None:
    text = BAD.split("[[decisions]]")[1].replace("nested_in", "superseded_by")
    _, problems = check_crosswalk("[[decisions]]" + text, "cw.toml")
    assert problems and "needs the start date" in problems[0].message
    _, problems = check_crosswalk("[[decisions]]\ntreaty = \n", "cw.toml")
    assert problems[0].line == 2
