"""LocalStorage on a temporary folder: outcomes, atomic replacement, refused paths and unwritable roots."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from filings_crawler.storage.backends import StorageError
from filings_crawler.storage.local import LocalStorage

FILING = "NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html"
OLD = b"<html>10-Q as first filed</html>"
NEW = b"<html>10-Q as SEC serves it now</html>"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def all_files(folder: Path) -> list[str]:
    """Every file below `folder`, hidden temporary files included."""
    return sorted(
        str(Path(parent, name).relative_to(folder))
        for parent, _, names in os.walk(folder)
        for name in names
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "filings"


@pytest.fixture
def storage(root: Path) -> LocalStorage:
    return LocalStorage(root)


def test_created_then_unchanged_then_replaced(
    storage: LocalStorage, root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = root / FILING

    created = storage.write(FILING, OLD)
    assert (created.path, created.outcome, created.size) == (FILING, "created", len(OLD))
    assert created.sha256 == sha256(OLD)
    assert created.location == str(target)
    assert target.read_bytes() == OLD

    unchanged = storage.write(FILING, OLD)
    assert (unchanged.outcome, unchanged.sha256) == ("unchanged", sha256(OLD))

    with caplog.at_level(logging.WARNING, logger="filings_crawler.storage"):
        replaced = storage.write(FILING, NEW)
    assert (replaced.outcome, replaced.sha256, replaced.size) == ("replaced", sha256(NEW), len(NEW))
    assert target.read_bytes() == NEW
    [record] = [r for r in caplog.records if r.name == "filings_crawler.storage"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert FILING in message
    assert sha256(OLD) in message
    assert sha256(NEW) in message

    assert storage.read(FILING) == NEW
    assert storage.digest(FILING) == sha256(NEW)
    assert all_files(root) == [FILING]


def test_same_size_different_bytes_is_replaced(storage: LocalStorage) -> None:
    storage.write(FILING, b"aaaa")
    assert storage.write(FILING, b"bbbb").outcome == "replaced"
    assert storage.read(FILING) == b"bbbb"


def test_unchanged_file_is_not_touched(storage: LocalStorage, root: Path) -> None:
    storage.write(FILING, OLD)
    target = root / FILING
    # Far in the past, so a rewrite could not keep the same mtime by chance.
    os.utime(target, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = target.stat()

    assert storage.write(FILING, OLD).outcome == "unchanged"

    after = target.stat()
    assert after.st_mtime_ns == before.st_mtime_ns == 1_000_000_000_000_000_000
    assert after.st_ino == before.st_ino


def test_digest_is_computed_from_the_bytes_on_disk(storage: LocalStorage, root: Path) -> None:
    storage.write(FILING, OLD)
    (root / FILING).write_bytes(NEW)  # changed behind the store's back
    assert storage.digest(FILING) == sha256(NEW)


def test_absent_files_read_as_none(storage: LocalStorage, root: Path) -> None:
    assert storage.read(FILING) is None
    assert storage.digest(FILING) is None
    assert not root.exists()  # reading creates nothing
    storage.write("NASDAQ/other.html", OLD)
    assert storage.read(FILING) is None
    assert storage.digest(FILING) is None
    # A file where a folder of the path would be: still just absent.
    assert storage.read("NASDAQ/other.html/x") is None


def test_binary_bytes_round_trip(storage: LocalStorage) -> None:
    data = bytes(range(256)) * 4096 + b"\r\n\x00tail"
    storage.write("NASDAQ/aapl/2025/R1.jpg", data)
    assert storage.read("NASDAQ/aapl/2025/R1.jpg") == data
    assert storage.digest("NASDAQ/aapl/2025/R1.jpg") == sha256(data)


def test_root_is_resolved_against_the_current_directory_and_created_on_first_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    storage = LocalStorage("./data/filings")
    expected = tmp_path.resolve() / "data" / "filings"
    assert storage.root == expected
    assert storage.describe() == f"local disk under {expected}"
    assert not expected.exists()
    monkeypatch.chdir("/")  # the store does not move with the process
    stored = storage.write(FILING, OLD)
    assert stored.location == str(expected / FILING)
    assert storage.location(FILING) == str(expected / FILING)
    assert (expected / FILING).read_bytes() == OLD


def test_failed_fsync_keeps_the_old_file_and_no_temporary(
    storage: LocalStorage, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage.write(FILING, OLD)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageError, match="No space left on device") as raised:
        storage.write(FILING, NEW)
    assert FILING in str(raised.value)
    assert isinstance(raised.value, OSError)
    assert isinstance(raised.value.__cause__, OSError)
    assert (root / FILING).read_bytes() == OLD
    assert all_files(root) == [FILING]


def test_failed_rename_keeps_the_old_file_and_no_temporary(
    storage: LocalStorage, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage.write(FILING, OLD)

    def rename_fails(self: Path, target: Path) -> Path:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(Path, "replace", rename_fails)
    with pytest.raises(StorageError, match="Input/output error"):
        storage.write(FILING, NEW)
    assert (root / FILING).read_bytes() == OLD
    assert all_files(root) == [FILING]


def test_failed_first_write_leaves_nothing(
    storage: LocalStorage, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageError):
        storage.write(FILING, NEW)
    assert all_files(root) == []
    assert storage.read(FILING) is None


@pytest.mark.parametrize(
    "path", ["../x", "/abs", "a/../b", "a//b", "a\x00b", "a\\b", "a/" + "x" * 300, "../../etc/x"]
)
def test_refused_paths_write_nothing(storage: LocalStorage, tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="refused storage path"):
        storage.write(path, OLD)
    with pytest.raises(ValueError, match="refused storage path"):
        storage.read(path)
    with pytest.raises(ValueError, match="refused storage path"):
        storage.location(path)
    assert all_files(tmp_path) == []


def test_symlinked_folder_leading_outside_is_refused(
    storage: LocalStorage, root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root.mkdir()
    (root / "NASDAQ").symlink_to(outside, target_is_directory=True)

    with pytest.raises(ValueError, match=r"refused storage path .*outside"):
        storage.write(FILING, OLD)
    with pytest.raises(ValueError, match="refused storage path"):
        storage.read(FILING)
    assert all_files(outside) == []


def test_symlinked_file_leading_outside_is_refused(
    storage: LocalStorage, root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"keep me")
    root.mkdir()
    (root / "evil.html").symlink_to(secret)
    # Dangling, to a place that does not exist yet: still outside.
    (root / "dangling.html").symlink_to(tmp_path / "elsewhere" / "new.html")

    for path in ("evil.html", "dangling.html"):
        with pytest.raises(ValueError, match="refused storage path"):
            storage.write(path, OLD)
        with pytest.raises(ValueError, match="refused storage path"):
            storage.digest(path)
    assert secret.read_bytes() == b"keep me"
    assert not (tmp_path / "elsewhere").exists()


def test_symlink_staying_inside_the_root_is_followed(storage: LocalStorage, root: Path) -> None:
    (root / "archive" / "2025").mkdir(parents=True)
    (root / "latest").symlink_to(root / "archive" / "2025", target_is_directory=True)
    stored = storage.write("latest/a.html", OLD)
    assert stored.location == str(root / "archive" / "2025" / "a.html")
    assert (root / "archive" / "2025" / "a.html").read_bytes() == OLD


def test_root_under_a_file_raises_storage_error(tmp_path: Path) -> None:
    # Fails even for root, unlike a read-only folder.
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    storage = LocalStorage(blocker / "filings")

    with pytest.raises(StorageError, match="Not a directory") as raised:
        storage.write(FILING, OLD)
    message = str(raised.value)
    assert FILING in message
    assert str(blocker) in message
    assert "\n" not in message
    assert all_files(tmp_path) == ["not-a-folder"]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_read_only_root_raises_storage_error(tmp_path: Path) -> None:
    root = tmp_path / "filings"
    root.mkdir()
    root.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="Permission denied") as raised:
            LocalStorage(root).write("a.html", OLD)
        assert "a.html" in str(raised.value)
        assert all_files(root) == []
    finally:
        root.chmod(0o700)


def test_folder_in_the_way_raises_storage_error(storage: LocalStorage, root: Path) -> None:
    (root / FILING).mkdir(parents=True)
    with pytest.raises(StorageError, match=r"Is a directory|Directory not empty|File exists"):
        storage.write(FILING, OLD)
    assert all_files(root) == []


def test_concurrent_writers_never_leave_partial_files(storage: LocalStorage, root: Path) -> None:
    payloads = [bytes([n]) * 200_000 for n in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda data: storage.write(FILING, data), payloads))
    assert {result.outcome for result in results} <= {"created", "replaced", "unchanged"}
    assert (root / FILING).read_bytes() in payloads
    assert all_files(root) == [FILING]


@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_files_and_folders_get_the_modes_the_umask_allows(
    tmp_path: Path, umask: int, file_mode: int, folder_mode: int
) -> None:
    # Analysts and web servers running as other users read the dataset: never mkstemp's 0600.
    previous = os.umask(umask)
    try:
        storage = LocalStorage(tmp_path / "store")
        storage.write("NASDAQ/aapl/2025/x.html", b"<html>")
        storage.write("NASDAQ/aapl/2025/x.html", b"<html> replaced")
    finally:
        os.umask(previous)
    stored = tmp_path / "store" / "NASDAQ" / "aapl" / "2025" / "x.html"
    assert stored.stat().st_mode & 0o777 == file_mode
    for folder in (stored.parent, stored.parent.parent, tmp_path / "store"):
        assert folder.stat().st_mode & 0o777 == folder_mode


def test_the_write_check_leaves_nothing_behind(storage: LocalStorage, root: Path) -> None:
    storage.check_writable()
    assert list(root.iterdir()) == []


def test_a_temporary_file_a_killed_write_left_goes_with_the_next_write(
    storage: LocalStorage, root: Path
) -> None:
    folder = root / "NASDAQ" / "aapl" / "2025"
    folder.mkdir(parents=True)
    killed = subprocess.Popen(["true"])  # a process that has ended: a killed writer
    killed.wait()
    (folder / f".x.html.{killed.pid}.rx9a_exq.part").write_bytes(b"<html>half of it")
    # A live writer's (this process, another thread), and another file's: left alone.
    (folder / f".x.html.{os.getpid()}.k2b3c4d5.part").write_bytes(b"<html>")
    (folder / f".y.html.{killed.pid}.k2b3c4d5.part").write_bytes(b"<html>")
    storage.write("NASDAQ/aapl/2025/x.html", b"<html>whole</html>")
    assert sorted(p.name for p in folder.iterdir()) == [
        f".x.html.{os.getpid()}.k2b3c4d5.part",
        f".y.html.{killed.pid}.k2b3c4d5.part",
        "x.html",
    ]
