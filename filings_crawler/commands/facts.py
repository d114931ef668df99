"""`scrapy facts`: the XBRL facts of filings stored before their facts were read, from the store.

Resumable and idempotent: a filing whose facts were read (or refused, with the reason) is not
read again unless `--again`; a filing's facts are replaced as a whole. No request goes to SEC.
"""

from __future__ import annotations

import argparse

from filings_crawler.cli import ExchangeCommand
from filings_crawler.derived import derive_stored, tally
from filings_crawler.facts import FACTS
from filings_crawler.storage import storage_from_config


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "[--exchange NYSE[,NASDAQ]] [--again]"

    def short_desc(self) -> str:
        return "Read the XBRL facts of stored filings into `facts` (those not read yet)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--again", action="store_true", help="read every stored filing again, not only new ones"
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        exchanges = self.exchanges(opts)
        storage = storage_from_config(self.config)
        count, results = derive_stored(
            self.engine, FACTS, storage, exchanges=exchanges, again=opts.again
        )
        print(f"{count} stored filing(s) to read")
        read, facts, refused = tally(results)
        print(f"read {read} filing(s), {facts} facts; {refused} refused (reason recorded)")
        if refused:
            self.exitcode = 1
