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
from filings_crawler.db.tables import artifacts, companies, execution_runs, filings, listings_ref
from filings_crawler.mirror import mirror_base_urls, run_mirror_process

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"
DEMO_DIR = Path("data/demo")

# The real filers of the sample (the constructed test filers, CIK 9999001 and 9999002, are left
# out): the
# backfill covers the listed ones among them; a full backfill would ask for every targeted
# company, and the sample has submissions for only these.
SAMPLE_CIKS = ",".join(
    str(int(path.name[3:13]))
    for path in sorted((SAMPLE / "data.sec.gov" / "submissions").glob("CIK??????????.json"))
    if not path.name.startswith("CIK000999900")
)

# The jobs, in the order a real run takes them.
STEPS: tuple[tuple[str, ...], ...] = (
    ("initdb",),
    ("crawl", "tickers"),
    ("crawl", "listings_ref"),
    ("enrich",),
    ("crawl", "backfill", "-a", f"cik={SAMPLE_CIKS}"),
)


def demo_environment(mirror_url: str, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENV_FILE": "",  # the demo ignores .env: it must not touch a real configuration
        # Only the local mirror sees this; it checks the format the way SEC does.
        "SEC_USER_AGENT": "filings_crawler demo demo@filings-crawler.dev",
        **mirror_base_urls(mirror_url),
        "DATABASE_URL": database_url,
        "STORAGE_ROOT": str(DEMO_DIR / "filings"),
        "LOG_DIR": str(DEMO_DIR / "logs"),
        "LOG_FORMAT": "console",
        "DB_HOST": "",
        "STORAGE_BACKEND": "local",
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
                # Errors only on screen: the sample's missing documents are expected, and the
                # summary says so; everything is in the log files.
                command += [
                    "-s",
                    "LOG_LEVEL=ERROR",
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
        filing_count = conn.execute(select(func.count()).select_from(filings)).scalar()
        filer_count = conn.execute(select(func.count(func.distinct(filings.c.cik)))).scalar()
        artifact_counts: dict[str, int] = dict(
            conn.execute(
                select(artifacts.c.status, func.count()).group_by(artifacts.c.status)
            ).all()
        )
        stored_bytes = conn.execute(
            select(func.coalesce(func.sum(artifacts.c.bytes), 0)).where(
                artifacts.c.status == "downloaded"
            )
        ).scalar()
        example = conn.execute(
            select(artifacts.c.storage_path)
            .where(artifacts.c.kind == "html", artifacts.c.status == "downloaded")
            .order_by(artifacts.c.bytes.desc())
            .limit(1)
        ).scalar()
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
    print(f"  filings       {filing_count} in scope for {filer_count} listed filers of the sample")
    for status, count in artifact_counts.items():
        print(f"    artifacts {status:<17}{count:>5}")
    print(f"  files         {DEMO_DIR / 'filings'} (STORAGE_ROOT), {stored_bytes:,} bytes")
    print(f"  logs          {DEMO_DIR / 'logs'}")
    print(
        "\nThe sample holds the documents of only a few of these filings; the others are recorded\n"
        "as failed (HTTP 404), with their reason, as a real run records what SEC does not have."
    )
    if example:
        print(f"\nOpen a stored filing (no network needed):\n  {DEMO_DIR / 'filings' / example}")


if __name__ == "__main__":
    sys.exit(main())
