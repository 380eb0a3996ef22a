"""The ATOP alliances whose opportunities the historical book decides, ranked.

An alliance is ranked when at least one of its defence, offence or neutrality opportunities
(COW wars, :func:`foedus.reliability.opportunities`) has an undecidable casus foederis
(``None``) in the pure ATOP view (``history=False``): ranked by those rows (then by the
counted ones, then by ATOP id). Beside each: the rows the historical book decides (True,
False) and those it leaves open, and the entry's status — ``authored`` (condition content
from the treaty text), ``text not available here`` or ``not encodable`` (the open condition
is a demand, a fact of the crisis), with the file. ``docs/books.md`` holds the table between
generated markers; regenerate it from the repository, with the store built, with
``python -m foedus.reliability.history_ranking``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["BEGIN", "END", "ranking", "render", "write_docs"]

BEGIN = ("<!-- history-ranking:begin (generated: python -m "
         "foedus.reliability.history_ranking) -->")
END = "<!-- history-ranking:end -->"
_SCORED = ("defense", "offense", "neutrality")


def _status(entry) -> str:
    if entry is None:
        return "no entry"
    if not entry.text_available:
        return "text not available here"
    if not entry.encodable:
        return "not encodable"
    return "authored"


def ranking(system=None, *, pure: pd.DataFrame | None = None,
            history: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ranked alliances (module notes).

    Parameters
    ----------
    system
        The commitment system (default :func:`foedus.data.loaders.load_system`).
    pure, history
        Opportunity tables without and with the historical book (default: computed).

    Returns
    -------
    pandas.DataFrame
        ``rank, atopid, name, none_rows, none_counted, now_true, now_false, still_none,
        status, file``.
    """
    from foedus.data.history import load_history
    from foedus.data.loaders import load_system
    from foedus.reliability.opportunities import opportunities

    system = system or load_system()
    pure = opportunities(system, history=False) if pure is None else pure
    history = opportunities(system, history=True) if history is None else history
    keys = ["war", "target", "target_side", "ally", "atopid", "kind", "date"]
    scored = pure[pure["kind"].isin(_SCORED)]
    undecided = scored[scored["casus_foederis"].isna()]
    after = undecided[[*keys, "counted"]].merge(
        history[[*keys, "casus_foederis"]], on=keys, how="left")
    entries = {e.atopid: e for e in load_history()}
    rows = []
    for atopid, g in after.groupby("atopid"):
        entry = entries.get(int(atopid))
        rows.append({
            "atopid": int(atopid),
            "name": entry.name if entry else system.treaty(f"atop:{int(atopid)}").name,
            "none_rows": len(g), "none_counted": int(g["counted"].sum()),
            "now_true": int(g["casus_foederis"].map(lambda v: v is True).sum()),
            "now_false": int(g["casus_foederis"].map(lambda v: v is False).sum()),
            "still_none": int(g["casus_foederis"].isna().sum()),
            "status": _status(entry),
            "file": f"history/{entry.slug}.toml" if entry else "",
        })
    out = pd.DataFrame(rows).sort_values(["none_rows", "none_counted", "atopid"],
                                         ascending=[False, False, True], ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def render(table: pd.DataFrame) -> str:
    """The ranking as a Markdown table, with a totals line."""
    lines = ["| rank | ATOP | alliance | undecidable rows (counted) | now True | now False "
             "| still undecidable | status | file |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.rank} | {r.atopid} | {r.name} | {r.none_rows} ({r.none_counted}) "
                     f"| {r.now_true} | {r.now_false} | {r.still_none} | {r.status} "
                     f"| `{r.file}` |")
    lines.append(f"| | | **total** | {int(table['none_rows'].sum())} "
                 f"({int(table['none_counted'].sum())}) | {int(table['now_true'].sum())} "
                 f"| {int(table['now_false'].sum())} | {int(table['still_none'].sum())} | | |")
    return "\n".join(lines)


def write_docs(path: Path = Path("docs/books.md"), table: pd.DataFrame | None = None) -> str:
    """Rewrite the generated table of ``docs/books.md`` between the markers; returns it."""
    text = path.read_text("utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{path}: the markers {BEGIN!r} and {END!r} are missing")
    body = render(ranking() if table is None else table)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}", "utf-8")
    return body


if __name__ == "__main__":  # pragma: no cover - the documented regeneration command
    print(write_docs())
