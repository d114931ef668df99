"""The records spiders yield and pipelines store: small dataclasses, read through ItemAdapter.

Where a record is SEC's own (a company of the ticker files, a listing, a filing's row in the
submissions file, a company's profile, the files of a fetch plan), an item carries sec/'s record
as it is, rather than a copy made field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from filings_crawler.sec.covers import Cover
from filings_crawler.sec.listings import Listing
from filings_crawler.sec.past_listings import DeclaredListing
from filings_crawler.sec.plans import EXHIBIT, HTML, XBRL, InHand, ToFetch
from filings_crawler.sec.submissions import FilingRow, Profile
from filings_crawler.sec.tickers import Company
from filings_crawler.storage.layout import FilingPlace

# SEC's records that are items as they are: a company of the ticker files, a listing.
__all__ = [
    "ArtifactOutcome",
    "Company",
    "CompanyProfile",
    "Filing",
    "FilingBatch",
    "FilingDocuments",
    "Listing",
    "ListingsSnapshot",
    "PastListingCheck",
    "SymbolDirectoryFile",
]


@dataclass
class SymbolDirectoryFile:
    """One symbol directory file as downloaded: its raw bytes and the listings parsed from it."""

    source_file: str  # "nasdaqlisted.txt" or "otherlisted.txt"
    file_created_at: datetime
    body: bytes = field(repr=False)
    listings: list[Listing] = field(repr=False)


@dataclass
class ListingsSnapshot:
    """Every symbol directory file of one crawl: together they replace `listings_ref`."""

    files: list[SymbolDirectoryFile]


@dataclass
class CompanyProfile:
    """What a company's submissions JSON says about it, and what went wrong reading it.

    `profile` is None when the file itself could not be had (404, malformed): then only
    `problems` is recorded and the company's metadata stays as it was. `done` says whether the
    company's discovery is done: every file read, or SEC's lasting answer recorded. After a
    transient failure (a file that never answered) it is not, and the next run reads it again.
    """

    cik: int
    profile: Profile | None
    problems: list[str] = field(default_factory=list)
    done: bool = True


@dataclass
class Filing:
    """An in-scope filing (10-K, 10-Q, ... in the date window), as SEC lists it, and the
    artifacts it queues."""

    cik: int
    row: FilingRow
    # The document to fetch: the row's, without SEC's XSL viewer prefix (sec/submissions.py).
    primary_document: str
    last_error: str | None = None
    artifacts: list[ToFetch] = field(default_factory=list)

    @property
    def accession_number(self) -> str:
        return self.row.accession_number

    def place(self, exchange: str, ticker: str | None) -> FilingPlace:
        """Where its files go, for a company listed on `exchange` as `ticker`."""
        return FilingPlace.of(
            self.row,
            exchange=exchange,
            ticker=ticker,
            cik=self.cik,
            primary_document=self.primary_document,
        )


@dataclass
class FilingBatch:
    """The in-scope filings one list of a company's submissions gives (its recent filings, or a
    page): one item for the dozen, since each item costs Scrapy more than parsing one filing."""

    cik: int
    filings: list[Filing] = field(default_factory=list)


@dataclass
class ArtifactOutcome:
    """What became of one artifact of a filing: stored, failed, or absent at SEC."""

    kind: str
    sec_url: str
    storage_path: str | None = None
    sha256: str | None = None  # of the stored bytes
    source_sha256: str | None = None  # of the bytes SEC served (differ only for the HTML)
    size: int | None = None
    error: str | None = None  # set: the attempt failed, and why
    # The failure is SEC's lasting answer (a 404, a body over the size cap, not the file): not
    # asked again unless requeued with --reset-attempts (filings_crawler/failures.py).
    lasting: bool = False
    absent: bool = False  # an optional file SEC does not have (the extracted XBRL instance)
    # Not attempted after all (the crawl stopped first): the artifact stays queued as it was.
    attempted: bool = True


@dataclass
class FilingDocuments:
    """The documents of one filing on their way to storage, and what became of each.

    The spider fills `in_hand` (files it has: zip members, the primary document) and `to_fetch`
    from the filing's fetch plan (sec/plans.py); the downloads pipeline fetches `to_fetch`, the
    filing store pipeline writes `in_hand`, and both add `outcomes`, which the database pipeline
    records.
    """

    place: FilingPlace
    fetch_path: str | None  # "xbrl_zip" or "per_file"; None when only retrying single files
    requests: int  # requests the spider made for this filing (downloads add theirs)
    in_hand: list[InHand] = field(default_factory=list)
    to_fetch: list[ToFetch] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outcomes: list[ArtifactOutcome] = field(default_factory=list)
    # What the primary document's cover page declares (exchanges, symbols); None: not read.
    cover: Cover | None = None
    # The stored bytes the derived outputs read (storage path -> bytes as stored: the primary
    # document, HTML exhibits, SEC's instance), so facts and sections do not read the store back
    # (filings_crawler/derived.py). Gone with the item when it leaves the pipelines.
    bodies: dict[str, bytes] = field(default_factory=dict)

    def stored(self, kind: str, name: str, path: str, data: bytes) -> None:
        """A file of this filing was written to `path`; keep it if a derived output reads it."""
        document = kind in (HTML, EXHIBIT) and name.lower().endswith((".htm", ".html"))
        if document or (kind == XBRL and name.endswith("_htm.xml")):
            self.bodies[path] = data


@dataclass
class PastListingCheck:
    """What the past_listings crawl found of a company today's lists do not target.

    `listing` is what the cover of the filing read declares (its exchange None: never listed on
    a target exchange); without a problem the company is decided and not asked again.
    """

    cik: int
    name: str
    listing: DeclaredListing | None
    accession_number: str | None = None
    filing_date: date | None = None
    problem: str | None = None
