"""
Burden sharing in NATO
======================

Members' defence spending as a percentage of GDP, 2014-2024, against the 2 % (Wales 2014)
and 3.5 % (The Hague 2025) guidelines, and the Olson & Zeckhauser exploitation test: is a
member's size rank-correlated with its burden?
"""

from foedus import charts
from foedus.burden.answer import burden_answer

answer = burden_answer("NATO", 2014, 2024, series="sipri", seed=0).to_json()
charts.show(charts.spending_over_time(answer))

# %%
# The exploitation test by year, with bootstrap intervals: the positive correlation of the
# Cold War (Olson and Zeckhauser 1966) is gone since 2019.
charts.show(charts.exploitation_test(answer))

# %%
for y in answer["years"][-3:]:
    print(y["year"], f"Spearman rho {y['spearman']:+.2f} (p = {y['spearman_p']:.2f}),",
          f"{y['n_at_2pct']} of {y['n_members']} members at 2 %")
