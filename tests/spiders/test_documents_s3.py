"""The same documents crawl with STORAGE_BACKEND=s3, against moto's S3 server on loopback."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from tests.conftest import job_environment, run_scrapy
from tests.spiders.test_documents import add_company, source_file

pytestmark = pytest.mark.e2e


def test_documents_go_to_s3_in_the_same_layout_with_checksums_and_exports(
    engine, database_url, mirror_url, tmp_path, s3_endpoint, s3_bucket, s3_client
):
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    env = job_environment(
        database_url,
        mirror_url,
        tmp_path,
        STORAGE_BACKEND="s3",
        S3_BUCKET=s3_bucket,
        STORAGE_ROOT="filings",
        AWS_ENDPOINT_URL=s3_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = run_scrapy(["crawl", "backfill", "-a", "cik=320193,9999001"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]

    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT kind, sec_url, storage_path, sha256, source_sha256, bytes FROM artifacts "
                "WHERE status = 'downloaded'"
            )
        ).all()
    keys = {
        item["Key"]
        for page in s3_client.get_paginator("list_objects_v2").paginate(Bucket=s3_bucket)
        for item in page.get("Contents", [])
    }
    files = {key for key in keys if not key.startswith("filings/exports/")}
    assert files == {f"filings/{path}" for _, _, path, *_ in stored}
    assert "filings/NASDAQ/ctst/2024/xbrl/0009999001-24-000001/ctst-20231231.xsd" in files
    for kind, url, path, digest, source_digest, size in stored:
        data = s3_client.get_object(Bucket=s3_bucket, Key=f"filings/{path}")["Body"].read()
        assert hashlib.sha256(data).hexdigest() == digest
        assert len(data) == size
        assert hashlib.sha256(source_file(url).read_bytes()).hexdigest() == source_digest
        if kind != "html":
            assert digest == source_digest

    # The records, exported by Scrapy's feed exports as batched JSON lines.
    exports = sorted(key for key in keys if key.startswith("filings/exports/backfill/"))
    assert exports
    records = [
        json.loads(line)
        for key in exports
        for line in s3_client.get_object(Bucket=s3_bucket, Key=key)["Body"].read().splitlines()
    ]
    accessions = {f["row"]["accession_number"] for r in records for f in r.get("filings", [])}
    assert "0000320193-25-000057" in accessions
    documents = [r for r in records if "outcomes" in r]
    assert {d["place"]["accession_number"] for d in documents} >= {"0009999001-24-000001"}
    assert all(file["data"] is None for d in documents for file in d["in_hand"])
    assert all(d["bodies"] == {} for d in documents)  # no stored bytes in the records

    # Facts read from the bucket as filings are stored, and the Parquet export into it.
    with engine.connect() as conn:
        read = conn.execute(text("SELECT count(*) FROM filings WHERE facts_count > 0")).scalar()
    assert read
    result = run_scrapy(["export", "--format", "parquet", "--out", "parquet"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    parquet = {
        item["Key"]
        for page in s3_client.get_paginator("list_objects_v2").paginate(
            Bucket=s3_bucket, Prefix="parquet/"
        )
        for item in page.get("Contents", [])
    }
    assert {key.split("/")[1] for key in parquet} == {
        "filings",
        "facts",
        "pre",
        "tag",
        "sections",
        "companies",
        "artifacts",
    }
    assert "parquet/filings/year=2025/form_type=10-Q/part-0.parquet" in parquet
