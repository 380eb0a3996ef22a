"""
Who is bound to defend Estonia?
===============================

The obligations query on 1 July 2024: every state bound to act if Russia attacks Estonia's
homeland by land, the treaty article that binds it, and the credibility of each pledge
with its interval and the support the historical record gives it.
"""

from collections import Counter

from foedus.query.answer import obligations_answer

answer = obligations_answer(["RUS"], "EST", as_of="2024-07-01", credibility=True)
print(f"{len(answer.obligations)} obligations on {answer.as_of}, {answer.view.value} view")
print(Counter((b.treaty.name, b.kind.value) for b in answer.obligations).most_common(4))

# %%
# The United States' pledges, with the shipped credibility model's estimate (the 90 %
# interval is wide: the post-1945 record of honoured defence pledges is thin) and why.
for b in answer.obligations:
    if b.state.iso3 == "USA" and b.probability is not None:
        lo, hi = b.probability_interval
        print(f"{b.treaty.name}, {b.article}: P(honoured) {b.probability:.3f} "
              f"[{lo:.3f}, {hi:.3f}]")
        if b.support is not None:
            print("  support:", b.support.note)

# %%
# Treaties involving Estonia that this attack does not trigger, and why.
for n in answer.not_triggered[:4]:
    print("-", n.sentence)
