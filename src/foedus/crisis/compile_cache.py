"""The compile cache: compiled scenarios kept on disk, so a new process skips compilation.

Compiling a scenario (:func:`foedus.crisis.compile.compile_scenario`) asks the obligations
query once per state the cascade reaches and scores every pledge with the credibility
model: seconds, against milliseconds for the draws of a small run. The compiled arrays
depend only on

- the scenario (but its ``draws`` and ``seed``, which compilation does not read) and its
  resolved attacks (a canonical form of their fields: sets sorted,
  so that the key does not depend on the process's string hashing),
- foedus's code and shipped data (books, tables, the fitted models): the sha256 of every
  file of the installed package, and its version,
- the store (its path, and the size and modification time of the store and of its
  prebuilt objects: ``foedus data build`` writes both anew),

so the cache is keyed by the sha256 of all of them: anything that could change the
answer changes the key, and a stale entry is never read (it is simply not found). Entries
live in ``<FOEDUS_CACHE>/compiled/``, one pickle each, written atomically; the
:data:`KEEP` most recent are kept. ``FOEDUS_COMPILE_CACHE=0`` turns the cache off. An
unreadable entry counts as a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path, PurePath

__all__ = ["KEEP", "enabled", "folder", "key", "read", "write"]

#: Entries kept (the least recently written are removed beyond this).
KEEP = 64
#: Bumped when the entry format changes.
_FORMAT = 1


def enabled() -> bool:
    """Whether the cache is on (``FOEDUS_COMPILE_CACHE`` is not ``0``)."""
    return os.environ.get("FOEDUS_COMPILE_CACHE", "1") != "0"


def folder() -> Path:
    """The cache's folder (``<FOEDUS_CACHE>/compiled``)."""
    from foedus import config

    return config.cache_dir() / "compiled"


@cache
def _package_digest() -> str:
    """The sha256 of every file of the installed foedus package (code and shipped data)."""
    root = Path(str(resources.files("foedus")))
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _store_stamp() -> tuple:
    from foedus import config
    from foedus.data.prebuilt import sidecar

    store = config.store_path()
    out: list = [str(store)]
    for path in (store, sidecar(store)):
        try:
            st = path.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_size, st.st_mtime_ns))
    return tuple(out)


def _canonical(value) -> object:
    """``value`` as nested tuples of plain values, the same in every process (sets and
    dict keys sorted by their canonical ``repr``)."""
    from pydantic import BaseModel

    if isinstance(value, enum.Enum):
        return (type(value).__qualname__, _canonical(value.value))
    if isinstance(value, BaseModel):
        return (type(value).__qualname__, _canonical(
            {name: getattr(value, name) for name in type(value).model_fields}))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__, _canonical(
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}))
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((_canonical(k), _canonical(v))
                                      for k, v in value.items()), key=repr)))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_canonical(v) for v in value), key=repr)))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_canonical(v) for v in value))
    if value is None or isinstance(value, bool | int | float | str | bytes | dt.date |
                                   PurePath):
        return value
    if hasattr(value, "__dict__"):
        return (type(value).__qualname__, _canonical(vars(value)))
    raise TypeError(f"no canonical form for {type(value).__qualname__}")


def key(scenario, attacks) -> str | None:
    """The cache key of a scenario and its resolved attacks (None: do not cache, because
    the cache is off or a field has no canonical form)."""
    from foedus import __version__

    if not enabled():
        return None
    try:  # the number of draws and the seed are not compiled
        what = repr(_canonical((scenario.model_copy(update={"draws": 0, "seed": 0}),
                                list(attacks)))).encode()
    except TypeError:
        return None
    h = hashlib.sha256()
    for part in (str(_FORMAT), __version__, _package_digest(), repr(_store_stamp())):
        h.update(part.encode())
        h.update(b"\0")
    h.update(what)
    return h.hexdigest()


def read(name: str | None):
    """The compiled scenario stored under ``name``, or None."""
    if name is None:
        return None
    try:
        with (folder() / f"{name}.pkl").open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            ValueError, TypeError):
        return None


def write(name: str | None, compiled) -> None:
    """Store ``compiled`` under ``name`` (atomically; a failure to write is ignored: the
    cache only saves time)."""
    if name is None:
        return
    where = folder()
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(compiled, handle, protocol=5)
            os.replace(tmp, where / f"{name}.pkl")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        entries = sorted(where.glob("*.pkl"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        return
