"""Berkemeier & Fuhrmann (2018): alliance fulfilment in war, 1816-2003.

Berkemeier, Molly, and Matthew Fuhrmann. 2018. "Reassessing the Fulfillment of Alliance
Commitments in War." *Research & Politics* 5(2): 1-5. doi:10.1177/2053168018776125.
Replication data ``BerkemeierFuhrmannRAP2018_0303.dta`` and do-file ``Replication
2018-0305.do`` (registered as ``bf2018``): 576 alliance–war rows (ATOP 3.0 alliances ×
Interstate War Data 1.1 wars), coded by the authors under Leeds, Long & Mitchell's rules.

Three parts:

(a) **The authors' coding.** Their rates from ``bf2018`` exactly as the do-file tabulates
    them: ``honorLLM`` over the rows with ``dnaLLM`` missing, overall, by ``sample``
    (1 = before 1945) and for each obligation an alliance carries (a row counts under every
    one). Tolerance 0.
(b) **The universe.** The alliance–war rows rebuilt from ATOP 5.1 and COW v4.0
    (:func:`foedus.reliability.universe.alliance_war_universe`) beside theirs on (COW war,
    atopid), every difference listed with its reason (table ``universe_diff``).
(c) **Our automatic coding.** :func:`foedus.reliability.alliance_war.alliance_wars` on the
    ally–partner–war opportunities built with Leeds, Long & Mitchell's invocation rules as
    B&F describe them (``invocation="llm"``, :mod:`foedus.reliability.opportunities`: L1 a
    member attacked at any point of the war invokes its partners' defence pledges, L2 a
    pledge made during a war is invoked by it whatever its kind, L3 allies that fight
    together as promised honour it: entry within ``WINDOW_DAYS`` of the casus foederis,
    the whole war reported beside), with the historical book's
    condition content, against their coding on the *matchable* rows (in both universes):
    each rate on the same definition (their ``sample`` and obligation dummies), ours over
    the rows it decides, theirs over the rows they code relevant; a figure passes when ours
    is within ±0.05 of theirs **and** theirs lies inside our war-clustered 95% interval.
    Cohen's κ of honoured/violated over the rows both decide, against
    ``honorLLM``/``violateLLM`` (goal ≥ 0.8); Sabrosky's rule beside LLM's. The same
    figures on ATOP's definitions (the ally–partner–war rules, a 90-day window) are listed
    beside them, not required, and every disagreeing row is classed (table
    ``disagreement_classes``) and given its cause, found by reading the row
    (``bf2018_causes.csv``, :data:`CAUSES`, table ``disagreement_causes``): the rules were
    written from the texts, then measured, never fitted to the authors' codes.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from foedus.replications.base import Figure, Study

__all__ = ["STUDY", "run"]

_TOL_AUTOMATIC = 0.05


def _authors(bf: pd.DataFrame) -> pd.DataFrame:
    rel = bf[bf["dnaLLM"].isna()].copy()
    rel["h"] = rel["honorLLM"].fillna(0).astype(int)
    return rel


def _subset(frame: pd.DataFrame, era: str | None, kind: str | None) -> pd.DataFrame:
    from foedus.reliability.alliance_war import KIND_COLUMNS

    col = {v: k for k, v in KIND_COLUMNS.items()}
    if era is not None:
        frame = frame[frame["sample"] == (1 if era == "pre-1945" else 0)]
    if kind is not None:
        frame = frame[frame[col[kind]] == 1]
    return frame


def _part_a(bf: pd.DataFrame) -> list[Figure]:
    from foedus.reliability.published import BF_FIGURES

    rel = _authors(bf)
    out = []
    for label, era, kind, honoured, n in BF_FIGURES:
        sub = _subset(rel, era, kind)
        out.append(Figure.compare(
            f"(a) authors' coding: {label}", honoured / n,
            sub["h"].mean() if len(sub) else None, tolerance=0.0, required=True,
            n=len(sub), note=f"published {honoured}/{n}; reproduced "
                             f"{int(sub['h'].sum())}/{len(sub)}"))
    return out


def _ours(aw: pd.DataFrame, bf: pd.DataFrame, universe: pd.DataFrame) -> pd.DataFrame:
    """The matchable rows: theirs and our verdicts side by side."""
    matched = bf[bf["cowwarid"].notna()].copy()
    matched["war"] = "cow:" + matched["cowwarid"].astype(int).astype(str)
    keys = set(zip(universe["war"], universe["atopid"].astype(int), strict=True))
    matched = matched[[(w, int(a)) in keys for w, a in zip(matched["war"], matched["atopid"],
                                                           strict=True)]]
    matched["theirs"] = [("dna" if not pd.isna(d) else ("honoured" if h == 1 else "violated"))
                         for d, h in zip(matched["dnaLLM"], matched["honorLLM"], strict=True)]
    matched["theirs_sabrosky"] = [
        "dna" if not pd.isna(d) else ("honoured" if s == 1 else "violated")
        for d, s in zip(matched["dnaLLM"], matched["sabroskyhonorllm"], strict=True)]
    out = matched.merge(aw[["war", "atopid", "llm", "sabrosky", "evidence", "undecided_legs",
                            "fights"]], on=["war", "atopid"], how="left")
    out["llm"] = out["llm"].fillna("no_opportunity")
    out["sabrosky"] = out["sabrosky"].fillna("no_opportunity")
    return out


def _rate_figure(label: str, theirs: pd.Series, ours: pd.DataFrame, rule: str,
                 n_boot: int, seed: int, required: bool, note: str) -> Figure:
    from foedus.reliability.rates import cluster_interval

    mine = ours[ours[rule].isin(["honoured", "violated"])]
    per = mine.assign(h=(mine[rule] == "honoured").astype(int)).groupby("war")["h"].agg(
        ["sum", "size"])
    lo, hi = cluster_interval(per["sum"].to_numpy(), per["size"].to_numpy(), n_boot=n_boot,
                              seed=seed)
    rate = float(per["sum"].sum() / per["size"].sum()) if len(mine) else None
    pub = float(theirs.mean()) if len(theirs) else None
    return Figure.compare(label, pub, rate, tolerance=_TOL_AUTOMATIC, low=lo, high=hi,
                          within_interval=True, required=required, n=len(mine),
                          note=f"{note}; theirs {int(theirs.sum())}/{len(theirs)} relevant "
                               f"rows, ours {int(per['sum'].sum())}/{len(mine)} decided "
                               f"rows in {len(per)} wars")


def _kappa(rows: pd.DataFrame, label: str, required: bool) -> Figure:
    from foedus.reliability.rates import cohen_kappa

    both = rows[(rows["theirs"] != "dna") & rows["llm"].isin(["honoured", "violated"])]
    kappa = cohen_kappa(both["theirs"].to_numpy(), both["llm"].to_numpy()) if len(both) \
        else math.nan
    agree = int((both["theirs"] == both["llm"]).sum())
    return Figure.compare(label, 1.0, kappa, tolerance=0.2, unit="kappa", n=len(both),
                          required=required,
                          note=f"{agree} of {len(both)} rows both decide agree")


def _part_c(rows: pd.DataFrame, n_boot: int, seed: int, *, prefix: str = "(c)",
            required: bool = True, rules: str = "") -> tuple[list[Figure], dict]:
    from foedus.reliability.published import BF_FIGURES

    figures = []
    for label, era, kind, honoured, n in BF_FIGURES:
        sub = _subset(rows, era, kind)
        theirs = (sub.loc[sub["theirs"] != "dna", "theirs"] == "honoured").astype(int)
        figures.append(_rate_figure(
            f"{prefix} automatic coding, matchable rows, LLM rule: {label}", theirs, sub,
            "llm", n_boot, seed, required,
            f"{rules}published on all their rows {honoured}/{n}"))
    for label, era, _, _, _ in BF_FIGURES[:3]:
        sub = _subset(rows, era, None)
        theirs = (sub.loc[sub["theirs_sabrosky"] != "dna", "theirs_sabrosky"]
                  == "honoured").astype(int)
        figures.append(_rate_figure(
            f"{prefix} automatic coding, matchable rows, Sabrosky rule: {label}", theirs,
            sub, "sabrosky", n_boot, seed, False, f"{rules}theirs: sabroskyhonorllm"))
    figures.append(_kappa(rows, f"{prefix} Cohen's kappa, honoured/violated vs "
                                "honorLLM/violateLLM (goal >= 0.8: perfect agreement 1 "
                                "within 0.2)", False))
    confusion = pd.crosstab(rows["theirs"], rows["llm"])
    table = [{"theirs": str(i), **{str(c): int(v) for c, v in r.items()}}
             for i, r in confusion.iterrows()]
    return figures, {"confusion": table}


#: Classes of the matchable rows on which our coding and theirs disagree (their code →
#: ours), with what each means for our rules.
DISAGREEMENT_CLASSES = {
    ("relevant", "no_opportunity"): "they code a case; our rules invoke no pledge of the "
                                    "alliance in the war (no member attacked or acting under "
                                    "the pledge's kind, or the casus foederis fails)",
    ("relevant", "undecided"): "they code a case; every leg we have is undecidable (a "
                               "condition whose content is not recorded here)",
    ("honoured", "violated"): "they code honoured; a leg of ours is a member that stayed "
                              "out of the partner's war (COW) or fought a member",
    ("violated", "honoured"): "they code violated; every leg of ours was honoured",
    ("dna", "decided"): "they code no case (casus foederis not met, consultation, "
                        "non-aggression); our rules find an invoked pledge",
}


#: Why each disagreeing row disagrees (``bf2018_causes.csv``, one row per (war, atopid),
#: found by reading the row's legs, the ATOP record and the treaty): cause → (kind, meaning).
#: ``definition``: their reading of the pledge differs from ATOP's coding or our rules;
#: ``data``: what COW or ATOP 5.1 record; ``text``: content the historical book could not
#: write from a treaty text read here.
CAUSES = {
    "neutrality_if_attacked": ("definition", "ATOP codes the neutrality as owed only if the "
                               "partner is attacked (NEUCOATT); the partner initiated or "
                               "joined, so no pledge is invoked; they code the ally honoured"),
    "partner_not_in_war": ("data", "the member they judge is not a COW participant of the war"),
    "partner_initiated": ("data", "COW codes the partner the war's initiator: no defence "
                          "pledge is invoked; they code the allies' absence a violation"),
    "location_outside_text": ("text", "the treaty's area, from its text, leaves the war out"),
    "not_recorded_belligerent": ("data", "the ally was at war by declaration below COW's "
                                 "threshold, or outside the COW system: no test"),
    "text_not_available": ("text", "the condition's text could not be read here"),
    "demand_not_encodable": ("text", "the open condition is a demand, a fact of the crisis"),
    "adversary_not_written": ("text", "the adversary is a class the text names without "
                              "listing states, or could not be read"),
    "neutrality_location_open": ("text", "the area of a neutrality left open (not encodable)"),
    "fought_together_not_invoked": ("definition", "the members fought on one side, but no "
                                    "pledge of theirs is invoked by our rules"),
    "aid_is_facilities": ("definition", "the text defines the ally's aid as facilities, "
                          "which participation in the war cannot show"),
    "late_entry": ("definition", "the ally entered after the window (honoured on the whole "
                   "war)"),
    "ally_stayed_out": ("data", "COW does not list the ally in the war"),
    "new_attacker_not_invoked": ("definition", "a state entering the war later is no new "
                                 "invocation in our rules"),
    "wartime_enemy_not_attacker": ("definition", "a pledge made during a war is judged "
                                   "against every state at war with the partner on the pledge "
                                   "day (rule L2); the text's adversary, authored in the "
                                   "historical book, is among them though it attacked no "
                                   "member"),
    "membership_date": ("data", "ATOP 5.1's membership dates differ from the fighting's"),
    "dna_decided": ("definition", "they code no case (casus foederis not met, consultation, "
                    "non-aggression); we find an invoked pledge or a fight between members"),
}


def load_causes() -> pd.DataFrame:
    """The cause of each disagreeing row (``bf2018_causes.csv``: war, atopid, cause, note)."""
    from importlib import resources

    with resources.files("foedus.replications").joinpath("bf2018_causes.csv").open(
            encoding="utf-8") as fh:
        return pd.read_csv(fh)


def _causes(disagree: pd.DataFrame) -> tuple[list[dict[str, Any]], str]:
    """Per cause: its kind, meaning, rows and examples; and the sentence for the notes."""
    causes = load_causes()
    merged = disagree[["war", "atopid", "theirs", "llm"]].merge(
        causes, on=["war", "atopid"], how="left")
    merged["cause"] = merged["cause"].fillna("unclassified")
    table = []
    for cause, g in merged.groupby("cause", sort=False):
        kind, meaning = CAUSES.get(cause, ("unclassified", "no cause recorded"))
        table.append({"cause": cause, "kind": kind, "rows": len(g), "meaning": meaning,
                      "honoured_theirs": int((g["theirs"] == "honoured").sum()),
                      "violated_theirs": int((g["theirs"] == "violated").sum()),
                      "examples": [f"{w} / ATOP {int(a)}: {n}" for w, a, n in zip(
                          g["war"], g["atopid"], g["note"].fillna(""), strict=True)]})
    table.sort(key=lambda e: -e["rows"])
    by_kind = merged["cause"].map(lambda c: CAUSES.get(c, ("unclassified",))[0]).value_counts()
    sentence = ("Why the rows disagree (table disagreement_causes), by kind: " + "; ".join(
        f"{k} {n}" for k, n in by_kind.items()) + "; by cause: " + "; ".join(
        f"{e['cause']} {e['rows']} ({e['honoured_theirs']} honoured / "
        f"{e['violated_theirs']} violated in theirs)" for e in table) + ".")
    return table, sentence


def _disagreement_class(theirs: str, ours: str) -> tuple[str, str] | None:
    if theirs == "dna":
        return ("dna", "decided") if ours in ("honoured", "violated") else None
    if ours in ("no_opportunity", "undecided"):
        return ("relevant", ours)
    return (theirs, ours) if theirs != ours else None


def _classes(rows: pd.DataFrame, opp: pd.DataFrame) -> list[dict[str, Any]]:
    """Per disagreement class: the count, what it means, and the commonest reasons."""
    reasons = _cf_reasons(opp, rows)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows.itertuples(index=False):
        key = _disagreement_class(r.theirs, r.llm)
        if key is None:
            continue
        entry = out.setdefault(key, {"theirs": key[0], "ours": key[1], "rows": 0,
                                     "meaning": DISAGREEMENT_CLASSES[key], "examples": []})
        entry["rows"] += 1
        if len(entry["examples"]) < 12:
            entry["examples"].append(f"{r.warname} / ATOP {int(r.atopid)}: "
                                     f"{reasons.get((r.war, int(r.atopid)), 'no legs')}")
    return sorted(out.values(), key=lambda e: -e["rows"])


def run(*, n_boot: int = 2000, seed: int = 0) -> tuple[list[Figure],
                                                        dict[str, list[dict[str, Any]]],
                                                        list[str]]:
    """Parts (a), (b) and (c) of the module docstring, built from the store.

    Parameters
    ----------
    n_boot, seed
        The war-clustered bootstrap of part (c).

    Returns
    -------
    tuple
        ``(figures, tables, notes)``: tables ``universe_diff``, ``matchable`` (each
        matchable row: theirs and our verdicts), ``disagreements`` and ``confusion``.
    """
    from foedus.data.loaders import load_system
    from foedus.data.store import connect
    from foedus.reliability import alliance_wars, allied_fights, opportunities
    from foedus.reliability.opportunities import WINDOW_DAYS
    from foedus.reliability.universe import alliance_war_universe, compare_universe

    with connect() as con:
        bf = con.execute("select * from bf2018").df()
        universe = alliance_war_universe(con)
        diff = compare_universe(bf, universe, con)
    figures = _part_a(bf)
    with_number = int(bf["cowwarid"].notna().sum())
    found = with_number - int(((diff["in"] == "published only")
                               & (diff["reason"] != "no COW war number (unmatchable)")).sum())
    reasons = diff.groupby(["in", "reason"]).size()
    figures.append(Figure.compare(
        "(b) published rows with a COW war number found in the ATOP 5.1 x COW universe",
        with_number, found, tolerance=0.0, unit="count", n=len(universe),
        note="; ".join(f"{i}, {r}: {n}" for (i, r), n in reasons.items())))
    system = load_system()
    fights = allied_fights(system)
    opp = opportunities(system, end=2003, invocation="llm")
    rows = _ours(alliance_wars(opp, fights), bf, universe)
    part_c, extra = _part_c(rows, n_boot, seed,
                            rules=f"invocation llm, {WINDOW_DAYS}-day window; ")
    figures += part_c
    whole = _ours(alliance_wars(opportunities(system, end=2003, invocation="llm",
                                              window=math.inf), fights), bf, universe)
    figures.append(_kappa(whole, "(c, whole war) Cohen's kappa with entry at any time of "
                                 "the partner's war (not required)", False))
    changed = rows.merge(whole[["war", "atopid", "llm"]], on=["war", "atopid"],
                         suffixes=("", "_whole"))
    changed = changed[changed["llm"] != changed["llm_whole"]]
    extra["window_sensitivity"] = changed[["war", "warname", "atopid", "theirs", "llm",
                                           "llm_whole"]].to_dict("records")
    atop_opp = opportunities(system, end=2003)
    atop_rows = _ours(alliance_wars(atop_opp, fights), bf, universe)
    atop_c, atop_extra = _part_c(atop_rows, n_boot, seed, prefix="(c, ATOP definitions)",
                                 required=False,
                                 rules="ATOP's definitions, 90-day window (not required); ")
    figures += atop_c
    extra["confusion_atop_definitions"] = atop_extra["confusion"]
    extra["disagreement_classes"] = _classes(rows, opp)
    disagree = rows[(rows["theirs"] != "dna") & (rows["theirs"] != rows["llm"])
                    | (rows["theirs"] == "dna") & rows["llm"].isin(["honoured", "violated"])]
    reasons_by_row = _cf_reasons(opp, disagree)
    extra["disagreement_causes"], causes_note = _causes(disagree)
    tables = {
        "universe_diff": diff.to_dict("records"),
        "matchable": rows[["war", "warname", "atopid", "sample", "theirs", "llm",
                           "theirs_sabrosky", "sabrosky"]].to_dict("records"),
        "disagreements": [{**r, "our_reasons": reasons_by_row.get((r["war"], r["atopid"]),
                                                                  "")}
                          for r in disagree[["war", "warname", "atopid", "theirs", "llm",
                                             "evidence", "undecided_legs", "fights"]]
                          .fillna(0).astype({"evidence": int, "undecided_legs": int,
                                             "fights": int}).to_dict("records")],
        **extra,
    }
    both = rows[(rows["theirs"] != "dna") & rows["llm"].isin(["honoured", "violated"])]
    notes = [
        f"Universe: {len(bf)} published rows ({with_number} with a COW war number), "
        f"{len(universe)} ATOP 5.1 x COW rows; {len(rows)} matchable.",
        f"Matchable rows they code relevant: {int((rows['theirs'] != 'dna').sum())}; we "
        f"decide {int(rows['llm'].isin(['honoured', 'violated']).sum())}, both "
        f"{len(both)} (invocation rules 'llm', entry within {WINDOW_DAYS} days, with the "
        "historical book). Entry at any time of the partner's war changes "
        f"{len(extra['window_sensitivity'])} row(s) (table window_sensitivity).",
        _why(rows),
        "Disagreeing rows by class: " + "; ".join(
            f"{c['theirs']} -> {c['ours']}: {c['rows']}" for c in extra["disagreement_classes"])
        + " (table disagreement_classes: what each class means, with examples).",
        causes_note,
    ]
    return figures, tables, notes


def _why(rows: pd.DataFrame) -> str:
    """Why the rates differ: the rows only they decide, and how they code them."""
    theirs = rows[rows["theirs"] != "dna"]
    ours = theirs["llm"].isin(["honoured", "violated"])
    only = theirs[~ours]
    both = theirs[ours]
    h = int((only["theirs"] == "honoured").sum())
    agree = int((both["theirs"] == both["llm"]).sum())
    return (f"Of the {len(theirs)} rows they code relevant, we decide {int(ours.sum())} "
            f"(agreeing on {agree}); the {len(only)} we do not decide are {h} honoured and "
            f"{len(only) - h} violated in their coding ({h / max(len(only), 1):.2f} "
            f"honoured, against {(theirs['theirs'] == 'honoured').mean():.2f} over all their "
            "rows): the rates we can compute leave out a set that leans honoured, which no "
            "agreement on the shared rows makes up.")


def _cf_reasons(opp: pd.DataFrame, rows: pd.DataFrame) -> dict[tuple[str, int], str]:
    """Per (war, atopid): the casus foederis reasons and outcomes of our legs, in words."""
    keys = set(zip(rows["war"], rows["atopid"].astype(int), strict=True))
    legs = opp[[(w, int(a)) in keys for w, a in zip(opp["war"], opp["atopid"], strict=True)]]
    legs = legs[legs["kind"].isin(["defense", "offense", "neutrality"])]
    out: dict[tuple[str, int], str] = {}
    for (w, a), g in legs.groupby(["war", "atopid"]):
        parts = [f"{k} {c} ({n})" for (k, c), n in g.groupby(
            ["kind", "cf_reason"]).size().items()]
        outs = ", ".join(f"{o} {n}" for o, n in g["outcome"].value_counts().items())
        out[(w, int(a))] = "; ".join(parts) + f" | outcomes: {outs}"
    return out


STUDY = Study(
    name="berkemeier-fuhrmann-2018",
    title="Reassessing the Fulfillment of Alliance Commitments in War",
    citation="Berkemeier, Molly, and Matthew Fuhrmann. 2018. Research & Politics 5(2): 1-5.",
    doi="10.1177/2053168018776125",
    data=("bf2018", "atop_alliances", "atop_members", "atop_directed", "cow_wars",
          "dyadic_war"),
    run=run,
    description="Alliance-war fulfilment rates 1816-2003: the authors' coding, the universe "
                "rebuilt from ATOP 5.1 and COW, and foedus's automatic coding against theirs.",
)
