"""The evidence an answer carries: read from the validation record, never typed in."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources

import pytest

from foedus.crisis import fitted as fitted_params
from foedus.crisis.evidence import credibility_record, evidence, load_record
from foedus.errors import FoedusError

from helpers import schema_validator

SUBSETS = ("all", "with_protector", "without_protector")
MODELS = ("engine", "constant", "capability_ratio")


def _shipped_record() -> dict:
    """The shipped record, read directly (not through the module under test)."""
    return json.loads(resources.files("foedus.crisis").joinpath("validation.json")
                      .read_text("utf-8"))


def _scores(log_score: float, brier: float, auc: float | None, n: int = 100,
            observed: float = 0.25) -> dict:
    return {"n": n, "log_score": log_score, "brier": brier, "auc": auc,
            "mean_predicted": observed, "observed": observed, "calibration": []}


def _toy(engine_wins: set[str], inside: int) -> dict:
    """A record in which the engine wins exactly in ``engine_wins`` and ``inside`` of the 12
    general-deterrence cells hold their observed count inside the interval."""
    def block():
        return {s: {"engine": _scores(-0.50, 0.17, 0.7) if s in engine_wins else
                    _scores(-0.60, 0.20, 0.5),
                    "constant": _scores(-0.55, 0.18, 0.5),
                    "capability_ratio": _scores(-0.56, 0.19, 0.45)} for s in SUBSETS}

    names = ["all", "defence_pact", "no_defence_pact", "nuclear_protector",
             "no_nuclear_protector", "nato_member_1949_2003"]
    general = {}
    k = 0
    for outcome in ("force", "war"):
        cells = {}
        for name in names:
            cells[name] = {"dyad_years": 10, "observed": 5, "expected": 5.0,
                           "interval": [1.0, 9.0], "inside": k < inside}
            k += 1
        general[outcome] = {"test_years": [1946, 2010], "cells": cells}
    return {"attack": {"time_split": {"split_year": 1965, "scores": block()},
                       "leave_one_decade_out": {"scores": block()}},
            "joins": None, "general": general,
            "run": {"date": "2026-12-06", "parameters_sha256": "0" * 64},
            "provenance": {"datasets": [], "view": "legal", "foedus_version": "0"}}


@pytest.fixture(scope="module")
def found():
    """The shipped answer's evidence (computed once for the module)."""
    return evidence()


class TestFromTheRecord:
    """The shipped answer's evidence against the shipped record, computed independently."""

    def test_the_record_is_about_the_shipped_parameters(self, found):
        """Refitting crisis/fitted.json without rerunning `foedus crisis validate --out`
        fails here."""
        record = _shipped_record()
        shipped = fitted_params.load()
        without = {k: v for k, v in shipped.items() if k != "opportunity"}
        assert record["run"]["parameters_sha256"] == fitted_params.sha256(without)
        assert found.record.parameters_current

    def test_the_record_is_about_the_shipped_credibility_model(self, found):
        """Refitting the credibility model without rerunning `foedus crisis validate
        --out` fails here (the record names the model by the sha256 of its file)."""
        import hashlib

        shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
        record = _shipped_record()
        assert record["run"]["credibility"]["sha256"] == hashlib.sha256(shipped).hexdigest()
        assert found.record.credibility_current is True and found.record.current
        assert not any("another credibility model" in n or "other parameters" in n
                       for n in found.notes)

    def test_the_record_is_a_validate_answer(self):
        errors = sorted(schema_validator("crisis-validate").iter_errors(_shipped_record()),
                        key=str)
        assert not errors, [e.message for e in errors[:5]]

    def test_scores_are_the_record_s(self, found):
        record = _shipped_record()["attack"]
        for design, check in (("time_split", found.time_split),
                              ("leave_one_decade_out", found.leave_one_decade_out)):
            for subset in SUBSETS:
                for model in MODELS:
                    want = record[design]["scores"][subset][model]
                    got = getattr(getattr(check, subset), model)
                    assert got.log_score == want["log_score"]
                    assert got.brier == want["brier"]
                    assert got.auc == want["auc"]
                    assert got.n == want["n"]

    def test_beats_is_higher_log_score_and_lower_brier(self, found):
        scores = _shipped_record()["attack"]["time_split"]["scores"]
        where = []
        for subset in SUBSETS:
            e = scores[subset]["engine"]
            wins = [e["log_score"] > scores[subset][b]["log_score"]
                    and e["brier"] < scores[subset][b]["brier"]
                    for b in ("constant", "capability_ratio")]
            assert getattr(found.time_split, subset).beats_baselines == all(wins)
            if all(wins):
                where.append(subset)
        assert found.beats_baselines_where == where

    def test_general_deterrence_cells(self, found):
        general = _shipped_record()["general"]
        cells = [c for o in ("force", "war") for c in general[o]["cells"].values()]
        inside = sum(bool(c["inside"]) for c in cells)
        assert (found.general.cells, found.general.inside) == (len(cells), inside)
        assert found.general.passed is (inside == len(cells))
        verdict = "passes" if inside == len(cells) else "FAILS"
        assert any(f"general-deterrence check {verdict}: {inside} of {len(cells)} cells"
                   in n for n in found.notes)

    def test_notes_say_where_the_engine_wins(self, found):
        where = [s for s in found.beats_baselines_where if s != "all"]
        text = " ".join(found.notes)
        if where == ["with_protector"]:
            assert "only where the target had a protector" in text
        ts = found.time_split.all
        assert f"{ts.engine.log_score:.3f}" in text and f"{ts.constant.log_score:.3f}" in text

    def test_schema(self, found):
        errors = sorted(schema_validator("crisis-evidence").iter_errors(found.to_json()),
                        key=str)
        assert not errors, [e.message for e in errors[:5]]


class TestToyRecords:
    """The verdicts follow the figures: change the record, the notes change."""

    def test_wins_only_with_a_protector(self):
        found = evidence(_toy({"all", "with_protector"}, inside=1), fitted_params.load())
        assert found.beats_baselines_where == ["all", "with_protector"]
        text = " ".join(found.notes)
        assert "beats both baselines only where the target had a protector" in text
        assert "general-deterrence check FAILS: 1 of 12 cells" in text

    def test_wins_everywhere_and_passes(self):
        found = evidence(_toy(set(SUBSETS), inside=12), fitted_params.load())
        assert found.beats_baselines_where == list(SUBSETS)
        text = " ".join(found.notes)
        assert "only where" not in text
        assert "general-deterrence check passes: 12 of 12 cells" in text
        assert found.general.passed and not found.general.outside

    def test_wins_nowhere(self):
        found = evidence(_toy(set(), inside=0), fitted_params.load())
        assert found.beats_baselines_where == []
        assert "in neither subset" in " ".join(found.notes)
        assert len(found.general.outside) == 12

    def test_a_stale_record_says_so(self):
        found = evidence(_toy(set(), inside=0), fitted_params.load())
        assert not found.record.current
        assert any("other parameters" in n for n in found.notes)

    def test_the_stale_note_names_both_parameter_sets(self):
        """The note says which parameters were validated and which are used; a record made
        with the parameters in use has no such note."""
        shipped = fitted_params.load()
        in_use = fitted_params.validated_sha256(shipped)
        found = evidence(_toy(set(), inside=0), shipped)
        stale = [n for n in found.notes if "other parameters" in n]
        assert len(stale) == 1
        assert "00000000…" in stale[0] and f"{in_use[:8]}…" in stale[0]
        assert found.record.parameters_in_use_sha256 == in_use
        assert not found.record.parameters_current
        record = _toy(set(), inside=0)
        record["run"]["parameters_sha256"] = in_use
        fresh = evidence(record, shipped)
        assert fresh.record.parameters_current and fresh.record.current
        assert not any("other parameters" in n for n in fresh.notes)

    def test_other_parameters_in_use_are_named(self):
        """A record made with the shipped parameters, read by an answer that uses others
        (a refit): stale, and the note names the refit's hash."""
        shipped = fitted_params.load()
        refit = copy.deepcopy(shipped)
        refit["escalation"]["mean"] = float(refit["escalation"]["mean"]) + 0.01
        record = _toy(set(), inside=0)
        record["run"]["parameters_sha256"] = fitted_params.validated_sha256(shipped)
        found = evidence(record, refit)
        assert not found.record.current
        note = [n for n in found.notes if "other parameters" in n]
        assert len(note) == 1
        assert f"{fitted_params.validated_sha256(refit)[:8]}…" in note[0]

    def test_another_credibility_model_says_which(self, tmp_path):
        """The record validated one credibility model, the answer plays another: one note
        names both (file, sha256, specification); the same model gives no note."""
        import hashlib

        shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
        shipped_sha = hashlib.sha256(shipped).hexdigest()
        old = {"file": "/tmp/old-credibility.json", "sha256": "97732f6b" + "0" * 56,
               "spec": "pooled_rate"}
        params = fitted_params.load()
        record = _toy(set(), inside=0)
        record["run"]["parameters_sha256"] = fitted_params.validated_sha256(params)
        record["run"]["credibility"] = old
        found = evidence(record, params)
        notes = [n for n in found.notes if "another credibility model" in n]
        assert len(notes) == 1
        assert "/tmp/old-credibility.json (sha256 97732f6b…, specification pooled_rate)" \
            in notes[0]
        assert f"the shipped model (sha256 {shipped_sha[:8]}…" in notes[0]
        assert found.record.credibility_current is False and not found.record.current
        assert found.record.parameters_current
        assert found.record.credibility_in_use["sha256"] == shipped_sha

        record["run"]["credibility"] = {"file": "shipped", "sha256": shipped_sha,
                                        "spec": json.loads(shipped)["spec"]}
        same = evidence(record, params)
        assert same.record.credibility_current is True and same.record.current
        assert not any("credibility model" in n for n in same.notes)

        # the answer played with a --credibility FILE: compared by the file's bytes
        other = tmp_path / "refit.json"
        other.write_bytes(shipped.replace(b'"seed":', b'"seed" :', 1))
        played = credibility_record(other)
        assert played["file"] == str(other) and played["sha256"] != shipped_sha
        found = evidence(record, params, credibility=played)
        notes = [n for n in found.notes if "another credibility model" in n]
        assert len(notes) == 1 and str(other) in notes[0]
        assert f"sha256 {played['sha256'][:8]}…" in notes[0]

    def test_a_record_without_its_credibility_model(self):
        """An old record that does not name its credibility model: unknown, no note."""
        found = evidence(_toy(set(), inside=0), fitted_params.load())
        assert found.record.credibility_current is None
        assert not any("credibility model" in n for n in found.notes)

    def test_a_tie_is_not_a_win(self):
        record = _toy(set(SUBSETS), inside=0)
        block = record["attack"]["time_split"]["scores"]["all"]
        block["engine"] = copy.deepcopy(block["constant"])
        found = evidence(record, fitted_params.load())
        assert found.time_split.all.beats_constant is False

    def test_joins_when_recorded(self):
        record = _toy(set(), inside=0)
        record["joins"] = {"folds": 5, "wars": 30, "pairs": 400, "joined": 90,
                           "scores": {"all": {m: _scores(-0.4, 0.12, 0.8)
                                              for m in MODELS}}}
        found = evidence(record, fitted_params.load())
        assert found.joins.pairs == 400 and found.joins.eras == {}
        assert any("who joins, out of sample (5 folds of 30 wars" in n for n in found.notes)
        assert any("does not beat both baselines" in n for n in found.notes)

    def test_joins_by_era(self):
        """The engine wins before 1945 and loses after: the era comparisons and the note
        say so from the figures."""
        record = _toy(set(), inside=0)
        win = {"engine": _scores(-0.40, 0.10, 0.8, n=70),
               "constant": _scores(-0.60, 0.20, 0.5, n=70),
               "capability_ratio": _scores(-0.55, 0.18, 0.6, n=70)}
        lose = {"engine": _scores(-0.70, 0.09, 0.7, n=110),
                "constant": _scores(-0.30, 0.06, 0.5, n=110),
                "capability_ratio": _scores(-0.31, 0.07, 0.6, n=110)}
        record["joins"] = {"folds": 5, "wars": 35, "pairs": 180, "joined": 28,
                           "scores": {"all": lose, "≤1945": win, ">1945": lose}}
        found = evidence(record, fitted_params.load())
        assert found.joins.eras["≤1945"].beats_baselines is True
        assert found.joins.eras[">1945"].beats_baselines is False
        note = next(n for n in found.notes if "who joins" in n)
        assert "does not beat both baselines" in note
        assert ">1945: engine log score -0.700, Brier 0.090 against the constant's " \
            "-0.300, 0.060" in note


def test_shipped_credibility_record_reads_the_file_without_the_credibility_package():
    """The shipped model's record is the sha256 of its file's bytes, and reading it imports
    neither foedus.credibility nor pandas (a simulate answer carries it on every run)."""
    import subprocess
    import sys

    code = ("import json, sys; from foedus.crisis.evidence import credibility_record; "
            "r = credibility_record(); print(json.dumps([r, [m for m in ('pandas', "
            "'foedus.credibility') if m in sys.modules]]))")
    record, heavy = json.loads(subprocess.run([sys.executable, "-c", code],
                                              capture_output=True, text=True,
                                              check=True).stdout)
    shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
    assert record == {"file": "shipped", "sha256": hashlib.sha256(shipped).hexdigest(),
                      "spec": str(json.loads(shipped)["spec"])}
    assert heavy == []


def test_the_shipped_credibility_record_is_read_once_and_given_as_a_copy():
    """The shipped model's record is the same on every call (read once per process), and a
    caller that changes the dict it got does not change the next caller's."""
    first = credibility_record()
    first["sha256"] = "changed"
    again = credibility_record()
    shipped = resources.files("foedus.credibility").joinpath("fitted.json").read_bytes()
    assert again["sha256"] == hashlib.sha256(shipped).hexdigest()
    assert again is not credibility_record()


class TestBadRecords:
    def test_not_a_record(self, tmp_path):
        path = tmp_path / "x.json"
        path.write_text('{"cases": []}', "utf-8")
        with pytest.raises(FoedusError, match="not a crisis validation record"):
            load_record(path)

    def test_unreadable_credibility_model(self, tmp_path):
        with pytest.raises(FoedusError, match="cannot read the credibility model"):
            credibility_record(tmp_path / "missing.json")

    def test_unreadable(self, tmp_path):
        path = tmp_path / "x.json"
        path.write_text("{", "utf-8")
        with pytest.raises(FoedusError, match="cannot read"):
            load_record(path)
