"""The cases the credibility model learns from (see :mod:`foedus.credibility.model`).

One per ally–partner–war of :func:`foedus.reliability.opportunities`: an observable outcome
(``honoured`` not None: allies already at war, or that the war file cannot record, are no
test), a casus foederis that holds (rows whose casus foederis is None are never evidence),
counted once across nested treaties (``counted``), the ally not already at war, and no
attacker a member of the same treaty (``intra_alliance``: the model is about pledges
against outsiders). :func:`case_counts` says how many rows each condition removes.
"""

from __future__ import annotations

from foedus._lazy import pandas as pd

__all__ = ["case_counts", "cases", "with_original_target"]


def _case_mask(opportunities: pd.DataFrame) -> dict[str, pd.Series]:
    """Each condition a case must meet, as a boolean mask over the rows."""
    opp = opportunities
    masks = {"observable": opp["honoured"].notna(),
             "casus_foederis_true": opp["casus_foederis"].map(lambda v: v is True)}
    if "counted" in opp:
        masks["counted"] = opp["counted"].astype(bool)
    for flag in ("ally_already_at_war", "intra_alliance"):
        if flag in opp:
            masks[f"not_{flag}"] = ~opp[flag].astype(bool)
    return masks


def cases(opportunities: pd.DataFrame) -> pd.DataFrame:
    """The opportunity rows the model learns from (see the module docstring)."""
    keep = pd.Series(True, index=opportunities.index)
    for mask in _case_mask(opportunities).values():
        keep &= mask
    return opportunities[keep]


def case_counts(opportunities: pd.DataFrame) -> dict[str, int]:
    """How many opportunity rows each condition of :func:`cases` removes, in order
    (``dropped_unobservable``, ``dropped_casus_foederis_not_true``, ``dropped_duplicate``,
    ``dropped_ally_already_at_war``, ``dropped_intra_alliance``), and how many ``cases``
    remain; ``casus_foederis_none`` counts the undecidable rows among those dropped."""
    labels = {"observable": "dropped_unobservable",
              "casus_foederis_true": "dropped_casus_foederis_not_true",
              "counted": "dropped_duplicate",
              "not_ally_already_at_war": "dropped_ally_already_at_war",
              "not_intra_alliance": "dropped_intra_alliance"}
    keep = pd.Series(True, index=opportunities.index)
    out = {"rows": len(opportunities)}
    for name, mask in _case_mask(opportunities).items():
        out[labels[name]] = int((keep & ~mask).sum())
        if name == "casus_foederis_true":
            out["casus_foederis_none"] = int((keep & opportunities["casus_foederis"].isna())
                                             .sum())
        keep &= mask
    out["cases"] = int(keep.sum())
    return out


def with_original_target(rows: pd.DataFrame) -> pd.DataFrame:
    """The cases with ``original_target``: the partner was attacked on the war's first day
    (the roles of :func:`foedus.reliability.war_roles`; Leeds & Anac's ``origtar1``)."""
    from foedus.reliability.targets import war_roles

    roles = war_roles()
    first = {(w, int(c)) for w, c, r, a, s in zip(
        roles["war"], roles["ccode"], roles["role"], roles["attacked_on"], roles["war_start"],
        strict=True) if r == "target" and a == s}
    return rows.assign(original_target=[float((w, int(t)) in first) for w, t in zip(
        rows["war"], rows["target"], strict=True)])
