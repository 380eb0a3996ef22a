"""Obligations and their conditions in words, for the treaty browser.

A face renders the model's fields as sentences; nothing here decides whether an obligation
applies (that is :mod:`foedus.query`).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["obligation_words"]

_KIND = {"defense": "defend", "offense": "join an offensive war with",
         "neutrality": "stay neutral in a war involving", "nonaggression": "not attack",
         "consultation": "consult"}
_RESPONSE = {"automatic": "armed support is owed", "discretionary": "each decides what "
             "action to take", "consult": "consultation only"}
_DECISION = {"individual": "each member decides for itself", "consensus": "by consensus",
             "majority": "by majority"}


def _list(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _scope(rule: dict, name: Callable[[int], str]) -> str:
    where = []
    if rule.get("regions"):
        where.append("in " + _list(sorted(r.replace("_", " ") for r in rule["regions"])))
    if rule.get("states"):
        where.append("on the territory of " + _list([name(s) for s in rule["states"]]))
    if rule.get("places"):
        where.append("at " + _list([p.replace("_", " ") for p in rule["places"]]))
    if rule.get("islands_only"):
        where.append("on islands")
    if rule.get("north_of_tropic"):
        where.append("north of the Tropic of Cancer")
    hits = sorted(rule.get("hits") or [])
    text = (_list(hits) + " " if hits else "") + (" ".join(where) or "anywhere")
    if rule.get("control") == "any_party":
        text += " (under any party's control)"
    if rule.get("start") or rule.get("end"):
        text += f" ({rule.get('start') or '…'} to {rule.get('end') or 'today'})"
    return text


def obligation_words(ob: dict, name: Callable[[int], str]) -> str:
    """One obligation of a treaty record (``Treaty.model_dump(mode="json")``) as sentences:
    who owes what to whom, under which conditions, decided how."""
    holders = "the members" if ob.get("holders") is None else _list(
        [name(s) for s in ob["holders"]])
    beneficiaries = "each other" if ob.get("beneficiaries") is None else _list(
        [name(s) for s in ob["beneficiaries"]])
    verb = _KIND.get(ob["kind"], ob["kind"])
    parts = [f"{holders[0].upper() + holders[1:]} must {verb} {beneficiaries}"]
    c = ob.get("condition") or {}
    conditions = []
    if c.get("adversaries"):
        conditions.append("if attacked by " + _list([name(s) for s in c["adversaries"]]))
    elif c.get("adversary_coded") and not c.get("adversary_recorded", True):
        conditions.append("against an adversary ATOP codes but does not record")
    if c.get("scope"):
        conditions.append("for an attack on " + "; or ".join(_scope(r, name)
                                                             for r in c["scope"]))
    elif c.get("location_coded") and not c.get("location_recorded", True):
        conditions.append("in a location ATOP codes but does not record")
    if c.get("non_provocation"):
        conditions.append("unless the partner provoked the attack")
    if c.get("min_attackers"):
        conditions.append(f"if at least {c['min_attackers']} states attack")
    if c.get("specific_conflict"):
        conditions.append(f"in {c['specific_conflict']}")
    if c.get("domains"):
        doms = [d["domain"] + (" (case by case)" if d.get("case_by_case") else "")
                for d in c["domains"]]
        conditions.append("in the " + _list(doms) + " domain" + ("s" if len(doms) > 1
                                                                   else ""))
    if conditions:
        parts.append(", ".join(conditions))
    text = " ".join(parts) + "."
    text += f" Response: {_RESPONSE.get(ob.get('response'), ob.get('response'))}; "
    text += f"{_DECISION.get(ob.get('decision'), ob.get('decision'))}."
    if ob.get("exceptions"):
        text += " Except towards " + _list([name(e["partner"]) for e in ob["exceptions"]]) \
            + "."
    return text
