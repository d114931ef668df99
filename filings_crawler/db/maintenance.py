"""Queries of the operator's commands: requeueing failed artifacts and checking stored files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, select, update

from filings_crawler.db.tables import artifacts, companies, filings


@dataclass
class Requeue:
    """What a requeue did (or, on a dry run, would do)."""

    by_exchange: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    at_cap: int = 0  # failed artifacts left alone: out of attempts (--reset-attempts takes them)


def requeue_failed(
    conn: Connection,
    *,
    max_attempts: int,
    exchanges: Sequence[str] | None,
    reset_attempts: bool,
    dry_run: bool,
) -> Requeue:
    """Failed artifacts back to `pending_download`: those under the cap, or all of them with
    `reset_attempts` (attempts start again at 0). `last_error` is kept, to say why it failed."""
    scope = [artifacts.c.status == "failed"]
    if exchanges is not None:
        scope.append(companies.c.exchange.in_(exchanges))
    joined = artifacts.join(filings, filings.c.id == artifacts.c.filing_id).join(companies)
    under_cap = artifacts.c.attempts < max_attempts
    result = Requeue()
    if not reset_attempts:
        result.at_cap = int(
            conn.execute(
                select(func.count()).select_from(joined).where(*scope, ~under_cap)
            ).scalar_one()
        )
        scope.append(under_cap)
    chosen = conn.execute(
        select(artifacts.c.id, companies.c.exchange, artifacts.c.last_error)
        .select_from(joined)
        .where(and_(*scope))
    ).all()
    for _, exchange, reason in chosen:
        result.by_exchange[exchange] += 1
        result.reasons[reason or "(no reason recorded)"] += 1
    if not dry_run and chosen:
        values: dict[str, object] = {
            "status": "pending_download",
            "next_attempt_at": None,
            "updated_at": func.now(),
        }
        if reset_attempts:
            values["attempts"] = 0
        conn.execute(
            update(artifacts)
            .where(artifacts.c.id.in_([artifact_id for artifact_id, _, _ in chosen]))
            .values(**values)
        )
    return result


@dataclass(frozen=True)
class StoredArtifact:
    id: int
    storage_path: str
    sha256: str
    size: int


def _downloaded(exchanges: Sequence[str] | None) -> Select[Any]:
    """The downloaded artifacts (of the companies listed on `exchanges`; None: all)."""
    query = (
        select(artifacts.c.id, artifacts.c.storage_path, artifacts.c.sha256, artifacts.c.bytes)
        .select_from(artifacts.join(filings, filings.c.id == artifacts.c.filing_id).join(companies))
        .where(artifacts.c.status == "downloaded")
    )
    if exchanges is not None:
        query = query.where(companies.c.exchange.in_(exchanges))
    return query


def stored_artifacts(
    conn: Connection, exchanges: Sequence[str] | None = None
) -> Iterator[list[StoredArtifact]]:
    """Every downloaded artifact, in batches, streamed (the real dataset has ~500,000)."""
    query = _downloaded(exchanges).order_by(artifacts.c.id)
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(query)
    for partition in result.partitions():
        yield [StoredArtifact(*row) for row in partition]


def sample_stored_artifacts(
    conn: Connection, size: int, exchanges: Sequence[str] | None = None
) -> list[StoredArtifact]:
    """Up to `size` downloaded artifacts drawn at random, so they span the whole dataset."""
    query = _downloaded(exchanges).order_by(func.random()).limit(size)
    return [StoredArtifact(*row) for row in conn.execute(query)]


def mark_for_refetch(conn: Connection, problems: dict[int, str]) -> int:
    """Stored artifacts whose file is missing or altered: queued again, with the reason."""
    for artifact_id, reason in problems.items():
        conn.execute(
            update(artifacts)
            .where(artifacts.c.id == artifact_id)
            .values(
                status="pending_download",
                last_error=f"verify: {reason}",
                next_attempt_at=None,
                updated_at=func.now(),
            )
        )
    return len(problems)


def undeclared_filings(
    conn: Connection, exchanges: Sequence[str] | None = None
) -> list[tuple[int, str]]:
    """(filing id, stored primary document) of the filings whose cover was never read: stored
    before the dataset recorded what covers declare."""
    query = (
        select(filings.c.id, artifacts.c.storage_path)
        .select_from(artifacts.join(filings, filings.c.id == artifacts.c.filing_id).join(companies))
        .where(
            filings.c.exchanges_declared.is_(None),
            artifacts.c.kind == "html",
            artifacts.c.status == "downloaded",
        )
        .order_by(filings.c.id)
    )
    if exchanges is not None:
        query = query.where(companies.c.exchange.in_(exchanges))
    return [(filing_id, path) for filing_id, path in conn.execute(query)]


def record_declared(conn: Connection, declared: dict[int, tuple[list[str], list[str]]]) -> int:
    """Each filing's declared exchanges and symbols, as its cover was read."""
    if declared:
        conn.execute(
            update(filings)
            .where(filings.c.id == bindparam("b_id"))
            .values(
                exchanges_declared=bindparam("b_exchanges"),
                symbols_declared=bindparam("b_symbols"),
                updated_at=func.now(),
            ),
            [
                {"b_id": filing_id, "b_exchanges": exchanges, "b_symbols": symbols}
                for filing_id, (exchanges, symbols) in declared.items()
            ],
        )
    return len(declared)
