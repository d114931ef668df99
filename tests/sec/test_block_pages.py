"""SEC's block pages are recognised from their real bodies; filings are not mistaken for them."""

from __future__ import annotations

from filings_crawler.sec.block_pages import block_page_kind
from tests.conftest import EDGAR_SAMPLE

ERRORS = EDGAR_SAMPLE / "_errors"
FILING = (
    EDGAR_SAMPLE / "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329.htm"
)


def test_the_real_block_pages_are_recognised():
    assert block_page_kind((ERRORS / "rate-exceeded.html").read_bytes()) == "rate_threshold"
    assert block_page_kind((ERRORS / "SEC.AutomatedTool.html").read_bytes()) == "undeclared_tool"


def test_documents_are_not_block_pages():
    assert block_page_kind(FILING.read_bytes()) is None
    assert block_page_kind(b"") is None
    assert block_page_kind(b'{"cik": "0000320193"}') is None
    # A small page that merely mentions the phrase in its text is not the block page either.
    assert block_page_kind(b"<html><body>Request Rate Threshold Exceeded</body></html>") is None
