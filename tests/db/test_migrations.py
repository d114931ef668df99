"""Migrations: applied once each, in order, recorded; rerunning is harmless; mistakes are refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from filings_crawler.db import tables
from filings_crawler.db.migrations import (
    SQL_DIR,
    MigrationError,
    apply_migrations,
    discover,
    pending_migrations,
)


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """A database of its own with no schema at all, on the test server."""
    url = make_url(database_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    name = f"filings_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    engine = create_engine(url.set(database=name))
    yield engine
    engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_the_project_migrations_are_well_formed():
    migrations = discover()
    assert migrations, f"no migrations in {SQL_DIR}"
    assert [m.version for m in migrations] == sorted(m.version for m in migrations)


def test_applied_once_and_rerunning_is_harmless(empty_engine):
    assert [m.version for m in pending_migrations(empty_engine)] == [m.version for m in discover()]
    first = apply_migrations(empty_engine)
    assert [m.version for m in first] == [m.version for m in discover()]
    assert apply_migrations(empty_engine) == []
    assert pending_migrations(empty_engine) == []
    with empty_engine.connect() as conn:
        recorded = (
            conn.execute(text("SELECT version FROM schema_migrations ORDER BY 1")).scalars().all()
        )
    assert recorded == [m.version for m in discover()]


def test_every_column_the_code_names_exists(session_engine):
    inspector = inspect(session_engine)
    for table in tables.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert {c.name for c in table.columns} <= columns, table.name


def test_a_failing_migration_leaves_the_earlier_ones_applied(empty_engine, tmp_path):
    (tmp_path / "001_first.sql").write_text("CREATE TABLE first (id int);")
    (tmp_path / "002_broken.sql").write_text(
        "CREATE TABLE second (id int); SELECT no_such_function();"
    )
    with pytest.raises(Exception, match="no_such_function"):
        apply_migrations(empty_engine, tmp_path)
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('first')")).scalar() == "first"
        assert conn.execute(text("SELECT to_regclass('second')")).scalar() is None
    assert [m.version for m in pending_migrations(empty_engine, tmp_path)] == ["002"]


def test_a_changed_migration_is_refused(empty_engine, tmp_path):
    migration = tmp_path / "001_first.sql"
    migration.write_text("CREATE TABLE first (id int);")
    apply_migrations(empty_engine, tmp_path)
    migration.write_text("CREATE TABLE first (id bigint);")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(empty_engine, tmp_path)


@pytest.mark.parametrize("name", ["1_short.sql", "001-dash.sql", "001_Upper.sql"])
def test_a_misnamed_migration_is_refused(tmp_path, name):
    (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="NNN_snake_case_name"):
        discover(tmp_path)


def test_a_duplicated_version_is_refused(tmp_path):
    (tmp_path / "001_a.sql").write_text("SELECT 1;")
    (tmp_path / "001_b.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="used twice"):
        discover(tmp_path)


def test_upserts_are_idempotent_by_constraint(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO companies (cik, name) VALUES (320193, 'Apple Inc.')"))
        conn.execute(
            text(
                "INSERT INTO companies (cik, name) VALUES (320193, 'Apple') "
                "ON CONFLICT (cik) DO UPDATE SET name = excluded.name"
            )
        )
        assert conn.execute(text("SELECT count(*), max(name) FROM companies")).one() == (1, "Apple")
        assert conn.execute(text("SELECT exchange FROM companies")).scalar() == "UNKNOWN"


def test_artifacts_keyed_by_their_fetched_url_are_rekeyed_by_secs_url_and_merged(
    empty_engine, tmp_path
):
    # A database from before 004: two demo runs through mirrors on two ports, and one run
    # against SEC itself, each queued the same filing's files under their own URLs.
    before = tmp_path / "sql"
    before.mkdir()
    for migration in discover():
        if migration.version < "004":
            (before / migration.path.name).write_bytes(migration.path.read_bytes())
    apply_migrations(empty_engine, before)
    folder = "Archives/edgar/data/320193/000032019325000057/"
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, exchange) "
                "VALUES (320193, 'Apple', ARRAY['AAPL'], 'NASDAQ');"
                "INSERT INTO filings (accession_number, cik, form, filing_date, "
                "primary_document, is_xbrl, is_inline_xbrl) VALUES ('0000320193-25-000057', "
                "320193, '10-Q', '2025-05-02', 'aapl-20250329.htm', true, true)"
            )
        )
        rows = [
            # (URL fetched from, status, attempts)
            (f"http://127.0.0.1:40001/www.sec.gov/{folder}aapl-20250329.htm", "downloaded", 1),
            (f"http://127.0.0.1:40002/www.sec.gov/{folder}aapl-20250329.htm", "failed", 5),
            (f"http://127.0.0.1:40001/www.sec.gov/{folder}aapl-20250329_g1.jpg", "failed", 3),
            (f"http://127.0.0.1:40002/www.sec.gov/{folder}aapl-20250329_g1.jpg", "failed", 6),
            (f"https://www.sec.gov/{folder}aapl-20250329_htm.xml", "pending_download", 0),
        ]
        for url, status, attempts in rows:
            stored = status == "downloaded"
            conn.execute(
                text(
                    "INSERT INTO artifacts (filing_id, kind, source_url, status, attempts, "
                    "storage_path, sha256, bytes, downloaded_at) SELECT id, 'html', :url, "
                    ":status, :attempts, :path, :sha, :bytes, :at FROM filings"
                ),
                {
                    "url": url,
                    "status": status,
                    "attempts": attempts,
                    "path": "NASDAQ/aapl/2025/x.html" if stored else None,
                    "sha": "a" * 64 if stored else None,
                    "bytes": 10 if stored else None,
                    "at": "2025-06-01" if stored else None,
                },
            )
    apply_migrations(empty_engine)
    with empty_engine.connect() as conn:
        after = conn.execute(
            text("SELECT sec_url, status, attempts FROM artifacts ORDER BY sec_url")
        ).all()
    sec = f"https://www.sec.gov/{folder}"
    assert after == [
        (f"{sec}aapl-20250329.htm", "downloaded", 1),  # the stored one kept
        (f"{sec}aapl-20250329_g1.jpg", "failed", 3),  # the first known kept
        (f"{sec}aapl-20250329_htm.xml", "pending_download", 0),  # already SEC's: unchanged
    ]
    # From now on a key is SEC's URL or nothing.
    with pytest.raises(Exception, match="artifacts_sec_url_check"), empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO artifacts (filing_id, kind, sec_url) SELECT id, 'image', "
                "'http://127.0.0.1:40003/www.sec.gov/x.jpg' FROM filings"
            )
        )


def test_acceptance_times_stored_as_utc_become_new_york_instants(empty_engine, tmp_path):
    # Before 005, SEC's "2025-05-02T06:00:46.000Z" was stored as 06:00:46 UTC; it is New
    # York's 06:00:46 (EDT), 10:00:46 UTC. A January time is EST, five hours behind.
    before = tmp_path / "sql"
    before.mkdir()
    for migration in discover():
        if migration.version < "005":
            (before / migration.path.name).write_bytes(migration.path.read_bytes())
    apply_migrations(empty_engine, before)
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name) VALUES (320193, 'Apple');"
                "INSERT INTO filings (accession_number, cik, form, filing_date, acceptance_datetime, "
                "primary_document, is_xbrl, is_inline_xbrl) VALUES "
                "('0000320193-25-000057', 320193, '10-Q', '2025-05-02', '2025-05-02 06:00:46+00', "
                "'a.htm', true, true), "
                "('0000320193-24-000006', 320193, '10-Q', '2024-01-26', '2024-01-26 16:05:00+00', "
                "'b.htm', true, true), "
                "('0000320193-24-000007', 320193, '10-Q', '2024-01-27', NULL, 'c.htm', true, true)"
            )
        )
    apply_migrations(empty_engine)
    with empty_engine.connect() as conn:
        after = conn.execute(
            text(
                "SELECT to_char(acceptance_datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
                "FROM filings ORDER BY accession_number"
            )
        ).scalars()
        assert list(after) == ["2024-01-26 21:05:00", None, "2025-05-02 10:00:46"]
        columns = {c["name"] for c in inspect(conn).get_columns("filings")}
    assert {"exchanges_declared", "symbols_declared"} <= columns
