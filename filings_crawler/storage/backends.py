"""Where filing files are kept: the Storage interface and the rules every backend shares."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from typing import Protocol

# Both backends log here, under one name, so a replaced file is found the same way on disk and S3.
logger = logging.getLogger("filings_crawler.storage")

# The file each store's write check creates and removes again, at its top.
PROBE_NAME = ".filings_crawler-write-check"

# What a job that finds the store unusable tells its user to look at (the crawls, verify).
CHECK_STORAGE_ROOT = "check STORAGE_ROOT and its rights"

# The longest name most file systems accept for one folder or file (NAME_MAX on Linux).
MAX_SEGMENT_BYTES = 255


class StorageError(OSError):
    """The store cannot be written or read: a disk or S3 failure, with the path and the cause.

    An OSError, so code that already handles I/O failures handles this one; the original exception
    is kept as `__cause__`. A bad path is a ValueError instead: it is the caller's bug, not the store's.
    """


@dataclass(frozen=True)
class StoredFile:
    """What `Storage.write` did with one file."""

    path: str  # the relative path given
    sha256: str  # hex digest of the bytes now stored
    size: int
    outcome: str  # "created" | "unchanged" | "replaced"
    location: str  # where a person finds it: an absolute file path, or s3://bucket/key


class Storage(Protocol):
    """A store of files under relative `/`-separated paths; every method may be called from threads."""

    def write(self, path: str, data: bytes) -> StoredFile:
        """Store `data` atomically; identical bytes are left as they are ("unchanged")."""

    def read(self, path: str) -> bytes | None:
        """The stored bytes, or None if nothing is stored under `path`."""

    def digest(self, path: str) -> str | None:
        """SHA-256 hex digest computed from the stored bytes, or None if absent."""

    def location(self, path: str) -> str:
        """Where a person finds the file: an absolute file path or an s3:// URL."""

    def describe(self) -> str:
        """Where the files go, for a log line: `local disk under /abs/dir` or `s3://bucket/prefix/`."""

    def check_writable(self) -> None:
        """Write a probe file and remove it; StorageError, with the cause, if the store refuses.

        Run before a crawl sends its first request, so a store that cannot take files costs no
        request (and no hour of crawling before the first download fails).
        """


def validate_path(path: str) -> str:
    """Return `path` if it is a safe relative `/`-separated path, else raise ValueError naming it.

    Callers build paths from safe names; this is the guard that a bug there never writes elsewhere.
    """
    problem = _path_problem(path)
    if problem:
        raise ValueError(f"refused storage path {path!r}: {problem}")
    return path


def _path_problem(path: str) -> str | None:
    if not isinstance(path, str) or not path:
        return "empty or not a string"
    for broken, problem in (
        (path.startswith("/"), "absolute (starts with /)"),
        ("\\" in path, "contains a backslash (paths use /)"),
        (any(unicodedata.category(char) == "Cc" for char in path), "contains a control character"),
    ):
        if broken:
            return problem
    for segment in path.split("/"):
        if segment_problem := _segment_problem(segment):
            return segment_problem
    return None


def _segment_problem(segment: str) -> str | None:
    if segment in ("", ".", ".."):
        return f"has an empty, '.' or '..' segment ({segment!r})"
    try:
        size = len(segment.encode("utf-8"))
    except UnicodeEncodeError:  # lone surrogates, e.g. from undecodable file names
        return "is not valid Unicode"
    if size > MAX_SEGMENT_BYTES:
        return f"has a segment of {size} bytes (at most {MAX_SEGMENT_BYTES})"
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def log_replaced(path: str, location: str, old_sha256: str, new_sha256: str) -> None:
    """A stored file changed: SEC files should not, so it is worth a person's look."""
    logger.warning(
        "Replaced stored file %s (sha256 %s -> %s) at %s",
        path,
        old_sha256,
        new_sha256,
        location,
        extra={"storage_path": path, "old_sha256": old_sha256, "sha256": new_sha256},
    )
