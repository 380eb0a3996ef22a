"""Opportunities to honour alliance pledges, and what the allies did (DESIGN §4).

An *opportunity* is a state going to war (or into a militarised dispute) while it held ATOP
pledges from allies; the *outcome* is what each obligated ally did in the same war. The
design follows Leeds, Long & Mitchell (2000), "Reevaluating Alliance Reliability: Specific
Threats, Specific Promises", Journal of Conflict Resolution 44(5): 686-699
(doi:10.1177/0022002700044005006), who judge each *obligation* against the conflict that
triggered it, and Berkemeier & Fuhrmann (2018), Research & Politics 5(2)
(doi:10.1177/2053168018776125).

Definitions
-----------
**Targets (COW wars, ``source="cow"``).** COW Inter-State War v4.0 marks the initiator(s);
every participant on the *other* side whose first entry (``start_date1``) falls within
``days`` (default :data:`TARGET_DAYS` = 7) of the war's first day is an original target —
France (entered 1914-08-03, 5 days after the war began on 1914-07-29) and Belgium are
targets in 1914; Italy (1915) is a later joiner. Known limitation: a state that *declared*
war within the window is also counted (the United Kingdom, 1914-08-05 and 1939-09-03), so
each row says whether the ally was ``ally_already_at_war`` (a belligerent on the target's
side before the target entered) — such rows are no test of the ally and the rates drop them.

**Targets (MIDs, ``source="mid"``).** MIDB 4.3 (not GML 2.2.1), because only MIDB carries
``hostlev``: disputes whose highest hostility level among participants is ≥ 4 (use of force;
:data:`MID_HOSTLEV`); targets are originators (``orig == 1``) on side B (``sidea == 0``);
initiators are originators on side A. The ally's outcome is its participation in the same
dispute (same side as the partner → joined; other side → joined against).

**Offense pledges.** As in Leeds, Long & Mitchell (2000), an offence obligation is tested
when the *partner initiates*: with ``initiators=True`` (default) the initiators of a war
(COW ``initiator``; MID side-A originators) are also partners, with ``role="initiator"``,
and only their allies' offence and neutrality pledges are considered. For the attacked
(``role="target"``) only defence, neutrality, consultation and non-aggression pledges are
listed. The ``target`` column holds the partner in both roles; filter on ``role``.

**Casus foederis** (``True``/``False``/``None``) from the obligation's conditions: a named
adversary holds iff the attackers (the other side's participants entering within ``days``
and, for a target, no later than it; for an initiator, all its early opponents) include one
(``False`` otherwise); an adversary condition ATOP records without content, a location
condition (ATOP gives no place), a number-of-attackers, specific-conflict or demand
condition → ``None`` (undecidable here); a non-provocation condition is taken as met for a
target (COW/MID code it as not the initiator) and → ``None`` for an initiator; ATOP's
``neucoatt`` (neutrality only if the partner is attacked) is met for a target and fails for
an initiator. A pledge without conditions → ``True``. Any False → False, else any None →
None.

**Outcome** ``joined_partner`` / ``joined_against`` / ``stayed_out`` from the ally's first
entry into the same war (any time during it; ``lag_days`` says how long after the partner).
**Honoured**: defence and offence → joined on the partner's side; neutrality → did not join
against; consultation and non-aggression → ``None`` (not observable from war participation).

**Intra-alliance conflicts.** ``intra_alliance`` is true when one of the attackers is itself
a member of the treaty on the day (the Football War of 1969 and the Cenepa war of 1995 under
the Rio Treaty, the Gulf War of 1990 under the Arab League pact). Such a row tests whether a
state fights one ally for another, not whether it keeps a pledge against an outsider; the
rates keep them (as the published counts do), the credibility model leaves them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from foedus.model.system import ATOP_END, EARLIEST, CommitmentSystem, Snapshot
from foedus.model.vocab import ObligationKind

__all__ = ["COLUMNS", "MID_HOSTLEV", "TARGET_DAYS", "export_cases", "opportunities"]

#: A participant on the non-initiating side entering within this many days of the war's
#: (dispute's) first day is an original target.
TARGET_DAYS = 7
#: MIDB hostility level counted as use of force (4 = use of force, 5 = war).
MID_HOSTLEV = 4

TARGET_KINDS = (ObligationKind.DEFENSE, ObligationKind.NEUTRALITY,
                ObligationKind.CONSULTATION, ObligationKind.NONAGGRESSION)
INITIATOR_KINDS = (ObligationKind.OFFENSE, ObligationKind.NEUTRALITY)

COLUMNS = ["war", "war_name", "year", "date", "role", "target", "ally", "attackers",
           "atopid", "treaty", "obligation", "kind", "casus_foederis", "outcome", "honoured",
           "ally_joined_date", "lag_days", "ally_already_at_war", "intra_alliance"]


def opportunities(system: CommitmentSystem | None = None, *, source: str = "cow",
                  start: int = 1816, end: int = 2010, days: int = TARGET_DAYS,
                  initiators: bool = True) -> pd.DataFrame:
    """Every (war, partner, ally, treaty, obligation) opportunity, with the ally's outcome.

    Parameters
    ----------
    system
        The commitment system (default :meth:`CommitmentSystem.load`); the ATOP view is used.
    source
        ``"cow"`` (COW inter-state wars v4.0) or ``"mid"`` (MIDB 4.3, hostlev ≥ 4).
    start, end
        Years of the partner's entry, inclusive.
    days
        Entry window, in days from the first day, for original targets (and initiators).
    initiators
        Also list initiators' offence and neutrality pledges (``role="initiator"``).
    """
    from foedus.data.store import connect

    system = system or CommitmentSystem.load()
    with connect() as con:
        if source == "cow":
            part = con.execute(
                "select 'cow:' || warnum as war, war_name, ccode, side, start_date1 as start,"
                " initiator from wars").df()
        elif source == "mid":
            part = con.execute(
                "select 'mid:' || dispnum3 as war, null as war_name, ccode,"
                " case when sidea = 1 then 1 else 2 end as side, start_date as start,"
                " (orig = 1 and sidea = 1) as initiator, orig,"
                " max(hostlev) over (partition by dispnum3) as maxhost from mid_participants"
                ).df()
            part = part[part["maxhost"] >= MID_HOSTLEV]
        else:
            raise ValueError(f"source must be 'cow' or 'mid', not {source!r}")
    part["start"] = pd.to_datetime(part["start"]).dt.date
    part["initiator"] = part["initiator"].astype(bool)
    rows: list[dict] = []
    snapshots: dict[dt.date, Snapshot] = {}
    for war, g in part.groupby("war", sort=False):
        first = g["start"].min()
        if not start <= first.year <= end:
            continue
        window = first + dt.timedelta(days=days)
        init_sides = set(g.loc[g["initiator"], "side"])
        # each state's first entry: (side, date)
        entry = g.sort_values("start").drop_duplicates("ccode").set_index("ccode")
        early = g[g["start"] <= window]
        if source == "mid":
            early = g[g["orig"] == 1]
        partners = []
        for r in early.sort_values("start").drop_duplicates("ccode").itertuples():
            if r.side not in init_sides and not r.initiator:
                partners.append(("target", r))
            elif initiators and r.initiator:
                partners.append(("initiator", r))
        for role, r in partners:
            if not start <= r.start.year <= end or r.start < EARLIEST or r.start > ATOP_END:
                continue
            attackers = _attackers(early, r.side, r.start if role == "target" else window)
            snap = snapshots.get(r.start)
            if snap is None:
                snap = snapshots[r.start] = system.as_of(r.start, view="atop")
            kinds = TARGET_KINDS if role == "target" else INITIATOR_KINDS
            for p in snap.pledges(beneficiary=int(r.ccode)):
                if p.obligation.kind not in kinds:
                    continue
                rows.append(_row(war, g, r, role, p, attackers, entry))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"casus_foederis": object, "honoured": object})


def _attackers(early: pd.DataFrame, side: int, day: dt.date) -> tuple[int, ...]:
    """The other side's early entrants at war on or before ``day`` (COW marks only the
    initiator, Austria-Hungary, in 1914; Germany's declarations of 1 and 3 August count)."""
    opp = early[(early["side"] != side) & (early["start"] <= day)]
    return tuple(sorted({int(c) for c in opp["ccode"]}))


def _row(war: str, g: pd.DataFrame, r, role: str, p, attackers: tuple[int, ...],
         entry: pd.DataFrame) -> dict:
    ally = int(p.holder)
    joined = None
    if ally in entry.index:
        e = entry.loc[ally]
        outcome = "joined_partner" if e["side"] == r.side else "joined_against"
        joined = e["start"]
    else:
        outcome = "stayed_out"
    kind = ObligationKind(p.obligation.kind)
    cf = casus_foederis(p.obligation, attackers, role)
    honoured: bool | None
    if kind in (ObligationKind.DEFENSE, ObligationKind.OFFENSE):
        honoured = outcome == "joined_partner"
    elif kind is ObligationKind.NEUTRALITY:
        honoured = outcome != "joined_against"
    else:
        honoured = None
    atopid = p.treaty.atopids[0] if p.treaty.atopids else int(p.treaty.id.split(":")[1])
    return {
        "war": war, "war_name": r.war_name if isinstance(r.war_name, str) else None,
        "year": r.start.year, "date": r.start, "role": role, "target": int(r.ccode),
        "ally": ally, "attackers": attackers, "atopid": int(atopid), "treaty": p.treaty.id,
        "obligation": p.obligation.id, "kind": kind.value, "casus_foederis": cf,
        "outcome": outcome, "honoured": honoured, "ally_joined_date": joined,
        "lag_days": None if joined is None else (joined - r.start).days,
        "ally_already_at_war": bool(outcome == "joined_partner" and joined < r.start),
        "intra_alliance": any(p.treaty.member_on(a, r.start) for a in attackers),
    }


def casus_foederis(obligation, attackers: Iterable[int], role: str = "target") -> bool | None:
    """Whether the obligation's conditions hold against ``attackers`` (None: undecidable)."""
    c = obligation.condition
    verdicts: list[bool | None] = []
    if c.adversary_coded:
        if c.adversary_recorded and c.adversaries:
            verdicts.append(bool(set(attackers) & set(c.adversaries)))
        else:
            verdicts.append(None)
    if c.location_coded:
        verdicts.append(None)
    if c.non_provocation:
        verdicts.append(True if role == "target" else None)
    if c.attackers_coded or c.conflict_coded or c.demand_coded:
        verdicts.append(None)
    if "atop:neucoatt" in obligation.flags:
        verdicts.append(role == "target")
    if False in verdicts:
        return False
    if None in verdicts:
        return None
    return True


def export_cases(frame: pd.DataFrame) -> list[dict]:
    """The opportunity rows as JSON-ready dicts (states as ``{"cow", "iso3", "abb", "name"}``)."""
    from foedus.data.identities import resolve_state

    cache: dict[tuple[int, int], dict] = {}

    def state(cow: int, year: int) -> dict:
        key = (int(cow), int(year))
        if key not in cache:
            try:
                cache[key] = resolve_state(key[0], on=key[1]).to_json()
            except Exception:  # a code outside the state list: keep the number
                cache[key] = {"cow": key[0], "iso3": None, "abb": None, "name": None}
        return cache[key]

    def opt(v):
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else bool(v)

    return [{
        "war": r.war, "year": int(r.year), "role": r.role,
        "target": state(r.target, r.year), "ally": state(r.ally, r.year),
        "atopid": int(r.atopid), "kind": r.kind, "casus_foederis": opt(r.casus_foederis),
        "honoured": opt(r.honoured), "outcome": r.outcome,
        "intra_alliance": bool(r.intra_alliance),
    } for r in frame.itertuples(index=False)]
