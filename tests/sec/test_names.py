"""Which names may become a file name in storage: SEC's own names pass, anything else does not."""

import pytest

from filings_crawler.sec.names import MAX_NAME_LENGTH, file_name_problem, safe_file_name

from .conftest import EDGAR

FILING = EDGAR / "www.sec.gov" / "Archives" / "edgar" / "data" / "320193" / "000032019325000057"


def test_every_real_file_name_in_a_filing_folder_is_safe():
    names = [path.name for path in FILING.iterdir()]
    assert "0000320193-25-000057-xbrl.zip" in names
    assert [safe_file_name(name) for name in names] == names


@pytest.mark.parametrize(
    "name",
    [
        "aapl-20250329_g1.jpg",
        "R1.htm",
        "FilingSummary.xml",
        "0000320193-25-000057.txt",
        "expedia.inc..txt",  # a double dot inside a name climbs nowhere
        "-leading-dash.htm",
        "x" * MAX_NAME_LENGTH,
    ],
)
def test_plain_names_are_kept(name):
    assert safe_file_name(name) == name
    assert file_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty name"),
        (".", "is a relative folder name"),
        ("..", "is a relative folder name"),
        (".htaccess", "starts with '.' (a hidden file)"),
        ("../x.htm", "contains a path separator"),
        ("a/b.htm", "contains a path separator"),
        ("/etc/passwd", "contains a path separator"),
        ("a\\b.htm", "contains a path separator"),
        ("..\\x.htm", "contains a path separator"),
        ("a\x00.htm", "contains a NUL"),
        ("a\nb.htm", "contains a control character"),
        ("a\x7fb.htm", "contains a control character"),
        ("x" * (MAX_NAME_LENGTH + 1), f"longer than {MAX_NAME_LENGTH} characters"),
    ],
)
def test_unsafe_names_are_refused_with_the_reason(name, problem):
    assert safe_file_name(name) is None
    assert file_name_problem(name) == problem


@pytest.mark.parametrize(
    "name",
    [
        "C:x.htm",  # a Windows drive
        "a b.htm",
        "a%2fb.htm",
        "a&amp;b.jpg",
        "a?b.jpg",
        "a#b.jpg",
        "a:b.jpg",
        "a*b.jpg",
        "ä.htm",
        "a\u200bb.htm",  # zero-width space: not printable
        "ａ.htm",  # fullwidth letter
    ],
)
def test_characters_outside_secs_own_are_refused(name):
    assert safe_file_name(name) is None
    assert file_name_problem(name) == "has characters other than letters, digits, '.', '_' and '-'"
