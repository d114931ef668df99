"""`scrapy crawl`, refusing to start until the configuration and the database are right."""

from __future__ import annotations

import argparse

from scrapy import Spider
from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from filings_crawler.cli import fail, prepare_job
from filings_crawler.db.sec_lock import BudgetTaken, hold_sec_budget
from filings_crawler.spiders.arguments import ArgumentError


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Before the crawler process exists: a bad variable stops the job with one line per problem
        # and not one request sent.
        job = args[0] if args else "crawl"
        _, engine = prepare_job(self.settings, job)
        if not args:
            return
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            return  # Scrapy reports an unknown spider itself
        check_spider_arguments(spidercls, opts.spargs)
        if getattr(spidercls, "uses_sec_budget", False):
            wait = self.settings.getfloat("SEC_LOCK_WAIT", 0)
            try:
                hold_sec_budget(engine, wait_seconds=wait)
            except BudgetTaken as error:
                fail(
                    [
                        f"SEC's request budget is in use on this database by {error}: two "
                        "crawls at once would exceed SEC_RATE_LIMIT together. Wait for it, stop "
                        "it, or pass -s SEC_LOCK_WAIT=<seconds> to wait for it."
                    ],
                    status=EXIT_BUDGET_TAKEN,
                )


# Exit status of a crawl refused because another one holds SEC's budget.
EXIT_BUDGET_TAKEN = 3


def check_spider_arguments(spidercls: type[Spider], spargs: dict[str, str]) -> None:
    """Build the spider once, outside the crawl, so a bad `-a` is one line and no request."""
    try:
        spidercls(**spargs)
    except ArgumentError as error:
        fail([str(error)])
