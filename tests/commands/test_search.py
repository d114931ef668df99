"""`scrapy sections` over stored filings, then `scrapy search` finding a phrase of Apple's Risk Factors."""

from __future__ import annotations

import pytest

from filings_crawler.storage.local import LocalStorage
from tests.conftest import job_environment, run_scrapy
from tests.sample_files import sample_bytes
from tests.test_sections_reading import ACCESSION, TEN_K, stored_ten_k

pytestmark = pytest.mark.e2e


def test_stored_filings_are_split_once_and_searched(engine, database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)
    stored_ten_k(engine, LocalStorage(tmp_path / "filings"), sample_bytes(TEN_K))
    first = run_scrapy(["sections"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "1 stored 10-K/10-Q filing(s) to split" in first.stdout
    assert "split 1 filing(s), 23 Items found; 0 refused" in first.stdout
    again = run_scrapy(["sections"], env, tmp_path)
    assert "0 stored 10-K/10-Q filing(s) to split" in again.stdout
    forced = run_scrapy(["sections", "--again", "--exchange", "NASDAQ"], env, tmp_path)
    assert "split 1 filing(s), 23 Items found" in forced.stdout
    status = run_scrapy(["status"], env, tmp_path)
    assert status.returncode == 0, status.stderr
    assert (
        "Sections (10-K, 10-Q Items): 1 filings split, 0 could not be split"
        " (the reason is in filings.sections_error)"
    ) in status.stdout.splitlines()

    found = run_scrapy(
        ["search", '"supply chain operations"', "--item", "1A", "--form", "10-K"], env, tmp_path
    )
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0].startswith(f"Apple | 10-K 2024-11-01 {ACCESSION} | Item 1A: Item 1A. Risk")
    assert "«supply» «chain» «operations»" in lines[1]
    assert lines[-1] == "1 hit(s)"
    elsewhere = run_scrapy(["search", '"supply chain operations"', "--item", "7"], env, tmp_path)
    assert elsewhere.stdout.splitlines()[-1] == "0 hit(s)"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["search"], "a phrase is required"),
        (["search", "chips", "--item", "99"], "--item '99'"),
        (["search", "chips", "--form", "8-K"], "--form '8-K'"),
        (["search", "chips", "--since", "May"], "--since 'May' is not a date"),
    ],
)
def test_bad_search_arguments_are_refused(database_url, mirror_url, tmp_path, args, words):
    result = run_scrapy(args, job_environment(database_url, mirror_url, tmp_path), tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr


def test_a_bad_argument_is_named_before_the_database_is_asked(mirror_url, tmp_path):
    # No database listens there: the argument is still the one line, not the database.
    env = job_environment("postgresql://postgres@127.0.0.1:9/none", mirror_url, tmp_path)
    result = run_scrapy(["search", "chips", "--item", "99"], env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("--item '99': not an Item of a 10-K or 10-Q")
    )
