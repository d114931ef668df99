"""Job logs: JSON lines with the documented fields, readable console lines, and a file per job."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from filings_crawler import logs


class FakeSpider:
    name = "tickers"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """A process without the project's handlers (a crawl earlier in this process installs them)."""
    level = logging.root.level
    logs.uninstall()
    yield
    logs.uninstall()
    logging.root.setLevel(level)


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    return logging.getLogger("filings_crawler.test").makeRecord(
        "filings_crawler.test", logging.WARNING, __file__, 1, message, args, None, extra=extra
    )


def test_json_line_has_the_documented_fields():
    line = logs.JsonFormatter(job="backfill").format(
        record("stored %d files", 3, spider=FakeSpider(), accession_number="0000320193-25-000057")
    )
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "spider", "message", "accession_number"}
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "filings_crawler.test"
    assert entry["spider"] == "tickers"
    assert entry["message"] == "stored 3 files"
    assert entry["accession_number"] == "0000320193-25-000057"
    assert entry["time"].endswith("+00:00")


def test_json_line_without_a_spider_names_the_job_and_keeps_exceptions():
    try:
        raise ValueError("bad bytes")
    except ValueError:
        rec = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info()
        )
    entry = json.loads(logs.JsonFormatter(job="initdb").format(rec))
    assert entry["spider"] == "initdb"
    assert "ValueError: bad bytes" in entry["exception"]


def test_console_line_is_readable():
    line = logs.ConsoleFormatter(job="x").format(record("stored %d files", 3, cik=320193))
    assert "[filings_crawler.test] WARNING: stored 3 files cik=320193" in line


@pytest.mark.usefixtures("restore_logging")
def test_configure_writes_the_job_file(tmp_path, capsys):
    path = logs.configure(job="enrich", log_format="json", log_dir=tmp_path / "logs")
    assert path is not None
    assert path.parent == tmp_path / "logs"
    assert path.name.startswith("enrich-")
    assert path.suffix == ".log"
    logging.getLogger("filings_crawler.x").info("hello %s", "world")
    logging.getLogger("filings_crawler.x").debug("not at INFO")
    for handler in logging.root.handlers:
        handler.flush()
    lines = path.read_text().splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["hello world"]
    assert json.loads(capsys.readouterr().err.splitlines()[-1])["message"] == "hello world"
    # Once per process: a second call installs nothing more.
    assert logs.configure(job="enrich", log_format="json", log_dir=tmp_path / "logs") is None


@pytest.mark.usefixtures("restore_logging")
def test_a_quiet_screen_still_leaves_info_in_the_job_file(tmp_path, capsys):
    # The demo's LOG_LEVEL=ERROR quiets the screen; the file keeps what happened.
    path = logs.configure(job="backfill", log_format="json", log_dir=tmp_path, level="error")
    assert path is not None
    logger = logging.getLogger("filings_crawler.x")
    logger.info("stored 3 files")
    logger.error("CIK 1: HTTP 404")
    logs.to_log_file(logging.ERROR, "refused: -a limt is not an argument")
    for handler in logging.root.handlers:
        handler.flush()
    in_file = [json.loads(line)["message"] for line in path.read_text().splitlines()]
    assert in_file == [
        "stored 3 files",
        "CIK 1: HTTP 404",
        "refused: -a limt is not an argument",
    ]
    on_screen = [json.loads(line)["message"] for line in capsys.readouterr().err.splitlines()]
    assert on_screen == ["CIK 1: HTTP 404"]
