"""Leases on filings: how several crawls sharing one SEC budget split the documents queue.

Each crawl leases a batch of filings with documents due (`FOR UPDATE SKIP LOCKED`: two crawls
asking at once get different filings, and neither waits for the other), keeps its leases alive
while it runs, and gives back what it did not finish when it closes. A crawl killed outright
cannot give its leases back: they expire after LEASE_SECONDS, and its filings are due again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, exists, func, or_, select, update

from filings_crawler.db.documents import eligible, load_document_work
from filings_crawler.db.tables import artifacts, companies, filings
from filings_crawler.work import DocumentWork


def _until(seconds: float):  # type: ignore[no-untyped-def]
    return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)


def lease_document_work(
    conn: Connection,
    *,
    owner: str,
    seconds: float,
    batch: int,
    max_attempts: int,
    exchanges: Sequence[str],
    ciks: Sequence[int] | None = None,
) -> list[DocumentWork]:
    """Lease up to `batch` filings with documents due that nobody holds, and return their work."""
    due = exists(
        select(artifacts.c.id).where(artifacts.c.filing_id == filings.c.id, eligible(max_attempts))
    )
    free = or_(filings.c.lease_until.is_(None), filings.c.lease_until < func.now())
    candidates = (
        select(filings.c.id)
        .join(companies, companies.c.cik == filings.c.cik)
        .where(due, free, companies.c.exchange.in_(exchanges))
        .order_by(filings.c.cik, filings.c.filing_date, filings.c.accession_number)
        .limit(batch)
        .with_for_update(of=filings, skip_locked=True)
    )
    if ciks is not None:
        candidates = candidates.where(filings.c.cik.in_(ciks))
    leased = list(
        conn.execute(
            update(filings)
            .where(filings.c.id.in_(candidates.scalar_subquery()))
            .values(lease_owner=owner, lease_until=_until(seconds))
            .returning(filings.c.id)
        ).scalars()
    )
    if not leased:
        return []
    return load_document_work(
        conn, max_attempts=max_attempts, exchanges=exchanges, filing_ids=leased
    )


def renew_leases(conn: Connection, owner: str, seconds: float) -> int:
    """Keep this crawl's leases alive for `seconds` more."""
    result = conn.execute(
        update(filings).where(filings.c.lease_owner == owner).values(lease_until=_until(seconds))
    )
    return result.rowcount


def release_leases(conn: Connection, owner: str) -> int:
    """Give back the filings this crawl did not finish."""
    result = conn.execute(
        update(filings)
        .where(filings.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )
    return result.rowcount


def held_by_others(conn: Connection, owner: str) -> int:
    """Filings leased (and not expired) by other crawls."""
    return int(
        conn.execute(
            select(func.count()).where(
                and_(
                    filings.c.lease_owner.is_not(None),
                    filings.c.lease_owner != owner,
                    filings.c.lease_until > func.now(),
                )
            )
        ).scalar_one()
    )
