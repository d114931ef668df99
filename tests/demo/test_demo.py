"""`make demo`, twice, as a new user runs it: the same rows and files, and a summary that works."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from filings_crawler.db import embedded
from tests.conftest import PROJECT_ROOT

# Not marked e2e: it brings its own embedded PostgreSQL and mirror, so CI runs it once.
pytestmark = pytest.mark.slow  # two demo runs: over a minute


def project_folder(where: Path) -> Path:
    """A project folder as a user has it: the package, the venv and scrapy.cfg."""
    where.mkdir()
    for name in (".venv", "filings_crawler", "edgar_mirror"):
        (where / name).symlink_to(PROJECT_ROOT / name)
    shutil.copy(PROJECT_ROOT / "scrapy.cfg", where)
    return where


def run(command: str, where: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A command line as a person types it in the project folder (env assignments and all)."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=where,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )


def dataset(where: Path) -> dict[str, Any]:
    """The demo's artifact rows and stored files, to compare two runs by."""
    data_dir = where / "data" / "demo" / "postgres"
    engine = create_engine(embedded.start(data_dir, create=False))
    try:
        with engine.connect() as conn:
            rows = sorted(
                conn.execute(
                    text("SELECT sec_url, kind, status, storage_path, sha256 FROM artifacts")
                ).all()
            )
    finally:
        engine.dispose()
        embedded.stop_server(data_dir)
    store = where / "data" / "demo" / "filings"
    files = {
        str(path.relative_to(store)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(store.rglob("*"))
        if path.is_file()
    }
    return {"artifacts": rows, "files": files}


def test_the_demo_twice_then_every_command_its_summary_prints(tmp_path):
    where = project_folder(tmp_path / "project")
    first = run(".venv/bin/python -m edgar_mirror.demo", where)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    before = dataset(where)
    second = run(".venv/bin/python -m edgar_mirror.demo", where)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    # A mirror on another port is not another SEC: the same rows (count and keys), same files.
    after = dataset(where)
    assert after == before
    assert len(after["artifacts"]) > 50

    summary = second.stdout.split("What the demo stored", 1)[1]
    # The filing it suggests is complete: every document and image it shows is there.
    suggested = summary.split("Open a complete stored filing (no network needed):\n", 1)[1]
    path = suggested.splitlines()[0].strip()
    assert (where / path).is_file()
    stored = {row[3] for row in after["artifacts"] if row[2] == "downloaded"}
    assert path.removeprefix("data/demo/filings/") in stored

    commands = [
        line.split("#", 1)[0].strip()
        for line in summary.splitlines()
        if line.strip().startswith("ENV_FILE=data/demo/.env .venv/bin/scrapy ")
    ]
    assert [command.split()[2] for command in commands] == [
        "status",
        "coverage",
        "verify",
        "dbshell",
        "search",
    ]
    outputs = {}
    for command in commands:
        stdin = "SELECT count(*) AS artifacts FROM artifacts;\n" if "dbshell" in command else None
        result = run(command, where, stdin)
        assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
        outputs[command.split()[2]] = result.stdout
    assert "backfill     succeeded" in outputs["status"]
    assert "NASDAQ" in outputs["coverage"]
    assert (where / "data" / "demo" / "coverage.html").is_file()
    assert ", 0 missing or altered" in outputs["verify"]
    assert f"{len(after['artifacts']):>10}" in outputs["dbshell"]
    # The crawl split the 10-Ks it stored: the phrase is in Apple's 2024 10-K, Item 1A.
    hits = outputs["search"].splitlines()
    assert hits[0].startswith("Apple Inc. | 10-K 2024-11-01 0000320193-24-000123 | Item 1A: ")
    assert "«supply» «chain» «operations»" in hits[1]

    # Its log files keep INFO, though the screen showed only errors.
    [backfill_log, *_] = sorted((where / "data" / "demo" / "logs").glob("backfill-*.log"))
    assert "INFO" in backfill_log.read_text()
