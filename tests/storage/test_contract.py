"""The Storage contract, held by both backends: the same calls, the same answers, disk or S3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from filings_crawler.storage.backends import Storage, sha256_hex
from filings_crawler.storage.local import LocalStorage
from filings_crawler.storage.s3 import S3Storage

PATH = "NYSE/ko/2024/xbrl/0000021344-24-000009/ko-20231231.xsd"


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "local":
        yield LocalStorage(tmp_path / "filings")
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("s3_bucket")
    s3 = S3Storage(bucket, "filings", endpoint_url=endpoint)
    yield s3
    s3.close()


def test_write_then_read_digest_and_locate(storage: Storage) -> None:
    assert storage.read(PATH) is None
    assert storage.digest(PATH) is None
    created = storage.write(PATH, b"<xsd/>")
    assert (created.path, created.size, created.outcome) == (PATH, 6, "created")
    assert created.sha256 == sha256_hex(b"<xsd/>")
    assert storage.read(PATH) == b"<xsd/>"
    assert storage.digest(PATH) == created.sha256
    assert storage.location(PATH).endswith(PATH)
    assert created.location == storage.location(PATH)


def test_the_same_bytes_again_change_nothing_and_others_replace(storage: Storage) -> None:
    storage.write(PATH, b"<xsd/>")
    assert storage.write(PATH, b"<xsd/>").outcome == "unchanged"
    replaced = storage.write(PATH, b"<xsd version='2'/>")
    assert replaced.outcome == "replaced"
    assert storage.read(PATH) == b"<xsd version='2'/>"


def test_an_unsafe_path_is_refused_before_anything_is_written(storage: Storage) -> None:
    with pytest.raises(ValueError, match="refused storage path"):
        storage.write("../outside.txt", b"x")


def test_the_write_check_passes_and_leaves_nothing(storage: Storage) -> None:
    storage.check_writable()
    assert storage.read(PATH) is None


def test_it_says_where_files_go(storage: Storage) -> None:
    assert storage.describe()
