"""The Leeds & Anac (2005) replication: institutionalisation, cases, logit, JSON."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from foedus.replications import replicate
from foedus.replications.leeds_anac_2005 import PUBLISHED, TERMS, fit_logit

from helpers import run_cli, schema_validator


def test_logit_recovers_known_coefficients():
    rng = np.random.default_rng(3)
    n = 4000
    x = pd.DataFrame({"milinst": rng.integers(0, 3, n), "formal": rng.integers(0, 3, n),
                      "chcap2d": rng.integers(0, 2, n), "dinstch2": rng.integers(0, 2, n),
                      "origtar1": rng.integers(0, 2, n)})
    beta = dict(zip(["const", *TERMS], [p[1] for p in PUBLISHED], strict=True))
    eta = beta["const"] + sum(beta[t] * x[t] for t in TERMS)
    x["honoured"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    coef, used = fit_logit(x)
    got = coef.set_index("term")
    assert used == n
    for term, value, _ in PUBLISHED:
        assert got.loc[term, "coef"] == pytest.approx(value, abs=4 * got.loc[term, "se"])


@pytest.fixture(scope="module")
def result(built_home):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOEDUS_HOME", str(built_home))
        yield replicate("leeds-anac-2005")


def test_institutionalisation_matches_the_registered_file(result):
    inst = [f for f in result.figures if "atopinst5_1" in f.label]
    assert len(inst) == 2 and all(f.passed is True and f.required for f in inst)


def test_cases_and_coefficients(result):
    cases = result.tables["cases"]
    assert cases and {"war", "atopid", "ally", "honoured", *TERMS} <= set(cases[0])
    coefs = [f for f in result.figures if f.label.startswith("logit coefficient")]
    assert len(coefs) == 6
    for f, (_, value, se) in zip(coefs, PUBLISHED, strict=True):
        assert f.published == value and f.tolerance == se
        assert f.passed is None or f.passed is (abs(f.difference) <= se)
    table = {r["term"]: r for r in result.tables["coefficients"]}
    assert table["milinst"]["published_se"] == 0.30


@pytest.mark.slow
def test_json_validates(cli_env):
    proc = run_cli("replicate", "leeds-anac-2005", "--json", env=cli_env)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert not list(schema_validator("replicate").iter_errors(payload))
    assert payload["doi"] == "10.1080/03050620500294135"
    assert {"polity5", "atop_institutions"} <= {d["name"] for d in
                                               payload["provenance"]["datasets"]}
