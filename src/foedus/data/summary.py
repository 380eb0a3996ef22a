"""A short summary of the store: what it holds and a first look at alliance history.

This is the demo's main job (issue 2 §6): datasets and versions, ATOP alliances in force by
era, and the states with the most defence pledges in a year.
"""

from __future__ import annotations

from foedus.data.store import connect

__all__ = ["ERAS", "summary"]

#: Eras of the international system used to count alliances in force (inclusive years).
ERAS: tuple[tuple[str, int, int], ...] = (
    ("Concert of Europe, 1815-1870", 1815, 1870),
    ("Bismarckian and pre-war, 1871-1913", 1871, 1913),
    ("First World War, 1914-1918", 1914, 1918),
    ("Interwar, 1919-1938", 1919, 1938),
    ("Second World War, 1939-1945", 1939, 1945),
    ("Cold War, 1946-1989", 1946, 1989),
    ("Post-Cold War, 1990-2018", 1990, 2018),
)


def summary(*, year: int = 2018, top: int = 10) -> dict:
    """Datasets in the store, ATOP alliances in force per era, and the top defence pledgers.

    An alliance is in force in an era if its ATOP span (``begyr`` to ``endyr``, or still in
    effect at the end of 2018 when ``endyr`` is 0) overlaps the era's years. A state's
    defence pledges in ``year`` are the partners it is obliged to defend that year in ATOP's
    published directed dyad-year extract (``atop_defense`` = 1 with the state as ``ccode1``),
    with the number of distinct defence alliances beside it.
    """
    with connect() as con:
        built_at = con.execute("SELECT value FROM store_info WHERE key='built_at'").fetchone()
        keys = ("name", "title", "version", "coverage", "rows", "origin")
        datasets = [dict(zip(keys, r, strict=True)) for r in con.execute(
            "SELECT dataset, title, version, coverage, rows, origin FROM provenance "
            "ORDER BY dataset").fetchall()]
        eras = []
        for label, start, end in ERAS:
            n, n_def = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE defense = 1) FROM atop_alliances "
                "WHERE begyr <= ? AND (CASE WHEN endyr = 0 THEN 2018 ELSE endyr END) >= ?",
                [end, start]).fetchone()
            eras.append({"era": label, "from": start, "to": end, "alliances": n,
                         "defense_pacts": n_def})
        pledges = con.execute(
            """
            WITH partners AS (
                SELECT ccode1 AS ccode, count(DISTINCT ccode2) AS partners
                FROM atop_directed_dyad_years WHERE year = ? AND atop_defense = 1
                GROUP BY ccode1),
            pacts AS (
                SELECT member AS ccode, count(DISTINCT atopid) AS pacts
                FROM atop_members
                WHERE defense = 1 AND yrent <= ? AND (yrexit = 0 OR yrexit >= ?)
                GROUP BY member)
            SELECT p.ccode, s.abb, s.name, s.iso3, p.partners, coalesce(k.pacts, 0)
            FROM partners p LEFT JOIN states s USING (ccode) LEFT JOIN pacts k USING (ccode)
            ORDER BY p.partners DESC, p.ccode LIMIT ?
            """, [year, year, year, top]).fetchall()
    top_states = [{"state": {"cow": c, "iso3": iso, "abb": abb, "name": name},
                   "partners_pledged_to_defend": n, "defense_pacts": k}
                  for c, abb, name, iso, n, k in pledges]
    return {"built_at": built_at[0] if built_at else None, "datasets": datasets,
            "eras": eras, "year": year, "top_defense_pledgers": top_states}
