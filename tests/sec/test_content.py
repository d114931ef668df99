"""Whether a body is the file that was asked for: the real files pass, error pages in their place do not."""

import pytest

from filings_crawler.sec.content import KINDS, content_problem

from .conftest import EDGAR

FOLDER = EDGAR / "www.sec.gov" / "Archives" / "edgar" / "data" / "320193" / "000032019325000057"
ERRORS = EDGAR / "_errors"
BLOCK_PAGES = ["rate-exceeded.html", "SEC.AutomatedTool.html"]
# What data.sec.gov (S3) sends for a missing key.
NO_SUCH_KEY = ERRORS / "data.sec.gov" / "submissions" / "CIK-000000001.json.404.xml"
JPEG = (FOLDER / "aapl-20250329_g1.jpg").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
GIF = b"GIF89a\x01\x00\x01\x00"
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Not Found</title></head></html>"


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("image", "aapl-20250329_g1.jpg"),
        ("html", "aapl-20250329.htm"),
        ("html", "a10-qexhibit31103292025.htm"),
        ("exhibit", "a10-qexhibit31103292025.htm"),
        ("exhibit", "aapl-20250329.htm"),
        ("xbrl", "aapl-20250329.xsd"),
        ("xbrl", "aapl-20250329_cal.xml"),
        ("xbrl", "aapl-20250329_def.xml"),
        ("xbrl", "aapl-20250329_lab.xml"),
        ("xbrl", "aapl-20250329_pre.xml"),
        ("xbrl", "aapl-20250329_htm.xml"),
        ("exhibit", "0000320193-25-000057-xbrl.zip"),
    ],
)
def test_the_real_files_are_what_they_say(kind, name):
    assert content_problem(kind, name, (FOLDER / name).read_bytes()) is None


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("page", BLOCK_PAGES)
def test_a_block_page_is_never_the_file(kind, page):
    problem = content_problem(kind, "aapl-20250329_g1.jpg", (ERRORS / page).read_bytes())
    assert problem is not None
    assert problem.startswith("SEC's block page (")


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_body_is_never_the_file(kind):
    assert content_problem(kind, "a.htm", b"") == "empty body"


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind of content 'pdf'"):
        content_problem("pdf", "a.pdf", b"%PDF-1.7")


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("a.jpg", JPEG),
        ("a.JPEG", JPEG),
        ("a.png", PNG),
        ("a.gif", GIF),
        ("a.gif", b"GIF87a\x01\x00"),
        ("a.bmp", b"BM\x3a\x00\x00\x00"),
        ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        (
            "a.svg",
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n'
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<svg>',
        ),
        ("no-extension", PNG),
        ("no-extension", b"<svg>"),
    ],
)
def test_images(name, body):
    assert content_problem("image", name, body) is None


@pytest.mark.parametrize(
    ("name", "body", "problem"),
    [
        ("a.jpg", HTML_PAGE, "HTML where an image (.jpg) was expected"),
        ("a.gif", b"\n  <html>x</html>", "HTML where an image (.gif) was expected"),
        ("a.svg", b"<?xml version='1.0'?><HTML>", "HTML where an image (.svg) was expected"),
        ("a.jpg", PNG, "not a JPEG image (.jpg): starts with b'\\x89PNG"),
        ("a.png", JPEG, "not a PNG image (.png): starts with b'\\xff\\xd8\\xff"),
        ("a.gif", b"GIF90a", "not a GIF image (.gif): starts with b'GIF90a'"),
        ("a.bmp", b"<?xml?><x/>", "not a BMP image (.bmp)"),
        ("a.svg", b"<?xml version='1.0'?><svgx/>", "not an SVG image"),
        ("a.svg", PNG, "not an SVG image"),
        ("no-extension", b"hello", "not an image: starts with b'hello'"),
        ("a.jpg", NO_SUCH_KEY.read_bytes(), "not a JPEG image (.jpg): starts with b'<?xml"),
    ],
)
def test_what_is_not_the_image_asked_for(name, body, problem):
    reason = content_problem("image", name, body)
    assert reason is not None
    assert reason.startswith(problem)
    assert "\n" not in reason


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (JPEG, "JPEG data where HTML was expected"),
        (PNG, "PNG data where HTML was expected"),
        ((FOLDER / "0000320193-25-000057-xbrl.zip").read_bytes(), "ZIP archive data where HTML"),
        (b"%PDF-1.7\n", "PDF data where HTML was expected"),
        (b'{"error": "not found"}', 'not markup: starts with b\'{"error"'),
        (b"\xef\xbb\xbf  plain text", "not markup"),
    ],
)
def test_what_is_not_html(body, problem):
    reason = content_problem("html", "aapl-20250329.htm", body)
    assert reason is not None
    assert reason.startswith(problem)


@pytest.mark.parametrize(
    "body", [b"\xef\xbb\xbf\r\n<html>", b"<HTML>", b"<!-- x --><p>", HTML_PAGE]
)
def test_what_passes_as_html(body):
    # An error page that is HTML cannot be told from a document by its bytes alone.
    assert content_problem("html", "a.htm", body) is None


@pytest.mark.parametrize(
    ("name", "body", "problem"),
    [
        ("a.xsd", HTML_PAGE, "an HTML page where XBRL (a.xsd) was expected"),
        ("a_pre.xml", b"<?xml version='1.0'?>\n<html>", "an HTML page where XBRL (a_pre.xml)"),
        ("a_htm.xml", (FOLDER / "aapl-20250329.htm").read_bytes(), "an HTML page where XBRL"),
        ("a.xsd", JPEG, "not XML: starts with b'\\xff\\xd8"),
        ("a.xsd", b"Not Found", "not XML"),
        (
            "a_lab.xml",
            NO_SUCH_KEY.read_bytes(),
            "root element <Error> is not an XBRL schema, linkbase or instance",
        ),
        ("a_lab.xml", (FOLDER / "FilingSummary.xml").read_bytes(), "root element <FilingSummary>"),
    ],
)
def test_what_is_not_xbrl(name, body, problem):
    reason = content_problem("xbrl", name, body)
    assert reason is not None
    assert reason.startswith(problem)


@pytest.mark.parametrize(
    "body",
    [
        b"<xbrl>",
        b"<xs:schema xmlns:xs='x'>",
        b"<xsd:schema>",
        b"<schema>",
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c -->\n<link:linkbase xmlns:link='x'>",
        b"<xbrli:xbrl>",
    ],
)
def test_xbrl_roots(body):
    assert content_problem("xbrl", "a.xsd", body) is None


@pytest.mark.parametrize("body", [b"%PDF-1.7", b"plain text", JPEG, HTML_PAGE])
def test_an_exhibit_is_anything_but_empty_or_a_block_page(body):
    assert content_problem("exhibit", "ex99.htm", body) is None
