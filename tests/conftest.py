"""Shared fixtures: a real PostgreSQL with a fresh schema, the local EDGAR mirror, and job runners."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, create_engine, text

# Tests never read a developer's .env: every job they run gets its configuration explicitly.
os.environ["ENV_FILE"] = ""
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "filings_crawler.settings")

from filings_crawler.db import embedded
from filings_crawler.db.migrations import apply_migrations
from filings_crawler.mirror import mirror_base_urls

# A real S3 API for the tests that store there: moto's server on loopback.
pytest_plugins = ("tests.s3_fixtures",)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
EDGAR_SAMPLE = FIXTURES / "edgar"
TEST_USER_AGENT = "filings_crawler test suite tests@filings-crawler.dev"

DATA_TABLES = ("artifacts", "filings", "listings_ref", "companies", "execution_runs")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database with the schema applied: on TEST_DATABASE_URL's server, else embedded."""
    admin_uri = os.environ.get("TEST_DATABASE_URL") or embedded.start_server(
        tmp_path_factory.mktemp("embedded-postgres") / "pgdata"
    )
    name = f"filings_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = embedded.sqlalchemy_url(admin_uri, name)
    engine = create_engine(url)
    try:
        apply_migrations(engine)
    finally:
        engine.dispose()
    yield url
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session", autouse=True)
def close_project_engines() -> Iterator[None]:
    """Crawls in this process open the project's own engines; close them before the end."""
    yield
    from filings_crawler.db.engine import dispose_all

    dispose_all()


@pytest.fixture(scope="session")
def session_engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(session_engine: Engine) -> Engine:
    """The test database, emptied before the test (the schema stays)."""
    with session_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    return session_engine


@pytest.fixture(scope="session")
def mirror_url() -> Iterator[str]:
    """The local EDGAR mirror serving the real sample, in its own process."""
    from filings_crawler.mirror import run_mirror_process

    with run_mirror_process(EDGAR_SAMPLE) as url:
        yield url


def job_environment(
    database_url: str, mirror_url: str, tmp_path: Path, **overrides: str
) -> dict[str, str]:
    """The environment of a job run by a test: the mirror, the test database, folders under tmp_path."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(PROJECT_ROOT),
        "SCRAPY_SETTINGS_MODULE": "filings_crawler.settings",
        "ENV_FILE": "",
        "SEC_USER_AGENT": TEST_USER_AGENT,
        "DATABASE_URL": database_url,
        **mirror_base_urls(mirror_url),
        "STORAGE_ROOT": str(tmp_path / "filings"),
        "LOG_DIR": str(tmp_path / "logs"),
        "LOG_FORMAT": "json",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_scrapy(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `scrapy ARGS` as a user would, in `cwd` (relative data/ and logs/ land there)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
