"""Configuration: defaults, precedence, and one clear line naming each bad variable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from filings_crawler.config import (
    DEMO_USER_AGENT,
    EXAMPLE_USER_AGENT,
    VARIABLES,
    Config,
    ConfigError,
    environment_settings,
)

GOOD = {"SEC_USER_AGENT": "Acme Research data@acme.com"}


def config(**values: str) -> Config:
    return Config.from_settings({**GOOD, **values})


def problems(**values: str) -> list[str]:
    with pytest.raises(ConfigError) as error:
        config(**values)
    return error.value.problems


def test_defaults_are_the_documented_ones():
    c = config()
    assert c.sec_rate_limit == 10
    assert c.sec_block_cooldown == 660
    assert c.sec_max_blocks == 3
    assert c.download_workers == 8
    assert c.artifact_retry_max == 3
    assert c.incremental_lookback_days == 7
    assert c.log_format == "json"
    assert c.storage_backend == "local"
    assert c.storage_root == "./data/filings"
    assert c.s3_region == "us-east-1"
    assert c.sec_www_base_url == "https://www.sec.gov"
    assert c.sec_data_base_url == "https://data.sec.gov"
    assert c.nasdaq_trader_base_url == "https://www.nasdaqtrader.com"
    assert c.filings_start_date == date(2023, 1, 1)
    assert c.filings_end_date == date(2025, 12, 31)
    assert c.filing_forms == ("10-K", "10-K/A", "10-Q", "10-Q/A")
    assert c.database.embedded
    assert c.database.embedded_dir == Path("data/postgres")


@pytest.mark.parametrize(
    ("values", "variable", "words"),
    [
        ({"SEC_USER_AGENT": ""}, "SEC_USER_AGENT", "not set"),
        ({"SEC_USER_AGENT": "Scrapy/2.19 (+https://scrapy.org)"}, "SEC_USER_AGENT", "no e-mail"),
        ({"SEC_USER_AGENT": "Acme Research"}, "SEC_USER_AGENT", "no e-mail"),
        ({"SEC_USER_AGENT": "data@acme.com"}, "SEC_USER_AGENT", "no name"),
        ({"SEC_USER_AGENT": EXAMPLE_USER_AGENT}, "SEC_USER_AGENT", "example"),
        ({"SEC_RATE_LIMIT": "20"}, "SEC_RATE_LIMIT", "too high"),
        ({"SEC_RATE_LIMIT": "0"}, "SEC_RATE_LIMIT", "too low"),
        ({"SEC_RATE_LIMIT": "fast"}, "SEC_RATE_LIMIT", "not a number"),
        ({"DOWNLOAD_WORKERS": "11"}, "DOWNLOAD_WORKERS", "too high"),
        ({"DOWNLOAD_WORKERS": "0"}, "DOWNLOAD_WORKERS", "too low"),
        ({"DOWNLOAD_WORKERS": "2.5"}, "DOWNLOAD_WORKERS", "not an integer"),
        ({"SEC_MAX_BLOCKS": "0"}, "SEC_MAX_BLOCKS", "too low"),
        ({"SEC_BLOCK_COOLDOWN": "-1"}, "SEC_BLOCK_COOLDOWN", "too low"),
        ({"ARTIFACT_RETRY_MAX": "0"}, "ARTIFACT_RETRY_MAX", "too low"),
        ({"INCREMENTAL_LOOKBACK_DAYS": "0"}, "INCREMENTAL_LOOKBACK_DAYS", "too low"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT", "json, console"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND", "local, s3"),
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET", "not set"),
        ({"STORAGE_ROOT": ""}, "STORAGE_ROOT", "empty"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL", "postgresql://"),
        ({"DATABASE_URL": "postgresql://u@localhost:99999/x"}, "DATABASE_URL", "port"),
        ({"DATABASE_URL": "postgresql://u@localhost:5432"}, "DATABASE_URL", "no database"),
        ({"DATABASE_URL": "postgresql://u@h/x", "DB_HOST": "h"}, "DATABASE_URL", "both"),
        ({"DB_HOST": "h", "DB_PORT": "port"}, "DB_PORT", "not an integer"),
        ({"SEC_WWW_BASE_URL": "www.sec.gov"}, "SEC_WWW_BASE_URL", "http(s) URL"),
        ({"SEC_DATA_BASE_URL": "ftp://data.sec.gov"}, "SEC_DATA_BASE_URL", "http(s) URL"),
        ({"NASDAQ_TRADER_BASE_URL": "https://x?y=1"}, "NASDAQ_TRADER_BASE_URL", "query"),
        ({"FILINGS_START_DATE": "01/01/2023"}, "FILINGS_START_DATE", "YYYY-MM-DD"),
        ({"FILINGS_END_DATE": "2022-12-31"}, "FILINGS_START_DATE", "after"),
        ({"FILING_FORMS": " , "}, "FILING_FORMS", "empty"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(values, variable, words):
    lines = problems(**values)
    assert len(lines) == 1, lines
    assert lines[0].startswith(variable), lines[0]
    assert words in lines[0]
    assert "\n" not in lines[0]


@pytest.mark.parametrize(
    "urls",
    [
        {},
        {"SEC_DATA_BASE_URL": "http://127.0.0.1:8000/data.sec.gov"},
        {
            "SEC_WWW_BASE_URL": "http://127.0.0.1:8000/www.sec.gov",
            "SEC_DATA_BASE_URL": "https://SEC.GOV",
        },
    ],
)
def test_the_demo_identity_is_refused_for_sec_itself(urls):
    lines = problems(SEC_USER_AGENT=DEMO_USER_AGENT, **urls)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f'SEC_USER_AGENT="{DEMO_USER_AGENT}" is the demo')
    assert "SEC itself" in lines[0]


def test_the_demo_identity_may_reach_the_mirror():
    mirror = {
        "SEC_WWW_BASE_URL": "http://127.0.0.1:8000/www.sec.gov",
        "SEC_DATA_BASE_URL": "http://127.0.0.1:8000/data.sec.gov",
    }
    assert config(SEC_USER_AGENT=DEMO_USER_AGENT, **mirror).sec_user_agent == DEMO_USER_AGENT
    # A job that sends nothing (status, verify) takes the demo's file whatever its URLs.
    assert Config.from_settings({"SEC_USER_AGENT": DEMO_USER_AGENT}, require_user_agent=False)


def test_every_problem_is_reported_at_once():
    lines = problems(SEC_USER_AGENT="", SEC_RATE_LIMIT="20", DOWNLOAD_WORKERS="11")
    assert [line.split(" ")[0].split("=")[0] for line in lines] == [
        "SEC_USER_AGENT",
        "SEC_RATE_LIMIT",
        "DOWNLOAD_WORKERS",
    ]


def test_jobs_that_send_nothing_to_sec_do_not_need_a_user_agent():
    c = Config.from_settings({"SEC_USER_AGENT": ""}, require_user_agent=False)
    assert c.sec_user_agent == ""


def test_boundaries_are_accepted():
    c = config(SEC_RATE_LIMIT="10", DOWNLOAD_WORKERS="10", SEC_MAX_BLOCKS="1")
    assert (c.sec_rate_limit, c.download_workers, c.sec_max_blocks) == (10, 10, 1)
    assert config(SEC_RATE_LIMIT="0.5").sec_rate_limit == 0.5
    assert config(DOWNLOAD_WORKERS="1").download_workers == 1


def test_database_url_is_given_to_sqlalchemy_with_psycopg3():
    c = config(DATABASE_URL="postgresql://etl:s3cret@db.internal:6543/edgar")
    assert c.database.url == "postgresql+psycopg://etl:s3cret@db.internal:6543/edgar"
    assert c.database.source == "DATABASE_URL"
    assert "s3cret" not in c.database.describe()
    assert config(DATABASE_URL="postgres://u@h/x").database.url == "postgresql+psycopg://u@h/x"


def test_database_from_parts():
    c = config(
        DB_HOST="db.internal", DB_PORT="6543", DB_USER="etl", DB_PASSWORD="p@ss", DB_NAME="edgar"
    )
    assert c.database.source == "DB_HOST"
    assert c.database.url == "postgresql+psycopg://etl:p%40ss@db.internal:6543/edgar"


def test_values_are_normalised():
    c = config(
        SEC_WWW_BASE_URL="http://127.0.0.1:8080/www.sec.gov/",
        FILING_FORMS="10-k, 10-Q,10-k",
        LOG_FORMAT="CONSOLE",
    )
    assert c.sec_www_base_url == "http://127.0.0.1:8080/www.sec.gov"
    assert c.filing_forms == ("10-K", "10-Q")
    assert c.log_format == "console"


def test_environment_wins_over_dotenv_which_wins_over_defaults(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        'SEC_RATE_LIMIT=5\nDOWNLOAD_WORKERS=4\nSEC_USER_AGENT="From File f@file.com"\n'
    )
    values = environment_settings({"ENV_FILE": str(env_file), "SEC_RATE_LIMIT": "7"})
    assert values["SEC_RATE_LIMIT"] == "7"
    assert values["DOWNLOAD_WORKERS"] == "4"
    assert values["SEC_USER_AGENT"] == "From File f@file.com"
    assert values["SEC_MAX_BLOCKS"] == "3"


def test_an_empty_env_file_setting_reads_no_file(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("SEC_RATE_LIMIT=5\n")
    monkeypatch.chdir(tmp_path)
    assert environment_settings({})["SEC_RATE_LIMIT"] == "5"
    assert environment_settings({"ENV_FILE": ""})["SEC_RATE_LIMIT"] == "10"


def test_every_variable_with_a_value_is_a_scrapy_setting():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for variable in VARIABLES:
        if variable.default:
            assert variable.name in settings, variable.name
    assert environment_settings({"AWS_ENDPOINT_URL": ""}).get("AWS_ENDPOINT_URL") is None
