"""Who was attacked: the role of every participant in a war (initiator, target, joiner).

An alliance's casus foederis arises when a member is *attacked* (defence, neutrality) or
*attacks* (offence), not whenever it is at war. Neither COW file settles who was attacked
on its own: by the war-level roles of the dyadic file Serbia is a joiner in 1914; by the
dyadic roles the United Kingdom and France are targets in 1939; the dyadic file lacks some
wars (Franco-Thai 1940, Ifni 1957, Bosnia 1992, Cenepa 1995) and some participants (the
United States in Laos, 1968). foedus therefore decides each participation (a state on one
side of one war; France, Italy, Romania and Bulgaria took both sides of the Second World
War) by a written precedence rule:

1. **Override.** A row of ``war_roles.csv`` (in this package: war, state, side, role, the
   day it was attacked, its attackers, the reason and the source) wins. It holds the few
   cases the files get wrong: Russia (1 August 1914) and France (3 August 1914), on whom
   Germany declared war, and the United States in the Laotian war of 1968, which COW lists
   from the first day although North Vietnam attacked Laos.
2. **Initiator.** COW's ``initiator`` flag (Inter-State War Data v4.0).
3. **Initiator's side.** Any other state on an initiator's side is a *joiner* (it joined
   the attack: Germany in 1914, Italy in 1940).
4. **First day.** On the other side, a state whose COW entry is the war's first day is a
   *target*: the war began with the attack on it (Serbia, 29 July 1914; Poland, 1 September
   1939; South Korea, 24 June 1950). Its attackers are the initiators.
5. **Opened by the other side.** A later entrant is a *target* when the directed dyadic war
   file has a dyad against it, opened by the other side (``wardyadrole`` 1 for the opener,
   3 for the state attacked), beginning within :data:`DYAD_DAYS` days of its COW entry,
   and no earlier dyad it opened itself (Romania declared war on Austria-Hungary on 27
   August 1916 before Bulgaria and Turkey struck it: a joiner):
   Norway, Belgium and the Netherlands in 1940, Greece (28 October 1940), the USSR (22 June
   1941) and the United States (7 December 1941). Its attackers are those openers.
6. **Otherwise a joiner**: it entered in support of someone, declaring war itself (the
   United Kingdom and France, 3 September 1939, whose first dyads begin only in April 1940;
   the United States in Korea, 27 June 1950, whose first dyad it opened on 5 July), or the
   files show no attack on it.

The attacked day of a target is its COW entry (or the override's date). Militarised
disputes (MIDB 4.3) have no dyadic file: originators on side A are initiators, originators
on side B targets (attacked by side A's originators), every other participant a joiner.

References
----------
.. [1] Sarkees, Meredith Reid, and Frank Whelon Wayman. 2010. *Resort to War: A Data Guide
   to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007*. CQ Press.
   doi:10.4135/9781608718276
.. [2] Maoz, Zeev, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya, and Aaron P. Shreve.
   2019. "The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0."
   *Journal of Conflict Resolution* 63(3): 811-835. doi:10.1177/0022002718784158
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from foedus._lazy import pandas as pd

__all__ = ["DYAD_DAYS", "MID_HOSTLEV", "ROLE_COLUMNS", "overrides", "participations",
           "tuples_by", "war_roles"]

#: A dyad opened against a later entrant counts as the attack that brought it in when it
#: begins within this many days of the state's COW entry (the dyadic file dates some dyads
#: later than the participant file: Greece 1940, three days).
DYAD_DAYS = 7
#: MIDB hostility level counted as use of force (4 = use of force, 5 = war).
MID_HOSTLEV = 4

ROLE_COLUMNS = ["war", "war_name", "ccode", "side", "start", "end", "spells", "initiator",
                "war_start", "role", "attacked_on", "attackers", "rule", "note"]


@cache
def overrides() -> pd.DataFrame:
    """The sourced override table (``war_roles.csv``), one row per participation."""
    with resources.files("foedus.reliability").joinpath("war_roles.csv").open() as f:
        table = pd.read_csv(f, dtype={"war": str, "ccode": int, "side": int, "role": str,
                                      "attacked_on": str, "attackers": str})
    table["attacked_on"] = pd.to_datetime(table["attacked_on"]).dt.date
    table["attackers"] = table["attackers"].map(
        lambda s: tuple(int(x) for x in str(s).split()) if isinstance(s, str) else ())
    return table


def _date(v) -> dt.date | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def participations(con, source: str = "cow") -> pd.DataFrame:
    """One row per (war, state, side): first entry, last exit and every spell.

    ``source`` is ``"cow"`` (Inter-State War Data v4.0, ``wars``) or ``"mid"`` (MIDB 4.3
    disputes reaching :data:`MID_HOSTLEV`; ``war`` is ``mid:<dispnum>``).
    """
    if source == "cow":
        raw = con.execute(
            "select 'cow:' || warnum as war, war_name, ccode, side, initiator, start_date1,"
            " end_date1, start_date2, end_date2 from wars").df()
    elif source == "mid":
        raw = con.execute(
            "select 'mid:' || dispnum3 as war, null as war_name, ccode,"
            " case when sidea = 1 then 1 else 2 end as side,"
            " (orig = 1 and sidea = 1) as initiator, start_date as start_date1,"
            " end_date as end_date1, null as start_date2, null as end_date2, orig,"
            " max(hostlev) over (partition by dispnum3) as maxhost from mid_participants"
            ).df()
        raw = raw[raw["maxhost"] >= MID_HOSTLEV]
    else:
        raise ValueError(f"source must be 'cow' or 'mid', not {source!r}")
    # One pass over the rows in order, grouped by (war, state, side) as
    # ``raw.groupby(..., sort=False)`` would (first appearance; rows in order; a key with a
    # missing part dropped), without a pandas object per group: MIDB has ~11,000 groups.
    initiator = raw["initiator"].astype(bool).to_numpy()
    orig = raw["orig"].astype(bool).to_numpy() if "orig" in raw else None
    groups: dict[tuple, dict] = {}
    columns = zip(raw["war"], raw["ccode"], raw["side"], raw["war_name"], raw["start_date1"],
                  raw["end_date1"], raw["start_date2"], raw["end_date2"], strict=True)
    for i, (war, ccode, side, name, s1, e1, s2, e2) in enumerate(columns):
        if pd.isna(war) or pd.isna(ccode) or pd.isna(side):
            continue
        g = groups.get((war, ccode, side))
        if g is None:
            g = groups[war, ccode, side] = {"name": name, "spells": [], "initiator": False,
                                            "orig": False}
        for s, e in ((s1, e1), (s2, e2)):
            if _date(s) is not None:
                g["spells"].append((_date(s), _date(e) or _date(s)))
        g["initiator"] = g["initiator"] or bool(initiator[i])
        if orig is not None:
            g["orig"] = g["orig"] or bool(orig[i])
    rows = []
    for (war, ccode, side), g in groups.items():
        spells = sorted(g["spells"])
        rows.append({"war": war, "war_name": g["name"] if isinstance(g["name"], str) else None,
                     "ccode": int(ccode), "side": int(side), "start": spells[0][0],
                     "end": max(e for _, e in spells), "spells": tuple(spells),
                     "initiator": g["initiator"],
                     "orig": g["orig"] if orig is not None else None})
    frame = pd.DataFrame(rows)
    frame["war_start"] = frame.groupby("war")["start"].transform("min")
    return frame


def tuples_by(frame: pd.DataFrame, column: str) -> dict:
    """The rows of ``frame`` as named tuples, grouped by ``column``: a dict in the order of
    each value's first appearance, the rows of a group in frame order, as
    ``frame.groupby(column, sort=False)`` gives them (a missing value dropped) — from one
    ``itertuples`` over the frame instead of one per group (its per-call cost dominates on
    the ~1,600 MIDB disputes)."""
    out: dict = {}
    for row in frame.itertuples(index=False):
        key = getattr(row, column)
        if not pd.isna(key):
            out.setdefault(key, []).append(row)
    return out


def _dyads(con) -> pd.DataFrame:
    d = con.execute(
        "select distinct 'cow:' || warnum as war, statea, stateb, wardyadrolea,"
        " wardyadroleb, start_date from dyadic_wars where start_date is not null").df()
    d["start_date"] = pd.to_datetime(d["start_date"]).dt.date
    return d


def war_roles(con=None, source: str = "cow", *, dyad_days: int = DYAD_DAYS) -> pd.DataFrame:
    """The role of every participation, by the precedence rule of the module docstring.

    Parameters
    ----------
    con
        An open store connection (default: open one).
    source
        ``"cow"`` or ``"mid"``.
    dyad_days
        Rule 5's tolerance between a dyad's start and the state's COW entry.

    Returns
    -------
    pandas.DataFrame
        :data:`ROLE_COLUMNS`: ``role`` is ``initiator``, ``target`` or ``joiner``;
        ``attacked_on`` (targets) the day of the attack; ``attackers`` the states that
        attacked it (targets) or, for initiators and joiners, its opponents (the other
        side's participants at war on the day it entered); ``rule`` the rule
        that decided (``override``, ``cow_initiator``, ``initiator_side``, ``first_day``,
        ``dyad_opened_against``, ``no_attack_recorded``, or the MID rules ``mid_*``).
    """
    if con is None:
        from foedus.data.store import connect

        with connect() as own:
            return war_roles(own, source, dyad_days=dyad_days)
    part = participations(con, source)
    dyads = _dyads(con) if source == "cow" else None
    table = overrides()
    fixed = {(r.war, r.ccode, r.side): r for r in table.itertuples(index=False)}
    out = []
    rows_of = tuples_by(part, "war")
    for war, g in part.groupby("war", sort=False):
        init_sides = set(g.loc[g["initiator"], "side"])
        initiators = g[g["initiator"]]
        wd = None if dyads is None else dyads[dyads["war"] == war]
        for r in rows_of[war]:
            row = r._asdict()
            row.update(role="joiner", attacked_on=None, attackers=(), note="")
            over = fixed.get((war, r.ccode, r.side))
            if over is not None:
                row.update(role=over.role, rule="override", note=over.reason,
                           attacked_on=over.attacked_on if over.role == "target" else None,
                           attackers=over.attackers)
            elif source == "mid":
                row.update(**_mid_role(r, initiators))
            elif r.initiator:
                row.update(role="initiator", rule="cow_initiator", attackers=_opponents(g, r))
            elif r.side in init_sides:
                row.update(rule="initiator_side", attackers=_opponents(g, r))
            elif r.start == r.war_start:
                row.update(role="target", rule="first_day", attacked_on=r.start,
                           attackers=tuple(sorted(int(c) for c in initiators["ccode"])))
            else:
                openers = _openers(wd, r, g, dyad_days)
                if openers:
                    row.update(role="target", rule="dyad_opened_against",
                               attacked_on=r.start, attackers=openers)
                else:
                    row.update(rule="no_attack_recorded", attackers=_opponents(g, r))
            out.append(row)
    frame = pd.DataFrame(out)
    return frame[[c for c in ROLE_COLUMNS if c in frame.columns]]


def _opponents(g: pd.DataFrame, r) -> tuple[int, ...]:
    """States on the other side at war on the day ``r`` entered (its opponents)."""
    other = g[g["side"] != r.side]
    hit = [int(q.ccode) for q in other.itertuples(index=False)
           if any(s <= r.start <= e for s, e in q.spells)]
    return tuple(sorted(set(hit)))


def _openers(wd: pd.DataFrame | None, r, g: pd.DataFrame, days: int) -> tuple[int, ...]:
    """States on the other side that opened a dyad against ``r`` near its entry."""
    if wd is None or wd.empty:
        return ()
    other = set(g.loc[g["side"] != r.side, "ccode"].astype(int))
    lo, hi = r.start - dt.timedelta(days=days), r.start + dt.timedelta(days=days)
    near = wd[wd["statea"].isin(other) & (wd["stateb"] == r.ccode)
              & (wd["start_date"] >= lo) & (wd["start_date"] <= hi)]
    hit = near[(near["wardyadroleb"] == 3) & (near["wardyadrolea"] == 1)]
    if hit.empty:
        return ()
    own = near[near["wardyadroleb"] == 1]  # dyads the state itself opened
    if not own.empty and own["start_date"].min() <= hit["start_date"].min():
        return ()  # it struck first (Romania, 27 August 1916): a joiner
    return tuple(sorted({int(c) for c in hit["statea"]}))


def _mid_role(r, initiators: pd.DataFrame) -> dict:
    if r.orig and r.side == 1:
        return {"role": "initiator", "rule": "mid_originator_side_a"}
    if r.orig:
        return {"role": "target", "rule": "mid_originator_side_b", "attacked_on": r.start,
                "attackers": tuple(sorted(int(c) for c in initiators["ccode"]))}
    return {"role": "joiner", "rule": "mid_joiner"}
