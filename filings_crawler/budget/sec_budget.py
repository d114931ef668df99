"""The request budget of one crawl: a window per source, SEC's pace, and what they report.

An extension, built once per crawler and reached through it (`crawler.get_extension`): the
download handler takes permits from its windows, the routing middleware names each request's
window, and the answers middleware tells its pace what SEC answered.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall

from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter
from filings_crawler.budget.pace import Pace
from filings_crawler.budget.shared import DISCOVERY, SharedWindow
from filings_crawler.config import Config, ConfigError, crawler_config
from filings_crawler.stopping import closing, stop_crawl

logger = logging.getLogger(__name__)

SEC_SLOT = "sec"
NASDAQ_TRADER_SLOT = "nasdaqtrader"
# Seconds without an answer from the shared budget's Redis after which the crawl stops: it must
# not send without a budget, and waiting for ever would hide the fault.
SHARED_BUDGET_PATIENCE = 30.0


class BudgetExhausted(IgnoreRequest):
    """Not sent: the crawl is stopping (SEC blocked it SEC_MAX_BLOCKS times, or it was told to)."""


class SecBudget:
    """One sliding window per source (SEC's hosts share one), and the pace of SEC's."""

    def __init__(self, crawler: Crawler, config: Config):
        self.crawler = crawler
        margin = config.sec_rate_margin
        self.limiters = {
            SEC_SLOT: SlidingWindowLimiter(config.sec_rate_limit, margin=margin),
            NASDAQ_TRADER_SLOT: SlidingWindowLimiter(
                config.nasdaq_trader_rate_limit, margin=margin
            ),
        }
        for limiter in self.limiters.values():
            # What a crawl killed a moment ago sent in its last second is unknown to this one.
            limiter.assume_full_window()
        self.sec = self.limiters[SEC_SLOT]
        self.pace = Pace(
            self.sec,
            recovery_seconds=config.sec_recovery_seconds,
            backoff=Backoff(base=config.sec_backoff_base),
        )
        # Benchmarks measure the crawler, not SEC's budget: they may lift the limit, but only
        # against a mirror on this machine, never against a real host.
        self.unlimited = config.benchmark_unlimited_rate
        if self.unlimited:
            refuse_unless_loopback(config)
        # With SEC_BUDGET_URL, every permit also comes from the window every crawl shares
        # (budget/shared.py), asked with the crawl's priority class.
        self.shared: dict[str, SharedWindow] = {}
        if config.sec_budget_url and not self.unlimited:
            priority = getattr(crawler.spidercls, "budget_priority", DISCOVERY)
            rates = {
                SEC_SLOT: config.sec_rate_limit,
                NASDAQ_TRADER_SLOT: self.limiters[NASDAQ_TRADER_SLOT].ceiling,
            }
            self.shared = {
                slot: SharedWindow(config.sec_budget_url, slot, rate, margin, priority)
                for slot, rate in rates.items()
            }
        self.shared_failing_since: float | None = None
        self.stopping = False
        self.log_interval = config.budget_log_interval
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

    def shared_window(self, request: Request) -> SharedWindow | None:
        """The shared window this request's permit also comes from (None: no shared budget)."""
        slot = request.meta.get("download_slot")
        return self.shared.get(slot) if isinstance(slot, str) else None

    def ask_shared(self, window: SharedWindow) -> Deferred[tuple[float, str | None]]:
        """(0, permit) once granted, else (seconds to wait before asking again, None)."""
        return deferred_from_coro(self._ask(window))

    def confirm_shared(self, window: SharedWindow, permit: str) -> None:
        """The permit's request left: it counts from now in the shared window."""
        deferred_from_coro(window.confirm(permit)).addErrback(
            lambda failure: logger.warning(
                "The shared budget did not take a send's time (it counts as sent until it "
                "expires): %s",
                failure.getErrorMessage(),
            )
        )

    async def _ask(self, window: SharedWindow) -> tuple[float, str | None]:
        try:
            wait, permit = await window.ask()
        except (redis.RedisError, OSError) as error:
            now = time.monotonic()
            if self.shared_failing_since is None:
                self.shared_failing_since = now
                logger.warning("The shared budget (SEC_BUDGET_URL) does not answer: %s", error)
            elif now - self.shared_failing_since > SHARED_BUDGET_PATIENCE:
                self.stopping = True
                stop_crawl(
                    self.crawler,
                    "budget_error",
                    f"the shared budget's Redis (SEC_BUDGET_URL) has not answered for "
                    f"{SHARED_BUDGET_PATIENCE:.0f} s ({error}); nothing was sent without a "
                    "permit, and the same crawl resumes once Redis is back",
                )
            return 1.0, None
        self.shared_failing_since = None
        return wait, permit

    def trip_shared(self, pause: float, rate: float) -> None:
        """A block or a 429 seen here pauses every crawl sharing the budget (budget/shared.py)."""
        window = self.shared.get(SEC_SLOT)
        if window is not None:
            deferred_from_coro(window.trip(pause, rate)).addErrback(
                lambda failure: logger.error(
                    "Could not pause the other crawls through the shared budget: %s",
                    failure.getErrorMessage(),
                )
            )

    def should_stop_waiting(self) -> bool:
        """Whether requests waiting for the budget should give up: the crawl is closing."""
        return self.stopping or closing(self.crawler)

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
        if window := self.shared.get(SEC_SLOT):
            self.stats.set_value("budget/shared/round_trips", window.round_trips)
            self.stats.set_value("budget/shared/granted", window.granted)

    def log_progress(self) -> None:
        limiter = self.sec
        # Sends seen leaving: permits given back unsent (the shared budget said wait) once made
        # this negative.
        sent = limiter.confirmed_sends - self._progress_sends
        self._progress_sends = limiter.confirmed_sends
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

    async def spider_closed(self) -> None:
        if self.progress.running:
            self.progress.stop()
        self.record_stats()
        for window in self.shared.values():
            await window.close()

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
