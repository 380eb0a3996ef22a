"""tools/modern_pledges.py: the modern pledges' credibility table, regenerated and compared
with docs/credibility.md (so the doc cannot go stale), and its rows checked against the
model they come from."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import REPO, load_tool, session_store

DAY = dt.date(2024, 7, 1)


@pytest.fixture(scope="module")
def tool():
    return load_tool("modern_pledges")


@pytest.fixture(scope="module")
def table(tool, built_home, mirror):
    with session_store(built_home, mirror):
        yield tool.rows(DAY)


def test_the_doc_holds_the_table_the_tool_prints(tool, table):
    doc = (REPO / "docs" / "credibility.md").read_text()
    assert tool.doc_table(doc) == tool.markdown(table, DAY)


def test_every_listed_pair_is_answered_once_for_the_engine(tool, table):
    pairs = {(a, p, x) for a, p, x in tool.PLEDGES}
    assert {(r["ally"], r["partner"], r["against"]) for r in table} == pairs
    for pair in pairs:
        mine = [r for r in table if (r["ally"], r["partner"], r["against"]) == pair]
        assert sum(r["engine"] for r in mine) == (0 if mine[0]["kind"] == "no pledge" else 1)


def test_rows_carry_intervals_and_support(table):
    from foedus.credibility import load
    from foedus.crisis.fitted import load as load_crisis_fit

    spec = load().spec
    informal = load_crisis_fit()["informal"]
    for r in table:
        if r["kind"] == "no pledge":
            continue
        assert 0 <= r["lower"] <= r["mean"] <= r["upper"] <= 1
        assert r["support"]
        if r["formal"]:
            assert r["spec"] == spec
            # a profile without a training case says so, with the kind-era count
            assert r["support"].startswith("none (0 of ") or " honoured " in r["support"]
        else:
            assert r["mean"] == pytest.approx(informal["mean"])
            assert [r["lower"], r["upper"]] == pytest.approx(informal["interval"])


def test_the_known_pledges_are_found(table):
    by = {(r["ally"], r["partner"]): r for r in table if r["engine"]}
    assert "North Atlantic Treaty" in by[("USA", "EST")]["treaty"]
    assert by[("USA", "EST")]["formal"]
    assert "Taiwan Relations Act" in by[("USA", "TWN")]["treaty"]
    assert not by[("USA", "TWN")]["formal"]
    assert "ANZUS" in by[("AUS", "USA")]["treaty"]
    assert not by[("USA", "UKR")]["formal"]


def test_write_doc_replaces_only_the_table(tool, tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"before\n{tool.START}\nold\n{tool.END}\nafter\n")
    tool.write_doc("| new |\n", page)
    assert page.read_text() == f"before\n{tool.START}\n| new |\n{tool.END}\nafter\n"
    with pytest.raises(ValueError):
        tool.doc_table("no markers here")
