"""Directed dyad-years for the deterrence studies (Leeds 2003; Johnson & Leeds 2011).

One row per ordered pair of COW system members and year: ``ccode1`` is the potential
*challenger* (A), ``ccode2`` the potential *target* (B). Every step is vectorised (whole
frames, or one year's state-by-state matrices); nothing loops over dyad-years. The design
choices, with their sources:

**Disputes** (initiation, the ongoing and joiner dyad-years dropped, peace years): see
:mod:`foedus.replications._disputes`.

**Alliance commitments that apply** (ATOP 5.1 through the commitment model's ATOP view,
the published year rule: a pledge held on any day of the year counts that year). From each
obligation's :class:`~foedus.model.commitments.Condition`:

- named adversaries (STATTHR1/2): the pledge applies only against them;
- an adversary *type* that ATOP does not record, a location condition (ATOP flags it
  without saying where), a number of attackers, a specific conflict, a demand, or the
  member-level ``olimob`` code (some unnamed condition): *undecidable* from ATOP;
- non-provocation: applies when the beneficiary is the target; does not when the
  beneficiary is the challenger (it is the one provoking);
- ``neucoatt`` (neutrality only if the ally is attacked): never covers the challenger's
  own initiation;
- a pledge binds third parties only: the ally must be neither A nor B; and a pledge with no
  named adversary is taken not to cover an attack by a member of the same treaty
  (``intra_alliance="exclude"``, the default; ATOP has no code for intra-alliance
  aggression, so this is a stated assumption; ``"count"`` keeps them). A named adversary
  is covered even when it is a member (Locarno names Germany and France).

``undecidable="apply"`` (the default, fixed before any estimate was seen) counts
undecidable pledges as applying: ATOP's own examples of a location condition ("home
territory only; attack on the Eastern front", codebook, DEFCOLOC) mostly cover an attack on
the target's homeland, and the ATOP dummies count these pledges as obligations; but some
would not cover a given dyad, so ``"ignore"`` counts only pledges decided to apply. Both
are kept (``<term>_decided`` is the strict one) and the studies report both.

The terms: ``ptargdef`` B holds a defence pledge from a third state that applies against
A; ``pchaloff`` A holds an offence pledge applying against B; ``pchalneu`` A holds a
neutrality pledge applying in a war A starts against B; ``pchalally`` A holds a defence
pledge applying against B (Johnson & Leeds 2011).

**Controls**: ``capprop`` = CINC_A / (CINC_A + CINC_B), NMC 6.0 (Singer, Bremer & Stuckey
1972); ``ln_distance`` = log great-circle km between capitals (the panels' ``capdist``);
``jdem`` = both Polity5 ``polity2`` ≥ 6 (Marshall & Gurr 2020; missing when either is
unknown); ``s_un_glo`` = Signorino & Ritter's S over global alliance portfolios, unweighted,
absolute distances, ATOP ties in the COW order (the panels' ``s_abs_sr``). For the
sensitivity checks only: ``majpow1``/``majpow2`` (COW major-power status) and
``<term>_lag`` (the previous year's pledges, which an alliance formed after a dispute in the
same year cannot enter).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from foedus.data.atop_model import atop_treaties
from foedus.data.store import connect
from foedus.errors import DyadicDesignError
from foedus.model.commitments import Obligation, Treaty
from foedus.model.dyads import directed_pledge_years
from foedus.model.vocab import ObligationKind
from foedus.panels import create_dyad_years
from foedus.panels._join import dyad_key, gather
from foedus.replications._disputes import at_risk_of_onset, code_disputes, mid_dyads

__all__ = ["TERMS", "DyadYears", "Reach", "add_alliance_terms", "applicable_counts",
           "build_dyad_years", "classified_pledges", "obligation_reach", "pledge_rows"]

Role = Literal["target", "challenger"]
#: Alliance terms: (obligation kind, whose pledge, role of the beneficiary).
TERMS: dict[str, tuple[ObligationKind, Role]] = {
    "ptargdef": (ObligationKind.DEFENSE, "target"),
    "pchaloff": (ObligationKind.OFFENSE, "challenger"),
    "pchalneu": (ObligationKind.NEUTRALITY, "challenger"),
    "pchalally": (ObligationKind.DEFENSE, "challenger"),
}
DEMOCRACY = 6.0  # polity2 threshold (Leeds 2003; Johnson & Leeds 2011)
_FLAGS_UNDECIDABLE = ("atop:olimob",)


# ---------------------------------------------------------------- which pledges apply


@dataclass(frozen=True)
class Reach:
    """Against whom one obligation applies, for a beneficiary in one role.

    ``scope`` is ``all`` (any adversary), ``named`` (only ``adversaries``) or ``never``;
    ``decided`` is False where ATOP codes a condition it does not record.
    """

    scope: Literal["all", "named", "never"]
    decided: bool
    adversaries: tuple[int, ...] = ()


def obligation_reach(obligation: Obligation, role: Role) -> Reach:
    """The :class:`Reach` of ``obligation`` when its beneficiary is the ``role``.

    >>> from foedus.model.commitments import Basis, Condition
    >>> o = Obligation(id="x", kind="defense", article=Basis(article="1"),
    ...                condition=Condition(adversary_coded=True, adversaries=(365,)))
    >>> obligation_reach(o, "target")
    Reach(scope='named', decided=True, adversaries=(365,))
    """
    c = obligation.condition
    if ("atop:neucoatt" in obligation.flags or c.non_provocation) and role == "challenger":
        return Reach("never", True)
    if c.min_attackers is not None and c.min_attackers > 1:
        return Reach("never", True)  # a dyadic dispute has one attacker
    decided = not (
        (c.adversary_coded and not (c.adversary_recorded and c.adversaries))
        or (c.location_coded and c.scope is None)
        or (c.attackers_coded and c.min_attackers is None)
        or (c.conflict_coded and not c.specific_conflict) or c.demand_coded
        or any(f in obligation.flags for f in _FLAGS_UNDECIDABLE))
    if c.adversary_coded and c.adversary_recorded and c.adversaries:
        return Reach("named", decided, tuple(c.adversaries))
    return Reach("all", decided)


def pledge_rows(treaties: list[Treaty]) -> tuple[pd.DataFrame, list[Obligation],
                                                    pd.DataFrame]:
    """Every directed pledge-year of the model: ``t, i, j, year, ob`` and treaty members.

    ``t`` indexes ``treaties``, ``i`` holds obligation number ``ob`` (an index into the
    returned list) toward ``j`` in ``year``. The year rule, phases, partner exceptions and
    suspensions are the model's own (:func:`foedus.model.dyads.directed_dyad_years`, which
    reproduces ATOP's published directed extract); here the obligation behind each row is
    kept. The third frame is ``t, state, year``: each treaty's members by year.
    """
    pledges = directed_pledge_years(treaties)
    return pledges.held, pledges.obligations, pledges.members


def classified_pledges(held: pd.DataFrame, obligations: list[Obligation], kind: ObligationKind,
                role: Role) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pledge-years of one ``kind`` with their :class:`Reach` for a ``role``.

    Returns (pledges applying against any adversary, pledges naming adversaries, one row
    per adversary, the pledger and the beneficiary left out), each with ``decided``.
    """
    reach = {k: obligation_reach(o, role) for k, o in enumerate(obligations)
             if o.kind == kind}
    rows = held[held["ob"].isin(list(reach))]
    scope = rows["ob"].map({k: r.scope for k, r in reach.items()})
    decided = rows["ob"].map({k: r.decided for k, r in reach.items()}).astype(bool)
    rows = rows.assign(decided=decided.to_numpy())
    every = rows[(scope == "all").to_numpy()]
    named = rows[(scope == "named").to_numpy()]
    advs = named["ob"].map({k: r.adversaries for k, r in reach.items()})
    named = named.assign(adv=advs.to_numpy()).explode("adv")
    named = named.assign(adv=named["adv"].astype("int64"))
    named = named[(named["adv"] != named["i"]) & (named["adv"] != named["j"])]
    return every, named


def applicable_counts(every: pd.DataFrame, named: pd.DataFrame, members: pd.DataFrame,
                      codes: np.ndarray, *,
                      intra_alliance: Literal["exclude", "count"] = "exclude",
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Third-party pledges applying in one year, as (decided, undecidable) count matrices.

    Parameters
    ----------
    every, named
        One year's pledges of one kind and role (:func:`classified_pledges`): those
        applying against any adversary (``t, i, j, decided``) and those naming adversaries
        (``t, i, j, adv, decided``; one row per named adversary).
    members
        That year's treaty members (``t, state``).
    codes
        The sorted COW codes of the states in the year's dyads.
    intra_alliance
        ``exclude``: a pledge without named adversaries does not apply against a member of
        its own treaty; ``count``: it does (the pledger itself is still excluded).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``N[x, y]``: how many pledges held by a state other than ``codes[x]`` and
        ``codes[y]`` toward ``codes[y]`` apply against ``codes[x]``, decided and
        undecidable. All pairs at once: pledges without named adversaries add their count
        to every adversary outside their treaty (a membership-by-treaty matrix product),
        named ones one per adversary; no loop over dyads.
    """
    if intra_alliance not in ("exclude", "count"):
        raise DyadicDesignError(f"intra_alliance must be 'exclude' or 'count'; got "
                                f"{intra_alliance!r}.")
    n = len(codes)
    out = []
    for decided in (True, False):
        counts = np.zeros((n, n))
        rows = every[every["decided"].to_numpy() == decided]
        ben, found = _positions(codes, rows["j"].to_numpy())
        rows, ben = rows[found], ben[found]
        if len(rows):
            counts += np.bincount(ben, minlength=n)[None, :]
            if intra_alliance == "exclude":
                treaty, t_index = np.unique(rows["t"].to_numpy(), return_inverse=True)
                indeg = np.zeros((len(treaty), n))
                np.add.at(indeg, (t_index, ben), 1)
                mem = members[members["t"].isin(treaty)]
                pos, ok = _positions(codes, mem["state"].to_numpy())
                held_in = np.zeros((n, len(treaty)))
                held_in[pos[ok], np.searchsorted(treaty, mem["t"].to_numpy()[ok])] = 1
                counts -= held_in @ indeg
            else:
                pledger, ok = _positions(codes, rows["i"].to_numpy())
                np.subtract.at(counts, (pledger[ok], ben[ok]), 1)
        sub = named[named["decided"].to_numpy() == decided]
        adv, ok_a = _positions(codes, sub["adv"].to_numpy())
        ben, ok_b = _positions(codes, sub["j"].to_numpy())
        np.add.at(counts, (adv[ok_a & ok_b], ben[ok_a & ok_b]), 1)
        out.append(counts)
    return out[0], out[1]


def _positions(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in the sorted ``codes`` and a mask of those present."""
    pos = np.minimum(np.searchsorted(codes, values), max(len(codes) - 1, 0))
    return pos, (codes[pos] == values) if len(codes) else np.zeros(len(values), bool)


def add_alliance_terms(frame: pd.DataFrame, treaties: list[Treaty], terms: tuple[str, ...],
                       *, undecidable: Literal["apply", "ignore"] = "apply",
                       intra_alliance: Literal["exclude", "count"] = "exclude",
                       ) -> pd.DataFrame:
    """Add each term (0/1), its strict version ``<term>_decided``, to a directed frame."""
    if undecidable not in ("apply", "ignore"):
        raise DyadicDesignError(f"undecidable must be 'apply' or 'ignore'; got "
                                f"{undecidable!r}.")
    if intra_alliance not in ("exclude", "count"):
        raise DyadicDesignError(f"intra_alliance must be 'exclude' or 'count'; got "
                                f"{intra_alliance!r}.")
    held, obligations, members = pledge_rows(treaties)
    a = frame["ccode1"].to_numpy()
    b = frame["ccode2"].to_numpy()
    years = frame["year"].to_numpy()
    out = {f"{t}{s}": np.zeros(len(frame), np.int8) for t in terms for s in ("", "_decided")}
    parts = {t: classified_pledges(held, obligations, *TERMS[t]) for t in terms}
    by_year = {t: tuple(p.groupby("year").indices for p in parts[t]) for t in terms}
    member_years = members.groupby("year").indices
    empty = np.array([], dtype=np.int64)
    for year, rows in pd.Series(np.arange(len(frame))).groupby(years).indices.items():
        codes = np.unique(np.concatenate([a[rows], b[rows]]))
        pa, pb = np.searchsorted(codes, a[rows]), np.searchsorted(codes, b[rows])
        mem = members.iloc[member_years.get(year, empty)]
        for term in terms:
            every, named = (p.iloc[idx.get(year, empty)]
                            for p, idx in zip(parts[term], by_year[term], strict=True))
            sure, maybe = applicable_counts(every, named, mem, codes,
                                            intra_alliance=intra_alliance)
            # target terms: adversary A, beneficiary B; challenger terms the reverse
            x, y = (pa, pb) if TERMS[term][1] == "target" else (pb, pa)
            out[f"{term}_decided"][rows] = sure[x, y] > 0
            either = sure[x, y] + (maybe[x, y] if undecidable == "apply" else 0)
            out[term][rows] = either > 0
    return frame.assign(**out)


# ---------------------------------------------------------------- the whole build


@dataclass
class DyadYears:
    """The built frame, with the counts and seconds of each step."""

    frame: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _timed(seconds: dict[str, float], name: str, step: Callable[[], pd.DataFrame]
           ) -> pd.DataFrame:
    started = time.perf_counter()
    result = step()
    seconds[name] = round(time.perf_counter() - started, 2)
    return result


def build_dyad_years(start: int, end: int, terms: tuple[str, ...], *,
                     undecidable: Literal["apply", "ignore"] = "apply",
                     intra_alliance: Literal["exclude", "count"] = "exclude",
                     ) -> DyadYears:
    """The directed dyad-years of ``start..end`` with every variable of the design.

    Raises
    ------
    DyadicDesignError
        For years outside 1816-2010 (MIDB 4.3) or an unknown term or option.
    """
    if not 1816 <= start <= end <= 2010:
        raise DyadicDesignError(f"the dyadic studies cover 1816-2010 (MIDB 4.3); got "
                                f"{start}-{end}.")
    unknown = [t for t in terms if t not in TERMS]
    if unknown:
        raise DyadicDesignError(f"unknown alliance terms {unknown}; known: {list(TERMS)}.")
    seconds: dict[str, float] = {}
    # peace years count from 1816, whatever the study's first year
    panel = _timed(seconds, "dyad-years, CINC, distance, S, majors", lambda: (
        create_dyad_years(1816, end).add_cinc(version="6.0").add_distance()
        .add_similarity(measures=("s_abs",), coding=("sr",)).add_majors()))
    frame = panel.frame[["ccode1", "ccode2", "year", "cinc1", "cinc2", "capdist",
                         "s_abs_sr", "majpow1", "majpow2"]]
    with connect() as con:
        mids = con.execute("SELECT dispnum3 AS mid, ccode, sidea, orig, styear, endyear "
                           "FROM mid_participants").df()
        polity = con.execute("SELECT ccode, year, polity2 FROM polity "
                             "WHERE polity2 IS NOT NULL").df()
        treaties = atop_treaties(con)
    onsets, involved = mid_dyads(mids)
    frame = _timed(seconds, "disputes and peace years",
                   lambda: code_disputes(frame, onsets, involved))
    # the year before ``start`` too, for the previous year's pledges (``<term>_lag``)
    frame = frame[frame["year"] >= max(start - 1, 1816)].reset_index(drop=True)
    frame = _timed(seconds, "alliance terms", lambda: _lagged(add_alliance_terms(
        frame, treaties, terms, undecidable=undecidable, intra_alliance=intra_alliance),
        terms))
    frame = frame[frame["year"] >= start].reset_index(drop=True)
    frame = _timed(seconds, "controls", lambda: _controls(frame, polity))
    at_risk = at_risk_of_onset(frame)
    counts = {"directed dyad-years": len(frame), "onsets": int(frame["dispute"].sum()),
              "dropped: ongoing dispute or joiner": int((~at_risk).sum())}
    return DyadYears(frame[at_risk].reset_index(drop=True), counts, seconds)


def _lagged(frame: pd.DataFrame, terms: tuple[str, ...]) -> pd.DataFrame:
    """``<term>_lag``: the term in the same directed dyad the year before.

    0 where the dyad did not exist then, or the year before is outside the frame.
    """
    a, b = frame["ccode1"].to_numpy(), frame["ccode2"].to_numpy()
    year = frame["year"].to_numpy()
    rows, found = gather(dyad_key(a, b, year - 1), dyad_key(a, b, year))
    return frame.assign(**{f"{t}_lag": np.where(found, frame[t].to_numpy()[rows], 0)
                           .astype(np.int8) for t in terms})


def _controls(frame: pd.DataFrame, polity: pd.DataFrame) -> pd.DataFrame:
    c1, c2 = frame["cinc1"].to_numpy(), frame["cinc2"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        capprop = np.where(c1 + c2 > 0, c1 / (c1 + c2), np.nan)
        distance = frame["capdist"].to_numpy(dtype=float)
        # two states sharing a capital (the Yemens in 1990) have no log distance
        ln_distance = np.where(distance > 0, np.log(distance), np.nan)
    table = polity["year"].to_numpy() * 1000 + polity["ccode"].to_numpy()
    dem = []
    for code in ("ccode1", "ccode2"):
        rows, found = gather(frame["year"].to_numpy().astype(np.int64) * 1000
                             + frame[code].to_numpy(), table)
        dem.append(np.where(found, polity["polity2"].to_numpy()[rows], np.nan))
    jdem = np.where(np.isnan(dem[0]) | np.isnan(dem[1]), np.nan,
                    ((dem[0] >= DEMOCRACY) & (dem[1] >= DEMOCRACY)).astype(float))
    return frame.assign(capprop=capprop, ln_distance=ln_distance, jdem=jdem,
                        s_un_glo=frame["s_abs_sr"].to_numpy())
