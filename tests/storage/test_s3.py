"""S3Storage against a real moto server: keys, outcomes, checksums, metadata and failures."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

from filings_crawler.storage.backends import StorageError
from filings_crawler.storage.s3 import S3Storage, key_prefix
from tests.s3_fixtures import free_port

FILING = "NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html"
KEY = f"data/filings/{FILING}"
OLD = b"<html>10-Q as first filed</html>"
NEW = b"<html>10-Q as SEC serves it now</html>"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def storage(s3_endpoint: str, s3_bucket: str) -> Iterator[S3Storage]:
    storage = S3Storage(s3_bucket, "./data/filings", endpoint_url=s3_endpoint)
    yield storage
    storage.close()


def keys(client: Any, bucket: str) -> list[str]:
    return [entry["Key"] for entry in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def count_puts(storage: S3Storage) -> list[str]:
    """The keys of every PutObject the storage's client sends from now on."""
    puts: list[str] = []

    def record(params: dict[str, Any], **kwargs: Any) -> None:
        puts.append(params["Key"])

    storage.client().meta.events.register("before-parameter-build.s3.PutObject", record)
    return puts


@pytest.mark.parametrize(
    ("root", "prefix"),
    [
        ("./data/filings", "data/filings/"),
        ("data/filings/", "data/filings/"),
        ("/data/filings", "data/filings/"),
        ("././filings", "filings/"),
        ("", ""),
        ("/", ""),
        (".", ""),
        ("./", ""),
    ],
)
def test_key_prefix_from_storage_root(root: str, prefix: str) -> None:
    assert key_prefix(root) == prefix


@pytest.mark.parametrize("root", ["data//filings", "../filings", "data/../x", "a\\b"])
def test_unusable_key_prefix_is_refused(root: str) -> None:
    with pytest.raises(ValueError, match=r"STORAGE_ROOT=.* is not usable as an S3 key prefix"):
        key_prefix(root)


def test_keys_are_under_the_prefix(storage: S3Storage, s3_client: Any, s3_bucket: str) -> None:
    stored = storage.write(FILING, OLD)
    storage.write("NYSE/ibm/2024/R2.htm", NEW)
    assert stored.location == f"s3://{s3_bucket}/{KEY}"
    assert storage.location(FILING) == stored.location
    assert storage.describe() == f"s3://{s3_bucket}/data/filings/ at {storage.endpoint_url}"
    assert keys(s3_client, s3_bucket) == [KEY, "data/filings/NYSE/ibm/2024/R2.htm"]


def test_empty_prefix_puts_files_at_the_top(
    s3_endpoint: str, s3_bucket: str, s3_client: Any
) -> None:
    storage = S3Storage(s3_bucket, "/", endpoint_url=s3_endpoint)
    try:
        storage.write(FILING, OLD)
    finally:
        storage.close()
    assert keys(s3_client, s3_bucket) == [FILING]


def test_created_then_unchanged_then_replaced(
    storage: S3Storage, s3_client: Any, s3_bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    puts = count_puts(storage)

    created = storage.write(FILING, OLD)
    assert (created.path, created.outcome, created.size) == (FILING, "created", len(OLD))
    assert created.sha256 == sha256(OLD)
    first = s3_client.head_object(Bucket=s3_bucket, Key=KEY)

    unchanged = storage.write(FILING, OLD)
    assert (unchanged.outcome, unchanged.sha256) == ("unchanged", sha256(OLD))
    assert puts == [KEY]  # no second PUT
    again = s3_client.head_object(Bucket=s3_bucket, Key=KEY)
    assert (again["ETag"], again["LastModified"]) == (first["ETag"], first["LastModified"])

    with caplog.at_level(logging.WARNING, logger="filings_crawler.storage"):
        replaced = storage.write(FILING, NEW)
    assert (replaced.outcome, replaced.sha256, replaced.size) == ("replaced", sha256(NEW), len(NEW))
    assert puts == [KEY, KEY]
    assert s3_client.head_object(Bucket=s3_bucket, Key=KEY)["ETag"] != first["ETag"]
    [record] = [r for r in caplog.records if r.name == "filings_crawler.storage"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert FILING in message
    assert sha256(OLD) in message
    assert sha256(NEW) in message

    assert storage.read(FILING) == NEW
    assert storage.digest(FILING) == sha256(NEW)


def test_object_carries_sha256_metadata_and_checksum(
    storage: S3Storage, s3_client: Any, s3_bucket: str
) -> None:
    storage.write(FILING, OLD)
    head = s3_client.head_object(Bucket=s3_bucket, Key=KEY, ChecksumMode="ENABLED")
    assert head["Metadata"] == {"sha256": sha256(OLD)}
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(OLD).digest()).decode()
    assert head["ContentLength"] == len(OLD)


def test_binary_bytes_round_trip(storage: S3Storage) -> None:
    # Over a megabyte, so digest() hashes it in several chunks.
    data = bytes(range(256)) * 6000 + b"\r\n\x00tail"
    stored = storage.write("NASDAQ/aapl/2025/R1.jpg", data)
    assert storage.read("NASDAQ/aapl/2025/R1.jpg") == data
    assert storage.digest("NASDAQ/aapl/2025/R1.jpg") == stored.sha256 == sha256(data)


def test_absent_files_read_as_none(storage: S3Storage) -> None:
    assert storage.read(FILING) is None
    assert storage.digest(FILING) is None


def test_digest_is_computed_from_the_stored_bytes(
    storage: S3Storage, s3_client: Any, s3_bucket: str
) -> None:
    # Metadata that lies: an integrity check must not believe it.
    s3_client.put_object(Bucket=s3_bucket, Key=KEY, Body=NEW, Metadata={"sha256": sha256(OLD)})
    assert storage.digest(FILING) == sha256(NEW)


def test_object_without_metadata_is_hashed(
    storage: S3Storage, s3_client: Any, s3_bucket: str
) -> None:
    s3_client.put_object(Bucket=s3_bucket, Key=KEY, Body=OLD)  # as another tool would
    puts = count_puts(storage)
    assert storage.write(FILING, OLD).outcome == "unchanged"
    assert puts == []
    assert storage.write(FILING, NEW).outcome == "replaced"
    assert s3_client.head_object(Bucket=s3_bucket, Key=KEY)["Metadata"] == {"sha256": sha256(NEW)}


def test_damaged_bytes_are_detected_on_read(
    storage: S3Storage, s3_client: Any, s3_bucket: str
) -> None:
    wrong = base64.b64encode(hashlib.sha256(b"other bytes").digest()).decode()
    try:
        s3_client.put_object(
            Bucket=s3_bucket, Key=KEY, Body=OLD, ChecksumAlgorithm="SHA256", ChecksumSHA256=wrong
        )
    except ClientError:
        pytest.skip("moto now refuses a wrong ChecksumSHA256 on PUT, as S3 does")
    # moto stored the object with a checksum its bytes do not match: what a damaged object is.
    with pytest.raises(StorageError, match="do not match S3's checksum"):
        storage.read(FILING)
    with pytest.raises(StorageError, match="do not match S3's checksum"):
        storage.digest(FILING)


def test_missing_bucket_raises_storage_error_naming_it(
    s3_endpoint: str, aws_credentials: None
) -> None:
    storage = S3Storage("no-such-filings-bucket", "data", endpoint_url=s3_endpoint)
    try:
        for call in (
            lambda: storage.write(FILING, OLD),
            lambda: storage.read(FILING),
            lambda: storage.digest(FILING),
            storage.check_writable,
        ):
            with pytest.raises(
                StorageError, match="bucket 'no-such-filings-bucket' does not exist"
            ):
                call()
    finally:
        storage.close()


def test_unreachable_endpoint_fails_quickly(aws_credentials: None) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    storage = S3Storage("filings-bucket", "data", endpoint_url=endpoint)
    started = time.monotonic()
    try:
        with pytest.raises(StorageError) as raised:
            storage.write(FILING, OLD)
    finally:
        storage.close()
    assert time.monotonic() - started < 15
    message = str(raised.value)
    assert f"s3://filings-bucket/data/{FILING}" in message
    assert f"cannot reach the S3 endpoint {endpoint}" in message
    assert "\n" not in message


def test_missing_credentials_raise_storage_error(
    s3_endpoint: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    storage = S3Storage(s3_bucket, "data", endpoint_url=s3_endpoint)
    try:
        with pytest.raises(StorageError, match="no AWS credentials"):
            storage.write(FILING, OLD)
    finally:
        storage.close()


def test_refused_paths_send_nothing(storage: S3Storage) -> None:
    puts = count_puts(storage)
    for path in ("../x", "/abs", "a//b", "a\\b"):
        with pytest.raises(ValueError, match="refused storage path"):
            storage.write(path, OLD)
    with pytest.raises(ValueError, match="longer than 1024 bytes"):
        storage.write("/".join(["x" * 200] * 6), OLD)
    assert puts == []


def test_one_client_shared_by_threads(storage: S3Storage) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = set(pool.map(lambda _: id(storage.client()), range(32)))
        results = list(pool.map(lambda n: storage.write(f"NASDAQ/t/{n}.htm", b"%d" % n), range(32)))
    assert len(clients) == 1
    assert [result.outcome for result in results] == ["created"] * 32
    assert storage.read("NASDAQ/t/31.htm") == b"31"


def test_the_write_check_puts_and_removes_a_probe(
    storage: S3Storage, s3_client: Any, s3_bucket: str
) -> None:
    puts = count_puts(storage)
    storage.check_writable()
    assert len(puts) == 1
    assert puts[0].startswith("data/filings/.filings_crawler-write-check-")
    assert keys(s3_client, s3_bucket) == []
