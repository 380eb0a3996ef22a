"""The pledges of a snapshot as ``Snapshot.pledges`` computed them before it was made fast
(issue 18, "Performance": the atlas's network for any date): every holder and beneficiary
of every obligation of every treaty in force tested with ``Obligation.binds`` and
``Treaty.suspended``, then the crosswalk's decisions in the legal view. Kept, unchanged, as
the reference that ``tests/model/test_system_fast.py`` compares the library with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from foedus.model.system import Pledge, Snapshot, pledge_strength

__all__ = ["reference_pledges"]


def _raw(snap: Snapshot, beneficiary: int | None) -> Iterator[Pledge]:
    for treaty in snap.treaties:
        members = treaty.members_on(snap.day)
        if len(members) < 2:
            continue
        targets = members if beneficiary is None else (
            [beneficiary] if beneficiary in members else [])
        for obligation in treaty.obligations:
            for holder in members:
                for b in targets:
                    if obligation.binds(holder, b, snap.day) and \
                            treaty.suspended(holder, b, snap.day) is None:
                        yield Pledge(treaty, obligation, holder, b)


def _stronger_concurrent(snap: Snapshot, pledge: Pledge, others: Iterable[Pledge],
                         cache: dict) -> Pledge | None:
    rivals = [o for o in others if o.holder == pledge.holder
              and o.beneficiary == pledge.beneficiary
              and o.obligation.kind is pledge.obligation.kind
              and o.treaty.id != pledge.treaty.id]
    if not rivals:
        return None
    key = (pledge.treaty.id, pledge.obligation.kind)
    if key not in cache:
        cache[key] = set(snap.crosswalk.concurrent(
            pledge.treaty.id, pledge.obligation.kind, snap.day,
            aliases=pledge.treaty.aliases))
    peers = cache[key]
    mine = pledge_strength(pledge.treaty, pledge.obligation)
    best = None
    for o in rivals:
        if peers & set(o.treaty.aliases) and \
                pledge_strength(o.treaty, o.obligation) > mine and (
                    best is None or pledge_strength(o.treaty, o.obligation) >
                    pledge_strength(best.treaty, best.obligation)):
            best = o
    return best


def _counted(snap: Snapshot, pledges: Iterable[Pledge]) -> list[Pledge]:
    displaced: dict[tuple[str, str], bool] = {}
    kept: list[Pledge] = []
    for p in pledges:
        key = (p.treaty.id, p.obligation.id)
        if key not in displaced:
            displaced[key] = snap.crosswalk.relation(
                p.treaty.id, p.obligation.kind, snap.day,
                aliases=p.treaty.aliases) is not None
        if not displaced[key]:
            kept.append(p)
    legs: dict[tuple, list[Pledge]] = defaultdict(list)
    for p in kept:
        legs[(p.holder, p.beneficiary, p.obligation.kind)].append(p)
    peers: dict = {}
    return [p for p in kept if len(legs[(p.holder, p.beneficiary, p.obligation.kind)]) == 1
            or _stronger_concurrent(
                snap, p, legs[(p.holder, p.beneficiary, p.obligation.kind)], peers) is None]


def reference_pledges(snap: Snapshot, beneficiary: int | None = None) -> list[Pledge]:
    """The pledges of ``snap`` (toward ``beneficiary`` only, when given), in the order the
    reference implementation yields them."""
    raw = _raw(snap, beneficiary)
    return list(raw) if snap.crosswalk is None else _counted(snap, raw)
