r"""The evidence behind a verdict: what the engine's out-of-sample validation found.

A simulation's P(deterred) carries its Monte Carlo error and the spread over the fitted
parameters; neither says whether the engine forecasts history better than a baseline.
:func:`evidence` reads the **validation record** (``src/foedus/crisis/validation.json``,
written by ``foedus crisis validate --out``; docs/crisis.md) and shapes what it found into
a typed object the answers of ``foedus simulate`` and ``foedus library`` carry (``evidence``)
and state in their notes:

- **attack or not** (ICB crises, out of sample: the time split and leave one decade out),
  the engine's log score, Brier score and AUC beside the two baselines (a constant at the
  training rate; the capability ratio alone), overall and split by whether the target had
  a protector; the engine *beats* a baseline in a subset when its mean log score is higher
  **and** its Brier score lower (both proper scoring rules, Gneiting & Raftery 2007);
- **general deterrence** (dyad-years, fitted to 1945 and tested after): how many of the
  cells' observed counts lie inside the model's 95% predictive interval; the check passes
  only when every cell does;
- **who joins** (COW wars, folds of wars with the credibility model refitted without
  each), when the record has it.

Every figure and every verdict ("beats the baselines only where the target had a
protector", "the check fails") is computed here from the record; nothing is typed in.
The record is **current** when it was made with the engine parameters the answer uses (the
sha256 of ``crisis/fitted.json`` without the opportunity block, which the validation refits
itself: :func:`foedus.crisis.fitted.validated_sha256`) *and* with the credibility model the
answer is played with (the sha256 of its file, as ``foedus crisis validate`` records it:
:func:`credibility_record`). Where either differs, the answer says so in one note each,
naming what was validated and what is used.

References
----------
.. [1] Gneiting, Tilmann, and Adrian E. Raftery. 2007. "Strictly Proper Scoring Rules,
   Prediction, and Estimation." *Journal of the American Statistical Association*
   102(477): 359-378. doi:10.1198/016214506000001437
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from foedus.answer import TypedAnswer
from foedus.errors import FoedusError
from foedus.provenance import Provenance

__all__ = ["RECORD", "Evidence", "credibility_record", "evidence", "load_record"]

#: The shipped validation record (``foedus crisis validate --out`` writes it).
RECORD = "src/foedus/crisis/validation.json"

#: The forecasts scored beside each other in the record, and the baselines.
BASELINES = ("constant", "capability_ratio")
_LABELS = {"constant": "a constant", "capability_ratio": "the capability ratio alone",
           "with_protector": "where the target had a protector",
           "without_protector": "where it had none", "all": "overall"}


class Scores(TypedAnswer):
    """One forecast's out-of-sample scores on a set of cases."""

    n: int
    log_score: float | None
    brier: float | None
    auc: float | None
    mean_predicted: float | None
    observed: float | None


class Comparison(TypedAnswer):
    """The engine beside the baselines on one subset of held-out cases."""

    cases: int
    attacks: int
    engine: Scores
    constant: Scores
    capability_ratio: Scores
    beats_constant: bool | None
    beats_capability_ratio: bool | None
    beats_baselines: bool | None


class AttackCheck(TypedAnswer):
    """Attack or not (ICB crises), one out-of-sample design, overall and by protection."""

    design: str
    all: Comparison
    with_protector: Comparison
    without_protector: Comparison


class Cell(TypedAnswer):
    """One general-deterrence cell: the observed count against the 95% interval."""

    outcome: str
    cell: str
    dyad_years: int
    observed: int
    expected: float
    interval: list[float]
    inside: bool


class GeneralCheck(TypedAnswer):
    """The general-deterrence check: cells inside their interval, and whether all are."""

    cells: int
    inside: int
    passed: bool
    test_years: dict[str, list[int]]
    outside: list[Cell]


class JoinsCheck(TypedAnswer):
    """Who joins, out of sample (folds of wars), the engine beside the baselines: overall
    and by era (``eras``: ``≤1945`` and ``>1945``, by the year of the partner's entry)."""

    folds: int
    wars: int
    pairs: int
    joined: int
    all: Comparison
    eras: dict[str, Comparison]


class RecordRef(TypedAnswer):
    """Where the figures come from, and whether they are about the parameters and the
    credibility model the answer uses (``current``: both are; ``parameters_current`` and
    ``credibility_current`` apart, the latter None when the record does not name its
    credibility model)."""

    file: str
    date: str | None
    parameters_sha256: str | None
    parameters_in_use_sha256: str
    parameters_current: bool
    current: bool
    credibility: dict[str, str] | None
    credibility_in_use: dict[str, str]
    credibility_current: bool | None


class Evidence(TypedAnswer):
    """What the out-of-sample validation of the engine found (module docstring)."""

    record: RecordRef
    time_split: AttackCheck
    leave_one_decade_out: AttackCheck
    beats_baselines_where: list[str]
    general: GeneralCheck | None
    joins: JoinsCheck | None
    notes: list[str]
    provenance: Provenance


@cache
def _shipped() -> str:
    return resources.files("foedus.crisis").joinpath("validation.json").read_text("utf-8")


def load_record(path: str | Path | None = None) -> dict:
    """The validation record (default: the shipped one).

    Parameters
    ----------
    path : str or Path, optional
        A ``foedus crisis validate --out`` file.

    Returns
    -------
    dict
        The record as written.

    Raises
    ------
    FoedusError
        The file cannot be read or is not a validation record.
    """
    try:
        text = _shipped() if path is None else Path(path).read_text("utf-8")
        record = json.loads(text)
    except (OSError, ValueError) as exc:
        raise FoedusError(f"cannot read the crisis engine's validation record: {exc}"
                          ) from None
    if not isinstance(record, dict) or "attack" not in record:
        raise FoedusError("not a crisis validation record (no 'attack' block): write one "
                          "with `foedus crisis validate --out FILE`")
    return record


def _scores(s: dict) -> Scores:
    return Scores(**{k: s.get(k) for k in Scores.model_fields})


def _beats(engine: dict, other: dict) -> bool | None:
    """Higher mean log score and lower Brier score (None when either is missing)."""
    if None in (engine.get("log_score"), other.get("log_score"), engine.get("brier"),
                other.get("brier")):
        return None
    return engine["log_score"] > other["log_score"] and engine["brier"] < other["brier"]


def _comparison(block: dict) -> Comparison:
    e = block["engine"]
    vs = {b: _beats(e, block[b]) for b in BASELINES}
    n = int(e["n"])
    attacks = round((e.get("observed") or 0.0) * n)
    both = None if None in vs.values() else all(vs.values())
    return Comparison(cases=n, attacks=attacks, engine=_scores(e),
                      constant=_scores(block["constant"]),
                      capability_ratio=_scores(block["capability_ratio"]),
                      beats_constant=vs["constant"],
                      beats_capability_ratio=vs["capability_ratio"], beats_baselines=both)


def _attack(design: str, scores: dict) -> AttackCheck:
    return AttackCheck(design=design, **{k: _comparison(scores[k]) for k in (
        "all", "with_protector", "without_protector")})


def _general(block: dict | None) -> GeneralCheck | None:
    if not block:
        return None
    cells = [Cell(outcome=outcome, cell=name, dyad_years=int(c["dyad_years"]),
                  observed=int(c["observed"]), expected=float(c["expected"]),
                  interval=[float(v) for v in c["interval"]], inside=bool(c["inside"]))
             for outcome in ("force", "war") if outcome in block
             for name, c in block[outcome]["cells"].items()]
    inside = sum(c.inside for c in cells)
    return GeneralCheck(cells=len(cells), inside=inside, passed=inside == len(cells),
                        test_years={o: list(block[o]["test_years"]) for o in ("force", "war")
                                    if o in block},
                        outside=[c for c in cells if not c.inside])


def _joins(block: dict | None) -> JoinsCheck | None:
    if not block:
        return None
    return JoinsCheck(folds=int(block["folds"]), wars=int(block["wars"]),
                      pairs=int(block["pairs"]), joined=int(block["joined"]),
                      all=_comparison(block["scores"]["all"]),
                      eras={era: _comparison(b) for era, b in block["scores"].items()
                            if era != "all" and b["engine"]["n"]})


def _fmt(s: Scores) -> str:
    auc = "" if s.auc is None else f", AUC {s.auc:.3f}"
    return f"log score {s.log_score:.3f}, Brier {s.brier:.3f}{auc}"


def _vs(c: Comparison) -> str:
    return (f"engine {_fmt(c.engine)}; {_LABELS['constant']} {_fmt(c.constant)}; "
            f"{_LABELS['capability_ratio']} {_fmt(c.capability_ratio)}")


def _where(check: AttackCheck) -> list[str]:
    return [k for k in ("all", "with_protector", "without_protector")
            if getattr(check, k).beats_baselines]


def _notes(ts: AttackCheck, lo: AttackCheck, split_year: int | None,
           general: GeneralCheck | None, joins: JoinsCheck | None,
           ref: RecordRef) -> list[str]:
    notes = []
    after = f"after {split_year}" if split_year is not None else "held out"
    notes.append(f"evidence: attack or not, out of sample (ICB crises {after}, "
                 f"{ts.all.cases} cases, {ts.all.attacks} attacks): {_vs(ts.all)}")
    where = [k for k in _where(ts) if k != "all"]
    protected, bare = ts.with_protector, ts.without_protector
    if where == ["with_protector"]:
        lead = "the engine beats both baselines only where the target had a protector"
    elif where:
        lead = "the engine beats both baselines " + " and ".join(_LABELS[k] for k in where)
    else:
        lead = "the engine beats both baselines in neither subset"
    notes.append(f"evidence: {lead} ({protected.cases} cases: log score "
                 f"{protected.engine.log_score:.3f} against {protected.constant.log_score:.3f}"
                 f" and {protected.capability_ratio.log_score:.3f}; without one, "
                 f"{bare.cases} cases: {bare.engine.log_score:.3f} against "
                 f"{bare.constant.log_score:.3f} and {bare.capability_ratio.log_score:.3f}); "
                 f"each decade forecast from the others: engine "
                 f"{lo.all.engine.log_score:.3f}, constant {lo.all.constant.log_score:.3f}, "
                 f"capability ratio {lo.all.capability_ratio.log_score:.3f}")
    if general is None:
        notes.append("evidence: the general-deterrence check is not in the validation record")
    else:
        verdict = "passes" if general.passed else "FAILS"
        first = min((y[0] for y in general.test_years.values()), default=None)
        design = ("each decade forecast from a fit on the others" if first is not None
                  and first <= 1945 else "fitted to 1945 and tested after")
        notes.append(f"evidence: the general-deterrence check {verdict}: {general.inside} of "
                     f"{general.cells} cells (uses of force and wars, dyad-years {design}) "
                     "inside the model's 95% predictive interval")
    if joins is None:
        notes.append("evidence: who joins has not been validated out of sample yet "
                     "(`foedus crisis validate` without --no-joins)")
    else:
        verdict = ("beats both baselines" if joins.all.beats_baselines else
                   "does not beat both baselines (a higher log score and a lower Brier)")
        eras = "; ".join(f"{era}: engine log score {c.engine.log_score:.3f}, Brier "
                         f"{c.engine.brier:.3f} against the constant's "
                         f"{c.constant.log_score:.3f}, {c.constant.brier:.3f}"
                         for era, c in joins.eras.items())
        notes.append(f"evidence: who joins, out of sample ({joins.folds} folds of "
                     f"{joins.wars} wars, {joins.pairs} ally pairs, {joins.joined} joined): "
                     f"the engine {verdict}: {_vs(joins.all)}" + (f" ({eras})" if eras
                                                                 else ""))
    if not ref.parameters_current:
        notes.append("evidence: the validation record was made with other parameters than "
                     "the ones used here: it validated crisis/fitted.json sha256 "
                     f"{_short(ref.parameters_sha256)}, this answer uses sha256 "
                     f"{_short(ref.parameters_in_use_sha256)} (rerun `foedus crisis validate "
                     "--out`)")
    if ref.credibility_current is False:
        notes.append("evidence: the validation record was made with another credibility "
                     f"model than the one this answer is played with: it validated "
                     f"{_model(ref.credibility)}, this answer uses "
                     f"{_model(ref.credibility_in_use)} (rerun `foedus crisis validate "
                     "--out`)")
    return notes


def _short(sha: str | None) -> str:
    return "(not recorded)" if not sha else f"{sha[:8]}…"


def _model(record: dict[str, str] | None) -> str:
    """A credibility model's record as words: its file, sha256 prefix and specification."""
    if not record:
        return "an unrecorded model"
    where = record.get("file") or "an unnamed file"
    where = "the shipped model" if where == "shipped" else where
    spec = f", specification {record['spec']}" if record.get("spec") else ""
    return f"{where} (sha256 {_short(record.get('sha256'))}{spec})"


def credibility_record(path: str | Path | None = None) -> dict[str, str]:
    """The record of a credibility model as ``foedus crisis validate`` writes it into the
    validation record's ``run.credibility``: ``file`` (``"shipped"`` or the path),
    ``sha256`` of the file's bytes, and ``spec``.

    Parameters
    ----------
    path : str or Path, optional
        A ``foedus credibility fit --out`` file (default: the shipped model).

    Returns
    -------
    dict
        ``file``, ``sha256`` and ``spec``.

    Raises
    ------
    FoedusError
        The file cannot be read.
    """
    if path is None:  # the shipped file does not change while foedus runs: read once
        return dict(_shipped_credibility_record())
    return _credibility_record(Path(path).read_bytes, str(path))


@cache
def _shipped_credibility_record() -> dict[str, str]:
    # through the foedus package: naming foedus.credibility would import it (pandas)
    return _credibility_record(
        resources.files("foedus").joinpath("credibility", "fitted.json").read_bytes,
        "shipped")


def _credibility_record(read, name: str) -> dict[str, str]:
    import hashlib

    try:
        text = read()
        spec = json.loads(text).get("spec")
    except (OSError, ValueError, AttributeError) as exc:
        raise FoedusError(f"cannot read the credibility model: {exc}") from None
    return {"file": name, "sha256": hashlib.sha256(text).hexdigest(), "spec": str(spec)}


def evidence(record: dict | None = None, crisis_fit: dict | None = None,
             credibility: dict[str, str] | None = None) -> Evidence:
    """The engine's out-of-sample evidence from a validation record.

    Parameters
    ----------
    record : dict, optional
        A validation record (default: the shipped one, :func:`load_record`).
    crisis_fit : dict, optional
        The engine's parameters the answer uses (default: the shipped ``fitted.json``); the
        record is *current* when it was made with them.
    credibility : dict, optional
        The record of the credibility model the answer is played with
        (:func:`credibility_record`; default: the shipped model's); the record is current
        only when it was made with the same model (same sha256).

    Returns
    -------
    Evidence
        The figures, the verdicts computed from them, and one note per finding.

    Raises
    ------
    FoedusError
        The record cannot be read.

    References
    ----------
    .. [1] Gneiting, Tilmann, and Adrian E. Raftery. 2007. "Strictly Proper Scoring Rules,
       Prediction, and Estimation." *Journal of the American Statistical Association*
       102(477): 359-378. doi:10.1198/016214506000001437
    """
    from foedus.crisis import fitted as fitted_params

    record = load_record() if record is None else record
    crisis_fit = fitted_params.load() if crisis_fit is None else crisis_fit
    in_use = credibility_record() if credibility is None else credibility
    run = record.get("run") or {}
    sha = run.get("parameters_sha256")
    sha_in_use = fitted_params.validated_sha256(crisis_fit)
    validated = run.get("credibility")
    same_params = sha is not None and sha == sha_in_use
    same_model = (None if not validated or not validated.get("sha256")
                  else validated["sha256"] == in_use.get("sha256"))
    ref = RecordRef(file=RECORD, date=run.get("date"), parameters_sha256=sha,
                    parameters_in_use_sha256=sha_in_use, parameters_current=same_params,
                    current=same_params and same_model is not False,
                    credibility=validated, credibility_in_use=in_use,
                    credibility_current=same_model)
    attack = record["attack"]
    ts = _attack("time split", attack["time_split"]["scores"])
    lo = _attack("leave one decade out", attack["leave_one_decade_out"]["scores"])
    general = _general(record.get("general"))
    joins = _joins(record.get("joins"))
    return Evidence(record=ref, time_split=ts, leave_one_decade_out=lo,
                    beats_baselines_where=_where(ts), general=general, joins=joins,
                    notes=_notes(ts, lo, attack["time_split"].get("split_year"), general,
                                 joins, ref),
                    provenance=Provenance(**record["provenance"]))
