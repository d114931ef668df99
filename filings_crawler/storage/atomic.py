"""Atomic file writes: a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

from filings_crawler.processes import is_alive


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it.

    The rename is atomic on POSIX within one file system; fsync first so that after a power cut the
    name never points at an empty file, and fsync the folder after, so the rename itself is kept.
    The file gets the mode an ordinary new file gets (0644 under umask 022): mkstemp makes its
    temporary file 0600, which would keep the dataset from analysts and web servers running as
    other users. Folders are created the same way (0755 under umask 022).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    fd, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), 0o666 & ~current_umask())
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(path)
        _sync_folder(path.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_leftovers(path: Path) -> None:
    """Temporary files of `path` that a process killed mid-write left behind.

    A process killed outright (SIGKILL, a power cut) between creating its temporary file and the
    rename leaves it there; the file was never recorded as stored, so the next run writes the
    same path again, and this is when the leftover goes. A temporary file is named after the
    process writing it: one of a live process (another thread, another crawl) is left alone.
    """
    prefix = f".{path.name}."
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*.part"):
        writer = leftover.name[len(prefix) :].split(".", 1)[0]
        if writer.isdigit() and not is_alive(int(writer)):
            leftover.unlink(missing_ok=True)


def current_umask() -> int:
    """The process's umask, read without changing it (os.umask can only set it, for all threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:  # noqa: PTH123 - a /proc file
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return _UMASK_AT_START


def _read_umask_once() -> int:
    # Where /proc cannot say (not Linux): set and restore it, once, at import, before any thread.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_START = _read_umask_once()


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
