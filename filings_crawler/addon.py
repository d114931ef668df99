"""The project's Scrapy add-on: derives Scrapy's own settings from the validated project variables.

Add-ons run after every other source of settings (settings.py, the environment, `scrapy -s`), so
what is derived here always follows the value the job really runs with.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from filings_crawler.budget.middleware import NASDAQ_TRADER_SLOT, SEC_SLOT
from filings_crawler.config import Config


class FilingsCrawlerAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        config = Config.from_settings(settings)
        derived: dict[str, Any] = {
            # SEC's fair-access rules: every request declares who sends it.
            "USER_AGENT": config.sec_user_agent,
            # One slot per source (the budget middleware assigns them by base URL, so SEC's two
            # hosts share one). DOWNLOAD_WORKERS bounds SEC requests in flight; the pacing itself
            # is the limiter's, so the slots carry no delay of their own.
            "DOWNLOAD_SLOTS": {
                SEC_SLOT: {"concurrency": config.download_workers, "delay": 0},
                NASDAQ_TRADER_SLOT: {"concurrency": 1, "delay": 0},
            },
            "CONCURRENT_REQUESTS": max(16, config.download_workers + 2),
            # Idle kept-alive connections per host: one per worker, none re-opened for nothing.
            "CONCURRENT_REQUESTS_PER_DOMAIN": config.download_workers,
        }
        settings.setdict(derived, priority="addon")
