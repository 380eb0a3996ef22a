"""``foedus book check FILE``: validate a book and print every problem with file:line.

A FILE is read for what it is: a treaty book (``books/*.toml``), the crosswalk
(``[[decisions]]``, ``books/crosswalk.toml``) or a historical book (``atopid = …``,
``books/history/*.toml``). Once a treaty book validates, the ATOP alliances overlapping it
without a crosswalk decision are reported as problems too (:mod:`foedus.model.overlaps`);
that needs the store (``foedus data build``), and is skipped with a note when there is none.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated

import typer

from foedus.cli.output import err, out

app = typer.Typer(help="Validate books of commitments (TOML).", no_args_is_help=True)


def _kind(text: str) -> str:
    """"crosswalk", "history" or "treaty", from the file's top-level keys."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "treaty"  # the treaty checker reports the syntax error with its line
    if "decisions" in raw:
        return "crosswalk"
    if "atopid" in raw:
        return "history"
    return "treaty"


def _atop():
    """The ATOP treaties from the store, or None (with a note) when there is no store."""
    from foedus import config
    from foedus.data.atop_model import atop_treaties
    from foedus.data.store import connect

    if not config.store_path().is_file():
        err.print("note: ATOP not consulted (no store: run `foedus data build`); overlaps "
                  "and ATOP ids not checked", highlight=False, soft_wrap=True)
        return None
    with connect() as con:
        return atop_treaties(con)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Book files to check.")],
          crosswalk: Annotated[Path | None, typer.Option(
              "--crosswalk", help="Crosswalk file to judge overlaps by (default: the "
              "shipped books/crosswalk.toml).")] = None) -> None:
    """Validate each FILE; print every error as FILE:LINE: FIELD: MESSAGE (exit 1 if any)."""
    from foedus.data.books import check_book, load_books, load_crosswalk
    from foedus.errors import BookError, BookProblem
    from foedus.model.crosswalk import check_crosswalk
    from foedus.model.history import apply_history, check_history

    failed = 0
    treaties = []
    atop: list | bool | None = False  # False: not read yet
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BookError(f"cannot read {path}: {exc}") from None
        kind = _kind(text)
        problems: list[BookProblem]
        if kind == "crosswalk":
            found, problems = check_crosswalk(text, str(path))
            if found is not None:
                atop = _atop() if atop is False else atop
                problems = _unknown_ids(found, text, str(path), atop)
            summary = f"crosswalk: {len(found or ())} decisions"
        elif kind == "history":
            entry, problems = check_history(text, str(path))
            if entry is not None:
                atop = _atop() if atop is False else atop
                if atop:
                    try:
                        apply_history(atop, [entry])
                    except BookError as exc:
                        problems = exc.problems
                    if not any(t.atopids == (entry.atopid,) for t in atop):
                        problems = [entry.problem(("atopid",), f"no ATOP alliance "
                                                  f"{entry.atopid}")]
            summary = f"historical book for ATOP {entry.atopid if entry else '?'}"
        else:
            treaty, problems = check_book(text, str(path))
            if treaty is not None:
                treaties.append((path, text, treaty))
                summary = (f"{treaty.name}: {len(treaty.members)} memberships, "
                           f"{len(treaty.obligations)} obligations")
        for problem in problems:
            err.print(str(problem), highlight=False, soft_wrap=True)
        if problems:
            failed += 1
        else:
            out.print(f"{path}: ok — {summary}", highlight=False)
    if treaties:
        atop = _atop() if atop is False else atop
        if atop:
            cw = load_crosswalk(crosswalk) if crosswalk else load_crosswalk()
            shipped = [t for t in load_books() if t.id not in {t.id for _, _, t in treaties}]
            failed += _report_overlaps(treaties, shipped, atop, cw)
    if failed:
        raise typer.Exit(1)


def _unknown_ids(crosswalk, text: str, file: str, atop) -> list:
    """Problems for decisions naming a treaty that does not exist (ATOP ids only checked
    when the store is there)."""
    from foedus.data.books import load_books
    from foedus.errors import BookProblem
    from foedus.model.toml_positions import key_lines, line_of

    books = {t.id for t in load_books()}
    known_atop = None if not atop else {a for t in atop for a in t.atopids}
    lines, problems = key_lines(text), []
    for i, d in enumerate(crosswalk):
        for name in ("treaty", "other"):
            ref = getattr(d, name)
            kind, _, key = ref.partition(":")
            missing = (ref not in books) if kind == "book" else (
                known_atop is not None and int(key) not in known_atop)
            if missing:
                problems.append(BookProblem(file, line_of(lines, ("decisions", i, name)),
                                            f"decisions[{i}].{name}",
                                            f"no treaty {ref!r} (book or ATOP 5.1)"))
    return problems


def _report_overlaps(treaties, shipped, atop, crosswalk) -> int:
    """Print the undecided overlaps of the checked treaty books; the number of files with
    one."""
    from foedus.data.places import cow_abbreviations
    from foedus.errors import BookProblem
    from foedus.model.overlaps import overlaps, undecided
    from foedus.model.toml_positions import key_lines, line_of

    book = shipped + [t for _, _, t in treaties]
    found = undecided(overlaps(book, atop, crosswalk, only={t.id for _, _, t in treaties}))
    bad = 0
    abb = cow_abbreviations()
    for path, text, treaty in treaties:
        mine = [o for o in found if o.book.id == treaty.id]
        line = line_of(key_lines(text), ("atopids",)) or line_of(key_lines(text), ("id",))
        for o in mine:
            shared = ", ".join(abb.get(s, str(s)) for s in o.shared)
            kinds = ", ".join(k.value for k in o.atop_kinds)
            err.print(str(BookProblem(
                str(path), line, "atopids",
                f"{o.atop.id} ({o.atop.name}; {kinds}) overlaps {treaty.id} from "
                f"{o.first_day} ({shared}) and has no crosswalk decision "
                "(books/crosswalk.toml)")), highlight=False, soft_wrap=True)
        bad += bool(mine)
    return bad
