"""`scrapy crawl`, refusing to start until the configuration and the database are right."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader

from filings_crawler.cli import fail, prepare_job
from filings_crawler.spiders.arguments import ArgumentError


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Before the crawler process exists: a bad variable stops the job with one line per problem
        # and not one request sent.
        job = args[0] if args else "crawl"
        prepare_job(self.settings, job)
        if args:
            check_spider_arguments(self.settings, args[0], opts.spargs)


def check_spider_arguments(settings: BaseSettings, name: str, spargs: dict[str, str]) -> None:
    """Build the spider once, outside the crawl, so a bad `-a` is one line and no request."""
    try:
        spidercls = get_spider_loader(settings).load(name)
    except KeyError:
        return  # Scrapy reports an unknown spider itself
    try:
        spidercls(**spargs)
    except ArgumentError as error:
        fail([str(error)])
