"""Queries on `filings` and the artifact queue: idempotent upserts of what discovery finds."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert

from filings_crawler.db.tables import artifacts, filings
from filings_crawler.items import Filing

# What SEC may correct about a filing after the fact; the rest of a row never changes.
_UPDATABLE = (
    "form",
    "filing_date",
    "report_date",
    "acceptance_datetime",
    "primary_document",
    "primary_doc_description",
    "is_xbrl",
    "is_inline_xbrl",
    "size_bytes",
)


def upsert_filings(conn: Connection, records: Sequence[Filing]) -> int:
    """Insert new filings and queue their artifacts; return how many filings changed.

    A known filing is updated only where SEC's listing changed, and a queued or stored artifact
    is never queued again (its source URL is unique), so a rerun writes nothing.
    """
    if not records:
        return 0
    # One accession number can be listed by several companies (co-registrants filing one 10-K
    # together). It is one filing: the first company to list it keeps it, in a batch and across.
    records = list({f.accession_number: f for f in reversed(records)}.values())[::-1]
    statement = insert(filings)
    columns = [filings.c[name] for name in _UPDATABLE]
    statement = statement.on_conflict_do_update(
        index_elements=[filings.c.accession_number],
        set_={
            **{name: statement.excluded[name] for name in _UPDATABLE},
            # A problem found by discovery stays until one is found again.
            "last_error": func.coalesce(statement.excluded.last_error, filings.c.last_error),
            "updated_at": func.now(),
        },
        where=tuple_(*columns).is_distinct_from(
            tuple_(*(statement.excluded[n] for n in _UPDATABLE))
        ),
    )
    changed = conn.execute(
        statement.returning(filings.c.id),
        [
            {
                "accession_number": f.accession_number,
                "cik": f.cik,
                "last_error": f.last_error,
                **{name: getattr(f, name) for name in _UPDATABLE},
            }
            for f in records
        ],
    ).all()
    queued = [(f, a) for f in records for a in f.artifacts]
    if queued:
        owners = {
            accession: (filing_id, cik)
            for accession, filing_id, cik in conn.execute(
                select(filings.c.accession_number, filings.c.id, filings.c.cik).where(
                    filings.c.accession_number.in_({f.accession_number for f, _ in queued})
                )
            )
        }
        # A co-registrant's copy of the folder holds the same files: queued once, by the owner.
        rows = [
            {"filing_id": owners[f.accession_number][0], "kind": a.kind, "source_url": a.source_url}
            for f, a in queued
            if owners[f.accession_number][1] == f.cik
        ]
        if rows:
            conn.execute(
                insert(artifacts).on_conflict_do_nothing(index_elements=[artifacts.c.source_url]),
                rows,
            )
    return len(changed)
