"""Cross-check of the capitals file against Gleditsch & Ward's capital distances (capdist)
(test support: it ships with the tests, not the package).

The capitals file (``capitals``, COW codes, one row per capital spell) is a compilation with
coordinate errors (PROVENANCE, "Known traps"); capdist (``capdist``, Gleditsch & Ward codes,
static, one distance per pair of states) is an independent measurement of the same
capitals. :func:`crosscheck` computes, for every COW state and every one of its capital
spells, the great-circle distances to the other states' capitals, compares them with
capdist's ``kmdist`` and reports which spell capdist used and how well it agrees.

What the data show (see ``tests/data/test_capitals_crosscheck.py``):

- capdist's ``kmdist`` is reproduced to its integer rounding (median residual 0.24 km, the
  0.25 km expected of rounding alone) by a sphere of radius **6367 km** with capdist's own
  coordinates for each capital (a least-squares fit of all coordinates and the radius to all
  20,301 pairs; 6371.0088 km leaves a median residual of 0.36 km, 6378.137 km 0.71 km).
  6367 km is a radius common in haversine code of the time (e.g. the comp.infosystems.gis
  FAQ, Q5.1).
  ``midist`` is ``kmdist``/1.6038 (sd 0.0002), i.e. a radius of 3970 mi, not the statute
  mile (1.609344 km); one ``midist`` cell (NOR-RUS) holds the letter ``s``.
- capdist's own coordinates differ from the capitals file's by a few tens of km (median
  about 35 km), so a state's median absolute dyad error is 10-95 km when both sources
  agree on the city (:data:`TOLERANCE_KM`). Some of capdist's points are not capitals:
  for several small and island states they are the country's centre as given, in whole or
  quarter degrees, by the CIA World Factbook (Solomon Islands 8S 159E, Vanuatu 16S 167E,
  Marshall Islands 9N 168E, Equatorial Guinea 2N 10E, Bahamas, Cape Verde), Samoa's has
  the wrong sign of longitude (172E for 172W), and a group of southern-hemisphere capitals
  (Pretoria, Harare, Lilongwe, Gaborone, Windhoek, Antananarivo…) sit about 1 degree north
  of the city: reading southern latitudes as -D + M/60 (25°45'S as 24.25°S) halves their
  median errors (Pretoria 80 -> 37 km, Windhoek 68 -> 25 km), though not every southern
  capital fits that reading. Those beyond the tolerance are listed, with the reason, in
  ``tests/fixtures/capdist_discrepancies.csv``.

The code systems differ; every difference found in the two files is listed in
:data:`CODE_DIFFERENCES` and encoded in :data:`COW_TO_CAPDIST` and :data:`CAPDIST_ONLY`.
A code found in either file and covered by neither rule raises, so a new difference cannot
pass silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from foedus.measures.distance import EARTH_MEAN_RADIUS_KM, haversine_km

__all__ = [
    "CAPDIST_ONLY",
    "CAPDIST_RADIUS_KM",
    "CODE_DIFFERENCES",
    "COW_TO_CAPDIST",
    "EARTH_MEAN_RADIUS_KM",
    "SAME_PLACE_KM",
    "TOLERANCE_KM",
    "CodeDifference",
    "apply_corrections",
    "capdist_code",
    "capdist_matrix",
    "crosscheck",
    "haversine_km",
    "spell_errors",
]

#: The sphere capdist's ``kmdist`` was computed on, inferred from the data (module docstring).
CAPDIST_RADIUS_KM = 6367.0

#: A state's capital agrees with capdist when the median absolute error of its dyads is at
#: most this many km. With the authored corrections applied, the states whose capital both
#: sources put in the same city have medians from 9 to 95 km (the upper end is capdist's own
#: coordinates: southern-hemisphere capitals about 1 degree north of the city, Nassau and
#: Praia at their country's centre, Tbilisi near Yerevan); the next state is at 129 km
#: (Dominica, which capdist places 200 km south of Roseau). 110 km sits in the middle of that
#: gap. A capital in another city (La Paz for Sucre, 420 km; Dar es Salaam for Dodoma,
#: 400 km) or a country centre for a capital (Tunis 157 km before correction) lands above it.
TOLERANCE_KM = 110.0

#: Two capitals closer than this count as the same place when classifying: capdist cannot
#: tell them apart (Rawalpindi and Islamabad are 11 km apart).
SAME_PLACE_KM = 25.0


# --- code systems -------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeDifference:
    """One difference between the COW codes of the capitals file and capdist's G&W codes."""

    cow: tuple[int, ...]
    gw: tuple[int, ...]
    kind: str  # "same number, different extent" | "absent from capdist" | "G&W only"
    note: str


CODE_DIFFERENCES: tuple[CodeDifference, ...] = (
    CodeDifference(
        (255,), (255,), "same number, different extent",
        "COW 255 is Germany 1816-1945 and again from 1990 (capital Berlin); G&W 255 is "
        "Germany only to 1945, and unified Germany continues G&W 260. capdist places 255 GMY "
        "at Berlin (0 km from 265 GDR), so COW 255 is compared with G&W 255, not 260."),
    CodeDifference(
        (260,), (260,), "same number, different extent",
        "COW 260 is the German Federal Republic 1955-1990 (Bonn); G&W 260 runs from 1949 and "
        "includes unified Germany after 1990. capdist's single point for 260 GFR is Bonn "
        "(494 km from 255 GMY), the right point for COW 260."),
    CodeDifference(
        (345,), (340, 345), "same number, different extent",
        "COW 345 is Serbia/Yugoslavia 1878- under one code; G&W uses 340 for Serbia "
        "(1878-1915, 2006-) and 345 for Yugoslavia (1918-2006). This capdist file has no 340: "
        "Serbia appears as numa 345 with the abbreviation SER beside 345 YUG, at the same "
        "point (SER-YUG 0 km), so every 345 pair is there twice; the SER rows are dropped "
        "after checking that they equal the YUG rows."),
    CodeDifference(
        (678, 679), (678, 679), "same number, different extent",
        "COW 678 is the Yemen Arab Republic 1926-1990 and COW 679 unified Yemen from 1990; in "
        "G&W's list 678 continues as unified Yemen and 679 is unused. This capdist file holds "
        "both 678 YAR and 679 YEM at the same point (0 km apart, Sanaa), so each COW code is "
        "compared with the G&W row of the same number."),
    CodeDifference(
        (946, 947, 955, 970), (), "absent from capdist",
        "COW Kiribati 946, Tuvalu 947, Tonga 955 and Nauru 970 are not in capdist. G&W number "
        "these microstates differently (Kiribati 970, Nauru 971, Tonga 972, Tuvalu 973), so "
        "970 means Nauru in COW and Kiribati in G&W: never join the two files on 970."),
    CodeDifference(
        (347, 626), (), "absent from capdist",
        "Kosovo (2008) and South Sudan (2011) postdate this capdist file (it has Montenegro, "
        "2006); G&W give them the same numbers."),
    CodeDifference(
        (240, 245, 267, 269, 271, 273, 275, 280, 327, 329, 332, 335, 337), (),
        "absent from capdist",
        "The German states (Hanover ... Mecklenburg-Schwerin) and the Italian states (Papal "
        "States ... Tuscany), all gone by 1871, are not in this capdist file."),
    CodeDifference(
        (), (563, 564, 711, 815), "G&W only",
        "G&W states with no COW code: 563 Transvaal, 564 Orange Free State, 711 Tibet, "
        "815 Vietnam (Annam). capdist puts 563 TRA at 560 SAF's point (0 km) and 815 VNM 13 km "
        "from 817 RVN (Saigon; the Nguyen capital was Hue). Not compared."),
)

#: COW code -> capdist code holding that state's capital, for every COW code whose capdist
#: row is not simply found under the same number (``None``: not in capdist). Codes not
#: listed here must appear in capdist under the same number with the same meaning.
COW_TO_CAPDIST: dict[int, int | None] = {
    **{c: c for d in CODE_DIFFERENCES if d.kind == "same number, different extent"
       for c in d.cow},
    **{c: None for d in CODE_DIFFERENCES if d.kind == "absent from capdist" for c in d.cow},
}

#: capdist codes with no COW state (not compared).
CAPDIST_ONLY: frozenset[int] = frozenset(
    g for d in CODE_DIFFERENCES if d.kind == "G&W only" for g in d.gw)

#: The duplicate capdist labels dropped (see the 345 note above).
_CAPDIST_DUPLICATE_ABBS = ("SER",)


def capdist_code(ccode: int, capdist_codes: set[int] | frozenset[int]) -> int | None:
    """The capdist (G&W) code whose row holds COW state ``ccode``'s capital, or ``None``.

    Raises
    ------
    ValueError
        If ``ccode`` is not in :data:`COW_TO_CAPDIST` and not in capdist under its own
        number: an undocumented code difference.
    """
    if ccode in COW_TO_CAPDIST:
        target = COW_TO_CAPDIST[ccode]
        if target is not None and target not in capdist_codes:
            raise ValueError(f"COW {ccode} maps to capdist {target}, which capdist lacks")
        return target
    if ccode in capdist_codes:
        return ccode
    raise ValueError(f"COW code {ccode} is not in capdist and not in CODE_DIFFERENCES")


def capdist_matrix(capdist: pd.DataFrame) -> pd.DataFrame:
    """capdist's ``kmdist`` as a square float frame indexed by G&W code (both axes).

    Drops the duplicate ``SER`` rows of code 345 after checking they repeat the ``YUG`` rows,
    and checks that the table is symmetric and complete.
    """
    d = capdist[["numa", "ida", "numb", "idb", "kmdist"]]
    dup = d["ida"].isin(_CAPDIST_DUPLICATE_ABBS) | d["idb"].isin(_CAPDIST_DUPLICATE_ABBS)
    kept = d[~dup]
    dropped = d[dup & (d["numa"] != d["numb"])].merge(
        kept, on=["numa", "numb"], how="left", suffixes=("", "_kept"))
    if dropped["kmdist_kept"].isna().any() or (dropped["kmdist"] != dropped["kmdist_kept"]).any():
        raise ValueError("capdist: the 345 SER rows no longer repeat the 345 YUG rows")
    if kept.duplicated(["numa", "numb"]).any():
        raise ValueError("capdist: duplicate (numa, numb) pairs beyond the known SER/YUG ones")
    km = kept.pivot(index="numa", columns="numb", values="kmdist").astype(float)
    codes = sorted(set(km.index) | set(km.columns))
    km = km.reindex(index=codes, columns=codes)
    off = ~np.eye(len(codes), dtype=bool)
    values = km.to_numpy()
    if np.isnan(values[off]).any():
        raise ValueError("capdist: the distance table is not complete")
    if not np.array_equal(values[off], values.T[off]):
        raise ValueError("capdist: the distance table is not symmetric")
    return km


# --- corrections --------------------------------------------------------------------------

def _normalised(capitals: pd.DataFrame) -> pd.DataFrame:
    """Raw (``lng``, ``stdate``) or tidy (``lon``, ``start_date``) capitals, as raw names."""
    out = capitals.rename(columns={"lon": "lng", "start_date": "stdate",
                                   "end_date": "enddate", "statenme": "state"})
    for col in ("stdate", "enddate"):
        if col in out:
            out[col] = out[col].astype(str)
    if "state" not in out:
        out["state"] = ""
    return out.reset_index(drop=True)


def apply_corrections(capitals: pd.DataFrame, corrections: pd.DataFrame | None) -> pd.DataFrame:
    """Apply the authored capital corrections as :func:`foedus.data.tidy._capitals` does.

    Each row (``ccode, capital, stdate, field, published, corrected, source``) must match
    exactly one spell by ``ccode`` and ``stdate`` whose ``field`` (``lat`` or ``lng``) still
    holds ``published``; otherwise the correction no longer applies and this raises.
    """
    out = _normalised(capitals)
    out["lat"] = out["lat"].astype(float)
    out["lng"] = out["lng"].astype(float)
    if corrections is None:
        return out
    for fix in corrections.itertuples(index=False):
        hit = (out["ccode"] == fix.ccode) & (out["stdate"] == str(fix.stdate))
        if fix.field not in ("lat", "lng"):
            raise ValueError(f"capital correction of an unknown field: {fix}")
        if hit.sum() != 1 or abs(out.loc[hit, fix.field].iloc[0] - fix.published) > 1e-6:
            raise ValueError(f"capital correction no longer applies: {fix}")
        out.loc[hit, fix.field] = float(fix.corrected)
    return out


# --- the cross-check ----------------------------------------------------------------------

def _prepared(capitals: pd.DataFrame, capdist: pd.DataFrame,
              corrections: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    km = capdist_matrix(capdist)
    codes = frozenset(int(c) for c in km.index)
    spells = apply_corrections(capitals, corrections)
    spells["gw"] = [capdist_code(int(c), codes) for c in spells["ccode"]]
    mapped = {g for g in spells["gw"] if g is not None}
    unexplained = codes - mapped - CAPDIST_ONLY
    if unexplained:
        raise ValueError(f"capdist codes with no COW state and not in CAPDIST_ONLY: "
                         f"{sorted(unexplained)}")
    return spells, km


def _spell_table(spells: pd.DataFrame, km: pd.DataFrame, radius_km: float,
                 max_iterations: int = 20
                 ) -> tuple[pd.DataFrame, dict[int, int], np.ndarray, np.ndarray]:
    """Per-spell errors against the other states' best spells, iterated to a fixed point.

    Returns the spell table (latest spell first within each state), the best spell of each
    state (row positions), the spell-by-spell absolute error matrix and the partner rows.
    """
    s = spells[spells["gw"].notna()].copy()
    s["gw"] = s["gw"].astype(int)
    # latest spell first, so that ties (a capital that left and came back) pick the latest
    s = s.sort_values(["ccode", "stdate"], ascending=[True, False]).reset_index(drop=True)
    lat, lon = s["lat"].to_numpy(), s["lng"].to_numpy()
    dist = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :], radius_km)
    gw = s["gw"].to_numpy()
    kmd = km.reindex(index=gw, columns=gw).to_numpy()
    err = np.abs(dist - kmd)
    ccode = s["ccode"].to_numpy()
    first = s.groupby("ccode", sort=False).head(1)
    best = dict(zip(first["ccode"], first.index, strict=True))
    for _ in range(max_iterations):
        partners = np.array(sorted(best.values()))
        mask = ccode[:, None] != ccode[partners][None, :]
        sub = np.where(mask, err[:, partners], np.nan)
        s["n_dyads"] = mask.sum(axis=1)
        s["median_abs_error_km"] = np.nanmedian(sub, axis=1)
        s["max_abs_error_km"] = np.nanmax(sub, axis=1)
        s["worst_partner"] = ccode[partners][np.nanargmax(sub, axis=1)]
        new = {int(c): int(g["median_abs_error_km"].idxmin())
               for c, g in s.groupby("ccode", sort=False)}
        if new == best:
            break
        best = new
    else:
        raise RuntimeError("capital cross-check: the choice of best spells does not settle")
    s["best"] = s.index.isin(list(best.values()))
    return s, best, err, partners


def spell_errors(capitals: pd.DataFrame, capdist: pd.DataFrame,
                 corrections: pd.DataFrame | None = None, *,
                 radius_km: float = CAPDIST_RADIUS_KM) -> pd.DataFrame:
    """Every capital spell of every state in capdist, with its dyad errors against capdist.

    The partners of each spell are the other states' best spells (those capdist used, found
    by the same fixed-point search as :func:`crosscheck`). Columns: ``ccode``, ``state``,
    ``capital``, ``stdate``, ``enddate``, ``lat``, ``lng``, ``gw``, ``n_dyads``,
    ``median_abs_error_km``, ``max_abs_error_km``, ``worst_partner``, ``best``.
    """
    spells, km = _prepared(capitals, capdist, corrections)
    table, _, _, _ = _spell_table(spells, km, radius_km)
    cols = ["ccode", "state", "capital", "stdate", "enddate", "lat", "lng", "gw", "n_dyads",
            "median_abs_error_km", "max_abs_error_km", "worst_partner", "best"]
    return table[cols].copy()


def crosscheck(capitals: pd.DataFrame, capdist: pd.DataFrame,
               corrections: pd.DataFrame | None = None, *,
               radius_km: float = CAPDIST_RADIUS_KM,
               tolerance_km: float = TOLERANCE_KM) -> pd.DataFrame:
    """Which capital spell capdist used for each COW state, and how well they agree.

    Parameters
    ----------
    capitals
        The capitals file as read (``ccode, statenme, capital, stdate, enddate, lat, lng``)
        or the tidy ``capitals`` table (``lon``, ``start_date``…), COW codes.
    capdist
        capdist as read (``numa, ida, numb, idb, kmdist, midist``), G&W codes.
    corrections
        The authored corrections (``tables/capital_corrections.csv``) to apply first, or
        ``None`` (e.g. when ``capitals`` is the tidy table, already corrected).
    radius_km
        The sphere for the file's distances; capdist's own radius by default, so that only
        the coordinates differ.
    tolerance_km
        The largest median absolute dyad error that counts as agreement.

    For every state and capital spell, the distances from that capital to every other state's
    capital are compared with capdist's ``kmdist`` (code systems mapped through
    :data:`COW_TO_CAPDIST`). The other states' capitals are their best spells: starting from
    each state's latest spell, each state's best spell is the one with the smallest median
    absolute error, repeated until no state changes (ties go to the latest spell).

    Returns one row per COW state: ``ccode``, ``state``, ``gw`` (capdist code, null when
    absent), ``n_spells``, the best spell (``capital``, ``stdate``, ``enddate``, ``lat``,
    ``lng``), ``n_dyads``, ``median_abs_error_km``, ``max_abs_error_km`` and the partner
    giving that maximum (``worst_partner``), ``max_abs_error_clean_km`` (the maximum over
    partners that are themselves not discrepant), the runner-up spell
    (``runner_up_capital``, ``runner_up_median_km``), and ``classification``:

    - ``"agrees"``: median error within the tolerance, best spell the latest capital (or
      within :data:`SAME_PLACE_KM` of it);
    - ``"agrees, earlier capital"``: within the tolerance, at an earlier capital more than
      :data:`SAME_PLACE_KM` from the latest one: capdist predates the move or keeps the old
      capital (e.g. Almaty before Astana);
    - ``"discrepant"``: median error beyond the tolerance;
    - ``"not in capdist"``: no capdist counterpart (:data:`CODE_DIFFERENCES`).
    """
    spells, km = _prepared(capitals, capdist, corrections)
    table, best, err, partners = _spell_table(spells, km, radius_km)
    ccode = table["ccode"].to_numpy()
    discrepant = {c for c, i in best.items()
                  if table.at[i, "median_abs_error_km"] > tolerance_km}
    clean = np.array([c not in discrepant for c in ccode[partners]])
    rows = []
    for c, group in spells.groupby("ccode", sort=True):
        base = {"ccode": int(c), "state": group["state"].iloc[0], "n_spells": len(group)}
        if int(c) not in best:
            rows.append({**base, "gw": pd.NA, "classification": "not in capdist"})
            continue
        i = best[int(c)]
        spell = table.loc[i]
        own = table[table["ccode"] == c]
        others = own.drop(index=i)
        runner = others.loc[others["median_abs_error_km"].idxmin()] if len(others) else None
        latest = own.iloc[0]  # sorted latest first
        keep = clean & (ccode[partners] != c)
        median = float(spell["median_abs_error_km"])
        if median > tolerance_km:
            label = "discrepant"
        elif latest.name == i or haversine_km(latest["lat"], latest["lng"], spell["lat"],
                                              spell["lng"]) < SAME_PLACE_KM:
            label = "agrees"
        else:
            label = "agrees, earlier capital"
        rows.append({
            **base, "gw": int(spell["gw"]), "capital": spell["capital"],
            "stdate": spell["stdate"], "enddate": spell["enddate"],
            "lat": float(spell["lat"]), "lng": float(spell["lng"]),
            "n_dyads": int(spell["n_dyads"]), "median_abs_error_km": median,
            "max_abs_error_km": float(spell["max_abs_error_km"]),
            "worst_partner": int(spell["worst_partner"]),
            "max_abs_error_clean_km": float(np.max(err[i, partners[keep]])),
            "runner_up_capital": None if runner is None else runner["capital"],
            "runner_up_median_km": (np.nan if runner is None
                                    else float(runner["median_abs_error_km"])),
            "classification": label,
        })
    out = pd.DataFrame(rows)
    out["gw"] = out["gw"].astype("Int64")
    out["n_dyads"] = out["n_dyads"].astype("Int64")
    out["worst_partner"] = out["worst_partner"].astype("Int64")
    return out
