"""Queries on `facts`: a filing's facts replaced as a whole, and the filings still to read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by

from filings_crawler.db.tables import artifacts, companies, facts, filings
from filings_crawler.sec.xbrl import Fact

# Facts sent per INSERT: a 10-K has a few thousand.
INSERT_BATCH = 2000


@dataclass(frozen=True)
class StoredXbrl:
    """A stored filing's files its facts can be read from: the instance, else the inline HTML."""

    filing_id: int
    accession_number: str
    instance_path: str | None
    html_path: str | None
    is_inline_xbrl: bool
    # The filing's stored exhibits (the inline XBRL ones are the rest of its document set).
    exhibit_paths: tuple[str, ...] = ()


def replace_facts(conn: Connection, filing_id: int, source: str, found: Sequence[Fact]) -> int:
    """The filing's facts are exactly `found` (read from `source`): a rerun changes nothing."""
    conn.execute(delete(facts).where(facts.c.filing_id == filing_id))
    rows = [
        {
            "filing_id": filing_id,
            "concept_prefix": fact.concept_prefix,
            "concept_name": fact.concept_name,
            "namespace": fact.namespace,
            "value_text": fact.value_text,
            "value_numeric": fact.value_numeric,
            "is_numeric": fact.is_numeric,
            "is_nil": fact.is_nil,
            "is_truncated": fact.is_truncated,
            "unit": fact.unit,
            "period_instant": fact.period_instant,
            "period_start": fact.period_start,
            "period_end": fact.period_end,
            "dimensions": [list(pair) for pair in fact.dimensions],
            "decimals": fact.decimals,
            "context_id": fact.context_id,
            "footnote": fact.footnote,
        }
        for fact in found
    ]
    for start in range(0, len(rows), INSERT_BATCH):
        conn.execute(insert(facts), rows[start : start + INSERT_BATCH])
    conn.execute(
        update(filings)
        .where(filings.c.id == filing_id)
        .values(
            facts_read_at=func.now(),
            facts_source=source,
            facts_count=len(rows),
            facts_error=None,
        )
    )
    return len(rows)


def record_facts_error(
    conn: Connection, filing_id: int, source: str | None, error: str, *, lasting: bool
) -> None:
    """The filing's facts could not be read: why, kept with the filing (its old facts stay).
    Not `lasting` (the store failed, not the document): left unread, to be asked again."""
    conn.execute(
        update(filings)
        .where(filings.c.id == filing_id)
        .values(
            facts_read_at=func.now() if lasting else None,
            facts_source=source,
            facts_error=error[:2000],
        )
    )


def stored_xbrl(
    conn: Connection,
    *,
    exchanges: Sequence[str] | None = None,
    unread_only: bool = True,
    accessions: Sequence[str] | None = None,
) -> list[StoredXbrl]:
    """Stored filings whose facts can be read (an instance or an inline document stored)."""
    stored = artifacts.c.status == "downloaded"
    instance = func.max(artifacts.c.storage_path).filter(
        stored, artifacts.c.kind == "xbrl", artifacts.c.sec_url.like("%\\_htm.xml")
    )
    html = func.max(artifacts.c.storage_path).filter(stored, artifacts.c.kind == "html")
    exhibits = func.array_agg(aggregate_order_by(artifacts.c.storage_path, artifacts.c.sec_url))
    documents = exhibits.filter(
        stored, artifacts.c.kind == "exhibit", artifacts.c.sec_url.regexp_match(r"\.html?$", "i")
    )
    query = (
        select(
            filings.c.id,
            filings.c.accession_number,
            instance.label("instance_path"),
            html.label("html_path"),
            filings.c.is_inline_xbrl,
            documents.label("exhibit_paths"),
        )
        .select_from(filings.join(artifacts).join(companies))
        .group_by(filings.c.id)
        .having(or_(instance.is_not(None), and_(html.is_not(None), filings.c.is_inline_xbrl)))
        .order_by(filings.c.id)
    )
    if unread_only:
        query = query.where(filings.c.facts_read_at.is_(None))
    if exchanges is not None:
        query = query.where(companies.c.exchange.in_(exchanges))
    if accessions is not None:
        query = query.where(filings.c.accession_number.in_(accessions))
    return [
        StoredXbrl(
            filing_id=row.id,
            accession_number=row.accession_number,
            instance_path=row.instance_path,
            html_path=row.html_path,
            is_inline_xbrl=row.is_inline_xbrl,
            exhibit_paths=tuple(path for path in row.exhibit_paths or () if path),
        )
        for row in conn.execute(query)
    ]
