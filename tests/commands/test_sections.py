"""`scrapy sections`: stored filings split from the store, and `--file PATH --form ...`, a local
document's Items as JSON lines without the database."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from filings_crawler.storage.local import LocalStorage
from tests.conftest import PROJECT_ROOT, job_environment, run_scrapy
from tests.sample_files import sample_bytes
from tests.test_sections_reading import TEN_K, stored_ten_k

SAMPLE = PROJECT_ROOT / "tests/fixtures/edgar/www.sec.gov/Archives/edgar/data"
AMAZON_10Q = SAMPLE / "1018724/000101872423000012/amzn-20230630.htm.gz"


def environment() -> dict[str, str]:
    # No DATABASE_URL: splitting a file must not need (or touch) the database.
    return {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(PROJECT_ROOT),
        "SCRAPY_SETTINGS_MODULE": "filings_crawler.settings",
        "ENV_FILE": "",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere",
    }


def test_a_10q_prints_one_json_line_per_item(tmp_path: Path) -> None:
    result = run_scrapy(
        ["sections", "--file", str(AMAZON_10Q), "--form", "10-Q"], environment(), tmp_path
    )
    assert result.returncode == 0, result.stderr
    sections = [json.loads(line) for line in result.stdout.splitlines()]
    assert [s["item"] for s in sections] == [
        "I-1", "I-2", "I-3", "I-4", "II-1", "II-1A", "II-2", "II-3", "II-4", "II-5", "II-6",
    ]  # fmt: skip
    risk = sections[5]
    assert risk["heading"] == "Item 1A. Risk Factors"
    assert risk["text"].startswith("Please carefully consider the following discussion")
    assert risk["words"] > 8000
    assert risk["document"] == "amzn-20230630.htm"
    assert sections[7]["text"] == "None."


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--form", "10-K"], "--file is required with --form"),
        (["--file", "/no/such.htm", "--form", "10-K"], "--file /no/such.htm: cannot be read"),
        (["--file", str(AMAZON_10Q), "--form", "8-K"], "--form '8-K': the forms are"),
        (["--file", str(AMAZON_10Q)], "--form None: the forms are"),
        (["--file", str(AMAZON_10Q), "--form", "10-Q", "extra"], "does not take extra"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    result = run_scrapy(["sections", *args], environment(), tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert result.stdout == ""


def test_stored_filings_are_split_once_from_the_store(
    engine, database_url, mirror_url, tmp_path: Path
) -> None:
    env = job_environment(database_url, mirror_url, tmp_path)
    stored_ten_k(engine, LocalStorage(Path(env["STORAGE_ROOT"])), sample_bytes(TEN_K))
    first = run_scrapy(["sections"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "1 stored 10-K/10-Q filing(s) to split",
        "split 1 filing(s), 23 Items found; 0 refused (reason recorded)",
    ]
    again = run_scrapy(["sections"], env, tmp_path)
    assert again.stdout.splitlines()[0] == "0 stored 10-K/10-Q filing(s) to split"
