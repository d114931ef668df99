"""Each stored 10-K and 10-Q's Items, into `sections` as soon as its documents are recorded."""

from __future__ import annotations

from filings_crawler.pipelines.derived import DerivedPipeline
from filings_crawler.sections import SECTIONS


class SectionsPipeline(DerivedPipeline):
    derivation = SECTIONS
