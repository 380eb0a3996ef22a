"""``foedus obligations``: who is bound to act if an attacker strikes a target."""

from __future__ import annotations

import hashlib
from typing import Annotated

import typer

from foedus.cli.dates import as_of_date
from foedus.cli.output import out, print_json
from foedus.model.vocab import Domain, Hit, View

ATOP_DATASETS = ["atop_alliances", "atop_members", "atop_directed", "cow_states", "capitals"]


def _attacker(text: str, on):
    from foedus.data.identities import resolve_state
    from foedus.model.events import NonState

    if text.lower().startswith("nonstate:"):
        name = text.split(":", 1)[1].strip()
        if not name:
            from foedus.errors import FoedusError

            raise FoedusError("--attacker nonstate: needs a name, e.g. nonstate:al-Qaeda.")
        return NonState(name=name)
    return resolve_state(text, on=on).cow


def _state(cow: int, on) -> dict:
    from foedus.data.identities import resolve_state

    return resolve_state(cow, on=on).to_json()


def _books_provenance() -> list[dict]:
    """The book files the answer rests on: the treaty books, the crosswalk and the
    historical book (``history/…``)."""
    from foedus.data.books import book_paths, crosswalk_path
    from foedus.model.history import history_paths

    named = [(p.name, p) for p in [*book_paths(), crosswalk_path()]]
    named += [(f"history/{p.name}", p) for p in history_paths()]
    return [{"file": name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for name, p in named]


def answer_json(answer) -> dict:
    """The JSON form of an obligations answer (DESIGN §7)."""
    from foedus.model.events import NonState

    day = answer.event.date

    def treaty(t) -> dict:
        return {"id": t.id, "name": t.name, "kind": t.kind.value,
                "assumed_in_force": t.assumed_in_force}

    e = answer.event
    return {
        "event": {
            "attackers": [str(a) if isinstance(a, NonState) else _state(a, day)
                          for a in e.attackers],
            "target": _state(e.target, day), "place": answer.place_id, "hit": e.hit.value,
            "domain": e.domain.value, "defaults": list(answer.defaults)},
        "obligations": [{
            "state": _state(b.state, day), "treaty": treaty(b.treaty),
            "article": str(b.obligation.article.article), "kind": b.obligation.kind.value,
            "response": b.obligation.response.value, "decision": b.obligation.decision.value,
            "flags": list(b.obligation.flags), "caveats": list(b.caveats)}
            for b in answer.obligations],
        "informal": [{"state": _state(i.state, day), "treaty": treaty(i.treaty),
                      "article": i.obligation.article.article if i.obligation else None,
                      "note": i.note} for i in answer.informal],
        "not_triggered": [{
            "treaty": treaty(n.treaty), "reason": n.reason, "sentence": n.sentence,
            "article": n.obligation.article.article if n.obligation else None,
            "state": _state(n.state, day) if n.state is not None else None}
            for n in answer.not_triggered],
        "notes": list(answer.notes),
    }


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
    from foedus.data.identities import resolve_state
    from foedus.data.loaders import load_system
    from foedus.provenance import provenance
    from foedus.query import obligations

    day, _ = as_of_date(as_of)
    from foedus.model.system import EARLIEST

    if day < EARLIEST:
        from foedus.errors import FoedusError

        raise FoedusError(f"--as-of {day} is before 1815, where foedus's data begin.")
    attackers = [_attacker(a, day) for a in attacker]
    target_cow = resolve_state(target, on=day).cow
    system = load_system()
    answer = obligations(system, as_of=day, attackers=attackers, target=target_cow,
                         place=place, hit=hit, domain=domain, view=view, provoked=provoked)
    payload = answer_json(answer)
    if credibility:
        from foedus.credibility import score_answer

        scores = score_answer(answer, system)
        for entry, s in zip(payload["obligations"], scores.itertuples(index=False),
                            strict=True):
            entry["probability"] = s.probability
            entry["probability_interval"] = [s.lower, s.upper]
            entry["outside_record"] = list(s.outside_record)
    if json:
        print_json({"as_of": day.isoformat(), "view": view.value, **payload,
                    "provenance": provenance(ATOP_DATASETS, view=view.value,
                                             as_of=day.isoformat(),
                                             books=_books_provenance())})
        return
    _print(payload, day, view)


def _name(state: dict) -> str:
    return state["name"] if isinstance(state, dict) else str(state)


def _probability(obligation: dict) -> str:
    """`` (P 0.06)`` after a state scored by ``--credibility``; nothing otherwise."""
    p = obligation.get("probability")
    return "" if p is None or p != p else f" (P {p:.2f})"


def _print(payload: dict, day, view: View) -> None:
    e = payload["event"]
    attackers = ", ".join(_name(a) for a in e["attackers"])
    out.print(f"[bold]{attackers}[/] attacks [bold]{_name(e['target'])}[/]: {e['hit']} at "
              f"{e['place']}, {e['domain']} domain, on {day} ({view.value} view)",
              highlight=False)
    for d in e["defaults"]:
        out.print(f"  default {d}", style="dim", highlight=False)
    groups: dict[tuple, list[str]] = {}
    for o in payload["obligations"]:
        key = (o["treaty"]["name"], o["article"], o["kind"], o["response"], o["decision"],
               tuple(o["caveats"] + o["flags"]), o["treaty"]["assumed_in_force"])
        groups.setdefault(key, []).append(_name(o["state"]) + _probability(o))
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
