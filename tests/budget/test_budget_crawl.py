"""Crawls of the mirror, enforcing SEC's limit like SEC: never over it, and backing off when told."""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_twisted
import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from edgar_mirror import run_mirror_process
from edgar_mirror.load import cpu_hogs
from tests.conftest import EDGAR_SAMPLE, TEST_USER_AGENT
from tests.crawling import crawl, mirror_control, project_settings

# what SEC sees of the budget: nothing here depends on the database path
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

SUBMISSIONS = "submissions/CIK0000320193.json"


class ProbeSpider(scrapy.Spider):
    """Fetches one SEC file many times (and whatever else it is given), keeping every outcome."""

    name = "budget_probe"

    def __init__(self, urls: list[str], **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = urls
        self.parsed: list[str] = []
        self.failures: list[str] = []

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True, errback=self.failed)

    def parse(self, response: Response) -> Iterator[Any]:
        # Whatever reaches the spider must be the document: a block page here would be a bug.
        json.loads(response.body)
        self.parsed.append(response.url)
        yield from ()

    def failed(self, failure: Failure) -> None:
        self.failures.append(repr(failure.value))


@pytest.fixture
def enforcing_mirror() -> Iterator[str]:
    """The sample, served by a mirror that blocks like SEC over 10 requests/s, 100 ms per answer."""
    with run_mirror_process(EDGAR_SAMPLE, latency=0.1, enforce_rate=10, block_seconds=600) as url:
        yield url


def probe_urls(mirror_url: str, count: int) -> list[str]:
    return [f"{mirror_url}/data.sec.gov/{SUBMISSIONS}?n={n}" for n in range(count)]


@pytest.mark.parametrize(
    "autothrottle",
    [
        {},
        {"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0, "AUTOTHROTTLE_MAX_DELAY": 0},
    ],
    ids=["plain", "autothrottle-on"],
)
@pytest_twisted.ensureDeferred
async def test_a_crawl_never_exceeds_the_limit_and_uses_it(
    engine, database_url, enforcing_mirror, tmp_path, autothrottle
):
    # AutoThrottle can lower a slot's delay, but the limit is not a delay: it stays.
    settings = project_settings(database_url, enforcing_mirror, tmp_path, **autothrottle)
    crawler = await crawl(settings, ProbeSpider, urls=probe_urls(enforcing_mirror, 80))
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    assert len(spider.parsed) == 80
    assert spider.failures == []

    stats = mirror_control(enforcing_mirror, "stats")
    assert stats["rate_violations"] == 0
    assert stats["by_status"] == {"200": 80}
    assert stats["max_in_any_window"] <= 10
    # Close to the limit: the arrivals' own mean rate, as the server saw it.
    arrivals = sorted(r["arrival"] for r in mirror_control(enforcing_mirror, "requests"))
    assert (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) >= 9.0
    # Declared identity and compression on every request.
    requests = mirror_control(enforcing_mirror, "requests")
    assert {r["user_agent"] for r in requests} == {TEST_USER_AGENT}
    assert {r["accept_encoding"] for r in requests} == {"gzip, deflate"}

    crawl_stats = crawler.stats.get_stats() if crawler.stats else {}
    assert crawl_stats["budget/sec/requests_started"] == 80
    assert crawl_stats["budget/sec/max_requests_in_one_second"] <= 10
    assert crawl_stats["budget/sec/rate_current"] == 10


@pytest_twisted.ensureDeferred
async def test_after_a_429_burst_and_a_block_the_crawl_backs_off_and_finishes(
    engine, database_url, enforcing_mirror, tmp_path
):
    mirror_control(
        enforcing_mirror,
        "script",
        {
            "answers": [{"at": 10, "count": 4, "status": 429, "retry_after": 1}],
            "blocks": [{"at": 30, "seconds": 2, "page": "rate_threshold"}],
        },
    )
    settings = project_settings(
        database_url,
        enforcing_mirror,
        tmp_path,
        SEC_BLOCK_COOLDOWN="3",
        SEC_MAX_BLOCKS="3",
        SEC_RECOVERY_SECONDS="1",
    )
    crawler = await crawl(settings, ProbeSpider, urls=probe_urls(enforcing_mirror, 50))
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    # Nothing missing: every URL reached the spider as the real document, once.
    assert sorted(spider.parsed) == sorted(probe_urls(enforcing_mirror, 50))
    assert spider.failures == []

    requests = mirror_control(enforcing_mirror, "requests")
    stats = mirror_control(enforcing_mirror, "stats")
    assert stats["rate_violations"] == 0
    assert stats["max_in_any_window"] <= 10
    # Retry-After: 1 was honoured: after the first 429 nothing arrived for most of a second.
    first_429 = min(r["arrival"] for r in requests if r["status"] == 429)
    assert not [r for r in requests if first_429 + 0.15 < r["arrival"] < first_429 + 0.9]
    # The block: after the first block page, silence for the cooldown, but for requests that
    # were already on their way.
    first_block = min(r["arrival"] for r in requests if r["status"] == 403)
    during = [r for r in requests if first_block + 0.15 < r["arrival"] < first_block + 2.9]
    assert during == []
    assert [r for r in requests if r["status"] == 403 and r["arrival"] > first_block + 2.9] == []

    crawl_stats = crawler.stats.get_stats() if crawler.stats else {}
    assert crawl_stats["budget/sec/blocks"] == 1
    assert crawl_stats["budget/sec/block_pages/rate_threshold"] == 1
    assert crawl_stats["budget/sec/backoffs"] >= 1
    assert crawl_stats["downloader/response_status_count/429"] == 4
    assert crawl_stats["finish_reason"] == "finished"


@pytest_twisted.ensureDeferred
async def test_a_crawl_closing_during_a_block_pause_does_not_sit_it_out(
    engine, database_url, enforcing_mirror, tmp_path
):
    # Blocked at the 5th request, with SEC's ten-minute cooldown; the crawl is closed 3 s in
    # (a closespider limit here; a component's stop or a signal is the same): its requests
    # waiting for the budget give up, and it closes at once. (It once waited the whole pause.)
    mirror_control(enforcing_mirror, "script", {"blocks": [{"at": 5, "seconds": 600}]})
    settings = project_settings(
        database_url, enforcing_mirror, tmp_path, SEC_BLOCK_COOLDOWN="660", CLOSESPIDER_TIMEOUT="3"
    )
    started = time.monotonic()
    crawler = await crawl(settings, ProbeSpider, urls=probe_urls(enforcing_mirror, 40))
    took = time.monotonic() - started
    crawl_stats = crawler.stats.get_stats() if crawler.stats else {}
    assert crawl_stats["finish_reason"] == "closespider_timeout"
    assert crawl_stats["budget/sec/blocks"] == 1
    assert took < 60, took  # far from the 660 s pause


@pytest_twisted.ensureDeferred
async def test_too_many_blocks_stop_the_crawl_cleanly(
    engine, database_url, enforcing_mirror, tmp_path
):
    mirror_control(enforcing_mirror, "script", {"blocks": [{"at": 5, "seconds": 60}]})
    settings = project_settings(
        database_url, enforcing_mirror, tmp_path, SEC_BLOCK_COOLDOWN="1", SEC_MAX_BLOCKS="2"
    )
    crawler = await crawl(settings, ProbeSpider, urls=probe_urls(enforcing_mirror, 40))
    crawl_stats = crawler.stats.get_stats() if crawler.stats else {}
    assert crawl_stats["finish_reason"] == "sec_blocked"
    assert crawl_stats["budget/sec/blocks"] == 2
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    assert len(spider.parsed) < 40  # it stopped, and nothing it parsed was a block page
    refused = [r for r in mirror_control(enforcing_mirror, "requests") if r["status"] == 403]
    # The requests in flight when the block began, and one retry after the first cooldown.
    assert len(refused) <= 8 + 1
    from sqlalchemy import text

    with engine.connect() as conn:
        status, reason = conn.execute(
            text("SELECT status, metadata->>'close_reason' FROM execution_runs")
        ).one()
    assert (status, reason) == ("failed", "sec_blocked")


@pytest_twisted.ensureDeferred
async def test_a_404_is_final_and_other_hosts_are_never_fetched(
    engine, database_url, enforcing_mirror, tmp_path
):
    urls = [
        f"{enforcing_mirror}/data.sec.gov/submissions/CIK0000000001.json",
        f"{enforcing_mirror}/www.example.com/Archives/evil.htm",
        "http://203.0.113.1/www.sec.gov/Archives/edgar/data/1/x.htm",
    ]
    settings = project_settings(database_url, enforcing_mirror, tmp_path)
    crawler = await crawl(settings, ProbeSpider, urls=urls)
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    assert len(spider.failures) == 3
    requests = mirror_control(enforcing_mirror, "requests")
    assert [(r["path"], r["status"]) for r in requests] == [
        ("/data.sec.gov/submissions/CIK0000000001.json", 404)
    ]
    crawl_stats = crawler.stats.get_stats() if crawler.stats else {}
    assert crawl_stats["budget/refused_offsite"] == 2


@pytest.mark.parametrize("hogs", [0, 2 * (os.cpu_count() or 2)], ids=["quiet", "busy"])
@pytest_twisted.ensureDeferred
async def test_the_limit_holds_where_sec_counts_across_a_network_that_delays_each_request(
    engine, database_url, tmp_path, hogs
):
    # Each request arrives a random 0-50 ms after it left, and the mirror counts it then, as
    # SEC counts what crossed the internet: sends spaced to the limit would arrive bunched. The
    # mirror runs ahead of the crawl for the CPU, so its answers and stamps are the wire's.
    with run_mirror_process(
        EDGAR_SAMPLE, latency=0.1, arrival_delay=0.05, enforce_rate=10, niceness=-10
    ) as mirror:
        settings = project_settings(database_url, mirror, tmp_path)
        with cpu_hogs(hogs):
            crawler = await crawl(settings, ProbeSpider, urls=probe_urls(mirror, 120))
        spider = crawler.spider
        assert isinstance(spider, ProbeSpider)
        assert len(spider.parsed) == 120
        stats = mirror_control(mirror, "stats")
        arrivals = sorted(r["arrival"] for r in mirror_control(mirror, "requests"))
    assert stats["rate_violations"] == 0
    assert stats["max_in_any_window"] <= 10
    # How close to the limit the crawl runs is a figure, not a test: it depends on what else the
    # machine does. benchmarks/budget.py --arrival-delay-ms 50 measures it (docs/budget.md).
    use = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) / 10
    print(f"arrivals delayed 0-50 ms, {hogs} CPU hogs: budget use {use:.3f}")


@pytest_twisted.ensureDeferred
async def test_with_the_cpu_saturated_by_other_processes_the_limit_holds_at_the_server(
    engine, database_url, enforcing_mirror, tmp_path
):
    # The mirror stamps each request with the kernel's time of arrival, so its count is the
    # wire's, however late its own threads get to run.
    settings = project_settings(database_url, enforcing_mirror, tmp_path)
    with cpu_hogs(2 * (os.cpu_count() or 2)):
        crawler = await crawl(settings, ProbeSpider, urls=probe_urls(enforcing_mirror, 150))
    spider = crawler.spider
    assert isinstance(spider, ProbeSpider)
    assert len(spider.parsed) == 150
    stats = mirror_control(enforcing_mirror, "stats")
    assert stats["rate_violations"] == 0
    assert stats["max_in_any_window"] <= 10
    arrivals = sorted(r["arrival"] for r in mirror_control(enforcing_mirror, "requests"))
    print(f"busy machine: {(len(arrivals) - 1) / (arrivals[-1] - arrivals[0]):.2f} requests/s")


def test_a_crawl_that_sec_blocks_for_good_exits_non_zero_with_the_reason_last(
    engine, database_url, tmp_path
):
    from tests.conftest import job_environment, run_scrapy

    with run_mirror_process(EDGAR_SAMPLE, block_seconds=600) as mirror:
        mirror_control(mirror, "script", {"blocks": [{"at": 1, "seconds": 60}]})
        env = job_environment(database_url, mirror, tmp_path, SEC_MAX_BLOCKS="1")
        result = run_scrapy(["crawl", "tickers"], env, tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "filings_crawler: crawl tickers SEC blocked it SEC_MAX_BLOCKS times (sec_blocked): "
        "SEC blocked this crawler 1 times"
    )
    assert last_line.endswith("the same command resumes it")
