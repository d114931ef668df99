"""Keeps each symbol directory file as downloaded, under LISTINGS_REF_DIR, one per version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from filings_crawler.config import crawler_config
from filings_crawler.items import ListingsSnapshot, SymbolDirectoryFile
from filings_crawler.storage.atomic import write_atomically
from filings_crawler.threads import in_thread


def raw_file_name(file: SymbolDirectoryFile) -> str:
    """`nasdaqlisted-2025-07-21T2131.txt`: the file's own creation time, so each version is kept once."""
    stem, _, suffix = file.source_file.rpartition(".")
    return f"{stem}-{file.file_created_at:%Y-%m-%dT%H%M}.{suffix}"


class ListingFilesPipeline:
    def __init__(self, raw_dir: Path):
        self.raw_dir = raw_dir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingFilesPipeline:
        return cls(crawler_config(crawler).listings_ref_dir)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingsSnapshot):
            await in_thread(self.keep, item)
        return item

    def keep(self, snapshot: ListingsSnapshot) -> None:
        for file in snapshot.files:
            write_atomically(self.raw_dir / raw_file_name(file), file.body)
