"""Filing files on local disk under STORAGE_ROOT, each written atomically and never rewritten unchanged."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from filings_crawler.storage.atomic import write_atomically
from filings_crawler.storage.backends import (
    PROBE_NAME,
    StorageError,
    StoredFile,
    log_replaced,
    sha256_hex,
    validate_path,
)

_CHUNK = 1 << 20


class LocalStorage:
    """Files under one root folder, created on the first write.

    The root is resolved once, against the current directory at construction, so a later `chdir`
    cannot move the store. Symlinks inside the root are followed only while they stay inside it.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def write(self, path: str, data: bytes) -> StoredFile:
        target = self._target(path)
        sha256 = sha256_hex(data)
        old_sha256 = self._stored_sha256(path, target)
        if old_sha256 == sha256:
            # Not even touched: the mtime keeps telling when these bytes first arrived.
            return StoredFile(path, sha256, len(data), "unchanged", str(target))
        try:
            write_atomically(target, data)
        except OSError as error:
            raise StorageError(f"cannot write {path!r} to {target}: {_cause(error)}") from error
        if old_sha256 is None:
            return StoredFile(path, sha256, len(data), "created", str(target))
        log_replaced(path, str(target), old_sha256, sha256)
        return StoredFile(path, sha256, len(data), "replaced", str(target))

    def read(self, path: str) -> bytes | None:
        target = self._target(path)
        try:
            return target.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise StorageError(f"cannot read {path!r} at {target}: {_cause(error)}") from error

    def digest(self, path: str) -> str | None:
        target = self._target(path)
        try:
            return _file_sha256(target)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise StorageError(f"cannot read {path!r} at {target}: {_cause(error)}") from error

    def location(self, path: str) -> str:
        return str(self._target(path))

    def describe(self) -> str:
        return f"local disk under {self.root}"

    def check_writable(self) -> None:
        probe = self.root / f"{PROBE_NAME}-{os.getpid()}"
        try:
            write_atomically(probe, b"filings_crawler checks it can write here\n")
            probe.unlink()
        except OSError as error:
            raise StorageError(f"cannot write under {self.root}: {_cause(error)}") from error

    def _target(self, path: str) -> Path:
        """The absolute file for `path`, refused (ValueError) if it would lie outside the root.

        This guards against a caller's bug and against symlinks already in the store; a symlink
        swapped in between this check and the write is out of scope (the store is ours alone).
        """
        validate_path(path)
        try:
            target = (self.root / path).resolve()
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, on Python 3.11
            raise StorageError(f"cannot resolve {path!r} under {self.root}: {error}") from error
        if target == self.root or not target.is_relative_to(self.root):
            raise ValueError(
                f"refused storage path {path!r}: it leads to {target}, outside {self.root} "
                "(through a symlink)"
            )
        return target

    def _stored_sha256(self, path: str, target: Path) -> str | None:
        """The digest of the regular file at `target`, None if there is none."""
        try:
            existing = target.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise StorageError(f"cannot examine {path!r} at {target}: {_cause(error)}") from error
        if not stat.S_ISREG(existing.st_mode):
            return None  # a folder in the way: the write reports it
        try:
            # Hashed even when the sizes differ, which alone would settle "replaced": the warning
            # names the old digest too.
            return _file_sha256(target)
        except OSError as error:
            raise StorageError(f"cannot read {path!r} at {target}: {_cause(error)}") from error


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _cause(error: OSError) -> str:
    """`No space left on device`, `Not a directory: /x/y`: the reason, without errno noise."""
    if not error.strerror:
        return str(error)
    return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
