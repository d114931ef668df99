"""Configuration: defaults, precedence, and one clear line naming each bad variable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scrapy.settings import Settings

from filings_crawler.config import (
    DEMO_USER_AGENT,
    EXAMPLE_USER_AGENT,
    PROJECT_PREFIXES,
    SETTING_NAMES,
    SHARED_PREFIXES,
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


def test_every_setting_with_a_value_is_a_scrapy_setting():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name, field in zip(SETTING_NAMES, Config.model_fields.values(), strict=True):
        if field.default not in ("", None):
            assert name in settings, name
    assert environment_settings({"AWS_ENDPOINT_URL": ""}).get("AWS_ENDPOINT_URL") is None
    # The tuning settings too, so `-s` and the environment reach them and they are validated.
    assert {"SEC_RATE_MARGIN", "DATABASE_BATCH_SIZE", "STORE_EXHIBITS"} <= set(SETTING_NAMES)
    assert Config.from_settings(settings, require_user_agent=False).database_batch_size == 500


@pytest.mark.parametrize(
    ("values", "variable", "words"),
    [
        ({"DATABASE_BATCH_SIZE": "0"}, "DATABASE_BATCH_SIZE", "too low"),
        ({"STORE_EXHIBITS": "maybe"}, "STORE_EXHIBITS", "true or false"),
        ({"SEC_RATE_MARGIN": "-0.1"}, "SEC_RATE_MARGIN", "too low"),
        ({"PROGRESS_INTERVAL": "soon"}, "PROGRESS_INTERVAL", "not a number"),
    ],
)
def test_the_tuning_settings_are_validated_too(values, variable, words):
    [line] = problems(**values)
    assert line.startswith(variable), line
    assert words in line


def test_the_tuning_settings_are_typed():
    c = config(STORE_EXHIBITS="true", SEC_RATE_MARGIN="0.1", DATABASE_BATCH_SIZE="50")
    assert (c.store_exhibits, c.sec_rate_margin, c.database_batch_size) == (True, 0.1, 50)


def test_the_same_values_are_validated_once():
    # A job's command, its add-on and its crawler's components share one Config.
    assert config(SEC_RATE_LIMIT="5") is config(SEC_RATE_LIMIT="5")
    assert config(SEC_RATE_LIMIT="5") is not config(SEC_RATE_LIMIT="6")


# -- a misspelled setting is refused, from every source ------------------------------------------

MISSPELT = "SEC_RATE_LIMT is not a setting of filings_crawler; did you mean SEC_RATE_LIMIT?"


def test_the_prefixes_are_the_settings_first_words_but_not_scrapys():
    assert {"SEC_", "STORAGE_", "S3_", "DATABASE_", "ARTIFACT_", "XBRL_", "DB_"} <= set(
        PROJECT_PREFIXES
    )
    # Scrapy has LOG_LEVEL, DOWNLOAD_DELAY and AWS_ACCESS_KEY_ID: those words are not ours alone.
    assert not {"LOG_", "DOWNLOAD_", "AWS_"} & set(PROJECT_PREFIXES)
    assert set(SHARED_PREFIXES) == {"LOG_", "DOWNLOAD_", "AWS_"}


def test_a_misspelled_setting_given_with_dash_s_is_refused():
    settings = Settings({**GOOD, "LOG_FORMAT": "json"})
    settings.set("SEC_RATE_LIMT", "5", priority="cmdline")
    with pytest.raises(ConfigError) as error:
        Config.from_settings(settings)
    assert error.value.problems == [MISSPELT]


def test_a_misspelled_variable_in_the_environment_is_refused():
    values = environment_settings({"ENV_FILE": "", **GOOD, "SEC_RATE_LIMT": "5"})
    with pytest.raises(ConfigError) as error:
        Config.from_settings(values)
    assert error.value.problems == [MISSPELT]


def test_a_misspelled_variable_in_the_env_file_is_refused(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text('SEC_USER_AGENT="Acme Research data@acme.com"\nSTORAGE_RUT=/data\n')
    values = environment_settings({"ENV_FILE": str(env_file)})
    with pytest.raises(ConfigError) as error:
        Config.from_settings(values)
    assert error.value.problems == [
        "STORAGE_RUT is not a setting of filings_crawler; did you mean STORAGE_ROOT?"
    ]


def test_a_misspelled_name_comes_first_and_with_every_other_problem():
    lines = problems(SEC_RATE_LIMT="5", SEC_RATE_LIMIT="20", S3_BUKET="b")
    assert lines[0] == "S3_BUKET is not a setting of filings_crawler; did you mean S3_BUCKET?"
    assert lines[1] == MISSPELT
    assert lines[2].startswith("SEC_RATE_LIMIT=20 is too high")


def test_a_near_miss_of_a_setting_that_shares_a_word_with_scrapys_is_refused(tmp_path):
    # DOWNLOAD_ and LOG_ are Scrapy's words too: only a name close to one of ours is a typo.
    lines = problems(DOWNLOAD_WORKRS="3", LOG_FORMT="console", DOWNLOAD_SOMETHING_ELSE="1")
    assert lines == [
        "DOWNLOAD_WORKRS is not a setting of filings_crawler; did you mean DOWNLOAD_WORKERS?",
        "LOG_FORMT is not a setting of filings_crawler; did you mean LOG_FORMAT?",
    ]
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_DIRR=/tmp/logs\n")
    values = environment_settings({"ENV_FILE": str(env_file), **GOOD})
    with pytest.raises(ConfigError) as error:
        Config.from_settings(values)
    assert error.value.problems == [
        "LOG_DIRR is not a setting of filings_crawler; did you mean LOG_DIR?"
    ]


def test_a_name_like_none_of_ours_still_says_where_they_are_listed():
    [line] = problems(SEC_SOMETHING_ELSE_ENTIRELY="1")
    assert line == (
        "SEC_SOMETHING_ELSE_ENTIRELY is not a setting of filings_crawler; "
        "docs/configuration.md lists them"
    )


def test_scrapys_own_settings_and_the_machines_variables_are_not_refused(tmp_path):
    settings = Settings({**GOOD, "LOG_FORMAT": "json"})
    for name, value in {
        "LOG_LEVEL": "ERROR",
        "LOG_FILE": "x.log",
        "JOBDIR": "jobs/backfill",
        "CLOSESPIDER_ITEMCOUNT": "10",
        "CLOSESPIDER_TIMEOUT": "60",
        "DOWNLOAD_DELAY": "1",
        "DOWNLOAD_TIMEOUT": "30",
        "AWS_ACCESS_KEY_ID": "key",
        "FEEDS": "{}",
    }.items():
        settings.set(name, value, priority="cmdline")
    assert Config.from_settings(settings)
    # The environment is shared with every other program: only a near miss of a name is ours.
    env_file = tmp_path / ".env"
    env_file.write_text("EDITOR=vi\nLOG_LEVEL=DEBUG\n")
    machine = {
        "ENV_FILE": str(env_file),
        "PATH": "/usr/bin",
        "HOME": "/root",
        "SECRET_KEY": "x",
        "FILINGS_TEST_SESSION": "abc",
        "BENCHMARK_DATABASE_URL": "postgresql://u@h/x",
        "DB_CONNECTION_POOL": "5",
        "TEST_DATABASE_URL": "postgresql://u@h/x",
        "AWS_PROFILE": "default",
        **GOOD,
    }
    assert Config.from_settings(environment_settings(machine))
