"""Queries of `scrapy status`: the running and the recent runs, with their latest progress, and
how many stored filings have their facts and sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select

from filings_crawler.db.sections import SPLIT_FORMS
from filings_crawler.db.tables import artifacts, companies, execution_runs, filings


@dataclass(frozen=True)
class RunView:
    id: int
    run_type: str
    status: str
    started_at: datetime
    completed_at: datetime | None
    duration_seconds: float | None
    hostname: str | None
    pid: int | None
    close_reason: str | None
    progress: dict[str, Any]
    stats: dict[str, Any]


def load_runs(conn: Connection, recent: int) -> list[RunView]:
    """Every running run, then the `recent` latest of the others, newest first."""
    columns = (
        execution_runs.c.id,
        execution_runs.c.run_type,
        execution_runs.c.status,
        execution_runs.c.started_at,
        execution_runs.c.completed_at,
        execution_runs.c.duration_seconds,
        execution_runs.c.hostname,
        execution_runs.c.pid,
        execution_runs.c.metadata,
    )
    recent_ids = (
        select(execution_runs.c.id)
        .where(execution_runs.c.status != "running")
        .order_by(execution_runs.c.started_at.desc())
        .limit(recent)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(*columns)
        .where(or_(execution_runs.c.status == "running", execution_runs.c.id.in_(recent_ids)))
        .order_by(execution_runs.c.started_at.desc())
    ).all()
    return [
        RunView(
            id=row.id,
            run_type=row.run_type,
            status=row.status,
            started_at=row.started_at,
            completed_at=row.completed_at,
            duration_seconds=row.duration_seconds,
            hostname=row.hostname,
            pid=row.pid,
            close_reason=row.metadata.get("close_reason"),
            progress=row.metadata.get("progress") or {},
            stats=row.metadata.get("stats") or {},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DerivedCounts:
    """Of the filings whose documents are stored: how many have their facts (or sections) read,
    how many could not be (with a reason recorded), and how many are still to read."""

    done: int
    refused: int
    left: int


@dataclass(frozen=True)
class Refusal:
    """A stored filing whose facts (or sections) could not be read, and why."""

    accession_number: str
    company: str
    form: str
    reason: str


def _stored() -> Any:
    # Stored: its primary document is (facts and sections are read from it).
    return (
        select(artifacts.c.id)
        .where(
            artifacts.c.filing_id == filings.c.id,
            artifacts.c.kind == "html",
            artifacts.c.status == "downloaded",
        )
        .exists()
    )


# Each derived output: (when read, the reason it could not be, which filings have it).
_DERIVED = {
    "facts": (filings.c.facts_read_at, filings.c.facts_error, filings.c.is_xbrl),
    "sections": (
        filings.c.sections_read_at,
        filings.c.sections_error,
        filings.c.form.in_(SPLIT_FORMS),
    ),
}


def derived_refusals(conn: Connection, limit: int = 10) -> dict[str, list[Refusal]]:
    """The latest `limit` stored filings of each output that could not be read, with why."""
    refused: dict[str, list[Refusal]] = {}
    for name, (_read_at, error, scope) in _DERIVED.items():
        rows = conn.execute(
            select(filings.c.accession_number, companies.c.name, filings.c.form, error)
            .select_from(filings.join(companies))
            .where(_stored(), scope, error.is_not(None))
            .order_by(filings.c.filing_date.desc(), filings.c.accession_number)
            .limit(limit)
        )
        refused[name] = [Refusal(*row) for row in rows]
    return refused


def derived_counts(conn: Connection) -> dict[str, DerivedCounts]:
    """`facts` and `sections` (10-Ks and 10-Qs only) of the stored filings."""
    stored = _stored()
    counted: dict[str, DerivedCounts] = {}
    for name, (read_at, error, scope) in _DERIVED.items():
        row = conn.execute(
            select(
                func.count().filter(read_at.is_not(None), error.is_(None)),
                func.count().filter(error.is_not(None)),
                func.count().filter(read_at.is_(None), error.is_(None)),
            ).where(stored, scope)
        ).one()
        counted[name] = DerivedCounts(*(int(value) for value in row))
    return counted
