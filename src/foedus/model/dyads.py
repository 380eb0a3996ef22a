"""Directed dyad-year obligations computed from the commitment model.

:func:`directed_dyad_years` flattens treaties (memberships, obligations, partner exceptions,
suspensions) into frames and self-joins them, all dyads at once; it never loops over dyads.
On the ATOP view (:func:`foedus.data.atop_model.atop_treaties`) it reproduces ATOP 5.1's
published directed dyad-year extract (atop5_1ddyr, codebook 2.7) on every dyad-year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from foedus._lazy import pandas as pd
from foedus.model.commitments import Obligation, Treaty
from foedus.model.vocab import ObligationKind
from foedus.registry import dataset

__all__ = ["COLUMNS", "DUMMY_OF", "OPEN_END_YEAR", "PledgeYears", "directed_dyad_years",
           "directed_pledge_years"]

#: Obligation kind → its column (the names of ATOP's published extract).
DUMMY_OF: dict[ObligationKind, str] = {
    ObligationKind.DEFENSE: "atop_defense",
    ObligationKind.OFFENSE: "atop_offense",
    ObligationKind.NEUTRALITY: "atop_neutral",
    ObligationKind.NONAGGRESSION: "atop_nonagg",
    ObligationKind.CONSULTATION: "atop_consul",
}
COLUMNS: tuple[str, ...] = ("ccode1", "ccode2", "year", *DUMMY_OF.values())
#: Last year of an open-ended spell when ``years`` is not given: the end of ATOP 5.1's
#: coverage (31 December 2018), or the latest year dated in the model if that is later.
OPEN_END_YEAR: int = dataset("atop_members").last_year  # type: ignore[assignment]

_LOW, _HIGH = -(10**6), 10**6  # open years before clipping
_NO_PHASE = -1
_KINDS = list(DUMMY_OF)


def _ord(day: dt.date | None, default: int) -> int:
    return day.toordinal() if day is not None else default


def _full_years(start: dt.date | None, end: dt.date | None) -> tuple[int, int]:
    """First and last calendar year lying wholly inside ``[start, end)``."""
    first = _LOW if start is None else start.year + (start != dt.date(start.year, 1, 1))
    last = _HIGH if end is None else end.year - 1
    return first, last


def _expand(frame: pd.DataFrame, lo: str, hi: str) -> pd.DataFrame:
    """One row per year from ``frame[lo]`` to ``frame[hi]`` inclusive, as column ``year``."""
    frame = frame[frame[lo] <= frame[hi]]
    n = (frame[hi] - frame[lo] + 1).to_numpy(np.int64)
    rows = frame.loc[frame.index.repeat(n)].reset_index(drop=True)
    offset = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    rows["year"] = rows[lo].to_numpy(np.int64) + offset
    return rows


def _flatten(treaties: list[Treaty]) -> dict[str, pd.DataFrame]:
    """The model as frames (one pass over model objects, never over dyads)."""
    members, obligations, beneficiaries, exceptions, suspensions = [], [], [], [], []
    oid = 0
    for t, treaty in enumerate(treaties):
        for m in treaty.members:
            for start, end in m.participation_spells():  # the whole spell unless excluded
                members.append((t, m.state, _NO_PHASE if m.phase is None else m.phase,
                                _ord(start, _LOW), _ord(end, _HIGH),
                                _LOW if start is None else start.year,
                                _HIGH if end is None else end.year))
        for o in treaty.obligations:
            for holder in o.holders if o.holders is not None else (None,):
                obligations.append((oid, t, _KINDS.index(o.kind),
                                    -1 if holder is None else holder,
                                    o.phase is None, _NO_PHASE if o.phase is None else o.phase,
                                    _LOW if o.start is None else o.start.year,
                                    _HIGH if o.end is None else o.end.year,
                                    o.beneficiaries is None))
            beneficiaries.extend((oid, b) for b in o.beneficiaries or ())
            exceptions.extend((oid, e.partner, *_full_years(e.start, e.end))
                              for e in o.exceptions)
            oid += 1
        suspensions.extend((t, s.holder, s.beneficiary, *_full_years(s.start, s.end))
                           for s in treaty.suspensions)
    return {
        "members": pd.DataFrame(members, columns=["t", "state", "phase", "enter", "leave",
                                                  "first", "last"], dtype=np.int64),
        "obligations": pd.DataFrame(obligations, columns=[
            "oid", "t", "kind", "holder", "any_phase", "phase", "first", "last", "to_all"]),
        "beneficiaries": pd.DataFrame(beneficiaries, columns=["oid", "j"], dtype=np.int64),
        "exceptions": pd.DataFrame(exceptions, columns=["oid", "j", "first", "last"],
                                   dtype=np.int64),
        "suspensions": pd.DataFrame(suspensions, columns=["t", "i", "j", "first", "last"],
                                    dtype=np.int64),
    }


def _year_bounds(frames: dict[str, pd.DataFrame], years: range | None) -> tuple[int, int]:
    if years is not None:
        if years.step != 1:
            raise ValueError("years must be a range of consecutive years (step 1)")
        return years.start, years.stop - 1
    m = frames["members"]
    dated = pd.concat([m["first"], m["last"]])
    dated = dated[(dated > _LOW) & (dated < _HIGH)]
    if dated.empty:
        return OPEN_END_YEAR, OPEN_END_YEAR
    return int(dated.min()), max(OPEN_END_YEAR, int(dated.max()))


def _pair_years(members: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    """Directed pairs of members of the same treaty phase, one row per year they share."""
    m = members[(members["state"] > 0) & (members["state"] < 1000)]
    pairs = m.merge(m, on=["t", "phase"], suffixes=("1", "2"))
    pairs = pairs[pairs["state1"] != pairs["state2"]]
    start = np.maximum(pairs["enter1"], pairs["enter2"])
    stop = np.minimum(pairs["leave1"], pairs["leave2"])
    pairs = pairs[start < stop].assign(start=start[start < stop])
    pairs["lo"] = np.maximum(np.maximum(pairs["first1"], pairs["first2"]), lo)
    pairs["hi"] = np.minimum(np.minimum(pairs["last1"], pairs["last2"]), hi)
    rows = _expand(pairs, "lo", "hi").rename(columns={"state1": "i", "state2": "j"})
    # A year in which the treaty passes from one phase to the next takes the later phase.
    rows = rows.sort_values(["start", "phase"], kind="stable")
    rows = rows.drop_duplicates(["t", "i", "j", "year"], keep="last")
    return rows[["t", "phase", "i", "j", "year"]].reset_index(drop=True)


def _anti_join(frame: pd.DataFrame, drop: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    if drop.empty or frame.empty:
        return frame
    hit = frame.merge(drop[on].drop_duplicates(), on=on, how="left", indicator=True)
    return frame[(hit["_merge"] == "left_only").to_numpy()]


def _held(pairs: pd.DataFrame, frames: dict[str, pd.DataFrame], lo: int,
          hi: int) -> pd.DataFrame:
    """``(i, j, year, kind)`` for every obligation binding ``i`` toward ``j`` that year."""
    obs = frames["obligations"]
    parts = []
    for any_phase in (False, True):
        for any_holder in (False, True):
            sub = obs[(obs["any_phase"] == any_phase) & ((obs["holder"] < 0) == any_holder)]
            if sub.empty:
                continue
            left = ["t"] + ([] if any_phase else ["phase"]) + ([] if any_holder else ["i"])
            right = ["t"] + ([] if any_phase else ["phase"]) + ([] if any_holder else ["holder"])
            sub = sub.drop(columns=[c for c in ("phase",) if any_phase])
            parts.append(pairs.merge(sub, left_on=left, right_on=right))
    if not parts:
        return pd.DataFrame(columns=["t", "i", "j", "year", "kind"], dtype=np.int64)
    held = pd.concat(parts, ignore_index=True)
    held = held[(held["year"] >= held["first"]) & (held["year"] <= held["last"])]
    named = frames["beneficiaries"]
    if (~held["to_all"]).any():
        listed = held.merge(named, on=["oid", "j"], how="left", indicator=True)
        held = held[(held["to_all"] | (listed["_merge"] == "both")).to_numpy()]
    for name, keys in (("exceptions", ["oid", "j", "year"]),
                       ("suspensions", ["t", "i", "j", "year"])):
        spans = frames[name].assign(first=lambda f: f["first"].clip(lower=lo),
                                    last=lambda f: f["last"].clip(upper=hi))
        held = _anti_join(held, _expand(spans, "first", "last"), keys)
    return held[["t", "i", "j", "year", "kind"]]


@dataclass(frozen=True)
class PledgeYears:
    """Every directed pledge-year of a list of treaties, with the obligation behind it.

    ``held`` has ``t, i, j, year, ob``: treaty ``treaties[t]``'s obligation
    ``obligations[ob]`` binds ``i`` toward ``j`` in ``year``. ``pairs`` has ``t, phase, i,
    j, year``: every directed pair of co-members of a treaty phase, by year (whether or not
    an obligation binds them). ``obligations`` lists each obligation once per named holder
    (an obligation of every member once), in treaty order.
    """

    held: pd.DataFrame
    pairs: pd.DataFrame
    obligations: list[Obligation]

    @property
    def members(self) -> pd.DataFrame:
        """``t, state, year``: each treaty's members by year (those with a partner)."""
        both = pd.concat([self.pairs[["t", "i", "year"]].rename(columns={"i": "state"}),
                          self.pairs[["t", "j", "year"]].rename(columns={"j": "state"})])
        return both.drop_duplicates().astype("int64").reset_index(drop=True)


def directed_pledge_years(treaties: list[Treaty], years: range | None = None) -> PledgeYears:
    """Every directed pledge-year of ``treaties``, keeping the obligation behind each row.

    The year rule, phases, partner exceptions and suspensions are those of
    :func:`directed_dyad_years` (which reproduces ATOP's published directed extract); that
    function keeps only the kinds, this one the obligations themselves (for designs that
    classify pledges by their conditions, :mod:`foedus.replications._dyadic`).

    Parameters
    ----------
    treaties
        Treaties of the model.
    years
        Calendar years (consecutive); default as in :func:`directed_dyad_years`.

    Returns
    -------
    PledgeYears
        The pledge-years (``held``), the co-member pair-years (``pairs``) and the
        obligations they index.

    Examples
    --------
    >>> from foedus.model.commitments import Basis, Membership, Obligation
    >>> basis = Basis(article="1")
    >>> t = Treaty(id="book:x", name="x", kind="treaty", members=(
    ...     Membership(state=2, start=dt.date(2000, 1, 1), basis=basis),
    ...     Membership(state=20, start=dt.date(2000, 1, 1), basis=basis)),
    ...     obligations=(Obligation(id="d", kind="defense", article=basis,
    ...                             response="automatic", decision="individual"),))
    >>> p = directed_pledge_years([t], years=range(2000, 2002))
    >>> sorted(p.held[["i", "j", "year", "ob"]].values.tolist())
    [[2, 20, 2000, 0], [2, 20, 2001, 0], [20, 2, 2000, 0], [20, 2, 2001, 0]]
    """
    frames = _flatten(treaties)
    obligations = [o for treaty in treaties for o in treaty.obligations
                   for _ in (o.holders if o.holders is not None else (None,))]
    # _flatten writes one row per obligation holder in this same order; carrying the row
    # number in ``kind`` brings each held pledge's obligation through _held unchanged.
    frames["obligations"] = frames["obligations"].assign(
        kind=np.arange(len(frames["obligations"])))
    lo, hi = _year_bounds(frames, years)
    pairs = _pair_years(frames["members"], lo, hi)
    held = _held(pairs, frames, lo, hi).rename(columns={"kind": "ob"})
    return PledgeYears(held.astype("int64").reset_index(drop=True), pairs, obligations)


def directed_dyad_years(treaties: list[Treaty], years: range | None = None) -> pd.DataFrame:
    """Directed dyad-year obligations computed from the model.

    Parameters
    ----------
    treaties
        Treaties of the model (e.g. :func:`foedus.data.atop_model.atop_treaties`).
    years
        Calendar years to return (consecutive). Open-ended memberships and obligations run
        to its last year; when None, every year in which some pair shares a treaty, open
        spells running to :data:`OPEN_END_YEAR` (2018, the end of ATOP 5.1) or to the latest
        year dated in the model if later.

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, year, atop_defense, atop_offense, atop_neutral, atop_nonagg,
        atop_consul`` (int64), one row per directed dyad-year in which the two states share
        a treaty, sorted. A dummy is 1 if ``ccode1`` owes ``ccode2`` an obligation of that
        kind in at least one treaty in that year.

    Notes
    -----
    The year rule is ATOP's (codebook 2.7; see
    :func:`foedus.data.atop_dyads.derive_directed_obligations`), restated on the model:

    - a membership counts in every calendar year from the year of its ``start`` to the year
      of its ``end``, both inclusive (a membership ending on 1 January still counts in that
      year, as ATOP counts YREXIT);
    - pairs are formed within one treaty and one membership ``phase`` (memberships without a
      phase form one group), and only when the two memberships overlap in time
      (``max(start) < min(end)``): a state joining on or after the day the other left is no
      partner of it;
    - in a year in which a pair is in two phases of the same treaty, the later phase (the one
      whose pair spell starts later) alone counts;
    - an obligation binds its ``holders`` (None: every member) toward its ``beneficiaries``
      (None: every co-member) in the pair's phase (an obligation without a phase applies to
      every phase), in every calendar year from the year of its ``start`` to the year of its
      ``end`` inclusive;
    - a partner exception removes the obligation toward that partner, and a suspension every
      obligation of that leg, in each calendar year they cover *entirely* (a partial year
      keeps the obligation: it held on some day of the year);
    - states without a COW code (codes of 1000 and more, e.g. Annam 8152) are left out, as
      in ATOP's dyadic files (codebook 2.6-2.7, footnotes 18-19);
    - there is no filter on COW system membership, and treaty-level dates (``signed``,
      ``ended``) are not consulted: the memberships carry them.
    """
    frames = _flatten(treaties)
    lo, hi = _year_bounds(frames, years)
    pairs = _pair_years(frames["members"], lo, hi)
    held = _held(pairs, frames, lo, hi)
    kind = held["kind"].to_numpy()
    flags = held[["i", "j", "year"]].assign(**{
        col: (kind == k).astype(np.int64) for k, col in enumerate(DUMMY_OF.values())})
    dummies = flags.groupby(["i", "j", "year"], as_index=False).max()
    out = (pairs[["i", "j", "year"]].drop_duplicates()
           .merge(dummies, on=["i", "j", "year"], how="left")
           .rename(columns={"i": "ccode1", "j": "ccode2"}))
    for col in DUMMY_OF.values():
        out[col] = out[col].fillna(0).astype(np.int64)
    for col in ("ccode1", "ccode2", "year"):
        out[col] = out[col].astype(np.int64)
    return out[list(COLUMNS)].sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
