"""The one atomic writer (:mod:`foedus.atomic`): complete or untouched, the umask's mode,
one-line errors naming the path and the reason, no temporary file left on failure, on
SIGTERM, or (on the next write) after ``kill -9``."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from foedus.atomic import (
    TEMP_MARK,
    atomic_path,
    check_output_file,
    check_output_folder,
    remove_leftovers,
    write_atomic,
)
from foedus.errors import WriteError

ROOT = os.geteuid() == 0


def _temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{TEMP_MARK}*"))


def test_a_write_is_complete_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    assert write_atomic(target, b"x,y\n1,2\n") == 8
    assert target.read_bytes() == b"x,y\n1,2\n"
    assert _temps(tmp_path) == []


def test_new_files_take_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.bin", b"1")
        os.umask(0o077)
        write_atomic(tmp_path / "b.bin", b"1")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.bin").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.bin").stat().st_mode) == 0o600


def test_a_failure_inside_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("the writer failed")
    assert target.read_text() == "old"
    assert _temps(tmp_path) == []


def test_an_oserror_is_one_line_naming_path_and_reason(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    with pytest.raises(WriteError, match=r"cannot write .*a\.txt: the disk is full"), \
            atomic_path(target):
        raise OSError(28, "No space left on device")
    assert not target.exists() and _temps(tmp_path) == []


def test_the_temporary_keeps_the_extension(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "p.parquet") as tmp:
        assert tmp.suffix == ".parquet" and tmp.parent == tmp_path
        assert TEMP_MARK in tmp.name and str(os.getpid()) in tmp.name


def test_leftovers_of_dead_writers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = tmp_path / f".p.csv{TEMP_MARK}{dead}-abcd.csv"
    live = tmp_path / f".p.csv{TEMP_MARK}{os.getpid()}-abcd.csv"
    stale.write_text("half")
    live.write_text("being written")
    assert remove_leftovers(tmp_path) == [stale]
    assert live.exists()
    write_atomic(tmp_path / "q.csv", b"1")  # a write cleans the folder too
    assert not stale.exists()


@pytest.mark.parametrize(("make", "needle"), [
    (lambda d: d / "no" / "p.csv", "does not exist"),
    (lambda d: d, "extension"),
    (lambda d: (d / "f").write_text("x") and d / "f" / "p.csv", "is a file, not a folder"),
    (lambda d: Path("/proc/foedus-test.csv"), "does not take new files"),
])
def test_check_output_file_refuses_before_any_work(tmp_path: Path, make, needle) -> None:
    with pytest.raises(WriteError, match=needle):
        check_output_file(make(tmp_path), suffixes=(".csv",))


def test_check_output_file_refuses_a_folder_and_a_read_only_file(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(WriteError, match="it is a folder"):
        check_output_file(tmp_path / "d.csv")
    ro = tmp_path / "ro.csv"
    ro.write_text("old")
    ro.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):  # refused even for root
        check_output_file(ro)
    assert ro.read_text() == "old"


def test_check_output_folder(tmp_path: Path) -> None:
    assert check_output_folder(tmp_path / "new" / "plots").is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(WriteError, match="it is a file, not a folder"):
        check_output_folder(tmp_path / "file")
    with pytest.raises(WriteError, match="cannot create the folder /proc/"):
        check_output_folder("/proc/foedus-plots")
    assert _temps(tmp_path) == []


_SLOW_WRITER = """
import sys, time
from pathlib import Path
from foedus.atomic import atomic_path
with atomic_path(Path(sys.argv[1])) as tmp:
    tmp.write_text("half")
    print("writing", flush=True)
    time.sleep(60)
"""


def _start_writer(target: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    return proc


def test_sigterm_removes_the_temporary_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "p.csv"
    target.write_text("old")
    proc = _start_writer(target)
    assert len(_temps(tmp_path)) == 1
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    assert _temps(tmp_path) == []
    assert target.read_text() == "old"


def test_kill_9_leftover_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "p.csv"
    target.write_text("old")
    proc = _start_writer(target)
    proc.kill()
    proc.wait(timeout=60)
    assert len(_temps(tmp_path)) == 1 and target.read_text() == "old"
    write_atomic(target, b"new")  # the writer was reaped: its leftover goes
    assert _temps(tmp_path) == [] and target.read_bytes() == b"new"
