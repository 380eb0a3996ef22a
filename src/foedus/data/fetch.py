"""Obtain a registered file and prove it is the right one.

Sources are tried in a fixed order (issue 2, DESIGN §2):

1. the cache (``FOEDUS_CACHE``), where verified copies live;
2. a mirror folder (``FOEDUS_DATA_MIRROR``) laid out like ``Dataset.file``;
3. an HTTP base address (``FOEDUS_DATA_URL``) serving the same layout, downloaded with
   retries to a temporary name and renamed only once the sha256 matches (pooch);
4. the official distribution, for files it carries byte for byte, opening the archive
   members named in the registry (skipped when ``FOEDUS_OFFLINE`` is set).

Every path handed out has just been hashed: a file is verified on every load. A file that
fails verification is never copied, renamed into the cache or read; the error names the
dataset, the expected and actual hashes and what was done.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pooch

from foedus import config
from foedus.data.registry import Dataset, dataset, datasets
from foedus.errors import DatasetNotFoundError, DiskFullError, HashMismatchError, WriteError

__all__ = ["Located", "ProgressFactory", "locate", "pull", "sha256_file", "verify"]

log = logging.getLogger(__name__)

#: Builds a tqdm-like progress object (``total``, ``update(n)``, ``reset()``, ``close()``)
#: for a download, given a label; the faces pass one, the library shows nothing by itself.
ProgressFactory = Callable[[str], Any]

_RETRIES = 3
_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


@dataclass(frozen=True)
class Located:
    """A verified file and the source it came from (cache, mirror, url, official)."""

    dataset: Dataset
    path: Path
    origin: str


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def verify(entry: Dataset, path: Path, *, action: str) -> None:
    """Raise :class:`HashMismatchError` unless ``path`` has the registered sha256.

    ``action`` says what was done about a bad file, for the message.
    """
    actual = sha256_file(path)
    if actual != entry.sha256:
        raise HashMismatchError(
            f"{entry.name}: sha256 of {path} does not match the registry "
            f"(expected {entry.sha256}, got {actual}); {action}."
        )


def _is_space_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _SPACE_ERRNOS


def _space_error(entry: Dataset, where: Path, exc: OSError) -> DiskFullError:
    return DiskFullError(
        f"{entry.name}: could not write {where} ({exc.strerror or exc}): the disk is full or a "
        "file-size limit applies; nothing was changed in the cache. Free space or set "
        "FOEDUS_CACHE to a larger disk."
    )


def _install(entry: Dataset, source: Callable[[io.BufferedWriter], None]) -> Path:
    """Write a file into the cache through a temporary name; rename it once verified."""
    target = config.cache_dir() / entry.file
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                        dir=target.parent)
    except OSError as exc:
        if _is_space_error(exc):
            raise _space_error(entry, target, exc) from None
        raise WriteError(f"{entry.name}: cannot write to the cache at {target.parent}: "
                          f"{exc.strerror or exc}.") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            source(handle)
            handle.flush()
            os.fsync(handle.fileno())
        verify(entry, tmp, action="the copy was deleted and the cache left as it was")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if _is_space_error(exc):
            raise _space_error(entry, target, exc) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _from_cache(entry: Dataset) -> Located | None:
    path = config.cache_dir() / entry.file
    if not path.is_file():
        return None
    verify(entry, path, action=(
        f"the cached copy was left in place; delete it and run `foedus data pull {entry.name}`"
    ))
    return Located(entry, path, "cache")


def _from_mirror(entry: Dataset, *, into_cache: bool) -> Located | None:
    mirror = config.data_mirror()
    if mirror is None:
        return None
    path = mirror / entry.file
    if not path.is_file():
        return None
    verify(entry, path, action="the mirror file was left untouched and nothing was copied")
    if not into_cache:
        return Located(entry, path, "mirror")

    def copy(handle: io.BufferedWriter) -> None:
        with open(path, "rb") as src:
            shutil.copyfileobj(src, handle, 1 << 20)

    return Located(entry, _install(entry, copy), "mirror")


def _downloader(progress: ProgressFactory | None, label: str) -> pooch.HTTPDownloader:
    bar = progress(label) if progress is not None else False
    return pooch.HTTPDownloader(progressbar=bar, timeout=60)


def _from_url(entry: Dataset, progress: ProgressFactory | None) -> Located | None:
    base = config.data_url()
    if base is None:
        return None
    cache = config.cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fetcher = pooch.create(path=cache, base_url=base, retry_if_failed=_RETRIES - 1,
                               registry={entry.file: f"sha256:{entry.sha256}"})
        path = fetcher.fetch(entry.file, downloader=_downloader(progress, entry.name))
    except ValueError as exc:  # pooch: hash mismatch; it has deleted the download
        if "hash" not in str(exc).lower():
            raise
        actual = _pooch_actual_hash(str(exc))
        raise HashMismatchError(
            f"{entry.name}: the file served at {base}{entry.file} does not match the registry "
            f"(expected {entry.sha256}, got {actual}); the download was deleted and the cache "
            "left as it was."
        ) from None
    except OSError as exc:
        if _is_space_error(exc):
            raise _space_error(entry, cache / entry.file, exc) from None
        raise DatasetNotFoundError(f"{entry.name}: download from {base}{entry.file} failed "
                                   f"after {_RETRIES} tries: {_short(exc)}") from None
    except Exception as exc:  # requests' HTTP and connection errors
        raise DatasetNotFoundError(f"{entry.name}: download from {base}{entry.file} failed "
                                   f"after {_RETRIES} tries: {_short(exc)}") from None
    return Located(entry, Path(path), "url")


def _pooch_actual_hash(message: str) -> str:
    for word in message.replace("(", " ").replace(")", " ").split():
        if len(word) == 64 and all(c in "0123456789abcdef" for c in word.lower()):
            return word
    return "unknown"


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _open_member(archive: zipfile.ZipFile, wanted: str) -> bytes:
    names = archive.namelist()
    if wanted in names:
        return archive.read(wanted)
    matches = [n for n in names if n.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]]
    if len(matches) != 1:
        raise DatasetNotFoundError(
            f"the official archive has {len(matches)} members named {wanted!r}"
        )
    return archive.read(matches[0])


def _from_official(entry: Dataset, progress: ProgressFactory | None) -> Located | None:
    src = entry.official
    if src is None or os.environ.get("FOEDUS_OFFLINE"):
        return None
    cache = config.cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".official-") as tmp:
        last: Exception | None = None
        for _ in range(_RETRIES):
            try:
                fetched = pooch.retrieve(src.url, known_hash=None, path=tmp, fname="download",
                                         downloader=_downloader(progress, entry.name))
                break
            except OSError as exc:
                if _is_space_error(exc):
                    raise _space_error(entry, cache, exc) from None
                last = exc
            except Exception as exc:  # requests' HTTP and connection errors
                last = exc
        else:
            raise DatasetNotFoundError(f"{entry.name}: official download from {src.url} failed "
                                       f"after {_RETRIES} tries: {_short(last)}") from None
        payload = Path(fetched).read_bytes()
        try:
            for member in src.members:
                with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                    payload = _open_member(archive, member)
        except zipfile.BadZipFile:
            raise DatasetNotFoundError(
                f"{entry.name}: {src.url} is not the zip archive the registry expects"
            ) from None
        except DatasetNotFoundError as exc:
            raise DatasetNotFoundError(f"{entry.name}: {exc} ({src.url})") from None
    return Located(entry, _install(entry, lambda handle: handle.write(payload)), "official")


def locate(name: str | Dataset, *, into_cache: bool = False,
           progress: ProgressFactory | None = None) -> Located:
    """Find a verified copy of a registered file, obtaining it if need be.

    Parameters
    ----------
    name
        A registered dataset name (see :func:`foedus.data.datasets`) or the entry itself.
    into_cache
        Copy a mirror file into the cache as well (``foedus data pull``); downloads always
        land in the cache.
    progress
        Builds a progress bar for downloads.

    Raises
    ------
    UnknownDatasetError, HashMismatchError, DiskFullError, DatasetNotFoundError
    """
    entry = name if isinstance(name, Dataset) else dataset(name)
    found = _from_cache(entry) or _from_mirror(entry, into_cache=into_cache)
    if found is not None:
        return found
    tried: list[str] = []
    for step in (_from_url, _from_official):
        try:
            found = step(entry, progress)
        except DatasetNotFoundError as exc:
            tried.append(str(exc).removeprefix(f"{entry.name}: "))
            continue
        if found is not None:
            return found
    mirror = config.data_mirror()
    where = (f"{mirror / entry.file} (the mirror)" if mirror
             else f"{config.cache_dir() / entry.file} (the cache), or set FOEDUS_DATA_MIRROR")
    detail = f" Tried: {'; '.join(tried)}." if tried else ""
    raise DatasetNotFoundError(
        f"Dataset {entry.name!r} ({entry.title}, version {entry.version}) was not found.{detail} "
        f"Obtain {entry.file!r} from {entry.url} and put it at {where}."
    )


def pull(names: list[str] | None = None, *,
         progress: ProgressFactory | None = None) -> list[Located]:
    """Obtain every named (default: every registered) file into the cache."""
    entries = [dataset(n) for n in names] if names else datasets()
    return [locate(entry, into_cache=True, progress=progress) for entry in entries]
