"""Scenarios sent to the server: parsed in memory, within limits, bases from the library only.

An uploaded scenario never names a path the server opens: its text is parsed here, its
nesting depth and draws are bounded (:class:`~foedus.web.settings.Settings`), and a
``base =`` may only name a file of the case library by its bare name. The crisis engine
validates the rest (:func:`foedus.crisis.scenario.check_scenario`, every problem with its
line and field).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import tomlkit

from foedus.crisis.scenario import check_scenario
from foedus.errors import ParameterError, ScenarioError
from foedus.web.settings import Settings

__all__ = ["UPLOAD", "Checked", "case_names", "check_upload", "depth", "scenario_toml"]

#: The name an uploaded scenario goes by (in messages and in its run's answer).
UPLOAD = "upload.toml"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.toml$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def case_names(library: Path) -> list[str]:
    """The scenario files of the case library, by name."""
    if not library.is_dir():
        return []
    return sorted(p.name for p in library.glob("*.toml") if p.is_file())


def depth(node: Any) -> int:
    """The nesting depth of tables and arrays in a parsed TOML document (a scalar is 0)."""
    if isinstance(node, dict):
        return 1 + max((depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth(v) for v in node), default=0)
    return 0


class Checked:
    """A scenario that passed the checks: its text, name, parsed fields and draws."""

    def __init__(self, text: str, name: str, scenario: Any, draws: int, seed: int) -> None:
        self.text, self.name, self.scenario = text, name, scenario
        self.draws, self.seed = draws, seed


def parse(text: str, settings: Settings, what: str = "scenario") -> dict:
    """The TOML ``text`` parsed in memory, within the size and depth limits.

    Raises
    ------
    ParameterError
        For text over the body limit, nested deeper than allowed, or naming a ``base``
        outside the case library.
    ScenarioError
        For text that is not TOML.
    """
    if len(text.encode("utf-8", "surrogatepass")) > settings.max_body:
        raise ParameterError(f"The {what} is over the limit of {settings.max_body:,} bytes.")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{what} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ParameterError(f"The {what} is nested deeper than "
                             f"{settings.max_toml_depth} levels.") from None
    if depth(raw) > settings.max_toml_depth:
        raise ParameterError(f"The {what} is nested deeper than {settings.max_toml_depth} "
                             "levels.")
    base = raw.get("base")
    if base is not None and (not isinstance(base, str) or not _NAME.match(base)
                             or base not in case_names(settings.library)):
        raise ParameterError(f"base = {base!r} names no scenario of the case library; a base "
                             "is the bare name of a library file (GET /api/library).")
    return raw


def check_upload(text: str, settings: Settings, *, name: str = UPLOAD,
                 draws: int | None = None, seed: int | None = None,
                 enforce_draws: bool = True) -> Checked:
    """Check a scenario's text as the crisis engine would, within the server's limits.

    Returns
    -------
    Checked
        The text, the name, the validated scenario, and the draws and seed the run will use
        (those given, else the file's own). ``enforce_draws=False`` checks a file that
        is saved, not run (its runs may ask for fewer draws).

    Raises
    ------
    ParameterError
        For a limit exceeded (size, depth, draws) or a base outside the library.
    ScenarioError
        For every problem the engine finds, each with its line and field.
    """
    parse(text, settings)
    where = settings.library / name
    scenario, _attacks, problems = check_scenario(text, str(where))
    if problems or scenario is None:
        prefix = str(settings.library) + "/"
        raise ScenarioError([type(p)(p.file.replace(prefix, ""), p.line, p.field, p.message)
                             for p in problems] or "the scenario does not validate")
    n = draws if draws is not None else scenario.draws
    if enforce_draws and n > settings.max_draws:
        raise ParameterError(f"The 'draws' of a run must be at most {settings.max_draws:,} "
                             f"on this server. Got {n:,} instead.")
    return Checked(text, name, scenario, n, scenario.seed if seed is None else seed)


def _toml_value(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _toml_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_value(v) for v in value if v is not None]
    return value


def scenario_toml(fields: dict) -> str:
    """A scenario given as JSON fields (the TOML format's keys) written as TOML text.

    ISO dates (``"2024-07-01"``) become TOML dates; null fields are left out; top-level
    keys come first, then ``[challenger]``, ``[allies]``, ``[[attack]]`` and
    ``[[modify]]``.
    """
    if not isinstance(fields, dict):
        raise ParameterError("A scenario must be a JSON object of the scenario file's fields.")
    value = _toml_value(fields)
    doc = tomlkit.document()
    tables = ("challenger", "allies")
    arrays = ("attack", "modify")
    for key, v in value.items():
        if key not in tables and key not in arrays:
            doc[key] = v
    for key in tables:
        if isinstance(value.get(key), dict):
            doc[key] = value[key]
    for key in arrays:
        items = value.get(key)
        if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
            aot = tomlkit.aot()
            for item in items:
                aot.append(tomlkit.item(item))
            doc[key] = aot
        elif items is not None:
            doc[key] = items
    return tomlkit.dumps(doc)
