"""`scrapy crawl listings_ref`: NASDAQ Trader's symbol directory into `listings_ref`, then enrichment."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings

from filings_crawler.config import Config
from filings_crawler.items import ListingsSnapshot, SymbolDirectoryFile
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.listings import parse_symbol_directory
from filings_crawler.sec.urls import SYMBOL_DIRECTORY_FILES
from filings_crawler.spiders.base import EdgarSpider
from filings_crawler.storage.backends import Storage
from filings_crawler.storage.local import LocalStorage


class ListingsRefSpider(EdgarSpider):
    name = "listings_ref"
    uses_sec_budget = False  # NASDAQ Trader only

    @classmethod
    def stores(cls, config: Config, settings: BaseSettings) -> list[Storage]:
        return [LocalStorage(config.listings_ref_dir)]

    async def start(self) -> AsyncIterator[Any]:
        # The files are fetched one after the other and stored together: if either is bad, the
        # previous listings_ref stays as it was.
        yield self.file_request(0, [])

    def file_request(self, index: int, parsed: list[SymbolDirectoryFile]) -> scrapy.Request:
        return scrapy.Request(
            self.urls.symbol_directory(SYMBOL_DIRECTORY_FILES[index]),
            callback=self.parse_directory_file,
            errback=self.reference_file_failed,
            cb_kwargs={"index": index, "parsed": parsed},
        )

    def parse_directory_file(
        self, response: Response, index: int, parsed: list[SymbolDirectoryFile]
    ) -> Iterator[Any]:
        source_file = SYMBOL_DIRECTORY_FILES[index]
        try:
            directory = parse_symbol_directory(
                response.body, source_file, min_rows=self.config.listings_min_rows
            )
        except FormatError as error:
            self.stop("format_error", f"{error}; listings_ref is left as it was")
            return
        self.logger.info("%s: %d listings", source_file, len(directory.listings))
        parsed = [
            *parsed,
            SymbolDirectoryFile(
                source_file, directory.file_created_at, response.body, directory.listings
            ),
        ]
        if index + 1 < len(SYMBOL_DIRECTORY_FILES):
            yield self.file_request(index + 1, parsed)
        else:
            yield ListingsSnapshot(parsed)
