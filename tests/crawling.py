"""Running a crawl inside the test process, with the project's settings pointed at a mirror."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred

from edgar_mirror import mirror_base_urls
from tests.conftest import TEST_USER_AGENT

T = TypeVar("T")


def project_settings(
    database_url: str, mirror_url: str, tmp_path: Path, **overrides: Any
) -> Settings:
    """The project's settings as a job would have them, on the test database and the mirror."""
    settings = get_project_settings()
    settings.setdict(
        {
            "SEC_USER_AGENT": TEST_USER_AGENT,
            "DATABASE_URL": database_url,
            "DB_HOST": "",
            **mirror_base_urls(mirror_url),
            "STORAGE_ROOT": str(tmp_path / "filings"),
            "LISTINGS_REF_DIR": str(tmp_path / "listings_ref"),
            "LOG_DIR": "",
            **overrides,
        },
        priority="cmdline",
    )
    return settings


def unit_crawler(spidercls: type[Spider] | None = None, **overrides: Any) -> Crawler:
    """A crawler with the project's settings (every default from settings.py) and `overrides`,
    its extensions built, for testing one component on its own; it talks to nothing."""
    settings = get_project_settings().copy_to_dict()
    settings.update(
        {
            "SEC_USER_AGENT": TEST_USER_AGENT,
            "SEC_WWW_BASE_URL": "http://127.0.0.1:9/www.sec.gov",
            "SEC_DATA_BASE_URL": "http://127.0.0.1:9/data.sec.gov",
            "NASDAQ_TRADER_BASE_URL": "http://127.0.0.1:9/www.nasdaqtrader.com",
            "LOG_DIR": "",
            **overrides,
        }
    )
    return get_crawler(spidercls, settings_dict=settings)


def on_reactor(coroutine: Coroutine[Any, Any, T]) -> Deferred[T]:
    """A component's coroutine, run as the crawl runs it (an asyncio task under the asyncio
    reactor), for a test to await: its awaits of asyncio futures work there."""
    return deferred_from_coro(coroutine)


async def crawl(settings: Settings, spidercls: type[Spider], **arguments: Any) -> Crawler:
    """Run one crawl to its end in this process's reactor; return the crawler (stats, spider)."""
    crawler = CrawlerRunner(settings).create_crawler(spidercls)
    await crawler.crawl(**arguments)
    return crawler


def mirror_control(mirror_url: str, name: str, payload: dict[str, Any] | None = None) -> Any:
    """GET (or POST `payload` to) the mirror's /_mirror/<name> and return its JSON."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(f"{mirror_url}/_mirror/{name}", data=data)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
