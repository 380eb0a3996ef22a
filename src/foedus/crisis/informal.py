r"""Informal and ambiguous commitments: how likely their holders are to fight.

A commitment of the book's ``informal`` or ``assurance`` kind (the Taiwan Relations Act,
the Budapest Memorandum, the 2024 security agreements with Ukraine, the Five Power Defence
Arrangements, the Korean armistice's Joint Policy Declaration, and any such kind added
later: :data:`KINDS`) promises no defence, so the credibility model, which learns from
written alliance pledges, does not score it. It is not zero either: its holder joins the
war with a probability *p* of its own.

**Prior.** Beta(α₀, β₀) with mean :data:`PRIOR_MEAN` = 6/43 = 0.140, the rate at which
written defence pacts were honoured after 1945 in Berkemeier & Fuhrmann's coding [1]_, and a
weight of :data:`PRIOR_WEIGHT` = 2 cases. A written alliance is the upper reference because
writing a commitment down is what raises the cost of walking away from it (Morrow 2000 [2]_);
the weight of two cases leaves the prior wide (its 90% interval is [0.000, 0.60]).

**Record.** Every episode in which the protégé of an informal commitment was attacked, one
row per holder (``informal_record.csv``, with sources): the offshore islands in 1954–55
and 1958 (the US commitment to Quemoy and Matsu was the Formosa Resolution's, outside the
1954 treaty's Taiwan and Pescadores), and Ukraine in 2014 and 2022 (the Budapest
Memorandum's United States and United Kingdom). No holder fought. The posterior is
Beta(α₀ + joined, β₀ + trials − joined). The deterrence record — the crises in which the
challenger did *not* attack a protégé of an informal commitment (Taiwan 1995–96) — enters
through the engine, in the immediate-deterrence fit (:mod:`foedus.crisis.fit`).

References
----------
.. [1] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018779697
.. [2] Morrow, James D. 2000. "Alliances: Why Write Them Down?" *Annual Review of Political
   Science* 3: 63-83. doi:10.1146/annurev.polisci.3.1.63
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np

from foedus._lazy import pandas as pd

__all__ = ["KINDS", "PRIOR_MEAN", "PRIOR_WEIGHT", "is_informal", "log_odds", "posterior",
           "record"]

#: Treaty kinds whose commitments are informal (the query lists them under ``informal``).
KINDS = ("informal", "assurance")
#: The prior's mean (Berkemeier & Fuhrmann 2018: defence pacts honoured 6 times in 43 after
#: 1945) and weight (in cases).
PRIOR_MEAN = 6 / 43
PRIOR_WEIGHT = 2.0


def is_informal(kind) -> bool:
    """Is a treaty of this kind an informal commitment? (Every kind but a treaty, an
    executive agreement or a partnership without obligations.)"""
    return str(getattr(kind, "value", kind)) in KINDS


@cache
def record() -> pd.DataFrame:
    """The informal commitments' record: one row per holder and episode in which the
    protégé was attacked (``episode``, ``date``, ``holder``, ``protege``, ``commitment``,
    ``joined``, ``source``)."""
    with resources.files("foedus.crisis").joinpath("informal_record.csv").open() as f:
        return pd.read_csv(f, dtype={"holder": int, "protege": int, "joined": bool})


def posterior(rows: pd.DataFrame | None = None, *, mean: float = PRIOR_MEAN,
              weight: float = PRIOR_WEIGHT) -> dict:
    """The Beta posterior of *p* (module docstring) from ``rows`` (default :func:`record`)."""
    rows = record() if rows is None else rows
    a0, b0 = mean * weight, (1 - mean) * weight
    trials, joined = len(rows), int(rows["joined"].sum())
    return {"prior": {"alpha": a0, "beta": b0, "mean": mean, "weight": weight,
                      "source": "Berkemeier & Fuhrmann 2018 (defence pacts after 1945, "
                                "6/43); Morrow 2000 (written commitments as the upper "
                                "reference)"},
            "trials": trials, "joined": joined, "episodes": int(rows["episode"].nunique()),
            "alpha": a0 + joined, "beta": b0 + trials - joined,
            "mean": (a0 + joined) / (a0 + b0 + trials)}


def log_odds(alpha: float, beta: float, rows: int, pledges: int, seed: int) -> np.ndarray:
    """(``rows``, ``pledges``) log-odds: row *b* is the logit of one draw of *p* from
    Beta(α, β), shared by every informal pledge (one uncertain rate, not one per pledge)."""
    p = np.random.default_rng(seed).beta(alpha, beta, size=rows)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.repeat(np.log(p / (1 - p))[:, None], pledges, axis=1)
