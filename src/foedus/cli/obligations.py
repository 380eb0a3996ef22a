"""``foedus obligations``: who is bound to act if an attacker strikes a target.

Parse → call → render: the answer is :func:`foedus.obligations` (a typed
:class:`~foedus.query.answer.ObligationsAnswer`); this module reads the command line and
prints it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from foedus.cli.dates import as_of_date
from foedus.cli.output import out, print_json, probability
from foedus.model.vocab import Domain, Hit, View


def command(
    attacker: Annotated[list[str], typer.Option(
        "--attacker", help="Attacking state (code, ISO-3, cow:ABB, name) or nonstate:NAME; "
        "repeat for several.")],
    target: Annotated[str, typer.Option("--target", help="The state attacked.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD "
                                              "(default: today, printed).")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where (gazetteer name; "
                                              "default: the target's homeland).")] = None,
    hit: Annotated[Hit | None, typer.Option("--hit", help="What was struck (default: "
                                            "territory on own soil, else forces).")] = None,
    domain: Annotated[Domain | None, typer.Option("--domain", help="Domain (default: land; "
                                                  "sea for vessels, air for aircraft).")
                      ] = None,
    view: Annotated[View, typer.Option("--view", help="legal (our book first) or atop.")
                    ] = View.LEGAL,
    provoked: Annotated[bool, typer.Option("--provoked", help="The target provoked it.")
                        ] = False,
    credibility: Annotated[bool, typer.Option("--credibility", help="Add the probability "
                                              "that each obligation is honoured (the "
                                              "credibility model).")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Who is bound to act if ATTACKER attacks TARGET, there, in that domain, on that date."""
    from foedus.query.answer import obligations_answer

    day, _ = as_of_date(as_of)
    answer = obligations_answer(attacker, target, as_of=day, place=place, hit=hit,
                                domain=domain, view=view, provoked=provoked,
                                credibility=credibility)
    payload = answer.to_json()
    if json:
        print_json(payload)
        return
    _print(payload, day, view)


def _name(state: dict) -> str:
    return state["name"] if isinstance(state, dict) else str(state)


def _probability(obligation: dict) -> str:
    """`` (P [0.00, 0.48], mean 0.08)`` after a state scored by ``--credibility`` (the
    interval first); nothing otherwise."""
    p = obligation.get("probability")
    if p is None or p != p:
        return ""
    lo, hi = obligation["probability_interval"]
    return (f" (P [{probability(lo, 2)}, {probability(hi, 2)}], mean "
            f"{probability(p, 2)})")


def _print(payload: dict, day, view: View) -> None:
    e = payload["event"]
    attackers = ", ".join(_name(a) for a in e["attackers"])
    out.print(f"[bold]{attackers}[/] attacks [bold]{_name(e['target'])}[/]: {e['hit']} at "
              f"{e['place']}, {e['domain']} domain, on {day} ({view.value} view)",
              highlight=False)
    for d in e["defaults"]:
        out.print(f"  default {d}", style="dim", highlight=False)
    groups: dict[tuple, list[str]] = {}
    support: dict[tuple, list[str]] = {}
    for o in payload["obligations"]:
        key = (o["treaty"]["name"], o["article"], o["kind"], o["response"], o["decision"],
               tuple(o["caveats"] + o["flags"]), o["treaty"]["assumed_in_force"])
        groups.setdefault(key, []).append(_name(o["state"]) + _probability(o))
        if o.get("support"):
            notes = support.setdefault(key, [])
            if o["support"]["note"] not in notes:
                notes.append(o["support"]["note"])
    out.print("\n[bold underline]Bound to act[/]" if groups else
              "\n[bold underline]Bound to act[/]: nobody")
    for (treaty, article, kind, response, decision, caveats, assumed), states in groups.items():
        flag = " [yellow](ATOP alliance assumed still in force)[/]" if assumed else ""
        rule = {"individual": "each state decides", "consensus": "decided by consensus",
                "majority": "decided by majority"}[decision]
        out.print(f"[bold]{treaty}[/], {article}: {kind}, response {response}, {rule}{flag}",
                  highlight=False)
        out.print(f"  {len(states)} state{'s' if len(states) > 1 else ''}: "
                  f"{', '.join(states)}", highlight=False)
        for note in support.get((treaty, article, kind, response, decision, caveats,
                                 assumed), []):
            out.print(f"  credibility support: {note}", highlight=False)
        for caveat in caveats:
            out.print(f"  [yellow]{caveat}[/]", highlight=False)
    if payload["informal"]:
        out.print("\n[bold underline]Informal or ambiguous[/]")
        for i in payload["informal"]:
            out.print(f"[bold]{i['treaty']['name']}[/] ({_name(i['state'])}): {i['note']}",
                      highlight=False)
    current = [n for n in payload["not_triggered"] if n["reason"] != "no_longer_member"]
    past = [n for n in payload["not_triggered"] if n["reason"] == "no_longer_member"]
    if current or past:
        out.print("\n[bold underline]Involving the target, not triggered[/]")
    for n in current:
        who = f" ({_name(n['state'])})" if n["state"] else ""
        out.print(f"[bold]{n['treaty']['name']}[/]{who} [cyan]{n['reason']}[/]: "
                  f"{n['sentence']}", highlight=False)
    if past:
        out.print(f"[cyan]no_longer_member[/]: {len(past)} earlier alliance"
                  f"{'s' if len(past) > 1 else ''} of the target, the latest "
                  f"{past[-1]['treaty']['name']} (--json lists them all)", highlight=False)
    for note in payload["notes"]:
        out.print(f"\nnote: {note}", style="yellow", highlight=False)
