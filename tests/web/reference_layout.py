"""The atlas's network layout as the web app computed it before it was made fast (issue 18,
"the layout step"): :func:`networkx.spring_layout` over a graph of the edges, from the
capitals' positions, seed 1816, 40 iterations, no rescaling; then scaled into 0–1000 and
rounded. Kept as the reference for ``test_layout_fast.py`` and ``benchmarks/web.py``."""

from __future__ import annotations

import networkx as nx
import numpy as np

LAYOUT_SEED = 1816


def reference_raw(nodes: list[int], edges: list[tuple[int, int]], start: dict[int, tuple]
                  ) -> np.ndarray:
    """networkx's positions, one row per node, before scaling."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    rng = np.random.default_rng(LAYOUT_SEED)
    pos = {n: (np.array([start[n][1] / 180.0, start[n][0] / 90.0])
               if start.get(n, (None, None))[0] is not None else rng.uniform(-1, 1, 2))
           for n in nodes}
    k = 1.5 / np.sqrt(max(len(nodes), 1))
    laid = nx.spring_layout(graph, pos=pos, k=k, iterations=40, seed=LAYOUT_SEED,
                            scale=None)
    return np.array([laid[n] for n in nodes], dtype=np.float64).reshape(len(nodes), 2)


def reference_layout(nodes: list[int], edges: list[tuple[int, int]],
                     start: dict[int, tuple]) -> dict[int, tuple[float, float]]:
    """The old ``views._layout``: networkx's positions scaled into 0–1000 (y down) and
    rounded to 0.1, as it wrote them."""
    if not nodes:
        return {}
    laid = reference_raw(nodes, edges, start)
    xs, ys = laid[:, 0], laid[:, 1]
    span = max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-9)
    return {n: (round(float((laid[i][0] - xs.min()) / span * 1000), 1),
                round(float((ys.max() - laid[i][1]) / span * 1000), 1))
            for i, n in enumerate(nodes)}
