"""Scenario and book files that once ended in a traceback, a hang or a wrong answer:
each is now one problem with its file and line (issue 20)."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.crisis.scenario import ScenarioError, check_scenario, load_scenario, with_overrides
from foedus.data.book_check import check_files
from foedus.errors import FileProblemsError
from foedus.model.toml_positions import MAX_BYTES, MAX_DEPTH, nesting_error, read_toml_text

BODY = 'name = "t"\ndate = 2024-07-01\ndraws = 100\nseed = 1\n{extra}\n' \
       '[[attack]]\nattacker = "RUS"\ntarget = "EST"\n'


def _problems(text: str, file: str = "s.toml", *, allow_outside: bool = False) -> list[str]:
    scenario, _, problems = check_scenario(text, file, allow_outside=allow_outside)
    assert scenario is None and problems
    return [str(p) for p in problems]


@pytest.mark.parametrize("text", [
    "x = " + "[" * 100_000 + "]" * 100_000,
    "x = " + "{a = " * 50_000 + "1" + "}" * 50_000,
])
def test_deep_nesting_is_refused_before_parsing(text: str) -> None:
    assert _problems(text) == [f"s.toml:1: arrays or inline tables nested more than "
                               f"{MAX_DEPTH} deep"]


def test_nesting_inside_strings_and_comments_does_not_count() -> None:
    text = 'a = "' + "[" * 200 + '"\nb = \'' + "{" * 200 + "'\n# " + "[" * 200 + \
        '\nc = """\n' + "[" * 200 + '\n"""\n'
    assert nesting_error(text) is None


@given(st.integers(min_value=1, max_value=3 * MAX_DEPTH))
def test_nesting_limit_is_exact(depth: int) -> None:
    found = nesting_error("x = " + "[" * depth + "]" * depth)
    assert (found is None) == (depth <= MAX_DEPTH)


@pytest.mark.parametrize(("extra", "field"), [
    ("[challenger]\nvalue = nan", "challenger.value"),
    ("[challenger]\nvalue = [0.5, inf]", "challenger.value[1]"),
    ("[challenger]\nnuclear_cost = inf", "challenger.nuclear_cost"),
    ("[challenger]\ncost_tolerance = -inf", "challenger.cost_tolerance"),
    ("[allies]\ncredibility_shift = nan", "allies.credibility_shift"),
    ("[allies]\ncredibility_shift = -inf", "allies.credibility_shift"),
])
def test_nan_and_infinity_are_refused_with_their_line(extra: str, field: str) -> None:
    (problem,) = _problems(BODY.format(extra=extra))
    assert problem.startswith(f"s.toml:6: {field}: must be a finite number")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, [1.0, math.nan]])
def test_overrides_refuse_nan_and_infinity(value) -> None:
    scenario, _, problems = check_scenario(BODY.format(extra=""), "s.toml")
    assert problems == []
    with pytest.raises(ScenarioError, match="must be a finite number"):
        with_overrides(scenario, {"allies.credibility_shift": value})


@pytest.mark.parametrize("key", ["draws", "seed"])
def test_booleans_are_not_counts(key: str) -> None:
    text = BODY.format(extra="").replace(f"{key} = {'100' if key == 'draws' else '1'}",
                                         f"{key} = true")
    (problem,) = _problems(text)
    assert f"{key}: must be a whole number, not true" in problem


def test_a_state_attacking_itself_is_refused() -> None:
    text = BODY.format(extra="").replace('attacker = "RUS"', 'attacker = "Estonia"')
    assert any("the target is the attacker" in p for p in _problems(text))


@pytest.mark.parametrize("base", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_as_base_is_refused_unread(base: str) -> None:
    (problem,) = _problems(f'base = "{base}"\n' + BODY.format(extra=""))
    assert problem.startswith("s.toml:1: base: ") and "outside the scenario's folder" in problem
    (problem,) = _problems(f'base = "{base}"\n' + BODY.format(extra=""), allow_outside=True)
    assert problem.startswith("s.toml:1: base: cannot read base scenario") and \
        "not a regular file" in problem


def test_scenario_files_must_be_regular_and_small(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario("/dev/zero")
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # opening a FIFO would wait for a writer forever
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(fifo)
    with pytest.raises(ScenarioError, match="it is a folder"):
        load_scenario(tmp_path)
    big = tmp_path / "big.toml"
    big.write_text(BODY.format(extra="") + "# " + "x" * MAX_BYTES + "\n")
    with pytest.raises(ScenarioError, match=r"is 1\.0 MB; files of ours are at most 1 MB"):
        load_scenario(big)


def test_read_toml_text_reads_small_regular_files(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text("a = 1\n")
    assert read_toml_text(path, "book") == "a = 1\n"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_toml_text(path, "book")


def _duplicates(n: int) -> str:
    member = ('\n[[members]]\nstate = "USA"\nstart = 1950-01-01\nbasis = { article = "1", '
              'date = 1950-01-01, source = "t" }\n')
    return ('id = "dups"\nname = "Duplicates"\nkind = "treaty"\nsigned = 1950-01-01\n'
            'in_force = 1950-01-01\nsources = ["t"]\n' + member * n)


def test_repeated_members_are_grouped(tmp_path: Path) -> None:
    path = tmp_path / "dups.toml"
    path.write_text(_duplicates(1000))
    (checked,) = check_files([path]).files
    repeats = [p for p in checked.problems if "listed" in p.message]
    assert len(repeats) == 1  # 500,500 lines before
    assert repeats[0].line == 14 and repeats[0].field == "members[1].state"
    assert "999 entries overlap an earlier one (members[1], members[2]" in repeats[0].message


def test_one_repeat_keeps_its_pair_message(tmp_path: Path) -> None:
    path = tmp_path / "dups.toml"
    path.write_text(_duplicates(2))
    (checked,) = check_files([path]).files
    assert [p.message for p in checked.problems if "listed" in p.message] == [
        "state 'USA' is listed twice (overlaps members[0])"]


def test_a_book_over_the_limit_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(_duplicates(1) + "# " + "x" * (7 * MAX_BYTES) + "\n")
    with pytest.raises(FileProblemsError, match=r"is 7\.0 MB"):
        check_files([path])


def test_the_obligations_query_refuses_a_state_attacking_itself(store_home: Path) -> None:
    from foedus.data.loaders import load_system
    from foedus.errors import ParameterError
    from foedus.query.obligations import obligations

    with pytest.raises(ParameterError, match="also an attacker"):
        obligations(load_system(), as_of=dt.date(2024, 7, 1), attackers=[366], target=366)


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A scenario folder ``cases/`` with a base in ``cases/sub/`` and one beside it."""
    cases = tmp_path / "cases"
    (cases / "sub").mkdir(parents=True)
    (cases / "sub" / "inner.toml").write_text(BODY.format(extra=""), "utf-8")
    (tmp_path / "outer.toml").write_text(BODY.format(extra=""), "utf-8")
    return cases, tmp_path / "outer.toml"


def test_a_base_inside_the_folder_tree_is_read(tmp_path: Path, store_home: Path) -> None:
    cases, _ = _tree(tmp_path)
    path = cases / "s.toml"
    path.write_text('base = "sub/inner.toml"\nname = "mine"\n', "utf-8")
    scenario, _ = load_scenario(path)
    assert scenario.name == "mine" and scenario.draws == 100


def test_a_base_outside_the_folder_tree_needs_allow_outside(tmp_path: Path,
                                                             store_home: Path) -> None:
    cases, outer = _tree(tmp_path)
    for base in ("../outer.toml", str(outer)):
        path = cases / "s.toml"
        path.write_text(f'base = "{base}"\nname = "mine"\n', "utf-8")
        with pytest.raises(ScenarioError, match=r"s\.toml:1: base: .* is outside the "
                                                r"scenario's folder .*--allow-outside"):
            load_scenario(path)
        scenario, _ = load_scenario(path, allow_outside=True)
        assert scenario.name == "mine"
    # a base's own base is held to the first scenario's folder tree too
    (cases / "sub" / "inner.toml").write_text('base = "../../outer.toml"\n', "utf-8")
    path.write_text('base = "sub/inner.toml"\n', "utf-8")
    with pytest.raises(ScenarioError, match=r"inner\.toml:1: base: .* is outside"):
        load_scenario(path)
    # a symbolic link inside the tree that leads outside is outside
    (cases / "link.toml").symlink_to(outer)
    path.write_text('base = "link.toml"\n', "utf-8")
    with pytest.raises(ScenarioError, match="is outside"):
        load_scenario(path)


@pytest.mark.parametrize("allow_outside", [False, True])
def test_a_loop_of_symbolic_links_is_one_problem(tmp_path: Path, allow_outside: bool) -> None:
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    (problem,) = _problems('base = "a.toml"\n' + BODY.format(extra=""),
                           str(tmp_path / "s.toml"), allow_outside=allow_outside)
    assert problem.startswith(f"{tmp_path / 's.toml'}:1: base: a.toml") and "loop" in problem
    # the scenario file itself a loop: one line, not a traceback
    with pytest.raises(ScenarioError, match=r"cannot read scenario .*symbolic links"):
        load_scenario(tmp_path / "a.toml")
