"""The book parser: valid books convert; every error has its true file, line and field;
malformed input never crashes it."""

from __future__ import annotations

from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.data.books import check_book
from foedus.model.toml_positions import key_lines

NATO = resources.files("foedus").joinpath("books", "nato.toml").read_text("utf-8")


def _line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth]


def test_nato_book_converts() -> None:
    treaty, problems = check_book(NATO, "nato.toml")
    assert problems == []
    assert treaty.id == "book:nato" and treaty.atopids == (3180,)
    estonia = next(m for m in treaty.members if m.state == 366)
    assert str(estonia.start) == "2004-03-29"  # deposit, not the 2003 protocol signature


def test_wrong_vocabulary_is_reported_at_its_line() -> None:
    text = NATO.replace('kind = "defense"', 'kind = "defence"')
    _, problems = check_book(text, "nato.toml")
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.line, p.field) == ("nato.toml", _line_of(text, '"defence"'),
                                         "obligations[0].kind")
    assert "defense" in p.message


def test_member_listed_twice() -> None:
    text = NATO.replace('state = "LTU"', 'state = "LVA"')
    _, problems = check_book(text, "nato.toml")
    assert [(p.line, p.field) for p in problems] == [
        (_line_of(text, 'state = "LVA"', 1), "members[23].state")]
    assert "listed twice" in problems[0].message


def test_end_before_start_and_before_1815() -> None:
    text = NATO.replace("start = 1982-05-30", "start = 1982-05-30\nend = 1980-01-01", 1)
    text = text.replace("signed = 1949-04-04", "signed = 1749-04-04")
    _, problems = check_book(text, "nato.toml")
    found = {(p.field, p.line) for p in problems}
    assert ("members[16].end", _line_of(text, "end = 1980-01-01")) in found
    assert ("signed", _line_of(text, "signed = 1749")) in found
    assert all(p.line is not None for p in problems)
    assert any("before 1815" in p.message for p in problems)


def test_unknown_state_names_the_field() -> None:
    text = NATO.replace('host = "EST"', 'host = "Atlantis"', 1)
    _, problems = check_book(text, "nato.toml")
    assert [(p.field, p.line) for p in problems] == [
        ("provisions.forward_forces[0].host", _line_of(text, '"Atlantis"'))]


def test_toml_syntax_error_has_the_parser_line() -> None:
    text = NATO.replace('name = "North Atlantic Treaty"', 'name = "North Atlantic Treaty')
    _, problems = check_book(text, "nato.toml")
    assert len(problems) == 1 and problems[0].line == _line_of(text, 'name = "North')
    assert problems[0].message.startswith("TOML syntax error")


def test_key_lines_follow_arrays_of_tables_and_multiline_values() -> None:
    text = ('a = """x\n[not]\n"""\nb = [\n 1,\n]\n[[o]]\nid = 1\n[o.c]\n'
            '[[o.c.s]]\nh = 2\n[[o]]\nid = 3\n[[o.c.s]]\nh = 4\n')
    lines = key_lines(text)
    assert lines[("a",)] == 1 and lines[("b",)] == 4 and ("not",) not in lines
    assert lines[("o", 0, "c", "s", 0, "h")] == 11
    assert lines[("o", 1, "id")] == 13 and lines[("o", 1, "c", "s", 0, "h")] == 15


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=400))
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    treaty, problems = check_book(text, "x.toml")
    assert (treaty is None) == bool(problems)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(0, len(NATO) - 1), st.integers(1, 40), st.text(max_size=8))
def test_never_crashes_on_a_damaged_book(at: int, cut: int, insert: str) -> None:
    text = NATO[:at] + insert + NATO[at + cut:]
    treaty, problems = check_book(text, "nato.toml")
    assert (treaty is None) == bool(problems)
    assert all(p.line is None or 1 <= p.line <= text.count("\n") + 1 for p in problems)
