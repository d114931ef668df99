"""`scrapy coverage` as a user runs it: the table on stdout, and a page that needs no network."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import text

from tests.conftest import job_environment, run_scrapy
from tests.db.test_coverage import TOO_BIG, insert_dataset, insert_run

pytestmark = pytest.mark.e2e

# The coverage command sends no request; the environment still wants a mirror address.
NO_MIRROR = "http://127.0.0.1:9"


def coverage(database_url, tmp_path, *args: str):
    env = job_environment(database_url, NO_MIRROR, tmp_path)
    result = run_scrapy(["coverage", *args], env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def block(stdout: str, title: str) -> dict[str, list[str]]:
    """The rows of one exchange's block (under its header), by their first cell: year or `total`."""
    lines = stdout.split(f"\n{title}\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return {line.split()[0]: line.split()[1:] for line in lines[1:]}


def test_the_table_shows_every_number_in_its_row(engine, database_url, tmp_path):
    insert_dataset(engine)
    stdout = coverage(database_url, tmp_path).stdout

    # targeted, with filings, found, complete, complete %, pending, failed, stored (value, unit)
    header = "year  targeted  with filings  found  complete  complete %  pending  failed  stored"
    assert re.sub(r" +", " ", stdout.split("\nNASDAQ\n", 1)[1].splitlines()[0]).strip() == (
        re.sub(r" +", " ", header)
    )
    assert block(stdout, "NASDAQ") == {
        "2023": ["3", "1", "1", "1", "100.0%", "0", "0", "1.2", "kB"],
        "2024": ["3", "2", "3", "1", "33.3%", "1", "2", "8.0", "kB"],
        "total": ["3", "2", "4", "2", "50.0%", "1", "2", "9.2", "kB"],
    }
    nyse = block(stdout, "NYSE")
    assert nyse["2023"] == ["2", "1", "1", "0", "0.0%", "0", "4", "0", "B"]
    assert nyse["2024"] == ["2", "1", "2", "1", "50.0%", "1", "4", "14.0", "kB"]
    assert nyse["total"] == ["2", "1", "3", "1", "33.3%", "1", "8", "14.0", "kB"]
    assert block(stdout, "NYSE American")["total"] == ["1", "0", "0", "0", "-", "0", "0", "0", "B"]
    assert block(stdout, "NYSE Arca")["total"] == ["0", "0", "0", "0", "-", "0", "0", "0", "B"]
    overall = block(stdout, "All target exchanges")
    assert overall["2023"] == ["6", "2", "2", "1", "50.0%", "0", "4", "1.2", "kB"]
    assert overall["2024"] == ["6", "3", "5", "2", "40.0%", "2", "6", "22.0", "kB"]
    assert overall["total"] == ["6", "3", "7", "3", "42.9%", "2", "10", "23.2", "kB"]
    assert "Not counted: 1 filing of companies no longer on a target exchange." in stdout

    errors = stdout.split("Top error reasons of failed artifacts:\n", 1)[1].splitlines()
    assert [line.split() for line in errors] == [
        ["NASDAQ", "1", "(no", "reason", "recorded)"],
        ["1", "HTTP", "404"],
        ["NYSE", "3", "HTTP", "404"],
        ["2", *TOO_BIG.format(url="<URL>").split()],
        ["2", "HTTP", "503"],
        ["all", "4", "HTTP", "404"],
        ["2", *TOO_BIG.format(url="<URL>").split()],
        ["2", "HTTP", "503"],
    ]
    assert "HTTP 500" not in stdout  # the UNKNOWN company's failures


def test_an_empty_database_says_to_run_the_backfill(engine, database_url, tmp_path):
    stdout = coverage(database_url, tmp_path, "--html", "empty.html").stdout
    assert "no filings yet: run `scrapy crawl backfill`" in stdout
    targeted = dict(re.findall(r"^  (\S+(?: \S+)?)\s+(\d+)$", stdout, re.M))
    assert targeted == {"NASDAQ": "0", "NYSE": "0", "NYSE American": "0", "NYSE Arca": "0"} | {
        "total": "0"
    }
    assert "run `scrapy crawl tickers`" in stdout
    page = (tmp_path / "empty.html").read_text()
    assert "No filings yet" in page
    assert page.count("<svg ") == 4


class References(HTMLParser):
    """Every attribute that could make a browser fetch something, and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.references: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "srcset", "action", "data", "poster"}:
                self.references.append((tag, name, value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# A failure reason is text from outside (a server's message): the page must show it, not run it.
HOSTILE = '<script>alert("x")</script><img src="http://example.com/x.png"> & more'


def test_the_html_page_is_self_contained(engine, database_url, tmp_path):
    insert_dataset(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO artifacts (filing_id, kind, sec_url, status, last_error) "
                "SELECT id, 'image', 'https://www.sec.gov/Archives/edgar/data/1/hostile', "
                "'failed', :reason FROM filings "
                "WHERE cik = 1 AND filing_date < '2024-01-01'"
            ),
            {"reason": HOSTILE},
        )
    insert_run(
        engine,
        "backfill",
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(2024, 1, 1, 1, tzinfo=UTC),
        {"stats": {"downloader/request_count": 7200, "documents/filings_processed": 6}},
    )
    result = coverage(database_url, tmp_path, "--html", "report/out.html")
    page_path = tmp_path / "report" / "out.html"
    assert f"wrote {page_path.relative_to(tmp_path)}" in result.stdout
    page = page_path.read_text()

    parser = References()
    parser.feed(page)
    assert parser.references == []
    assert "script" not in parser.tags
    assert "link" not in parser.tags
    lowered = page.lower()
    # Text may quote a URL (a failure reason can); only markup and CSS could fetch one.
    for marker in ("<script", "@import", "url(", "@font-face"):
        assert marker not in lowered, marker

    # Shown as text, its URL aside (reasons are grouped without the file they name).
    assert HOSTILE.replace("http://example.com/x.png", "<URL>") in "".join(parser.text)

    assert {"svg", "table", "rect", "circle"} <= parser.tags
    for chart in ("chart-coverage", "chart-throughput", "chart-processed", "chart-queue"):
        assert f'<svg id="{chart}"' in page
    assert "<td>total</td>" in page
    assert "HTTP 404" in page
    assert "(no reason recorded)" in page


@pytest.mark.parametrize("page", ["/proc/x.html", "{tmp}"])
def test_a_page_that_cannot_be_written_is_refused_before_the_report(
    engine, database_url, tmp_path, page
):
    insert_dataset(engine)
    page = page.format(tmp=tmp_path)
    env = job_environment(database_url, NO_MIRROR, tmp_path)
    result = run_scrapy(["coverage", "--html", page], env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""  # not the report first and the failure after it
    [line] = result.stderr.splitlines()
    assert line.startswith(f"filings_crawler: --html {page}"), line


def test_the_report_says_how_many_stored_filings_have_their_facts_and_items(
    engine, database_url, tmp_path
):
    insert_dataset(engine)
    with engine.begin() as conn:
        stored = conn.execute(
            text(
                "SELECT f.id FROM filings f WHERE EXISTS (SELECT 1 FROM artifacts a WHERE "
                "a.filing_id = f.id AND a.kind = 'html' AND a.status = 'downloaded') ORDER BY f.id"
            )
        ).scalars()
        first, second, *_others = list(stored)
        conn.execute(
            text(
                "UPDATE filings SET form = '10-K', is_xbrl = true, facts_read_at = now(), "
                "sections_read_at = now() WHERE id = :id"
            ),
            {"id": first},
        )
        conn.execute(
            text(
                "UPDATE filings SET form = '10-Q', is_xbrl = true, sections_read_at = now(), "
                "sections_error = 'x.htm: not splittable (<b>bad</b>)' WHERE id = :id"
            ),
            {"id": second},
        )
        accession = conn.execute(
            text("SELECT accession_number FROM filings WHERE id = :id"), {"id": second}
        ).scalar_one()
    result = coverage(database_url, tmp_path, "--html", "page.html")
    derived = result.stdout.split("Derived from the stored filings:\n", 1)[1].split("\n\n")[0]
    lines = derived.splitlines()
    assert lines[0].startswith("  XBRL facts: 1 filings read, 0 could not be read")
    assert lines[0].endswith(", 1 stored not read yet (scrapy facts)")
    assert lines[1].startswith(
        "  Sections (10-K, 10-Q Items): 1 filings split, 1 could not be split (the reason is in "
        "filings.sections_error), "
    )
    assert lines[2] == "    not split (all):"
    assert lines[3].split() == [accession, "10-Q", "Company", *lines[3].split()[3:]]
    assert lines[3].endswith("x.htm: not splittable (<b>bad</b>)")
    page = (tmp_path / "page.html").read_text()
    assert "<td>" + accession + "</td>" in page
    assert "(&lt;b&gt;bad&lt;/b&gt;)" in page  # a reason is text, never markup
