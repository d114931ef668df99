"""Shared fixtures: a real PostgreSQL with a fresh schema, the local EDGAR mirror, and job runners."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, create_engine, text

# Tests never read a developer's .env: every job they run gets its configuration explicitly.
os.environ["ENV_FILE"] = ""
# Every process the suite starts inherits this mark, so the suite can tell, when it ends, that
# none of them outlives it (pytest_sessionfinish below). A suite run by a test keeps its own.
os.environ.setdefault("FILINGS_TEST_SESSION", uuid.uuid4().hex)
if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker is a session of its own: its mark is its own, so one worker
    # ending never takes its sibling (which carries the inherited mark) for a process left over.
    os.environ["FILINGS_TEST_SESSION"] += f"-{worker}"
os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "filings_crawler.settings")

from edgar_mirror import mirror_base_urls
from filings_crawler.db import embedded
from filings_crawler.db.migrations import apply_migrations

SESSION_MARK = "FILINGS_TEST_SESSION"

# A real S3 API for the tests that store there: moto's server on loopback.
pytest_plugins = ("tests.s3_fixtures",)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
EDGAR_SAMPLE = FIXTURES / "edgar"
TEST_USER_AGENT = "filings_crawler test suite tests@filings-crawler.dev"

DATA_TABLES = (
    "sections",
    "facts",
    "artifacts",
    "filings",
    "listings_ref",
    "past_listings",
    "companies",
    "execution_runs",
)


@contextlib.contextmanager
def embedded_server_folder() -> Iterator[Path]:
    """A folder for an embedded PostgreSQL's data, outside pytest's temporary root; removed after.

    Every pytest session that starts makes its temporary root (/tmp/pytest-of-<user>) private
    again, mode 0700. Under root the server runs as a user of its own, which then can no longer
    reach its data inside: a second session on the machine broke the first's server. No session
    changes the rights of a folder of its own under the temporary directory.
    """
    folder = Path(tempfile.mkdtemp(prefix="filings-embedded-pg-"))
    try:
        folder.chmod(0o755)  # the server's user must pass through to the data folder inside
        yield folder / "pgdata"
    finally:
        # The server's files belong to its user, which root may remove; stopped servers only.
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def database_server() -> Iterator[tuple[str, Path | None]]:
    """The admin URI of TEST_DATABASE_URL's server, else of an embedded one with its data folder."""
    if admin_uri := os.environ.get("TEST_DATABASE_URL", ""):
        yield admin_uri, None
        return
    with embedded_server_folder() as data_dir:
        admin_uri = embedded.start_server(data_dir)
        yield admin_uri, data_dir
        # Now, not at the interpreter's exit: the suite ends everything it starts, and checks.
        embedded.stop_server(data_dir)


@pytest.fixture(scope="session")
def database_url(database_server: tuple[str, Path | None]) -> Iterator[str]:
    """A fresh database with the schema applied, on the server of `database_server`."""
    admin_uri, _ = database_server
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
    from edgar_mirror import run_mirror_process

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


# Apple's company and filings, from the ticker files to its documents, as a user crawls them.
APPLE_CRAWL = (
    ["crawl", "tickers"],
    ["crawl", "listings_ref"],
    ["crawl", "backfill", "-a", "cik=320193"],
)


def crawl_apple(env: dict[str, str], cwd: Path) -> None:
    """Run APPLE_CRAWL's jobs; each must succeed."""
    for job in APPLE_CRAWL:
        result = run_scrapy(job, env, cwd)
        assert result.returncode == 0, result.stderr[-3000:]


def marked_processes(mark: str) -> list[tuple[int, str]]:
    """(pid, command line) of every other process whose environment carries `mark`."""
    needle = f"{SESSION_MARK}={mark}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # gone, or not ours to read
        if command:  # a zombie has none: it is dead, only not yet reaped
            found.append((int(entry.name), command))
    return found


LEFT_KEY = "processes_left"  # a pytest-xdist worker's report of what it left, to its controller
WORKERS_LEFT: list[str] = []  # in the controller: what its workers reported


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a process it started still runs (a server, a mirror, a crawl), and end it.

    Left behind, a PostgreSQL server (once: reparented to init by the restart test) holds its
    port and data folder until the machine restarts, and CI's clean machine is not clean. A
    pytest-xdist worker's own exit status is not the run's: it hands its finding to the
    controller (pytest_testnodedown below), which fails the run, so nothing left is only printed.
    """
    if not Path("/proc").is_dir():
        return
    deadline = time.monotonic() + 15
    while (left := marked_processes(os.environ[SESSION_MARK])) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid, _ in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    reports = [f"  pid {pid}: {command[:200]}" for pid, command in left]
    if (workeroutput := getattr(session.config, "workeroutput", None)) is not None:
        workeroutput[LEFT_KEY] = reports
        return
    reports += WORKERS_LEFT
    if reports:
        report = "\n".join(reports)
        sys.stderr.write(f"\nThe test suite left {len(reports)} process(es) running:\n{report}\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only where it is installed
def pytest_testnodedown(node: Any, error: object) -> None:
    """In the controller: a worker ended; keep what it reported left running."""
    name = node.gateway.id
    WORKERS_LEFT.extend(
        f"{line} (worker {name})" for line in getattr(node, "workeroutput", {}).get(LEFT_KEY, [])
    )
