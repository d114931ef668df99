"""The SQLAlchemy engine for the configured database: a server by URL, or the embedded one."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from filings_crawler.config import ConfigError, DatabaseTarget, redact_url
from filings_crawler.db import embedded

# Seconds to wait for a server before calling it unreachable: long enough for a busy server,
# short enough that a typo in DATABASE_URL is reported at once.
CONNECT_TIMEOUT = 10

_engines: dict[DatabaseTarget, Engine] = {}
# Components ask for the engine from the reactor's worker threads, several at once when a crawl
# opens: one of them makes it, the others wait for it (two would leak one's connections).
_lock = threading.Lock()


def get_engine(target: DatabaseTarget, *, create: bool = False) -> Engine:
    """One engine per target and process; checks the connection the first time.

    Raises ConfigError naming the variable that chose the server when it cannot be reached, so every
    job stops with the same one-line message before it sends a request. Only `create` (initdb)
    makes a missing embedded database; every other job refuses to start without one.
    """
    with _lock:
        if target not in _engines:
            _engines[target] = _new_engine(target, create=create)
        return _engines[target]


def _new_engine(target: DatabaseTarget, *, create: bool) -> Engine:
    try:
        url = (
            target.url
            if target.url is not None
            else embedded.start(target.embedded_dir, create=create)
        )
    except embedded.NoDatabase as error:
        raise ConfigError(
            [
                f"EMBEDDED_DB_DIR: {error}. `scrapy initdb` creates one there; if your data is "
                "elsewhere, set EMBEDDED_DB_DIR or DATABASE_URL, or ENV_FILE to the file that "
                "does (the demo's: ENV_FILE=data/demo/.env)"
            ]
        ) from error
    engine = create_engine(
        url,
        pool_pre_ping=True,  # a crawl outlives server restarts; stale connections are replaced
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "filings_crawler"},
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ConfigError(
            [f"{target.source}: cannot connect to {redact_url(url)}: {reason}"]
        ) from error
    return engine


def dispose_all() -> None:
    """Close every pooled connection (at the end of a job, or before a fork)."""
    while _engines:
        _engines.popitem()[1].dispose()
