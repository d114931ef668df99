"""Records for tests that need one made by hand: a filing as SEC lists it, a company's profile."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from filings_crawler.items import Filing
from filings_crawler.sec.plans import HTML, ToFetch
from filings_crawler.sec.submissions import FilingRow, Profile
from filings_crawler.sec.urls import SEC
from filings_crawler.storage.layout import FilingPlace

_ROW_FIELDS = {field.name for field in fields(FilingRow)}


def filing(
    cik: int, accession: str = "0000320193-25-000057", *, queued: bool = True, **changes: Any
) -> Filing:
    """A 10-Q of 2025-05-02 (Apple's, by default), with `changes` to its row or to the filing;
    its primary document queued unless `queued` is False."""
    row: dict[str, Any] = {
        "accession_number": accession,
        "form": "10-Q",
        "filing_date": date(2025, 5, 2),
        "report_date": date(2025, 3, 29),
        "acceptance_datetime": None,
        "primary_document": "aapl-20250329.htm",
        "primary_doc_description": "10-Q",
        "is_xbrl": True,
        "is_inline_xbrl": True,
        "size_bytes": 100,
    }
    row.update({name: value for name, value in changes.items() if name in _ROW_FIELDS})
    own = {name: value for name, value in changes.items() if name not in _ROW_FIELDS}
    document = row["primary_document"]
    artifacts = [ToFetch(HTML, SEC.filing_folder(cik, accession) + document)] if queued else []
    return Filing(
        cik=cik,
        row=FilingRow(**row),
        primary_document=document,
        **{"artifacts": artifacts, **own},
    )


def profile(**changes: Any) -> Profile:
    """What a submissions file says of a company, with `changes`."""
    values: dict[str, Any] = {
        "name": "X",
        "entity_type": "operating",
        "sic": None,
        "sic_description": None,
        "state_of_incorporation": None,
        "fiscal_year_end": None,
        "tickers": [],
        "exchanges": [],
        "former_names": [],
    }
    values.update(changes)
    return Profile(**values)


# Where Apple's 10-Q of 2025-05-02 (in the sample) is stored.
APPLE_10Q = FilingPlace(
    "NASDAQ",
    "AAPL",
    320193,
    "0000320193-25-000057",
    "10-Q",
    date(2025, 5, 2),
    date(2025, 3, 29),
    "aapl-20250329.htm",
)
