"""Queries on `listings_ref`: the whole-table replacement and reading it back for enrichment."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select

from filings_crawler.db.tables import listings_ref
from filings_crawler.sec.listings import Listing


def replace_listings(conn: Connection, listings: Sequence[Listing]) -> int:
    """Replace the table's content with `listings` (the caller's transaction makes it atomic)."""
    conn.execute(delete(listings_ref))
    if listings:
        conn.execute(
            insert(listings_ref),
            [
                {
                    "symbol": listing.symbol,
                    "security_name": listing.security_name,
                    "listing_exchange": listing.listing_exchange,
                    "is_etf": listing.is_etf,
                    "is_test_issue": listing.is_test_issue,
                    "source_file": listing.source_file,
                    "file_created_at": listing.file_created_at,
                }
                for listing in listings
            ],
        )
    return len(listings)


def load_listings(conn: Connection) -> list[Listing]:
    rows = conn.execute(
        select(
            listings_ref.c.symbol,
            listings_ref.c.security_name,
            listings_ref.c.listing_exchange,
            listings_ref.c.is_etf,
            listings_ref.c.is_test_issue,
            listings_ref.c.source_file,
            listings_ref.c.file_created_at,
        )
    ).all()
    return [Listing(*row) for row in rows]
