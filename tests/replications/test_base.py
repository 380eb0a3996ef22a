"""The replication suite's plumbing: figures, pass decisions, the registry, the CLI."""

from __future__ import annotations

import pytest

from foedus.errors import FoedusError
from foedus.replications import Figure, Replication, study

from helpers import assert_one_line_error, run_cli


class TestFigure:
    def test_within_tolerance_passes(self) -> None:
        f = Figure.compare("rate", 0.500, 0.530, tolerance=0.05)
        assert f.passed is True and f.difference == pytest.approx(0.03)

    def test_outside_tolerance_fails(self) -> None:
        assert Figure.compare("rate", 0.500, 0.560, tolerance=0.05).passed is False

    def test_interval_must_cover_the_published_value(self) -> None:
        ok = Figure.compare("r", 0.5, 0.52, tolerance=0.05, low=0.45, high=0.6,
                            within_interval=True)
        miss = Figure.compare("r", 0.5, 0.52, tolerance=0.05, low=0.51, high=0.6,
                              within_interval=True)
        assert ok.passed is True and miss.passed is False

    def test_missing_value_or_tolerance_is_undecided(self) -> None:
        assert Figure.compare("r", 0.5, None, tolerance=0.05).passed is None
        assert Figure.compare("r", 0.5, float("nan"), tolerance=0.05).passed is None
        assert Figure.compare("r", 0.5, 0.5, tolerance=None).passed is None

    def test_json_spells_pass(self) -> None:
        assert Figure.compare("r", 1, 1, tolerance=0).to_json()["pass"] is True


def test_summary_counts_required_and_undecided() -> None:
    figures = [Figure.compare("a", 1, 1, tolerance=0, required=True),
               Figure.compare("b", 1, 2, tolerance=0, required=True),
               Figure.compare("c", 1, None, tolerance=0)]
    r = Replication(study="toy", title="t", citation="c", doi="d", data=[], figures=figures)
    assert r.passed == 1 and r.decided == 2
    assert r.summary().startswith("toy: 1/2 figures within tolerance, 1 not decidable; "
                                  "required 1/2")


def test_unknown_study_lists_the_studies() -> None:
    with pytest.raises(FoedusError, match=r"Unknown study 'nope'\. Studies: "):
        study("nope")


@pytest.mark.slow
def test_cli_unknown_study_is_one_line() -> None:
    assert_one_line_error(run_cli("replicate", "nope"), "Unknown study 'nope'")
