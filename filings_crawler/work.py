"""What is to do, as the database says it: the records it hands the spiders.

The spiders ask for them through the dataset extension (extensions/dataset.py), never the
database itself; db/ queries return them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from filings_crawler.sec.plans import FilingFiles, ToFetch
from filings_crawler.storage.layout import FilingPlace


@dataclass(frozen=True)
class Target:
    """A targeted company: where its filings are stored follows from its exchange and ticker."""

    cik: int
    exchange: str
    ticker: str | None


@dataclass
class DocumentWork:
    """A filing with files to fetch: all of them (`full`), or only the `retries` listed."""

    place: FilingPlace
    is_inline_xbrl: bool
    full: bool
    retries: list[ToFetch] = field(default_factory=list)
    # Whether the file-by-file path asks for the folder's listing (index.json) before the
    # primary document; a past listing's probe does without, to cost one request.
    listing_wanted: bool = True

    @property
    def files(self) -> FilingFiles:
        """What its fetch plan needs to know of it."""
        place = self.place
        return FilingFiles(
            place.cik, place.accession_number, place.primary_document, self.is_inline_xbrl
        )


@dataclass(frozen=True)
class PastListingScope:
    """What the past_listings crawl must know before it reads the full index."""

    excluded: frozenset[int]  # targeted today, flagged a fund today, or checked already
    tickers: dict[int, str]  # the primary ticker today of every other company SEC names
    targeted: int  # companies targeted today
    listings: int  # rows of listings_ref (0: the funds cannot be told apart)
