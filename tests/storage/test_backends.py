"""The rules every backend shares: which paths are refused, and how STORAGE_BACKEND picks one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from filings_crawler.config import Config
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import validate_path
from filings_crawler.storage.local import LocalStorage
from filings_crawler.storage.s3 import S3Storage

FILING = "NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html"

REFUSED = [
    pytest.param("", id="empty"),
    pytest.param("../x", id="parent"),
    pytest.param("/abs", id="absolute"),
    pytest.param("a/../b", id="parent-inside"),
    pytest.param("a//b", id="empty-segment"),
    pytest.param("a/", id="trailing-slash"),
    pytest.param("./a", id="dot"),
    pytest.param("a/./b", id="dot-inside"),
    pytest.param("a\x00b", id="nul"),
    pytest.param("a\nb", id="newline"),
    pytest.param("a\x7fb", id="del"),
    pytest.param("a\\b", id="backslash"),
    pytest.param("..\\x", id="backslash-parent"),
    pytest.param("a/" + "x" * 300, id="300-byte-segment"),
    pytest.param("é" * 128, id="256-byte-utf8-segment"),
    pytest.param("a\udcffb", id="lone-surrogate"),
]


@pytest.mark.parametrize("path", REFUSED)
def test_refused_paths_name_the_path(path: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(path))):
        validate_path(path)


@pytest.mark.parametrize(
    "path", [FILING, "a", "x" * 255, "é" * 127, "R/r-1.xml", ".hidden/..name/a..b", "a b/c"]
)
def test_accepted_paths(path: str) -> None:
    assert validate_path(path) == path


def config(**values: str) -> Config:
    return Config.from_settings(values, require_user_agent=False)


def test_local_backend_by_default_under_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    storage = storage_from_config(config())
    assert isinstance(storage, LocalStorage)
    assert storage.root == (tmp_path / "data" / "filings").resolve()
    assert storage.describe() == f"local disk under {storage.root}"


def test_s3_backend_from_config() -> None:
    storage = storage_from_config(
        config(
            STORAGE_BACKEND="s3",
            S3_BUCKET="filings-bucket",
            S3_REGION="eu-west-1",
            AWS_ENDPOINT_URL="http://localhost:9000",
        )
    )
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix, storage.region) == (
        "filings-bucket",
        "data/filings/",
        "eu-west-1",
    )
    assert storage.endpoint_url == "http://localhost:9000"
    assert storage.describe() == "s3://filings-bucket/data/filings/ at http://localhost:9000"
    assert storage.location(FILING) == f"s3://filings-bucket/data/filings/{FILING}"


def test_s3_backend_without_endpoint_uses_aws() -> None:
    storage = storage_from_config(
        config(STORAGE_BACKEND="s3", S3_BUCKET="filings-bucket", STORAGE_ROOT="/")
    )
    assert isinstance(storage, S3Storage)
    assert storage.endpoint_url is None
    assert storage.describe() == "s3://filings-bucket/"
