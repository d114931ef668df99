"""Which companies to check for a past listing, which filing to read, and what its cover says:
on EDGAR's real full index (2023 Q1 xbrl.idx) and real covers of the sample."""

from datetime import date

from filings_crawler.sec.covers import Cover, CoverSecurity, read_cover
from filings_crawler.sec.daily_index import parse_master_index
from filings_crawler.sec.past_listings import (
    DeclaredListing,
    candidates,
    filing_to_read,
    listing_on_cover,
)
from tests.records import filing
from tests.sample_files import sample_bytes

XBRL_IDX = "www.sec.gov/Archives/edgar/full-index/2023/QTR1/xbrl.idx"
FORMS = ("10-K", "10-K/A", "10-Q", "10-Q/A")
WINDOW = {"start": date(2023, 1, 1), "end": date(2025, 12, 31)}


def real_index():
    return parse_master_index(sample_bytes(XBRL_IDX), XBRL_IDX)


def test_candidates_are_the_filers_of_an_in_scope_form_not_excluded():
    entries = real_index()
    in_scope = {e.cik for e in entries if e.form in FORMS}
    found = candidates(entries, forms=FORMS, excluded=(), **WINDOW)
    assert set(found) == in_scope
    assert len(found) > 5000  # every 10-K and 10-Q filer of the quarter with XBRL
    assert list(found) == sorted(found)
    # Named as the index writes them; a filer of other forms only (SAP's 20-F) is no candidate.
    assert found[1000045] == "NICHOLAS FINANCIAL INC"
    assert 1000184 not in found


def test_targeted_funds_and_checked_companies_are_left_out():
    entries = real_index()
    everyone = candidates(entries, forms=FORMS, excluded=(), **WINDOW)
    excluded = set(list(everyone)[:100])
    found = candidates(entries, forms=FORMS, excluded=excluded, **WINDOW)
    assert set(found) == set(everyone) - excluded


def test_the_window_bounds_the_candidates():
    entries = real_index()
    found = candidates(
        entries, forms=FORMS, start=date(2023, 3, 31), end=date(2023, 3, 31), excluded=()
    )
    filed_that_day = {
        e.cik for e in entries if e.form in FORMS and e.date_filed == date(2023, 3, 31)
    }
    assert set(found) == filed_that_day
    later = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}
    assert candidates(entries, forms=FORMS, excluded=(), **later) == {}


def test_the_earliest_report_is_read_then_the_earliest_amendment():
    q2 = filing(1, "0000000001-23-000002", form="10-Q", filing_date=date(2023, 8, 1)).row
    k = filing(1, "0000000001-24-000001", form="10-K", filing_date=date(2024, 3, 1)).row
    amendment = filing(1, "0000000001-23-000001", form="10-K/A", filing_date=date(2023, 5, 1)).row
    assert filing_to_read([k, amendment, q2]) == q2
    assert filing_to_read([amendment]) == amendment
    assert filing_to_read([]) is None


def test_a_real_nasdaq_cover():
    path = "www.sec.gov/Archives/edgar/data/320193/000032019324000123/aapl-20240928.htm"
    listing = listing_on_cover(read_cover(sample_bytes(path), path))
    assert listing == DeclaredListing("NASDAQ", "AAPL", ("NASDAQ",))


def test_a_real_nyse_cover_with_several_securities():
    path = "www.sec.gov/Archives/edgar/data/21344/000002134424000009/ko-20231231.htm"
    listing = listing_on_cover(read_cover(sample_bytes(path), path))
    assert listing.exchange == "NYSE"
    assert listing.symbol == "KO"
    assert listing.declared == ("NYSE",)


def test_the_first_target_exchange_of_the_cover_and_its_symbol():
    cover = Cover(
        (
            CoverSecurity("ABCW", "CboeBZX", "CboeBZX", "Warrants"),
            CoverSecurity("ABC", "NYSEAMER", "NYSE American", "Common Stock"),
            CoverSecurity("ABC", "NASDAQ", "NASDAQ", "Common Stock"),
        )
    )
    assert listing_on_cover(cover) == DeclaredListing(
        "NYSE American", "ABC", ("CboeBZX", "NYSE American", "NASDAQ")
    )


def test_a_cover_without_a_target_exchange_is_not_listed():
    otc = Cover((CoverSecurity("OTCX", None, None, "Common Stock"),))
    assert listing_on_cover(otc) == DeclaredListing(None, "OTCX", ())
    assert listing_on_cover(Cover()) == DeclaredListing(None, None, ())
    cboe = Cover((CoverSecurity("CBX", "CboeBZX", "CboeBZX", "Shares"),))
    assert listing_on_cover(cboe) == DeclaredListing(None, "CBX", ("CboeBZX",))
