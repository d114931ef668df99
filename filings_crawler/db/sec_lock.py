"""One SEC crawl per database at a time: a PostgreSQL advisory lock held for the whole crawl.

SEC's 10 requests/s are per user, whatever the number of processes; two crawls each within
the limit would together break it. So every crawl that talks to SEC takes this lock before
its first request and holds it until the process ends (the lock belongs to a connection kept
open for that; if the process dies, PostgreSQL releases it). Crawls sharing a database share
the lock; crawls on separate databases (another machine, another dataset) do not, which the
docs/operations.md says.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, select, text

from filings_crawler.db.tables import execution_runs

# Any constant, the same in every process: "SEC" budget.
LOCK_KEY = 0x5345432D42554447

# The connection that holds the lock, kept for the life of the process.
_holder: Connection | None = None


class BudgetTaken(Exception):
    """Another SEC crawl holds the budget on this database."""


def hold_sec_budget(engine: Engine, *, wait_seconds: float = 0, poll_seconds: float = 5) -> None:
    """Take the lock, waiting up to `wait_seconds`; raise BudgetTaken naming who holds it."""
    global _holder  # noqa: PLW0603 - one lock per process, for its whole life
    if _holder is not None:
        return
    conn = engine.connect()
    deadline = time.monotonic() + wait_seconds
    while True:
        taken = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
        conn.commit()
        if taken:
            _holder = conn
            return
        if time.monotonic() >= deadline:
            holders = describe_holders(conn)
            conn.close()
            raise BudgetTaken(holders)
        time.sleep(min(poll_seconds, max(0.0, deadline - time.monotonic())))


def describe_holders(conn: Connection) -> str:
    rows = conn.execute(
        select(
            execution_runs.c.id,
            execution_runs.c.run_type,
            execution_runs.c.hostname,
            execution_runs.c.pid,
            execution_runs.c.started_at,
        )
        .where(execution_runs.c.status == "running", execution_runs.c.run_type != "listings_ref")
        .order_by(execution_runs.c.started_at.desc())
    ).all()
    conn.commit()
    if not rows:
        return "another SEC crawl (starting up)"
    return "; ".join(
        f"{row.run_type} run #{row.id} (pid {row.pid} on {row.hostname}, "
        f"started {row.started_at:%Y-%m-%d %H:%M} UTC)"
        for row in rows
    )


def release_sec_budget() -> None:
    """Give the lock back (tests; a process gives it back anyway when it ends)."""
    global _holder  # noqa: PLW0603
    if _holder is not None:
        # Closing only returns the connection to the pool, where its session, and the lock,
        # would live on.
        _holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        _holder.commit()
        _holder.close()
        _holder = None
