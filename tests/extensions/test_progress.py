"""The progress line: all of a crawl's work in requests, what is left and when it will be done."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured

from filings_crawler.extensions.progress import (
    Progress,
    WorkProgress,
    describe_work,
    requests_left,
)
from tests.crawling import unit_crawler


class Reporting:
    """A spider that says how far it is."""

    name = "backfill"

    def __init__(self, work: WorkProgress):
        self.work = work

    def work_progress(self) -> WorkProgress:
        return self.work


def snapshot_of(work: WorkProgress, *, requests: int, elapsed: float) -> dict:
    crawler = unit_crawler(PROGRESS_INTERVAL="60")
    progress = Progress.from_crawler(crawler)
    crawler.spider = Reporting(work)  # type: ignore[assignment]
    assert crawler.stats is not None
    crawler.stats.set_value("downloader/request_count", requests)
    crawler.stats.set_value("item_scraped_count", 55)
    progress.started -= elapsed
    progress.last_time -= 60
    return progress.snapshot()


def test_discovery_done_with_the_documents_ahead_is_not_done():
    # Every company read (their 7 files cost 7 requests), 2 of 80 filings' documents fetched at
    # 3 requests each: the documents stage is nearly all of the work.
    work = WorkProgress(
        companies_done=7, companies_total=7, filings_done=2, filings_known=80, filing_requests=6
    )
    snapshot = snapshot_of(work, requests=13, elapsed=2.6)
    assert (snapshot["done"], snapshot["pending"], snapshot["total"]) == (13, 234, 247)
    assert snapshot["filings_pending"] == 78
    # 13 requests in 2.6 s (5/s): the 234 left take 46.8 s.
    assert snapshot["eta_seconds"] == 47
    assert describe_work(snapshot) == (
        "companies 7 of 7, filings 2 of 80 known, 5% of about 247 requests"
    )


def test_the_companies_left_bring_filings_like_those_read_so_far():
    # 40 of 100 companies read in 40 requests; they brought 200 filings, 100 of them fetched in
    # 200 requests. Left: 60 companies (60 requests), 100 known filings and 300 to come (800).
    work = WorkProgress(
        companies_done=40,
        companies_total=100,
        filings_done=100,
        filings_known=200,
        filing_requests=200,
    )
    assert requests_left(work, requests=240) == pytest.approx(860)
    snapshot = snapshot_of(work, requests=240, elapsed=120)
    assert snapshot["requests_per_second"] == pytest.approx(4.0, rel=0.01)
    assert snapshot["eta_seconds"] == 430  # 860 at 2 requests/s, the mean so far


def test_no_estimate_until_each_kind_of_work_left_has_a_price():
    assert requests_left(WorkProgress(companies_total=5), requests=0) is None
    assert requests_left(WorkProgress(filings_known=3), requests=2) is None
    assert requests_left(WorkProgress(filings_done=3, filings_known=3, filing_requests=6), 6) == 0
    snapshot = snapshot_of(WorkProgress(companies_total=5), requests=0, elapsed=10)
    assert "eta_seconds" not in snapshot
    assert describe_work(snapshot) == "companies 0 of 5"


def test_progress_can_be_switched_off():
    with pytest.raises(NotConfigured):
        Progress.from_crawler(unit_crawler(PROGRESS_INTERVAL="0"))
