"""The credibility answer as ``foedus credibility --json`` prints it.

The library returns a table (:func:`foedus.credibility.credibility`); the command line
shapes it into its JSON object. Until the library has a typed credibility answer, the web
face shapes the same object here, key for key (a test compares the two).
"""

from __future__ import annotations

import datetime as dt
import math

from foedus.credibility import credibility, load
from foedus.data.identities import resolve_state
from foedus.provenance import provenance

__all__ = ["DATASETS", "credibility_json"]

#: The datasets the command line names in this answer's provenance.
DATASETS = ["atop_members", "atop_alliances", "atop_phases", "cow_wars", "nmc_7", "polity5",
            "capitals", "unga_idealpoints"]


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else \
        float(value)


def credibility_json(ally: str, partner: str, day: dt.date, against: list[str]) -> dict:
    """The probability that each pledge ``ally`` owes ``partner`` on ``day`` is honoured,
    with its 90 % interval, the covariates that move it and the record behind it."""
    a, p = resolve_state(ally, on=day), resolve_state(partner, on=day)
    against_states = [resolve_state(x, on=day) for x in against]
    fitted = load()
    table = credibility(a.cow, p.cow, day, against=[s.cow for s in against_states],
                        fitted=fitted)
    rows = [{"treaty": {"id": r.treaty, "name": r.treaty_name}, "obligation": r.obligation,
             "article": r.article, "kind": r.kind, "probability": _num(r.probability),
             "probability_interval": [_num(r.lower), _num(r.upper)],
             "up": [{"feature": f, "log_odds": v} for f, v in (r.up or [])],
             "down": [{"feature": f, "log_odds": v} for f, v in (r.down or [])],
             "outside_record": list(r.outside_record or []), "support": r.support}
            for r in table.itertuples(index=False)]
    return {"as_of": day.isoformat(), "ally": a.to_json(), "partner": p.to_json(),
            "against": [s.to_json() for s in against_states], "pledges": rows,
            "model": {"spec": fitted.spec, "shipped_because": fitted.shipped_because,
                      "cases": fitted.n, "metrics": fitted.metrics},
            "provenance": provenance(DATASETS, view="legal", as_of=day.isoformat())}
