"""What a crawl leaves on the screen: its own lines and a short summary; Scrapy's dumps go to the log."""

from __future__ import annotations

import re

import pytest

from tests.conftest import job_environment, run_scrapy
from tests.spiders.test_documents import add_company

pytestmark = pytest.mark.e2e


def test_a_crawl_ends_with_what_it_did_where_its_log_is_and_its_status(
    engine, database_url, mirror_url, tmp_path
):
    add_company(engine, 9999001, "CTST")
    env = job_environment(database_url, mirror_url, tmp_path, LOG_FORMAT="console")
    result = run_scrapy(["crawl", "backfill", "-a", "cik=9999001"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    screen = result.stderr.strip().splitlines()
    # Scrapy's narration (settings, components, the stats dictionary) is not on the screen...
    assert not [line for line in screen if "[scrapy." in line and " INFO: " in line]
    assert not any("Dumping Scrapy stats" in line for line in screen)
    *_, work, where, last = screen
    assert re.fullmatch(
        r"filings_crawler: backfill: 1 company read, \d+ documents stored \(\d+ failed with "
        r"SEC's reason\); \d+ requests to SEC in \d+ s",
        work,
    ), work
    [log] = (tmp_path / "logs").glob("backfill-*.log")
    assert (
        where
        == f"filings_crawler: log {log}; run 1 in execution_runs (scrapy status); exit status 0"
    )
    assert last == "filings_crawler: crawl backfill finished its work"
    # ...the job's log file keeps it.
    text = log.read_text()
    assert "Dumping Scrapy stats" in text
    assert "Enabled extensions" in text
    assert len(screen) < 40, "\n".join(screen)
