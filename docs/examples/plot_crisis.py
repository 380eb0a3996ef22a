"""
A crisis in the Baltic, simulated
=================================

The scenario file ``scenarios/baltic-estonia-2024.toml`` played out in 2,000 Monte Carlo
worlds (the file asks for 200,000; the estimates below carry their standard errors): is
the attacker deterred, who is drawn in, and where are they on the map of the day?
``foedus report scenario`` puts all of this, and more, in one HTML file.
"""

from pathlib import Path

import foedus
from foedus import charts
from foedus.crisis.simulate import simulate
from foedus.data.borders import borders_on

# the scenarios folder of the repository foedus is installed from
scenario = Path(foedus.__file__).parents[2] / "scenarios" / "baltic-estonia-2024.toml"
answer = simulate(scenario, draws=2000, seed=1)
print(f"P(deterred) = {answer['p_deterred']:.3f} ± {answer['p_deterred_se']:.3f}")

# %%
# The states most likely to be drawn in, each with its 95 % Monte Carlo interval.
charts.show(charts.state_probabilities(answer, "drawn_in", top=10))

# %%
# The coalition on CShapes 2.0's borders of the day (de facto), simplified to 0.25°.
borders = borders_on(answer["as_of"], tolerance=charts.MAP_TOLERANCE)
charts.show(charts.crisis_map(answer, borders.topology, source="CShapes 2.0, 0.25°"))
