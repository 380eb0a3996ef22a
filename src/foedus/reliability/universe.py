"""The alliance–war universe: every alliance in a war one of its members fought.

Berkemeier & Fuhrmann (2018) [1]_, after Leeds, Long & Mitchell (2000) [2]_, list one row
per alliance (ATOP 3.0) and war (Interstate War Data 1.1) "in which a member fought"
(576 rows, 1816-2003). :func:`alliance_war_universe` builds the same from ATOP 5.1 and COW
Inter-State War Data v4.0: an (ATOP alliance, COW war) pair is in the universe when a
member's ATOP membership (any phase) overlaps one of its COW war spells.
:func:`compare_universe` sets it beside the published rows on (COW war number, atopid) and
gives every row that differs a reason:

- ``no COW war number``: the published row's war (IWD) has none (38 rows: unmatchable);
- ``ATOP id not in 5.1``: the alliance id of ATOP 3.0 is not an ATOP 5.1 alliance;
- ``no member a COW participant``: IWD lists a member as fighting that COW does not
  (the USSR in Korea, 1950);
- ``not in force during the members' COW spells``: ATOP 5.1's membership dates (or COW's
  war dates) differ from ATOP 3.0's (or IWD's);
- ``COW war not in B&F's list``: a COW war the published list does not hold (Changkufeng
  1938, Nomonhan 1939, Kosovo 1999 have no or other rows);
- ``not in B&F's rows``: the war is in both lists but the published data have no row for
  this alliance (IWD's participants or ATOP 3.0's dates differ).

References
----------
.. [1] Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of
   Alliance Commitments in War." *Research & Politics* 5(2). doi:10.1177/2053168018776125
.. [2] Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000.
   "Reevaluating Alliance Reliability: Specific Threats, Specific Promises." *Journal of
   Conflict Resolution* 44(5): 686-699. doi:10.1177/0022002700044005006
"""

from __future__ import annotations

import pandas as pd

__all__ = ["alliance_war_universe", "compare_universe"]

_LAST_COW_WAR = 227  # the invasion of Iraq, 2003: the last war of B&F's period in COW v4.0


def alliance_war_universe(con=None, *, last_war: int = _LAST_COW_WAR) -> pd.DataFrame:
    """(war, atopid) pairs where a member fought while in the alliance (ATOP 5.1 × COW).

    Returns
    -------
    pandas.DataFrame
        ``war`` (``cow:<warnum>``), ``warnum``, ``war_name``, ``atopid``, ``members``
        (the members that fought, sorted tuple).
    """
    if con is None:
        from foedus.data.store import connect

        with connect() as own:
            return alliance_war_universe(own, last_war=last_war)
    rows = con.execute(
        "select w.warnum, w.war_name, w.ccode, m.atopid from wars w join atop_members m"
        " on m.member = w.ccode where w.warnum <= ? and ("
        " (m.entry_date <= coalesce(w.end_date1, w.start_date1)"
        "  and coalesce(m.exit_date, date '2019-01-01') >= w.start_date1)"
        " or (w.start_date2 is not null and m.entry_date <= coalesce(w.end_date2,"
        "  w.start_date2) and coalesce(m.exit_date, date '2019-01-01') >= w.start_date2))",
        [last_war]).df()
    out = (rows.groupby(["warnum", "war_name", "atopid"])["ccode"]
           .agg(lambda s: tuple(sorted(set(int(c) for c in s)))).rename("members")
           .reset_index())
    out.insert(0, "war", "cow:" + out["warnum"].astype(str))
    return out.sort_values(["warnum", "atopid"], ignore_index=True)


def compare_universe(published: pd.DataFrame, ours: pd.DataFrame, con=None) -> pd.DataFrame:
    """Every row in one universe and not the other, with the reason.

    Parameters
    ----------
    published
        The published rows (``bf2018``: ``cowwarid``, ``warid``, ``warname``, ``atopid``).
    ours
        :func:`alliance_war_universe`.
    con
        An open store connection (default: open one).

    Returns
    -------
    pandas.DataFrame
        ``in`` (``published only`` / ``ours only``), ``war``, ``war_name``, ``atopid``,
        ``reason``; the rows of both sets are not listed.
    """
    if con is None:
        from foedus.data.store import connect

        with connect() as own:
            return compare_universe(published, ours, own)
    members = con.execute("select atopid, member from atop_members").df()
    parts = con.execute("select distinct warnum, ccode from wars").df()
    atopids = set(members["atopid"].astype(int))
    fighters = parts.groupby("warnum")["ccode"].agg(lambda s: set(s.astype(int)))
    allied = members.groupby("atopid")["member"].agg(lambda s: set(s.astype(int)))
    mine = set(zip(ours["warnum"].astype(int), ours["atopid"].astype(int), strict=True))
    theirs_wars = set(published["cowwarid"].dropna().astype(int))
    rows = []
    seen: set[tuple[int, int]] = set()
    for r in published.itertuples(index=False):
        atopid = int(r.atopid)
        if pd.isna(r.cowwarid):
            rows.append(("published only", f"iwd:{int(r.warid)}", r.warname, atopid,
                         "no COW war number (unmatchable)"))
            continue
        key = (int(r.cowwarid), atopid)
        seen.add(key)
        if key in mine:
            continue
        if atopid not in atopids:
            reason = "ATOP id not in 5.1"
        elif not allied[atopid] & fighters.get(key[0], set()):
            reason = "no member a COW participant"
        else:
            reason = "not in force during the members' COW spells (ATOP 5.1 dates)"
        rows.append(("published only", f"cow:{key[0]}", r.warname, atopid, reason))
    for r in ours.itertuples(index=False):
        key = (int(r.warnum), int(r.atopid))
        if key in seen:
            continue
        reason = ("not in B&F's rows" if key[0] in theirs_wars
                  else "COW war not in B&F's list")
        rows.append(("ours only", r.war, r.war_name, key[1], reason))
    return pd.DataFrame(rows, columns=["in", "war", "war_name", "atopid", "reason"])
