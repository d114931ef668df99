"""Queries on `filings` and the artifact queue: idempotent upserts of what discovery finds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Text,
    bindparam,
    cast,
    column,
    func,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine

from filings_crawler.db.tables import artifacts, filings
from filings_crawler.items import Filing, FilingBatch

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


def upsert_filing_batches(conn: Connection, batches: Sequence[FilingBatch]) -> int:
    return upsert_filings(conn, [filing for batch in batches for filing in batch.filings])


def upsert_filings(conn: Connection, records: Sequence[Filing]) -> int:
    """Insert new filings and queue their artifacts; return how many filings changed.

    A known filing is updated only where SEC's listing changed, and a queued or stored artifact
    is never queued again (its URL on SEC is unique), so a rerun writes nothing.

    The batch travels as one JSON parameter that PostgreSQL unpacks (jsonb_to_recordset): a
    statement with thousands of rows costs the crawler one orjson.dumps instead of a Python
    parameter set per row, which is what kept discovery below 200 submissions files a second.
    """
    if not records:
        return 0
    # One accession number can be listed by several companies (co-registrants filing one 10-K
    # together). It is one filing: the first company to list it keeps it, in a batch and across.
    records = list({f.accession_number: f for f in reversed(records)}.values())[::-1]
    batch, parameters = recordset("filing", [filing_row(f) for f in records], _FILING_FIELDS)
    statement = insert(filings).from_select(
        list(_FILING_FIELDS), select(*(batch.c[name] for name in _FILING_FIELDS))
    )
    statement = statement.on_conflict_do_update(
        index_elements=[filings.c.accession_number],
        set_={
            **{name: statement.excluded[name] for name in _UPDATABLE},
            # A problem found by discovery stays until one is found again.
            "last_error": func.coalesce(statement.excluded.last_error, filings.c.last_error),
            "updated_at": func.now(),
        },
        where=tuple_(*(filings.c[n] for n in _UPDATABLE)).is_distinct_from(
            tuple_(*(statement.excluded[n] for n in _UPDATABLE))
        ),
    )
    changed = conn.execute(statement.returning(filings.c.id), parameters).all()
    queued = [
        {
            "accession_number": f.accession_number,
            "cik": f.cik,
            "kind": a.kind,
            "sec_url": a.sec_url,
        }
        for f in records
        for a in f.artifacts
    ]
    if queued:
        rows, parameters = recordset("artifact", queued, _ARTIFACT_FIELDS)
        # Joined on the filing's CIK too: a co-registrant's copy of the folder holds the same
        # files, and they are queued once, by the filing's owner.
        owned = select(filings.c.id, rows.c.kind, rows.c.sec_url).join_from(
            rows,
            filings,
            (filings.c.accession_number == rows.c.accession_number) & (filings.c.cik == rows.c.cik),
        )
        conn.execute(
            insert(artifacts)
            .from_select(["filing_id", "kind", "sec_url"], owned)
            .on_conflict_do_nothing(index_elements=[artifacts.c.sec_url]),
            parameters,
        )
    return len(changed)


def filing_row(filing: Filing) -> dict[str, Any]:
    """The `filings` row of a filing: SEC's row, with the document to fetch and any problem."""
    row = filing.row
    return {
        "accession_number": row.accession_number,
        "cik": filing.cik,
        "form": row.form,
        "filing_date": row.filing_date,
        "report_date": row.report_date,
        "acceptance_datetime": row.acceptance_datetime,
        "primary_document": filing.primary_document,
        "primary_doc_description": row.primary_doc_description,
        "is_xbrl": row.is_xbrl,
        "is_inline_xbrl": row.is_inline_xbrl,
        "size_bytes": row.size_bytes,
        "last_error": filing.last_error,
    }


# Each field of a filing row, with its SQL type, as the JSON batch carries it.
_FILING_FIELDS: dict[str, TypeEngine[Any]] = {
    "accession_number": Text(),
    "cik": BigInteger(),
    "form": Text(),
    "filing_date": Date(),
    "report_date": Date(),
    "acceptance_datetime": DateTime(timezone=True),
    "primary_document": Text(),
    "primary_doc_description": Text(),
    "is_xbrl": Boolean(),
    "is_inline_xbrl": Boolean(),
    "size_bytes": BigInteger(),
    "last_error": Text(),
}
_ARTIFACT_FIELDS: dict[str, TypeEngine[Any]] = {
    "accession_number": Text(),
    "cik": BigInteger(),
    "kind": Text(),
    "sec_url": Text(),
}


def recordset(
    name: str, rows: list[dict[str, Any]], fields: dict[str, TypeEngine[Any]]
) -> tuple[TableValuedAlias, dict[str, str]]:
    """A batch of rows as a table, `jsonb_to_recordset(:name) AS name(field type, ...)`, and
    its one parameter: the rows as JSON (orjson writes dates and datetimes as ISO 8601)."""
    table = (
        func.jsonb_to_recordset(cast(bindparam(name, type_=Text), JSONB))
        .table_valued(*(column(field, kind) for field, kind in fields.items()))
        .render_derived(name=name, with_types=True)
    )
    return table, {name: orjson.dumps(rows).decode()}
