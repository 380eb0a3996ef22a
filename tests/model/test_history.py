"""The historical book (books/history/*.toml): its format and checks, its content applied to
the legal view (and to ATOP on request), and the ATOP view left exactly ATOP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from foedus.data.history import check_history, history_paths, load_history
from foedus.errors import BookError
from foedus.model.history import apply_history

D = dt.date.fromisoformat
FRN, RUS, GMY, AUH, ITA, UKG, JPN = 220, 365, 255, 300, 325, 200, 740

GOOD = '''atopid = 1385
name = "Franco-Russian military convention"
sources = ["text"]

[[conditions]]
kinds = ["defense"]

[[conditions.clauses]]
adversaries = ["cow:GMY"]
article = { article = "Art. 1", date = 1892-08-17 }
'''


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


class TestFormat:
    def test_shipped_files_load(self) -> None:
        entries = load_history()
        assert {1385, 1350, 1415, 2440, 3075, 3180} <= {e.atopid for e in entries}
        assert {p.stem for p in history_paths()} == {e.slug for e in entries}
        for e in entries:
            assert e.sources
            if not (e.text_available and e.encodable):
                # marked: no content, and the reason in the note
                assert not e.selections and len(e.note) > 40
                continue
            assert e.selections
            for sel in e.selections:
                for clause in sel.clauses:
                    assert clause.basis.article and clause.basis.date is not None

    def test_good_file(self) -> None:
        entry, problems = check_history(GOOD, "h.toml")
        assert problems == [] and entry.atopid == 1385 and entry.flag == "history:h"
        (sel,) = entry.selections
        assert sel.clauses[0].adversaries == (GMY,)

    @pytest.mark.parametrize(("old", "new", "field", "why"), [
        ('kinds = ["defense"]', 'kinds = ["defence"]', "conditions[0].kinds[0]", "Input should be"),
        ('adversaries = ["cow:GMY"]', 'adversaries = ["cow:XYZ"]',
         "conditions[0].clauses[0].adversaries[0]", "XYZ"),
        ('adversaries = ["cow:GMY"]', 'note = "no content"', "conditions[0].clauses[0]",
         "needs adversaries, min_attackers, scope, scope_of or conflict"),
        ('atopid = 1385', 'atopid = 0', "atopid", "greater than or equal to 1"),
        ('article = { article = "Art. 1", date = 1892-08-17 }', 'members = ["FRA"]',
         "conditions[0].clauses[0]", ""),
    ])
    def test_bad_entries_name_file_line_and_field(self, old, new, field, why) -> None:
        text = GOOD.replace(old, new)
        entry, problems = check_history(text, "h.toml")
        assert entry is None and problems
        p = next(p for p in problems if p.field.startswith(field))
        assert p.file == "h.toml" and p.line is not None and why in p.message
        assert 1 <= p.line <= text.count("\n") + 1

    def test_scope_of_borrows_a_book_obligation(self) -> None:
        text = GOOD.replace('adversaries = ["cow:GMY"]', 'scope_of = "book:nato#art5"')
        entry, problems = check_history(text, "h.toml")
        assert problems == []
        (clause,) = entry.selections[0].clauses
        from foedus.data.books import book_paths, load_book

        nato = load_book(next(p for p in book_paths() if p.stem == "nato"))
        assert clause.scope == next(o for o in nato.obligations if o.id == "art5").condition.scope
        bad = GOOD.replace('adversaries = ["cow:GMY"]', 'scope_of = "book:nato#art99"')
        entry, problems = check_history(bad, "h.toml")
        assert entry is None and problems[0].field == "conditions[0].clauses[0].scope_of"
        assert problems[0].line == _line(bad, "scope_of") and "art99" in problems[0].message
        both = bad.replace('scope_of = "book:nato#art99"', 'scope_of = "book:nato#art5"\n'
                           'scope = []')
        assert "not both" in check_history(both, "h.toml")[1][0].message

    def test_conflict_only_in_a_single_clause(self, built_home) -> None:
        from foedus.data.atop_model import atop_treaties
        from foedus.data.store import connect

        with connect(built_home / "foedus.duckdb") as con:
            atop = atop_treaties(con)
        # ATOP 1415, phase 2: the United Kingdom's offence codes a specific conflict
        one = """atopid = 1415
name = "Anglo-Japanese"
sources = ["text"]

[[conditions]]
kinds = ["offense"]
holders = ["cow:UKG"]
phases = [2]

[[conditions.clauses]]
conflict = "cow:85"
article = { article = "Art. VI", date = 1905-08-12 }
"""
        entry, problems = check_history(one, "h.toml")
        assert problems == []
        (treaty,) = [t for t in apply_history(atop, [entry]) if t.id == "atop:1415"]
        offence = [o for o in treaty.obligations if o.kind.value == "offense" and o.phase == 2]
        assert [o.condition.specific_conflict for o in offence] == ["cow:85"]
        two = one + """
[[conditions.clauses]]
min_attackers = 2
article = { article = "Art. VI", date = 1905-08-12 }
"""
        entry, _ = check_history(two, "h.toml")
        with pytest.raises(BookError, match="single clause"):
            apply_history(atop, [entry])
        # a conflict where ATOP codes none (phase 1 codes no specific conflict)
        entry, _ = check_history(one.replace("phases = [2]", "phases = [1]"), "h.toml")
        with pytest.raises(BookError, match="no specific-conflict condition"):
            apply_history(atop, [entry])

    def test_not_encodable_needs_the_reason(self) -> None:
        bare = GOOD.split("[[conditions]]")[0]
        assert "encodable = false" in check_history(bare, "h.toml")[1][0].message
        entry, problems = check_history(bare + 'encodable = false\nnote = "a demand"\n',
                                        "h.toml")
        assert problems == [] and not entry.encodable and entry.text_available
        _, problems = check_history(bare + "encodable = false\n", "h.toml")
        assert "needs the reason" in problems[0].message

    def test_no_conditions_needs_the_reason(self) -> None:
        bare = GOOD.split("[[conditions]]")[0]
        assert "text_available = false" in check_history(bare, "h.toml")[1][0].message
        marked = bare + 'text_available = false\nnote = "text not available here: ..."\n'
        entry, problems = check_history(marked, "h.toml")
        assert problems == [] and not entry.text_available

    def test_syntax_error_has_its_line(self) -> None:
        _, problems = check_history(GOOD.replace('name = "Franco', 'name = Franco'), "h.toml")
        assert problems[0].line == 2 and "TOML syntax error" in problems[0].message

    def test_two_files_for_one_alliance(self, tmp_path: Path) -> None:
        a, b = tmp_path / "a.toml", tmp_path / "b.toml"
        a.write_text(GOOD)
        b.write_text(GOOD)
        with pytest.raises(BookError, match="already has a historical entry"):
            load_history([a, b])


@pytest.fixture(scope="module")
def atop(built_home):
    from foedus.data.atop_model import atop_treaties
    from foedus.data.store import connect

    with connect(built_home / "foedus.duckdb") as con:
        return atop_treaties(con)


@pytest.fixture(scope="module")
def system(atop):
    from foedus.data.books import load_books
    from foedus.data.loaders import commitment_system

    return commitment_system(atop, load_books())


class TestApply:
    def test_content_only_where_atop_codes_a_condition(self, atop) -> None:
        # ATOP 1380 (the 1891 entente) codes no adversary condition: content is refused
        text = GOOD.replace("atopid = 1385", "atopid = 1380").replace(
            'kinds = ["defense"]', 'kinds = ["consultation"]')
        entry, _ = check_history(text, "h.toml")
        with pytest.raises(BookError) as info:
            apply_history(atop, [entry])
        problems = info.value.problems
        assert len(problems) == 2   # France's and Russia's consultation obligations
        for problem in problems:
            assert problem.field == "conditions[0].clauses[0].adversaries"
            assert problem.line == _line(text, "adversaries")
            assert "content only" in problem.message

    def test_a_selection_must_match(self, atop) -> None:
        text = GOOD.replace('kinds = ["defense"]', 'kinds = ["offense"]')
        entry, _ = check_history(text, "h.toml")
        with pytest.raises(BookError, match="no obligation of ATOP 1385 matches"):
            apply_history(atop, [entry])

    def test_recorded_adversaries_must_stay(self, atop) -> None:
        # ATOP 1350 records France: a clause naming only Russia would drop it
        text = GOOD.replace("atopid = 1385", "atopid = 1350").replace('"cow:GMY"', '"cow:RUS"')
        entry, _ = check_history(text, "h.toml")
        with pytest.raises(BookError, match="leave out"):
            apply_history(atop, [entry])

    def test_nothing_but_conditions_changes(self, atop) -> None:
        applied = apply_history(atop, load_history())
        assert len(applied) == len(atop)
        changed = [(a, b) for a, b in zip(atop, applied, strict=True) if a != b]
        authored = {f"atop:{e.atopid}" for e in load_history()
                    if e.text_available and e.encodable}
        assert {a.id for a, _ in changed} == authored
        for a, b in changed:
            assert a.members == b.members and a.signed == b.signed and a.ended == b.ended
            assert [o.id for o in a.obligations] == [o.id for o in b.obligations]
            for oa, ob in zip(a.obligations, b.obligations, strict=True):
                assert oa.model_copy(update={"condition": ob.condition,
                                             "flags": ob.flags}) == ob
                assert oa.kind is ob.kind and oa.holders == ob.holders
                assert oa.start == ob.start and oa.end == ob.end

    def test_franco_russian_names_germany(self, atop) -> None:
        t = next(t for t in apply_history(atop, load_history()) if t.id == "atop:1385")
        for o in t.obligations:
            assert o.condition.adversaries == (GMY,) and o.condition.adversary_recorded
            assert "history:franco_russian_1892" in o.flags

    def test_anglo_polish_offence_location(self, atop) -> None:
        t = next(t for t in apply_history(atop, load_history()) if t.id == "atop:2440")
        offence = [o for o in t.obligations if o.kind.value == "offense"]
        assert offence and all(o.condition.location_recorded for o in offence)
        assert {"danzig", "homeland:BEL", "homeland:NTH", "homeland:LIT"} == set(
            offence[0].condition.scope[0].places)


class TestViews:
    def test_the_atop_view_is_exactly_atop(self, system, atop) -> None:
        assert system.treaties("atop") == tuple(atop)
        assert system.as_of(D("1914-08-01"), "atop").treaties == tuple(
            t for t in atop if t in system.as_of(D("1914-08-01"), "atop").treaties)
        plain = next(t for t in system.treaties("atop") if t.id == "atop:1385")
        assert not plain.obligations[0].condition.adversary_recorded

    def test_atop_with_history_for_the_reliability_code(self, system) -> None:
        snap = system.as_of(D("1914-08-01"), "atop", history=True)
        pledges = [p for p in snap.pledges(beneficiary=RUS) if p.treaty.id == "atop:1385"]
        assert [(p.holder, p.obligation.condition.adversaries) for p in pledges] == [
            (FRN, (GMY,))]
        assert snap.crosswalk is None   # the ATOP view never applies the crosswalk

    def test_dyad_years_still_equal_the_published_extract(self, system, built_home) -> None:
        from foedus.data.store import connect
        from foedus.model.dyads import COLUMNS, directed_dyad_years

        with connect(built_home / "foedus.duckdb") as con:
            published = con.execute("SELECT * FROM atop_directed_dyad_years").df()
        expected = published.sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
        for treaties in (system.treaties("atop"), system.treaties("atop", history=True)):
            pd.testing.assert_frame_equal(directed_dyad_years(list(treaties)),
                                          expected[list(COLUMNS)])
