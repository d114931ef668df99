"""Queries of the documents stage: which filings have files to fetch, and what became of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from filings_crawler.accounting import DocumentsTally
from filings_crawler.db.tables import artifacts, companies, filings
from filings_crawler.items import FilingDocuments
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.sec.plans import ToFetch
from filings_crawler.storage.layout import FilingPlace
from filings_crawler.work import DocumentWork

# A failed artifact waits this many seconds times 2^(attempts - 1) before it is tried again.
RETRY_BASE_SECONDS = 60


def eligible(max_attempts: int) -> ColumnElement[bool]:
    """Artifacts to fetch now: queued, or failed under the cap and past their back-off."""
    return or_(
        artifacts.c.status == "pending_download",
        and_(
            artifacts.c.status == "failed",
            artifacts.c.attempts < max_attempts,
            func.coalesce(artifacts.c.next_attempt_at, func.now()) <= func.now(),
        ),
    )


def load_document_work(
    conn: Connection,
    *,
    max_attempts: int,
    exchanges: Sequence[str] = TARGET_EXCHANGES,
    ciks: Sequence[int] | None = None,
    limit: int | None = None,
    filing_ids: Sequence[int] | None = None,
) -> list[DocumentWork]:
    """Filings of targeted companies with artifacts to fetch, oldest first within a company."""
    query = (
        select(
            filings.c.accession_number,
            filings.c.cik,
            filings.c.form,
            filings.c.filing_date,
            filings.c.report_date,
            filings.c.primary_document,
            filings.c.is_inline_xbrl,
            companies.c.exchange,
            companies.c.primary_ticker,
            func.array_agg(artifacts.c.kind).label("kinds"),
            func.array_agg(artifacts.c.sec_url).label("urls"),
        )
        .select_from(filings.join(companies).join(artifacts))
        .where(eligible(max_attempts), companies.c.exchange.in_(exchanges))
        .group_by(filings.c.id, companies.c.exchange, companies.c.primary_ticker)
        .order_by(filings.c.cik, filings.c.filing_date, filings.c.accession_number)
    )
    if ciks is not None:
        query = query.where(filings.c.cik.in_(ciks))
    if filing_ids is not None:
        query = query.where(filings.c.id.in_(filing_ids))
    if limit is not None:
        query = query.limit(limit)
    work = []
    for row in conn.execute(query):
        place = FilingPlace.of(
            row,
            exchange=row.exchange,
            ticker=row.primary_ticker,
            cik=row.cik,
            primary_document=row.primary_document,
        )
        queued = [ToFetch(kind, url) for kind, url in zip(row.kinds, row.urls, strict=True)]
        # Without its stored primary document a filing is fetched whole again: its images and
        # XBRL files are only known from the document and the folder.
        full = any(artifact.kind == "html" for artifact in queued)
        work.append(DocumentWork(place, row.is_inline_xbrl, full, [] if full else queued))
    return work


def known_accessions(conn: Connection, ciks: Sequence[int]) -> set[str]:
    return set(
        conn.execute(select(filings.c.accession_number).where(filings.c.cik.in_(ciks))).scalars()
    )


def record_documents(
    conn: Connection, items: Sequence[FilingDocuments], *, max_attempts: int
) -> int:
    """Record every outcome: stored, failed (with back-off, or for good when SEC's answer is a
    lasting one), or absent at SEC. Returns outcomes.

    A stored artifact is never turned back into a failure by a later attempt, and an artifact
    not attempted (the crawl stopped first) stays as it was, or is queued if it is new.
    `attempts` counts up to `max_attempts` (ARTIFACT_RETRY_MAX) and no further, whatever the
    path that tried again (a filing fetched whole again tries its failed files too).
    """
    ids = dict(
        conn.execute(
            select(filings.c.accession_number, filings.c.id).where(
                filings.c.accession_number.in_({item.place.accession_number for item in items})
            )
        ).all()
    )
    stored: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    failed_for_good: list[dict[str, Any]] = []
    absent: list[str] = []
    unsent: list[dict[str, Any]] = []
    for item in items:
        filing_id = ids[item.place.accession_number]
        for outcome in item.outcomes:
            row = {"filing_id": filing_id, "kind": outcome.kind, "sec_url": outcome.sec_url}
            if not outcome.attempted:
                # Known now (from the document or the zip) but not fetched before the crawl
                # stopped: queued, so the filing is not taken for complete.
                unsent.append(row)
                continue
            if outcome.absent:
                absent.append(outcome.sec_url)
            elif outcome.error is None:
                stored.append(
                    {
                        **row,
                        "storage_path": outcome.storage_path,
                        "sha256": outcome.sha256,
                        "source_sha256": outcome.source_sha256,
                        "bytes": outcome.size,
                    }
                )
            else:
                failing = failed_for_good if outcome.lasting else failed
                failing.append({**row, "last_error": outcome.error[:2000]})
    if stored:
        statement = insert(artifacts).values(
            status="downloaded", attempts=1, downloaded_at=func.now()
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[artifacts.c.sec_url],
                set_={
                    "storage_path": statement.excluded.storage_path,
                    "sha256": statement.excluded.sha256,
                    "source_sha256": statement.excluded.source_sha256,
                    "bytes": statement.excluded.bytes,
                    "status": "downloaded",
                    "attempts": func.least(artifacts.c.attempts + 1, max_attempts),
                    "last_error": None,
                    "next_attempt_at": None,
                    "downloaded_at": func.now(),
                    "updated_at": func.now(),
                },
            ),
            stored,
        )
    if failed:
        statement = insert(artifacts).values(
            status="failed", attempts=1, next_attempt_at=_after_seconds(RETRY_BASE_SECONDS)
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[artifacts.c.sec_url],
                set_={
                    "status": "failed",
                    "attempts": func.least(artifacts.c.attempts + 1, max_attempts),
                    "last_error": statement.excluded.last_error,
                    "next_attempt_at": _after_seconds(
                        RETRY_BASE_SECONDS * func.power(2, artifacts.c.attempts)
                    ),
                    "updated_at": func.now(),
                },
                where=artifacts.c.status != "downloaded",
            ),
            failed,
        )
    if failed_for_good:
        # SEC's lasting answer (filings_crawler/failures.py): its retries are spent at once, so
        # no run asks again unless `scrapy requeue --reset-attempts` says so.
        statement = insert(artifacts).values(
            status="failed", attempts=max_attempts, next_attempt_at=None
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[artifacts.c.sec_url],
                set_={
                    "status": "failed",
                    "attempts": max_attempts,
                    "last_error": statement.excluded.last_error,
                    "next_attempt_at": None,
                    "updated_at": func.now(),
                },
                where=artifacts.c.status != "downloaded",
            ),
            failed_for_good,
        )
    if unsent:
        conn.execute(
            insert(artifacts).on_conflict_do_nothing(index_elements=[artifacts.c.sec_url]),
            unsent,
        )
    if absent:
        conn.execute(
            delete(artifacts).where(
                artifacts.c.sec_url.in_(absent), artifacts.c.status != "downloaded"
            )
        )
    _record_fetch(conn, ids, items)
    return sum(len(item.outcomes) for item in items)


def _record_fetch(conn: Connection, ids: dict[str, int], items: Sequence[FilingDocuments]) -> None:
    """How each filing was fetched, what it cost, and any problem met on the way."""
    rows = [
        {
            "b_id": ids[item.place.accession_number],
            "b_path": item.fetch_path,
            "b_requests": item.requests + len(item.to_fetch),
            "b_problems": "; ".join(item.problems)[:4000] or None,
            "b_exchanges": None if item.cover is None else list(item.cover.exchanges),
            "b_symbols": None if item.cover is None else list(item.cover.symbols),
        }
        for item in items
    ]
    path = bindparam("b_path", type_=Text)
    requests = bindparam("b_requests", type_=Integer)
    conn.execute(
        update(filings)
        .where(filings.c.id == bindparam("b_id"))
        .values(
            fetch_path=func.coalesce(path, filings.c.fetch_path),
            # A retry of single files adds its requests to those of the first fetch.
            fetch_requests=case(
                (path.isnot(None), requests),
                else_=func.coalesce(filings.c.fetch_requests, 0) + requests,
            ),
            last_error=func.coalesce(bindparam("b_problems"), filings.c.last_error),
            # What the filing's own cover declares, once read (a retry of single files reads none).
            exchanges_declared=func.coalesce(
                bindparam("b_exchanges", type_=ARRAY(Text)), filings.c.exchanges_declared
            ),
            symbols_declared=func.coalesce(
                bindparam("b_symbols", type_=ARRAY(Text)), filings.c.symbols_declared
            ),
            documents_fetched_at=func.now(),
            # Its documents are recorded: a lease on it (db/leases.py) has done its job.
            lease_owner=None,
            lease_until=None,
            updated_at=func.now(),
        ),
        rows,
    )


def _after_seconds(seconds: object) -> ColumnElement[Any]:
    """now() + `seconds` (a number or an SQL expression of one)."""
    return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)


def documents_tally(
    conn: Connection,
    *,
    max_attempts: int,
    ciks: Sequence[int] | None = None,
    accessions: Sequence[str] | None = None,
    lease_owner: str | None = None,
) -> DocumentsTally:
    """Where the documents of these companies' filings (or of these filings) stand: stored,
    failed for good, failed for now (with the reasons and the next try), queued."""
    spent = artifacts.c.attempts >= max_attempts
    due = and_(artifacts.c.status == "failed", ~spent)
    elsewhere = and_(
        artifacts.c.status == "pending_download",
        filings.c.lease_owner.is_not(None),
        filings.c.lease_owner.is_distinct_from(lease_owner),
        filings.c.lease_until > func.now(),
    )
    reason = case((due, func.coalesce(artifacts.c.last_error, "no reason recorded")))
    query = (
        select(
            artifacts.c.status,
            spent.label("spent"),
            reason.label("reason"),
            elsewhere.label("elsewhere"),
            func.count().label("artifacts"),
            func.min(artifacts.c.next_attempt_at).label("next_due"),
            func.array_agg(filings.c.accession_number.distinct()).label("filings"),
        )
        .select_from(artifacts.join(filings))
        .group_by(artifacts.c.status, spent, reason, elsewhere)
    )
    if ciks is not None:
        query = query.where(
            filings.c.cik == func.any(bindparam("ciks", list(ciks), ARRAY(Integer)))
        )
    if accessions is not None:
        query = query.where(
            filings.c.accession_number
            == func.any(bindparam("accessions", list(accessions), ARRAY(Text)))
        )
    counts = {"stored": 0, "failed": 0, "due": 0, "queued": 0, "leased_elsewhere": 0}
    reasons: dict[str, int] = {}
    next_due = None
    queued: set[str] = set()
    for row in conn.execute(query):
        if row.status == "downloaded":
            counts["stored"] += row.artifacts
        elif row.status == "failed" and row.spent:
            counts["failed"] += row.artifacts
        elif row.status == "failed":
            counts["due"] += row.artifacts
            reasons[row.reason] = reasons.get(row.reason, 0) + row.artifacts
            if row.next_due is not None:
                next_due = min(next_due or row.next_due, row.next_due)
        else:
            counts["queued"] += row.artifacts
            if row.elsewhere:
                counts["leased_elsewhere"] += row.artifacts
            else:
                queued.update(row.filings)
    return DocumentsTally(
        **counts,
        due_reasons=reasons,
        next_due=next_due,
        queued_filings=tuple(sorted(queued)),
    )
