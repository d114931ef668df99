"""Installs the job's log handlers when a crawl starts outside the project's commands (scripts, tests)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from filings_crawler import logs


class JobLog:
    """`scrapy crawl` sets logging up before the crawler exists; this covers every other way in."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobLog:
        assert crawler.spidercls is not None
        logs.configure_from_settings(crawler.settings, job=crawler.spidercls.name)
        return cls()
