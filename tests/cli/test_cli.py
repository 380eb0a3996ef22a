"""The CLI as a user meets it: output contract (DESIGN §7), citations, summary."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.cli.main import app
from foedus.cli.output import DownloadBar
from foedus.data import dataset, datasets, locate

from helpers import assert_one_line_error, run_cli, serve

runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cite_prints_citation_and_bibtex() -> None:
    result = runner.invoke(app, ["data", "cite", "atop_members"])
    assert result.exit_code == 0
    assert "Leeds, Brett Ashley" in result.stdout and "@article{leeds2002atop," in result.stdout
    only = runner.invoke(app, ["data", "cite", "nmc_7", "--bibtex"])
    assert only.stdout.strip() == dataset("nmc_7").bibtex


def test_cite_json_carries_provenance() -> None:
    payload = _json(["data", "cite", "sipri_milex", "--json"])
    assert payload["provenance"]["datasets"] == [
        {"name": "sipri_milex", "version": "2025", "sha256": dataset("sipri_milex").sha256}]
    assert payload["provenance"]["view"] is None and payload["provenance"]["foedus_version"]


def test_list_json() -> None:
    payload = _json(["data", "list", "--json"])
    assert [d["name"] for d in payload["datasets"]] == [d.name for d in datasets()]
    assert len(payload["datasets"]) == 31  # 25 of wave 1 + Polity, B&F, three ICB, CShapes


@pytest.mark.usefixtures("store_home")
def test_status_json_is_one_object() -> None:
    proc = run_cli("data", "status", "--json")
    assert proc.returncode == 0
    payload = json.loads(proc.stdout)  # exactly one JSON document
    assert payload["store"]["present"] and "provenance" in payload
    assert all(r["verified"] for r in payload["datasets"])


@pytest.mark.usefixtures("store_home")
def test_summary_text_and_json() -> None:
    text = runner.invoke(app, ["summary"])
    assert text.exit_code == 0
    for needle in ("Datasets", "alliances in force", "defence pledges in 2018",
                   "United States of America"):
        assert needle in text.stdout
    payload = _json(["summary", "--json", "--year", "2018"])
    top = payload["top_defense_pledgers"]
    assert len(top) == 10
    assert top[0]["state"] == {"cow": 2, "iso3": "USA", "abb": "USA",
                               "name": "United States of America"}
    counts = [t["partners_pledged_to_defend"] for t in top]
    assert counts == sorted(counts, reverse=True)
    cold_war = next(e for e in payload["eras"] if e["from"] == 1946)
    assert cold_war["alliances"] > cold_war["defense_pacts"] > 0
    assert payload["provenance"]["view"] == "atop"


def test_summary_without_store_is_a_clear_error() -> None:
    assert_one_line_error(run_cli("summary"), "No store at", "foedus data build")


def test_malformed_command_line_exits_2() -> None:
    assert runner.invoke(app, ["summary", "--year", "1700"]).exit_code == 2
    assert runner.invoke(app, ["data", "frobnicate"]).exit_code == 2


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("foedus ")


def test_pull_over_http_draws_a_progress_bar_on_stderr(mirror, monkeypatch) -> None:
    monkeypatch.delenv("FOEDUS_DATA_MIRROR")
    with serve(mirror) as (base, hits):
        proc = run_cli("data", "pull", "capitals", "--json", env={"FOEDUS_DATA_URL": base,
                                                                  "COLUMNS": "120"})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pulled"][0]["origin"] == "url"
    assert hits == ["/capitals/cow_capitals_peacesciencer.csv"]


def test_download_bar_follows_pooch_protocol(mirror, monkeypatch) -> None:
    made: list[DownloadBar] = []

    def factory(label: str) -> DownloadBar:
        made.append(DownloadBar(label))
        return made[-1]

    monkeypatch.delenv("FOEDUS_DATA_MIRROR")
    with serve(mirror) as (base, _):
        monkeypatch.setenv("FOEDUS_DATA_URL", base)
        locate("atop_alliances", progress=factory)
    assert len(made) == 1 and made[0].total == dataset("atop_alliances").bytes


def _json_values():
    """Values as answers hold them: plain JSON, numpy scalars and arrays, NaN, dates."""
    import datetime as dt

    import numpy as np
    from hypothesis import strategies as st

    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(-2**70, 2**70), st.text(max_size=5),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(width=32).map(np.float32), st.floats().map(np.float64),
        st.integers(-2**31, 2**31).map(np.int64), st.booleans().map(np.bool_),
        st.dates(min_value=dt.date(1816, 1, 1)))
    return st.recursive(leaves, lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.lists(kids, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=4), kids, max_size=4)), max_leaves=20)


def test_print_json_writes_what_the_plain_conversion_writes() -> None:
    """``print_json`` dumps a plain payload as it is and converts only when it must: the
    text is the one ``json.dumps(_jsonable(payload), default=str, ...)`` gives, always."""
    from hypothesis import given, settings

    from foedus.cli.output import _dumps, _jsonable

    def reference(payload: dict) -> str:
        return json.dumps(_jsonable(payload), indent=2, default=str, ensure_ascii=False,
                          allow_nan=False)

    @settings(max_examples=300, deadline=None)
    @given(_json_values())
    def check(value) -> None:
        payload = {"value": value}
        assert _dumps(payload) == reference(payload)

    check()


def test_probability_text_never_rounds_to_a_certainty() -> None:
    """The text faces' rounding of a probability: ``digits`` decimals where they do not
    make it 0 or 1; more decimals (up to six) where they would; a bound beyond that."""
    from hypothesis import given
    from hypothesis import strategies as st

    from foedus.cli.output import probability

    assert probability(0.7412) == "0.741"
    assert probability(0.9998) == "0.9998"  # the Estonia 2024 interval's upper end
    assert probability(0.00004) == "0.00004"
    assert probability(1 - 1e-9) == ">0.999999" and probability(1e-9) == "<0.000001"
    assert probability(1.0) == "1.000" and probability(0.0) == "0.000"
    assert probability(0.996, 2) == "0.996" and probability(0.42, 2) == "0.42"

    @given(st.floats(0.0, 1.0), st.integers(1, 4))
    def check(p: float, digits: int) -> None:
        text = probability(p, digits)
        if text[0] in "<>":  # a bound: the value lies strictly beyond it
            bound = float(text[1:])
            assert (p < bound) if text[0] == "<" else (p > bound)
            assert 0.0 < p < 1.0
            return
        shown = float(text)
        decimals = len(text.split(".")[1])
        assert decimals >= digits
        assert abs(shown - p) <= 0.5 * 10.0 ** -decimals + 1e-15
        if 0.0 < p < 1.0:
            assert 0.0 < shown < 1.0  # never a certainty the value is not
        if decimals > digits:  # decimals were added only where needed
            assert float(f"{p:.{decimals - 1}f}") in (0.0, 1.0)

    check()
