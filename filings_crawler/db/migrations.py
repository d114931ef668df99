"""Applies the ordered SQL migrations in `sql/`, each once, recorded in `schema_migrations`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from sqlalchemy import Connection, Engine, text


def _sql_dir() -> Path | Traversable:
    """sql/ at the top of the project; in a scrapyd egg (a zip), `filings_crawler/sql/` in it.

    Read through importlib.resources, which reads inside a zip too; not imported as a package,
    since a zipped folder without __init__.py is not one.
    """
    beside = Path(__file__).resolve().parents[2] / "sql"
    if beside.is_dir():
        return beside
    return resources.files("filings_crawler").joinpath("sql")


SQL_DIR = _sql_dir()

_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>[a-z0-9_]+)\.sql$")

# Any fixed number works, as long as every job uses the same one: two `initdb` at once then
# apply each migration once, the second waiting for the first.
_LOCK_KEY = 0x46494C494E4753  # "FILINGS"


class MigrationError(Exception):
    """The migrations folder or the database's record of it is inconsistent."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path | Traversable

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def discover(sql_dir: Path | Traversable = SQL_DIR) -> list[Migration]:
    """The migrations in version order; a misnamed or duplicated file is an error, not skipped."""
    if not sql_dir.is_dir():
        raise MigrationError(f"migrations folder {sql_dir} does not exist")
    migrations: dict[str, Migration] = {}
    files = [entry for entry in sql_dir.iterdir() if entry.name.endswith(".sql")]
    for path in sorted(files, key=lambda entry: entry.name):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path}: migration files are named NNN_snake_case_name.sql")
        version = match["version"]
        if version in migrations:
            raise MigrationError(f"{path}: version {version} is used twice")
        migrations[version] = Migration(version, match["name"], path)
    return [migrations[v] for v in sorted(migrations)]


def apply_migrations(engine: Engine, sql_dir: Path | Traversable = SQL_DIR) -> list[Migration]:
    """Apply what is not applied yet, each in its own transaction; return what was applied.

    A failing migration is rolled back alone: the ones before it stay applied and recorded.
    """
    migrations = discover(sql_dir)
    applied_now = []
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
        conn.commit()
        try:
            _ensure_table(conn)
            recorded: dict[str, str] = dict(
                conn.execute(text("SELECT version, checksum FROM schema_migrations")).all()
            )
            conn.commit()
            for migration in migrations:
                if migration.version in recorded:
                    if recorded[migration.version] != migration.checksum:
                        raise MigrationError(
                            f"{migration.path} changed after it was applied; "
                            "add a new migration instead"
                        )
                    continue
                conn.exec_driver_sql(migration.sql)
                conn.execute(
                    text(
                        "INSERT INTO schema_migrations (version, name, checksum) "
                        "VALUES (:version, :name, :checksum)"
                    ),
                    {
                        "version": migration.version,
                        "name": migration.name,
                        "checksum": migration.checksum,
                    },
                )
                conn.commit()
                applied_now.append(migration)
        finally:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
            conn.commit()
    return applied_now


def pending_migrations(engine: Engine, sql_dir: Path | Traversable = SQL_DIR) -> list[Migration]:
    """Migrations not applied yet (a job checks this to say 'run scrapy initdb' instead of failing)."""
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('schema_migrations')")).scalar()
        recorded = (
            set(conn.execute(text("SELECT version FROM schema_migrations")).scalars())
            if exists
            else set()
        )
    return [m for m in discover(sql_dir) if m.version not in recorded]


def _ensure_table(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY,"
            " name text NOT NULL,"
            " checksum char(64) NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
    )
