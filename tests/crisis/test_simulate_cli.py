"""``foedus simulate`` and ``foedus sweep`` as a user meets them."""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from concurrent.futures import ThreadPoolExecutor

import pytest

from foedus.crisis.run import run

from helpers import assert_one_line_error, run_cli, schema_validator

MAPS = ("drawn_in", "drawn_in_se", "entrapment", "entrapment_se")


@pytest.fixture(scope="module")
def runs(cli_env, scenario_path):
    """The CLI runs of this module that compile the real scenario, a few at a time."""
    file = str(scenario_path)
    jobs = {
        "first": ("simulate", file, "--draws", "20000", "--json"),
        "again": ("simulate", file, "--draws", "20000", "--json"),
        "workers": ("simulate", file, "--draws", "20000", "--workers", "2", "--json"),
        "as_of": ("simulate", file, "--draws", "2000", "--as-of", "2017-07-01", "--json"),
        "sweep": ("sweep", file, "--grid", "challenger.value=0.5,2", "--draws", "5000",
                  "--json"),
        "text": ("simulate", file, "--draws", "20000"),
        # nothing listens on port 9 (discard): the client gives up after 10 s, idle
        "scheduler": ("simulate", file, "--draws", "100", "--scheduler",
                      "tcp://127.0.0.1:9", "--json"),
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(run_cli, *args, env=cli_env) for k, args in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


@pytest.fixture(scope="module")
def own(scenario_path) -> dict:
    """The sample scenario file's own settings."""
    return tomllib.loads(scenario_path.read_text("utf-8"))


def _key(state: dict) -> str:
    return state["iso3"] or f"cow:{state['abb']}"


def _payload(runs, name: str) -> dict:
    proc = runs[name]
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


class TestSimulate:
    def test_validates_and_carries_its_keys(self, runs, own):
        payload = _payload(runs, "first")
        errors = sorted(schema_validator("simulate").iter_errors(payload), key=str)
        assert not errors, [e.message for e in errors[:5]]
        assert payload["draws"] == 20000 and payload["seed"] == own["seed"]
        assert payload["as_of"] == own["date"].isoformat() == payload["provenance"]["as_of"]
        assert payload["as_of_source"] == "scenario"
        assert payload["view"] == "legal" == payload["provenance"]["view"]
        assert payload["attacks"][0]["target"]["iso3"] == "EST"
        co = payload["coalition"]
        for key in ("size_mean", "size_quantiles", "capability_mean", "capability_quantiles"):
            assert key in co
        for q in ("size_quantiles", "capability_quantiles"):
            values = list(co[q].values())
            assert values == sorted(values), q
        assert co["size_mean"] >= 1 and co["size_quantiles"]["0.05"] >= 1  # the target

    def test_carries_the_engine_s_evidence(self, runs):
        """The answer states what the out-of-sample validation found (typed, from the
        shipped record), in ``evidence`` and in its notes; the text prints it."""
        from foedus.crisis.evidence import evidence

        payload = _payload(runs, "first")
        found = evidence().to_json()
        assert payload["evidence"] == found
        for note in found["notes"]:
            assert note in payload["notes"]
        assert any("general-deterrence check" in n for n in payload["notes"])
        text = runs["text"].stdout
        assert "general-deterrence check" in text and "capability ratio" in text

    def test_capabilities_carried_forward_are_flagged(self, runs):
        """NMC 7.0 ends in 2022 (DESIGN §7): a 2024 scenario says so, twice."""
        payload = _payload(runs, "first")
        assert payload["capability_measure"] == "cinc"
        carried = payload["provenance"]["carried_forward"]
        assert [c["dataset"] for c in carried] == ["nmc_7"]
        assert carried[0]["last_day"].startswith("2022") and "2022" in carried[0]["what"]
        assert any(f.startswith("capabilities_carried_forward") and "2022" in f
                   for f in payload["flags"])

    def test_schema_is_strict(self, runs):
        payload = _payload(runs, "first")
        validator = schema_validator("simulate")
        broken = [
            {**payload, "surprise": 1},
            {**payload, "drawn_in": {**payload["drawn_in"], "USA": 1.5}},
            {**payload, "drawn_in": {**payload["drawn_in"], "Estonia": 0.5}},
            {**payload, "attacks": [{**payload["attacks"][0], "target": {
                **payload["attacks"][0]["target"], "flag": "blue"}}]},
            {**payload, "as_of_source": "today"},
            {k: v for k, v in payload.items() if k != "entrapment_se"},
        ]
        for bad in broken:
            assert list(validator.iter_errors(bad))

    def test_probabilities_are_plain_floats_with_binomial_errors(self, runs):
        """Given the war, frequencies with binomial errors; ex ante, Pr(attack) times
        them; Pr(deterred) + Pr(attack) = 1, strictly between 0 and 1."""
        payload = _payload(runs, "first")
        n = payload["draws"]

        def se(p: float) -> float:
            return math.sqrt(p * (1 - p) / n)

        attack = payload["p_attack"]
        assert 0 < attack < 1 and payload["p_deterred"] == pytest.approx(1 - attack)
        assert payload["p_deterred_se"] == payload["p_attack_se"] > 0
        lo, hi = payload["p_deterred_interval"]
        assert 0 < lo <= payload["p_deterred"] <= hi < 1
        p = payload["p_widens_if_war"]
        assert type(p) is float and payload["p_widens_if_war_se"] == pytest.approx(se(p))
        assert payload["p_widens"] == pytest.approx(attack * p)
        for key in (*MAPS, "drawn_in_if_war", "entrapment_if_war"):
            assert all(type(v) is float for v in payload[key].values()), key
        assert set(payload["drawn_in"]) == set(payload["entrapment"]) == set(
            payload["drawn_in_se"]) == set(payload["entrapment_se"]) == set(
            payload["drawn_in_if_war"])
        for key, p in payload["drawn_in_if_war"].items():
            assert 0 <= payload["entrapment_if_war"][key] <= p <= 1
            assert payload["drawn_in_if_war_se"][key] == pytest.approx(se(p))
            assert payload["drawn_in"][key] == pytest.approx(attack * p)
            assert payload["entrapment"][key] <= payload["drawn_in"][key]
        assert {"USA", "GBR"} <= set(payload["drawn_in"]) and "EST" not in payload["drawn_in"]
        assert payload["parameters"]["engine_version"] == \
            payload["provenance"]["engine_version"]

    def test_keys_are_valid_input(self, runs):
        """Every state key resolves back to itself on the scenario's date (DESIGN §7)."""
        import datetime as dt

        from foedus.data.identities import resolve_state

        payload = _payload(runs, "first")
        day = dt.date.fromisoformat(payload["as_of"])
        for key in payload["drawn_in"]:
            assert resolve_state(key, on=day).key == key

    def test_entrapment_only_beyond_direct_pledges(self, runs):
        """States pledged to Estonia itself are never entrapped (DESIGN §4)."""
        payload = _payload(runs, "first")
        direct = {_key(p["holder"]) for p in payload["pledges"]
                  if p["beneficiary"]["iso3"] == "EST"}
        assert {"USA", "GBR", "LVA"} <= direct
        assert all(payload["entrapment"][k] == 0 for k in direct)
        assert any(v > 0 for v in payload["entrapment"].values())

    def test_same_seed_same_answer(self, runs):
        assert runs["first"].stdout == runs["again"].stdout

    def test_workers_same_numbers(self, runs):
        """--workers 2 runs the chunks on a local Dask cluster: the same answer."""
        assert _payload(runs, "workers") == _payload(runs, "first")

    def test_text_answer_says_the_same(self, runs, own):
        payload = _payload(runs, "first")
        proc = runs["text"]
        assert proc.returncode == 0, proc.stderr
        p, se = payload["p_deterred"], payload["p_deterred_se"]
        assert f"P(deterred) = {p:.3f} ± {se:.3f}" in proc.stdout
        assert f"20,000 draws, seed {own['seed']}" in proc.stdout
        assert "(scenario)" in proc.stdout

    def test_unreachable_scheduler_is_one_line(self, runs):
        assert_one_line_error(runs["scheduler"], "cannot reach the Dask scheduler at "
                                                 "tcp://127.0.0.1:9")
        assert runs["scheduler"].stdout == ""

    def test_as_of(self, runs, own):
        payload = _payload(runs, "as_of")
        assert not list(schema_validator("simulate").iter_errors(payload))
        assert payload["as_of"] == "2017-07-01" == payload["provenance"]["as_of"]
        assert payload["as_of_source"] == "--as-of"
        assert payload["scenario"]["date"] == own["date"].isoformat()  # the file's own

        def pledged(p):
            return {x["holder"]["iso3"] for x in p["pledges"]
                    if x["beneficiary"]["iso3"] == "EST" and x["treaty"]["id"] == "book:nato"}

        # North Macedonia joined NATO in 2020, Montenegro in June 2017
        assert "MKD" in pledged(_payload(runs, "first")) and "MKD" not in pledged(payload)
        assert "MNE" in pledged(payload)


class TestSweep:
    def test_validates_and_deterrence_falls_with_the_stakes(self, runs, own):
        payload = _payload(runs, "sweep")
        errors = sorted(schema_validator("sweep").iter_errors(payload), key=str)
        assert not errors, [e.message for e in errors[:5]]
        assert list(schema_validator("sweep").iter_errors({**payload, "surprise": 1}))
        assert payload["grid"] == {"challenger.value": [0.5, 2]}
        assert payload["draws"] == 5000 and payload["seed"] == own["seed"]
        low, high = payload["points"]
        assert low["parameters"] == {"challenger.value": 0.5}
        assert high["parameters"] == {"challenger.value": 2}
        # common random numbers: the worlds are the same at both points; the attacker's
        # expected win margin is positive over Estonia, so a more valuable objective
        # raises every type's utility of attacking: fewer types are deterred
        assert low["p_deterred"] > high["p_deterred"]
        assert low["p_deterred"] != high["p_deterred"]
        # the stakes do not touch the cascade: the same worlds at both points
        assert low["p_widens"] == high["p_widens"]
        assert low["coalition_size_mean"] == high["coalition_size_mean"]

    def test_a_point_is_the_simulation_of_its_variant(self, runs, estonia, own):
        """The sweep's first point (on Dask) equals a serial run of the scenario with
        V = 0.5, seed and draws alike."""
        _, _, compiled = estonia
        payload = _payload(runs, "sweep")
        variant = dataclasses.replace(compiled, params={**compiled.params,
                                                        "value": (0.5, 0.5)})
        result = run(variant, draws=5000, seed=own["seed"], executor="serial")
        assert payload["points"][0]["p_deterred"] == result.p_deterred[0]
        assert payload["points"][0]["p_widens"] == result.p_widens[0]


BAD = """\
date = 2024-07-01

[[attack]]
attacker = "RUS"
target = "EST"
"""

#: Bad scenario files: (change to BAD, what the one line says after the file's name).
BAD_FILES = {
    "unknown-state": (('"EST"', '"Narnia"'), ":5: attack[0].target: 'Narnia'"),
    "unknown-field": (('target = "EST"', 'target = "EST"\ncolour = "red"'),
                      ":6: attack[0].colour: Extra inputs are not permitted"),
    "toml-syntax": (('"EST"', '"EST'), ":5: TOML syntax error"),
    "attribution": (('target = "EST"', 'target = "EST"\nattribution = 2'),
                    ":6: attack[0].attribution: Input should be less than or equal to 1"),
}
#: Bad grids: (--grid, a needle of the one line).
BAD_GRIDS = {
    "unknown-parameter": ("challenger.colour=1,2",
                          "unknown scenario parameter 'challenger.colour'"),
    "no-equals": ("challenger.value", "expected NAME=V1,V2"),
    "out-of-range": ("allies.solidarity=0.5,2", "solidarity"),
}


@pytest.fixture(scope="module")
def errors(tmp_path_factory, cli_env, scenario_path):
    """The CLI runs that fail before any compilation, a few at a time."""
    folder = tmp_path_factory.mktemp("bad-scenarios")
    jobs = {"missing": ("simulate", str(folder / "nope.toml")),
            "as-of": ("simulate", str(scenario_path), "--as-of", "2024-13-01"),
            "draws": ("simulate", str(scenario_path), "--draws", "0")}
    for name, ((old, new), _) in BAD_FILES.items():
        bad = folder / f"{name}.toml"
        bad.write_text(BAD.replace(old, new, 1), "utf-8")
        jobs[name] = ("simulate", str(bad), "--json")
    for name, (grid, _) in BAD_GRIDS.items():
        jobs[name] = ("sweep", str(scenario_path), "--grid", grid, "--draws", "10")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(run_cli, *args, env=cli_env) for k, args in jobs.items()}
        return folder, {k: f.result() for k, f in futures.items()}


class TestErrors:
    @pytest.mark.parametrize("name", list(BAD_FILES))
    def test_bad_scenario_is_one_line(self, errors, name):
        folder, procs = errors
        proc = procs[name]
        assert_one_line_error(proc, f"{folder / name}.toml{BAD_FILES[name][1]}")
        assert "more)" not in proc.stderr and proc.stdout == ""

    def test_missing_file(self, errors):
        assert_one_line_error(errors[1]["missing"], "cannot read scenario")

    def test_bad_as_of(self, errors):
        assert_one_line_error(errors[1]["as-of"], "--as-of '2024-13-01' is not a date")

    def test_draws_below_one_is_a_malformed_command_line(self, errors):
        proc = errors[1]["draws"]
        assert proc.returncode == 2 and "Traceback" not in proc.stderr

    @pytest.mark.parametrize("name", list(BAD_GRIDS))
    def test_bad_grid_is_one_line(self, errors, name):
        assert_one_line_error(errors[1][name], BAD_GRIDS[name][1])


def _interrupt(cli_env, scenario_path, *args: str) -> tuple[int, str, str]:
    """``foedus simulate`` on 10⁹ draws (minutes on any machine), Ctrl-C as a terminal sends
    it (SIGINT to the whole process group, workers included) once the run has printed its
    estimate: (exit code, stdout, stderr)."""
    import os
    import signal
    import subprocess
    import sys

    def as_a_shell_starts_it() -> None:
        # a terminal's shell starts a command with SIGINT handled by default and not
        # blocked; a pytest worker's may differ, and the child inherits both
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    proc = subprocess.Popen(
        [sys.executable, "-c", "from foedus.cli.main import run; run()", "simulate",
         str(scenario_path), "--draws", "1000000000", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **cli_env},
        start_new_session=True, preexec_fn=as_a_shell_starts_it)
    first = ""
    try:
        first = proc.stderr.readline().decode()  # the estimate, after the timed first chunk
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        # still running 5 minutes after Ctrl-C: fail with what it wrote and its signal
        # state (seen in full fresh-clone runs, never alone), not with the bare timeout
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                first += "".join(line for line in f if line.startswith(("Sig", "Shd")))
        except OSError:
            pass
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"no exit 300 s after Ctrl-C; first line {first!r}; then stdout "
                    f"{out.decode()[-500:]!r}, stderr {err.decode()[-2000:]!r}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, out.decode(), first + err.decode()


@pytest.mark.parametrize("args", [("--json",), ("--workers", "2", "--json"), ()],
                         ids=["serial-json", "dask-json", "serial-text"])
def test_ctrl_c_ends_a_long_run_cleanly(cli_env, scenario_path, args):
    """A run estimated over a minute says so first; Ctrl-C then ends it with exit code 130
    and one line, and no answer (nothing on stdout, with or without --json)."""
    code, out, err = _interrupt(cli_env, scenario_path, *args)
    lines = err.splitlines()
    assert code == 130, err
    assert out == ""
    assert "Traceback" not in err
    assert len(lines) == 2, err
    assert lines[0].startswith("estimated time: about ") and "Ctrl-C" in lines[0]
    assert lines[1].startswith("interrupted after ") and "of 1,000,000,000 draws" in lines[1]


def test_the_interrupt_filter_drops_only_the_cancellation_noise():
    """What a stopped Dask run logs (a worker's CancelledError warning; the event loop's
    traceback of distributed's interrupted ``sync`` cancel callback) is dropped; any other
    record, a worker's memory warning for one, still shows."""
    import logging

    from foedus.crisis.run import _CancelledFilter

    def record(name, msg, *args):
        return logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, None)

    f = _CancelledFilter()
    assert not f.filter(record("distributed.worker.state_machine",
                               "Async instruction for %s ended with %s", "<Task>",
                               "CancelledError"))
    assert not f.filter(record("tornado.application", "Exception in callback %r",
                               "functools.partial(<function sync.<locals>.cancel at 0x1>)"))
    assert f.filter(record("distributed.worker.memory", "Worker is at 85% memory usage"))
    assert f.filter(record("tornado.application", "Exception in callback %r", "other"))

    def failed(exc):  # a handler's traceback, as distributed.core logs it
        r = record("distributed.core", "Exception while handling op %s", "gather")
        r.exc_info = (type(exc), exc, None)
        return r

    # a closing worker's request cut off by Ctrl-C (seen under load): dropped
    assert not f.filter(failed(RuntimeError("ConnectionPool is closed")))
    # any other failure of a request still shows
    assert f.filter(failed(RuntimeError("something else")))
    assert f.filter(failed(OSError("ConnectionPool is closed")))
