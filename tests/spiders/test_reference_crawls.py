"""tickers → listings_ref → enrich on the real reference files, through the local mirror."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy

pytestmark = pytest.mark.e2e

SEC_FILES = EDGAR_SAMPLE / "www.sec.gov" / "files"
SYMDIR = EDGAR_SAMPLE / "www.nasdaqtrader.com" / "dynamic" / "SymDir"
TARGETS = ("NASDAQ", "NYSE", "NYSE American", "NYSE Arca")


def crawl(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = run_scrapy(["crawl", *args], env, cwd)
    assert result.returncode == 0, result.stderr[-3000:]


def scalar(engine: Engine, query: str) -> object:
    with engine.connect() as conn:
        return conn.execute(text(query)).scalar()


def last_run(engine: Engine) -> tuple[str, dict]:
    with engine.connect() as conn:
        status, metadata = conn.execute(
            text("SELECT status, metadata FROM execution_runs ORDER BY id DESC LIMIT 1")
        ).one()
    return status, metadata


# An independent reading of the raw files, written plainly here rather than with the project's
# parsers, so the crawl is checked against the files and not against itself.
def raw_ciks() -> set[int]:
    tickers = json.loads((SEC_FILES / "company_tickers.json").read_text())
    exchange = json.loads((SEC_FILES / "company_tickers_exchange.json").read_text())
    return {int(v["cik_str"]) for v in tickers.values()} | {int(row[0]) for row in exchange["data"]}


def raw_listings() -> list[dict[str, str]]:
    rows = []
    names = {"N": "NYSE", "A": "NYSE American", "P": "NYSE Arca"}
    for file_name, symbol_column in (
        ("nasdaqlisted.txt", "Symbol"),
        ("otherlisted.txt", "ACT Symbol"),
    ):
        lines = (SYMDIR / file_name).read_text().splitlines()
        header = lines[0].split("|")
        for line in lines[1:]:
            if line.startswith("File Creation Time"):
                continue
            row = dict(zip(header, line.split("|"), strict=True))
            exchange = (
                "NASDAQ" if file_name == "nasdaqlisted.txt" else names.get(row["Exchange"], "other")
            )
            rows.append(
                {
                    "key": re.sub(r"[-. /]+", ".", row[symbol_column].replace("$", ".P")),
                    "exchange": exchange,
                    "etf": row["ETF"],
                    "test": row["Test Issue"],
                }
            )
    return rows


def expected_exchange_counts() -> Counter[str]:
    """Per company: its tickers' non-ETF, non-test listings on a target exchange decide."""
    tickers = json.loads((SEC_FILES / "company_tickers.json").read_text())
    exchange_rows = json.loads((SEC_FILES / "company_tickers_exchange.json").read_text())["data"]
    by_cik: dict[int, list[str]] = {}
    for entry in tickers.values():
        by_cik.setdefault(int(entry["cik_str"]), []).append(entry["ticker"])
    sec_exchange: dict[int, list[str]] = {}
    for cik, _name, ticker, exchange in exchange_rows:
        if ticker not in by_cik.setdefault(int(cik), []):
            by_cik[int(cik)].append(ticker)
        if exchange:
            sec_exchange.setdefault(int(cik), []).append(exchange)
    listings: dict[str, list[dict[str, str]]] = {}
    for row in raw_listings():
        if row["test"] == "N":
            listings.setdefault(row["key"], []).append(row)
    counts: Counter[str] = Counter()
    for cik, company_tickers in by_cik.items():
        found = [
            row
            for ticker in company_tickers
            for row in listings.get(re.sub(r"[-. /]+", ".", ticker.upper()), [])
        ]
        listed = [
            row["exchange"] for row in found if row["etf"] == "N" and row["exchange"] in TARGETS
        ]
        if listed:
            counts[listed[0]] += 1
        elif found:
            counts["UNKNOWN"] += 1
        else:
            fallback = [
                {"Nasdaq": "NASDAQ", "NYSE": "NYSE"}[e]
                for e in sec_exchange.get(cik, [])
                if e in ("Nasdaq", "NYSE")
            ]
            counts[fallback[0] if fallback else "UNKNOWN"] += 1
    return counts


def exchange_counts(engine: Engine) -> Counter[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT exchange, count(*) FROM companies GROUP BY 1")).all()
    return Counter(dict(rows))


def test_tickers_then_listings_then_enrich(engine, database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)

    crawl(env, tmp_path, "tickers")
    assert scalar(engine, "SELECT count(*) FROM companies") == len(raw_ciks())
    with engine.connect() as conn:
        apple = conn.execute(
            text("SELECT name, tickers, primary_ticker, exchange FROM companies WHERE cik = 320193")
        ).one()
        berkshire = conn.execute(
            text("SELECT tickers, primary_ticker FROM companies WHERE cik = 1067983")
        ).one()
    assert apple == ("Apple Inc.", ["AAPL"], "AAPL", "UNKNOWN")
    assert set(berkshire.tickers) >= {"BRK-B", "BRK-A"}
    assert berkshire.primary_ticker == "BRK-B"
    assert last_run(engine)[0] == "succeeded"

    crawl(env, tmp_path, "listings_ref")
    listings = raw_listings()
    assert scalar(engine, "SELECT count(*) FROM listings_ref") == len(listings)
    assert (
        scalar(engine, "SELECT count(*) FROM listings_ref WHERE symbol LIKE 'File Creation%'") == 0
    )
    assert scalar(engine, "SELECT count(*) FROM listings_ref WHERE is_etf") == sum(
        row["etf"] == "Y" for row in listings
    )
    assert scalar(engine, "SELECT count(*) FROM listings_ref WHERE is_test_issue") == sum(
        row["test"] == "Y" for row in listings
    )
    assert str(
        scalar(
            engine, "SELECT min(file_created_at) AT TIME ZONE 'America/New_York' FROM listings_ref"
        )
    ) == ("2025-07-21 21:31:00")
    raw_dir = tmp_path / "data" / "listings_ref"
    assert sorted(p.name for p in raw_dir.iterdir()) == [
        "nasdaqlisted-2025-07-21T2131.txt",
        "otherlisted-2025-07-21T2131.txt",
    ]
    assert (raw_dir / "otherlisted-2025-07-21T2131.txt").read_bytes() == (
        SYMDIR / "otherlisted.txt"
    ).read_bytes()

    # Enrichment ran when listings_ref finished; the counts match the raw files' own.
    expected = expected_exchange_counts()
    assert exchange_counts(engine) == expected
    assert scalar(engine, "SELECT exchange FROM companies WHERE cik = 320193") == "NASDAQ"
    assert (
        scalar(engine, "SELECT exchange FROM companies WHERE cik = 1067983") == "NYSE"
    )  # BRK-B = BRK.B
    assert (
        scalar(engine, "SELECT exchange FROM companies WHERE cik = 14693") == "NYSE"
    )  # BF-B = BF.B
    assert (
        scalar(engine, "SELECT exchange FROM companies WHERE cik = 884394") == "UNKNOWN"
    )  # SPY, an ETF

    # `scrapy enrich` prints the counts per exchange and, on the same data, changes nothing.
    stamp = scalar(engine, "SELECT max(updated_at) FROM companies")
    result = run_scrapy(["enrich"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 companies changed exchange" in result.stdout
    for exchange, count in expected.items():
        assert re.search(rf"^\s+{re.escape(exchange)}\s+{count}$", result.stdout, re.M), exchange

    # Rerunning tickers updates nothing and never resets an enriched exchange.
    crawl(env, tmp_path, "tickers")
    assert exchange_counts(engine) == expected
    assert scalar(engine, "SELECT max(updated_at) FROM companies") == stamp
    assert last_run(engine)[1]["stats"]["database/companies/changed"] == 0


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda text: text.replace("|ETF|", "|Exchange Traded|", 1), "ETF"),
        (lambda text: text.rsplit("File Creation Time", 1)[0], "footer"),
        (lambda text: "\n".join(text.splitlines()[:20] + text.splitlines()[-1:]) + "\n", "few"),
    ],
    ids=["renamed-column", "no-footer", "truncated"],
)
def test_a_malformed_listing_file_changes_nothing(engine, database_url, tmp_path, damage, words):
    root = tmp_path / "mirror"
    shutil.copytree(EDGAR_SAMPLE / "www.nasdaqtrader.com", root / "www.nasdaqtrader.com")
    with run_mirror_process(root) as good_mirror:
        env = job_environment(database_url, good_mirror, tmp_path)
        crawl(env, tmp_path, "listings_ref")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT * FROM listings_ref ORDER BY id")).all()
    assert before

    other = root / "www.nasdaqtrader.com" / "dynamic" / "SymDir" / "otherlisted.txt"
    other.write_text(damage(other.read_text()))
    with run_mirror_process(root) as bad_mirror:
        env = job_environment(database_url, bad_mirror, tmp_path)
        result = run_scrapy(["crawl", "listings_ref"], env, tmp_path)
    # A crawl that stops short exits non-zero, with the reason on its last line.
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("filings_crawler: crawl listings_ref ")
    assert "(format_error): " in last_line
    assert "otherlisted.txt" in last_line
    with engine.connect() as conn:
        after = conn.execute(text("SELECT * FROM listings_ref ORDER BY id")).all()
    assert after == before
    status, metadata = last_run(engine)
    assert (status, metadata["close_reason"]) == ("failed", "format_error")
    errors = [json.loads(line) for line in result.stderr.splitlines() if '"CRITICAL"' in line]
    assert any("otherlisted.txt" in e["message"] and words in e["message"] for e in errors), errors
