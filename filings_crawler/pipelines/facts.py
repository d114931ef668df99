"""Each filing's XBRL facts, into `facts` as soon as its documents are stored and recorded."""

from __future__ import annotations

from filings_crawler.facts import FACTS
from filings_crawler.pipelines.derived import DerivedPipeline


class FactsPipeline(DerivedPipeline):
    derivation = FACTS
