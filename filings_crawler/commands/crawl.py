"""`scrapy crawl`, refusing to start until the configuration and the database are right."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from filings_crawler.cli import prepare_job


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        # Before the crawler process exists: a bad variable stops the job with one line per problem
        # and not one request sent.
        job = args[0] if args else "crawl"
        prepare_job(self.settings, job)
