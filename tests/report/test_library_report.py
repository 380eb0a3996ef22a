"""``foedus report library`` with its cases simulated in processes: the page of one process,
and the error of one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foedus.errors import FoedusError
from foedus.report.library import library_report

from helpers import REPO

pytestmark = pytest.mark.slow

SCENARIO = 'name = "item"\ndate = 2024-07-01\ndraws = 100\nseed = 1\n' \
           '[[attack]]\nattacker = "RUS"\ntarget = "EST"\n'
#: loads (load_scenario), fails in its compilation: in a worker process
FAILS_IN_RUN = SCENARIO + '[[attack]]\nattacker = "BLR"\ntarget = "RUS"\n'


def test_cases_in_processes_give_the_page_of_one_process(tmp_path: Path, store_home) -> None:
    """Two processes (a case with its base among them) write the page one process writes,
    byte for byte, and report progress once per case, in order."""
    for name in ("ukraine-2024.toml", "ukraine-nato-2024.toml", "baltic-estonia-2013.toml"):
        shutil.copyfile(REPO / "scenarios" / name, tmp_path / name)
    files = sorted(tmp_path.glob("*.toml"))
    one, prov_one = library_report(files, draws=400, seed=3)
    ticks: list[int] = []
    two, prov_two = library_report(files, draws=400, seed=3, workers=2,
                                   progress=lambda: ticks.append(len(ticks)))
    assert two == one and prov_two == prov_one
    assert ticks == [0, 1, 2]
    assert 'data-key="ukraine-nato-2024.vs_base' in one  # the base's comparison is there
    assert one.count('data-chart="map-') == len(files)


def test_the_first_file_that_fails_raises_as_in_one_process(tmp_path: Path,
                                                            store_home) -> None:
    """A file that fails in its run (in a worker process) before a file that fails to load
    (in the report's process): both ways raise the first failure in the files' order."""
    (tmp_path / "a-good.toml").write_text(SCENARIO, "utf-8")
    (tmp_path / "b-fails-in-run.toml").write_text(FAILS_IN_RUN, "utf-8")
    (tmp_path / "c-bad.toml").write_text("name = \n", "utf-8")
    files = sorted(tmp_path.glob("*.toml"))
    errors = []
    for workers in (1, 2):
        with pytest.raises(FoedusError) as caught:
            library_report(files, draws=100, workers=workers)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]
    assert "the target (365) is also an attacker" in errors[0][1]
