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

from filings_crawler.config import Config
from filings_crawler.items import ArtifactOutcome, DocumentMember, FilingDocuments
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.html import find_images, rewrite_found_images
from filings_crawler.sec.urls import SEC, EdgarUrls
from filings_crawler.stopping import stop_crawl
from filings_crawler.storage.backends import Storage, StorageError, storage_from_config
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)


class FilingStorePipeline:
    def __init__(self, crawler: Crawler, storage: Storage, urls: EdgarUrls):
        self.crawler = crawler
        self.storage = storage
        self.urls = urls
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FilingStorePipeline:
        config = Config.from_settings(crawler.settings)
        return cls(crawler, storage_from_config(config), EdgarUrls.from_config(config))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FilingDocuments):
            return item
        try:
            outcomes = await in_thread(self.store_members, item)
        except StorageError as error:
            self.stats.inc_value("storage/errors")
            stop_crawl(self.crawler, "storage_error", f"Storage failed: {error}")
            outcomes = []  # nothing recorded: the members stay queued
        item.outcomes.extend(outcomes)
        for member in item.members:
            # Stored (or refused): the item need not carry the bytes (or their refs) on.
            member.data = None
            member.images = None
        self.count(item)
        return item

    def store_members(self, item: FilingDocuments) -> list[ArtifactOutcome]:
        return [self.store_member(item, member) for member in item.members]

    def store_member(self, item: FilingDocuments, member: DocumentMember) -> ArtifactOutcome:
        assert member.data is not None
        outcome = ArtifactOutcome(member.kind, member.sec_url)
        if problem := content_problem(member.kind, member.name, member.data):
            outcome.error = problem
            logger.warning(
                "%s: %s not stored: %s", item.place.accession_number, member.sec_url, problem
            )
            return outcome
        data = member.data
        if member.kind == "html":
            data = self.offline_html(item, member)
        path = item.place.path_for(member.kind, member.name)
        stored = self.storage.write(path, data)
        outcome.storage_path = path
        outcome.sha256 = stored.sha256
        outcome.size = stored.size
        outcome.source_sha256 = (
            stored.sha256 if data is member.data else hashlib.sha256(member.data).hexdigest()
        )
        return outcome

    def offline_html(self, item: FilingDocuments, member: DocumentMember) -> bytes:
        """The document with each image it shows from its folder pointing at the stored copy."""
        assert member.data is not None
        place = item.place
        refs = member.images
        if refs is None:
            folder = SEC.filing_folder(place.cik, place.accession_number)
            refs = find_images(member.data, folder, self.urls.image_prefixes())
        return rewrite_found_images(
            member.data, [(ref, place.image_name(ref.name)) for ref in refs if ref.name is not None]
        )

    def count(self, item: FilingDocuments) -> None:
        requests = item.requests + len(item.downloads)
        path = item.fetch_path or "retry"
        self.stats.inc_value("documents/filings_processed")
        self.stats.inc_value(f"documents/requests/{path}", requests)
        self.stats.max_value("documents/requests_per_filing_max", requests)
        for problem in item.problems:
            logger.info("%s: %s", item.place.accession_number, problem)
