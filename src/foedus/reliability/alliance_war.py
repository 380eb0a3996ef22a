"""The alliance–war unit: ally–partner–war rows aggregated to one verdict per alliance and war.

Leeds, Long & Mitchell (2000) [1]_ and Berkemeier & Fuhrmann (2018) [2]_ count alliances,
not allies: an alliance invoked in a war is **violated** if any member obliged to act
failed to, or if any member fought another member (in an alliance carrying a defence,
offence, neutrality or non-aggression obligation), and **honoured** otherwise. Sabrosky's
more lenient rule, beside it in [2]_ (``sabroskyhonor``), honours a multilateral alliance
when at least one obliged member acted and no member fought another.

Here, per (war, ATOP alliance):

- *evidence* are the ally–partner–war rows (:func:`foedus.reliability.opportunities`, every
  row, nested and duplicate legs included, as the published alliance–war data count the
  Rio Treaty and the OAS Charter apart) of defence, offence and neutrality pledges whose
  casus foederis is True; a leg is kept when ``honoured`` is True or when the ally was
  already fighting beside the partner (``already_at_war``: B&F's codebook, "honored when
  allies fight together in a war as promised" — the ally–partner unit leaves these out as
  no test of the pledge);
- *fights* are the pairs of members that fought each other in the war (opposite sides in
  COW, or a dyad of the directed dyadic war file) while allied the day before the fighting
  began (Italy and Austria-Hungary, 23 May 1915: Italy left the Triple Alliance that day;
  the USSR and Poland, 17 September 1939) — :func:`allied_fights`;
- ``llm``: ``violated`` if a fight or any evidence row not honoured, ``honoured`` if the
  evidence is all honoured, ``undecided`` if no evidence but a row whose casus foederis is
  None (never counted as evidence), ``no_opportunity`` otherwise;
- ``sabrosky``: ``violated`` if a fight or no evidence row honoured, else ``honoured``.

Which wars invoke which pledges is decided by the rows given: on ATOP's definitions
(``opportunities(...)``, the default) or on Leeds, Long & Mitchell's procedure as Berkemeier
& Fuhrmann describe it (``opportunities(..., invocation="llm")``: a member that joined the
defence of the attacked and was then attacked at home, pledges made during a war, fighting
together when the casus foederis arises; the rules and their sources are in
:mod:`foedus.reliability.opportunities`). The Berkemeier & Fuhrmann study uses the latter.

References
----------
.. [1] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
.. [2] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [3] Sabrosky, Alan Ned. 1980. "Interstate Alliances: Their Reliability and the Expansion
   of War." In J. David Singer (ed.), *The Correlates of War II*. Free Press.
"""

from __future__ import annotations

import datetime as dt

from foedus._lazy import pandas as pd
from foedus.model.system import EARLIEST
from foedus.model.vocab import ObligationKind

__all__ = [
    "ALLIANCE_COLUMNS",
    "FIGHT_KINDS",
    "KIND_COLUMNS",
    "alliance_kinds",
    "alliance_wars",
    "allied_fights",
]

#: Obligations whose members fighting each other is a violation (B&F codebook, "violate").
FIGHT_KINDS = (ObligationKind.DEFENSE, ObligationKind.OFFENSE, ObligationKind.NEUTRALITY,
               ObligationKind.NONAGGRESSION)
#: ATOP alliance-level dummies → obligation kind (an alliance "carries" a kind).
KIND_COLUMNS = {"defense": "defense", "offense": "offense", "neutral": "neutrality",
                "nonagg": "nonaggression", "consul": "consultation"}
ALLIANCE_COLUMNS = ["war", "war_name", "atopid", "year", "evidence", "honoured_legs",
                    "undecided_legs", "fights", "llm", "sabrosky", "defense", "offense",
                    "neutrality", "nonaggression", "consultation"]


def allied_fights(system=None, source: str = "cow", *, start: int | None = None,
                  end: int | None = None) -> pd.DataFrame:
    """Pairs of allies that fought each other in a war: ``war, atopid, a, b, day``.

    ``day`` is the first day of their fighting; the pair counts when a defence, offence,
    neutrality or non-aggression obligation bound one to the other (ATOP view) on the day
    before it. ``start`` and ``end`` keep the fights whose first day falls in those years
    (the years of the opportunities they are read with).
    """
    from foedus.data.loaders import load_system
    from foedus.data.store import connect
    from foedus.reliability.opportunities import dyad_hostility
    from foedus.reliability.targets import tuples_by, war_roles

    system = system or load_system()
    with connect() as con:
        roles = war_roles(con, source)
        hostile = dyad_hostility(con) if source == "cow" else {}
    first: dict[tuple[str, int, int], dt.date] = {}
    for (war, a, b), days in hostile.items():
        if a < b:
            first[(war, a, b)] = min(days)
    for war, parts in tuples_by(roles, "war").items():
        for i, p in enumerate(parts):
            for q in parts[i + 1:]:
                if p.side == q.side or p.ccode == q.ccode:
                    continue
                for ps, pe in p.spells:
                    for qs, qe in q.spells:
                        if ps <= qe and qs <= pe:
                            a, b = sorted((int(p.ccode), int(q.ccode)))
                            day = max(ps, qs)
                            key = (war, a, b)
                            first[key] = min(first.get(key, day), day)
    snaps: dict[dt.date, object] = {}
    rows = []
    for (war, a, b), day in first.items():
        if (start is not None and day.year < start) or (end is not None and day.year > end):
            continue
        before = day - dt.timedelta(days=1)
        if before < EARLIEST or before.year > 2018:
            continue
        snap = snaps.get(before)
        if snap is None:
            snap = snaps[before] = system.as_of(before, view="atop")
        found = set()
        for x, y in ((a, b), (b, a)):
            for pledge in snap.pledges(beneficiary=y):
                if pledge.holder == x and pledge.obligation.kind in FIGHT_KINDS:
                    t = pledge.treaty
                    found.add(t.atopids[0] if t.atopids else int(t.id.split(":")[1]))
        rows += [{"war": war, "atopid": int(t), "a": a, "b": b, "day": day} for t in found]
    return pd.DataFrame(rows, columns=["war", "atopid", "a", "b", "day"])


def alliance_kinds() -> pd.DataFrame:
    """The obligation kinds each ATOP alliance carries (alliance-level dummies, ATOP 5.1)."""
    from foedus.data.store import connect

    with connect() as con:
        a = con.execute("select atopid, defense, offense, neutral, nonagg, consul"
                        " from atop_alliances").df()
    a = a.rename(columns=KIND_COLUMNS)
    for col in KIND_COLUMNS.values():
        a[col] = a[col].fillna(0).astype(int).astype(bool)
    return a


def alliance_wars(opportunities: pd.DataFrame, fights: pd.DataFrame | None = None, *,
                  kinds: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (war, alliance) with evidence, an undecided leg or a fight.

    Parameters
    ----------
    opportunities
        Rows of :func:`foedus.reliability.opportunities` (all of them).
    fights
        :func:`allied_fights` (default: computed).
    kinds
        :func:`alliance_kinds` (default: read from the store).

    Returns
    -------
    pandas.DataFrame
        :data:`ALLIANCE_COLUMNS`: ``evidence`` (decided legs), ``honoured_legs``,
        ``undecided_legs`` (casus foederis None), ``fights`` (allied pairs that fought),
        ``llm`` and ``sabrosky`` (``honoured``/``violated``/``undecided``/
        ``no_opportunity``), the year (of the earliest casus foederis, or of the fight) and
        the kinds the alliance carries.
    """
    fights = allied_fights() if fights is None else fights
    kinds = alliance_kinds() if kinds is None else kinds
    opp = opportunities.assign(_kept=[
        True if o == "already_at_war" else bool(h) for o, h in zip(
            opportunities["outcome"], opportunities["honoured"], strict=True)])
    scored = opp["kind"].isin(["defense", "offense", "neutrality"]) & (
        opp["honoured"].notna() | (opp["outcome"] == "already_at_war"))
    ev = opp[scored & opp["casus_foederis"].map(lambda v: v is True)]
    und = opp[scored & opp["casus_foederis"].isna()]
    keys = ["war", "atopid"]
    parts = [
        ev.groupby(keys).agg(evidence=("_kept", "size"),
                             honoured_legs=("_kept", lambda s: int(s.sum()))),
        und.groupby(keys).size().rename("undecided_legs").to_frame(),
        fights.groupby(keys).size().rename("fights").to_frame(),
    ]
    out = pd.concat(parts, axis=1).fillna(0).astype(int).reset_index()
    years = pd.concat([opp.groupby(keys)["year"].min(),
                       fights.assign(year=fights["day"].map(lambda d: d.year))
                       .groupby(keys)["year"].min()], axis=1).min(axis=1)
    out["year"] = out.set_index(keys).index.map(years).astype(int)
    names = opp.drop_duplicates("war").set_index("war")["war_name"]
    out["war_name"] = out["war"].map(names)
    out["llm"] = [_verdict(e, h, u, f, lenient=False) for e, h, u, f in zip(
        out["evidence"], out["honoured_legs"], out["undecided_legs"], out["fights"],
        strict=True)]
    out["sabrosky"] = [_verdict(e, h, u, f, lenient=True) for e, h, u, f in zip(
        out["evidence"], out["honoured_legs"], out["undecided_legs"], out["fights"],
        strict=True)]
    out = out.merge(kinds, on="atopid", how="left")
    for col in KIND_COLUMNS.values():
        out[col] = out[col].fillna(False).astype(bool)
    return out[ALLIANCE_COLUMNS].sort_values(keys, ignore_index=True)


def _verdict(evidence: int, honoured: int, undecided: int, fights: int, *,
             lenient: bool) -> str:
    if fights:
        return "violated"
    if evidence:
        ok = honoured > 0 if lenient else honoured == evidence
        return "honoured" if ok else "violated"
    return "undecided" if undecided else "no_opportunity"
