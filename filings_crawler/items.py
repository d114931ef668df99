"""The records the spiders yield and the pipelines store: small dataclasses, read through ItemAdapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from filings_crawler.sec.html import ImageRef
from filings_crawler.storage.layout import FilingPlace


@dataclass
class Company:
    """An SEC filer as SEC's ticker files describe it: one per CIK, with every ticker it trades under."""

    cik: int
    name: str
    tickers: list[str] = field(default_factory=list)
    # The ticker a person would name the company by (rule in sec/tickers.py).
    primary_ticker: str | None = None
    # SEC's own exchange column for the company's tickers ("Nasdaq", "NYSE", "OTC", ...).
    sec_exchanges: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """One row of NASDAQ Trader's symbol directory."""

    symbol: str
    security_name: str
    listing_exchange: str
    is_etf: bool
    is_test_issue: bool
    source_file: str
    file_created_at: datetime


@dataclass
class SymbolDirectoryFile:
    """One symbol directory file as downloaded: its raw bytes and the listings parsed from it."""

    source_file: str  # "nasdaqlisted.txt" or "otherlisted.txt"
    file_created_at: datetime
    body: bytes
    listings: list[Listing]


@dataclass
class ListingsSnapshot:
    """Every symbol directory file of one crawl: together they replace `listings_ref`."""

    files: list[SymbolDirectoryFile]


@dataclass
class CompanyProfile:
    """What a company's submissions JSON says about it, and what went wrong reading it.

    `fetched` is False when the file itself could not be had (404, malformed): then only `problems`
    is recorded and the company's metadata stays as it was.
    """

    cik: int
    fetched: bool
    name: str | None = None
    entity_type: str | None = None
    sic: str | None = None
    sic_description: str | None = None
    state_of_incorporation: str | None = None
    fiscal_year_end: str | None = None
    tickers: list[str] = field(default_factory=list)
    exchanges: list[str] = field(default_factory=list)
    former_names: list[dict[str, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class QueuedArtifact:
    """A file of a filing to be stored: queued as `pending_download` until it is."""

    kind: str  # "html", "image" or "xbrl"
    sec_url: str  # the file's URL on SEC itself, whatever base it is fetched through


@dataclass
class Filing:
    """An in-scope filing (10-K, 10-Q, ... in the date window) and the artifacts it queues."""

    accession_number: str
    cik: int
    form: str
    filing_date: date
    report_date: date | None
    acceptance_datetime: datetime | None
    primary_document: str
    primary_doc_description: str | None
    is_xbrl: bool
    is_inline_xbrl: bool
    size_bytes: int | None
    last_error: str | None = None
    artifacts: list[QueuedArtifact] = field(default_factory=list)


@dataclass
class FilingBatch:
    """The in-scope filings one list of a company's submissions gives (its recent filings, or a
    page): one item for the dozen, since each item costs Scrapy more than parsing one filing."""

    cik: int
    filings: list[Filing] = field(default_factory=list)


@dataclass
class DocumentMember:
    """A file already in hand (a zip member, or the primary document the spider fetched)."""

    kind: str
    name: str  # its file name in the SEC filing folder
    sec_url: str  # where SEC serves it on its own
    # The bytes, until stored; then None, so the item no longer holds megabytes (and exports).
    data: bytes | None = field(repr=False)
    # For the primary document: the images the spider found in `data`, so the pipeline rewrites
    # them without reading the document again. None: not looked for yet.
    images: list[ImageRef] | None = field(default=None, repr=False)


@dataclass
class ArtifactOutcome:
    """What became of one artifact of a filing: stored, failed, or absent at SEC."""

    kind: str
    sec_url: str
    storage_path: str | None = None
    sha256: str | None = None  # of the stored bytes
    source_sha256: str | None = (
        None  # of the bytes SEC served (differs only for the rewritten HTML)
    )
    size: int | None = None
    error: str | None = None  # set: the attempt failed, and why
    absent: bool = False  # an optional file SEC does not have (the extracted XBRL instance)
    # Not attempted after all (the crawl stopped first): the artifact stays queued as it was.
    attempted: bool = True


@dataclass
class FilingDocuments:
    """The documents of one filing on their way to storage, and what became of each.

    The spider fills `members` (files in hand) and `downloads` (files still to fetch); the
    files pipeline fetches the downloads, the filing store pipeline writes the members, and
    both add `outcomes`, which the database pipeline records.
    """

    place: FilingPlace
    fetch_path: str | None  # "xbrl_zip" or "per_file"; None when only retrying single files
    requests: int  # requests the spider made for this filing (downloads add theirs)
    members: list[DocumentMember] = field(default_factory=list)
    downloads: list[QueuedArtifact] = field(default_factory=list)
    # Downloads SEC may not have (the extracted instance, names guessed): a 404 is no failure.
    optional_urls: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    outcomes: list[ArtifactOutcome] = field(default_factory=list)
