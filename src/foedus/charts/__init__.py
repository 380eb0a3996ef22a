"""Chart and map builders shared by the reports and the web app.

Every builder takes an answer's JSON (what a command prints with ``--json``) and returns a
Vega-Lite specification (a JSON-ready ``dict``): the web app hands it to vega-embed, the
reports draw it to SVG offline with :func:`to_svg` (vl-convert; no network, no browser).

- :mod:`~foedus.charts.burden`: spending against the 2 % and 3.5 % guidelines, benefit and
  cost shares, the exploitation test by year, compliance;
- :mod:`~foedus.charts.crisis`: P(deterred) across cases and sweeps, who is drawn in and
  entrapped, a counterfactual's before and after;
- :mod:`~foedus.charts.tables`: a treaty's members through time, replications published
  beside reproduced;
- :mod:`~foedus.charts.maps`: the borders of a date (CShapes 2.0) with the coalition
  coloured;
- :mod:`~foedus.charts.network`: the cascade as a network, laid out in Python from a seed;
- :mod:`~foedus.charts.render`: SVG and PNG.
"""

from foedus.charts._spec import stack
from foedus.charts.burden import compliance, exploitation_test, shares, spending_over_time
from foedus.charts.crisis import (
    compare_probabilities,
    compare_states,
    deterrence_by_case,
    deterrence_sweep,
    sensitivity,
    state_probabilities,
)
from foedus.charts.maps import MAP_TOLERANCE, coalition_map, crisis_map, crisis_roles
from foedus.charts.network import cascade_graph, layout, network
from foedus.charts.render import Drawing, save, show, to_png, to_svg
from foedus.charts.tables import (
    membership_records,
    replication_figures,
    replication_rows,
    treaty_members,
)

__all__ = ["MAP_TOLERANCE", "Drawing", "cascade_graph", "coalition_map", "compare_probabilities",
           "compare_states", "compliance", "crisis_map", "crisis_roles", "deterrence_by_case",
           "deterrence_sweep", "exploitation_test", "layout", "membership_records", "network",
           "replication_figures", "replication_rows", "save", "sensitivity", "shares", "show",
           "spending_over_time", "stack", "state_probabilities", "to_png", "to_svg",
           "treaty_members"]
