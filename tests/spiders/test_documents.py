"""Filing documents end to end: the zip path, the per-file path, the layout, bytes and a rerun."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy
from tests.crawling import mirror_control

pytestmark = pytest.mark.e2e

ARCHIVE = EDGAR_SAMPLE / "www.sec.gov" / "Archives" / "edgar" / "data"
IMG_SRC = re.compile(rb"(<img\b[^>]*?\bsrc\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I | re.S)


def source_file(url: str) -> Path:
    """The mirror's file behind an artifact URL."""
    return EDGAR_SAMPLE / url.split("://", 1)[1]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add_company(engine: Engine, cik: int, ticker: str, exchange: str = "NASDAQ") -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) "
                "VALUES (:cik, :ticker, ARRAY[:ticker], :ticker, :exchange)"
            ),
            {"cik": cik, "ticker": ticker, "exchange": exchange},
        )


def artifacts_of(engine: Engine, accession: str) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.sec_url, a.kind, a.status, a.storage_path, a.sha256, a.source_sha256, "
                "a.bytes, a.attempts, a.last_error FROM artifacts a JOIN filings f ON f.id = a.filing_id "
                "WHERE f.accession_number = :accession"
            ),
            {"accession": accession},
        ).all()
    return {row[0].rsplit("/", 1)[1]: tuple(row[1:]) for row in rows}


def filing_row(engine: Engine, accession: str):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT fetch_path, fetch_requests, last_error FROM filings "
                "WHERE accession_number = :accession"
            ),
            {"accession": accession},
        ).one()


@pytest.fixture
def crawled(engine, database_url, mirror_url, tmp_path):
    """Apple (real filings) and the constructed filer, backfilled with downloads."""
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    env = job_environment(database_url, mirror_url, tmp_path)
    mirror_control(mirror_url, "reset")
    result = run_scrapy(["crawl", "backfill", "-a", "cik=320193,9999001"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"env": env, "storage": tmp_path / "filings", "mirror": mirror_url, "cwd": tmp_path}


def test_every_stored_file_has_the_sources_bytes_and_its_checksum(crawled, engine):
    storage: Path = crawled["storage"]
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT kind, sec_url, storage_path, sha256, source_sha256, bytes "
                "FROM artifacts WHERE status = 'downloaded'"
            )
        ).all()
    assert len(stored) > 40
    for kind, url, path, digest, source_digest, size in stored:
        data = (storage / path).read_bytes()
        assert sha256(data) == digest, path
        assert len(data) == size, path
        source = source_file(url).read_bytes()
        assert sha256(source) == source_digest, path
        if kind == "html":
            # Only the <img src> values differ; every other byte is the source's.
            assert IMG_SRC.sub(rb"\1", data) == IMG_SRC.sub(rb"\1", source), path
        else:
            assert data == source, path
    # Nothing is stored that the database does not know of.
    on_disk = {str(p.relative_to(storage)) for p in storage.rglob("*") if p.is_file()}
    assert on_disk == {path for _, _, path, *_ in stored}


def test_the_zip_path_costs_one_request_for_a_real_inline_filing(crawled, engine):
    # XBRL_INSTANCE=skip, the default: SEC's extracted instance is not asked for.
    accession = "0000320193-25-000057"
    assert filing_row(engine, accession)[:2] == ("xbrl_zip", 1)
    requests = [
        r["path"]
        for r in mirror_control(crawled["mirror"], "requests")
        if "/000032019325000057/" in r["path"]
    ]
    assert sorted(requests) == [
        "/www.sec.gov/Archives/edgar/data/320193/000032019325000057/0000320193-25-000057-xbrl.zip",
    ]
    artifacts = artifacts_of(engine, accession)
    assert {name: (kind, status) for name, (kind, status, *_) in artifacts.items()} == {
        "aapl-20250329.htm": ("html", "downloaded"),
        "aapl-20250329_g1.jpg": ("image", "downloaded"),
        "aapl-20250329.xsd": ("xbrl", "downloaded"),
        "aapl-20250329_cal.xml": ("xbrl", "downloaded"),
        "aapl-20250329_def.xml": ("xbrl", "downloaded"),
        "aapl-20250329_lab.xml": ("xbrl", "downloaded"),
        "aapl-20250329_pre.xml": ("xbrl", "downloaded"),
    }
    folder = crawled["storage"] / "NASDAQ" / "aapl" / "2025"
    assert (folder / "aapl-20250329_10q_0000320193-25-000057.html").is_file()
    assert (folder / "0000320193-25-000057_aapl-20250329_g1.jpg").is_file()
    assert (folder / "xbrl" / "0000320193-25-000057" / "aapl-20250329_pre.xml").is_file()
    html = (folder / "aapl-20250329_10q_0000320193-25-000057.html").read_bytes()
    assert b'<img src="0000320193-25-000057_aapl-20250329_g1.jpg"' in html
    # Exhibits are in the zip but not asked for.
    assert not list(crawled["storage"].rglob("*exhibit*"))


def test_the_constructed_zip_filing_covers_every_image_rule(crawled, engine):
    accession = "0009999001-24-000001"
    fetch_path, requests, problems = filing_row(engine, accession)
    # The zip, one image only in the folder, one SEC does not have (no instance: skip).
    assert (fetch_path, requests) == ("xbrl_zip", 3)
    assert "tracker.gif' not fetched: off-site" in problems
    assert "'javascript:alert(1)' not fetched: javascript URL" in problems
    artifacts = artifacts_of(engine, accession)
    statuses = {name: status for name, (kind, status, *_) in artifacts.items()}
    assert statuses == {
        "ctst-20231231.htm": "downloaded",
        "ctst-20231231_g1.png": "downloaded",  # from the zip
        "ctst-20231231_g2.jpg": "downloaded",  # from the zip, <IMG SRC='...'>
        "ctst-20231231_g3.gif": "downloaded",  # from the zip, absolute https://www.sec.gov URL
        "ctst-20231231_g4.png": "downloaded",  # not in the zip: fetched on its own
        "ctst-20231231_g5.jpg": "failed",  # SEC has no such file
        "ctst-20231231.xsd": "downloaded",
        "ctst-20231231_cal.xml": "downloaded",
        "ctst-20231231_def.xml": "downloaded",
        "ctst-20231231_lab.xml": "downloaded",
        "ctst-20231231_pre.xml": "downloaded",
    }
    kind, _, *_, attempts, error = artifacts["ctst-20231231_g5.jpg"]
    # SEC's lasting answer: its retries are spent at once (ARTIFACT_RETRY_MAX, 3).
    assert (kind, attempts, error) == ("image", 3, "HTTP 404")
    html = (crawled["storage"] / artifacts["ctst-20231231.htm"][2]).read_text()
    for image in ("g1.png", "g2.jpg", "g3.gif", "g4.png", "g5.jpg"):
        assert f"0009999001-24-000001_ctst-20231231_{image}" in html
    assert 'src="https://www.example.com/tracker.gif"' in html  # off-site: left as it was
    assert "data:image/gif;base64," in html


def test_the_per_file_path_lists_the_folder_and_fetches_each_file(crawled, engine):
    accession = "0009999001-24-000002"
    fetch_path, requests, _ = filing_row(engine, accession)
    # index.json, the document, four images, five XBRL files; the missing image costs nothing.
    assert (fetch_path, requests) == ("per_file", 11)
    artifacts = artifacts_of(engine, accession)
    assert {name: (kind, status) for name, (kind, status, *_) in artifacts.items()} == {
        "ctst-20240331.htm": ("html", "downloaded"),
        "ctst-20240331_g1.gif": ("image", "downloaded"),
        "ctst-20240331_g2.png": ("image", "downloaded"),
        "ctst-20240331_g3.jpg": ("image", "downloaded"),
        "ctst-20240331_g9.png": ("image", "failed"),
        "ctst-20240331_g4.png": ("image", "failed"),
        "ctst-20240331.xsd": ("xbrl", "downloaded"),
        "ctst-20240331_cal.xml": ("xbrl", "downloaded"),
        "ctst-20240331_def.xml": ("xbrl", "downloaded"),
        "ctst-20240331_lab.xml": ("xbrl", "downloaded"),
        "ctst-20240331_pre.xml": ("xbrl", "downloaded"),
    }
    assert "not in the filing folder" in artifacts["ctst-20240331_g9.png"][-1]
    # A response that is not what was asked for is a failure, never a stored file.
    assert "HTML where an image" in artifacts["ctst-20240331_g4.png"][-1]
    assert artifacts["ctst-20240331_g4.png"][2] is None


def test_a_broken_zip_falls_back_to_the_per_file_path(crawled, engine):
    fetch_path, requests, problems = filing_row(engine, "0009999001-24-000003")
    assert fetch_path == "per_file"
    assert requests == 1 + 1 + 1 + 1 + 5  # zip, index.json, document, image, XBRL files
    assert "xbrl zip unusable" in problems
    statuses = {s for _, s, *_ in artifacts_of(engine, "0009999001-24-000003").values()}
    assert statuses == {"downloaded"}


def test_two_filings_of_one_date_get_distinct_names(crawled, engine):
    paths = {
        accession: artifacts_of(engine, accession)["ctst-20240331.htm"][2]
        for accession in ("0009999001-24-000002", "0009999001-24-000004")
    }
    assert paths == {
        "0009999001-24-000002": "NASDAQ/ctst/2024/ctst-20240331_10q_0009999001-24-000002.html",
        "0009999001-24-000004": "NASDAQ/ctst/2024/ctst-20240331_10qa_0009999001-24-000004.html",
    }


def test_filings_the_mirror_lacks_fail_for_good_with_a_reason(crawled, engine):
    # Apple's 10-K of 2023 is listed by SEC but not in the sample: SEC's lasting answer, so no
    # run asks again (its retries are spent) unless `scrapy requeue --reset-attempts` says so.
    artifacts = artifacts_of(engine, "0000320193-23-000106")
    assert list(artifacts) == ["aapl-20230930.htm"]
    kind, status, path, *_, attempts, error = artifacts["aapl-20230930.htm"]
    assert (kind, status, path, attempts, error) == ("html", "failed", None, 3, "HTTP 404")


def test_a_second_run_downloads_nothing(crawled, engine):
    storage: Path = crawled["storage"]
    before = {p: p.stat().st_mtime_ns for p in storage.rglob("*") if p.is_file()}
    mirror_control(crawled["mirror"], "reset")
    result = run_scrapy(
        ["crawl", "backfill", "-a", "cik=320193,9999001"], crawled["env"], crawled["cwd"]
    )
    assert result.returncode == 0, result.stderr[-3000:]
    paths = [r["path"] for r in mirror_control(crawled["mirror"], "requests")]
    assert sorted(paths) == [
        "/data.sec.gov/submissions/CIK0000320193.json",
        "/data.sec.gov/submissions/CIK0009999001.json",
    ]
    assert {p: p.stat().st_mtime_ns for p in storage.rglob("*") if p.is_file()} == before
