"""`scrapy crawl backfill`: each targeted company's submissions JSON → in-scope filings, queued."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.spiders import arguments
from filings_crawler.spiders.discovery import DiscoverySpider


class BackfillSpider(DiscoverySpider):
    """Arguments: `limit=N` (first N targeted companies by CIK), `exchange=NYSE[,NASDAQ]`,
    `cik=320193,789019`, `download=no` (discover and queue only).

    With downloads (the default) each filing's documents are fetched as soon as the filing is
    found; a filing whose artifacts are all stored is not fetched again.
    """

    name = "backfill"

    def __init__(
        self,
        limit: str | None = None,
        exchange: str | None = None,
        cik: str | None = None,
        download: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(limit=limit, exchange=exchange, cik=cik, download=download, **kwargs)
        self.limit = arguments.positive_int("limit", limit)
        self.exchanges = arguments.choices("exchange", exchange, TARGET_EXCHANGES)
        self.ciks = arguments.cik_list("cik", cik)
        self.download = arguments.yes_no("download", download, default=True)

    async def start(self) -> AsyncIterator[Any]:
        targets = await self.dataset.targets(self.exchanges, self.ciks, self.limit)
        self.companies = {target.cik: target for target in targets}
        self.count("companies_targeted", len(targets))
        await self.know_documents()
        if self.ciks is not None and (untargeted := sorted(set(self.ciks) - set(self.companies))):
            self.logger.warning(
                "Not targeted (unknown CIK, or not listed on %s): %s",
                ", ".join(self.exchanges or TARGET_EXCHANGES),
                ", ".join(map(str, untargeted)),
            )
        pending = await self.not_discovered_yet(list(self.companies))
        self.logger.info("Backfill of %d targeted companies", len(targets))
        for cik in pending:
            yield self.submissions_request(cik)
