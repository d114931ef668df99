"""JOBDIR as one run's frontier: kept when a crawl stops early, cleared when it finishes.

Scrapy's JOBDIR holds the pending requests (`requests.queue/`), the fingerprints of every request
scheduled (`requests.seen`) and the spider's state (`spider.state`). Restarting the same command
with the same JOBDIR resumes the crawl. But a JOBDIR reused after a crawl *finished* would still
hold last week's `requests.seen`, and silently filter out this week's submissions requests as
duplicates. So the rule here: a crawl that finishes clears its frontier; one that stops for any
other reason (Ctrl-C, SIGTERM, SEC blocks, a database outage) keeps it for the resume. A crawl
killed outright (SIGKILL) keeps whatever Scrapy last wrote; the spiders' end-of-crawl sweep
(what the database says is not done yet) recovers the requests that were in flight.

A crawl that ran out of requests with work left (`incomplete`, accounting.py) has no requests to
keep, but its run goes on: `run.json` stays, so the same command resumes the run and asks only
for what was left, while the rest is cleared (a kept `requests.seen` would filter those asks).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.job import job_dir

from filings_crawler.extensions.dataset import RUN_FILE
from filings_crawler.extensions.run_audit import run_status

logger = logging.getLogger(__name__)

FRONTIER_ENTRIES = ("requests.seen", "requests.queue", "spider.state", RUN_FILE)


class Frontier:
    def __init__(self, crawler: Crawler, path: Path):
        self.crawler = crawler
        self.path = path
        self.reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Frontier:
        path = job_dir(crawler.settings)
        if not path:
            raise NotConfigured  # no JOBDIR: nothing to keep or clear (and nothing to log)
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        # After everything (the scheduler, the dupefilter, SpiderState) has written its files.
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        if self.reason != "finished":
            logger.info(
                "Crawl stopped (%s): its frontier stays in %s; run the same command to resume",
                self.reason,
                self.path,
            )
            return
        assert self.crawler.stats is not None
        incomplete = run_status(self.reason, self.crawler.stats.get_stats()) == "incomplete"
        for name in FRONTIER_ENTRIES:
            entry = self.path / name
            if incomplete and name == RUN_FILE:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            elif entry.exists():
                entry.unlink()
        if incomplete:
            logger.info(
                "Crawl ended with work left: the same command with JOBDIR %s continues its run",
                self.path,
            )
        else:
            logger.info("Crawl finished: its frontier in %s is cleared for the next run", self.path)
