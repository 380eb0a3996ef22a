"""Polity5 codes to COW codes: an explicit, tested crosswalk.

Polity's ``ccode`` is COW-like but not COW's (PROVENANCE, "Known traps"): some codes are not
in COW's state list (364 USSR, 342 Serbia, 769 Pakistan 1947-1971, 818 Vietnam…), and three
live COW codes name other states in Polity (341 Kosovo, 347 Serbia and Montenegro, 626
Sudan-North). Where two Polity series cover one COW state in the same year (Sudan 2011,
Ethiopia 1993, Vietnam 1976, Yugoslavia 1991, Italy 1861), the series that existed on
1 January is kept and the other year dropped, so that a COW state-year has at most one
Polity row. Every decision is a row of ``data/tables/polity_cow.csv`` with its reason; a code
not listed there maps to itself when COW's state list has it, and is reported as unmatched
otherwise.

Source: Marshall & Gurr (2020), Polity5 Users' Manual (country codes, Appendix), and COW
State System Membership v2016 (``states2016.csv``).
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from foedus.errors import DataFormatError

__all__ = ["crosswalk", "crosswalk_table"]


def crosswalk_table() -> pd.DataFrame:
    """The authored decisions: ``polity_ccode, first_year, last_year, ccode, reason``."""
    path = resources.files("foedus.data").joinpath("tables", "polity_cow.csv")
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype={"ccode": "Int64"})
    return table


def crosswalk(polity: pd.DataFrame, cow_codes: set[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add COW ``ccode`` to Polity rows (``polity_ccode``, ``year``); drop what cannot map.

    Returns the mapped rows and a report of the unmatched or dropped ones (columns of the
    store's ``unmatched_names`` table).

    Raises
    ------
    DataFormatError
        If the result would give a COW state two Polity rows in one year, or a listed
        decision no longer matches any row (the file changed).
    """
    table = crosswalk_table()
    out = polity.copy()
    out["ccode"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    decided = pd.Series(False, index=out.index)
    reason = pd.Series("", index=out.index, dtype=object)
    for rule in table.itertuples(index=False):
        hit = ((out["polity_ccode"] == rule.polity_ccode)
               & out["year"].between(rule.first_year, rule.last_year))
        if not hit.any():
            raise DataFormatError(
                f"polity5: the crosswalk row for Polity {rule.polity_ccode} "
                f"{rule.first_year}-{rule.last_year} matches no row; review "
                "data/tables/polity_cow.csv.")
        out.loc[hit, "ccode"] = rule.ccode
        decided |= hit
        reason[hit] = rule.reason
    plain = ~decided & out["polity_ccode"].isin(cow_codes)
    out.loc[plain, "ccode"] = out.loc[plain, "polity_ccode"]
    missing = out["ccode"].isna()
    reason[~decided & missing] = "code not in COW's state list"
    dup = out[~missing].duplicated(["ccode", "year"], keep=False)
    if dup.any():
        clash = out[~missing][dup].iloc[0]
        raise DataFormatError(
            f"polity5: COW state {clash['ccode']} has two Polity rows in {clash['year']}; "
            "add a decision to data/tables/polity_cow.csv.")
    dropped = out[missing].assign(_reason=reason[missing])
    report = (dropped.groupby(["polity_ccode", "_reason"], as_index=False)
              .agg(source_name=("country", "first"), first_year=("year", "min"),
                   last_year=("year", "max"), rows=("year", "size")))
    report = pd.DataFrame({
        "dataset": "polity5",
        "source_name": report["polity_ccode"].astype(str) + " " + report["source_name"],
        "first_year": report["first_year"], "last_year": report["last_year"],
        "rows": report["rows"], "reason": report["_reason"]})
    return out[~missing].reset_index(drop=True), report
