"""Credibility shifts for sensitivity analysis: log-odds added to chosen pledges.

A shift names a pledge by its holder, its beneficiary and its treaty, any of which may be
left open (None: every state or treaty); several matching shifts add up. The crisis
compiler and the system metrics apply the same shifts, so a counterfactual "the US pledge
to Estonia is one log-odds unit less credible" moves both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["PledgeShift", "pledge_shifts"]


@dataclass(frozen=True)
class PledgeShift:
    """Add ``shift`` to the log-odds of the pledges matching holder, beneficiary, treaty."""

    shift: float
    holder: int | None = None
    beneficiary: int | None = None
    treaty: str | None = None

    def matches(self, holder: int, beneficiary: int, treaty: str) -> bool:
        """Whether the pledge ``holder`` → ``beneficiary`` under ``treaty`` is shifted."""
        return ((self.holder is None or self.holder == holder)
                and (self.beneficiary is None or self.beneficiary == beneficiary)
                and (self.treaty is None or self.treaty == treaty))


def pledge_shifts(shifts: Sequence[PledgeShift], holders: Iterable[int],
                  beneficiaries: Iterable[int], treaties: Iterable[str]) -> np.ndarray:
    """The summed log-odds shift of each pledge (parallel iterables), zeros if none."""
    rows = list(zip(holders, beneficiaries, treaties, strict=True))
    out = np.zeros(len(rows))
    for s in shifts:
        for i, (h, b, t) in enumerate(rows):
            if s.matches(h, b, t):
                out[i] += s.shift
    return out
