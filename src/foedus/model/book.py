"""Former home of the book loader, now :mod:`foedus.data.books` (a loader of the data layer:
it reads our TOML books and resolves states against COW). Importing a name from here still
works for one release and warns (``DeprecationWarning``)."""

from __future__ import annotations

from typing import Any

from foedus._deprecation import moved

__getattr__: Any = moved(__name__, "foedus.data.books", (
    "BookError", "BookProblem", "book_paths", "check_book", "load_book", "load_books",
    "load_events", "parse_entry", "scope_rule", "_Checker", "_BasisEntry", "_ConditionEntry",
    "_Entry", "_ScopeEntry", "_convert", "_dedupe", "_place_ids", "EARLIEST", "StateRef"))
