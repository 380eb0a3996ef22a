"""``foedus compare`` and ``foedus library`` as a user meets them, on the real store."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import assert_one_line_error, run_cli, schema_validator

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "baltic-estonia-2024.toml"
ALT = REPO / "scenarios" / "us-withdrawal-2024.toml"


@pytest.fixture(scope="module")
def runs(cli_env, tmp_path_factory):
    """The CLI runs of this module, a few at a time."""
    folder = tmp_path_factory.mktemp("library")
    for name in ("baltic-estonia-2024.toml", "us-withdrawal-2024.toml"):
        (folder / name).write_text((REPO / "scenarios" / name).read_text("utf-8"), "utf-8")
    plots = tmp_path_factory.mktemp("plots")
    common = ("--draws", "4000", "--json")
    jobs = {
        "first": ("compare", str(BASE), str(ALT), *common),
        "again": ("compare", str(BASE), str(ALT), *common, "--plot", str(plots)),
        "text": ("compare", str(BASE), str(ALT), "--draws", "4000"),
        "library": ("library", str(folder), *common),
        "library_text": ("library", str(folder), "--draws", "4000"),
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(run_cli, *args, env=cli_env) for k, args in jobs.items()}
        done = {k: f.result() for k, f in futures.items()}
    done["plots"] = plots
    return done


def _payload(runs, name: str) -> dict:
    proc = runs[name]
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


class TestCompare:
    def test_validates_against_its_schema(self, runs):
        payload = _payload(runs, "first")
        errors = sorted(schema_validator("compare").iter_errors(payload), key=str)
        assert not errors, errors[:3]

    def test_reproducible_for_a_seed(self, runs):
        assert _payload(runs, "first") == _payload(runs, "again")

    def test_the_difference_is_alt_minus_base(self, runs):
        r = _payload(runs, "first")
        (label,) = r["diff"]["events"]
        assert label == "RUS→EST"
        b, a, d = (r["base"]["events"][label], r["alt"]["events"][label],
                   r["diff"]["events"][label])
        assert d["p_deterred"] == pytest.approx(a["p_deterred"] - b["p_deterred"])
        assert d["p_deterred_se"] == pytest.approx(
            (a["p_deterred_se"] ** 2 + b["p_deterred_se"] ** 2) ** 0.5)
        # the United States leaves: it can still be drawn in, but only through its other
        # pledges to a state struck in the cascade (entrapment), far less often
        us = a["drawn_in"].get("USA", 0.0)
        assert us < b["drawn_in"]["USA"] / 2
        assert us == pytest.approx(a["entrapment"].get("USA", 0.0))
        assert d["drawn_in"]["USA"] == pytest.approx(us - b["drawn_in"]["USA"])
        assert r["base"]["modifications"] == []
        assert [m["action"] for m in r["alt"]["modifications"]] == [
            "remove_member", "nuclear_guarantee"]
        assert r["alliance"] == "book:nato"

    def test_system_metrics_follow_the_membership(self, runs):
        r = _payload(runs, "first")
        base, alt = r["base"]["system"], r["alt"]["system"]
        assert "USA" in base["alliance"]["members"]
        assert "USA" not in alt["alliance"]["members"]
        assert len(alt["alliance"]["members"]) == len(base["alliance"]["members"]) - 1

    def test_plots_written(self, runs):
        pngs = sorted(p.name for p in runs["plots"].glob("*.png"))
        assert pngs == ["compare_event1.png"]
        assert (runs["plots"] / "compare_event1.png").read_bytes()[:4] == b"\x89PNG"

    def test_text(self, runs):
        proc = runs["text"]
        assert proc.returncode == 0, proc.stderr
        assert "P(deterred)" in proc.stdout and "remove_member" in proc.stdout

    def test_no_shared_event_is_a_user_error(self, cli_env):
        other = REPO / "scenarios" / "senkaku-japan-2024.toml"
        proc = run_cli("compare", str(BASE), str(other), "--draws", "100", env=cli_env)
        assert_one_line_error(proc, "share no attack event")

    def test_a_bad_file_is_a_user_error(self, cli_env, tmp_path):
        bad = tmp_path / "bad.toml"
        bad.write_text(f'base = "{BASE}"\n[[modify]]\naction = "add_member"\n'
                       'treaty = "NATO"\nstate = "Atlantis"\n', "utf-8")
        proc = run_cli("--allow-outside", "compare", str(BASE), str(bad), "--draws", "100",
                       env=cli_env)  # the base is in the repository, outside tmp_path
        assert_one_line_error(proc, f"{bad}:5", "modify[0].state")


class TestLibrary:
    def test_one_row_per_case_with_its_base(self, runs):
        payload = _payload(runs, "library")
        errors = sorted(schema_validator("library").iter_errors(payload), key=str)
        assert not errors, errors[:3]
        rows = {r["case"]: r for r in payload["cases"]}
        assert set(rows) == {"baltic-estonia-2024", "us-withdrawal-2024"}
        base, alt = rows["baltic-estonia-2024"], rows["us-withdrawal-2024"]
        assert base["vs_base"] is None
        assert alt["vs_base"]["case"] == "baltic-estonia-2024"
        assert alt["vs_base"]["p_deterred"] == pytest.approx(
            alt["p_deterred"] - base["p_deterred"])
        assert base["top_drawn_in"]["state"] != "EST"  # the target is not "drawn in"

    def test_same_numbers_as_compare(self, runs):
        lib = {r["case"]: r for r in _payload(runs, "library")["cases"]}
        cmp = _payload(runs, "first")
        assert lib["baltic-estonia-2024"]["p_deterred"] == cmp["base"]["events"][
            "RUS→EST"]["p_deterred"]
        assert lib["us-withdrawal-2024"]["p_deterred"] == cmp["alt"]["events"][
            "RUS→EST"]["p_deterred"]

    def test_text_table(self, runs):
        proc = runs["library_text"]
        assert proc.returncode == 0, proc.stderr
        assert "us-withdrawal-2024" in proc.stdout and "Case library" in proc.stdout


@pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning")
def test_sensitivity_sweeps_on_dask(tmp_path, store_home):
    """A reduced grid on a real LocalCluster: a stronger pledge never lowers P(deterred)
    (common random numbers), and the plot is written."""
    from foedus.crisis.library import sensitivity
    from foedus.crisis.run import close_client, dask_client
    from foedus.report.scenario_plots import plot_sensitivity, write_sensitivity

    client = dask_client(2, None)
    try:
        found = sensitivity(BASE, client=client, draws=4000,
                            grids={"allies.credibility_shift": [-1.0, 0.0, 1.0]})
    finally:
        close_client(client)
    rows = found["allies.credibility_shift"]
    assert [r["value"] for r in rows] == [-1.0, 0.0, 1.0]
    p = [r["p_deterred"] for r in rows]
    assert p[0] <= p[1] <= p[2]
    path = plot_sensitivity(found, tmp_path / "case.png", title="test")
    assert path.read_bytes()[:4] == b"\x89PNG"
    # the library's folder: one image per case and the sweeps as JSON, nothing else
    written = write_sensitivity({"base": found}, tmp_path / "plots")
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "base.png", "sensitivity.json"] == sorted(p.name for p in written)
    assert json.loads((tmp_path / "plots" / "sensitivity.json").read_text()) == {
        "base": found}
