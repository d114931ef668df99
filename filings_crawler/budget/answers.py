"""What SEC answered, read before anything else does: block pages, 429s and server errors.

Sits just below RetryMiddleware (550), so the pace hears of a 429 or a 5xx before the retry is
decided, and a block page never goes further: it is never parsed or stored.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from filings_crawler.budget.sec_budget import SEC_SLOT, BudgetExhausted, SecBudget
from filings_crawler.config import Config, crawler_config
from filings_crawler.sec.block_pages import block_page_kind
from filings_crawler.stopping import stop_crawl

logger = logging.getLogger(__name__)

THROTTLED = 429
# Retry-After beyond this is not believed: it would stall a crawl of days on one bad header.
MAX_RETRY_AFTER = 900.0


class SecAnswersMiddleware:
    """Tells SEC's pace what SEC answered; stops the crawl after SEC_MAX_BLOCKS blocks."""

    def __init__(self, crawler: Crawler, config: Config, budget: SecBudget):
        self.crawler = crawler
        self.config = config
        self.budget = budget
        self.pace = budget.pace
        self.blocks = 0
        self.block_detected_at = float("-inf")
        self.backoff_seconds = 0.0
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SecAnswersMiddleware:
        budget = crawler.get_extension(SecBudget)
        if budget is None:
            raise RuntimeError("SecAnswersMiddleware needs the SecBudget extension")
        return cls(crawler, crawler_config(crawler), budget)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("download_slot") != SEC_SLOT:
            return response
        kind = _block_kind(response)
        if kind is not None:
            return self.blocked(request, response, kind)
        if request.meta.get("budget_probe"):
            self.pace.probe_answered()
            logger.info("SEC answered the probe after the block: resuming")
        status = response.status
        if status == THROTTLED:
            self.throttled(request, response)
        elif 500 <= status <= 599:
            self.server_error(request, response)
        elif change := self.pace.answered():
            logger.info("SEC %s", change)
            self.budget.record_stats()
        return response

    def blocked(self, request: Request, response: Response, kind: str) -> Request:
        """SEC blocked us: pause everything for the cooldown, then go on more slowly, or stop."""
        sent_at = request.meta.get("budget_sent_at", self.pace.clock())
        if sent_at < self.block_detected_at:
            # Sent before we knew of the block: the same block, answered to a request in flight.
            self.stats.inc_value("budget/sec/block_pages/in_flight")
            return self.retry_after_block(request)
        self.block_detected_at = self.pace.clock()
        self.blocks += 1
        self.stats.inc_value("budget/sec/blocks")
        self.stats.inc_value(f"budget/sec/block_pages/{kind}")
        if self.blocks >= self.config.sec_max_blocks:
            self.budget.stopping = True
            stop_crawl(
                self.crawler,
                "sec_blocked",
                f"SEC blocked this crawler {self.blocks} times ({kind} page for {request.url}). "
                "Nothing stored is lost: fix the cause (another tool on this IP? "
                "SEC_RATE_LIMIT?) and run the same crawl again to resume",
            )
            raise BudgetExhausted(f"SEC blocked the crawler ({kind}) and it is stopping")
        blocked_rate = self.pace.rate
        slowdown = self.pace.blocked(self.config.sec_block_cooldown)
        self.budget.trip_shared(slowdown.pause, slowdown.rate)
        logger.error(
            "SEC BLOCK %d of %d: %s page (HTTP %d) for %s at %.1f requests/s. Every SEC request "
            "pauses %.0f s, then one probe; the crawl resumes at %.1f requests/s and stays below "
            "%.1f for the rest of the run.",
            self.blocks,
            self.config.sec_max_blocks,
            kind,
            response.status,
            request.url,
            blocked_rate,
            slowdown.pause,
            slowdown.rate,
            self.pace.cap,
            extra={"blocks": self.blocks, "block_page": kind, "pause_seconds": slowdown.pause},
        )
        self.budget.record_stats()
        return self.retry_after_block(request)

    def retry_after_block(self, request: Request) -> Request:
        """The same request again, after the pause. A block is not the request's fault, so it
        spends none of its retries."""
        if self.budget.stopping:
            raise BudgetExhausted(f"SEC blocked the crawler and it is stopping: {request.url}")
        retry = request.replace(dont_filter=True)
        retry.meta["sec_block_retries"] = request.meta.get("sec_block_retries", 0) + 1
        return retry

    def throttled(self, request: Request, response: Response) -> None:
        """A 429: the whole slot pauses and slows down; RetryMiddleware then retries it."""
        self.stats.inc_value("budget/sec/throttled_responses")
        if self.pace.is_same_episode(request.meta.get("budget_sent_at")):
            return  # sent before the last slow-down: part of the episode already answered
        slowdown = self.pace.throttled(_retry_after(response))
        self.budget.trip_shared(slowdown.pause, slowdown.rate)
        self.slowed(response, slowdown.pause, slowdown.rate)

    def server_error(self, request: Request, response: Response) -> None:
        """A 5xx: RetryMiddleware retries it; only a run of them slows the slot."""
        self.stats.inc_value("budget/sec/server_errors")
        if self.pace.is_same_episode(request.meta.get("budget_sent_at")):
            return
        slowdown = self.pace.server_error()
        if slowdown is not None:
            self.stats.inc_value("budget/sec/server_error_runs")
            self.slowed(response, slowdown.pause, slowdown.rate)

    def slowed(self, response: Response, pause: float, rate: float) -> None:
        self.stats.inc_value("budget/sec/backoffs")
        self.backoff_seconds += pause
        self.stats.set_value("budget/sec/backoff_seconds", round(self.backoff_seconds, 3))
        logger.warning(
            "SEC answered %d for %s: pausing %.1f s, then %.1f requests/s",
            response.status,
            response.url,
            pause,
            rate,
            extra={"status": response.status, "pause_seconds": pause},
        )
        self.budget.record_stats()

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if request.meta.get("budget_probe"):
            # A probe that failed on the network says nothing about the block; the next one asks.
            self.budget.sec.start_probing()
        if request.meta.get("download_slot") == SEC_SLOT:
            self.stats.inc_value(f"budget/sec/exceptions/{type(exception).__name__}")


def _block_kind(response: Response) -> str | None:
    """Which SEC block page the response is, if it is one (any status: SEC's is 403)."""
    content_type = response.headers.get(b"Content-Type", b"") or b""
    if response.status != 403 and b"html" not in content_type.lower():
        return None
    return block_page_kind(response.body)


def _retry_after(response: Response) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), or None when absent or unreadable."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = (moment - datetime.now(UTC)).total_seconds()
    return min(MAX_RETRY_AFTER, max(0.0, seconds))
