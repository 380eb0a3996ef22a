r"""Cohesion and network structure of an alliance, read from a snapshot's pledges.

Both lenses are computed on the pledges of the (possibly modified) commitment system on one
day, not on the ATOP dyad-year panel, so that a counterfactual change of membership moves
them:

- :func:`cohesion` — the mean pairwise Signorino & Ritter *S* of the members' alliance
  portfolios (valued ties in the Chiba coding, ``out`` convention: row *i* holds *i*'s
  pledges to each state) and the spread of their UNGA ideal points;
- :func:`defence_network` — degree and eigenvector centrality of the members in the
  defence-pledge network of all states, and its blocs by the Louvain method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np

from foedus.measures.similarity import similarity_matrices, valued_ties
from foedus.model.system import Pledge
from foedus.model.vocab import ObligationKind

__all__ = ["cohesion", "defence_network", "state_keys"]

#: The valued_ties argument each obligation kind sets.
_FLAG = {ObligationKind.DEFENSE: 0, ObligationKind.OFFENSE: 1, ObligationKind.NEUTRALITY: 2,
         ObligationKind.NONAGGRESSION: 3, ObligationKind.CONSULTATION: 4}


def state_keys(codes: Iterable[int], day: dt.date) -> dict[int, str]:
    """Map keys (DESIGN §7: ISO-3 where it exists, else ``cow:`` + the COW abbreviation) of
    COW codes, as :func:`foedus.crisis.report.state_key` gives them."""
    from foedus.data.identities import resolve_state

    return {int(c): resolve_state(int(c), on=day).key for c in dict.fromkeys(codes)}


def _portfolios(pledges: Sequence[Pledge], codes: np.ndarray) -> np.ndarray:
    """Chiba-coded valued ties, row *i* = state *i*'s pledges to each state (0…3)."""
    n = len(codes)
    flags = np.zeros((5, n, n), dtype=bool)
    pos = {int(c): i for i, c in enumerate(codes)}
    rows = [(_FLAG[p.obligation.kind], pos[p.holder], pos[p.beneficiary]) for p in pledges
            if p.holder in pos and p.beneficiary in pos]
    if rows:
        k, i, j = np.array(rows).T
        flags[k, i, j] = True
    ties = valued_ties(*flags, coding="chiba")
    np.fill_diagonal(ties, 3)
    return ties


def _ideal_points(members: Sequence[int], year: int) -> dict[int, tuple[float, int]]:
    """Each member's ``idealpointfp`` in its latest year ≤ ``year`` (value, year)."""
    from foedus.data.store import connect

    with connect() as con:  # the reading of foedus.panels.preferences.add_idealpoints
        frame = con.execute(
            "SELECT ccode, year, avg(idealpointfp) AS ip FROM ideal_points "
            "WHERE idealpointfp IS NOT NULL AND year <= ? AND ccode IN (SELECT unnest(?)) "
            "GROUP BY ccode, year", [year, [int(m) for m in members]]).df()
    last = frame.sort_values("year").groupby("ccode").last()
    return {int(c): (float(r.ip), int(r.year)) for c, r in last.iterrows()}


def cohesion(pledges: Sequence[Pledge], members: Sequence[int], day: dt.date,
             keys: dict[int, str]) -> tuple[dict, list[str]]:
    r"""Portfolio similarity among the members and the spread of their ideal points.

    **Portfolios.** Over the states *K* of the COW system in the day's year (2016's members
    carried forward after 2016, as :func:`foedus.data.queries.system_years` does) plus the
    alliance's members, state *i*'s portfolio is its row of valued ties to every state in
    *K* — 3 defence or offence, 2 neutrality or consultation, 1 non-aggression, 0 none
    (Chiba et al. 2022 as used with ATOP 5.1, DESIGN §4; ``out`` convention: *i*'s own
    pledges in force on the day) —, its tie to itself 3. For two members *x*, *y*

    .. math:: S = 1 - \frac{2 \sum_k |x_k - y_k|}{|K| \, \Delta}, \qquad \Delta = 3

    (Signorino & Ritter 1999, doi:10.1111/0020-8833.00113, computed for all pairs at once
    by :func:`foedus.measures.similarity.similarity_matrices`). Reported: the mean of *S*
    over the :math:`\binom{n}{2}` member pairs (in [-1, 1]; 1 = identical portfolios), its
    minimum and the number of pairs.

    **Ideal points.** Bailey, Strezhnev & Voeten (2017, doi:10.1177/0022002715595700)
    UNGA ideal points (``idealpointfp``), each member's latest year ≤ the day's year:
    their population standard deviation (the members are the whole set, ddof = 0), range
    (max - min) and mean; members without one are listed and left out.

    Returns
    -------
    dict, list of str
        The ``cohesion`` section and its flags.
    """
    from foedus.data.queries import system_years

    year = max(day.year, 1816)
    system, notes = system_years(year, year)
    codes = np.union1d(system["ccode"].to_numpy(dtype=np.int64),
                       np.asarray(members, dtype=np.int64))
    ties = _portfolios(pledges, codes)
    pos = np.searchsorted(codes, np.asarray(members, dtype=np.int64))
    s = similarity_matrices(ties[pos], measures=["s_abs"])["s_abs"]
    upper = s[np.triu_indices(len(members), k=1)]
    flags = [f"cohesion: {n}" for n in notes]

    ideal = _ideal_points(members, day.year)
    values = np.array([ideal[m][0] for m in members if m in ideal])
    missing = [keys[m] for m in members if m not in ideal]
    carried = sorted({y for _, y in ideal.values() if y < day.year})
    if carried:
        flags.append(f"ideal_points_carried_forward: UNGA ideal points for {day.year} are not "
                     f"in the data for every member; the latest year is used "
                     f"({', '.join(map(str, carried))})")
    if missing:
        flags.append(f"ideal_points_missing: no UNGA ideal point on or before {day.year} for "
                     f"{', '.join(missing)} (left out of the spread)")
    section = {
        "similarity": {
            "measure": "s_abs", "coding": "chiba", "convention": "out",
            "mean": float(upper.mean()) if upper.size else None,
            "min": float(upper.min()) if upper.size else None,
            "pairs": int(upper.size), "states": len(codes),
        },
        "ideal_points": {
            "measure": "idealpointfp",
            "sd": float(values.std()) if values.size else None,
            "range": float(np.ptp(values)) if values.size else None,
            "mean": float(values.mean()) if values.size else None,
            "n": int(values.size),
            "by_state": {keys[m]: ideal[m][0] for m in members if m in ideal},
            "year": {keys[m]: ideal[m][1] for m in members if m in ideal},
            "missing": missing,
        },
    }
    return section, flags


def defence_network(pledges: Sequence[Pledge], members: Sequence[int], day: dt.date,
                    keys: dict[int, str], *, seed: int = 0) -> dict:
    r"""Members' centrality and the blocs of the defence-pledge network on the day.

    The network: one node per state that holds or receives a defence pledge on the day (and
    every alliance member, tied or not), one directed edge *h* → *b* where *h* owes *b* a
    defence pledge under any treaty in force (several treaties make one edge). Its
    undirected view joins two states pledged in either direction.

    - ``degree``: degree centrality of the undirected view,
      :math:`C_D(i) = \deg(i)/(N - 1)` — the share of the other states in the network
      tied to *i* by a defence pledge (Freeman 1978, doi:10.1016/0378-8733(78)90021-7;
      ``networkx.degree_centrality``); ``pledges_out`` and ``pledges_in`` count the
      directed edges.
    - ``eigenvector``: eigenvector centrality of the undirected view, :math:`A x = \lambda_1
      x` with *x* ≥ 0 of unit Euclidean norm (Bonacich 1972, *Sociological Methodology*
      4:176-185; ``networkx.eigenvector_centrality``, power iteration to a tolerance of
      1e-12, deterministic where the ARPACK solver of ``eigenvector_centrality_numpy`` starts
      from a random vector). It is defined for a connected
      graph only, so it is computed on the connected component holding the most members;
      members outside that component are null (``eigenvector_component`` gives its size).
    - ``blocs``: communities of the undirected view by the Louvain method (Blondel,
      Guillaume, Lambiotte & Lefebvre 2008, doi:10.1088/1742-5468/2008/10/P10008;
      ``networkx.community.louvain_communities`` with ``seed``, unweighted, resolution 1),
      those holding at least one member, as lists of state keys, largest first;
      ``modularity`` is Newman & Girvan's Q of the whole partition (2004,
      doi:10.1103/PhysRevE.69.026113), in [-1/2, 1); ``member_blocs`` the number of blocs
      the members are split across.

    Returns
    -------
    dict
        The ``network`` section.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(int(m) for m in members)
    graph.add_edges_from((p.holder, p.beneficiary) for p in pledges
                         if p.obligation.kind is ObligationKind.DEFENSE)
    undirected = graph.to_undirected()
    keys = {**keys, **state_keys((n for n in graph if n not in keys), day)}
    degree = nx.degree_centrality(undirected) if len(undirected) > 1 else {}

    components = list(nx.connected_components(undirected))
    main = max(components, key=lambda c: (len(c & set(members)), len(c)))
    sub = undirected.subgraph(main)
    eigen = nx.eigenvector_centrality(sub, max_iter=10_000, tol=1e-12) if len(sub) > 1 else {}

    blocs = nx.community.louvain_communities(undirected, seed=seed)
    modularity = nx.community.modularity(undirected, blocs)
    member_set = set(members)
    held = [sorted(keys[s] for s in b) for b in blocs if b & member_set]
    held.sort(key=lambda b: (-len(b), b))
    return {
        "nodes": undirected.number_of_nodes(), "edges": graph.number_of_edges(),
        "degree": {keys[m]: float(degree.get(m, 0.0)) for m in members},
        "degree_measure": "degree centrality, undirected defence-pledge network",
        "pledges_out": {keys[m]: int(graph.out_degree(m)) for m in members},
        "pledges_in": {keys[m]: int(graph.in_degree(m)) for m in members},
        "eigenvector": {keys[m]: (float(eigen[m]) if m in eigen else None) for m in members},
        "eigenvector_measure": "eigenvector centrality, undirected defence-pledge "
                               "network, component holding the most members",
        "eigenvector_component": len(main),
        "blocs": held,
        "bloc_method": "louvain",
        "seed": seed,
        "modularity": float(modularity),
        "member_blocs": len(held),
        "n_blocs": len(blocs),
    }
