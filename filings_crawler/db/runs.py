"""The `execution_runs` audit: one row per job, opened as running and closed with its outcome."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, literal, update
from sqlalchemy.dialects.postgresql import JSONB

from filings_crawler.db.tables import execution_runs


def open_run(conn: Connection, run_type: str, metadata: dict[str, Any]) -> int:
    run_id = conn.execute(
        insert(execution_runs)
        .values(
            run_type=run_type,
            status="running",
            hostname=socket.gethostname(),
            pid=os.getpid(),
            metadata=metadata,
        )
        .returning(execution_runs.c.id)
    ).scalar_one()
    return int(run_id)


def close_run(conn: Connection, run_id: int, status: str, metadata: dict[str, Any]) -> None:
    """Mark the run finished; `metadata` is merged into what open_run recorded."""
    now = datetime.now(UTC)
    conn.execute(
        update(execution_runs)
        .where(execution_runs.c.id == run_id)
        .values(
            status=status,
            completed_at=now,
            duration_seconds=func.extract("epoch", now - execution_runs.c.started_at),
            metadata=execution_runs.c.metadata.op("||")(literal(metadata, JSONB)),
        )
    )


def merge_metadata(conn: Connection, run_id: int, entries: dict[str, Any]) -> None:
    """Add or replace top-level keys of a run's metadata (its progress, a crawl's summary)."""
    conn.execute(
        update(execution_runs)
        .where(execution_runs.c.id == run_id)
        .values(metadata=execution_runs.c.metadata.op("||")(literal(entries, JSONB)))
    )
