"""`make demo`: the whole pipeline on the bundled SEC sample, served by the local mirror, stored locally.

Everything lands under data/demo/ (its own embedded PostgreSQL, files, logs and `.env`), so a demo
never mixes with a real dataset; `make clean-demo` removes it. The demo leaves a ready
environment behind: `data/demo/.env` names its database and files, and the summary prints the
commands that look at them (`ENV_FILE=data/demo/.env .venv/bin/scrapy status`, ...).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, select

from edgar_mirror import mirror_base_urls, run_mirror_process
from filings_crawler.config import DEMO_USER_AGENT, SETTING_NAMES
from filings_crawler.db import embedded
from filings_crawler.db.companies import count_by_exchange
from filings_crawler.db.tables import artifacts, companies, execution_runs, filings, listings_ref

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"
DEMO_DIR = Path("data/demo")
ENV_FILE = DEMO_DIR / ".env"

# The real filers of the sample (the constructed test filers, CIK 9999001 and 9999002, are left
# out): the backfill covers the listed ones among them; a full backfill would ask for every
# targeted company, and the sample has submissions for only these.
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

# How to look at what the demo stored, as a person types it from the project folder.
LOOK = (
    ("the runs", "status"),
    ("how complete the dataset is", f"coverage --html {DEMO_DIR / 'coverage.html'}"),
    ("every stored file against its SHA-256", "verify"),
    ("a SQL prompt on its database", "dbshell"),
    ("a phrase in the stored 10-Ks' Risk Factors", 'search "supply chain operations" --item 1A'),
)


def write_env_file(mirror_url: str) -> None:
    """The demo's configuration, kept for the commands that look at its data afterwards.

    It names the mirror the demo ran, so a crawl with it stays on 127.0.0.1 (and fails to
    connect once the mirror is stopped) rather than reaching SEC under a made-up identity, which
    config.py refuses anyway.
    """
    port = mirror_url.rsplit(":", 1)[1]
    urls = "".join(f"{name}={url}\n" for name, url in mirror_base_urls(mirror_url).items())
    ENV_FILE.write_text(
        "# Written by `make demo`: its database, files and logs. Use it with ENV_FILE=data/demo/.env\n"
        f"SEC_USER_AGENT={DEMO_USER_AGENT}\n"
        f"EMBEDDED_DB_DIR={DEMO_DIR / 'postgres'}\n"
        f"STORAGE_ROOT={DEMO_DIR / 'filings'}\n"
        f"LISTINGS_REF_DIR={DEMO_DIR / 'listings_ref'}\n"
        f"LOG_DIR={DEMO_DIR / 'logs'}\n"
        "LOG_FORMAT=console\n"
        "STORAGE_BACKEND=local\n"
        "# The local EDGAR mirror the demo ran; to crawl it again, serve the sample on that port:\n"
        f"#   .venv/bin/python -m edgar_mirror --root {SAMPLE.relative_to(PROJECT_ROOT)} --port {port}\n"
        f"{urls}",
        encoding="utf-8",
    )


def demo_environment() -> dict[str, str]:
    # The demo's own file decides: a real configuration in the environment must not leak in.
    environment = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    return {**environment, "ENV_FILE": str(ENV_FILE)}


def main() -> int:
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    # Holding the embedded server for the whole demo spares each job its own start and stop.
    database_url = embedded.start(DEMO_DIR / "postgres", create=True)
    with run_mirror_process(SAMPLE) as mirror_url:
        print(f"EDGAR mirror: {mirror_url} (serving {SAMPLE.relative_to(PROJECT_ROOT)})")
        write_env_file(mirror_url)
        env = demo_environment()
        for step in STEPS:
            command = [sys.executable, "-m", "scrapy", *step]
            if step[0] == "crawl":
                # Errors only on screen: the sample's missing documents are expected, and the
                # summary says so. The log files keep everything from INFO up.
                command += ["-s", "LOG_LEVEL=ERROR"]
            print(f"\n$ scrapy {' '.join(step)}", flush=True)
            if subprocess.run(command, env=env, check=False).returncode != 0:
                print(f"demo stopped: `scrapy {' '.join(step)}` failed (see {DEMO_DIR / 'logs'})")
                return 1
    print_summary(database_url)
    return 0


def print_summary(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        lines = summary(conn)
    engine.dispose()
    print("\n".join(lines))


def summary(conn: Connection) -> list[str]:
    company_count = conn.execute(select(func.count()).select_from(companies)).scalar()
    listing_count = conn.execute(select(func.count()).select_from(listings_ref)).scalar()
    runs = conn.execute(
        select(execution_runs.c.run_type, execution_runs.c.status).order_by(execution_runs.c.id)
    ).all()
    filing_count = conn.execute(select(func.count()).select_from(filings)).scalar()
    filer_count = conn.execute(select(func.count(func.distinct(filings.c.cik)))).scalar()
    artifact_counts: dict[str, int] = dict(
        conn.execute(select(artifacts.c.status, func.count()).group_by(artifacts.c.status)).all()
    )
    stored_bytes = conn.execute(
        select(func.coalesce(func.sum(artifacts.c.bytes), 0)).where(
            artifacts.c.status == "downloaded"
        )
    ).scalar()
    complete, incomplete = filings_by_completeness(conn)
    lines = [
        "\nWhat the demo stored",
        f"  database      {embedded.DATABASE_NAME} on the embedded PostgreSQL in "
        f"{DEMO_DIR / 'postgres'}",
        f"  companies     {company_count}",
        *(f"    {exchange:<14}{count:>6}" for exchange, count in count_by_exchange(conn).items()),
        f"  listings_ref  {listing_count} (raw files in {DEMO_DIR / 'listings_ref'})",
        f"  runs          {', '.join(f'{run_type}: {status}' for run_type, status in runs)}",
        f"  filings       {filing_count} in scope for {filer_count} listed filers of the sample",
        *(f"    artifacts {status:<17}{count:>5}" for status, count in artifact_counts.items()),
        f"  files         {DEMO_DIR / 'filings'} (STORAGE_ROOT), {stored_bytes:,} bytes",
        f"  logs          {DEMO_DIR / 'logs'} (every job's, from INFO up)",
        "",
        f"Complete filings (every document and image stored): {len(complete)}.",
        f"Incomplete: {len(incomplete)}. The sample holds only some of their files: the others are",
        "recorded as failed (HTTP 404) with the reason, as a real run records what SEC does not "
        "have.",
    ]
    if complete:
        lines += [
            "",
            "Open a complete stored filing (no network needed):",
            f"  {DEMO_DIR / 'filings' / complete[0]}",
        ]
    lines += ["", f"Look at it, from the project folder (its settings are in {ENV_FILE}):"]
    lines += [
        f"  ENV_FILE={ENV_FILE} .venv/bin/scrapy {command:<44} # {what}" for what, command in LOOK
    ]
    return lines


def filings_by_completeness(conn: Connection) -> tuple[list[str], list[str]]:
    """The stored primary documents of complete filings (largest first), and the accession
    numbers of the others."""
    per_filing = (
        select(
            filings.c.accession_number,
            func.count().filter(artifacts.c.status != "downloaded").label("missing"),
            func.max(artifacts.c.storage_path).filter(artifacts.c.kind == "html").label("html"),
            func.max(artifacts.c.bytes).filter(artifacts.c.kind == "html").label("size"),
        )
        .select_from(filings.join(artifacts))
        .group_by(filings.c.id)
        .subquery()
    )
    rows = conn.execute(select(per_filing).order_by(per_filing.c.size.desc().nulls_last())).all()
    complete = [row.html for row in rows if not row.missing and row.html]
    incomplete = [row.accession_number for row in rows if row.missing or not row.html]
    return complete, incomplete


if __name__ == "__main__":
    sys.exit(main())
