"""The project's configuration: the only reader of the environment and `.env`, and its validation."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from dotenv import dotenv_values
from sqlalchemy.engine import URL

# The value shipped in .env.example. SEC would see it as undeclared, so it is refused like no value.
EXAMPLE_USER_AGENT = "Example Company admin@example.com"
# The identity `make demo` writes in data/demo/.env. It is made up, so it may reach only the local
# mirror: with any of SEC's own hosts it is refused like the example.
DEMO_USER_AGENT = "filings_crawler demo demo@filings-crawler.dev"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    description: str


# Every variable the project reads, with its default. settings.py exposes each as a Scrapy setting
# of the same name (so `scrapy -s NAME=VALUE` overrides it), .env.example and docs/configuration.md list them,
# and a test keeps the three in step.
VARIABLES: tuple[Variable, ...] = (
    Variable(
        "SEC_USER_AGENT",
        "",
        "Required. Who you are, as SEC asks: `Company Name admin@company.com`.",
    ),
    Variable(
        "SEC_RATE_LIMIT", "10", "Requests per second to all SEC hosts together; 0 < value <= 10."
    ),
    Variable(
        "SEC_BLOCK_COOLDOWN", "660", "Seconds to pause after SEC's rate-threshold block page."
    ),
    Variable(
        "SEC_MAX_BLOCKS", "3", "Blocks in one run after which the crawl stops, ready to resume."
    ),
    Variable(
        "SEC_BUDGET_URL",
        "",
        "Redis URL (redis://host:6379/0) of a budget shared by every crawl, on any machine; "
        "empty: one crawl per database, its own budget.",
    ),
    Variable("DOWNLOAD_WORKERS", "8", "Concurrent SEC requests in flight (1..10)."),
    Variable(
        "XBRL_INSTANCE",
        "fetch",
        "fetch: also store SEC's extracted XBRL instance (*_htm.xml), a second request per inline "
        "filing; skip: one request, facts read from the inline document.",
    ),
    Variable("ARTIFACT_RETRY_MAX", "3", "Attempts per artifact before it stays `failed`."),
    Variable(
        "INCREMENTAL_LOOKBACK_DAYS", "7", "Days of EDGAR's daily index the incremental crawl reads."
    ),
    Variable("LOG_FORMAT", "json", "`json` (one object per line) or `console` (readable lines)."),
    Variable("LOG_DIR", "logs", "Folder of the per-job log files `<job>-<timestamp>.log`."),
    Variable("STORAGE_BACKEND", "local", "`local` (disk under STORAGE_ROOT) or `s3` (S3_BUCKET)."),
    Variable("STORAGE_ROOT", "./data/filings", "Folder (or S3 key prefix) of the stored filings."),
    Variable(
        "LISTINGS_REF_DIR",
        "data/listings_ref",
        "Folder where the raw symbol directory files are kept, one per version.",
    ),
    Variable("S3_BUCKET", "", "Bucket for STORAGE_BACKEND=s3."),
    Variable("S3_REGION", "us-east-1", "Region of S3_BUCKET."),
    Variable("AWS_ENDPOINT_URL", "", "Another S3 endpoint (MinIO, moto); empty for AWS itself."),
    Variable(
        "DATABASE_URL",
        "",
        "`postgresql://user:password@host:port/dbname`; empty: DB_* or embedded.",
    ),
    Variable("DB_HOST", "", "Database host, when DATABASE_URL is not used."),
    Variable("DB_PORT", "5432", "Database port (with DB_HOST)."),
    Variable("DB_NAME", "filings", "Database name (with DB_HOST)."),
    Variable("DB_USER", "postgres", "Database user (with DB_HOST)."),
    Variable("DB_PASSWORD", "", "Database password (with DB_HOST)."),
    Variable(
        "EMBEDDED_DB_DIR",
        "./data/postgres",
        "Data folder of the embedded PostgreSQL, used when no database is set.",
    ),
    Variable(
        "SEC_WWW_BASE_URL", "https://www.sec.gov", "Base of EDGAR archives and reference files."
    ),
    Variable("SEC_DATA_BASE_URL", "https://data.sec.gov", "Base of the submissions JSON API."),
    Variable(
        "NASDAQ_TRADER_BASE_URL", "https://www.nasdaqtrader.com", "Base of the symbol directory."
    ),
    Variable("FILINGS_START_DATE", "2023-01-01", "First filing date in scope (inclusive)."),
    Variable("FILINGS_END_DATE", "2025-12-31", "Last filing date in scope (inclusive)."),
    Variable(
        "FILING_FORMS",
        "10-K,10-K/A,10-Q,10-Q/A",
        "Forms in scope, comma-separated, exactly as SEC names them.",
    ),
)

VARIABLE_NAMES = frozenset(v.name for v in VARIABLES)

# SEC asks for "Sample Company Name AdminContact@<sample company domain>.com": a name and an address.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


class ConfigError(Exception):
    """One or more variables are wrong; each line of the message names one variable."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


_by_crawler: WeakKeyDictionary[Any, Config] = WeakKeyDictionary()


def crawler_config(crawler: Any) -> Config:
    """The crawler's configuration, validated once and shared by every component it builds.

    `scrapy crawl` has validated the same settings before the crawler existed (cli.prepare_job),
    so this does not fail in a crawl; a component built on its own (a test) gets the ConfigError.
    """
    config = _by_crawler.get(crawler)
    if config is None:
        config = _by_crawler[crawler] = Config.from_settings(crawler.settings)
    return config


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The project's variables from the environment, then `.env`, then the defaults.

    A real environment variable wins over `.env`, as with every dotenv tool. `ENV_FILE` names another
    file; `ENV_FILE=` (empty) reads none, which is how the tests stay hermetic.
    """
    environ = os.environ if environ is None else environ
    env_file = environ.get("ENV_FILE", ".env")
    from_file = dotenv_values(env_file) if env_file and Path(env_file).is_file() else {}
    values = {}
    for variable in VARIABLES:
        value = environ.get(variable.name)
        if value is None:
            value = from_file.get(variable.name)
        value = variable.default if value is None else value
        # An empty value is no value: Scrapy's own default (None) stands, e.g. for
        # AWS_ENDPOINT_URL, which Scrapy's S3 feed storage also reads.
        if value != "":
            values[variable.name] = value
    return values


@dataclass(frozen=True)
class DatabaseTarget:
    """Where the database is: a server URL, or the embedded server's data folder."""

    url: str | None  # SQLAlchemy URL (postgresql+psycopg://...), None for the embedded server
    source: str  # the variable it came from, named in every connection error
    embedded_dir: Path

    @property
    def embedded(self) -> bool:
        return self.url is None

    def describe(self) -> str:
        """Where the data goes, for a person: the URL without its password, or the embedded folder."""
        if self.url is None:
            return f"the embedded PostgreSQL in {self.embedded_dir}"
        return redact_url(self.url)


@dataclass(frozen=True)
class Config:
    sec_user_agent: str
    sec_rate_limit: float
    sec_block_cooldown: float
    sec_max_blocks: int
    sec_budget_url: str
    xbrl_instance: str
    download_workers: int
    artifact_retry_max: int
    incremental_lookback_days: int
    log_format: str
    log_dir: Path
    storage_backend: str
    storage_root: str
    s3_bucket: str
    s3_region: str
    aws_endpoint_url: str
    database: DatabaseTarget
    sec_www_base_url: str
    sec_data_base_url: str
    nasdaq_trader_base_url: str
    filings_start_date: date
    filings_end_date: date
    filing_forms: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Any, *, require_user_agent: bool = True) -> Config:
        """Validate the values in a Scrapy Settings object (or any mapping); raise ConfigError.

        Jobs that send nothing to SEC (initdb, coverage, ...) pass require_user_agent=False.
        """
        raw = {name: settings.get(name) for name in VARIABLE_NAMES}
        return _Parser(raw, require_user_agent=require_user_agent).config()


class _Parser:
    """Parses every variable, collecting one problem line per bad variable."""

    def __init__(self, raw: Mapping[str, Any], *, require_user_agent: bool):
        self.require_user_agent = require_user_agent
        defaults = {v.name: v.default for v in VARIABLES}
        self.raw = {
            name: (defaults[name] if raw.get(name) is None else str(raw[name]).strip())
            for name in VARIABLE_NAMES
        }
        self.problems: list[str] = []

    def config(self) -> Config:
        start = self.iso_date("FILINGS_START_DATE")
        end = self.iso_date("FILINGS_END_DATE")
        if start and end and start > end:
            self.problems.append(
                f"FILINGS_START_DATE={start} is after FILINGS_END_DATE={end}: the window would be empty"
            )
        config = Config(
            sec_user_agent=self.user_agent(),
            sec_rate_limit=self.number("SEC_RATE_LIMIT", float, low=0, high=10, low_open=True),
            sec_block_cooldown=self.number("SEC_BLOCK_COOLDOWN", float, low=0),
            sec_max_blocks=self.number("SEC_MAX_BLOCKS", int, low=1),
            sec_budget_url=self.budget_url(),
            xbrl_instance=self.choice("XBRL_INSTANCE", ("fetch", "skip")),
            download_workers=self.number("DOWNLOAD_WORKERS", int, low=1, high=10),
            artifact_retry_max=self.number("ARTIFACT_RETRY_MAX", int, low=1),
            incremental_lookback_days=self.number("INCREMENTAL_LOOKBACK_DAYS", int, low=1),
            log_format=self.choice("LOG_FORMAT", ("json", "console")),
            log_dir=Path(self.raw["LOG_DIR"] or "logs"),
            storage_backend=self.choice("STORAGE_BACKEND", ("local", "s3")),
            storage_root=self.storage_root(),
            s3_bucket=self.s3_bucket(),
            s3_region=self.raw["S3_REGION"] or "us-east-1",
            aws_endpoint_url=self.url("AWS_ENDPOINT_URL", optional=True),
            database=self.database(),
            sec_www_base_url=self.url("SEC_WWW_BASE_URL"),
            sec_data_base_url=self.url("SEC_DATA_BASE_URL"),
            nasdaq_trader_base_url=self.url("NASDAQ_TRADER_BASE_URL"),
            filings_start_date=start or date.min,
            filings_end_date=end or date.max,
            filing_forms=self.forms(),
        )
        self.problems += made_up_identity_for_sec(config) if self.require_user_agent else []
        if self.problems:
            raise ConfigError(self.problems)
        return config

    def budget_url(self) -> str:
        value = self.raw["SEC_BUDGET_URL"]
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            self.problems.append(
                f"SEC_BUDGET_URL={redact_url(value)!r} must be a Redis URL "
                "(redis://host:6379/0, rediss://... or unix://...), or empty for no shared budget"
            )
        return value

    def user_agent(self) -> str:
        value = self.raw["SEC_USER_AGENT"]
        if not self.require_user_agent:
            return value
        if not value:
            self.problems.append(
                "SEC_USER_AGENT is not set: SEC refuses undeclared tools; set it to your name and "
                'e-mail, e.g. SEC_USER_AGENT="Acme Research data@acme.com" (in .env or the environment)'
            )
        elif value == EXAMPLE_USER_AGENT:
            self.problems.append(
                f'SEC_USER_AGENT="{value}" is the example from .env.example: put your own name and e-mail'
            )
        elif not (match := _EMAIL.search(value)):
            self.problems.append(
                f'SEC_USER_AGENT="{value}" has no e-mail address: SEC answers 403 to it; '
                'use "Company Name admin@company.com"'
            )
        elif not (value[: match.start()] + value[match.end() :]).strip():
            self.problems.append(
                f'SEC_USER_AGENT="{value}" has no name: SEC asks for "Company Name admin@company.com"'
            )
        return value

    def number(
        self,
        name: str,
        kind: Callable[[str], Any],
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
    ) -> Any:
        value = self.raw[name]
        try:
            number = kind(value)
        except ValueError:
            self.problems.append(
                f"{name}={value!r} is not {'an integer' if kind is int else 'a number'}"
            )
            return kind("0")
        if low is not None and (number <= low if low_open else number < low):
            bound = f"> {low:g}" if low_open else f">= {low:g}"
            self.problems.append(f"{name}={value} is too low: it must be {bound}")
        if high is not None and number > high:
            reason = (
                " (SEC allows at most 10 requests per second)" if name == "SEC_RATE_LIMIT" else ""
            )
            self.problems.append(f"{name}={value} is too high: it must be <= {high:g}{reason}")
        return number

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.raw[name].lower()
        if value not in choices:
            self.problems.append(f"{name}={self.raw[name]!r} must be one of: {', '.join(choices)}")
        return value

    def iso_date(self, name: str) -> date | None:
        try:
            return date.fromisoformat(self.raw[name])
        except ValueError:
            self.problems.append(f"{name}={self.raw[name]!r} is not a date in YYYY-MM-DD form")
            return None

    def url(self, name: str, *, optional: bool = False) -> str:
        value = self.raw[name].rstrip("/")
        if optional and not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problems.append(f"{name}={self.raw[name]!r} is not an http(s) URL with a host")
        elif parts.query or parts.fragment:
            self.problems.append(f"{name}={self.raw[name]!r} must not have a query or fragment")
        return value

    def forms(self) -> tuple[str, ...]:
        forms = tuple(dict.fromkeys(f.strip().upper() for f in self.raw["FILING_FORMS"].split(",")))
        forms = tuple(f for f in forms if f)
        if not forms:
            self.problems.append("FILING_FORMS is empty: name at least one form, e.g. 10-K,10-Q")
        return forms

    def storage_root(self) -> str:
        value = self.raw["STORAGE_ROOT"]
        if not value:
            self.problems.append("STORAGE_ROOT is empty: name a folder (or an S3 key prefix)")
        elif "\x00" in value:
            self.problems.append("STORAGE_ROOT contains a NUL byte")
        return value

    def s3_bucket(self) -> str:
        value = self.raw["S3_BUCKET"]
        if self.raw["STORAGE_BACKEND"].lower() == "s3" and not value:
            self.problems.append("S3_BUCKET is not set: STORAGE_BACKEND=s3 needs a bucket")
        return value

    def database(self) -> DatabaseTarget:
        embedded_dir = Path(self.raw["EMBEDDED_DB_DIR"] or "./data/postgres")
        url = self.raw["DATABASE_URL"]
        if url and self.raw["DB_HOST"]:
            self.problems.append(
                "DATABASE_URL and DB_HOST are both set: keep one, so it is clear which server is used"
            )
        if url:
            return DatabaseTarget(self.database_url(url), "DATABASE_URL", embedded_dir)
        if self.raw["DB_HOST"]:
            return DatabaseTarget(self.database_from_parts(), "DB_HOST", embedded_dir)
        return DatabaseTarget(None, "EMBEDDED_DB_DIR", embedded_dir)

    def database_url(self, value: str) -> str | None:
        parts = urlsplit(value)
        scheme = parts.scheme.split("+")[0]
        if scheme not in ("postgresql", "postgres"):
            self.problems.append(
                f"DATABASE_URL must start with postgresql:// (got {redact_url(value)!r}); "
                "the form is postgresql://user:password@host:port/dbname"
            )
            return None
        try:
            parts.port  # noqa: B018 - parsing the port is the check
        except ValueError:
            self.problems.append(f"DATABASE_URL has an invalid port: {redact_url(value)!r}")
            return None
        if not parts.path.strip("/"):
            self.problems.append(
                f"DATABASE_URL names no database: {redact_url(value)!r} (add /dbname)"
            )
            return None
        # SQLAlchemy picks the driver from the scheme; the project speaks psycopg 3.
        return "postgresql+psycopg://" + value.split("://", 1)[1]

    def database_from_parts(self) -> str | None:
        port = self.number("DB_PORT", int, low=1, high=65535)
        return URL.create(
            "postgresql+psycopg",
            username=self.raw["DB_USER"] or None,
            password=self.raw["DB_PASSWORD"] or None,
            host=self.raw["DB_HOST"],
            port=port,
            database=self.raw["DB_NAME"] or "filings",
        ).render_as_string(hide_password=False)


def made_up_identity_for_sec(config: Config) -> list[str]:
    """The demo's identity is refused where it would reach SEC itself (a host under sec.gov)."""
    if config.sec_user_agent != DEMO_USER_AGENT:
        return []
    return [
        f'SEC_USER_AGENT="{DEMO_USER_AGENT}" is the demo\'s made-up identity; {name}={url} is '
        "SEC itself: put your own name and e-mail, or point the base URLs at the mirror"
        for name, url in (
            ("SEC_WWW_BASE_URL", config.sec_www_base_url),
            ("SEC_DATA_BASE_URL", config.sec_data_base_url),
        )
        if _is_sec_host(urlsplit(url).hostname or "")
    ][:1]


def _is_sec_host(host: str) -> bool:
    return host == "sec.gov" or host.endswith(".sec.gov")


def redact_url(url: str) -> str:
    """A database URL without its password, fit for an error message or a log line."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
