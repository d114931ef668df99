"""XBRL facts read from SEC's real filings, checked against SEC's own extracted instances and an
independent reading; documents built with each case a reader can get wrong; refused attacks."""

import concurrent.futures
import dataclasses
import gzip
import html.parser
import re
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from filings_crawler.sec import xbrl
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl import Fact, Facts, parse_inline, parse_instance
from filings_crawler.sec.xbrl_transforms import (
    IXT_SEC_NAMESPACE,
    NotInFormat,
    UnknownFormat,
    transform,
    words_number,
)
from tests.sample_files import sample_bytes

ARCHIVES = "www.sec.gov/Archives/edgar/data"
APPLE_10Q_2025 = f"{ARCHIVES}/320193/000032019325000057/aapl-20250329"
APPLE_10Q_2023 = f"{ARCHIVES}/320193/000032019323000077/aapl-20230701"
# Inline documents, with their facts once and their ix:nonFraction / ix:nonNumeric elements.
INLINE_DOCUMENTS = [
    (f"{APPLE_10Q_2025}.htm", 700, 760),
    (f"{APPLE_10Q_2023}.htm", 765, 835),
    (f"{ARCHIVES}/320193/000032019324000123/aapl-20240928.htm", 1045, 1127),
    (f"{ARCHIVES}/320193/000032019325000073/aapl-20250628.htm", 707, 769),
    (f"{ARCHIVES}/21344/000002134424000009/ko-20231231.htm", 2840, 3118),
    (f"{ARCHIVES}/1652044/000165204423000094/goog-20230930.htm", 1388, 1531),
    (f"{ARCHIVES}/1018724/000101872423000012/amzn-20230630.htm", 1064, 1156),
]
TR4 = "http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"
TR2 = "http://www.xbrl.org/inlineXBRL/transformation/2011-07-31"
DOT, COMMA = "ixt:num-dot-decimal", "ixt:num-comma-decimal"
CIK = "http://www.sec.gov/CIK"


@cache
def _read(relative: str, *, deduplicate: bool = True) -> Facts:
    parse = parse_instance if relative.endswith(".xml") else parse_inline
    return parse(sample_bytes(relative), relative, deduplicate=deduplicate)


def _one(facts: Facts, concept: str, **where: object) -> Fact:
    found = [
        fact
        for fact in facts.facts
        if fact.concept == concept and all(getattr(fact, k) == v for k, v in where.items())
    ]
    assert len(found) == 1, (concept, where, found)
    return found[0]


# --- the real filings --------------------------------------------------------------------------


@pytest.mark.parametrize("filing", [APPLE_10Q_2025, APPLE_10Q_2023])
def test_the_inline_document_gives_sec_extracted_instance_fact_for_fact(filing):
    # SEC extracted `_htm.xml` from this very document: every fact element, by its id, is the
    # same record whichever file is read (numbers after format, scale and sign; text blocks as
    # text; transformed cover facts as SEC's codes). No normalization beyond the reader's own.
    inline = _read(f"{filing}.htm", deduplicate=False)
    instance = _read(f"{filing}_htm.xml", deduplicate=False)
    assert inline.problems == instance.problems == []
    by_id = {fact.fact_id: fact for fact in instance.facts}
    assert len(by_id) == len(instance.facts) == len(inline.facts)
    for fact in inline.facts:
        assert fact == by_id[fact.fact_id], fact.fact_id
    # Deduplicated, the two files give the same facts, and choose the same one of duplicates.
    once_inline, once_instance = _read(f"{filing}.htm"), _read(f"{filing}_htm.xml")
    assert sorted(once_inline.facts, key=_sort_key) == sorted(once_instance.facts, key=_sort_key)
    assert sorted(f.fact_id or "" for f in once_inline.facts) == sorted(
        f.fact_id or "" for f in once_instance.facts
    )
    assert once_inline.duplicates == once_instance.duplicates > 0


def _sort_key(fact: Fact) -> tuple[str, str, str]:
    return (fact.concept, fact.context_id, fact.value_text)


class _HtmlText(html.parser.HTMLParser):
    """Independent of the reader: the standard library's HTML parser, blocks apart."""

    BLOCKS = xbrl._BLOCKS

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in self.BLOCKS:
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)


def _independent_reading(xml: bytes) -> dict[str, tuple[object, ...]]:
    """Each fact of an instance, read with xml.etree and html.parser (not lxml), and nothing of
    the module but its list of block elements (which separate a text block's words)."""
    root: Any = ElementTree.fromstring(xml)
    ns = {"x": "http://www.xbrl.org/2003/instance", "d": "http://xbrl.org/2006/xbrldi"}
    contexts = {}
    for context in root.findall("x:context", ns):
        identifier = context.find("x:entity/x:identifier", ns)
        period = {
            p.tag.split("}")[1]: date.fromisoformat(p.text) for p in context.find("x:period", ns)
        }
        dimensions = []
        for member in context.iterfind("x:entity/x:segment/*", ns):
            shown = member.text if member.tag.endswith("explicitMember") else member[0].text
            dimensions.append((member.get("dimension"), shown.strip()))
        contexts[context.get("id")] = (
            identifier.get("scheme"),
            identifier.text,
            period.get("instant"),
            period.get("startDate"),
            period.get("endDate"),
            tuple(sorted(dimensions)),
        )
    units = {}
    for unit in root.findall("x:unit", ns):
        measures = [m.text.split(":")[-1] for m in unit.iter(f"{{{ns['x']}}}measure")]
        units[unit.get("id")] = "/".join(measures)
    facts: dict[str, tuple[object, ...]] = {}
    for element in root:
        if "contextRef" not in element.attrib:
            continue
        nil = element.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
        text = element.text or ""
        value: object
        if "unitRef" in element.attrib:
            value = None if nil else Decimal(text)
            decimals = element.get("decimals")
            unit = units[element.get("unitRef")]
            exact = None if decimals in (None, "INF") else int(decimals)
        else:
            parser = _HtmlText()
            parser.feed(text)
            # XML's four white-space characters only: a no-break space is text.
            words = re.split("[ \t\n\r]+", "".join(parser.pieces))
            value, unit, exact = " ".join(word for word in words if word), None, None
        namespace, name = element.tag[1:].split("}")
        facts[element.get("id")] = (
            namespace, name, value, unit, exact, nil, *contexts[element.get("contextRef")]
        )  # fmt: skip
    return facts


@pytest.mark.parametrize("filing", [APPLE_10Q_2025, APPLE_10Q_2023])
def test_an_independent_reading_of_sec_instance_gives_the_same_facts(filing):
    independent = _independent_reading(sample_bytes(f"{filing}_htm.xml"))
    read = _read(f"{filing}_htm.xml", deduplicate=False)
    assert len(read.facts) == len(independent)
    for fact in read.facts:
        value = fact.value_numeric if fact.is_numeric else fact.value_text
        mine = (
            *(fact.namespace, fact.concept_name, value, fact.unit, fact.decimals, fact.is_nil),
            *(fact.entity_scheme, fact.entity_identifier, fact.period_instant),
            *(fact.period_start, fact.period_end, fact.dimensions),
        )
        assert mine == independent[fact.fact_id or ""], fact.fact_id


@pytest.mark.parametrize(("relative", "once", "elements"), INLINE_DOCUMENTS)
def test_every_fact_of_the_real_inline_documents_is_read(relative, once, elements):
    document = sample_bytes(relative)
    assert len(re.findall(rb"<ix:(?:nonFraction|nonNumeric)\b", document)) == elements
    every = _read(relative, deduplicate=False)
    assert every.problems == []
    assert len(every.facts) == elements
    facts = _read(relative)
    assert (len(facts.facts), facts.duplicates) == (once, elements - once)
    assert facts.problems == []
    # Every numeric fact has its number, or is nil; every fact has its context's entity.
    for fact in facts.facts:
        assert fact.is_nil or not fact.is_numeric or fact.value_numeric is not None, fact
        assert fact.entity_scheme == CIK
        assert fact.entity_cik is not None


def test_apple_10q_numbers_read_by_hand_from_the_document():
    facts = _read(f"{APPLE_10Q_2025}.htm")
    quarter = {"period_start": date(2024, 12, 29), "period_end": date(2025, 3, 29)}
    revenue = _one(
        facts,
        "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
        dimensions=(),
        **quarter,
    )
    # "Total net sales ... 95,359" (in millions), decimals="-6" scale="6".
    assert revenue.value_numeric == Decimal("95359000000")
    assert (revenue.value_text, revenue.unit, revenue.decimals) == ("95359000000", "USD", -6)
    assert (revenue.namespace, revenue.concept_prefix) == (
        "http://fasb.org/us-gaap/2024",
        "us-gaap",
    )
    assert (revenue.entity_identifier, revenue.entity_cik) == ("0000320193", 320193)
    # The cover: "14,935,826,000 shares of common stock were issued and outstanding as of
    # April 18, 2025".
    shares = _one(facts, "dei:EntityCommonStockSharesOutstanding")
    assert shares.value_numeric == Decimal("14935826000")
    assert (shares.unit, shares.period_instant, shares.decimals) == (
        "shares",
        date(2025, 4, 18),
        -3,
    )
    # A dimensional fact: products (not services) net sales of the quarter, "68,714".
    products = _one(
        facts,
        "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
        dimensions=(("srt:ProductOrServiceAxis", "us-gaap:ProductMember"),),
        **quarter,
    )
    assert products.value_numeric == Decimal("68714000000")
    # Per share, in a divided unit: "1.65".
    eps = _one(facts, "us-gaap:EarningsPerShareBasic", dimensions=(), **quarter)
    assert (eps.value_numeric, eps.unit, eps.decimals) == (Decimal("1.65"), "USD/shares", 2)
    # sign="-": the document shows "(75)" as 75 with a sign; the fact is negative.
    loss = _one(
        facts,
        "aapl:OtherComprehensiveIncomeLossDerivativeInstrumentGainLossBeforeReclassificationAfterTax",
        context_id="c-22",
    )
    assert loss.value_numeric == Decimal("-75000000")
    # scale="-2": "10" percent is 0.1.
    share = _one(
        facts,
        "aapl:DebtSecuritiesAvailableForSaleMaturityAllocatedAndSingleMaturityDateRollingAfterFiveThroughTenYearsPercentage",
        context_id="c-107",
    )
    assert (share.value_numeric, share.value_text, share.unit) == (Decimal("0.1"), "0.1", "pure")
    # A nil fact: no number, no text, no decimals.
    nil = _one(facts, "us-gaap:CommitmentsAndContingencies", period_instant=date(2025, 3, 29))
    assert (nil.is_nil, nil.value_numeric, nil.value_text, nil.decimals) == (True, None, "", None)
    # A typed dimension: its value is the member.
    typed = [
        f
        for f in facts.facts
        if f.concept_name
        == "RevenueRemainingPerformanceObligationExpectedTimingOfSatisfactionPeriod1"
    ]
    assert all("StartDateAxis" in f.dimensions[0][0] for f in typed)
    assert [f.dimensions[0][1] for f in typed][:2] == ["2025-03-30", "2026-03-29"]
    assert {f.value_text for f in typed} == {"P1Y"}


def test_apple_10q_cover_facts_are_transformed_as_sec_does():
    facts = _read(f"{APPLE_10Q_2025}.htm")
    text: dict[str, str] = {}
    for fact in facts.facts:
        if not fact.is_numeric and not fact.dimensions:
            text.setdefault(fact.concept, fact.value_text)
    assert text["dei:DocumentType"] == "10-Q"
    assert text["dei:DocumentPeriodEndDate"] == "2025-03-29"  # "March 29, 2025"
    assert text["dei:CurrentFiscalYearEndDate"] == "--09-27"
    assert text["dei:EntityIncorporationStateCountryCode"] == "CA"  # "California"
    assert text["dei:EntityFilerCategory"] == "Large Accelerated Filer"  # "Large accelerated filer"
    assert text["dei:EntityShellCompany"] == "false"  # a ballot box
    assert text["dei:EntityRegistrantName"] == "Apple Inc."
    assert {f.value_text for f in facts.facts if f.concept == "dei:SecurityExchangeName"} == {
        "NASDAQ"  # "The Nasdaq Stock Market LLC"
    }
    # ixt-sec:duryear "2.7" years (for restricted stock units), as SEC writes it.
    period = _one(
        facts,
        "us-gaap:EmployeeServiceShareBasedCompensationNonvestedAwardsTotalCompensationCostNotYetRecognizedPeriodForRecognition1",
    )
    assert period.value_text == "P2Y8M12D"
    assert period.dimensions == (
        ("us-gaap:AwardTypeAxis", "us-gaap:RestrictedStockUnitsRSUMember"),
    )
    assert all(not f.is_numeric for f in facts.facts if f.concept.startswith("dei:Document"))


def test_text_blocks_are_their_text_with_continuations_followed():
    facts = _read(f"{APPLE_10Q_2025}.htm", deduplicate=False)
    by_id = {fact.fact_id: fact for fact in facts.facts}
    policies = by_id["f-358"].value_text
    assert policies.startswith(
        "Summary of Significant Accounting Policies Basis of Presentation and Preparation The "
        "condensed consolidated financial statements include the accounts of Apple Inc."
    )
    assert "<" not in policies
    assert "style=" not in policies
    assert "  " not in policies
    # f-427 goes on in three ix:continuation elements; the last sentence is in the third.
    instruments = by_id["f-427"].value_text
    assert instruments.startswith("Financial Instruments Cash, Cash Equivalents and Marketable")
    assert instruments.endswith("which accounted for 44% and 23%.")
    # Table cells are apart: a row reads as words and numbers, not "Cost13,844".
    assert re.search(r"Adjusted Cost Unrealized Gains Unrealized Losses Fair Value", instruments)


@pytest.mark.parametrize("filing", [APPLE_10Q_2025, APPLE_10Q_2023])
def test_no_break_spaces_are_kept_as_filed(filing):
    # "March&#160;29, 2025": SEC's instance keeps U+00A0 in a text fact, and so does the inline
    # reading of the same document; it is not white space to collapse.
    root: Any = ElementTree.fromstring(sample_bytes(f"{filing}_htm.xml"))
    filed = {element.get("id") for element in root if "\xa0" in (element.text or "")}
    assert len(filed) >= 20
    for relative in (f"{filing}_htm.xml", f"{filing}.htm"):
        facts = _read(relative, deduplicate=False).facts
        assert {fact.fact_id for fact in facts if "\xa0" in fact.value_text} == filed, relative
    policies = _one(_read(f"{filing}.htm"), "us-gaap:BasisOfAccountingPolicyPolicyTextBlock")
    assert re.search("ended September\xa02[48], 202[24]", policies.value_text)


def test_known_facts_of_other_filers():
    ko = _read(INLINE_DOCUMENTS[4][0])
    revenues = _one(ko, "us-gaap:Revenues", dimensions=(), period_end=date(2023, 12, 31))
    assert revenues.value_numeric == Decimal("45754000000")
    public_float = _one(ko, "dei:EntityPublicFloat")
    assert (public_float.value_numeric, public_float.decimals) == (Decimal("258329040018"), 0)
    goog = _read(INLINE_DOCUMENTS[5][0])
    quarter = _one(
        goog,
        "us-gaap:RevenueFromContractWithCustomerExcludingAssessedTax",
        dimensions=(),
        period_start=date(2023, 7, 1),
    )
    assert quarter.value_numeric == Decimal("76693000000")
    amzn = _read(INLINE_DOCUMENTS[6][0])
    shares = _one(amzn, "dei:EntityCommonStockSharesOutstanding")
    # decimals="INF": an exact number.
    assert (shares.value_numeric, shares.decimals) == (Decimal("10317750796"), None)
    # ixt-sec:durwordsen "364-day" and "one-year"; ixt-sec:duryear "3.6" (years).
    by_id = {
        f.fact_id: f.value_text for f in _read(INLINE_DOCUMENTS[6][0], deduplicate=False).facts
    }
    assert (by_id["f-860"], by_id["f-884"], by_id["f-547"]) == ("P364D", "P1Y", "P3Y7M6D")


# --- transformations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("namespace", "name", "shown", "value"),
    [
        (TR4, "num-dot-decimal", "14,935,826,000", "14935826000"),
        (TR4, "num-dot-decimal", "1 234.50", "1234.5"),
        (TR4, "num-dot-decimal", "1\u00a0234", "1234"),
        (TR4, "num-dot-decimal", ".5", "0.5"),
        (TR4, "num-dot-decimal", "007", "7"),
        (TR4, "num-comma-decimal", "1.234,5", "1234.5"),
        (TR4, "num-dot-decimal-apos", "1'234.5", "1234.5"),
        (TR2, "numdotdecimal", "1,234.5", "1234.5"),
        (TR2, "numcommadecimal", "1 234,5", "1234.5"),
        (TR2, "zerodash", "\u2014", "0"),
        (TR2, "zerodash", " - ", "0"),
        (TR4, "fixed-zero", "—", "0"),
        (TR4, "fixed-zero", "None", "0"),
        (TR4, "fixed-true", "☒", "true"),
        (TR4, "fixed-false", "No", "false"),
        (TR4, "fixed-empty", "n/a", ""),
        (TR4, "num-unit-decimal", "5 dollars 25 cents", "5.25"),
        (TR4, "date-monthname-day-year-en", "March\u00a029, 2025", "2025-03-29"),
        (TR4, "date-monthname-day-year-en", "Sept. 30, 2023", "2023-09-30"),
        (TR4, "date-monthname-day-year-en", "DECEMBER 31, 24", "2024-12-31"),
        (TR4, "date-day-monthname-year-en", "1st January 2024", "2024-01-01"),
        (TR4, "date-monthname-day-en", "September 28", "--09-28"),
        (TR4, "date-monthname-day-en", "February 29", "--02-29"),
        (TR4, "date-month-day", "06/30", "--06-30"),
        (TR4, "date-month-day-year", "12/31/2023", "2023-12-31"),
        (TR4, "date-day-month-year", "31.12.2023", "2023-12-31"),
        (TR4, "date-year-month-day", "2023-12-31", "2023-12-31"),
        (TR4, "date-monthname-year-en", "December 2023", "2023-12"),
        (TR2, "datemonthdayyearen", "July 1, 2023", "2023-07-01"),
        (TR2, "dateslashus", "7/1/23", "2023-07-01"),
        (IXT_SEC_NAMESPACE, "numwordsen", "twenty-three", "23"),
        (IXT_SEC_NAMESPACE, "numwordsen", "no", "0"),
        (IXT_SEC_NAMESPACE, "numwordsen", "None", "0"),
        (IXT_SEC_NAMESPACE, "numwordsen", "one hundred and five", "105"),
        (IXT_SEC_NAMESPACE, "numwordsen", "two thousand, three hundred", "2300"),
        (IXT_SEC_NAMESPACE, "duryear", "2.7", "P2Y8M12D"),
        (IXT_SEC_NAMESPACE, "duryear", "17", "P17Y"),
        (IXT_SEC_NAMESPACE, "duryear", "0.5", "P0Y6M"),
        (IXT_SEC_NAMESPACE, "duryear", "0", "P0Y"),
        (IXT_SEC_NAMESPACE, "duryear", "-1.5", "-P1Y6M"),
        (IXT_SEC_NAMESPACE, "durmonth", "12", "P12M"),
        (IXT_SEC_NAMESPACE, "durday", "1.5", "P1DT12H"),
        (IXT_SEC_NAMESPACE, "durweek", "2", "P14D"),
        (IXT_SEC_NAMESPACE, "durhour", "0", "PT0H"),
        (IXT_SEC_NAMESPACE, "durwordsen", "three years", "P3Y"),
        (IXT_SEC_NAMESPACE, "durwordsen", "364-day", "P364D"),
        (IXT_SEC_NAMESPACE, "durwordsen", "one year and six months", "P1Y6M"),
        (IXT_SEC_NAMESPACE, "durwordsen", "Twenty-five years, 3 months", "P25Y3M"),
        (IXT_SEC_NAMESPACE, "boolballotbox", "☒", "true"),
        (IXT_SEC_NAMESPACE, "boolballotbox", "\u2611", "true"),
        (IXT_SEC_NAMESPACE, "boolballotbox", " ☐ ", "false"),
        (IXT_SEC_NAMESPACE, "yesnoballotbox", "☒", "Yes"),
        (IXT_SEC_NAMESPACE, "stateprovnameen", "California", "CA"),
        (IXT_SEC_NAMESPACE, "stateprovnameen", "new  york", "NY"),
        (IXT_SEC_NAMESPACE, "stateprovnameen", "Ontario", "ON"),
        (IXT_SEC_NAMESPACE, "countrynameen", "United  Kingdom", "GB"),
        (IXT_SEC_NAMESPACE, "countrynameen", "U.K.", "GB"),
        (IXT_SEC_NAMESPACE, "countrynameen", "The Netherlands", "NL"),
        (IXT_SEC_NAMESPACE, "countrynameen", "People’s Republic of China", "CN"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Côte d'Ivoire", "CI"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Cote d’Ivoire", "CI"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Cayman Islands", "KY"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Curaçao", "CW"),
        (IXT_SEC_NAMESPACE, "countrynameen", "U.S.A.", "US"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Cayman Islands", "E9"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Bermuda", "D0"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Ireland", "L2"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Jersey", "Y9"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "England and Wales", "X0"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "British Virgin Islands", "D8"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Virgin Islands, U.S.", "VI"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Ontario, Canada", "A6"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Québec", "A8"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Canada", "Z4"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Georgia", "2Q"),  # the country
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "United States", "X1"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Netherlands Antilles", "P8"),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Unknown", "XX"),
        (IXT_SEC_NAMESPACE, "exchnameen", "The Nasdaq Stock Market LLC", "NASDAQ"),
        (IXT_SEC_NAMESPACE, "exchnameen", "Nasdaq Global Select Market", "NASDAQ"),
        (IXT_SEC_NAMESPACE, "exchnameen", "New York Stock Exchange", "NYSE"),
        (IXT_SEC_NAMESPACE, "exchnameen", "NYSE Arca, Inc.", "NYSEArca"),
        (
            IXT_SEC_NAMESPACE,
            "entityfilercategoryen",
            "Large accelerated filer",
            "Large Accelerated Filer",
        ),
        (
            IXT_SEC_NAMESPACE,
            "entityfilercategoryen",
            "Non-accelerated filer",
            "Non-accelerated Filer",
        ),
        (IXT_SEC_NAMESPACE, "entityfilercategoryen", "Accelerated Filer", "Accelerated Filer"),
        (IXT_SEC_NAMESPACE, "datequarterend", "fourth quarter of 2024", "2024-12-31"),
        (IXT_SEC_NAMESPACE, "datequarterend", "2023 Q1", "2023-03-31"),
        (IXT_SEC_NAMESPACE, "datequarterend", "Q2 2024", "2024-06-30"),
        (IXT_SEC_NAMESPACE, "datequarterend", "3rd quarter, 2024", "2024-09-30"),
        (IXT_SEC_NAMESPACE, "numinf", "unlimited", "INF"),
    ],
)
def test_transformations(namespace, name, shown, value):
    assert transform(namespace, name, shown) == value


@pytest.mark.parametrize(
    ("namespace", "name", "shown"),
    [
        (TR4, "num-dot-decimal", "(1,234)"),
        (TR4, "num-dot-decimal", "—"),
        (TR4, "num-dot-decimal", ""),
        (TR4, "num-dot-decimal", "1.2.3"),
        (TR4, "num-comma-decimal", "1,2,3"),
        (TR2, "zerodash", "0"),
        (TR4, "date-monthname-day-year-en", "Smarch 3, 2024"),
        (TR4, "date-monthname-day-year-en", "February 30, 2024"),
        (TR4, "date-month-day-year", "13/01/2024"),
        (TR4, "date-monthname-day-en", "April 31"),
        (IXT_SEC_NAMESPACE, "numwordsen", "a few"),
        (IXT_SEC_NAMESPACE, "numwordsen", "hundred"),
        (IXT_SEC_NAMESPACE, "duryear", "two"),
        (IXT_SEC_NAMESPACE, "durwordsen", "a while"),
        (IXT_SEC_NAMESPACE, "durwordsen", "year " * 100),
        (IXT_SEC_NAMESPACE, "boolballotbox", "X"),
        (IXT_SEC_NAMESPACE, "stateprovnameen", "Atlantis"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Atlantis"),
        (IXT_SEC_NAMESPACE, "countrynameen", "Ontario"),  # a province is not a country
        (IXT_SEC_NAMESPACE, "countrynameen", " "),
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Delaware"),  # states: stateprovnameen
        (IXT_SEC_NAMESPACE, "edgarprovcountryen", "Curaçao"),  # no EDGAR code of its own
        (IXT_SEC_NAMESPACE, "exchnameen", "Nasdaq Capital Market"),
        (IXT_SEC_NAMESPACE, "entityfilercategoryen", "Smaller reporting company"),
        (TR4, "num-dot-decimal", "1" * 20_000),
    ],
)
def test_text_that_does_not_fit_its_format(namespace, name, shown):
    with pytest.raises(NotInFormat):
        transform(namespace, name, shown)


@pytest.mark.parametrize(
    ("namespace", "name"),
    [
        (TR4, "date-day-monthname-year-de"),  # other languages are not
        (TR4, "numdotdecimal-typo"),
        ("http://example.com/transformation", "num-dot-decimal"),
        (IXT_SEC_NAMESPACE, "num-dot-decimal"),  # an ixt name in the ixt-sec registry
    ],
)
def test_formats_not_implemented(namespace, name):
    with pytest.raises(UnknownFormat):
        transform(namespace, name, "1")


def test_number_words():
    assert words_number("nineteen") == 19
    assert words_number("ninety\u2011nine") == 99
    assert words_number("one million two hundred thousand and one") == 1_200_001
    assert words_number("Zero") == 0


# --- documents built for each case ---------------------------------------------------------------

NAMESPACES = (
    'xmlns:xbrli="http://www.xbrl.org/2003/instance" '
    'xmlns:xbrldi="http://xbrl.org/2006/xbrldi" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:iso4217="http://www.xbrl.org/2003/iso4217" '
    'xmlns:us-gaap="http://fasb.org/us-gaap/2024" '
    'xmlns:dei="http://xbrl.sec.gov/dei/2024" '
    'xmlns:srt="http://fasb.org/srt/2024" '
    'xmlns:ex="http://example.com/20241231"'
)
ENTITY = f'<xbrli:entity><xbrli:identifier scheme="{CIK}">0000000042</xbrli:identifier>'
YEAR = (
    "<xbrli:period><xbrli:startDate>2024-01-01</xbrli:startDate>"
    "<xbrli:endDate>2024-12-31</xbrli:endDate></xbrli:period>"
)


def _member(axis: str, member: str) -> str:
    return f'<xbrldi:explicitMember dimension="{axis}">{member}</xbrldi:explicitMember>'


CONTEXTS = (
    f'<xbrli:context id="year">{ENTITY}</xbrli:entity>{YEAR}</xbrli:context>'
    # The same context by value, under another id.
    f'<xbrli:context id="year-again">{ENTITY}</xbrli:entity>{YEAR}</xbrli:context>'
    f'<xbrli:context id="end">{ENTITY}</xbrli:entity>'
    "<xbrli:period><xbrli:instant>2024-12-31</xbrli:instant></xbrli:period></xbrli:context>"
    f'<xbrli:context id="segment">{ENTITY}<xbrli:segment>'
    + _member("srt:ProductOrServiceAxis", "us-gaap:ServiceMember")
    + _member("srt:ConsolidationItemsAxis", "us-gaap:OperatingSegmentsMember")
    + f"</xbrli:segment></xbrli:entity>{YEAR}</xbrli:context>"
)
UNITS = (
    '<xbrli:unit id="usd"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>'
    '<xbrli:unit id="shares"><xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unit>'
    '<xbrli:unit id="per-share"><xbrli:divide><xbrli:unitNumerator><xbrli:measure>iso4217:USD'
    "</xbrli:measure></xbrli:unitNumerator><xbrli:unitDenominator><xbrli:measure>xbrli:shares"
    "</xbrli:measure></xbrli:unitDenominator></xbrli:divide></xbrli:unit>"
)


def _instance(facts: str, *, resources: str = CONTEXTS + UNITS, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}\n'
        f"<xbrli:xbrl {NAMESPACES}>{resources}{facts}</xbrli:xbrl>"
    ).encode()


def _inline(body: str, *, resources: str = CONTEXTS + UNITS, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" {NAMESPACES} '
        'xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
        f'xmlns:ixt="{TR4}" xmlns:ixt-sec="{IXT_SEC_NAMESPACE}">'
        '<head><title>10-K</title></head><body><div style="display:none"><ix:header>'
        f"<ix:resources>{resources}</ix:resources></ix:header></div>{body}</body></html>"
    ).encode()


def _number(value: str, *, name="us-gaap:Revenues", context="year", unit="usd", **attributes):
    written = " ".join(f'{k.replace("_", ":")}="{v}"' for k, v in attributes.items())
    return (
        f'<ix:nonFraction name="{name}" contextRef="{context}" unitRef="{unit}" {written}>'
        f"{value}</ix:nonFraction>"
    )


def test_inline_numbers_scale_sign_formats_and_nil():
    facts = parse_inline(
        _inline(
            "<table><tr><td>"
            + _number("1,234", id="a", decimals="-3", scale="3", format=DOT)
            + _number("5", id="b", name="us-gaap:NetIncomeLoss", decimals="-6", scale="6", sign="-")
            + _number(
                "—",
                id="c",
                name="us-gaap:OtherIncome",
                decimals="0",
                sign="-",
                format="ixt:fixed-zero",
            )
            + _number(
                "1.234,5", id="d", name="us-gaap:Assets", context="end", decimals="1", format=COMMA
            )
            + _number(
                "<b>2</b>.<i>5</i>",
                id="e",
                name="us-gaap:EarningsPerShareBasic",
                unit="per-share",
                decimals="2",
            )
            + _number("", id="f", name="us-gaap:Liabilities", context="end", xsi_nil="true")
            + _number(
                "twenty",
                id="g",
                name="dei:EntityNumberOfEmployees",
                unit="shares",
                decimals="INF",
                format="ixt-sec:numwordsen",
            )
            + "</td></tr></table>"
        ),
        "built",
    )
    assert facts.problems == []
    got = {f.fact_id: (f.value_numeric, f.value_text, f.decimals, f.unit) for f in facts.facts}
    assert got == {
        "a": (Decimal("1234000"), "1234000", -3, "USD"),
        "b": (Decimal("-5000000"), "-5000000", -6, "USD"),
        "c": (Decimal("0"), "0", 0, "USD"),  # a signed zero is zero
        "d": (Decimal("1234.5"), "1234.5", 1, "USD"),
        "e": (Decimal("2.5"), "2.5", 2, "USD/shares"),
        "f": (None, "", None, "USD"),
        "g": (Decimal("20"), "20", None, "shares"),
    }
    nil = next(f for f in facts.facts if f.fact_id == "f")
    assert (nil.is_nil, nil.is_numeric, nil.period_instant) == (True, True, date(2024, 12, 31))


def test_a_format_not_known_or_not_fitting_keeps_the_text_without_number():
    facts = parse_inline(
        _inline(
            _number("12 345", id="a", format="ixt:num-space-dot")
            + _number("(1,234)", id="b", name="us-gaap:Assets", format=DOT)
            + _number("1,000", id="c", name="us-gaap:Liabilities")
            + '<ix:nonNumeric name="dei:EntityAddressCountry" contextRef="year" id="d" '
            'format="ixt-sec:countrynameen">Narnia</ix:nonNumeric>'
        ),
        "built",
    )
    got = {f.fact_id: (f.value_numeric, f.value_text) for f in facts.facts}
    assert got == {
        "a": (None, "12 345"),
        "b": (None, "(1,234)"),
        "c": (None, "1,000"),  # without a format, the text is the XBRL value: no commas
        "d": (None, "Narnia"),
    }
    assert len(facts.problems) == 4
    assert "fact a: format 'ixt:num-space-dot' is not known; its text is kept" in facts.problems
    assert facts.problems[1].startswith("fact b: format 'ixt:num-dot-decimal': '(1,234)' is not")
    assert facts.problems[2] == "fact c: '1,000' is not a number; its text is kept"


def test_duplicates_are_one_fact_whatever_the_context_id():
    document = _inline(
        # The cover, the statement and a note show the same number; twice in another context id
        # of the same value, once more precisely, and once with another value.
        _number("1,234", id="f1", decimals="-6", scale="6", format=DOT)
        + _number("1,234", id="f2", decimals="-6", scale="6", format=DOT)
        + _number("1,234", id="f3", context="year-again", decimals="-6", scale="6", format=DOT)
        + _number("1,234,000", id="f4", context="year-again", decimals="-3", scale="3", format=DOT)
        + _number("1.2", id="f5", decimals="-8", scale="9")  # rounded: another value
        + _number("1,234", id="f6", context="segment", decimals="-6", scale="6", format=DOT)
        + _number("1,234", id="f7", unit="shares", decimals="-6", scale="6", format=DOT)
        + '<ix:nonNumeric name="dei:EntityRegistrantName" contextRef="year" id="t1">Example  Inc.'
        '</ix:nonNumeric><p><ix:nonNumeric name="dei:EntityRegistrantName" contextRef="year-again" '
        'id="t2">Example Inc.</ix:nonNumeric></p>'
    )
    facts = parse_inline(document, "built")
    assert facts.duplicates == 4
    kept = [(f.fact_id, f.context_id, f.value_numeric, f.decimals, f.unit) for f in facts.facts]
    assert kept == [
        # f1..f4 are one fact: the most precise (decimals -3) is kept.
        ("f4", "year-again", Decimal("1234000000"), -3, "USD"),
        ("f5", "year", Decimal("1200000000"), -8, "USD"),
        ("f6", "segment", Decimal("1234000000"), -6, "USD"),
        ("f7", "year", Decimal("1234000000"), -6, "shares"),
        ("t1", "year", None, None, None),
    ]
    # The same choice whatever the order of the document.
    reversed_body = _inline(
        _number("1,234", id="f3", context="year-again", decimals="-6", scale="6", format=DOT)
        + _number("1,234", id="f2", decimals="-6", scale="6", format=DOT)
        + _number("1,234", id="f1", decimals="-6", scale="6", format=DOT)
    )
    (kept_one,) = parse_inline(reversed_body, "built").facts
    assert (kept_one.fact_id, kept_one.context_id) == ("f1", "year")
    every = parse_inline(document, "built", deduplicate=False)
    assert [f.fact_id for f in every.facts] == [f"f{i}" for i in range(1, 8)] + ["t1", "t2"]
    assert every.duplicates == 0


def test_continuations_and_exclusions():
    document = _inline(
        '<ix:nonNumeric name="us-gaap:NatureOfOperations" contextRef="year" id="n" '
        'continuedAt="n-1">First part, <ix:exclude>page 12</ix:exclude>continued'
        "</ix:nonNumeric><p>not part of it</p>"
        '<ix:continuation id="n-2">and the end.</ix:continuation>'
        '<ix:continuation id="n-1" continuedAt="n-2"> on another page </ix:continuation>'
        # A chain to a continuation that is missing, and a chain that loops.
        '<ix:nonNumeric name="us-gaap:Policy" contextRef="year" id="m" continuedAt="gone">'
        "Kept</ix:nonNumeric>"
        '<ix:nonNumeric name="us-gaap:Other" contextRef="year" id="o" continuedAt="o-1">A'
        '</ix:nonNumeric><ix:continuation id="o-1" continuedAt="o-1">B</ix:continuation>'
    )
    facts = parse_inline(document, "built")
    got = {f.fact_id: f.value_text for f in facts.facts}
    assert got == {
        "n": "First part, continued on another page and the end.",
        "m": "Kept",
        "o": "AB",
    }
    assert facts.problems == [
        "fact m: its continuation 'gone' is missing; text kept up to there",
        "fact o: its continuation 'o-1' loops; text kept up to there",
    ]


def test_escaped_text_blocks_are_text_with_blocks_apart():
    block = (
        '<ix:nonNumeric name="us-gaap:SegmentReportingDisclosureTextBlock" contextRef="year" '
        'id="b" escape="true" continuedAt="b-1">Segments<div><span style="x">Net</span><span>'
        " sales</span></div><table><tr><td>Americas</td><td>1,234</td></tr><tr><td>Europe"
        "</td><td>5<br/>6</td></tr></table><p>a &lt;b&gt; is not a tag &amp; "
        "<ix:exclude>Page 7</ix:exclude>ends</p></ix:nonNumeric>"
        '<ix:continuation id="b-1"><p>More</p></ix:continuation>'
        '<ix:nonNumeric name="us-gaap:Plain" contextRef="year" id="p"><div>no</div><div>space'
        "</div></ix:nonNumeric>"
    )
    facts = {f.fact_id: f.value_text for f in parse_inline(_inline(block), "built").facts}
    assert facts["b"] == (
        "Segments Net sales Americas 1,234 Europe 5 6 a <b> is not a tag & ends More"
    )
    # Without escape="true", the value is XBRL's: the text content, as it is.
    assert facts["p"] == "nospace"
    # In an instance, a text block is its HTML as text: read the same way.
    escaped = (
        "Segments&lt;div&gt;&lt;span style=&quot;x&quot;&gt;Net&lt;/span&gt;&lt;span&gt; sales"
        "&lt;/span&gt;&lt;/div&gt;&lt;table&gt;&lt;tr&gt;&lt;td&gt;Americas&lt;/td&gt;&lt;td&gt;"
        "1,234&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Europe&lt;/td&gt;&lt;td&gt;5&lt;br/&gt;6"
        "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;p&gt;a &amp;lt;b&amp;gt; is not a tag &amp;amp; "
        "ends&lt;/p&gt;&lt;p&gt;More&lt;/p&gt;"
    )
    instance = parse_instance(
        _instance(f'<us-gaap:SegmentReportingDisclosureTextBlock contextRef="year" id="b">{escaped}'
                  "</us-gaap:SegmentReportingDisclosureTextBlock>"),
        "built",
    )  # fmt: skip
    assert instance.facts[0].value_text == facts["b"]


def test_an_escaped_fact_without_tags_is_its_escaped_text_as_sec_instance_has_it():
    # NVIDIA's GoodwillDisclosureTextBlock: escape="true" and no tags. Its value is its content
    # serialized as XML, `R&amp;D`, which SEC's instance holds (escaped once more in its file).
    name = "us-gaap:GoodwillDisclosureTextBlock"
    inline = parse_inline(
        _inline(
            f'<ix:nonNumeric name="{name}" contextRef="year" id="g" escape="true" '
            'continuedAt="g-1">Goodwill of R&amp;D, 1 &lt; 2</ix:nonNumeric>'
            '<ix:continuation id="g-1"> and more</ix:continuation>'
        ),
        "built",
    )
    instance = parse_instance(
        _instance(
            f'<{name} contextRef="year" id="g">Goodwill of R&amp;amp;D, 1 &amp;lt; 2 and more'
            f"</{name}>"
        ),
        "built",
    )
    assert inline.facts[0].value_text == "Goodwill of R&amp;D, 1 &lt; 2 and more"
    assert instance.facts == inline.facts
    # Apple's tagless FiscalPeriod block is the same in both readings (fact-for-fact test).
    apple = _read(f"{APPLE_10Q_2023}.htm", deduplicate=False)
    fiscal = next(f for f in apple.facts if f.fact_id == "f-367")
    assert fiscal.value_text.startswith("The Company’s fiscal year is the 52- or 53-week period")


def test_footnotes_are_the_text_linked_to_each_fact_in_both_readings():
    # Salesforce's 10-K links 51 facts to footnotes; the sample holds none of its files, so the
    # two forms are built here as SEC writes them (inline: ix:footnote and ix:relationship; the
    # instance SEC extracts from it: a link:footnoteLink with locators, resources and arcs).
    document = _inline(
        _number("1", id="a", decimals="0")
        + _number("1", id="a2", decimals="0")
        + _number("2", id="b", name="us-gaap:NetIncomeLoss", decimals="0")
        + _number("3", id="c", name="us-gaap:Assets", context="end", decimals="0")
        + '<ix:footnote id="fn1" xml:lang="en-US" continuedAt="fn1-more"><div>(1) Includes'
        "<br/>R&amp;D&#160;credits.</div></ix:footnote>"
        '<ix:continuation id="fn1-more"><span> Restated.</span></ix:continuation>'
        '<ix:footnote id="fn2" xml:lang="en-US">(2) Unaudited.</ix:footnote>'
        '<ix:relationship fromRefs="a b" toRefs="fn1"/>'
        '<ix:relationship arcrole="http://www.xbrl.org/2003/arcrole/fact-footnote" '
        'fromRefs="a2" toRefs="fn2 fn1"/>'
        '<ix:relationship arcrole="http://www.xbrl.org/2003/arcrole/fact-explanatoryFact" '
        'fromRefs="c" toRefs="fn2"/>'
    )
    inline = parse_inline(document, "built")
    footnotes = {fact.fact_id: fact.footnote for fact in inline.facts}
    first = "(1) Includes R&D\xa0credits. Restated."
    # a and a2 are one fact: the one kept has a's footnote; b shares fn1; c's link is not to a
    # footnote but to an explanatory fact.
    assert footnotes == {"a": first, "b": first, "c": None}
    every = {f.fact_id: f.footnote for f in parse_inline(document, "x", deduplicate=False).facts}
    assert every["a2"] == f"(2) Unaudited. {first}"
    link = (
        '<link:footnoteLink xmlns:link="http://www.xbrl.org/2003/linkbase" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="extended" '
        'xlink:role="http://www.xbrl.org/2003/role/link">'
        '<link:loc xlink:type="locator" xlink:href="#a" xlink:label="a_loc"/>'
        '<link:loc xlink:type="locator" xlink:href="#b" xlink:label="b_loc"/>'
        '<link:footnote xlink:type="resource" xlink:label="fn1" xlink:role='
        '"http://www.xbrl.org/2003/role/footnote" xml:lang="en-US" id="fn1">'
        '<div xmlns="http://www.w3.org/1999/xhtml">(1) Includes<br/>R&amp;D&#160;credits.</div>'
        '<span xmlns="http://www.w3.org/1999/xhtml"> Restated.</span></link:footnote>'
        '<link:footnoteArc xlink:type="arc" xlink:arcrole='
        '"http://www.xbrl.org/2003/arcrole/fact-footnote" xlink:from="a_loc" xlink:to="fn1"/>'
        '<link:footnoteArc xlink:type="arc" xlink:arcrole='
        '"http://www.xbrl.org/2003/arcrole/fact-footnote" xlink:from="b_loc" xlink:to="fn1"/>'
        "</link:footnoteLink>"
    )
    instance = parse_instance(
        _instance(
            '<us-gaap:Revenues contextRef="year" unitRef="usd" decimals="0" id="a">1'
            "</us-gaap:Revenues>"
            '<us-gaap:NetIncomeLoss contextRef="year" unitRef="usd" decimals="0" id="b">2'
            "</us-gaap:NetIncomeLoss>"
            '<us-gaap:Assets contextRef="end" unitRef="usd" decimals="0" id="c">3</us-gaap:Assets>'
            + link
        ),
        "built",
    )
    assert instance.problems == inline.problems == []
    assert instance.facts == inline.facts
    # Apple's two 10-Qs have no footnotes.
    assert all(f.footnote is None for f in _read(f"{APPLE_10Q_2025}_htm.xml").facts)
    assert all(f.footnote is None for f in _read(f"{APPLE_10Q_2025}.htm").facts)


def test_instance_facts_contexts_and_units():
    document = _instance(
        '<us-gaap:Revenues contextRef="year" unitRef="usd" decimals="-6" id="r">'
        "1234000000</us-gaap:Revenues>"
        '<us-gaap:Revenues contextRef="segment" unitRef="usd" decimals="INF" id="s">'
        " 5.50 </us-gaap:Revenues>"
        '<us-gaap:EarningsPerShareBasic contextRef="year" unitRef="per-share" decimals="2" '
        'id="e">-1.50</us-gaap:EarningsPerShareBasic>'
        '<us-gaap:Liabilities contextRef="end" unitRef="usd" xsi:nil="true" id="n"/>'
        '<dei:EntityRegistrantName contextRef="year" id="t">Example\n  Inc.</dei:EntityRegistrantName>'
        '<dei:Security12bTitle contextRef="year" id="u">Notes &lt; 5%</dei:Security12bTitle>'
        '<link:footnoteLink xmlns:link="http://www.xbrl.org/2003/linkbase"/>'
    )
    facts = parse_instance(document, "built")
    assert facts.problems == []
    by_id = {f.fact_id: f for f in facts.facts}
    assert by_id["r"] == Fact(
        concept_prefix="us-gaap",
        concept_name="Revenues",
        namespace="http://fasb.org/us-gaap/2024",
        value_text="1234000000",
        value_numeric=Decimal("1234000000"),
        is_numeric=True,
        is_nil=False,
        unit="USD",
        period_instant=None,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        dimensions=(),
        decimals=-6,
        context_id="year",
        entity_scheme=CIK,
        entity_identifier="0000000042",
    )
    assert by_id["s"].dimensions == (
        ("srt:ConsolidationItemsAxis", "us-gaap:OperatingSegmentsMember"),
        ("srt:ProductOrServiceAxis", "us-gaap:ServiceMember"),
    )
    assert (by_id["s"].value_text, by_id["s"].value_numeric, by_id["s"].decimals) == (
        "5.5", Decimal("5.5"), None
    )  # fmt: skip
    assert (by_id["e"].value_numeric, by_id["e"].unit) == (Decimal("-1.5"), "USD/shares")
    assert (by_id["n"].is_nil, by_id["n"].value_numeric, by_id["n"].value_text) == (True, None, "")
    assert by_id["t"].value_text == "Example Inc."
    assert (by_id["t"].is_numeric, by_id["t"].unit) == (False, None)
    assert by_id["u"].value_text == "Notes < 5%"  # plain text with a "<" that is no tag


def test_periods_dimensions_and_units_of_every_kind():
    resources = (
        f'<xbrli:context id="forever">{ENTITY}</xbrli:entity>'
        "<xbrli:period><xbrli:forever/></xbrli:period></xbrli:context>"
        f'<xbrli:context id="typed">{ENTITY}<xbrli:segment><xbrldi:typedMember '
        'dimension="ex:StartDateAxis"><ex:Domain> 2025-03-30 </ex:Domain></xbrldi:typedMember>'
        "</xbrli:segment></xbrli:entity>"
        "<xbrli:period><xbrli:instant>2024-12-31T00:00:00</xbrli:instant></xbrli:period>"
        '<xbrli:scenario><xbrldi:explicitMember dimension="ex:ScenarioAxis">ex:Forecast'
        "</xbrldi:explicitMember></xbrli:scenario></xbrli:context>"
        f'<xbrli:context id="odd">{ENTITY}<xbrli:segment><ex:Region>West</ex:Region>'
        f"</xbrli:segment></xbrli:entity>{YEAR}</xbrli:context>"
        f'<xbrli:context id="no-period">{ENTITY}</xbrli:entity></xbrli:context>'
        f'<xbrli:context id="bad-date">{ENTITY}</xbrli:entity>'
        "<xbrli:period><xbrli:instant>2024-02-30</xbrli:instant></xbrli:period></xbrli:context>"
        '<xbrli:unit id="product"><xbrli:measure>ex:Tons</xbrli:measure>'
        "<xbrli:measure>ex:Miles</xbrli:measure></xbrli:unit>"
        '<xbrli:unit id="empty"></xbrli:unit>'
    )
    facts = parse_instance(
        _instance(
            '<us-gaap:A contextRef="forever" unitRef="product" decimals="0" id="a">1</us-gaap:A>'
            '<us-gaap:B contextRef="typed" unitRef="product" decimals="0" id="b">2</us-gaap:B>'
            '<us-gaap:C contextRef="odd" unitRef="product" decimals="0" id="c">3</us-gaap:C>'
            '<us-gaap:D contextRef="no-period" unitRef="product" decimals="0" id="d">4</us-gaap:D>'
            '<us-gaap:E contextRef="bad-date" unitRef="product" decimals="0" id="e">5</us-gaap:E>'
            '<us-gaap:F contextRef="forever" unitRef="empty" decimals="0" id="f">6</us-gaap:F>',
            resources=resources,
        ),
        "built",
    )
    by_id = {f.fact_id: f for f in facts.facts}
    assert sorted(f.fact_id or "" for f in facts.facts) == ["a", "b", "c"]
    forever = by_id["a"]
    assert (forever.period_instant, forever.period_start, forever.period_end) == (None, None, None)
    assert forever.unit == "Miles*Tons"
    assert by_id["b"].period_instant == date(2024, 12, 31)
    assert by_id["b"].dimensions == (
        ("ex:ScenarioAxis", "ex:Forecast"),
        ("ex:StartDateAxis", "2025-03-30"),
    )
    assert by_id["c"].dimensions == (("Region", "West"),)
    assert facts.problems == [
        "context typed: instant '2024-12-31T00:00:00' has a time; the date is kept",
        "context odd: Region in its segment is kept as text",
        "context no-period: it has no period; its facts are skipped",
        "context bad-date: instant '2024-02-30' is not a date; its facts are skipped",
        "unit empty has no measure; its facts are skipped",
        "fact d: context 'no-period' is not defined; skipped",
        "fact e: context 'bad-date' is not defined; skipped",
        "fact f: unit 'empty' is not defined; skipped",
    ]


def test_facts_with_undefined_context_or_unit_are_skipped_and_noted():
    instance = parse_instance(
        _instance(
            '<us-gaap:Revenues contextRef="nowhere" unitRef="usd" decimals="0" id="a">1'
            '</us-gaap:Revenues><us-gaap:Revenues contextRef="year" unitRef="euro" decimals="0" '
            'id="b">2</us-gaap:Revenues><us-gaap:Revenues contextRef="year" unitRef="usd" '
            'decimals="0" id="c">3</us-gaap:Revenues><ex:Tuple><us-gaap:X contextRef="year">4'
            "</us-gaap:X></ex:Tuple>"
        ),
        "built",
    )
    assert [f.fact_id for f in instance.facts] == ["c"]
    assert instance.problems == [
        "fact a: context 'nowhere' is not defined; skipped",
        "fact b: unit 'euro' is not defined; skipped",
        "Tuple has no contextRef: not read as a fact",
    ]
    inline = parse_inline(
        _inline(
            _number("1", id="a", context="nowhere", decimals="0")
            + _number("2", id="b", unit="euro", decimals="0")
            + _number("3", id="c", name="undeclared:Thing", decimals="0")
            + _number("4", id="d", decimals="zero")
            + '<ix:fraction name="us-gaap:X" contextRef="year" unitRef="usd" id="e"/>'
        ),
        "built",
    )
    assert [(f.fact_id, f.decimals) for f in inline.facts] == [("d", None)]
    assert inline.problems == [
        "fact a: context 'nowhere' is not defined; skipped",
        "fact b: unit 'euro' is not defined; skipped",
        "fact c: concept 'undeclared:Thing' has no namespace; skipped",
        "fact d: decimals 'zero' is not a number; taken as none",
        "fact e: ix:fraction is not read",
    ]


def test_numbers_out_of_range_keep_their_text():
    instance = parse_instance(
        _instance(
            '<us-gaap:A contextRef="year" unitRef="usd" decimals="0" id="a">1e999999999</us-gaap:A>'
            f'<us-gaap:B contextRef="year" unitRef="usd" decimals="0" id="b">{"9" * 61}</us-gaap:B>'
            '<us-gaap:C contextRef="year" unitRef="usd" decimals="0" id="c">1e99</us-gaap:C>'
            '<us-gaap:D contextRef="year" unitRef="usd" decimals="0" id="d">INF</us-gaap:D>'
        ),
        "built",
    )
    got = {f.fact_id: (f.value_numeric, f.value_text) for f in instance.facts}
    assert got == {
        "a": (None, "1e999999999"),
        "b": (None, "9" * 61),
        "c": (Decimal("1e99"), "1" + "0" * 99),
        "d": (Decimal("Infinity"), "INF"),
    }
    assert instance.problems == [
        "fact a: 1E+999999999 is out of range (10^±100); its text is kept",
        f"fact b: {'9' * 40!r}... is too long; its text is kept",
    ]
    inline = parse_inline(
        _inline(
            _number("1", id="a", decimals="0", scale="101") + _number("1", id="b", scale="100")
        ),
        "built",
    )
    assert [(f.fact_id, f.value_numeric) for f in inline.facts] == [
        ("a", None),
        ("b", Decimal("1e100")),
    ]
    assert inline.problems == ["fact a: scale '101' is not a power of ten; its text is kept"]


def test_documents_are_read_in_threads_at_once():
    document = sample_bytes(f"{APPLE_10Q_2025}.htm")
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: parse_inline(document, "a"), range(4)))
    assert all(result == results[0] for result in results)
    assert len(results[0].facts) == 700


def test_problems_are_listed_up_to_a_limit_then_counted():
    body = "".join(
        _number("1", id=f"x{i}", context="nowhere") for i in range(xbrl.MAX_PROBLEMS + 7)
    )
    facts = parse_inline(_inline(body), "built")
    assert facts.facts == []
    assert len(facts.problems) == xbrl.MAX_PROBLEMS + 1
    assert facts.problems[-1] == "... and 7 more problems"


def test_a_very_long_text_fact_is_cut(monkeypatch):
    monkeypatch.setattr(xbrl, "MAX_TEXT_CHARS", 10)
    facts = parse_inline(
        _inline('<ix:nonNumeric name="us-gaap:Policy" contextRef="year" id="p">'
                "A policy of many words</ix:nonNumeric>"),
        "built",
    )  # fmt: skip
    (fact,) = facts.facts
    assert (fact.value_text, fact.is_truncated) == ("A policy o", True)
    assert facts.problems == ["fact p: text of 22 characters cut at 10"]


def test_the_fact_record():
    fact = _read(f"{APPLE_10Q_2025}_htm.xml").facts[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.value_text = "changed"  # type: ignore[misc]
    assert fact.concept == f"{fact.concept_prefix}:{fact.concept_name}"
    assert fact.entity_cik == 320193
    # The fact id says where the fact is, and is no part of its value.
    assert dataclasses.replace(fact, fact_id="elsewhere") == fact
    other_scheme = dataclasses.replace(fact, entity_scheme="http://example.com/id")
    assert other_scheme.entity_cik is None


def test_namespaces_declared_below_the_root_are_resolved():
    document = _inline(
        '<div xmlns:us-gaap="http://fasb.org/us-gaap/2023">'
        + _number("1", id="a", decimals="0")
        + "</div>"
        + _number("2", id="b", name="us-gaap:Assets", decimals="0")
    )
    namespaces = {f.fact_id: f.namespace for f in parse_inline(document, "built").facts}
    assert namespaces == {"a": "http://fasb.org/us-gaap/2023", "b": "http://fasb.org/us-gaap/2024"}


# --- refused documents -----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<!DOCTYPE xbrli:xbrl [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1 if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE xbrli:xbrl [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
PARAMETER_ENTITY = (
    '<!DOCTYPE xbrli:xbrl [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>'
)
QUOTED_BRACKET = '<!DOCTYPE xbrli:xbrl SYSTEM "a]>[b" [<!ENTITY e "x">]>'
NAME_FACT = '<dei:EntityRegistrantName contextRef="year">{}</dei:EntityRegistrantName>'


def _truncated(relative: str) -> bytes:
    document = sample_bytes(relative)
    return document[: len(document) // 2]


@pytest.mark.parametrize(
    ("parse", "document", "reason"),
    [
        (parse_instance, b"", "empty document"),
        (parse_inline, b" \r\n\t", "empty document"),
        (parse_instance, b"%PDF-1.7\n%\xe2\xe3", "not well-formed XML"),
        # mtime fixed: the bytes name the test, and every pytest-xdist worker must collect the same
        (parse_instance, gzip.compress(b"<xbrl/>", mtime=0), "not well-formed XML"),
        (parse_instance, b'{"facts": []}', "not well-formed XML"),
        (parse_instance, _truncated(f"{APPLE_10Q_2025}_htm.xml"), "not well-formed XML"),
        (parse_inline, _truncated(f"{APPLE_10Q_2025}.htm"), "not well-formed XML"),
        (parse_instance, _instance(NAME_FACT.format("&lol9;"), prolog=BILLION_LAUGHS), "DTD"),
        (parse_instance, _instance(NAME_FACT.format("&secret;"), prolog=EXTERNAL_ENTITY), "DTD"),
        (parse_instance, _instance(NAME_FACT.format("x"), prolog=PARAMETER_ENTITY), "DTD"),
        (parse_instance, _instance(NAME_FACT.format("&e;"), prolog=QUOTED_BRACKET), "DTD"),
        (parse_inline, _inline("<p>&lol9;</p>", prolog=BILLION_LAUGHS), "DTD"),
        # An HTML entity is no XML entity: never defined, refused.
        (parse_inline, _inline("<p>a&nbsp;b</p>"), "not well-formed XML"),
        (parse_instance, b'<?xml version="1.0"?><xbrl/>', "not an XBRL instance"),
        (parse_instance, _inline(""), "not an XBRL instance: the root element is html"),
        (parse_inline, _instance(""), "not an inline XBRL document"),
        (parse_inline, b"<html><body><p><IMG SRC=x.jpg></p></body></html>", "not well-formed"),
        (parse_inline, b"<html><body><p>No facts</p></body></html>", "not an inline XBRL"),
    ],
)
def test_refused_documents(parse, document, reason):
    started = time.monotonic()
    with pytest.raises(FormatError) as refused:
        parse(document, "filing.htm")
    assert time.monotonic() - started < 5
    assert refused.value.source == "filing.htm"
    assert reason in refused.value.problem
    assert "\n" not in str(refused.value)


def test_a_document_over_the_size_limit_is_refused_before_parsing():
    document = sample_bytes(f"{APPLE_10Q_2025}_htm.xml")
    with pytest.raises(FormatError, match="too large: 758004 bytes, more than 500000"):
        parse_instance(document, "big.xml", max_bytes=500_000)
    assert len(parse_instance(document, "big.xml", max_bytes=len(document)).facts) == 700


def test_an_external_dtd_is_never_loaded():
    # A DOCTYPE without an internal subset declares no entity; its DTD (here a file that is no
    # DTD, and an address nothing listens on) is not fetched, and the document is read.
    for system_id in ("file:///etc/passwd", "http://127.0.0.1:9/xhtml1-strict.dtd"):
        prolog = f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{system_id}">'
        facts = parse_inline(_inline(_number("7", id="a", decimals="0"), prolog=prolog), "built")
        assert [f.value_numeric for f in facts.facts] == [Decimal("7")]


def test_the_module_needs_no_scrapy_and_no_database():
    code = (
        "import sys, filings_crawler.sec.xbrl; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'scrapy', 'twisted', 'sqlalchemy', 'psycopg', 'parsel', 'boto3', 'botocore'}))"
    )
    project = Path(__file__).parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
