"""Checking book files (``foedus book check``), typed: every problem with file, line, field.

A file is read for what it is: a treaty book (``books/*.toml``), the crosswalk
(``[[decisions]]``, ``books/crosswalk.toml``) or a historical book (``atopid = …``,
``books/history/*.toml``). Once a treaty book validates, the ATOP alliances overlapping it
without a crosswalk decision are problems too (:mod:`foedus.model.overlaps`); that needs the
store (``foedus data build``), and is skipped with a note when there is none.
:func:`check_files` (``foedus.check_books``) returns a :class:`BookCheckAnswer`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from foedus import config
from foedus._validation import TypeOf, validate_params
from foedus.answer import TypedAnswer
from foedus.data.books import check_book, load_books, load_crosswalk, read_text
from foedus.data.history import check_history
from foedus.data.loaders import atop_treaties_from_store
from foedus.data.places import cow_abbreviations
from foedus.errors import BookError, Problem
from foedus.model.commitments import Treaty
from foedus.model.crosswalk import Crosswalk, check_crosswalk
from foedus.model.history import apply_history
from foedus.model.overlaps import overlaps, undecided
from foedus.model.toml_positions import key_lines, line_of
from foedus.provenance import Provenance

__all__ = ["BookCheckAnswer", "FileCheck", "ProblemJSON", "check_files", "kind_of"]

NO_STORE = ("ATOP not consulted (no store: run `foedus data build`); overlaps and ATOP ids "
            "not checked")


class ProblemJSON(TypedAnswer):
    """One problem: file, line (null if unknown), field (empty for the whole file) and
    message; ``str()`` of it is ``file:line: field: message``."""

    file: str
    line: int | None
    field: str
    message: str

    @classmethod
    def of(cls, p: Problem) -> ProblemJSON:
        """From a :class:`~foedus.errors.Problem`."""
        return cls(file=p.file, line=p.line, field=p.field, message=p.message)

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.field, self.message))


class FileCheck(TypedAnswer):
    """One file checked: what it is, whether it validated, and its problems (schema and
    content first, then undecided ATOP overlaps of a treaty book)."""

    file: str
    kind: Literal["treaty", "crosswalk", "history"]
    ok: bool
    summary: str | None
    problems: list[ProblemJSON]
    overlaps: list[ProblemJSON]


class BookCheckAnswer(TypedAnswer):
    """``foedus book check --json``: every file checked and the notes."""

    files: list[FileCheck]
    notes: list[str]
    provenance: Provenance

    @property
    def failed(self) -> int:
        """How many files have a problem."""
        return sum(not f.ok for f in self.files)


@validate_params({"text": [TypeOf(str, "the text of a TOML file")]}, caller="kind_of")
def kind_of(text: str) -> Literal["treaty", "crosswalk", "history"]:
    """What a book file is, from its top-level keys.

    Parameters
    ----------
    text
        The file's text (a syntax error reads as a treaty book, whose checker reports it).

    Returns
    -------
    str
        ``crosswalk`` (``[[decisions]]``), ``history`` (``atopid = …``) or ``treaty``.

    Raises
    ------
    ParameterError
        For a text that is not a string.

    References
    ----------
    .. [1] TOML v1.0.0. https://toml.io/en/v1.0.0

    Examples
    --------
    >>> kind_of("atopid = 1385"), kind_of('id = "nato"')
    ('history', 'treaty')
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "treaty"  # the treaty checker reports the syntax error with its line
    if "decisions" in raw:
        return "crosswalk"
    if "atopid" in raw:
        return "history"
    return "treaty"


class _Atop:
    """The ATOP treaties of the store, read once and only if needed (None: no store)."""

    def __init__(self) -> None:
        self.read, self.treaties, self.notes = False, None, []

    def __call__(self) -> list[Treaty] | None:
        if not self.read:
            self.read = True
            if config.store_path().is_file():
                self.treaties = atop_treaties_from_store()
            else:
                self.notes.append(NO_STORE)
        return self.treaties


def _unknown_ids(crosswalk: Crosswalk, text: str, file: str, atop: list[Treaty] | None
                 ) -> list[Problem]:
    """Problems for decisions naming a treaty that does not exist (ATOP ids only checked
    when the store is there)."""
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
                problems.append(Problem(file, line_of(lines, ("decisions", i, name)),
                                        f"decisions[{i}].{name}",
                                        f"no treaty {ref!r} (book or ATOP 5.1)"))
    return problems


def _overlap_problems(treaties: list[tuple[str, str, Treaty]], atop: list[Treaty],
                      crosswalk: Crosswalk) -> dict[str, list[Problem]]:
    """The undecided overlaps of the checked treaty books, by file."""
    checked = {t.id for _, _, t in treaties}
    shipped = [t for t in load_books() if t.id not in checked]
    book = shipped + [t for _, _, t in treaties]
    found = undecided(overlaps(book, atop, crosswalk, only=checked))
    abb = cow_abbreviations()
    out: dict[str, list[Problem]] = {}
    for path, text, treaty in treaties:
        line = line_of(key_lines(text), ("atopids",)) or line_of(key_lines(text), ("id",))
        for o in (o for o in found if o.book.id == treaty.id):
            shared = ", ".join(abb.get(s, str(s)) for s in o.shared)
            kinds = ", ".join(k.value for k in o.atop_kinds)
            out.setdefault(path, []).append(Problem(
                path, line, "atopids",
                f"{o.atop.id} ({o.atop.name}; {kinds}) overlaps {treaty.id} from "
                f"{o.first_day} ({shared}) and has no crosswalk decision "
                "(books/crosswalk.toml)"))
    return out


@validate_params({"files": [TypeOf((list, tuple), "a list of file paths")],
                  "crosswalk": [TypeOf((str, Path), "a file path"), None]},
                 caller="check_books")
def check_files(files: Sequence[str | Path], *, crosswalk: str | Path | None = None
                ) -> BookCheckAnswer:
    """Validate book files; never raises on a problem inside a file.

    Parameters
    ----------
    files
        Treaty books, crosswalk files or historical books, each read for what it is.
    crosswalk
        The crosswalk to judge a treaty book's ATOP overlaps by (default the shipped one).

    Returns
    -------
    BookCheckAnswer
        For each file its kind, whether it is ok, a one-line summary, and every problem as
        ``file:line: field: message``; notes (e.g. no store, so no ATOP checks).

    Raises
    ------
    BookError
        When a file cannot be read at all.

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> from importlib import resources
    >>> from pathlib import Path
    >>> nato = Path(str(resources.files("foedus").joinpath("books", "nato.toml")))
    >>> check_files([nato]).files[0].ok
    True
    """
    atop = _Atop()
    results: list[FileCheck] = []
    treaties: list[tuple[str, str, Treaty]] = []
    for path in files:
        name = str(path)
        text = read_text(path, "file")
        kind = kind_of(text)
        problems: list[Problem]
        summary = None
        if kind == "crosswalk":
            found, problems = check_crosswalk(text, name)
            if found is not None:
                problems = _unknown_ids(found, text, name, atop())
            summary = f"crosswalk: {len(found or ())} decisions"
        elif kind == "history":
            entry, problems = check_history(text, name)
            if entry is not None:
                treaties_atop = atop()
                if treaties_atop:
                    try:
                        apply_history(treaties_atop, [entry])
                    except BookError as exc:
                        problems = exc.problems
                    if not any(t.atopids == (entry.atopid,) for t in treaties_atop):
                        problems = [entry.problem(("atopid",), f"no ATOP alliance "
                                                  f"{entry.atopid}")]
            summary = f"historical book for ATOP {entry.atopid if entry else '?'}"
        else:
            treaty, problems = check_book(text, name)
            if treaty is not None:
                treaties.append((name, text, treaty))
                summary = (f"{treaty.name}: {len(treaty.members)} memberships, "
                           f"{len(treaty.obligations)} obligations")
        results.append(FileCheck(file=name, kind=kind, ok=not problems,
                                 summary=None if problems else summary,
                                 problems=[ProblemJSON.of(p) for p in problems], overlaps=[]))
    if treaties:
        treaties_atop = atop()
        if treaties_atop:
            cw = load_crosswalk(Path(crosswalk)) if crosswalk else load_crosswalk()
            found = _overlap_problems(treaties, treaties_atop, cw)
            for r in results:
                r.overlaps = [ProblemJSON.of(p) for p in found.get(r.file, [])]
                r.ok = r.ok and not r.overlaps
    names = ["cow_states", "capitals"] + (["atop_alliances", "atop_members", "atop_directed"]
                                          if atop.treaties else [])
    return BookCheckAnswer(files=results, notes=atop.notes,
                           provenance=Provenance.of(names, view="atop" if atop.treaties
                                                    else None))
