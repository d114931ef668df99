"""Stores the files a filing's item carries in hand: zip members, and the primary HTML rewritten.

The stored HTML is the source with only its `<img src>` values changed, each to the stored
image's name beside it, so the page shows its images with no network. Every other byte is the
source's; the artifact records both digests.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy.crawler import Crawler

from filings_crawler.config import crawler_config
from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.html import rewrite_found_images
from filings_crawler.sec.plans import HTML, InHand
from filings_crawler.stopping import stop_crawl
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)


class FilingStorePipeline:
    def __init__(self, crawler: Crawler, storage: Storage):
        self.crawler = crawler
        self.storage = storage
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FilingStorePipeline:
        return cls(crawler, storage_from_config(crawler_config(crawler)))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FilingDocuments):
            return item
        try:
            outcomes = await in_thread(self.store_in_hand, item)
        except StorageError as error:
            self.stats.inc_value("storage/errors")
            stop_crawl(self.crawler, "storage_error", f"Storage failed: {error}")
            outcomes = []  # nothing recorded: the files stay queued
        item.outcomes.extend(outcomes)
        for file in item.in_hand:
            # Stored (or refused): the item need not carry the bytes (or their refs) on.
            file.data = None
            file.images = None
        self.count(item)
        return item

    def store_in_hand(self, item: FilingDocuments) -> list[ArtifactOutcome]:
        return [self.store(item, file) for file in item.in_hand]

    def store(self, item: FilingDocuments, file: InHand) -> ArtifactOutcome:
        assert file.data is not None
        outcome = ArtifactOutcome(file.kind, file.sec_url)
        if problem := content_problem(file.kind, file.name, file.data):
            # What SEC's zip or folder holds is not the file: asked again, it would be the same.
            outcome.error = problem
            outcome.lasting = True
            logger.warning(
                "%s: %s not stored: %s", item.place.accession_number, file.sec_url, problem
            )
            return outcome
        data = self.offline_html(item, file) if file.kind == HTML else file.data
        path = item.place.path_for(file.kind, file.name)
        stored = self.storage.write(path, data)
        item.stored(file.kind, file.name, path, data)
        outcome.storage_path = path
        outcome.sha256 = stored.sha256
        outcome.size = stored.size
        outcome.source_sha256 = (
            stored.sha256 if data is file.data else hashlib.sha256(file.data).hexdigest()
        )
        return outcome

    def offline_html(self, item: FilingDocuments, file: InHand) -> bytes:
        """The document with each image it shows from its folder pointing at the stored copy."""
        assert file.data is not None
        refs = file.images or []
        place = item.place
        return rewrite_found_images(
            file.data, [(ref, place.image_name(ref.name)) for ref in refs if ref.name is not None]
        )

    def count(self, item: FilingDocuments) -> None:
        requests = item.requests + len(item.to_fetch)
        path = item.fetch_path or "retry"
        self.stats.inc_value("documents/filings_processed")
        self.stats.inc_value("documents/requests", requests)
        self.stats.inc_value(f"documents/requests/{path}", requests)
        self.stats.max_value("documents/requests_per_filing_max", requests)
        for problem in item.problems:
            logger.info("%s: %s", item.place.accession_number, problem)
