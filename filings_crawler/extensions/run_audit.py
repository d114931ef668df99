"""Records every crawl in `execution_runs`: a running row when it opens, its outcome when it closes."""

from __future__ import annotations

import json
import logging
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from filings_crawler.accounting import Outstanding, WorkAccount, describe_done
from filings_crawler.db import runs
from filings_crawler.extensions.dataset import Dataset, dataset_of

logger = logging.getLogger(__name__)

# Scrapy's close reasons: "finished" is a crawl that ran out of work, "shutdown" one stopped by a
# signal (Ctrl-C, SIGTERM); anything else (closespider limits, our own stops) is a failure.
_STATUS_BY_REASON = {"finished": "succeeded", "shutdown": "cancelled"}
# The stat holding a finished crawl's account of its work (accounting.WorkAccount.as_dict()).
RECONCILIATION = "reconciliation"


def run_status(reason: str, stats: dict[str, Any] | None = None) -> str:
    """The run's outcome; a crawl that could not store what it found failed, however it ended,
    and one that ran out of requests with work left is incomplete (accounting.py)."""
    if stats and stats.get("database/write_errors"):
        return "failed"
    status = _STATUS_BY_REASON.get(reason, "failed")
    account = (stats or {}).get(RECONCILIATION)
    if status == "succeeded" and account and (account["left"] or account["unaccounted"]):
        return "incomplete"
    return status


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
        if reason == "finished":
            await self.reconcile(spider)
        stats = self.crawler.stats.get_stats()
        metadata = {"close_reason": reason, "stats": _json_safe(stats)}
        status = run_status(reason, stats)
        await self.dataset.write(runs.close_run, self.run_id, status, metadata)
        logger.info("Run %s %s (%s)", self.run_id, status, reason)

    async def reconcile(self, spider: Spider) -> None:
        """Before a crawl that ran out of requests is recorded: its own account of its work."""
        reconcile = getattr(spider, "reconcile", None)
        try:
            account: WorkAccount | None = await reconcile() if reconcile is not None else None
        except Exception as error:
            # The crawl cannot say its work is done; it must not be recorded as if it were.
            logger.exception("Could not reconcile the crawl's work")
            account = WorkAccount(unaccounted=[Outstanding("checks", 1, str(error))])
        if account is None:
            return
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(RECONCILIATION, account.as_dict())
        if account.unaccounted:
            logger.error(
                "Work unaccounted for at the end of the crawl (a bug; the next run does it): %s",
                account.summary(),
                extra={RECONCILIATION: account.as_dict()},
            )
        elif account.left:
            logger.warning(
                "The crawl ends with work left: %s",
                account.summary(),
                extra={RECONCILIATION: account.as_dict()},
            )
        else:
            logger.info("Reconciled: %s", describe_done(account.as_dict()))


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    # Scrapy stats hold datetimes and the odd object; the audit keeps their text.
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result
