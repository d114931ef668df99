"""Records every crawl in `execution_runs`: a running row when it opens, its outcome when it closes."""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from filings_crawler.db import runs
from filings_crawler.extensions.dataset import Dataset, dataset_of

logger = logging.getLogger(__name__)

# Scrapy's close reasons: "finished" is a crawl that ran out of work, "shutdown" one stopped by a
# signal (Ctrl-C, SIGTERM); anything else (closespider limits, our own stops) is a failure.
_STATUS_BY_REASON = {"finished": "succeeded", "shutdown": "cancelled"}


def run_status(reason: str, stats: dict[str, Any] | None = None) -> str:
    """The run's outcome; a crawl that could not store what it found failed, however it ended."""
    if stats and stats.get("database/write_errors"):
        return "failed"
    return _STATUS_BY_REASON.get(reason, "failed")


class RunAudit:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunAudit:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @property
    def dataset(self) -> Dataset:
        return dataset_of(self.crawler)

    async def spider_opened(self, spider: Spider) -> None:
        metadata = {
            "arguments": getattr(spider, "arguments", {}),
            "scrapyd_job": getattr(spider, "_job", None),
        }
        self.run_id = await self.dataset.write(runs.open_run, spider.name, metadata)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("execution_run_id", self.run_id)
        logger.info("Recorded run %s in execution_runs", self.run_id)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        metadata = {"close_reason": reason, "stats": _json_safe(stats)}
        status = run_status(reason, stats)
        await self.dataset.write(runs.close_run, self.run_id, status, metadata)
        logger.info("Run %s %s (%s)", self.run_id, status, reason)


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    # Scrapy stats hold datetimes and the odd object; the audit keeps their text.
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result
