"""An inline XBRL document set (sec/xbrl.py parse_inline_set): Apple's real 10-Q with an
annual-report exhibit of the kind IBM and Wells Fargo file (their statements are inline XBRL in
Exhibit 13), whose facts use the contexts and units the primary document's header defines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl import parse_inline, parse_inline_set
from tests.sample_files import sample_bytes

PRIMARY = "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329.htm"
# An exhibit of the same filing: its own ix:header with no contexts of its own, one number and one
# text fact whose text goes on in a continuation. Its contexts (c-1, c-20) and unit (usd) are the
# primary document's: a document set is one instance.
EXHIBIT = b"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
 xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"
 xmlns:us-gaap="http://fasb.org/us-gaap/2024" xmlns:aapl="http://www.apple.com/20250329">
<head><title>Exhibit 13</title></head>
<body><div style="display:none"><ix:header><ix:resources/></ix:header></div>
<p>Net income was $<ix:nonFraction unitRef="usd" contextRef="c-20" decimals="-6"
 name="us-gaap:AdjustmentsToAdditionalPaidInCapitalOther" format="ixt:num-dot-decimal"
 scale="6" id="ex-1">1,234</ix:nonFraction> million.</p>
<ix:nonNumeric name="aapl:ExhibitNarrative" contextRef="c-1" id="ex-2"
 continuedAt="ex-3">The Company reports</ix:nonNumeric>
<p>a page later:</p>
<ix:continuation id="ex-3"> five reportable segments.</ix:continuation>
</body></html>
"""
NOT_INLINE = b"<html><body><p>Exhibit 31.1: certification</p></body></html>"


def test_a_document_set_reads_the_facts_of_every_document_with_shared_contexts():
    primary = sample_bytes(PRIMARY)
    alone = parse_inline(primary, "aapl-20250329.htm")
    both = parse_inline_set([(primary, "aapl-20250329.htm"), (EXHIBIT, "ex13.htm")])
    # The primary's facts first, unchanged, then the exhibit's.
    assert both.facts[: len(alone.facts)] == alone.facts
    added = both.facts[len(alone.facts) :]
    assert [(f.concept_name, f.context_id) for f in added] == [
        ("AdjustmentsToAdditionalPaidInCapitalOther", "c-20"),
        ("ExhibitNarrative", "c-1"),
    ]
    number, text = added
    # c-20 and usd are defined in the primary document only.
    same_context = next(f for f in alone.facts if f.context_id == "c-20")
    assert (number.period_start, number.period_end) == (
        same_context.period_start,
        same_context.period_end,
    )
    assert (number.value_numeric, number.unit) == (Decimal("1234000000"), "USD")
    assert (text.period_start, text.period_end) == (date(2024, 9, 29), date(2025, 3, 29))
    assert text.value_text == "The Company reports five reportable segments."


def test_an_exhibit_alone_has_no_contexts_for_its_facts():
    alone = parse_inline(EXHIBIT, "ex13.htm")
    assert alone.facts == []
    assert any("c-20" in problem for problem in alone.problems), alone.problems


def test_a_document_without_inline_xbrl_is_left_out_with_a_problem():
    primary = sample_bytes(PRIMARY)
    read = parse_inline_set([(primary, "aapl-20250329.htm"), (NOT_INLINE, "ex31.htm")])
    assert read.facts == parse_inline(primary, "aapl-20250329.htm").facts
    assert any(p.startswith("ex31.htm: no ix:header") for p in read.problems), read.problems
    with pytest.raises(FormatError, match="no ix:header"):
        parse_inline_set([(NOT_INLINE, "ex31.htm"), (primary, "aapl-20250329.htm")])
