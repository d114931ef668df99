"""The request budget of one crawl: a window per source, SEC's pace, and what they report.

An extension, built once per crawler and reached through it (`crawler.get_extension`): the
download handler takes permits from its windows, the routing middleware names each request's
window, and the answers middleware tells its pace what SEC answered.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from twisted.internet.task import LoopingCall

from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter
from filings_crawler.budget.pace import Pace
from filings_crawler.config import Config, ConfigError, crawler_config
from filings_crawler.stopping import running_engine

logger = logging.getLogger(__name__)

SEC_SLOT = "sec"
NASDAQ_TRADER_SLOT = "nasdaqtrader"


class BudgetExhausted(IgnoreRequest):
    """Not sent: the crawl is stopping (SEC blocked it SEC_MAX_BLOCKS times, or it was told to)."""


class SecBudget:
    """One sliding window per source (SEC's hosts share one), and the pace of SEC's."""

    def __init__(self, crawler: Crawler, config: Config):
        self.crawler = crawler
        settings = crawler.settings
        margin = settings.getfloat("SEC_RATE_MARGIN")
        self.limiters = {
            SEC_SLOT: SlidingWindowLimiter(config.sec_rate_limit, margin=margin),
            NASDAQ_TRADER_SLOT: SlidingWindowLimiter(
                settings.getfloat("NASDAQ_TRADER_RATE_LIMIT"), margin=margin
            ),
        }
        for limiter in self.limiters.values():
            # What a crawl killed a moment ago sent in its last second is unknown to this one.
            limiter.assume_full_window()
        self.sec = self.limiters[SEC_SLOT]
        self.pace = Pace(
            self.sec,
            recovery_seconds=settings.getfloat("SEC_RECOVERY_SECONDS"),
            backoff=Backoff(base=settings.getfloat("SEC_BACKOFF_BASE")),
        )
        # Benchmarks measure the crawler, not SEC's budget: they may lift the limit, but only
        # against a mirror on this machine, never against a real host.
        self.unlimited = settings.getbool("BENCHMARK_UNLIMITED_RATE")
        if self.unlimited:
            refuse_unless_loopback(config)
        self.stopping = False
        self.log_interval = settings.getfloat("BUDGET_LOG_INTERVAL")
        self.progress = LoopingCall(self.log_progress)
        self._progress_sends = 0
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SecBudget:
        budget = cls(crawler, crawler_config(crawler))
        crawler.signals.connect(budget.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(budget.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(budget.engine_stopped, signal=signals.engine_stopped)
        return budget

    def limiter_for(self, request: Request) -> SlidingWindowLimiter | None:
        """The window a request must pass (the handler asks), or None for non-network schemes."""
        if self.unlimited:
            return None
        slot = request.meta.get("download_slot")
        return self.limiters.get(slot) if isinstance(slot, str) else None

    def should_stop_waiting(self) -> bool:
        """Whether requests waiting for the budget should give up: the crawl is closing."""
        return self.stopping or running_engine(self.crawler) is None

    # -- visibility ---------------------------------------------------------------------------

    def record_stats(self) -> None:
        limiter = self.sec
        self.stats.set_value("budget/sec/rate_limit", limiter.ceiling)
        self.stats.set_value("budget/sec/rate_current", limiter.rate)
        self.stats.set_value("budget/sec/rate_cap", self.pace.cap)
        self.stats.set_value(
            "budget/sec/interval_seconds", round(limiter.window / limiter.burst, 4)
        )
        self.stats.set_value("budget/sec/requests_started", limiter.total_sends)
        self.stats.set_value("budget/sec/max_requests_in_one_second", limiter.max_in_any_second)
        self.stats.set_value("budget/sec/mean_requests_per_second", round(limiter.mean_rate(), 3))
        self.stats.set_value("budget/sec/sending_seconds", round(limiter.sending_seconds, 3))
        self.stats.set_value("budget/sec/paused_seconds_left", round(limiter.paused_for, 1))

    def log_progress(self) -> None:
        limiter = self.sec
        sent = limiter.total_sends - self._progress_sends
        self._progress_sends = limiter.total_sends
        self.record_stats()
        if sent or limiter.paused_for:
            logger.info(
                "SEC budget: %.2f requests/s over the last %.0f s (limit %.1f, now %.1f%s), "
                "busiest second %d",
                sent / self.log_interval,
                self.log_interval,
                limiter.ceiling,
                limiter.rate,
                f", paused {limiter.paused_for:.0f} s more" if limiter.paused_for else "",
                limiter.max_in_any_second,
                extra={
                    "requests_per_second": round(sent / self.log_interval, 3),
                    "rate_current": limiter.rate,
                    "paused_seconds": round(limiter.paused_for, 1),
                },
            )

    def spider_opened(self) -> None:
        self.record_stats()
        self.progress.start(self.log_interval, now=False)

    def spider_closed(self) -> None:
        if self.progress.running:
            self.progress.stop()
        self.record_stats()

    def engine_stopped(self) -> None:
        self.stopping = True


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
