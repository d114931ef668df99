"""Which source's window each request passes: SEC's (both hosts share one) or NASDAQ Trader's.

A request to any other host is refused here, before it is ever sent, so a link in a filing can
never make the crawler fetch elsewhere.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from filings_crawler.budget.sec_budget import NASDAQ_TRADER_SLOT, SEC_SLOT
from filings_crawler.config import Config, crawler_config


class SourceRoutingMiddleware:
    """Puts every request in its source's download slot, with SEC's declared encodings."""

    def __init__(self, crawler: Crawler, config: Config):
        self.sec_bases = tuple(
            f"{base}/" for base in (config.sec_www_base_url, config.sec_data_base_url)
        )
        self.nasdaq_base = f"{config.nasdaq_trader_base_url}/"
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceRoutingMiddleware:
        return cls(crawler, crawler_config(crawler))

    def slot_of(self, request: Request) -> str | None:
        if request.url.startswith(self.sec_bases):
            return SEC_SLOT
        if request.url.startswith(self.nasdaq_base):
            return NASDAQ_TRADER_SLOT
        return None

    def process_request(self, request: Request) -> None:
        if request.url.startswith("data:"):
            return  # carries an item (a retry of single files); nothing goes out
        slot = self.slot_of(request)
        if slot is None:
            self.stats.inc_value("budget/refused_offsite")
            raise IgnoreRequest(f"not an SEC or NASDAQ Trader URL, never fetched: {request.url}")
        request.meta["download_slot"] = slot
        if slot == SEC_SLOT:
            # SEC's guidance: compressed transfers, and nothing fancier than gzip and deflate.
            request.headers["Accept-Encoding"] = "gzip, deflate"
