"""Values read out of SEC's JSON: each one checked, each failure a FormatError that says where."""

import json
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest

from filings_crawler.sec import values
from filings_crawler.sec.errors import FormatError

from .conftest import EDGAR

SOURCE = "https://data.sec.gov/submissions/CIK0000320193.json"


def assert_one_line_error(error: FormatError, problem: str) -> None:
    message = str(error)
    assert error.source == SOURCE
    assert message.startswith(f"{SOURCE}: ")
    assert problem in message
    assert "\n" not in message


# -- cik --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (320193, 320193),
        ("0000320193", 320193),
        ("320193", 320193),
        ("0000000001", 1),
        (1, 1),
        (9999999999, 9999999999),
    ],
)
def test_cik(value: object, expected: int):
    cik = values.cik(value, SOURCE, "cik")
    assert cik == expected
    assert type(cik) is int


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"),
        ("0000000000", "0"),
        (-1, "-1"),
        ("-1", "'-1'"),
        (True, "True"),
        (False, "False"),
        ("12a", "'12a'"),
        ("", "''"),
        (" 320193", "' 320193'"),
        ("320193\n", "'320193\\n'"),
        ("٣٢٠١٩٣", "'٣٢٠١٩٣'"),  # digits, but not ASCII ones
        ("0x10", "'0x10'"),
        (1.5, "1.5"),
        (320193.0, "320193.0"),
        (None, "None"),
        ([320193], "[320193]"),
    ],
)
def test_not_a_cik(value: object, shown: str):
    with pytest.raises(FormatError) as caught:
        values.cik(value, SOURCE, "entry 3")
    assert_one_line_error(caught.value, f"entry 3: CIK {shown} is not a positive integer")


# -- iso_date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-02", date(2025, 5, 2)),
        ("2024-02-29", date(2024, 2, 29)),
        ("1994-01-26", date(1994, 1, 26)),
    ],
)
def test_iso_date(value: str, expected: date):
    assert values.iso_date(value, SOURCE, "filingDate") == expected
    assert values.iso_date(value, SOURCE, "reportDate", optional=True) == expected


@pytest.mark.parametrize("value", ["", None])
def test_a_blank_optional_date_is_none(value: object):
    assert values.iso_date(value, SOURCE, "reportDate", optional=True) is None


@pytest.mark.parametrize(
    ("value", "optional"),
    [
        ("", False),
        (None, False),
        ("2025-13-01", False),
        ("2025-02-30", True),
        ("2023-02-29", False),
        ("2025/05/02", True),
        ("02/05/2025", False),
        ("yesterday", True),
        (" ", True),
        (20250101, False),
        (20250101, True),
        (date(2025, 1, 1), False),
        (["2025-01-01"], True),
    ],
)
def test_not_a_date(value: object, optional: bool):
    with pytest.raises(FormatError) as caught:
        values.iso_date(value, SOURCE, "row 7 filingDate", optional=optional)
    assert_one_line_error(caught.value, f"row 7 filingDate: {value!r} is not a date (YYYY-MM-DD)")


# -- timestamp --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # New York's clock, whatever the "Z" says: EDT (UTC-4) in May, EST (UTC-5) in January.
        ("2025-05-01T18:01:22.000Z", datetime(2025, 5, 1, 22, 1, 22, tzinfo=UTC)),
        ("2023-11-02T18:08:27.000Z", datetime(2023, 11, 2, 22, 8, 27, tzinfo=UTC)),
        ("2024-01-26T16:05:00.000Z", datetime(2024, 1, 26, 21, 5, tzinfo=UTC)),
        ("2025-05-01T18:01:22", datetime(2025, 5, 1, 22, 1, 22, tzinfo=UTC)),
        # A real offset is kept.
        ("2025-05-01T14:01:22-04:00", datetime(2025, 5, 1, 18, 1, 22, tzinfo=UTC)),
        ("2025-05-01T18:01:22+00:00", datetime(2025, 5, 1, 18, 1, 22, tzinfo=UTC)),
    ],
)
def test_acceptance_times_are_new_york_time(value: str, expected: datetime):
    moment = values.timestamp(value, SOURCE, "acceptanceDateTime")
    assert moment == expected
    assert moment is not None
    assert moment.tzinfo is not None


def test_the_daylight_saving_change():
    # 2024-03-10 02:00 EST became 03:00 EDT: an offset each side, an hour apart.
    before = values.timestamp("2024-03-10T01:30:00.000Z", SOURCE, "acceptanceDateTime")
    after = values.timestamp("2024-03-10T03:30:00.000Z", SOURCE, "acceptanceDateTime")
    assert before is not None
    assert after is not None
    assert before.utcoffset() == timedelta(hours=-5)
    assert after.utcoffset() == timedelta(hours=-4)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=1)
    assert before.microsecond == 0


@pytest.mark.parametrize("value", ["", None])
def test_a_blank_timestamp_is_none(value: object):
    assert values.timestamp(value, SOURCE, "acceptanceDateTime") is None


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2025-05-01T25:00:00.000Z", "2025-13-01T00:00:00.000Z", " ", 1746122482, []],
)
def test_not_a_timestamp(value: object):
    with pytest.raises(FormatError) as caught:
        values.timestamp(value, SOURCE, "row 2 acceptanceDateTime")
    assert_one_line_error(caught.value, f"row 2 acceptanceDateTime: {value!r} is not a timestamp")


# -- flag -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(0, False), (1, True), (False, False), (True, True)]
)
def test_flag(value: object, expected: bool):
    assert values.flag(value, SOURCE, "isXBRL") is expected


@pytest.mark.parametrize("value", [2, -1, "1", "0", "true", "", None, [1]])
def test_not_a_flag(value: object):
    with pytest.raises(FormatError) as caught:
        values.flag(value, SOURCE, "row 4 isXBRL")
    assert_one_line_error(caught.value, f"row 4 isXBRL: {value!r} is not 0 or 1")


# -- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Apple Inc.", "", " kept as is ", "HASTINGS REED"])
def test_text(value: str):
    assert values.text(value, SOURCE, "name") == value


@pytest.mark.parametrize("value", [None, 1, 1.5, True, b"Apple", ["Apple"], {"name": "Apple"}])
def test_not_text(value: object):
    with pytest.raises(FormatError) as caught:
        values.text(value, SOURCE, "name")
    assert_one_line_error(caught.value, f"name: {value!r} is not a string")


# -- load_json --------------------------------------------------------------------------------


def test_load_json_reads_a_real_file_as_json_does():
    body = (EDGAR / "data.sec.gov" / "submissions" / "CIK0001033331.json").read_bytes()
    assert values.load_json(body, SOURCE) == json.loads(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"cik": "0000320193"}', {"cik": "0000320193"}),
        (b"[1, 2]", [1, 2]),  # any JSON: the caller checks the shape
        (b" null ", None),
        ('{"name": "Société Générale"}'.encode(), {"name": "Société Générale"}),
    ],
)
def test_load_json(body: bytes, expected: object):
    assert values.load_json(body, SOURCE) == expected


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{not json", id="malformed"),
        pytest.param(b'{"cik": "0000320193"', id="truncated"),
        pytest.param(b"<html><body>Request Rate Threshold Exceeded</body></html>", id="html"),
        pytest.param(b'\xef\xbb\xbf{"cik": 1}', id="utf-8-bom"),  # orjson refuses a BOM
        pytest.param(b'{"name": "\xff"}', id="not-utf-8"),
        pytest.param(b'{"size": NaN}', id="nan"),
        pytest.param(b'{"a": 1} {"b": 2}', id="two-documents"),
    ],
)
def test_not_json(body: bytes):
    with pytest.raises(FormatError) as caught:
        values.load_json(body, SOURCE)
    assert_one_line_error(caught.value, "not valid JSON (")
    assert isinstance(caught.value.__cause__, orjson.JSONDecodeError)


def test_a_truncated_real_file_is_not_json():
    body = (EDGAR / "data.sec.gov" / "submissions" / "CIK0001766140.json").read_bytes()
    with pytest.raises(FormatError) as caught:
        values.load_json(body[: len(body) // 2], SOURCE)
    assert_one_line_error(caught.value, "not valid JSON")


@pytest.mark.parametrize("value", ["20250101", "2025-W01-1", "2025-5-2"])
def test_only_sec_date_form_is_a_date(value):
    with pytest.raises(FormatError, match="is not a date"):
        values.iso_date(value, "src", "filingDate")


def test_a_float_is_not_a_flag_and_a_cik_has_at_most_ten_digits():
    with pytest.raises(FormatError):
        values.flag(1.0, "src", "isXBRL")
    assert values.cik("9999999999", "src", "cik") == 9_999_999_999
    with pytest.raises(FormatError, match="10 digits"):
        values.cik(10_000_000_000, "src", "cik")
