"""`scrapy crawl tickers`: SEC's company ticker files into `companies`, one row per CIK."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from filings_crawler.items import Company
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.tickers import (
    TickerEntry,
    merge_companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
)
from filings_crawler.spiders.base import EdgarSpider


class TickersSpider(EdgarSpider):
    name = "tickers"

    async def start(self) -> AsyncIterator[Any]:
        # Both files are needed before any company is written: a company is merged from the two.
        yield scrapy.Request(
            self.urls.company_tickers_exchange(),
            callback=self.parse_exchange_file,
            errback=self.reference_file_failed,
        )

    def parse_exchange_file(self, response: Response) -> Iterator[scrapy.Request]:
        try:
            entries = parse_company_tickers_exchange(response.body, response.url)
        except FormatError as error:
            self.stop("format_error", str(error))
            return
        yield scrapy.Request(
            self.urls.company_tickers(),
            callback=self.parse_tickers_file,
            errback=self.reference_file_failed,
            cb_kwargs={"exchange_entries": entries},
        )

    def parse_tickers_file(
        self, response: Response, exchange_entries: list[TickerEntry]
    ) -> Iterator[Company]:
        try:
            entries = parse_company_tickers(response.body, response.url)
        except FormatError as error:
            self.stop("format_error", str(error))
            return
        companies = merge_companies(entries, exchange_entries)
        self.logger.info("SEC ticker files: %d companies", len(companies))
        yield from companies
