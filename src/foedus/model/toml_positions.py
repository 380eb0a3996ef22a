"""Line numbers of the keys and tables of a TOML text, for error messages.

:func:`parse_toml` is the one TOML loader of our own files (treaty books, the crosswalk,
historical books, the places book, scenarios): it parses a text, validates it with a
pydantic schema and reports every problem as a :class:`~foedus.errors.Problem` with its
file, line and field; it never raises on bad input and reads no file (the data layer reads
them: :mod:`foedus.data.books`).

Books are validated after parsing; a message must still say on which line the offending
field stands (issue 3: "never invent line numbers"). tomlkit reports the line of a syntax
error but keeps no positions for parsed items, so this module reads the structure of the
(already syntax-checked) text line by line: table headers, array-of-tables headers and
``key = value`` lines, skipping the inside of multi-line arrays and strings. Each position
is keyed by the path pydantic reports in its errors, e.g.
``("obligations", 2, "condition", "scope", 0, "hits")``. A field inside an inline table or a
multi-line array is reported at the line of the key that holds it.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from foedus.errors import Problem

__all__ = ["MAX_BYTES", "MAX_DEPTH", "field_path", "key_lines", "line_of", "nesting_error",
           "parse_toml", "read_toml_text", "syntax_error"]

#: The largest file of ours read (a scenario or a book): larger ones are refused with their
#: size (the largest book shipped is under 100 kB).
MAX_BYTES = 1_000_000
#: The deepest nesting of arrays and inline tables parsed: Python's TOML parser recurses
#: once a level, and 100,000 levels end in RecursionError.
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
                  r'(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\'))*)\s*=\s*(.*)$')


def _split_key(text: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', text)
    return [a or b or c for a, b, c in parts]


def _structure(text: str, state: list[str | None]) -> Iterator[str]:
    """The brackets, braces and newlines of a TOML text that stand outside strings and
    comments, in order; ``state[0]`` is left holding the delimiter of a string still open
    at the end (None if none)."""
    i, in_str, n = 0, None, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            yield ch
            if in_str in ('"', "'"):  # a one-line string ends at the line's end
                in_str = None
        if in_str:
            if text.startswith(in_str, i):
                i += len(in_str)
                in_str = None
                continue
            if ch == "\\" and in_str in ('"', '"""'):
                i += 2
                continue
        elif text.startswith(('"""', "'''"), i):
            in_str = text[i:i + 3]
            i += 3
            continue
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "[]{}":
            yield ch
        i += 1
    state[0] = in_str


def _open_brackets(value: str) -> tuple[int, str | None]:
    """Net bracket depth opened by a value, and the delimiter of a multi-line string that
    stays open at the end of the line (None if none)."""
    state: list[str | None] = [None]
    depth = sum(1 if ch in "[{" else -1 for ch in _structure(value, state) if ch != "\n")
    return depth, state[0] if state[0] in ('"""', "'''") else None


def nesting_error(text: str, limit: int = MAX_DEPTH) -> tuple[int, str] | None:
    """The line and message of the first array or inline table nested deeper than
    ``limit`` (None if none), found by a scan of the text before it is parsed.

    Examples
    --------
    >>> nesting_error("x = [[1], [2]]") is None
    True
    >>> nesting_error("a = 1\\nx = " + "[" * 100 + "]" * 100)
    (2, 'arrays or inline tables nested more than 64 deep')
    """
    depth, line = 0, 1
    for ch in _structure(text, [None]):
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line, f"arrays or inline tables nested more than {limit} deep"
        else:
            depth = max(depth - 1, 0)
    return None


def read_toml_text(path: str | os.PathLike[str], what: str, limit: int = MAX_BYTES) -> str:
    """The text of one of our TOML files: a regular file of at most ``limit`` bytes, UTF-8.

    Devices (``/dev/zero``), FIFOs and folders are refused before they are opened, a file
    over the limit with its size; nothing is read past the limit.

    Parameters
    ----------
    path
        The file.
    what
        What it is, for the message ("scenario", "book").
    limit
        The largest size accepted, in bytes.

    Returns
    -------
    str
        The text.

    Raises
    ------
    ValueError
        One line saying why the file cannot be read (the callers raise their own
        :class:`~foedus.errors.FileProblemsError` with it).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"cannot read {what} {path}: it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"cannot read {what} {path}: it is not a regular file (a device, "
                         "FIFO or socket)")
    if info.st_size > limit:
        raise ValueError(f"{what} {path} is {info.st_size / 1e6:.1f} MB; files of ours are "
                         f"at most {limit / 1e6:g} MB")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValueError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ValueError(f"{what} {path} is over {limit / 1e6:g} MB, the limit of files of "
                         "ours")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read {what} {path}: not UTF-8 text (byte {exc.start})"
                         ) from None


def key_lines(text: str) -> dict[Path, int]:
    """Map every table, array-of-tables element and key path to its 1-based line."""
    lines: dict[Path, int] = {}
    aot_counts: dict[Path, int] = {}
    current: Path = ()
    depth, closing = 0, None
    for number, line in enumerate(text.splitlines(), start=1):
        if closing is not None:
            if closing in line:
                rest = line.split(closing, 1)[1]
                depth_rest, closing = _open_brackets(rest)
                depth += depth_rest
            continue
        if depth > 0:
            d, closing = _open_brackets(line)
            depth += d
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            is_aot = header.group(1) == "[["
            parts = _split_key(header.group(2))
            path: list[str | int] = []
            for i, part in enumerate(parts):
                path.append(part)
                last = i == len(parts) - 1
                key = tuple(path)
                if last and is_aot:
                    aot_counts[key] = aot_counts.get(key, 0) + 1
                    path.append(aot_counts[key] - 1)
                elif key in aot_counts:
                    path.append(aot_counts[key] - 1)
            current = tuple(path)
            lines.setdefault(current, number)
            continue
        match = _KEY.match(line)
        if match:
            lines.setdefault((*current, *_split_key(match.group(1))), number)
            d, closing = _open_brackets(match.group(2))
            depth = max(d, 0)
    return lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path`` or of its nearest enclosing key or table; None if unknown."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def syntax_error(exc: Exception, text: str) -> tuple[int | None, str]:
    """The line and the message (without tomllib's position suffix) of a TOML syntax
    error; an error at the end of the document is put on the text's last line."""
    at = _TOML_AT.search(str(exc))
    line = int(at.group(1)) if at else None
    if line is None and "end of document" in str(exc):
        line = max(text.count("\n") + (0 if text.endswith("\n") else 1), 1)
    message = re.sub(r"\s*\(at [^)]*\)", "", str(exc)).strip() or "invalid TOML"
    return line, f"TOML syntax error: {message}"


def field_path(path: Path) -> str:
    """A pydantic location as a dotted field name: ``obligations[2].condition.scope``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_toml(text: str, file: str, schema: type[BaseModel], *, prefix: tuple = ()
               ) -> tuple[Any, dict, list[Problem]]:
    """A TOML text validated by a pydantic ``schema``.

    Parameters
    ----------
    text
        The TOML text.
    file
        The file's name, for the problems.
    schema
        The pydantic model of the whole file.
    prefix
        A path prepended to every location (unused by whole-file schemas).

    Returns
    -------
    tuple
        The validated entry (None on any problem), the lines of its keys
        (:func:`key_lines`) and every problem, each with its file, line and field, in
        order and without repeats.
    """
    deep = nesting_error(text)
    if deep is not None:
        return None, {}, [Problem(file, deep[0], "", deep[1])]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error(exc, text)
        return None, {}, [Problem(file, line, "", message)]
    lines = key_lines(text)
    try:
        return schema.model_validate(raw), lines, []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = (*prefix, *(p for p in error["loc"] if not (isinstance(p, str) and (
                p.startswith(("function-", "literal[")) or p in {"int", "str"}))))
            problems.append(Problem(file, line_of(lines, loc), field_path(loc),
                                    str(error["msg"])))
        return None, lines, list(dict.fromkeys(problems))
