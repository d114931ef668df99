"""Queries on `companies`: upserts from SEC's ticker files, and the exchange enrichment."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from filings_crawler.db.listings import load_listings
from filings_crawler.db.tables import companies
from filings_crawler.items import Company
from filings_crawler.sec.exchanges import enrich_companies


def upsert_companies(conn: Connection, records: Sequence[Company]) -> int:
    """Insert new CIKs, update names and tickers of known ones; return how many rows changed.

    The enriched `exchange` and the submissions metadata are not touched, so rerunning the tickers
    crawl never undoes enrichment or discovery.
    """
    if not records:
        return 0
    statement = insert(companies)
    changed = (
        companies.c.name,
        companies.c.tickers,
        companies.c.primary_ticker,
        companies.c.sec_exchanges,
    )
    incoming = tuple(statement.excluded[c.name] for c in changed)
    statement = statement.on_conflict_do_update(
        index_elements=[companies.c.cik],
        set_={**{c.name: statement.excluded[c.name] for c in changed}, "updated_at": func.now()},
        # Only real changes touch a row, so a rerun leaves updated_at (and the table) as it was.
        where=tuple_(*changed).is_distinct_from(tuple_(*incoming)),
    )
    # RETURNING yields a row per inserted or really updated company: the count of changes.
    result = conn.execute(
        statement.returning(companies.c.cik),
        [
            {
                "cik": c.cik,
                "name": c.name,
                "tickers": c.tickers,
                "primary_ticker": c.primary_ticker,
                "sec_exchanges": c.sec_exchanges,
            }
            for c in records
        ],
    )
    return len(result.all())


def enrich_exchanges(conn: Connection) -> int:
    """Set every company's listing exchange from `listings_ref` (rule in sec/exchanges.py).

    Returns how many companies changed exchange; rerunning on the same data changes none.
    """
    rows = conn.execute(
        select(
            companies.c.cik,
            companies.c.tickers,
            companies.c.primary_ticker,
            companies.c.sec_exchanges,
            companies.c.exchange,
        )
    ).all()
    chosen = enrich_companies(
        (
            (cik, tickers, primary, sec_exchanges)
            for cik, tickers, primary, sec_exchanges, _ in rows
        ),
        load_listings(conn),
    )
    changes = [
        {"target_cik": cik, "new_exchange": chosen[cik]}
        for cik, *_, exchange in rows
        if chosen[cik] != exchange
    ]
    if changes:
        conn.execute(
            update(companies)
            .where(companies.c.cik == bindparam("target_cik"))
            .values(exchange=bindparam("new_exchange"), updated_at=func.now()),
            changes,
        )
    return len(changes)


def count_by_exchange(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(companies.c.exchange, func.count())
        .group_by(companies.c.exchange)
        .order_by(func.count().desc())
    ).all()
    return dict(rows)
