"""What every job shares before it starts: validated configuration, the database, logging, clean errors.

It lives outside `commands/` because Scrapy turns every command class found there into a command.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, NoReturn

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Engine

from filings_crawler import logs
from filings_crawler.config import Config, ConfigError
from filings_crawler.db.engine import get_engine
from filings_crawler.db.migrations import MigrationError, pending_migrations
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.spiders.arguments import ArgumentError, choices

logger = logging.getLogger(__name__)

# Exit statuses. A crawl stopped before it finished (blocked, stopped, failed) exits 1, a job
# refused before it started (bad configuration or arguments, database or store unusable) 2, a
# crawl refused because another one holds SEC's budget 3, and one that ran out of requests with
# work left or unaccounted for (accounting.py) 4.
EXIT_STOPPED = 1
EXIT_CONFIG = 2
EXIT_BUDGET_TAKEN = 3
EXIT_INCOMPLETE = 4


def fail(lines: list[str], status: int = EXIT_CONFIG) -> NoReturn:
    """Print one line per problem on stderr and exit: no traceback for a user's mistake.

    The lines go into the job's log file too, where a scheduled job's operator looks first.
    """
    for line in lines:
        sys.stderr.write(f"filings_crawler: {line}\n")
        logs.to_log_file(logging.ERROR, line)
    sys.exit(status)


def prepare_job(
    settings: Any,
    job: str,
    *,
    needs_schema: bool = True,
    sends_requests: bool = True,
    creates_database: bool = False,
) -> tuple[Config, Engine]:
    """Set up logging, validate the configuration and reach the database, or exit with the reason.

    Runs before anything is sent to SEC, so a bad variable never costs a request. Logging comes
    first, so a job refused for bad input leaves its reason in its log file too.
    """
    logs.configure_from_settings(settings, job=job)
    try:
        config = Config.from_settings(settings, require_user_agent=sends_requests)
        engine = get_engine(config.database, create=creates_database)
        if needs_schema and (pending := pending_migrations(engine)):
            names = ", ".join(f"{m.version}_{m.name}" for m in pending)
            raise MigrationError(
                f"the database schema is not up to date ({names}): run `scrapy initdb`"
            )
    except ConfigError as error:
        fail(error.problems)
    except MigrationError as error:
        fail([str(error)])
    return config, engine


class ProjectCommand(ScrapyCommand):
    """A job that crawls nothing (initdb, enrich, coverage, ...): config, database, logging, run."""

    requires_project = True
    requires_crawler_process = False
    needs_schema = True
    sends_requests = False
    # Only initdb makes a database that is not there; every other job says it is missing.
    creates_database = False

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        name = type(self).__module__.rsplit(".", 1)[-1]
        if args:
            # Project commands take options only (Scrapy passes on what its parser did not
            # know): a word left over is a mistyped or unknown option, refused, not ignored.
            logs.configure_from_settings(self.settings, job=name)
            fail(
                [
                    f"scrapy {name} does not take {' '.join(args)}; `scrapy {name} -h` lists its options"
                ]
            )
        # The options are checked before the configuration and the database: a mistyped value
        # is one line naming it, whatever else is wrong.
        self.check_options(opts)
        self.config, self.engine = prepare_job(
            self.settings,
            name,
            needs_schema=self.needs_schema,
            sends_requests=self.sends_requests,
            creates_database=self.creates_database,
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            self.execute(args, opts)
        except (ConfigError, MigrationError) as error:
            fail(str(error).splitlines(), status=1)

    def check_options(self, opts: argparse.Namespace) -> None:
        """Refuse a bad option value (UsageError, one line); a command with values to check says."""

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        raise NotImplementedError


class ExchangeCommand(ProjectCommand):
    """A project command that may be limited to some target exchanges with `--exchange`."""

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--exchange", help="only companies listed here (default: all)")

    def exchanges(self, opts: argparse.Namespace) -> list[str] | None:
        """The exchanges `--exchange` names (None: all); a wrong name is a UsageError."""
        try:
            return choices("exchange", opts.exchange, TARGET_EXCHANGES)
        except ArgumentError as error:
            raise UsageError(
                str(error).replace("-a exchange", "--exchange"), print_help=False
            ) from error
