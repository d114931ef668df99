"""`scrapy initdb`: applies the SQL migrations in sql/ that the database has not seen yet."""

from __future__ import annotations

import argparse

from filings_crawler.cli import ProjectCommand
from filings_crawler.db.migrations import apply_migrations


class Command(ProjectCommand):
    needs_schema = False
    creates_database = True

    def short_desc(self) -> str:
        return "Create or upgrade the database schema (safe to rerun)"

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        applied = apply_migrations(self.engine)
        where = self.config.database.describe()
        if applied:
            for migration in applied:
                print(f"applied {migration.version}_{migration.name}")
        print(f"schema up to date ({len(applied)} migration(s) applied) in {where}")
