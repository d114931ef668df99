"""Queries on `past_listings`: which companies the past_listings crawl leaves out, and its findings.

A company confirmed listed in the past becomes a targeted company like today's: its row in
`companies` (made if SEC's ticker files do not name it) takes the exchange its cover names and
`listed_in_past`; every other crawl then treats it as it treats today's (db/companies.py keeps
that exchange while today's lists say UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, any_, case, func, select, update
from sqlalchemy.dialects.postgresql import array, insert

from filings_crawler.db.listings import load_listings
from filings_crawler.db.tables import companies, listings_ref, past_listings
from filings_crawler.items import PastListingCheck
from filings_crawler.sec.exchanges import TARGET_EXCHANGES, index_listings, is_etf
from filings_crawler.work import PastListingScope


def past_listing_scope(conn: Connection) -> PastListingScope:
    rows = conn.execute(
        select(
            companies.c.cik, companies.c.exchange, companies.c.tickers, companies.c.primary_ticker
        )
    ).all()
    by_symbol = index_listings(load_listings(conn))
    targeted = {cik for cik, exchange, *_ in rows if exchange in TARGET_EXCHANGES}
    funds = {cik for cik, _, tickers, _ in rows if is_etf(tickers, by_symbol)}
    checked = conn.execute(
        select(past_listings.c.cik).where(past_listings.c.checked_at.is_not(None))
    ).scalars()
    return PastListingScope(
        excluded=frozenset(targeted | funds | set(checked)),
        tickers={cik: primary for cik, _, _, primary in rows if primary},
        targeted=len(targeted),
        listings=conn.execute(select(func.count()).select_from(listings_ref)).scalar_one(),
    )


def record_checks(conn: Connection, checks: Sequence[PastListingCheck]) -> int:
    """Record each check; a confirmed company becomes targeted on the exchange its cover names."""
    rows = [
        {
            "cik": check.cik,
            "name": check.name,
            "exchange": check.listing.exchange if check.listing else None,
            "symbol": check.listing.symbol if check.listing else None,
            "accession_number": check.accession_number,
            "filing_date": check.filing_date,
            "exchanges_declared": list(check.listing.declared) if check.listing else [],
            "last_error": check.problem,
        }
        for check in checks
    ]
    if not rows:
        return 0
    statement = insert(past_listings)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[past_listings.c.cik],
            set_={
                **{name: statement.excluded[name] for name in rows[0] if name != "cik"},
                "checked_at": None,  # set below for the decided
                "updated_at": func.now(),
            },
        ),
        rows,
    )
    # Decided (a cover was read, or there was none to read): never asked again.
    if decided := [check.cik for check in checks if check.problem is None]:
        conn.execute(
            update(past_listings)
            .where(past_listings.c.cik.in_(decided))
            .values(checked_at=func.now())
        )
    _target_confirmed(conn, [c for c in checks if c.listing and c.listing.exchange])
    return len(rows)


def _target_confirmed(conn: Connection, confirmed: Sequence[PastListingCheck]) -> None:
    if not confirmed:
        return
    statement = insert(companies)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[companies.c.cik],
            set_={
                # Listed on a target exchange today after all: today's listing wins.
                "exchange": case(
                    # (= ANY of an array: an IN list cannot be sent with many rows at once)
                    (companies.c.exchange == any_(array(TARGET_EXCHANGES)), companies.c.exchange),
                    else_=statement.excluded.exchange,
                ),
                "primary_ticker": func.coalesce(
                    companies.c.primary_ticker, statement.excluded.primary_ticker
                ),
                "listed_in_past": True,
                "updated_at": func.now(),
            },
        ),
        [
            {
                "cik": check.cik,
                "name": check.name,
                "primary_ticker": check.listing.symbol,
                "exchange": check.listing.exchange,
                "listed_in_past": True,
            }
            for check in confirmed
            if check.listing is not None
        ],
    )


# past_listing_counts' keys beside the exchanges.
NEVER_LISTED, UNDECIDED = "never listed", "undecided"


def past_listing_counts(conn: Connection) -> dict[str, int]:
    """How the checks stand: confirmed per exchange, never listed, and not decided yet."""
    outcome = case(
        (past_listings.c.checked_at.is_(None), UNDECIDED),
        (past_listings.c.exchange.is_(None), NEVER_LISTED),
        else_=past_listings.c.exchange,
    )
    rows = conn.execute(select(outcome, func.count()).group_by(outcome)).all()
    return dict(rows)
