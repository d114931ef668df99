"""The project's Scrapy add-on: derives Scrapy's own settings from the validated project variables.

Add-ons run after every other source of settings (settings.py, the environment, `scrapy -s`), so
what is derived here always follows the value the job really runs with.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from filings_crawler.budget.sec_budget import NASDAQ_TRADER_SLOT, SEC_SLOT
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
        if config.benchmark_unlimited_rate:
            # The mirror on this machine answers as fast as it can; enough requests in flight
            # to keep it busy (the middleware refuses this against anything but loopback).
            workers = config.benchmark_concurrency
            derived["DOWNLOAD_SLOTS"] = {
                SEC_SLOT: {"concurrency": workers, "delay": 0},
                NASDAQ_TRADER_SLOT: {"concurrency": 1, "delay": 0},
            }
            derived["CONCURRENT_REQUESTS"] = workers + 2
            derived["CONCURRENT_REQUESTS_PER_DOMAIN"] = workers
        if config.storage_backend == "s3":
            derived.update(s3_exports(config))
        settings.setdict(derived, priority="addon")


# The records a crawl yields, exported as JSON lines next to the files when they go to S3.
EXPORTED_ITEMS = (
    "filings_crawler.items.Company",
    "filings_crawler.items.CompanyProfile",
    "filings_crawler.items.FilingBatch",
    "filings_crawler.items.FilingDocuments",
)


def s3_exports(config: Config) -> dict[str, Any]:
    """Scrapy's feed exports to S3: batched JSON lines under `{prefix}exports/{spider}/`.

    Scrapy's built-in S3 feed storage, rather than the scrapy-s3pipeline package the original
    design named: that has had no release since 2021 and predates Scrapy's current pipeline API,
    while feeds batch (FEED_EXPORT_BATCH_ITEM_COUNT) and upload with the same boto3 credentials.
    """
    from filings_crawler.storage.s3 import key_prefix  # noqa: PLC0415 - only with S3

    uri = (
        f"s3://{config.s3_bucket}/{key_prefix(config.storage_root)}exports/"
        "%(name)s/%(time)s-%(batch_id)05d.jsonl"
    )
    return {
        "FEEDS": {
            uri: {
                "format": "jsonlines",
                "item_classes": list(EXPORTED_ITEMS),
                "batch_item_count": config.export_batch_item_count,
                "overwrite": True,
            }
        },
        "AWS_REGION_NAME": config.s3_region,
    }
