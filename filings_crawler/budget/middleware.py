"""The budget's downloader middleware: one slot per source, declared identity, backoff and blocks."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter
from filings_crawler.config import Config, ConfigError
from filings_crawler.sec.block_pages import block_page_kind

logger = logging.getLogger(__name__)

SEC_SLOT = "sec"
NASDAQ_TRADER_SLOT = "nasdaqtrader"

# Statuses with which SEC says "slow down" without blocking yet.
THROTTLING_STATUSES = frozenset({429, 503})
# Retry-After beyond this is not believed: it would stall a crawl of days on one bad header.
MAX_RETRY_AFTER = 900.0


class BudgetExhausted(IgnoreRequest):
    """The crawl is stopping (SEC blocked it SEC_MAX_BLOCKS times, or it was interrupted)."""


class SecBudgetMiddleware:
    """Routes each request to its source's slot and keeps SEC's limit whatever SEC answers.

    Every request to the SEC bases (www and data, whatever hosts they name) goes to the one `sec`
    slot and its sliding-window limiter; NASDAQ Trader's to a polite slot of its own; a request to
    any other host is refused, so a link in a filing can never make the crawler fetch elsewhere.
    The limiter itself is applied where a request really starts, in the download handler
    (budget/handler.py), so retries pass through it too.
    """

    def __init__(self, crawler: Crawler, config: Config):
        self.crawler = crawler
        self.config = config
        margin = crawler.settings.getfloat("SEC_RATE_MARGIN", 0.03)
        self.limiters = {
            SEC_SLOT: SlidingWindowLimiter(config.sec_rate_limit, margin=margin),
            NASDAQ_TRADER_SLOT: SlidingWindowLimiter(
                crawler.settings.getfloat("NASDAQ_TRADER_RATE_LIMIT", 1.0), margin=margin
            ),
        }
        self.sec_bases = tuple(
            f"{base}/" for base in (config.sec_www_base_url, config.sec_data_base_url)
        )
        self.nasdaq_base = f"{config.nasdaq_trader_base_url}/"
        # Benchmarks measure the crawler, not SEC's budget: they may lift the limit, but only
        # against a mirror on this machine, never against a real host.
        self.unlimited = crawler.settings.getbool("BENCHMARK_UNLIMITED_RATE")
        if self.unlimited:
            refuse_unless_loopback(config)
        self.backoff = Backoff(base=crawler.settings.getfloat("SEC_BACKOFF_BASE", 1.0))
        self.recovery_seconds = crawler.settings.getfloat("SEC_RECOVERY_SECONDS", 10.0)
        self.backoff_seconds = 0.0
        self.blocks = 0
        self.block_detected_at = float("-inf")
        self.stopping = False
        self.last_throttle = 0.0
        self.progress = LoopingCall(self.log_progress)
        self._progress_sends = 0
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SecBudgetMiddleware:
        middleware = cls(crawler, Config.from_settings(crawler.settings))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.engine_stopped, signal=signals.engine_stopped)
        return middleware

    # -- which slot ---------------------------------------------------------------------------

    def slot_of(self, request: Request) -> str | None:
        if request.url.startswith(self.sec_bases):
            return SEC_SLOT
        if request.url.startswith(self.nasdaq_base):
            return NASDAQ_TRADER_SLOT
        return None

    def limiter_for(self, request: Request) -> SlidingWindowLimiter | None:
        """The limiter a request must pass (the handler asks), or None for non-network schemes."""
        if self.unlimited:
            return None
        slot = request.meta.get("download_slot")
        return self.limiters.get(slot) if isinstance(slot, str) else None

    def process_request(self, request: Request) -> None:
        if request.url.startswith("data:"):
            return  # carries an item (see DocumentFetching.emit_retry); nothing goes out
        slot = self.slot_of(request)
        if slot is None:
            self.stats.inc_value("budget/refused_offsite")
            raise IgnoreRequest(f"not an SEC or NASDAQ Trader URL, never fetched: {request.url}")
        request.meta["download_slot"] = slot
        if slot == SEC_SLOT:
            # SEC's guidance: compressed transfers, and nothing fancier than gzip and deflate.
            request.headers["Accept-Encoding"] = "gzip, deflate"

    # -- what SEC answered ----------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Request | Response:
        slot = request.meta.get("download_slot")
        if slot != SEC_SLOT:
            return response
        kind = _block_kind(response)
        if kind is not None:
            return self.blocked(request, response, kind)
        if request.meta.get("budget_probe"):
            self.limiters[SEC_SLOT].probe_done()
            logger.info("SEC answered the probe after the block: resuming")
        if response.status in THROTTLING_STATUSES:
            self.throttled(request, response)
        else:
            self.maybe_recover()
        return response

    def blocked(self, request: Request, response: Response, kind: str) -> Request:
        """SEC blocked us: pause everything for the cooldown, then go on more slowly, or stop."""
        limiter = self.limiters[SEC_SLOT]
        if request.meta.get("budget_sent_at", limiter.clock()) < self.block_detected_at:
            # Sent before we knew of the block: the same block, answered to a request in flight.
            self.stats.inc_value("budget/sec/block_pages/in_flight")
            return self.retry_after_block(request)
        self.block_detected_at = limiter.clock()
        self.blocks += 1
        self.stats.inc_value("budget/sec/blocks")
        self.stats.inc_value(f"budget/sec/block_pages/{kind}")
        if self.blocks >= self.config.sec_max_blocks:
            logger.critical(
                "SEC blocked this crawler %d times (%s page for %s); stopping now. Nothing stored "
                "is lost: fix the cause (another tool on this IP? SEC_RATE_LIMIT?) and run the "
                "same crawl again to resume.",
                self.blocks,
                kind,
                request.url,
                extra={"blocks": self.blocks, "block_page": kind},
            )
            self.stop("sec_blocked")
            raise BudgetExhausted(f"SEC blocked the crawler ({kind}) and it is stopping")
        cooldown = self.config.sec_block_cooldown
        limiter.pause(cooldown)
        limiter.slow_down()
        limiter.start_probing()
        self.last_throttle = limiter.clock()
        logger.error(
            "SEC BLOCK %d of %d: %s page (HTTP %d) for %s. Every SEC request pauses %.0f s, then "
            "the crawl resumes at %.1f requests/s.",
            self.blocks,
            self.config.sec_max_blocks,
            kind,
            response.status,
            request.url,
            cooldown,
            limiter.rate,
            extra={"blocks": self.blocks, "block_page": kind, "pause_seconds": cooldown},
        )
        self.record_limiter_stats()
        return self.retry_after_block(request)

    def retry_after_block(self, request: Request) -> Request:
        """The same request again, after the pause. The block page goes no further: it is never
        parsed or stored. A block is not the request's fault, so it spends none of its retries."""
        if self.stopping:
            raise BudgetExhausted(f"SEC blocked the crawler and it is stopping: {request.url}")
        retry = request.replace(dont_filter=True)
        retry.meta["sec_block_retries"] = request.meta.get("sec_block_retries", 0) + 1
        return retry

    def throttled(self, request: Request, response: Response) -> None:
        """429/503: the whole slot slows down; RetryMiddleware then retries the request."""
        limiter = self.limiters[SEC_SLOT]
        self.stats.inc_value("budget/sec/throttled_responses")
        if request.meta.get("budget_sent_at", limiter.clock()) < self.last_throttle:
            # Sent before the last slow-down: part of the episode already answered.
            return
        delay = _retry_after(response)
        if delay is None:
            delay = self.backoff.next_delay()
        limiter.pause(delay)
        limiter.slow_down()
        self.last_throttle = limiter.clock()
        self.stats.inc_value("budget/sec/backoffs")
        self.backoff_seconds += delay
        self.stats.set_value("budget/sec/backoff_seconds", round(self.backoff_seconds, 3))
        logger.warning(
            "SEC answered %d for %s: pausing %.1f s, then %.1f requests/s",
            response.status,
            response.url,
            delay,
            limiter.rate,
            extra={"status": response.status, "pause_seconds": delay},
        )
        self.record_limiter_stats()

    def maybe_recover(self) -> None:
        limiter = self.limiters[SEC_SLOT]
        self.backoff.reset()
        now = limiter.clock()
        if limiter.rate < limiter.ceiling and now - self.last_throttle >= self.recovery_seconds:
            # A quarter of the limit per quiet interval: back to full speed from the floor in
            # four intervals, never straight back into the rate that was just refused.
            limiter.speed_up(limiter.ceiling / 4)
            self.last_throttle = now
            logger.info("SEC rate back up to %.1f requests/s", limiter.rate)
            self.record_limiter_stats()

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if request.meta.get("budget_probe"):
            # A probe that failed on the network says nothing about the block; the next one asks.
            self.limiters[SEC_SLOT].start_probing()
        if request.meta.get("download_slot") == SEC_SLOT:
            self.stats.inc_value(f"budget/sec/exceptions/{type(exception).__name__}")

    # -- stopping -----------------------------------------------------------------------------

    def stop(self, reason: str) -> None:
        self.stopping = True
        engine = self.crawler.engine
        if engine is not None and engine.running:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def should_stop_waiting(self) -> bool:
        """Whether requests waiting for the budget should give up: the crawl is closing."""
        engine = self.crawler.engine
        return self.stopping or engine is None or not engine.running

    # -- visibility ---------------------------------------------------------------------------

    def record_limiter_stats(self) -> None:
        limiter = self.limiters[SEC_SLOT]
        self.stats.set_value("budget/sec/rate_limit", limiter.ceiling)
        self.stats.set_value("budget/sec/rate_current", limiter.rate)
        self.stats.set_value(
            "budget/sec/interval_seconds", round(limiter.window / limiter.burst, 4)
        )
        self.stats.set_value("budget/sec/requests_started", limiter.total_sends)
        self.stats.set_value("budget/sec/max_requests_in_one_second", limiter.max_in_any_second)
        self.stats.set_value("budget/sec/mean_requests_per_second", round(limiter.mean_rate(), 3))
        self.stats.set_value("budget/sec/paused_seconds_left", round(limiter.paused_for, 1))

    def log_progress(self) -> None:
        limiter = self.limiters[SEC_SLOT]
        interval = self.crawler.settings.getfloat("BUDGET_LOG_INTERVAL", 60.0)
        sent = limiter.total_sends - self._progress_sends
        self._progress_sends = limiter.total_sends
        self.record_limiter_stats()
        if sent or limiter.paused_for:
            logger.info(
                "SEC budget: %.2f requests/s over the last %.0f s (limit %.1f, now %.1f%s), "
                "busiest second %d",
                sent / interval,
                interval,
                limiter.ceiling,
                limiter.rate,
                f", paused {limiter.paused_for:.0f} s more" if limiter.paused_for else "",
                limiter.max_in_any_second,
                extra={
                    "requests_per_second": round(sent / interval, 3),
                    "rate_current": limiter.rate,
                    "paused_seconds": round(limiter.paused_for, 1),
                },
            )

    def spider_opened(self) -> None:
        self.record_limiter_stats()
        self.progress.start(self.crawler.settings.getfloat("BUDGET_LOG_INTERVAL", 60.0), now=False)

    def spider_closed(self) -> None:
        if self.progress.running:
            self.progress.stop()
        self.record_limiter_stats()

    def engine_stopped(self) -> None:
        self.stopping = True


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


def refuse_unless_loopback(config: Config) -> None:
    """BENCHMARK_UNLIMITED_RATE only with every base URL on 127.0.0.1 or localhost."""
    bases = (config.sec_www_base_url, config.sec_data_base_url, config.nasdaq_trader_base_url)
    for base in bases:
        host = urlsplit(base).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError(
                [
                    f"BENCHMARK_UNLIMITED_RATE lifts SEC's rate limit and is only for a local "
                    f"mirror; {base} is not on this machine"
                ]
            )
