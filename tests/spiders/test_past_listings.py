"""`scrapy crawl past_listings`, then `backfill`, on a mirror universe of companies that filed while
listed and are in no list today, OTC filers never listed, and a fund (edgar_mirror/past_universe.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from edgar_mirror.past_universe import Universe, build
from tests.conftest import job_environment, run_scrapy
from tests.crawling import mirror_control

pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

QUARTERS = [
    f"/www.sec.gov/Archives/edgar/full-index/{y}/QTR{q}/xbrl.idx"
    for y in (2023, 2024, 2025)
    for q in (1, 2, 3, 4)
]
CIK_IN_PATH = re.compile(r"/submissions/CIK0*([0-9]+)\.json|/Archives/edgar/data/([0-9]+)/")


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Universe:
    return build(tmp_path_factory.mktemp("past-universe"))


@pytest.fixture(scope="module")
def mirror(universe: Universe) -> Iterator[str]:
    with run_mirror_process(universe.root) as url:
        yield url


@pytest.fixture
def env(engine: Engine, database_url: str, mirror: str, tmp_path: Path) -> dict[str, str]:
    """Today's lists in the database: SEC's ticker files, the symbol directory, enrichment."""
    env = job_environment(database_url, mirror, tmp_path)
    for spider in ("tickers", "listings_ref"):
        crawl(env, tmp_path, spider)
    mirror_control(mirror, "reset")
    return env


def crawl(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = run_scrapy(["crawl", *args], env, cwd)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def requests_by_cik(mirror: str) -> Counter[int]:
    counts: Counter[int] = Counter()
    for record in mirror_control(mirror, "requests"):
        if match := CIK_IN_PATH.search(record["path"]):
            counts[int(match.group(1) or match.group(2))] += 1
    return counts


def rows(engine: Engine, sql: str, **params: object) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def test_past_listings_then_backfill_cover_the_companies_listed_when_they_filed(
    engine, env, mirror, universe, tmp_path
):
    crawl(env, tmp_path, "past_listings")
    paths = [r["path"] for r in mirror_control(mirror, "requests")]
    # The full index: one request per quarter of the window.
    assert sorted(p for p in paths if "/full-index/" in p) == sorted(QUARTERS)

    listed = universe.of_kind("past", "moved")
    never = universe.of_kind("otc_listed", "otc_unlisted")
    funds = universe.of_kind("fund")
    spent = requests_by_cik(mirror)
    # Never listed: the submissions JSON and one document (its zip), nothing else.
    assert {f.cik: spent[f.cik] for f in never} == {f.cik: 2 for f in never}
    assert all(spent[f.cik] == 0 for f in funds)
    # Today's targeted companies in the index (Apple, Microsoft) are not asked about.
    assert spent[320193] == spent[789019] == 0

    checks = {
        cik: (exchange, symbol, checked)
        for cik, exchange, symbol, checked in rows(
            engine, "SELECT cik, exchange, symbol, checked_at IS NOT NULL FROM past_listings"
        )
    }
    assert checks == {
        **{f.cik: (f.listed_on, f.symbol, True) for f in listed},
        **{f.cik: (None, f.symbol if f.kind == "otc_listed" else None, True) for f in never},
    }
    companies = dict(
        rows(engine, "SELECT cik, exchange FROM companies WHERE listed_in_past ORDER BY cik")
    )
    assert companies == {f.cik: f.listed_on for f in listed}

    # Every in-scope filing of the companies listed then, none of the others; their documents
    # stored in the same crawl, each filing's fetched once (the zip read to decide included).
    filings = {
        accession: (cik, exchanges, symbols)
        for accession, cik, exchanges, symbols in rows(
            engine,
            "SELECT accession_number, cik, exchanges_declared, symbols_declared FROM filings",
        )
    }
    assert filings == {
        accession: (f.cik, [f.listed_on], [f.symbol]) for f in listed for accession in f.in_scope
    }
    zips = Counter(p for p in paths if p.endswith("-xbrl.zip"))
    assert set(zips.values()) == {1}
    stored = rows(
        engine,
        "SELECT a.storage_path, c.primary_ticker FROM artifacts a JOIN filings f ON f.id = a.filing_id "
        "JOIN companies c ON c.cik = f.cik WHERE a.kind = 'html' AND a.status = 'downloaded'",
    )
    assert len(stored) == sum(len(f.in_scope) for f in listed)
    # Stored under the symbol the covers declare: these companies have no ticker today.
    assert all(f"/{ticker.lower()}/" in path for path, ticker in stored), stored
    root = Path(env["STORAGE_ROOT"])
    assert all((root / path).is_file() for path, _ in stored)

    # Filings stored before covers were recorded: `scrapy covers` reads their stored documents.
    with engine.begin() as conn:
        conn.execute(text("UPDATE filings SET exchanges_declared = NULL, symbols_declared = NULL"))
    lost_path, _ = stored[0]
    (root / lost_path).rename(tmp_path / "aside.html")
    covers = run_scrapy(["covers"], env, tmp_path)
    assert covers.returncode == 1, covers.stderr
    assert f"{root / lost_path}: missing" in covers.stdout
    (tmp_path / "aside.html").rename(root / lost_path)
    covers = run_scrapy(["covers"], env, tmp_path)
    assert covers.returncode == 0, covers.stderr
    assert "1 stored filing(s) without what their cover declares" in covers.stdout
    declared = rows(
        engine, "SELECT accession_number, cik, exchanges_declared, symbols_declared FROM filings"
    )
    assert {a: (c, e, s) for a, c, e, s in declared} == filings

    # SEC's acceptanceDateTime ("...T16:05:00.000Z") is New York time.
    clock = rows(
        engine,
        "SELECT DISTINCT to_char(acceptance_datetime AT TIME ZONE 'America/New_York', 'HH24:MI') "
        "FROM filings",
    )
    assert clock == [("16:05",)]

    # The backfill covers them as targeted companies (by exchange too), with nothing left to
    # fetch; a second past_listings run reads the index and asks about no company again.
    mirror_control(mirror, "reset")
    moved = [f for f in listed if f.kind == "moved"]
    crawl(env, tmp_path, "backfill", "-a", "exchange=NYSE American")
    crawl(env, tmp_path, "backfill", "-a", "cik=" + ",".join(str(f.cik) for f in listed))
    backfill_paths = [r["path"] for r in mirror_control(mirror, "requests")]
    submissions = Counter(p for p in backfill_paths if "/submissions/" in p)
    assert all(submissions[f"/data.sec.gov/submissions/CIK{f.cik:010d}.json"] == 2 for f in moved)
    assert not [p for p in backfill_paths if "/Archives/" in p]
    assert len(rows(engine, "SELECT 1 FROM filings")) == len(filings)

    mirror_control(mirror, "reset")
    crawl(env, tmp_path, "past_listings")
    again = [r["path"] for r in mirror_control(mirror, "requests")]
    assert sorted(again) == sorted(QUARTERS)

    # coverage and status show them, a line per exchange.
    page = tmp_path / "coverage.html"
    coverage = run_scrapy(["coverage", "--html", str(page)], env, tmp_path)
    assert coverage.returncode == 0, coverage.stderr
    assert page.read_text().count("listed in the past") == len({f.listed_on for f in listed}) + 1
    # One line per exchange with companies listed in the past, and one for all of them.
    past = [line.split() for line in coverage.stdout.splitlines() if "listed in the past" in line]
    exchanges = {f.listed_on for f in listed}
    assert len(past) == len(exchanges) + 1, coverage.stdout
    # Each shows its companies; their filings are found (and stored) by the same crawl.
    targeted = sorted(int(cells[4]) for cells in past)
    assert targeted[-1] == len(listed), coverage.stdout
    status = run_scrapy(["status"], env, tmp_path)
    assert status.returncode == 0, status.stderr
    per_exchange = ", ".join(
        f"{exchange} {count}"
        for exchange, count in sorted(Counter(f.listed_on for f in listed).items())
    )
    line = f"Past listings: {len(listed)} confirmed ({per_exchange}), {len(never)} never listed"
    assert line in status.stdout.splitlines(), status.stdout
