"""Queries on `sections`: a filing's Items replaced as a whole, the filings still to split, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, delete, func, insert, literal_column, select, update

from filings_crawler.db.tables import artifacts, companies, filings, sections
from filings_crawler.sec.sections import FOUND, Section

# Forms split into Items (amendments included: they carry the Items they amend).
SPLIT_FORMS = ("10-K", "10-K/A", "10-Q", "10-Q/A")


@dataclass(frozen=True)
class StoredPrimary:
    """A stored 10-K or 10-Q's primary document: what its sections are split from."""

    filing_id: int
    accession_number: str
    form: str
    path: str


@dataclass(frozen=True)
class Hit:
    company: str
    accession_number: str
    form: str
    filing_date: date
    item: str
    heading: str
    snippet: str
    rank: float


def replace_sections(conn: Connection, filing_id: int, found: Sequence[Section]) -> int:
    """The filing's sections are exactly `found`: a rerun changes nothing. Returns Items found."""
    conn.execute(delete(sections).where(sections.c.filing_id == filing_id))
    rows = [
        {
            "filing_id": filing_id,
            "item": section.item,
            "status": section.status,
            "heading": section.heading,
            "body": section.text,
            "start_offset": section.start,
            "end_offset": section.end,
            "words": section.words,
            "document": section.document,
            "method": section.method,
            "reason": section.reason,
        }
        for section in found
    ]
    if rows:
        conn.execute(insert(sections), rows)
    count = sum(1 for section in found if section.status == FOUND)
    conn.execute(
        update(filings)
        .where(filings.c.id == filing_id)
        .values(sections_read_at=func.now(), sections_found=count, sections_error=None)
    )
    return count


def record_sections_error(conn: Connection, filing_id: int, error: str, *, lasting: bool) -> None:
    """The filing could not be split: why, kept with it. Not `lasting` (the store failed, not
    the document): left unsplit, to be asked again."""
    conn.execute(
        update(filings)
        .where(filings.c.id == filing_id)
        .values(sections_read_at=func.now() if lasting else None, sections_error=error[:2000])
    )


def stored_primaries(
    conn: Connection,
    *,
    exchanges: Sequence[str] | None = None,
    unsplit_only: bool = True,
    accessions: Sequence[str] | None = None,
) -> list[StoredPrimary]:
    """Stored 10-K/10-Q filings with their primary document stored, in filing order."""
    # The primary document's artifact: its URL ends with the filing's primary document name.
    primary = artifacts.c.sec_url.like(func.concat("%/", filings.c.primary_document))
    query = (
        select(filings.c.id, filings.c.accession_number, filings.c.form, artifacts.c.storage_path)
        .select_from(filings.join(artifacts).join(companies))
        .where(
            artifacts.c.status == "downloaded",
            artifacts.c.kind == "html",
            primary,
            filings.c.form.in_(SPLIT_FORMS),
        )
        .order_by(filings.c.id)
    )
    if unsplit_only:
        query = query.where(filings.c.sections_read_at.is_(None))
    if exchanges is not None:
        query = query.where(companies.c.exchange.in_(exchanges))
    if accessions is not None:
        query = query.where(filings.c.accession_number.in_(accessions))
    return [StoredPrimary(*row) for row in conn.execute(query)]


def search_sections(
    conn: Connection,
    phrase: str,
    *,
    item: str | None = None,
    form: str | None = None,
    since: date | None = None,
    exchanges: Sequence[str] | None = None,
    limit: int = 10,
) -> list[Hit]:
    """The sections that best match `phrase` (web-search syntax), with a highlighted snippet."""
    query_ts = func.websearch_to_tsquery("english", phrase)
    rank = func.ts_rank_cd(sections.c.search, query_ts)
    snippet = func.ts_headline(
        "english",
        sections.c.body,
        query_ts,
        literal_column("'MaxFragments=2, MaxWords=30, MinWords=10, StartSel=«, StopSel=»'"),
    )
    query = (
        select(
            companies.c.name,
            filings.c.accession_number,
            filings.c.form,
            filings.c.filing_date,
            sections.c.item,
            sections.c.heading,
            snippet,
            rank,
        )
        .select_from(sections.join(filings).join(companies))
        .where(sections.c.search.op("@@")(query_ts))
        .order_by(rank.desc(), filings.c.filing_date.desc())
        .limit(limit)
    )
    if item is not None:
        query = query.where(sections.c.item == item)
    if form is not None:
        query = query.where(filings.c.form.in_([form, f"{form}/A"]))
    if since is not None:
        query = query.where(filings.c.filing_date >= since)
    if exchanges is not None:
        query = query.where(companies.c.exchange.in_(exchanges))
    return [Hit(*row) for row in conn.execute(query)]
