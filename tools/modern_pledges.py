"""The modern pledges' credibility, with intervals and support (issue 15's closing table).

For a stated list of modern pledges (:data:`PLEDGES`: ally, partner and the hypothetical
attacker whose capability enters the features), on a date (default 2024-07-01), each row is
what the crisis engine plays for that ally when the attacker strikes the partner's
homeland (:mod:`foedus.crisis.compile`, steps 1 and 3):

- the **defence obligations** the obligations query binds the ally to
  (:func:`foedus.query.obligations`, legal view), scored by the shipped credibility model
  (:func:`foedus.credibility.score_answer`): the posterior mean, the 90 % interval, the
  specification shipped (``pooled_rate`` or ``literature``) and the **support**: the
  training cases with the same obligation kind, era and casus-foederis class
  (:func:`foedus.credibility.support`), ``none`` said so with the count of the kind and
  era;
- the **informal or ambiguous commitments** the query lists (the book's ``informal`` and
  ``assurance`` kinds: the Taiwan Relations Act, the Budapest Memorandum, the 2024
  agreements with Ukraine), which the credibility model does not score: the crisis fit's
  informal Beta posterior (:mod:`foedus.crisis.informal`, ``crisis/fitted.json``): its
  mean, its 90 % interval, and its support (the informal record's trials and the
  deterrence cases it was updated with);
- a pair the query binds to nothing says so (``no pledge``).

``engine`` marks the pledge the engine counts for that ally (a written pledge before an
informal one, then the largest posterior mean; :func:`foedus.crisis.compile._strongest`
ranks by the mean log-odds, which agrees except near ties).

Usage::

    python tools/modern_pledges.py [--as-of 2024-07-01] [--json] [--write-doc]

``--write-doc`` rewrites the table between the markers in ``docs/credibility.md``; the test
``tests/credibility/test_modern_pledges.py`` regenerates it and compares it with the doc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

#: (ally, partner, hypothetical attacker), COW codes with their ISO labels. The attacker is
#: the one each pledge is usually read against: Russia for the Baltic states, Poland and
#: Ukraine; China for Japan, the Philippines, Taiwan, Australia and the United States; the
#: DPRK for South Korea.
PLEDGES: tuple[tuple[str, str, str], ...] = (
    ("USA", "EST", "RUS"), ("USA", "POL", "RUS"), ("USA", "JPN", "CHN"),
    ("USA", "KOR", "PRK"), ("USA", "PHL", "CHN"), ("USA", "AUS", "CHN"),
    ("USA", "TWN", "CHN"), ("GBR", "EST", "RUS"), ("FRA", "EST", "RUS"),
    ("DEU", "LTU", "RUS"), ("TUR", "EST", "RUS"), ("AUS", "USA", "CHN"),
    ("USA", "UKR", "RUS"), ("GBR", "UKR", "RUS"), ("DEU", "UKR", "RUS"),
    ("FRA", "UKR", "RUS"),
)

#: The markers around the table in docs/credibility.md.
START = "<!-- modern-pledges:start (tools/modern_pledges.py --write-doc) -->"
END = "<!-- modern-pledges:end -->"

DOC = Path(__file__).resolve().parents[1] / "docs" / "credibility.md"


def _code(label: str, day: dt.date) -> int:
    from foedus.data.identities import resolve_state

    return int(resolve_state(label, on=day).cow)


def rows(as_of: dt.date = dt.date(2024, 7, 1), pledges=PLEDGES) -> list[dict]:
    """One dict per pledge the engine plays for each listed pair (module docstring)."""
    from foedus.credibility import load, score_answer
    from foedus.crisis.compile import _INFORMAL_KINDS
    from foedus.crisis.fitted import load as load_crisis_fit
    from foedus.data.loaders import load_system
    from foedus.model.vocab import ObligationKind
    from foedus.query.obligations import obligations

    system, fitted = load_system(), load()
    informal = load_crisis_fit()["informal"]
    out: list[dict] = []
    for ally_l, partner_l, against_l in pledges:
        ally, partner, against = (_code(s, as_of) for s in (ally_l, partner_l, against_l))
        answer = obligations(system, as_of=as_of, attackers=[against], target=partner,
                             view="legal")
        scores = score_answer(answer, system, fitted)
        base = {"ally": ally_l, "partner": partner_l, "against": against_l}
        mine: list[dict] = []
        for i, b in enumerate(answer.obligations):
            if b.state != ally or b.obligation.kind is not ObligationKind.DEFENSE:
                continue
            s = scores.iloc[i]
            sup = s["support"]
            support = (f"{sup['cases']} cases, {sup['honoured']} honoured "
                       f"({sup['treaties']} treaties, {sup['wars']} wars)" if sup["cases"]
                       else f"none (0 of {sup['cases_kind_era']} {sup['kind']} cases "
                            f"{sup['era']})")
            mine.append({**base, "treaty": b.treaty.name, "article": str(b.obligation.article),
                         "kind": "defense", "formal": True,
                         "mean": float(s["probability"]), "lower": float(s["lower"]),
                         "upper": float(s["upper"]), "spec": fitted.spec,
                         "profile": f"{sup['kind']}, {sup['era']}, {sup['cf_class']}",
                         "support": support})
        for f in answer.informal:
            o = f.obligation
            if f.state != ally or o is None or o.kind not in _INFORMAL_KINDS:
                continue
            lo, hi = informal["interval"]
            mine.append({**base, "treaty": f.treaty.name, "article": str(o.article),
                         "kind": f"informal ({f.treaty.kind.value})", "formal": False,
                         "mean": float(informal["mean"]), "lower": float(lo),
                         "upper": float(hi), "spec": "informal Beta posterior (crisis fit)",
                         "profile": "informal commitment",
                         "support": (f"{informal['trials']} trials in {informal['episodes']}"
                                     f" episodes, {informal['joined']} joined; "
                                     f"{len(informal.get('deterrence_cases', []))} "
                                     "deterrence cases")})
        if not mine:
            out.append({**base, "treaty": None, "article": None, "kind": "no pledge",
                        "formal": None, "mean": None, "lower": None, "upper": None,
                        "spec": None, "profile": None, "support": None, "engine": False})
            continue
        best = max(range(len(mine)), key=lambda j: (mine[j]["formal"], mine[j]["mean"]))
        for j, r in enumerate(mine):
            out.append({**r, "engine": j == best})
    return out


def markdown(table: list[dict], as_of: dt.date) -> str:
    """The table as Markdown (what docs/credibility.md holds between the markers)."""
    def num(v):
        return "" if v is None else f"{v:.3f}"

    lines = [f"As of {as_of.isoformat()}, against the attacker named in each row "
             "(`python tools/modern_pledges.py`):", "",
             "| ally → partner (attacker) | pledge | kind | mean | 90% interval | spec | "
             "profile | support | engine |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        pair = f"{r['ally']} → {r['partner']} ({r['against']})"
        if r["kind"] == "no pledge":
            lines.append(f"| {pair} | none bound | no pledge |  |  |  |  |  |  |")
            continue
        lines.append(f"| {pair} | {r['treaty']}, {r['article']} | {r['kind']} | "
                     f"{num(r['mean'])} | [{num(r['lower'])}, {num(r['upper'])}] | "
                     f"{r['spec']} | {r['profile']} | {r['support']} | "
                     f"{'yes' if r['engine'] else ''} |")
    return "\n".join(lines) + "\n"


def doc_table(text: str) -> str:
    """The part of ``text`` between the markers (ValueError without them)."""
    if START not in text or END not in text:
        raise ValueError(f"{DOC.name} has no modern-pledges markers")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write_doc(table_md: str, path: Path = DOC) -> None:
    """Replace the table between the markers of ``path``."""
    text = path.read_text()
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{START}\n{table_md}{END}{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", default="2024-07-01", type=dt.date.fromisoformat)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args(argv)
    table = rows(args.as_of)
    if args.json:
        json.dump({"as_of": args.as_of.isoformat(), "pledges": table}, sys.stdout)
        print()
    else:
        sys.stdout.write(markdown(table, args.as_of))
    if args.write_doc:
        write_doc(markdown(table, args.as_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
