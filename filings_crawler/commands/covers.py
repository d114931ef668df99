"""`scrapy covers`: what each stored filing's cover declares, read from the stored document.

A filing's `exchanges_declared` and `symbols_declared` are recorded as its documents are stored.
Filings stored before that (before migration 005) have none; this reads their stored primary
document (its cover's `dei:SecurityExchangeName` and `dei:TradingSymbol` facts, sec/covers.py)
and records them, without a request to SEC. Idempotent: a filing once read is not read again.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from filings_crawler.cli import ExchangeCommand
from filings_crawler.db.maintenance import record_declared, undeclared_filings
from filings_crawler.sec.covers import read_cover
from filings_crawler.sec.errors import FormatError
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError

# Documents read at once (disk or S3 reads overlap), and recorded per batch.
WORKERS = 8
BATCH = 500

Declared = tuple[list[str], list[str]]


class Command(ExchangeCommand):
    def syntax(self) -> str:
        return "[--exchange NYSE[,NASDAQ]]"

    def short_desc(self) -> str:
        return "Record what the covers of filings stored earlier declare (exchanges, symbols)"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        exchanges = self.exchanges(opts)
        storage = storage_from_config(self.config)
        with self.engine.connect() as conn:
            todo = undeclared_filings(conn, exchanges)
        print(f"{len(todo)} stored filing(s) without what their cover declares")
        recorded, problems = 0, 0
        with ThreadPoolExecutor(WORKERS) as pool:
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                declared: dict[int, Declared] = {}
                for (filing_id, path), found in zip(
                    batch, pool.map(lambda item: declared_by(storage, item[1]), batch), strict=True
                ):
                    if isinstance(found, str):
                        problems += 1
                        print(f"  {storage.location(path)}: {found}")
                    else:
                        declared[filing_id] = found
                with self.engine.begin() as conn:
                    recorded += record_declared(conn, declared)
        print(f"recorded {recorded}; {problems} could not be read")
        if problems:
            print("run `scrapy verify --fix`, then `scrapy crawl documents`, for those")
            self.exitcode = 1


def declared_by(storage: Storage, path: str) -> Declared | str:
    """The exchanges and symbols the stored document's cover declares, or why it cannot say."""
    try:
        html = storage.read(path)
    except StorageError as error:
        return f"unreadable ({error})"
    if html is None:
        return "missing"
    try:
        cover = read_cover(html, path)
    except FormatError as error:
        return f"not a readable document ({error.problem})"
    return list(cover.exchanges), list(cover.symbols)
