"""`scrapy facts`: the facts of filings stored before, read from the store; resumable, exit status."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from filings_crawler.storage.local import LocalStorage
from tests.conftest import job_environment, run_scrapy
from tests.sample_files import sample_bytes
from tests.test_facts_reading import INSTANCE, stored_instance


def test_stored_facts_are_read_once_then_again_when_asked(
    engine, database_url, mirror_url, tmp_path: Path
) -> None:
    env = job_environment(database_url, mirror_url, tmp_path)
    stored_instance(engine, LocalStorage(Path(env["STORAGE_ROOT"])), sample_bytes(INSTANCE))
    first = run_scrapy(["facts"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "1 stored filing(s) to read",
        "read 1 filing(s), 700 facts; 0 refused (reason recorded)",
    ]
    assert run_scrapy(["facts"], env, tmp_path).stdout.splitlines()[0] == (
        "0 stored filing(s) to read"
    )
    again = run_scrapy(["facts", "--again", "--exchange", "NASDAQ"], env, tmp_path)
    assert (
        again.stdout.splitlines()[-1] == "read 1 filing(s), 700 facts; 0 refused (reason recorded)"
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM facts")).scalar_one() == 700


def test_a_filing_whose_file_is_not_in_the_store_exits_1_with_the_reason(
    engine, database_url, mirror_url, tmp_path: Path
) -> None:
    env = job_environment(database_url, mirror_url, tmp_path)
    storage = LocalStorage(Path(env["STORAGE_ROOT"]))
    stored_instance(engine, storage, sample_bytes(INSTANCE))
    (Path(env["STORAGE_ROOT"]) / "NASDAQ/aapl/2025/aapl-20250329_htm.xml").unlink()
    result = run_scrapy(["facts"], env, tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "  0000320193-25-000057: NASDAQ/aapl/2025/aapl-20250329_htm.xml: missing from the store "
        "(scrapy verify --fix)",
        "read 0 filing(s), 0 facts; 1 refused (reason recorded)",
    ]
    # The store failed, not the document: the filing is asked again by the next run.
    assert run_scrapy(["facts"], env, tmp_path).stdout.splitlines()[0] == (
        "1 stored filing(s) to read"
    )
