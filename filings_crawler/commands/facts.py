"""`scrapy facts`: the XBRL facts of filings stored before their facts were read, from the store.

Resumable and idempotent: a filing whose facts were read (or refused, with the reason) is not
read again unless `--again`; a filing's facts are replaced as a whole. No request goes to SEC.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from filings_crawler.cli import ExchangeCommand
from filings_crawler.db.facts import stored_xbrl
from filings_crawler.facts import record_filing_facts
from filings_crawler.storage import storage_from_config

# Filings read at once: lxml parses outside the GIL for much of the work, and reads overlap.
WORKERS = 2


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
        with self.engine.connect() as conn:
            todo = stored_xbrl(conn, exchanges=exchanges, unread_only=not opts.again)
        print(f"{len(todo)} stored filing(s) to read")
        read = facts = refused = 0
        with ThreadPoolExecutor(WORKERS) as pool:
            for stored, result in zip(
                todo,
                pool.map(lambda s: record_filing_facts(self.engine, storage, s), todo),
                strict=True,
            ):
                if isinstance(result, int):
                    read += 1
                    facts += result
                else:
                    refused += 1
                    print(f"  {stored.accession_number}: {result}")
        print(f"read {read} filing(s), {facts} facts; {refused} refused (reason recorded)")
        if refused:
            self.exitcode = 1
