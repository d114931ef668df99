"""The incremental crawl's account of the filings it found: recorded, stored, and how fast."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from filings_crawler.db.tables import artifacts, filings


def filings_summary(conn: Connection, accessions: Sequence[str]) -> dict[str, Any]:
    """Of these filings: how many are recorded, stored whole, with failures, and the median and
    longest lag from SEC's acceptance to storage, in hours."""
    rows = conn.execute(
        select(
            filings.c.accession_number,
            filings.c.acceptance_datetime,
            func.max(artifacts.c.downloaded_at).label("stored_at"),
            func.count().filter(artifacts.c.status == "failed").label("failed"),
            func.count().filter(artifacts.c.status != "downloaded").label("not_stored"),
            func.count(artifacts.c.id).label("artifacts"),
        )
        .select_from(filings.outerjoin(artifacts))
        .where(filings.c.accession_number.in_(accessions))
        .group_by(filings.c.id)
    ).all()
    complete = [r for r in rows if r.artifacts and not r.not_stored]
    lags = [
        (r.stored_at - r.acceptance_datetime).total_seconds() / 3600
        for r in complete
        if r.stored_at and r.acceptance_datetime
    ]
    return {
        "filings_found": len(accessions),
        "filings_recorded": len(rows),
        "filings_stored": len(complete),
        "filings_with_failures": sum(1 for r in rows if r.failed),
        "lag_hours_median": round(statistics.median(lags), 2) if lags else None,
        "lag_hours_max": round(max(lags), 2) if lags else None,
    }
