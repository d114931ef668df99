"""`scrapy crawl incremental` on daily index files: exactly the in-scope filings they list."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import job_environment, run_scrapy
from tests.crawling import mirror_control
from tests.spiders.test_documents import add_company

pytestmark = pytest.mark.e2e

DAILY = "/www.sec.gov/Archives/edgar/daily-index/2024/QTR2/"


def test_incremental_finds_exactly_the_listed_in_scope_filings(
    engine, database_url, mirror_url, tmp_path
):
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    env = job_environment(database_url, mirror_url, tmp_path)
    mirror_control(mirror_url, "reset")
    result = run_scrapy(
        ["crawl", "incremental", "-a", "until=2024-05-05", "-a", "days=7"], env, tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]

    with engine.connect() as conn:
        found = set(conn.execute(text("SELECT accession_number FROM filings")).scalars())
        summary, stats = conn.execute(
            text("SELECT metadata->'incremental', metadata->'stats' FROM execution_runs")
        ).one()
        complete = dict(
            conn.execute(
                text(
                    "SELECT f.accession_number, bool_and(a.status = 'downloaded') "
                    "FROM filings f JOIN artifacts a ON a.filing_id = f.id GROUP BY 1"
                )
            ).all()
        )
    # Listed 2024-05-01..03 by targeted companies, in FILING_FORMS: not the 8-Ks, not the
    # untargeted filers, not CTST's 10-K of March (absent from these days' indexes).
    assert found == {
        "0009999001-24-000002",
        "0009999001-24-000003",
        "0009999001-24-000004",
        "0000320193-24-000069",
    }
    paths = [r["path"] for r in mirror_control(mirror_url, "requests")]
    index_requests = sorted(p for p in paths if p.startswith(DAILY))
    # One listing of the quarter, then one request per day published in the window.
    assert index_requests == [
        DAILY + "index.json",
        DAILY + "master.20240501.idx",
        DAILY + "master.20240502.idx",
        DAILY + "master.20240503.idx",
    ]
    submissions = sorted(p for p in paths if p.startswith("/data.sec.gov/"))
    assert submissions == [
        "/data.sec.gov/submissions/CIK0000320193.json",
        "/data.sec.gov/submissions/CIK0009999001.json",
    ]
    # The constructed filer's documents are in the mirror; Apple's 2024 10-Q is not.
    assert complete["0009999001-24-000004"] is True
    assert complete["0000320193-24-000069"] is False
    assert summary["filings_found"] == 4
    assert summary["filings_recorded"] == 4
    assert summary["filings_with_failures"] == 2  # Apple's, and -000002 with missing images
    assert summary["filings_stored"] == 2  # -000003 (after its broken zip) and -000004
    assert summary["lag_hours_median"] is not None
    assert stats["incremental/filings_found"] == 4

    # Daily, the same days again: nothing new, nothing downloaded twice.
    mirror_control(mirror_url, "reset")
    again = run_scrapy(
        ["crawl", "incremental", "-a", "until=2024-05-05", "-a", "days=7"], env, tmp_path
    )
    assert again.returncode == 0, again.stderr[-3000:]
    archive = [
        r["path"]
        for r in mirror_control(mirror_url, "requests")
        if r["path"].startswith("/www.sec.gov/Archives/edgar/data/")
    ]
    assert archive == []  # failed artifacts wait for their back-off, stored ones are done
