"""`make demo`: the whole pipeline on the bundled SEC sample, served by the local mirror, stored locally.

Everything lands under data/demo/ (its own embedded PostgreSQL, files and logs), so a demo never
mixes with a real dataset; `make clean-demo` removes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from filings_crawler.db import embedded
from filings_crawler.db.companies import count_by_exchange
from filings_crawler.db.tables import companies, execution_runs, listings_ref
from filings_crawler.mirror import run_mirror_process

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"
DEMO_DIR = Path("data/demo")

# The jobs that exist, in the order a real run takes them.
STEPS: tuple[tuple[str, ...], ...] = (
    ("initdb",),
    ("crawl", "tickers"),
    ("crawl", "listings_ref"),
    ("enrich",),
)


def demo_environment(mirror_url: str, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENV_FILE": "",  # the demo ignores .env: it must not touch a real configuration
        # Only the local mirror sees this; it checks the format the way SEC does.
        "SEC_USER_AGENT": "filings_crawler demo demo@filings-crawler.dev",
        "SEC_WWW_BASE_URL": f"{mirror_url}/www.sec.gov",
        "SEC_DATA_BASE_URL": f"{mirror_url}/data.sec.gov",
        "NASDAQ_TRADER_BASE_URL": f"{mirror_url}/www.nasdaqtrader.com",
        "DATABASE_URL": database_url,
        "STORAGE_ROOT": str(DEMO_DIR / "filings"),
        "LOG_DIR": str(DEMO_DIR / "logs"),
        "LOG_FORMAT": "console",
        "DB_HOST": "",
    }


def main() -> int:
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    # Holding the embedded server for the whole demo spares each job its own start and stop.
    database_url = embedded.start(DEMO_DIR / "postgres")
    with run_mirror_process(SAMPLE) as mirror_url:
        print(f"EDGAR mirror: {mirror_url} (serving {SAMPLE.relative_to(PROJECT_ROOT)})")
        env = demo_environment(mirror_url, database_url)
        for step in STEPS:
            command = [sys.executable, "-m", "scrapy", *step]
            if step[0] == "crawl":
                command += [
                    "-s",
                    "LOG_LEVEL=WARNING",
                    "-s",
                    f"LISTINGS_REF_DIR={DEMO_DIR / 'listings_ref'}",
                ]
            print(f"\n$ scrapy {' '.join(step)}", flush=True)
            if subprocess.run(command, env=env, check=False).returncode != 0:
                print(f"demo stopped: `scrapy {' '.join(step)}` failed (see {DEMO_DIR / 'logs'})")
                return 1
    print_summary(database_url)
    return 0


def print_summary(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        company_count = conn.execute(select(func.count()).select_from(companies)).scalar()
        listing_count = conn.execute(select(func.count()).select_from(listings_ref)).scalar()
        by_exchange = count_by_exchange(conn)
        runs = conn.execute(
            select(execution_runs.c.run_type, execution_runs.c.status).order_by(execution_runs.c.id)
        ).all()
    engine.dispose()
    print("\nWhat the demo stored")
    print(
        f"  database      {embedded.DATABASE_NAME} on the embedded PostgreSQL in {DEMO_DIR / 'postgres'}"
    )
    print(f"  companies     {company_count}")
    for exchange, count in by_exchange.items():
        print(f"    {exchange:<14}{count:>6}")
    print(f"  listings_ref  {listing_count} (raw files in {DEMO_DIR / 'listings_ref'})")
    print(f"  runs          {', '.join(f'{run_type}: {status}' for run_type, status in runs)}")
    print(f"  logs          {DEMO_DIR / 'logs'}")


if __name__ == "__main__":
    sys.exit(main())
