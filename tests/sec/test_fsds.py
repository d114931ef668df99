"""SEC's data-set rules (sec/fsds.py), on the dates and dimensions of the sample's real filings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from filings_crawler.sec import fsds


def test_dates_round_to_the_nearest_month_end_as_fsds_writes_them():
    # Apple's quarter ending 2025-03-29 and its fiscal year ending 2024-09-28 (52/53 weeks).
    assert fsds.ddate(date(2024, 12, 28), date(2025, 3, 29), None) == 20250331
    assert fsds.ddate(None, None, date(2024, 9, 28)) == 20240930
    assert fsds.ddate(None, None, date(2024, 1, 2)) == 20231231
    assert fsds.ddate(None, None, date(2023, 12, 31)) == 20231231
    assert fsds.month_end(date(2024, 2, 16)) == date(2024, 2, 29)
    assert fsds.month_end(date(2024, 4, 15)) == date(2024, 3, 31)


def test_quarters_of_a_52_53_week_filer():
    assert fsds.qtrs(date(2024, 12, 29), date(2025, 3, 29)) == 1
    assert fsds.qtrs(date(2024, 9, 29), date(2025, 3, 29)) == 2
    assert fsds.qtrs(date(2023, 10, 1), date(2024, 9, 28)) == 4
    assert fsds.qtrs(None, date(2025, 3, 29)) == 0


def test_segments_drop_the_suffixes_and_the_statement_prefix_sorted_by_axis():
    dimensions = [
        ("srt:ProductOrServiceAxis", "lly:ZepboundMember"),
        ("srt:StatementGeographicalAxis", "country:US"),
    ]
    assert fsds.segments(dimensions) == "Geographical=US;ProductOrService=Zepbound;"
    apple = [
        ("us-gaap:StatementBusinessSegmentsAxis", "aapl:AmericasSegmentMember"),
        ("srt:ConsolidationItemsAxis", "us-gaap:OperatingSegmentsMember"),
    ]
    assert fsds.segments(apple) == (
        "BusinessSegments=AmericasSegment;ConsolidationItems=OperatingSegments;"
    )
    assert fsds.segments([]) == ""


def test_the_co_registrant_is_kept_out_of_segments():
    dimensions = [("dei:LegalEntityAxis", "pcg:PacificGasElectricCoMember")]
    assert fsds.segments(dimensions) == ""
    assert fsds.coreg(dimensions) == "PacificGasElectricCo"
    assert fsds.coreg([]) is None


def test_values_keep_four_decimal_places_and_versions_name_the_taxonomy():
    assert fsds.value(Decimal("1.65")) == Decimal("1.6500")
    assert fsds.value_text(Decimal("95359000000")) == "95359000000"
    assert fsds.value_text(Decimal("0.123456")) == "0.1235"
    assert fsds.version("http://fasb.org/us-gaap/2024", "x") == "us-gaap/2024"
    assert fsds.version("http://xbrl.sec.gov/dei/2024", "x") == "dei/2024"
    adsh = "0000320193-25-000057"
    assert fsds.version("http://www.apple.com/20250329", adsh) == adsh


def test_submission_columns():
    assert fsds.accepted(datetime(2025, 5, 2, 6, 1, 36)) == "2025-05-02 06:01:36.0"
    assert fsds.filer_status("Large Accelerated Filer") == "1-LAF"
    assert fsds.fiscal_year_end("--09-27") == "0927"
    assert fsds.fiscal_year_end("0927") == "0927"
    assert fsds.quarter(date(2025, 5, 2)) == "2025q2"
    assert fsds.quarter_bounds("2025q2") == (date(2025, 4, 1), date(2025, 6, 30))


def test_place_of_incorporation_from_edgars_code():
    assert fsds.incorporation("DE") == ("US", "DE")
    assert fsds.incorporation("pr") == ("US", "PR")
    assert fsds.incorporation("E9") == ("KY", None)  # Cayman Islands
    assert fsds.incorporation("L2") == ("IE", None)  # Ireland
    assert fsds.incorporation("A6") == ("CA", "ON")  # Ontario
    assert fsds.incorporation("XX") == (None, None)
    assert fsds.incorporation(None) == (None, None)
