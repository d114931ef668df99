"""Spider callbacks on SEC's real answers, frozen: a callback is a function of its Response.

Each response is a saved SEC file wrapped in a Response with the URL it really had (the spiders'
bases are SEC's own here), as city-scrapers tests its spiders. Nothing is fetched.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response

from filings_crawler.items import (
    ArtifactOutcome,
    Company,
    CompanyProfile,
    FilingBatch,
    FilingDocuments,
    ListingsSnapshot,
    PastListingCheck,
)
from filings_crawler.sec.covers import Cover
from filings_crawler.sec.filing_index import FolderEntry, FolderListing
from filings_crawler.sec.plans import HTML, IMAGE, XBRL, ToFetch
from filings_crawler.spiders.backfill import BackfillSpider
from filings_crawler.spiders.documents_fetch import DocumentsFetch
from filings_crawler.spiders.incremental import IncrementalSpider
from filings_crawler.spiders.listings_ref import ListingsRefSpider
from filings_crawler.spiders.past_listings import PastListingsSpider
from filings_crawler.spiders.tickers import TickersSpider
from filings_crawler.storage.layout import FilingPlace
from filings_crawler.work import DocumentWork, PastListingScope, Target
from tests.crawling import unit_crawler
from tests.records import APPLE_10Q
from tests.sample_files import EDGAR_SAMPLE, sample_bytes

# The spiders' bases are SEC's and NASDAQ Trader's own: every URL is the one the file really had.
REAL_BASES = {
    "SEC_WWW_BASE_URL": "https://www.sec.gov",
    "SEC_DATA_BASE_URL": "https://data.sec.gov",
    "NASDAQ_TRADER_BASE_URL": "https://www.nasdaqtrader.com",
}


def saved(relative: str, request: Request | None = None) -> Response:
    """The saved answer for `<host>/<path>`, at its real URL."""
    url = f"https://{relative}"
    request = request or Request(url)
    return Response(url, body=sample_bytes(relative), request=request)


def answer_to(request: Request) -> Response:
    """The saved answer to a request the spider made (its URL is a real SEC URL here)."""
    return saved(request.url.removeprefix("https://"), request)


def spider_of(spidercls: Any, **arguments: Any) -> Any:
    crawler = unit_crawler(spidercls, **REAL_BASES)
    return spidercls.from_crawler(crawler, **arguments)


@pytest.fixture
def backfill() -> BackfillSpider:
    spider = spider_of(BackfillSpider)
    spider.companies = {320193: Target(320193, "NASDAQ", "AAPL")}
    return spider


def in_scope_rows(relative: str) -> dict[str, tuple[str, str]]:
    """accession -> (form, primary document) of the in-scope rows, read plainly from the file."""
    recent = json.loads(sample_bytes(relative))["filings"]["recent"]
    rows = zip(
        recent["accessionNumber"],
        recent["form"],
        recent["filingDate"],
        recent["primaryDocument"],
        strict=True,
    )
    return {
        accession: (form, document)
        for accession, form, filed, document in rows
        if form in ("10-K", "10-K/A", "10-Q", "10-Q/A")
        and date(2023, 1, 1) <= date.fromisoformat(filed) <= date(2025, 12, 31)
    }


def test_a_submissions_file_gives_its_in_scope_filings_then_their_documents(backfill):
    relative = "data.sec.gov/submissions/CIK0000320193.json"
    output = list(backfill.parse_company(saved(relative), cik=320193))
    batch, *requests, profile = output
    assert isinstance(batch, FilingBatch)
    expected = in_scope_rows(relative)
    assert {f.accession_number: (f.row.form, f.primary_document) for f in batch.filings} == expected
    # Each filing queues its primary document, keyed by its URL on SEC.
    apple_10q = next(f for f in batch.filings if f.accession_number == "0000320193-25-000057")
    assert apple_10q.artifacts == [
        ToFetch(
            HTML,
            "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329.htm",
        )
    ]
    # Then each filing's first documents request: its -xbrl.zip (all are inline XBRL).
    assert [r.url.rsplit("/", 1)[1] for r in requests] == [
        f"{accession}-xbrl.zip" for accession in (f.accession_number for f in batch.filings)
    ]
    assert all(r.meta["memory_only"] for r in requests)
    # Last, the company's profile; no page of Apple's reaches into the window.
    assert isinstance(profile, CompanyProfile)
    assert profile.profile is not None
    assert (profile.profile.name, profile.profile.sic, profile.problems) == (
        "Apple Inc.",
        "3571",
        [],
    )


def test_a_company_whose_file_is_not_its_own_is_recorded_with_the_problem(backfill):
    backfill.companies[789019] = Target(789019, "NASDAQ", "MSFT")
    relative = "data.sec.gov/submissions/CIK0000320193.json"
    *_, profile = backfill.parse_company(saved(relative), cik=789019)
    assert isinstance(profile, CompanyProfile)
    assert profile.problems == ["the file is for CIK 320193, not 789019"]


def test_a_truncated_submissions_file_is_a_problem_of_the_company(backfill):
    relative = "data.sec.gov/submissions/CIK0000320193.json"
    truncated = Response(f"https://{relative}", body=sample_bytes(relative)[:5000])
    [profile] = backfill.parse_company(truncated, cik=320193)
    assert isinstance(profile, CompanyProfile)
    assert profile.profile is None
    assert "not valid JSON" in profile.problems[0]


def with_window(spider: Any, start: date) -> None:
    spider.config = spider.config.model_copy(update={"filings_start_date": start})


def test_the_pages_that_reach_into_the_window_are_read_with_the_company(backfill):
    # Expedia's file names a page of its 2005-2016 filings: read when the window reaches it.
    backfill.companies = {1324424: Target(1324424, "NASDAQ", "EXPE")}
    with_window(backfill, date(2015, 1, 1))
    output = list(
        backfill.parse_company(saved("data.sec.gov/submissions/CIK0001324424.json"), cik=1324424)
    )
    page_request = output[-1]
    assert isinstance(page_request, Request)
    assert page_request.url == (
        "https://data.sec.gov/submissions/CIK0001324424-submissions-001.json"
    )
    page = list(backfill.parse_page(answer_to(page_request), **page_request.cb_kwargs))
    assert isinstance(page[-1], CompanyProfile)  # after the last page, the profile


def documents_fetch() -> DocumentsFetch:
    spider = spider_of(BackfillSpider)
    fetch: DocumentsFetch = spider.fetch
    return fetch


def apple_10q() -> DocumentWork:
    place = APPLE_10Q
    return DocumentWork(place, is_inline_xbrl=True, full=True)


def test_apples_zip_answer_gives_the_filing_in_hand_and_the_instance_to_fetch():
    fetch = documents_fetch()
    [zip_request] = fetch.requests(apple_10q())
    [documents] = fetch.parse_zip(answer_to(zip_request), **zip_request.cb_kwargs)
    assert isinstance(documents, FilingDocuments)
    assert (documents.fetch_path, documents.requests) == ("xbrl_zip", 1)
    assert [(f.kind, f.name) for f in documents.in_hand][:2] == [
        (HTML, "aapl-20250329.htm"),
        (IMAGE, "aapl-20250329_g1.jpg"),
    ]
    assert documents.to_fetch == [
        ToFetch(
            XBRL,
            "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/"
            "aapl-20250329_htm.xml",
            optional=True,
        )
    ]


def test_the_10k_file_by_file_records_the_image_sec_lacks_without_asking():
    fetch = documents_fetch()
    place = FilingPlace(
        "NASDAQ",
        "AAPL",
        320193,
        "0000320193-24-000123",
        "10-K",
        date(2024, 11, 1),
        date(2024, 9, 28),
        "aapl-20240928.htm",
    )
    work = DocumentWork(place, is_inline_xbrl=True, full=True)
    folder = EDGAR_SAMPLE / "www.sec.gov/Archives/edgar/data/320193/000032019324000123"
    listing = FolderListing([FolderEntry(p.name, None, False) for p in folder.iterdir()])
    request = fetch.primary_request(work, listing, requests=2, problems=["xbrl zip: HTTP 404"])
    [documents] = fetch.parse_primary(answer_to(request), **request.cb_kwargs)
    assert isinstance(documents, FilingDocuments)
    assert (documents.fetch_path, documents.requests) == ("per_file", 3)
    assert documents.problems == ["xbrl zip: HTTP 404"]
    assert [f.sec_url.rsplit("/", 1)[1] for f in documents.to_fetch] == ["aapl-20240928_g1.jpg"]
    assert documents.outcomes == [
        ArtifactOutcome(
            IMAGE,
            f"{work.files.folder}aapl-20240928_g2.jpg",
            error="not in the filing folder (index.json); SEC does not have it",
            lasting=True,
        )
    ]


def test_the_ticker_files_make_one_company_per_cik():
    spider = spider_of(TickersSpider)
    [next_file] = spider.parse_exchange_file(
        saved("www.sec.gov/files/company_tickers_exchange.json")
    )
    assert next_file.url == "https://www.sec.gov/files/company_tickers.json"
    companies = list(spider.parse_tickers_file(answer_to(next_file), **next_file.cb_kwargs))
    assert all(isinstance(company, Company) for company in companies)
    alphabet = next(c for c in companies if c.cik == 1652044)
    assert (alphabet.primary_ticker, alphabet.tickers[:2]) == ("GOOGL", ["GOOGL", "GOOG"])


def test_both_symbol_directory_files_make_one_snapshot():
    spider = spider_of(ListingsRefSpider)
    [request] = [spider.file_request(0, [])]
    [second] = spider.parse_directory_file(answer_to(request), **request.cb_kwargs)
    assert second.url == "https://www.nasdaqtrader.com/dynamic/SymDir/otherlisted.txt"
    [snapshot] = spider.parse_directory_file(answer_to(second), **second.cb_kwargs)
    assert isinstance(snapshot, ListingsSnapshot)
    assert [f.source_file for f in snapshot.files] == ["nasdaqlisted.txt", "otherlisted.txt"]
    assert sum(len(f.listings) for f in snapshot.files) > 10_000


def test_a_day_of_the_daily_index_gives_the_in_scope_filings_of_targeted_companies():
    spider = spider_of(IncrementalSpider, until="2022-10-03", days="1")
    # Byrna (10-Q) and Iron Spark (a 10-K/A, two 10-Q/A) filed that day, in this window.
    with_window(spider, date(2022, 1, 1))
    spider.companies = {cik: Target(cik, "NASDAQ", None) for cik in (1354866, 1845601, 1)}
    spider.index_requests_pending = 1
    relative = "www.sec.gov/Archives/edgar/daily-index/2022/QTR4/company.20221003.idx"
    requests = list(spider.parse_day(saved(relative)))
    assert spider.found == {
        1354866: {"0001437749-22-023473"},
        1845601: {"0001410578-22-002848", "0001410578-22-002850", "0001410578-22-002853"},
    }
    # The index read, each company with new filings has its submissions asked for.
    assert [r.url for r in requests] == [
        "https://data.sec.gov/submissions/CIK0001354866.json",
        "https://data.sec.gov/submissions/CIK0001845601.json",
    ]


def test_the_documents_carry_what_the_cover_declares():
    fetch = documents_fetch()
    [zip_request] = fetch.requests(apple_10q())
    [documents] = fetch.parse_zip(answer_to(zip_request), **zip_request.cb_kwargs)
    assert documents.cover is not None
    assert documents.cover.exchanges == ("NASDAQ",)
    assert documents.cover.primary_symbol == "AAPL"


# -- past listings ------------------------------------------------------------------------------

XBRL_IDX_2023Q1 = "www.sec.gov/Archives/edgar/full-index/2023/QTR1/xbrl.idx"
APPLE_SUBMISSIONS = "data.sec.gov/submissions/CIK0000320193.json"


@pytest.fixture
def past_listings() -> PastListingsSpider:
    spider = spider_of(PastListingsSpider)
    # Targeted today: Apple and Nicholas Financial; SEC names Microsoft's ticker.
    spider.scope = PastListingScope(frozenset({320193, 1000045}), {789019: "MSFT"}, 2, 1)
    return spider


def test_a_quarter_of_the_full_index_asks_about_each_candidate_once(past_listings):
    requests = list(past_listings.parse_full_index(saved(XBRL_IDX_2023Q1)))
    ciks = [request.cb_kwargs["cik"] for request in requests]
    assert len(ciks) == len(set(ciks)) > 5000
    assert 1000045 not in ciks  # targeted today
    assert 1000184 not in ciks  # SAP files 20-Fs only
    assert all(
        r.url == f"https://data.sec.gov/submissions/CIK{c:010d}.json"
        for r, c in zip(requests, ciks, strict=True)
    )
    assert all(request.meta["memory_only"] for request in requests)
    # The same quarter again (or another naming the same filers) asks about nobody new.
    assert list(past_listings.parse_full_index(saved(XBRL_IDX_2023Q1))) == []


def candidate_probe(spider: PastListingsSpider) -> tuple[Request, Any]:
    """Microsoft taken as a candidate: its submissions answered, the one request that follows."""
    response = saved(APPLE_SUBMISSIONS.replace("0000320193", "0000789019"))
    [request] = spider.parse_candidate(response, cik=789019, name="MICROSOFT CORP")
    return request, spider.fetch.followers


def test_a_candidate_costs_one_document_its_earliest_report_in_the_window(past_listings):
    request, followers = candidate_probe(past_listings)
    # Microsoft's earliest 10-K or 10-Q of 2023-2025: the 10-Q filed 2023-01-24, as its zip.
    assert request.url.endswith("-xbrl.zip")
    assert request.meta["memory_only"]
    [accession] = followers
    assert request.url.endswith(f"/{accession}-xbrl.zip")
    work = request.cb_kwargs["work"]
    assert (work.place.form, work.place.filing_date) == ("10-Q", date(2023, 1, 24))
    assert work.listing_wanted is False


def test_a_cover_naming_a_target_exchange_makes_the_company_targeted(past_listings):
    request, followers = candidate_probe(past_listings)
    work = request.cb_kwargs["work"]
    # Apple's 10-Q zip stands in for the answer: its cover names Nasdaq.
    fetch = past_listings.fetch
    [zip_request] = fetch.requests(apple_10q())
    [apple] = fetch.parse_zip(answer_to(zip_request), **zip_request.cb_kwargs)
    documents = replace(apple, place=work.place)
    items = list(followers.pop(work.place.accession_number)(documents))
    check = items[0]
    assert isinstance(check, PastListingCheck)
    assert check.listing is not None
    assert (check.cik, check.listing.exchange, check.listing.symbol) == (789019, "NASDAQ", "AAPL")
    assert check.accession_number == work.place.accession_number
    batch = next(i for i in items if isinstance(i, FilingBatch))
    assert work.place.accession_number in {f.accession_number for f in batch.filings}
    # The document read is stored, under the exchange found and the ticker SEC gives today;
    # the other filings' documents are asked for, not that one again.
    stored = next(i for i in items if isinstance(i, FilingDocuments))
    assert (stored.place.exchange, stored.place.ticker) == ("NASDAQ", "MSFT")
    asked = [i for i in items if isinstance(i, Request)]
    assert asked
    assert not [r for r in asked if work.place.accession_number in r.url]
    assert isinstance(items[-1], CompanyProfile)
    assert past_listings.companies[789019] == Target(789019, "NASDAQ", "MSFT")


def test_a_cover_without_a_target_exchange_is_recorded_and_nothing_stored(past_listings):
    request, followers = candidate_probe(past_listings)
    work = request.cb_kwargs["work"]
    documents = FilingDocuments(work.place, "xbrl_zip", 1, cover=Cover())
    [check] = followers.pop(work.place.accession_number)(documents)
    assert isinstance(check, PastListingCheck)
    assert check.listing is not None
    assert check.listing.exchange is None
    assert check.problem is None
    assert past_listings.companies == {}


def test_a_document_that_could_not_be_read_leaves_the_company_undecided(past_listings):
    request, followers = candidate_probe(past_listings)
    work = request.cb_kwargs["work"]
    documents = FilingDocuments(work.place, "per_file", 2)
    documents.outcomes.append(ArtifactOutcome(HTML, work.files.primary_url, error="HTTP 404"))
    [check] = followers.pop(work.place.accession_number)(documents)
    assert check.listing is None
    assert check.problem is not None
    assert "HTTP 404" in check.problem


def test_the_end_of_crawl_sweep_asks_again_for_a_filing_still_due_but_not_forever():
    # Asked for in this process, and the database still says it is due (a failure past its
    # back-off, or a fetch that recorded nothing): what was sent is not what was done.
    fetch = documents_fetch()
    work = apple_10q()
    [first] = fetch.requests(work)
    assert fetch.not_yet_asked([work]) == []  # while the crawl runs: it may be in flight
    again = [fetch.still_due([work]) for _ in range(3)]
    assert [len(requests) for requests in again] == [1, 1, 0]
    assert again[0][0].url == first.url
