"""The project's configuration: one model of every setting, the only reader of the environment and `.env`.

Each field says once its name, type, bounds, allowed values, default and description; the
validation, `.env.example` and docs/configuration.md (config_reference.py) all come from it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from dotenv import dotenv_values
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonDict
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from scrapy.settings import default_settings
from sqlalchemy.engine import URL

# The value shipped in .env.example. SEC would see it as undeclared, so it is refused like no value.
EXAMPLE_USER_AGENT = "Example Company admin@example.com"
# The identity `make demo` writes in data/demo/.env. It is made up, so it may reach only the local
# mirror: with any of SEC's own hosts it is refused like the example.
DEMO_USER_AGENT = "filings_crawler demo demo@filings-crawler.dev"

# SEC asks for "Sample Company Name AdminContact@<sample company domain>.com": a name and an address.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def setting(
    default: Any,
    description: str,
    *,
    group: str | None = None,
    more: str = "",
    empty_is_default: bool = True,
    too_high: str = "",
    **bounds: Any,
) -> Any:
    """One field: its default, its description (.env.example's comment, the docs' first words),
    the .env.example section it is listed in (None: a tuning setting, in the docs only), and
    what the docs say `more`. An empty value is the default unless `empty_is_default=False`."""
    extra: JsonDict = {
        "group": group,
        "more": more,
        "empty_is_default": empty_is_default,
        "too_high": too_high,
    }
    return Field(default, description=description, json_schema_extra=extra, **bounds)


def extra(field: FieldInfo) -> dict[str, Any]:
    """What setting() recorded beside the description: group, more, empty_is_default, too_high."""
    assert isinstance(field.json_schema_extra, dict)
    return dict(field.json_schema_extra)


_SEC = "SEC access"
_LOGGING = "Logging"
_STORAGE = "Storage"
_DATABASE = (
    "Database: DATABASE_URL, or DB_HOST and the other DB_* variables; neither starts the "
    "embedded PostgreSQL"
)
_SOURCES = "Where the data comes from (point these at a mirror to run offline)"
_SCOPE = "What is in scope"


class ConfigError(Exception):
    """One or more settings are wrong; each line of the message names one setting."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Config(BaseSettings):
    """Every setting of the project, validated. Each is a variable of the environment or `.env`
    and a Scrapy setting of the same name (`-s NAME=VALUE`), upper case; the attribute is the
    name in lower case.

    The fields are in the order of the docs, and some checks read an earlier field (`info.data`):
    STORAGE_BACKEND before S3_BUCKET, DATABASE_URL before DB_HOST, FILINGS_START_DATE before
    FILINGS_END_DATE, SEC_USER_AGENT and SEC_WWW_BASE_URL before SEC_DATA_BASE_URL.
    """

    model_config = SettingsConfigDict(
        alias_generator=str.upper, case_sensitive=True, frozen=True, extra="ignore"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given: environment_settings() has read the environment and `.env`
        into Scrapy's settings, where `-s` overrides them, and those are what a job runs with."""
        return (init_settings,)

    sec_user_agent: str = setting(
        "",
        "Required. Who you are, as SEC asks: `Company Name admin@company.com`.",
        group=_SEC,
        more="The example value of `.env.example` is refused too, and so is the demo's "
        "(`data/demo/.env`) with SEC's own hosts.",
    )
    sec_rate_limit: float = setting(
        10.0,
        "Requests per second to all SEC hosts together; 0 < value <= 10.",
        group=_SEC,
        gt=0,
        le=10,
        too_high=" (SEC allows at most 10 requests per second)",
    )
    sec_block_cooldown: float = setting(
        660.0,
        "Seconds to pause after SEC's rate-threshold block page.",
        group=_SEC,
        more="SEC blocks for 10 minutes.",
        ge=0,
    )
    sec_max_blocks: int = setting(
        3, "Blocks in one run after which the crawl stops, ready to resume.", group=_SEC, ge=1
    )
    sec_budget_url: str = setting(
        "",
        "Redis URL (redis://host:6379/0) of a budget shared by every crawl, on any machine; "
        "empty: one crawl per database, its own budget.",
        group=_SEC,
        more="With it: one breaker, priorities, and the documents queue leased "
        "([several crawls](operations.md#several-crawls-one-budget-sec_budget_url)).",
    )
    download_workers: int = setting(
        8, "Concurrent SEC requests in flight (1..10).", group=_SEC, ge=1, le=10
    )
    xbrl_instance: Literal["fetch", "skip"] = setting(
        "skip",
        "skip: one request per inline filing, its facts read from its inline documents; fetch: "
        "also store SEC's extracted XBRL instance (*_htm.xml), a second request per inline filing.",
        group=_SEC,
        more="See [facts](analysis.md).",
    )
    artifact_retry_max: int = setting(
        3, "Attempts per artifact before it stays `failed`.", group=_SEC, ge=1
    )
    incremental_lookback_days: int = setting(
        7, "Days of EDGAR's daily index the incremental crawl reads.", group=_SEC, ge=1
    )
    log_format: Literal["json", "console"] = setting(
        "json", "`json` (one object per line) or `console` (readable lines).", group=_LOGGING
    )
    log_dir: Path = setting(
        Path("logs"), "Folder of the per-job log files `<job>-<timestamp>.log`.", group=_LOGGING
    )
    storage_backend: Literal["local", "s3"] = setting(
        "local", "`local` (disk under STORAGE_ROOT) or `s3` (S3_BUCKET).", group=_STORAGE
    )
    storage_root: str = setting(
        "./data/filings",
        "Folder (or S3 key prefix) of the stored filings.",
        group=_STORAGE,
        empty_is_default=False,
    )
    listings_ref_dir: Path = setting(
        Path("data/listings_ref"),
        "Folder where the raw symbol directory files are kept, one per version.",
        group=_STORAGE,
    )
    s3_bucket: str = setting("", "Bucket for STORAGE_BACKEND=s3.", group=_STORAGE)
    s3_region: str = setting("us-east-1", "Region of S3_BUCKET.", group=_STORAGE)
    aws_endpoint_url: str = setting(
        "", "Another S3 endpoint (MinIO, moto); empty for AWS itself.", group=_STORAGE
    )
    database_url: str = setting(
        "",
        "`postgresql://user:password@host:port/dbname`; empty: DB_* or embedded.",
        group=_DATABASE,
        more="Not together with `DB_HOST`.",
    )
    db_host: str = setting("", "Database host, when DATABASE_URL is not used.", group=_DATABASE)
    db_port: int = setting(5432, "Database port (with DB_HOST).", group=_DATABASE, ge=1, le=65535)
    db_name: str = setting("filings", "Database name (with DB_HOST).", group=_DATABASE)
    db_user: str = setting("postgres", "Database user (with DB_HOST).", group=_DATABASE)
    db_password: str = setting("", "Database password (with DB_HOST).", group=_DATABASE)
    embedded_db_dir: str = setting(
        "./data/postgres",
        "Data folder of the embedded PostgreSQL, used when no database is set.",
        group=_DATABASE,
        more="A database is set by `DATABASE_URL` or `DB_HOST`.",
    )
    sec_www_base_url: str = setting(
        "https://www.sec.gov", "Base of EDGAR archives and reference files.", group=_SOURCES
    )
    sec_data_base_url: str = setting(
        "https://data.sec.gov", "Base of the submissions JSON API.", group=_SOURCES
    )
    nasdaq_trader_base_url: str = setting(
        "https://www.nasdaqtrader.com", "Base of the symbol directory.", group=_SOURCES
    )
    filings_start_date: date = setting(
        date(2023, 1, 1), "First filing date in scope (inclusive).", group=_SCOPE
    )
    filings_end_date: date = setting(
        date(2025, 12, 31), "Last filing date in scope (inclusive).", group=_SCOPE
    )
    filing_forms: tuple[str, ...] = setting(
        ("10-K", "10-K/A", "10-Q", "10-Q/A"),
        "Forms in scope, comma-separated, exactly as SEC names them.",
        group=_SCOPE,
        empty_is_default=False,
    )

    # -- Tuning: the docs list these; .env.example does not, as few runs change them.
    sec_rate_margin: float = setting(
        0.06,
        "Seconds (60 ms) the budget's one-second window is widened by: SEC counts where "
        "requests arrive, and the network delays each differently.",
        more="Keep it above the spread of your network's delays to SEC "
        "([budget](budget.md#the-margin-where-sec-counts)).",
        ge=0,
        le=1,
    )
    nasdaq_trader_rate_limit: float = setting(
        1.0,
        "Requests per second to NASDAQ Trader, in its own slot and limiter.",
        more="NASDAQ Trader publishes no limit; two files a day need no more.",
        gt=0,
        le=10,
    )
    sec_backoff_base: float = setting(
        1.0,
        "Seconds of the first pause after a 429 (or a run of 5xx) without `Retry-After`; it "
        "doubles while they go on, jittered by ±50%.",
        gt=0,
    )
    sec_recovery_seconds: float = setting(
        10.0,
        "Each quiet interval of this many seconds, counted from the end of a pause, gives back "
        "a tenth of the limit, up to just below any rate SEC blocked.",
        gt=0,
    )
    sec_lock_wait: float = setting(
        0.0,
        "Seconds a crawl waits for another SEC crawl on the same database; `0`: it exits at "
        "once (status 3), naming the run that holds the budget "
        "([one budget per user](operations.md#one-budget-per-user)).",
        ge=0,
    )
    budget_log_interval: float = setting(
        60.0,
        "Seconds between the budget's log lines: requests per second, current rate, any pause.",
        gt=0,
    )
    benchmark_unlimited_rate: bool = setting(
        False,
        "Benchmarks only (`benchmarks/run.py`): no rate limit.",
        more="Refused unless every base URL is on this machine.",
    )
    benchmark_concurrency: int = setting(
        32, "Benchmarks only: SEC requests in flight with `BENCHMARK_UNLIMITED_RATE`.", ge=1
    )
    progress_interval: float = setting(
        60.0,
        "Seconds between the progress lines of long crawls (items, requests/s, what is left, "
        "an estimate), kept in `execution_runs` too; `0`: none.",
        ge=0,
    )
    database_batch_size: int = setting(500, "Records per upsert batch.", ge=1)
    database_flush_seconds: float = setting(
        2.0, "The longest a discovery record waits in the batch.", gt=0
    )
    store_exhibits: bool = setting(
        False,
        "Also store exhibits (EX-31, EX-32, ...).",
        more="The dataset is the primary document, its images and its XBRL files.",
    )
    export_batch_item_count: int = setting(
        1000,
        "With `STORAGE_BACKEND=s3`, the records per exported JSON-lines file "
        "([storage](storage.md#s3)).",
        ge=1,
    )
    listings_min_rows: int = setting(
        1000,
        "The fewest rows a symbol directory file may have; fewer is refused as truncated.",
        more="The real ones have ~5,000 and ~6,600.",
        ge=0,
    )

    @classmethod
    def from_settings(cls, settings: Any, *, require_user_agent: bool = True) -> Config:
        """Validate the values in a Scrapy Settings object (or any mapping); raise ConfigError
        with one line per problem, every problem at once.

        Jobs that send nothing to SEC (initdb, coverage, ...) pass require_user_agent=False.
        The same values give the same Config without a second validation, so a job's command,
        its add-on and its components share one.
        """
        raw = {name: settings.get(name) for name in SETTING_NAMES}
        raw = {name: value for name, value in raw.items() if value is not None}
        unknown = tuple(unknown_names(settings))
        key = (require_user_agent, unknown, tuple((k, repr(v)) for k, v in sorted(raw.items())))
        if (known := _validated.get(key)) is not None:
            return known
        problems = [not_a_setting(name) for name in unknown]
        sends = _SENDS_REQUESTS.set(require_user_agent)
        try:
            config = cls(**raw)
        except ValidationError as error:
            problems += [problem(detail) for detail in error.errors()]
        finally:
            _SENDS_REQUESTS.reset(sends)
        if problems:
            raise ConfigError(problems)
        if len(_validated) > 64:
            _validated.clear()
        _validated[key] = config
        return config

    @property
    def database(self) -> DatabaseTarget:
        """Where the database is, from DATABASE_URL, DB_HOST and DB_*, or EMBEDDED_DB_DIR."""
        embedded_dir = Path(self.embedded_db_dir)
        if self.database_url:
            # SQLAlchemy picks the driver from the scheme; the project speaks psycopg 3.
            url = "postgresql+psycopg://" + self.database_url.split("://", 1)[1]
            return DatabaseTarget(url, "DATABASE_URL", embedded_dir)
        if self.db_host:
            url = URL.create(
                "postgresql+psycopg",
                username=self.db_user or None,
                password=self.db_password or None,
                host=self.db_host,
                port=self.db_port,
                database=self.db_name,
            ).render_as_string(hide_password=False)
            return DatabaseTarget(url, "DB_HOST", embedded_dir)
        return DatabaseTarget(None, "EMBEDDED_DB_DIR", embedded_dir)

    # -- validation: a ValueError's text is the problem's whole line

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> Any:
        """Strip text; an empty value is the default (most), and a choice is case-blind."""
        if not isinstance(value, str):
            return value
        value = value.strip()
        assert info.field_name is not None
        field = cls.model_fields[info.field_name]
        if not value and extra(field)["empty_is_default"]:
            return field.default
        return value.lower() if get_origin(field.annotation) is Literal else value

    @field_validator("sec_user_agent")
    @classmethod
    def _declared(cls, value: str, info: ValidationInfo) -> str:
        if not sends_requests():
            return value
        if not value:
            raise ValueError(
                "SEC_USER_AGENT is not set: SEC refuses undeclared tools; set it to your name and "
                'e-mail, e.g. SEC_USER_AGENT="Acme Research data@acme.com" (in .env or the environment)'
            )
        if value == EXAMPLE_USER_AGENT:
            raise ValueError(
                f'SEC_USER_AGENT="{value}" is the example from .env.example: put your own name and e-mail'
            )
        if not (match := _EMAIL.search(value)):
            raise ValueError(
                f'SEC_USER_AGENT="{value}" has no e-mail address: SEC answers 403 to it; '
                'use "Company Name admin@company.com"'
            )
        if not (value[: match.start()] + value[match.end() :]).strip():
            raise ValueError(
                f'SEC_USER_AGENT="{value}" has no name: SEC asks for "Company Name admin@company.com"'
            )
        return value

    @field_validator("sec_budget_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"SEC_BUDGET_URL={redact_url(value)!r} must be a Redis URL "
                "(redis://host:6379/0, rediss://... or unix://...), or empty for no shared budget"
            )
        return value

    @field_validator("storage_root")
    @classmethod
    def _storage_root(cls, value: str) -> str:
        if not value:
            raise ValueError("STORAGE_ROOT is empty: name a folder (or an S3 key prefix)")
        if "\x00" in value:
            raise ValueError("STORAGE_ROOT contains a NUL byte")
        return value

    @field_validator("s3_bucket")
    @classmethod
    def _bucket(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("storage_backend") == "s3" and not value:
            raise ValueError("S3_BUCKET is not set: STORAGE_BACKEND=s3 needs a bucket")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
            raise ValueError(
                f"DATABASE_URL must start with postgresql:// (got {redact_url(value)!r}); "
                "the form is postgresql://user:password@host:port/dbname"
            )
        try:
            parts.port  # noqa: B018 - parsing the port is the check
        except ValueError:
            raise ValueError(f"DATABASE_URL has an invalid port: {redact_url(value)!r}") from None
        if not parts.path.strip("/"):
            raise ValueError(f"DATABASE_URL names no database: {redact_url(value)!r} (add /dbname)")
        return value

    @field_validator("db_host")
    @classmethod
    def _one_database(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("database_url"):
            raise ValueError(
                "DATABASE_URL and DB_HOST are both set: keep one, so it is clear which server is used"
            )
        return value

    @field_validator("aws_endpoint_url", "sec_www_base_url", "nasdaq_trader_base_url")
    @classmethod
    def _base_url(cls, value: str, info: ValidationInfo) -> str:
        return http_url(value, info)

    @field_validator("sec_data_base_url")
    @classmethod
    def _data_base_url(cls, value: str, info: ValidationInfo) -> str:
        value = http_url(value, info)
        user_agent = info.data.get("sec_user_agent")
        if sends_requests() and user_agent == DEMO_USER_AGENT:
            urls = {
                "SEC_WWW_BASE_URL": info.data.get("sec_www_base_url", ""),
                "SEC_DATA_BASE_URL": value,
            }
            for name, url in urls.items():
                if _is_sec_host(urlsplit(url).hostname or ""):
                    raise ValueError(
                        f'SEC_USER_AGENT="{DEMO_USER_AGENT}" is the demo\'s made-up identity; '
                        f"{name}={url} is SEC itself: put your own name and e-mail, or point the "
                        "base URLs at the mirror"
                    )
        return value

    @field_validator("filings_end_date")
    @classmethod
    def _window(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("filings_start_date")
        if start and start > value:
            raise ValueError(
                f"FILINGS_START_DATE={start} is after FILINGS_END_DATE={value}: the window would be empty"
            )
        return value

    @field_validator("filing_forms", mode="before")
    @classmethod
    def _forms_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            forms = (str(form).strip().upper() for form in value)
            return tuple(dict.fromkeys(form for form in forms if form))
        return value

    @field_validator("filing_forms")
    @classmethod
    def _some_form(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("FILING_FORMS is empty: name at least one form, e.g. 10-K,10-Q")
        return value


# Whether the job being validated sends requests to SEC (BaseSettings takes no validation
# context): jobs that send nothing need no SEC_USER_AGENT.
_SENDS_REQUESTS: ContextVar[bool] = ContextVar("sends_requests", default=True)


def sends_requests() -> bool:
    return _SENDS_REQUESTS.get()


def http_url(value: str, info: ValidationInfo) -> str:
    assert info.field_name is not None
    name = info.field_name.upper()
    url = value.rstrip("/")
    if name == "AWS_ENDPOINT_URL" and not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name}={value!r} is not an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise ValueError(f"{name}={value!r} must not have a query or fragment")
    return url


def _is_sec_host(host: str) -> bool:
    return host == "sec.gov" or host.endswith(".sec.gov")


# Every setting's name (SEC_USER_AGENT, ...), in the model's order.
SETTING_NAMES: tuple[str, ...] = tuple(name.upper() for name in Config.model_fields)
# The variables: the settings .env.example lists (the others are tuning, in the docs only).
VARIABLE_NAMES = frozenset(
    name.upper() for name, field in Config.model_fields.items() if extra(field)["group"]
)

# A name with one of these prefixes (each setting's first word, unless Scrapy has a setting of
# that word too) is taken for one of ours: if it is none of them, it is a typo, refused rather
# than silently ignored.
_SCRAPY_NAMES = frozenset(name for name in dir(default_settings) if name.isupper())
_FIRST_WORDS = {name.split("_", 1)[0] + "_" for name in SETTING_NAMES}
PROJECT_PREFIXES = tuple(
    sorted(p for p in _FIRST_WORDS if not any(n.startswith(p) for n in _SCRAPY_NAMES))
)
# The words ours share with Scrapy's settings (LOG_, DOWNLOAD_, AWS_): there, and in the
# environment, which is every program's, a name is refused only if it is close to one of ours
# (DOWNLOAD_WORKRS), so Scrapy's settings, a plugin's or another program's variables
# (FILINGS_TEST_SESSION, BENCHMARK_DATABASE_URL) are never taken for a typo.
SHARED_PREFIXES = tuple(sorted(_FIRST_WORDS - set(PROJECT_PREFIXES)))
_NEAR_MISS = 0.85


def misspelt(name: str, *, near_misses_only: bool = False) -> bool:
    """Whether `name` looks like a setting of ours but is none (nor one of Scrapy's).

    With near_misses_only (the environment), only a name close to one of ours counts.
    """
    if name in SETTING_NAMES or name in _SCRAPY_NAMES:
        return False
    if name.startswith(PROJECT_PREFIXES) and not near_misses_only:
        return True
    return name.startswith(PROJECT_PREFIXES + SHARED_PREFIXES) and bool(
        difflib.get_close_matches(name, SETTING_NAMES, n=1, cutoff=_NEAR_MISS)
    )


def unknown_names(settings: Iterable[Any]) -> list[str]:
    """The names in `settings` (given with -s, or in .env) that look like ours but are none."""
    return sorted(name for name in settings if isinstance(name, str) and misspelt(name))


def not_a_setting(name: str) -> str:
    line = f"{name} is not a setting of filings_crawler"
    if match := difflib.get_close_matches(name, SETTING_NAMES, n=1):
        return f"{line}; did you mean {match[0]}?"
    return f"{line}; docs/configuration.md lists them"


# What a value of the wrong type must be, by the start of pydantic's error type.
_NOT_A = {
    "int_": "is not an integer",
    "float_": "is not a number",
    "bool_": "is not true or false",
    "date_": "is not a date in YYYY-MM-DD form",
}


def problem(error: Any) -> str:
    """One line for one of pydantic's errors, naming the setting and what it must be."""
    name = str(error["loc"][0]) if error["loc"] else ""
    value, kind, context = error["input"], error["type"], error.get("ctx", {})
    field = Config.model_fields.get(name.lower())
    if kind == "value_error":  # one of the validators above: its text is the line
        return str(context["error"])
    if what := next((text for start, text in _NOT_A.items() if kind.startswith(start)), None):
        return f"{name}={value!r} {what}"
    if kind in ("greater_than", "greater_than_equal"):
        bound = f"> {context['gt']:g}" if kind == "greater_than" else f">= {context['ge']:g}"
        return f"{name}={value} is too low: it must be {bound}"
    if kind in ("less_than", "less_than_equal"):
        bound = f"< {context['lt']:g}" if kind == "less_than" else f"<= {context['le']:g}"
        reason = extra(field)["too_high"] if field else ""
        return f"{name}={value} is too high: it must be {bound}{reason}"
    if kind == "literal_error" and field is not None:
        return f"{name}={value!r} must be one of: {', '.join(get_args(field.annotation))}"
    return f"{name}={value!r}: {error['msg']}"


_validated: dict[tuple[Any, ...], Config] = {}
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


def as_text(value: Any) -> str:
    """A value as one writes it in `.env` or `-s`: 10, 0.06, true, 2023-01-01, 10-K,10-Q."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def environment_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every setting from the environment, then `.env`, then its default, as text.

    A real environment variable wins over `.env`, as with every dotenv tool. `ENV_FILE` names
    another file; `ENV_FILE=` (empty) reads none, which is how the tests stay hermetic. A name
    that looks like a setting but is none (SEC_RATE_LIMT) comes along, for Config to refuse.
    """
    environ = os.environ if environ is None else environ
    env_file = environ.get("ENV_FILE", ".env")
    from_file = dotenv_values(env_file) if env_file and Path(env_file).is_file() else {}
    values = {}
    for name, field in zip(SETTING_NAMES, Config.model_fields.values(), strict=True):
        value = environ.get(name)
        if value is None:
            value = from_file.get(name)
        value = as_text(field.default) if value is None else value
        # An empty value is no value: Scrapy's own default (None) stands, e.g. for
        # AWS_ENDPOINT_URL, which Scrapy's S3 feed storage also reads.
        if value != "":
            values[name] = value
    for name, value in from_file.items():
        if misspelt(name):
            values[name] = value or ""
    for name, value in environ.items():
        if misspelt(name, near_misses_only=True):
            values[name] = value
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


def redact_url(url: str) -> str:
    """A database URL without its password, fit for an error message or a log line."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
