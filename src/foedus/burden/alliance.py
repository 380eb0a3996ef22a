"""Naming an alliance: ``NATO``, ``book:nato``, ``atop:3180`` or a bare ATOP id."""

from __future__ import annotations

from foedus.errors import UnknownTreatyError
from foedus.model.commitments import Treaty
from foedus.model.system import CommitmentSystem
from foedus.model.vocab import View

__all__ = ["ALIASES", "resolve_alliance"]

#: Common names and the treaty they mean.
ALIASES: dict[str, str] = {
    "nato": "book:nato",
    "north atlantic treaty": "book:nato",
    "warsaw pact": "atop:3285",
    "warsaw treaty": "atop:3285",
    "eu": "book:eu_teu_42_7",
    "csto": "book:csto",
    "rio": "book:rio_treaty",
    "rio treaty": "book:rio_treaty",
    "anzus": "book:anzus",
}


def resolve_alliance(text: str, system: CommitmentSystem,
                     view: View | str = View.LEGAL) -> Treaty:
    """The treaty named by ``text`` in ``view``.

    In the ATOP view a book treaty is replaced by the ATOP alliance it crosswalks; an ATOP
    alliance that our book supersedes is still available by its ``atop:`` id in either view.
    """
    view = View(view)
    key = text.strip().lower()
    treaty_id = ALIASES.get(key, key)
    if treaty_id.isdigit():
        treaty_id = f"atop:{treaty_id}"
    if not treaty_id.startswith(("book:", "atop:")):
        raise UnknownTreatyError(f"Unknown alliance {text!r}: use a name "
                                 f"({', '.join(sorted(ALIASES))}), book:<id>, atop:<atopid> "
                                 "or a bare ATOP id.")
    try:
        treaty = system.treaty(treaty_id)
    except UnknownTreatyError:
        raise UnknownTreatyError(f"Unknown alliance {text!r}: no treaty {treaty_id} in ATOP 5.1 or "
                          "our book.") from None
    if view is View.ATOP and treaty.id.startswith("book:"):
        if not treaty.atopids:
            raise UnknownTreatyError(f"{treaty.name} has no ATOP counterpart; use --view "
                                     "legal.")
        treaty = system.treaty(f"atop:{treaty.atopids[0]}")
    return treaty
