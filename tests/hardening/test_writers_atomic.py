"""Every file foedus writes goes through :mod:`foedus.atomic`: panels
(:func:`foedus.panels.write_panel`), charts (:func:`foedus.charts.render.save`), the fitted
credibility model and the crisis engine's fitted parameters. A write that fails part-way
(a real file-size limit, ``RLIMIT_FSIZE``, in a subprocess) leaves the old file as it was and
no temporary file; a new file takes the umask's mode, not ``0600``."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from foedus.atomic import TEMP_MARK

# One writer per kind of file; ``sys.argv[2]`` is the destination. Run in a fresh interpreter.
WRITER = """
import sys
from pathlib import Path

from foedus.errors import FoedusError

kind, path = sys.argv[1], Path(sys.argv[2])
try:
    if kind == "panel":
        from foedus.panels import create_state_years
        from foedus.panels.writers import write_panel
        write_panel(create_state_years(1816, 1820), path)
    elif kind == "chart":
        from foedus.charts.render import save
        save({"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
              "data": {"values": [{"a": i, "b": i * i} for i in range(40)]},
              "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"},
                                            "y": {"field": "b", "type": "quantitative"}}},
             path)
    elif kind == "credibility":
        from foedus.credibility.model import load, save
        save(load(), path)
    elif kind == "crisis":
        from foedus.crisis.fitted import load, save
        save(load(), path)
except FoedusError as exc:
    print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(1)
"""

KINDS = {"panel": "p.parquet", "chart": "c.svg", "credibility": "m.json",
         "crisis": "f.json"}


def _write(kind: str, path: Path, *, limit: int | None = None,
           umask: int | None = None) -> subprocess.CompletedProcess[str]:
    def preexec() -> None:
        if umask is not None:
            os.umask(umask)
        if limit is not None:  # Python ignores SIGXFSZ: the write fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # no bytecode written by the child: under the size limit Python's cache writer stores a
    # .pyc cut at the limit (a short write it does not check), and every later import of
    # that module in any process fails ("marshal data too short")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", WRITER, kind, str(path)],
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec,
                          check=False, env=env)


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name or
                  p.name.startswith("."))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
        kind: str, store_home: Path, tmp_path: Path) -> None:
    target = tmp_path / KINDS[kind]
    target.write_bytes(b"the old file")
    proc = _write(kind, target, limit=64)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "DiskFullError" in lines[0] and str(target) in lines[0], lines[0]
    assert target.read_bytes() == b"the old file"
    assert _temps(tmp_path) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_new_file_takes_the_umask_mode(kind: str, store_home: Path, tmp_path: Path) -> None:
    for umask, mode in ((0o022, 0o644), (0o027, 0o640)):
        target = tmp_path / f"{umask:o}-{KINDS[kind]}"
        proc = _write(kind, target, umask=umask)
        assert proc.returncode == 0, proc.stderr
        assert stat.S_IMODE(target.stat().st_mode) == mode, (kind, oct(umask))
        assert target.stat().st_size > 64  # bigger than the limit of the failure test
    assert _temps(tmp_path) == []


def test_a_chart_into_a_folder_in_the_way_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "c.svg").mkdir()
    proc = _write("chart", tmp_path / "c.svg")
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "WriteError" in proc.stderr and "it is a folder" in proc.stderr
    assert _temps(tmp_path) == []
