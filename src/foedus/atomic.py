"""Writing files atomically, and checking beforehand that they can be written.

Every file foedus writes for the user (panels, plots, reports) goes to a temporary file in
the destination folder and is renamed into place only once complete and flushed to disk
(``fsync``), so the destination is either the old file or the whole new one, never half of
either (the pattern of pooch's downloads and of the store's build). On any failure the
temporary file is removed and the old file is left as it was; a ``SIGTERM`` during the
write ends the process the same way (the handler turns it into :class:`SystemExit`). A
process killed outright (``kill -9``) leaves its temporary file behind: its name carries
:data:`TEMP_MARK` and the writer's process id, and the next write into that folder removes
those of processes that no longer run.

New files get the permissions of an ordinary ``open()`` (``0666`` less the umask), not the
``0600`` of :func:`tempfile.mkstemp`.

Errors name the path and the reason in one line (:class:`~foedus.errors.WriteError`,
:class:`~foedus.errors.DiskFullError` for a full disk).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from foedus.errors import DiskFullError, WriteError

__all__ = ["TEMP_MARK", "atomic_path", "check_output_file", "check_output_folder",
           "remove_leftovers", "write_atomic"]

#: In the name of every temporary file of an atomic write: ``.{name}.foedus-tmp-{pid}-{token}``.
TEMP_MARK = ".foedus-tmp-"

_SPACE = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_REASONS = {
    errno.EACCES: "permission denied (read-only file or folder)",
    errno.EPERM: "permission denied (read-only file or folder)",
    errno.EROFS: "the file system is read-only",
    errno.ENOENT: "the folder does not exist or does not take new files",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.EEXIST: "a file of that name is in the way",
    errno.ENAMETOOLONG: "the name is too long",
}


def reason(exc: OSError) -> str:
    """A short, plain reason for an ``OSError`` of a write."""
    if exc.errno in _SPACE:
        return "the disk is full or a file-size limit applies"
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))


def _error(path: Path, exc: OSError, what: str = "write") -> WriteError:
    cls = DiskFullError if exc.errno in _SPACE else WriteError
    return cls(f"cannot {what} {path}: {reason(exc)}; nothing was written.")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Remove the temporary files of atomic writes into ``folder`` whose process no
    longer runs (killed outright); the paths removed."""
    removed = []
    with contextlib.suppress(OSError):
        for path in Path(folder).glob(f".*{TEMP_MARK}*"):
            pid_text = path.name.split(TEMP_MARK, 1)[1].split("-", 1)[0]
            if pid_text.isdigit() and not _alive(int(pid_text)):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def _probe(folder: Path, path: Path) -> None:
    """Create and remove a temporary file in ``folder``: the one sure test of writing
    (permissions, read-only mounts, /proc), for root too."""
    probe = folder / f".{path.name}{TEMP_MARK}{os.getpid()}-probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _error(path, exc) from None
    os.close(fd)
    probe.unlink(missing_ok=True)


def check_output_file(path: str | Path, *, suffixes: tuple[str, ...] = ()) -> Path:
    """Check, before any work, that ``path`` can be written (atomically) as a file.

    Parameters
    ----------
    path
        The file to write.
    suffixes
        The extensions accepted (lower case, with the dot); empty for any.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    WriteError
        For a missing folder, a folder or a special file in the way, a read-only file or
        folder, or a place that takes no files (``/proc``); one line naming the path and
        the reason.
    """
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise WriteError(f"cannot write {path}: the extension must be one of "
                         f"{', '.join(suffixes)}.")
    folder = path.parent
    if not folder.is_dir():
        why = "is a file, not a folder" if folder.exists() else "does not exist"
        raise WriteError(f"cannot write {path}: the folder {folder} {why}.")
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _error(path, exc) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise WriteError(f"cannot write {path}: it is a folder.")
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(f"cannot write {path}: it is not a regular file.")
        if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise WriteError(f"cannot write {path}: the file is read-only; nothing was "
                             "written.")
    _probe(folder, path)
    return path


def check_output_folder(folder: str | Path) -> Path:
    """Check, before any work, that files can be written into ``folder`` (created, with
    its parents, if missing).

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    WriteError
        For a file in the way, a read-only place or one that takes no files; one line.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise WriteError(f"cannot write into {folder}: it is a file, not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _error(folder, exc, "create the folder") from None
    _probe(folder, folder / "x")
    return folder


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While the block runs (main thread only), SIGTERM raises SystemExit(143), so that
    the cleanup of the block runs before the process ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed onto ``path`` when the block
    ends without error, removed otherwise.

    The temporary name keeps the extension of ``path`` (writers that choose a format by
    extension still work). On leaving the block the file is flushed to disk, given the
    umask's ordinary mode and renamed; the folder's leftovers of killed writes are removed
    first.

    Parameters
    ----------
    path
        The destination.

    Yields
    ------
    pathlib.Path
        The temporary file (created empty) to write.

    Raises
    ------
    WriteError
        When the temporary file cannot be created, written or renamed (one line naming the
        path and the reason); :class:`~foedus.errors.DiskFullError` for a full disk. The
        destination is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with atomic_path(Path(folder) / "a.txt") as tmp:
    ...         _ = tmp.write_text("done")
    ...     sorted(p.name for p in Path(folder).iterdir())
    ['a.txt']
    """
    target = Path(path)
    remove_leftovers(target.parent)
    tmp = target.with_name(f".{target.name}{TEMP_MARK}{os.getpid()}-"
                           f"{secrets.token_hex(4)}{target.suffix}")
    with _sigterm_raises():
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise _error(target, exc) from None
        os.close(fd)
        try:
            yield tmp
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.chmod(tmp, _umask_mode())
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _error(target, exc) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    with contextlib.suppress(OSError):  # the rename itself made durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: str | Path, data: bytes) -> int:
    """Write ``data`` to ``path`` atomically (:func:`atomic_path`); the bytes written.

    Raises
    ------
    WriteError
        When the file cannot be written; the old file is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_atomic(Path(folder) / "a.bin", b"abc")
    3
    """
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return len(data)
