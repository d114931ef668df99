"""`scrapy crawl backfill` on the real submissions sample, against an independent reading of it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy
from tests.crawling import mirror_control

pytestmark = pytest.mark.e2e

SUBMISSIONS = EDGAR_SAMPLE / "data.sec.gov" / "submissions"
SAMPLE_CIKS = sorted(
    int(p.name[3:13]) for p in SUBMISSIONS.glob("CIK??????????.json")
)  # the 9 filers of the sample
FORMS = {"10-K", "10-K/A", "10-Q", "10-Q/A"}


def crawl(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = run_scrapy(["crawl", *args], env, cwd)
    assert result.returncode == 0, result.stderr[-3000:]


def expected_filings(ciks: list[int], start: date, end: date) -> dict[str, tuple]:
    """accession -> (cik, form, filing date, primary document), read plainly from the raw files."""
    expected = {}
    for cik in ciks:
        document = json.loads((SUBMISSIONS / f"CIK{cik:010d}.json").read_text())
        blocks = [document["filings"]["recent"]]
        for page in document["filings"]["files"]:
            overlaps = date.fromisoformat(page["filingFrom"]) <= end and (
                date.fromisoformat(page["filingTo"]) >= start
            )
            if overlaps and (SUBMISSIONS / page["name"]).exists():
                blocks.append(json.loads((SUBMISSIONS / page["name"]).read_text()))
        for block in blocks:
            for accession, form, filed, document_name in zip(
                block["accessionNumber"],
                block["form"],
                block["filingDate"],
                block["primaryDocument"],
                strict=True,
            ):
                if form in FORMS and start <= date.fromisoformat(filed) <= end:
                    expected[accession] = (cik, form, date.fromisoformat(filed), document_name)
    return expected


def stored_filings(engine: Engine) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT accession_number, cik, form, filing_date, primary_document FROM filings")
        ).all()
    return {accession: tuple(rest) for accession, *rest in rows}


def targeted(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT cik FROM companies WHERE exchange IN "
                    "('NASDAQ', 'NYSE', 'NYSE American', 'NYSE Arca') AND cik = ANY(:ciks) ORDER BY cik"
                ),
                {"ciks": SAMPLE_CIKS},
            ).scalars()
        )


def submissions_requests(mirror_url: str) -> list[str]:
    return [
        r["path"]
        for r in mirror_control(mirror_url, "requests")
        if r["path"].startswith("/data.sec.gov/submissions/")
    ]


@pytest.fixture
def universe(engine, database_url, mirror_url, tmp_path) -> dict[str, str]:
    """The real company universe in the database: tickers, then listings_ref and enrichment."""
    env = job_environment(database_url, mirror_url, tmp_path)
    crawl(env, tmp_path, "tickers")
    crawl(env, tmp_path, "listings_ref")
    return env


def test_backfill_stores_exactly_the_in_scope_filings(engine, universe, mirror_url, tmp_path):
    listed = targeted(engine)
    # The sample's listed companies; CARBO (delisted) and Reed Hastings (a person) are not.
    assert listed == [320193, 749647, 789019, 895419, 1324424, 1677077, 1766140]
    mirror_control(mirror_url, "reset")
    cik_argument = ",".join(map(str, SAMPLE_CIKS))
    crawl(universe, tmp_path, "backfill", "-a", f"cik={cik_argument}", "-a", "download=no")

    expected = expected_filings(listed, date(2023, 1, 1), date(2025, 12, 31))
    assert len(expected) > 50
    assert stored_filings(engine) == expected
    # No page of the sample overlaps 2023-2025: one request per targeted company.
    assert sorted(submissions_requests(mirror_url)) == sorted(
        f"/data.sec.gov/submissions/CIK{cik:010d}.json" for cik in listed
    )
    with engine.connect() as conn:
        artifacts = conn.execute(
            text(
                "SELECT f.accession_number, a.kind, a.sec_url, a.status, a.attempts "
                "FROM artifacts a JOIN filings f ON f.id = a.filing_id"
            )
        ).all()
        apple = conn.execute(
            text(
                "SELECT sic, state_of_incorporation, fiscal_year_end, last_error, "
                "submissions_fetched_at IS NOT NULL FROM companies WHERE cik = 320193"
            )
        ).one()
        aapl_10q = conn.execute(
            text(
                "SELECT form, report_date, is_xbrl, is_inline_xbrl, acceptance_datetime "
                "FROM filings WHERE accession_number = '0000320193-25-000057'"
            )
        ).one()
    assert len(artifacts) == len(expected)
    for accession, kind, url, status, attempts in artifacts:
        cik, _, _, document = expected[accession]
        folder = accession.replace("-", "")
        # Keyed by the file's URL on SEC, not the mirror's: a base URL is not identity.
        assert url == f"https://www.sec.gov/Archives/edgar/data/{cik}/{folder}/{document}"
        assert (kind, status, attempts) == ("html", "pending_download", 0)
    assert apple == ("3571", "CA", "0926", None, True)
    assert aapl_10q.form == "10-Q"
    assert aapl_10q.report_date == date(2025, 3, 29)
    assert (aapl_10q.is_xbrl, aapl_10q.is_inline_xbrl) == (True, True)
    # SEC writes "2025-05-02T06:00:46.000Z": New York's 06:00:46, EDT, so 10:00:46 UTC.
    assert aapl_10q.acceptance_datetime.isoformat() == "2025-05-02T10:00:46+00:00"

    # A rerun finds the same filings and writes nothing new.
    with engine.connect() as conn:
        before = (
            conn.execute(text("SELECT max(updated_at), count(*) FROM filings")).one(),
            conn.execute(text("SELECT count(*) FROM artifacts")).scalar(),
        )
    crawl(universe, tmp_path, "backfill", "-a", f"cik={cik_argument}", "-a", "download=no")
    with engine.connect() as conn:
        after = (
            conn.execute(text("SELECT max(updated_at), count(*) FROM filings")).one(),
            conn.execute(text("SELECT count(*) FROM artifacts")).scalar(),
        )
        stats = conn.execute(
            text("SELECT metadata->'stats' FROM execution_runs ORDER BY id DESC LIMIT 1")
        ).scalar()
    assert after == before
    assert stats["database/filings/changed"] == 0


def test_overlapping_pages_are_fetched_and_missing_ones_recorded(
    engine, universe, mirror_url, tmp_path
):
    env = {**universe, "FILINGS_START_DATE": "2009-01-01"}
    mirror_control(mirror_url, "reset")
    crawl(
        env,
        tmp_path,
        "backfill",
        "-a",
        f"cik={','.join(map(str, SAMPLE_CIKS))}",
        "-a",
        "download=no",
    )
    listed = targeted(engine)
    assert stored_filings(engine) == expected_filings(listed, date(2009, 1, 1), date(2025, 12, 31))
    # Targeted companies plus the pages that overlap the window (Microsoft's -002 does not).
    pages = {
        "CIK0000320193-submissions-001.json",
        "CIK0000749647-submissions-001.json",
        "CIK0000789019-submissions-001.json",
        "CIK0000895419-submissions-001.json",
        "CIK0001324424-submissions-001.json",
    }
    assert sorted(submissions_requests(mirror_url)) == sorted(
        [f"/data.sec.gov/submissions/CIK{cik:010d}.json" for cik in listed]
        + [f"/data.sec.gov/submissions/{page}" for page in pages]
    )
    with engine.connect() as conn:
        errors = dict(
            conn.execute(
                text("SELECT cik, last_error FROM companies WHERE last_error IS NOT NULL")
            ).all()
        )
    # The three pages the sample lacks are recorded on their companies; the crawl went on.
    assert errors == {
        320193: "CIK0000320193-submissions-001.json: HTTP 404",
        789019: "CIK0000789019-submissions-001.json: HTTP 404",
        895419: "CIK0000895419-submissions-001.json: HTTP 404",
    }


def add_company(engine: Engine, cik: int, ticker: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) "
                "VALUES (:cik, :name, ARRAY[:ticker], :ticker, 'NASDAQ')"
            ),
            {"cik": cik, "name": f"Company {ticker}", "ticker": ticker},
        )


def test_bad_submissions_are_recorded_and_the_crawl_goes_on(engine, database_url, tmp_path):
    root = tmp_path / "mirror"
    folder = root / "data.sec.gov" / "submissions"
    folder.mkdir(parents=True)
    shutil.copytree(EDGAR_SAMPLE / "_errors", root / "_errors")
    apple = json.loads((SUBMISSIONS / "CIK0000320193.json").read_text())

    def write(cik: int, body: bytes) -> None:
        (folder / f"CIK{cik:010d}.json").write_bytes(body)

    # 1: truncated; 2: unequal arrays; 3: a bad row and odd primary documents; 4: absent (404);
    # 5: the real Apple file, to show the others did not stop the crawl.
    write(1, (SUBMISSIONS / "CIK0000320193.json").read_bytes()[:5000])
    unequal = json.loads(json.dumps(apple))
    unequal["cik"] = "0000000002"
    unequal["filings"]["recent"]["form"].pop()
    write(2, json.dumps(unequal).encode())
    # Company 3 lists Apple's filings under accession numbers of its own.
    odd = json.loads(json.dumps(apple).replace('"0000320193-', '"0000000003-'))
    odd["cik"] = "0000000003"
    recent = odd["filings"]["recent"]
    in_scope = [
        i
        for i, (form, filed) in enumerate(zip(recent["form"], recent["filingDate"], strict=True))
        if form in FORMS and filed >= "2023-01-01" and filed <= "2025-12-31"
    ]
    recent["primaryDocument"][in_scope[0]] = "xslF345X05/aapl-10q.xml"
    recent["primaryDocument"][in_scope[1]] = "../../../etc/passwd"
    recent["filingDate"][in_scope[2]] = "2024/01/01"
    write(3, json.dumps(odd).encode())
    (folder / "CIK0000320193.json").write_bytes((SUBMISSIONS / "CIK0000320193.json").read_bytes())
    for cik, ticker in ((1, "ONE"), (2, "TWO"), (3, "THREE"), (4, "FOUR"), (320193, "AAPL")):
        add_company(engine, cik, ticker)

    with run_mirror_process(root) as bad_mirror:
        env = job_environment(database_url, bad_mirror, tmp_path)
        crawl(env, tmp_path, "backfill", "-a", "download=no")

    with engine.connect() as conn:
        errors = dict(conn.execute(text("SELECT cik, last_error FROM companies")).all())
        counts = dict(conn.execute(text("SELECT cik, count(*) FROM filings GROUP BY cik")).all())
        odd_filings = {
            row.accession_number: row
            for row in conn.execute(
                text(
                    "SELECT f.accession_number, f.primary_document, f.last_error, count(a.id) AS queued "
                    "FROM filings f LEFT JOIN artifacts a ON a.filing_id = f.id "
                    "WHERE f.cik = 3 GROUP BY f.id"
                )
            )
        }
        status, stats = conn.execute(
            text("SELECT status, metadata->'stats' FROM execution_runs ORDER BY id DESC LIMIT 1")
        ).one()
    assert "not valid JSON" in errors[1]
    assert "unequal lengths" in errors[2]
    assert "2024/01/01" in errors[3]
    assert "is not a date" in errors[3]
    assert errors[4] == "submissions JSON: HTTP 404"
    assert errors[320193] is None
    assert counts.get(1) is None
    assert counts.get(2) is None
    assert counts[320193] == len(expected_filings([320193], date(2023, 1, 1), date(2025, 12, 31)))
    # The bad row is left out; every other in-scope row of company 3 is stored.
    assert counts[3] == counts[320193] - 1
    xsl = odd_filings[recent["accessionNumber"][in_scope[0]]]
    assert (xsl.primary_document, xsl.queued) == ("aapl-10q.xml", 1)
    assert "XSL viewer" in xsl.last_error
    unsafe = odd_filings[recent["accessionNumber"][in_scope[1]]]
    assert (unsafe.primary_document, unsafe.queued) == ("../../../etc/passwd", 0)
    assert "not a plain file name" in unsafe.last_error
    assert status == "succeeded"
    assert stats["backfill/errors/malformed_submissions"] == 2
    assert stats["backfill/errors/submissions_unavailable"] == 1
    assert stats["backfill/errors/malformed_filing_row"] == 1
    assert stats["backfill/errors/primary_document"] == 2


def test_a_bad_argument_is_one_line_and_no_request(database_url, mirror_url, tmp_path, engine):
    env = job_environment(database_url, mirror_url, tmp_path)
    before = mirror_control(mirror_url, "stats")["requests"]
    for argument, words in (
        ("limit=ten", "-a limit='ten': expected a positive whole number"),
        (
            "exchange=LSE",
            "-a exchange='LSE': 'LSE' is not one of: NASDAQ, NYSE, NYSE American, NYSE Arca",
        ),
        ("cik=AAPL", "-a cik='AAPL': 'AAPL' is not a CIK"),
        ("download=maybe", "-a download='maybe': expected yes or no"),
    ):
        result = run_scrapy(["crawl", "backfill", "-a", argument], env, tmp_path)
        assert result.returncode == 2
        assert result.stderr.strip().startswith(f"filings_crawler: {words}"), result.stderr
    assert mirror_control(mirror_url, "stats")["requests"] == before
