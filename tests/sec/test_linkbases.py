"""FSDS pre and tag rows read from Apple's real 10-Q schemas and linkbases."""

from collections import Counter
from pathlib import Path

import pytest

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.linkbases import (
    PreRow,
    UsedConcept,
    namespace_version,
    presentation_rows,
    read_filing_summary,
    read_schema,
    statement_kind,
    tag_rows,
)

APPLE = Path(__file__).parents[1] / "fixtures/edgar/www.sec.gov/Archives/edgar/data/320193"
Q2_2025 = APPLE / "000032019325000057"
Q3_2023 = APPLE / "000032019323000077"
ADSH_2025 = "0000320193-25-000057"
ROLE = "http://www.apple.com/role/"
APPLE_RECLASSIFICATION = (
    "OtherComprehensiveIncomeLossDerivativeInstrumentGainLossReclassificationAfterTax"
)


def _rows(folder: Path, stem: str, adsh: str, **options: object) -> list[PreRow]:
    return presentation_rows(
        (folder / f"{stem}_pre.xml").read_bytes(),
        (folder / f"{stem}.xsd").read_bytes(),
        (folder / f"{stem}_lab.xml").read_bytes(),
        adsh=adsh,
        schema_name=f"{stem}.xsd",
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def rows_2025() -> list[PreRow]:
    return _rows(Q2_2025, "aapl-20250329", ADSH_2025)


def test_report_numbers_are_sec_renderer_r_numbers(rows_2025):
    summary = read_filing_summary((Q2_2025 / "FilingSummary.xml").read_bytes(), "FilingSummary")
    by_role = {row.role: row.report for row in rows_2025}
    statements = {
        role: info.number
        for role, info in summary.items()
        if info.menu_category in ("Statements", "Cover")
    }
    assert by_role == statements
    assert len(statements) == 7


def test_xsd_sort_codes_give_sec_order_for_every_company_role():
    # The renderer numbers every presented role by its definition's sort code (as text). Two
    # roles of this filing are defined by SEC's ecd taxonomy, not the company schema (Pay vs
    # Performance, R18; Insider Trading, R19): without FilingSummary their place is unknown.
    summary = read_filing_summary((Q2_2025 / "FilingSummary.xml").read_bytes(), "FilingSummary")
    schema = read_schema((Q2_2025 / "aapl-20250329.xsd").read_bytes(), "aapl-20250329.xsd")
    presented = sorted(
        (role for role in schema.roles if role in summary), key=lambda r: schema.roles[r].sort_code
    )
    numbers = [summary[role].number for role in presented]
    assert numbers == sorted(numbers)
    assert set(range(1, 43)) - set(numbers) == {18, 19}
    assert {summary[role].number for role in set(summary) - set(schema.roles)} == {18, 19}


def test_filing_summary_when_given_changes_nothing_for_apple(rows_2025):
    with_summary = _rows(
        Q2_2025,
        "aapl-20250329",
        ADSH_2025,
        filing_summary_xml=(Q2_2025 / "FilingSummary.xml").read_bytes(),
    )
    assert with_summary == rows_2025


@pytest.mark.parametrize(
    ("folder", "stem"), [(Q2_2025, "aapl-20250329"), (Q3_2023, "aapl-20230701")]
)
def test_statements_are_classified(folder, stem):
    rows = _rows(folder, stem, "x")
    kinds = {(row.report, row.stmt, row.inpth, row.role.removeprefix(ROLE)) for row in rows}
    assert kinds == {
        (1, "CP", 0, "CoverPage"),
        (2, "IS", 0, "CONDENSEDCONSOLIDATEDSTATEMENTSOFOPERATIONSUnaudited"),
        (3, "CI", 0, "CONDENSEDCONSOLIDATEDSTATEMENTSOFCOMPREHENSIVEINCOMEUnaudited"),
        (4, "BS", 0, "CONDENSEDCONSOLIDATEDBALANCESHEETSUnaudited"),
        (5, "BS", 1, "CONDENSEDCONSOLIDATEDBALANCESHEETSUnauditedParenthetical"),
        (6, "EQ", 0, "CONDENSEDCONSOLIDATEDSTATEMENTSOFSHAREHOLDERSEQUITYUnaudited"),
        (7, "CF", 0, "CONDENSEDCONSOLIDATEDSTATEMENTSOFCASHFLOWSUnaudited"),
    }
    assert {row.rfile for row in rows} == {"H"}


def test_cash_flow_lines_in_order_with_negated_labels(rows_2025):
    cash_flow = [
        (row.line, row.tag, row.plabel, row.negating) for row in rows_2025 if row.report == 7
    ]
    # Lines 1, 3, 5, 9 are headings (abstracts): SEC leaves them out but counts them.
    assert cash_flow[:8] == [
        (2, "CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents",
         "Cash, cash equivalents, and restricted cash and cash equivalents, beginning balances", 0),
        (4, "NetIncomeLoss", "Net income", 0),
        (6, "DepreciationDepletionAndAmortization", "Depreciation and amortization", 0),
        (7, "ShareBasedCompensation", "Share-based compensation expense", 0),
        (8, "OtherNoncashIncomeExpense", "Other", 1),
        (10, "IncreaseDecreaseInAccountsReceivable", "Accounts receivable, net", 1),
        (11, "IncreaseDecreaseInOtherReceivables", "Vendor non-trade receivables", 1),
        (12, "IncreaseDecreaseInInventories", "Inventories", 1),
    ]  # fmt: skip
    assert (26, "PaymentsOfDividends", "Payments for dividends and dividend equivalents", 1) in (
        cash_flow
    )


def test_abstract_lines_on_request(rows_2025):
    every = _rows(Q2_2025, "aapl-20250329", ADSH_2025, include_abstract=True)
    cash_flow = [row for row in every if row.report == 7]
    assert [row.line for row in cash_flow] == list(range(1, len(cash_flow) + 1))
    assert cash_flow[0].is_abstract
    assert [row for row in every if not row.is_abstract] == rows_2025


def test_versions_of_standard_and_company_concepts(rows_2025):
    versions = Counter(row.version for row in rows_2025)
    assert set(versions) == {"us-gaap/2024", "dei/2024", ADSH_2025}
    other = next(row for row in rows_2025 if row.tag == APPLE_RECLASSIFICATION)
    assert (other.version, other.prefix) == (ADSH_2025, "aapl")
    cover = {row.tag: row.version for row in rows_2025 if row.stmt == "CP"}
    assert cover["EntityRegistrantName"] == "dei/2024"


def test_statement_kinds_of_titles():
    statement = "Statement"
    assert statement_kind("CONSOLIDATED STATEMENTS OF OPERATIONS", statement) == "IS"
    assert (
        statement_kind("Consolidated Statements of Operations and Comprehensive Income", statement)
        == "IS"
    )
    assert statement_kind("Consolidated Statements of Financial Condition", statement) == "BS"
    assert (
        statement_kind("Consolidated Statements of Changes in Stockholders’ Equity", statement)
        == "EQ"
    )
    assert statement_kind("Consolidated Statements of Comprehensive Loss", statement) == "CI"
    assert statement_kind("Summary of Significant Accounting Policies", "Disclosure") is None
    assert statement_kind("Document and Entity Information", "Document") == "CP"
    assert statement_kind("Schedule of Investments", statement) == "SI"
    assert statement_kind("Segment Data", statement) == "UN"


def test_tag_rows_for_company_and_standard_concepts():
    used = [
        UsedConcept("http://www.apple.com/20250329", APPLE_RECLASSIFICATION, True, "USD", False),
        UsedConcept("http://fasb.org/us-gaap/2024", "Assets", True, "USD", True),
        UsedConcept("http://fasb.org/us-gaap/2024", "EarningsPerShareBasic", True, "USD/shares", False),
        UsedConcept("http://xbrl.sec.gov/dei/2024", "EntityRegistrantName", False, None, False),
        UsedConcept("http://fasb.org/us-gaap/2024", "Assets", True, "USD", True),
    ]  # fmt: skip
    rows = tag_rows(
        (Q2_2025 / "aapl-20250329.xsd").read_bytes(),
        (Q2_2025 / "aapl-20250329_lab.xml").read_bytes(),
        used,
        ADSH_2025,
        schema_name="aapl-20250329.xsd",
    )
    by_tag = {row.tag: row for row in rows}
    assert len(rows) == 4
    custom = by_tag[APPLE_RECLASSIFICATION]
    assert (custom.version, custom.custom, custom.abstract, custom.datatype, custom.iord) == (
        ADSH_2025, 1, 0, "monetary", "D",
    )  # fmt: skip
    assert custom.crdr in ("C", "D")
    assert custom.tlabel
    assets = by_tag["Assets"]
    assert (assets.version, assets.custom, assets.datatype, assets.iord, assets.crdr) == (
        "us-gaap/2024", 0, "monetary", "I", None,
    )  # fmt: skip
    assert assets.tlabel == "Assets"
    assert by_tag["EarningsPerShareBasic"].datatype == "perShare"
    name = by_tag["EntityRegistrantName"]
    assert (name.abstract, name.datatype, name.iord) == (1, None, None)


def test_namespace_versions():
    assert namespace_version("http://fasb.org/us-gaap/2024") == "us-gaap/2024"
    assert namespace_version("http://xbrl.sec.gov/dei/2024") == "dei/2024"
    assert namespace_version("http://fasb.org/srt/2023") == "srt/2023"


def test_entities_are_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(FormatError, match="DTD internal subset"):
        read_schema(bomb, "bomb.xsd")
