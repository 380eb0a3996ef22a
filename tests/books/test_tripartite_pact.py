"""The Tripartite Pact's Art. 3 in the historical book (books/history/tripartite_pact_1940.toml):
its class of adversaries, "a Power at present not involved in the European War or in the
Chinese-Japanese conflict", is the list derived from COW on 27 September 1940, and the
reliability opportunities read it."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.data.history import load_history

SIGNED = dt.date(1940, 9, 27)
GMY, ITA, JPN, HUN, ROM, BUL = 255, 325, 740, 310, 360, 355
USA, GRC, RUS, UKG, CHN = 2, 350, 365, 200, 710
EUROPEAN_WAR, SINO_JAPANESE = 139, 130


def _clause():
    (entry,) = [e for e in load_history() if e.atopid == 2515]
    (selection,) = entry.selections
    (clause,) = selection.clauses
    return selection, clause


def test_the_clause_is_art_3_for_every_member() -> None:
    selection, clause = _clause()
    assert selection.kinds == ("defense",) and selection.holders is None
    assert clause.basis.date == SIGNED and "Arts. 3, 5" in clause.basis.article
    adversaries = set(clause.adversaries)
    # the power the Pact was aimed at is in the class; the belligerents of the day are not
    assert USA in adversaries and GRC in adversaries
    assert not {GMY, ITA, JPN, UKG, CHN} & adversaries
    assert RUS not in adversaries                          # Art. 5


def test_the_class_is_the_cow_states_not_at_war_on_the_day(store_home) -> None:
    # recomputed from the store, independently of the file: the COW system members on
    # 1940-09-27, less the participants of World War II and of the Third Sino-Japanese war
    # that had entered by then, less the USSR (Art. 5)
    from foedus.data.store import connect

    with connect() as con:
        members = {int(c) for (c,) in con.execute(
            "select ccode from state_spells where start_date <= ? and end_date >= ?",
            [SIGNED, SIGNED]).fetchall()}
        involved = {int(c) for (c,) in con.execute(
            "select distinct ccode from wars where warnum in (?, ?) and start_date1 <= ?",
            [EUROPEAN_WAR, SINO_JAPANESE, SIGNED]).fetchall()}
    assert len(members) == 54 and {UKG, GMY, ITA, JPN, CHN} <= involved
    _, clause = _clause()
    assert set(clause.adversaries) == members - involved - {RUS}
    assert len(clause.adversaries) == 43


@pytest.fixture(scope="module")
def legs(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        from foedus.data.loaders import load_system
        from foedus.reliability.opportunities import opportunities

        system = load_system()
        hist = opportunities(system, end=1945, invocation="llm")
        pure = opportunities(system, end=1945, invocation="llm", history=False)
    pick = lambda f: f[(f["atopid"] == 2515) & (f["kind"] == "defense")]  # noqa: E731
    return pick(pure), pick(hist)


def _leg(frame, war, target, ally):
    sel = frame[(frame["war"] == war) & (frame["target"] == target) & (frame["ally"] == ally)]
    assert len(sel) == 1, (war, target, ally, len(sel))
    return sel.iloc[0]


def test_without_the_book_every_leg_is_undecidable(legs) -> None:
    pure, _ = legs
    assert len(pure) > 0 and pure["casus_foederis"].isna().all()


def test_enemies_of_the_signing_day_are_outside_the_class(legs) -> None:
    _, hist = legs
    # Japan's pledge to Italy, judged on 27 September 1940 against the British Empire
    row = _leg(hist, "cow:139", ITA, JPN)
    assert row["date"] == SIGNED and set(row["attackers"]) == {20, 200, 560, 900, 920}
    assert row["casus_foederis"] is False
    assert row["cf_reason"] == "named adversary not among the attackers"
    # China, at war with Japan since 1937, is involved in the Chinese-Japanese conflict
    row = _leg(hist, "cow:130", JPN, GMY)
    assert tuple(row["attackers"]) == (CHN,) and row["casus_foederis"] is False


def test_an_accession_during_the_greek_war_meets_the_class(legs) -> None:
    _, hist = legs
    # Hungary's accession of 20 November 1940 is judged (rule L2) against Italy's enemies
    # that day; Greece, neutral on 27 September 1940, is one of them
    row = _leg(hist, "cow:139", ITA, HUN)
    assert row["date"] == dt.date(1940, 11, 20) and GRC in set(row["attackers"])
    assert row["casus_foederis"] is True
    assert row["cf_reason"] == "named adversary among the attackers"
    assert row["outcome"] == "late_entry"                  # Hungary entered on 27 June 1941
