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

import re
import tomllib
from typing import Any

from pydantic import BaseModel, ValidationError

from foedus.errors import Problem

__all__ = ["field_path", "key_lines", "line_of", "parse_toml", "syntax_error"]

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(#.*)?$")
_KEY = re.compile(r'^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
                  r'(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\'))*)\s*=\s*(.*)$')


def _split_key(text: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', text)
    return [a or b or c for a, b, c in parts]


def _open_brackets(value: str) -> tuple[int, str | None]:
    """Net bracket depth opened by a value, and the delimiter of a multi-line string that
    stays open at the end of the line (None if none)."""
    depth, i, in_str = 0, 0, None
    while i < len(value):
        ch = value[i]
        if in_str:
            if value.startswith(in_str, i):
                i += len(in_str)
                in_str = None
                continue
            if ch == "\\" and in_str in ('"', '"""'):
                i += 2
                continue
        elif value.startswith(('"""', "'''"), i):
            in_str = value[i:i + 3]
            i += 3
            continue
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth, in_str if in_str in ('"""', "'''") else None


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
