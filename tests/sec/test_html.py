"""Images of a filing's HTML found and relinked on the bytes: the real Apple documents, and a
document built with every case a tokenizer can get wrong."""

from pathlib import Path

import pytest

from filings_crawler.sec.html import ImageRef, find_images, rewrite_found_images, rewrite_images

from .conftest import EDGAR

APPLE = EDGAR / "www.sec.gov" / "Archives" / "edgar" / "data" / "320193"
MIRROR = "http://127.0.0.1:8088/www.sec.gov/Archives/edgar/data/320193/"
FOLDER_URL = f"{MIRROR}000032019325000057/"
PREFIXES = ["https://www.sec.gov/"]


def _folder(accession_folder: str) -> str:
    return f"{MIRROR}{accession_folder}/"


def _document(accession_folder: str, name: str) -> bytes:
    return (APPLE / accession_folder / name).read_bytes()


def _local_name(accession_folder: str, name: str) -> str:
    accession = accession_folder
    return f"{accession[:10]}-{accession[10:12]}-{accession[12:]}_{name}"


@pytest.mark.parametrize(
    ("accession_folder", "document", "images"),
    [
        ("000032019325000057", "aapl-20250329.htm", ["aapl-20250329_g1.jpg"]),
        (
            "000032019324000123",
            "aapl-20240928.htm",
            ["aapl-20240928_g1.jpg", "aapl-20240928_g2.jpg"],
        ),
        ("000032019323000077", "aapl-20230701.htm", ["aapl-20230701_g1.jpg"]),
        ("000032019325000073", "aapl-20250628.htm", ["aapl-20250628_g1.jpg"]),
        ("000032019325000057", "a10-qexhibit31103292025.htm", []),
    ],
)
def test_the_images_of_the_real_documents(accession_folder, document, images):
    html = _document(accession_folder, document)
    refs = find_images(html, _folder(accession_folder), PREFIXES)
    assert [ref.name for ref in refs] == images
    for ref in refs:
        assert ref.skipped is None
        assert ref.src == ref.name
        assert ref.url == _folder(accession_folder) + ref.name
        assert html[ref.start : ref.end] == ref.name.encode()
        # The value is the whole src attribute, in double quotes.
        assert html[ref.start - 5 : ref.start] == b'src="'
        assert html[ref.end : ref.end + 1] == b'"'


@pytest.mark.parametrize(
    ("accession_folder", "document"),
    [
        ("000032019325000057", "aapl-20250329.htm"),
        ("000032019324000123", "aapl-20240928.htm"),
        ("000032019323000077", "aapl-20230701.htm"),
    ],
)
def test_relinking_the_real_documents_changes_only_the_links(accession_folder, document):
    html = _document(accession_folder, document)
    refs = find_images(html, _folder(accession_folder), PREFIXES)
    assert refs
    local = {ref.start: _local_name(accession_folder, ref.name or "") for ref in refs}
    relinked = rewrite_images(html, local)
    assert relinked != html
    assert len(relinked) - len(html) == sum(
        len(n) - len(r.name or "") for n, r in zip(local.values(), refs, strict=True)
    )
    moved = find_images(relinked, _folder(accession_folder), PREFIXES)
    assert [ref.src for ref in moved] == list(local.values())
    # Putting the original names back gives the document SEC served, byte for byte.
    restored = rewrite_images(relinked, {m.start: r.src for m, r in zip(moved, refs, strict=True)})
    assert restored == html


# Every case, one per line; "shown" images are found, the others are not images a browser shows.
TRICKY = b"""<?xml version="1.0" encoding="ASCII"?>
<!DOCTYPE html>
<html><head><title>An <img src="in-title.jpg"> title</title>
<style>p::before { content: '<img src="in-style.jpg">' }</style>
<script>var s = '<img src="in-script.jpg">';</script>
<SCRIPT type="text/javascript">document.write("<img src='in-upper-script.jpg'>")</script >
</head><body>
<!-- <img src="in-comment.jpg"> -->
<!----><img src="after-empty-comment.jpg">
<IMG SRC="upper.JPG">
<img alt='single' src='single.gif'>
<img src=unquoted.png alt=x>
<img data-src="decoy.jpg" src="real.jpg">
<img srcset="set.jpg 2x" src = "spaced.jpg">
<img
  alt="a > b"
  src
  =
  "newline.jpg"
>
<div title='<img src="in-attribute.jpg">'><p data-x="src=inside.jpg">caf\xe9 caf\xc3\xa9</p></div>
<img src="data:image/png;base64,iVBORw0KGgo=">
<img src="  JavaScript:alert(1)">
<img src="https://example.com/off.jpg">
<img src="ftp://www.sec.gov/x.jpg">
<img src="https://www.sec.gov.example.com/Archives/edgar/data/320193/000032019325000057/x.gif">
<img src="https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/x.gif">
<img src="HTTPS://WWW.SEC.GOV/Archives/edgar/data/320193/000032019325000057/X2.gif?a=1">
<img src="//www.sec.gov/Archives/edgar/data/320193/000032019325000057/y.gif">
<img src="//evil.example.com/z.gif">
<img src="\\\\evil.example.com\\z.gif">
<img src="https://www.sec.gov/Archives/edgar/data/320193/000032019324000123/other.jpg">
<img src="http://127.0.0.1:8088/www.sec.gov/Archives/edgar/data/320193/000032019325000057/mirror.jpg">
<img src="/www.sec.gov/logo.gif">
<img src="../../x.jpg">
<img src="./dot.jpg">
<img src="%2e%2e%2fx.jpg">
<img src="images/sub.jpg">
<img src="a&amp;b.jpg">
<img src="aapl&#45;g1.jpg">
<img src="caf\xe9.jpg">
<img src="">
<img src>
<img src=>
<img src="upper.JPG?v=1#top">
<img alt="no source">
<image src="image-tag.jpg">
<imgx src="not-an-img.jpg">
<img src="first.jpg" src="second.jpg">
<![CDATA[ <img src="in-cdata.jpg"> ]]>
<textarea><img src="in-textarea.jpg"></textarea>
<img src="self-closing.jpg"/>
<img/src="slash.jpg">
<img alt="x"src="no-space.jpg">
</body></html>
<img src="cut-off.jpg"
"""
# (src as written, name fetched or None, why skipped or None), in document order.
EXPECTED = [
    ("after-empty-comment.jpg", "after-empty-comment.jpg", None),
    ("upper.JPG", "upper.JPG", None),
    ("single.gif", "single.gif", None),
    ("unquoted.png", "unquoted.png", None),
    ("real.jpg", "real.jpg", None),
    ("spaced.jpg", "spaced.jpg", None),
    ("newline.jpg", "newline.jpg", None),
    ("data:image/png;base64,iVBORw0KGgo=", None, "data URI"),
    ("  JavaScript:alert(1)", None, "javascript URL"),
    ("https://example.com/off.jpg", None, "off-site"),
    ("ftp://www.sec.gov/x.jpg", None, "off-site"),
    (
        "https://www.sec.gov.example.com/Archives/edgar/data/320193/000032019325000057/x.gif",
        None,
        "off-site",
    ),
    ("https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/x.gif", "x.gif", None),
    (
        "HTTPS://WWW.SEC.GOV/Archives/edgar/data/320193/000032019325000057/X2.gif?a=1",
        "X2.gif",
        None,
    ),
    ("//www.sec.gov/Archives/edgar/data/320193/000032019325000057/y.gif", None, "off-site"),
    ("//evil.example.com/z.gif", None, "off-site"),
    ("\\\\evil.example.com\\z.gif", None, "off-site"),
    (
        "https://www.sec.gov/Archives/edgar/data/320193/000032019324000123/other.jpg",
        None,
        "outside the filing folder",
    ),
    (f"{FOLDER_URL}mirror.jpg", "mirror.jpg", None),
    ("/www.sec.gov/logo.gif", None, "outside the filing folder"),
    ("../../x.jpg", None, "outside the filing folder"),
    ("./dot.jpg", "dot.jpg", None),
    ("%2e%2e%2fx.jpg", None, "not a plain file name"),
    ("images/sub.jpg", None, "not a plain file name"),
    ("a&b.jpg", None, "not a plain file name"),
    ("aapl-g1.jpg", "aapl-g1.jpg", None),
    ("caf\xe9.jpg", None, "not a plain file name"),
    ("", None, "empty"),
    ("", None, "empty"),
    ("", None, "empty"),
    ("upper.JPG?v=1#top", "upper.JPG", None),
    ("image-tag.jpg", "image-tag.jpg", None),
    ("first.jpg", "first.jpg", None),
    ("self-closing.jpg", "self-closing.jpg", None),
    ("slash.jpg", "slash.jpg", None),
    ("no-space.jpg", "no-space.jpg", None),
]


def test_every_tricky_case():
    refs = find_images(TRICKY, FOLDER_URL, PREFIXES)
    assert [(ref.src, ref.name, ref.skipped) for ref in refs] == EXPECTED
    for ref in refs:
        assert (ref.url is None) == (ref.name is None) == (ref.skipped is not None)
        if ref.name is not None:
            assert ref.url == FOLDER_URL + ref.name


def test_the_protocol_relative_url_takes_the_folders_scheme():
    # Under https, //www.sec.gov/... is the allowed base; under the http mirror it is not.
    https_folder = "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/"
    refs = find_images(TRICKY, https_folder, PREFIXES)
    by_src = {ref.src: ref for ref in refs}
    relative = by_src["//www.sec.gov/Archives/edgar/data/320193/000032019325000057/y.gif"]
    assert (relative.url, relative.name) == (f"{https_folder}y.gif", "y.gif")
    assert by_src["//evil.example.com/z.gif"].skipped == "off-site"


def test_a_base_without_its_slash_is_still_a_whole_base():
    refs = find_images(TRICKY, FOLDER_URL, ["https://www.sec.gov"])
    assert [(ref.src, ref.name, ref.skipped) for ref in refs] == EXPECTED


def test_offsets_are_the_value_without_its_quotes():
    refs = find_images(TRICKY, FOLDER_URL, PREFIXES)
    written = [TRICKY[ref.start : ref.end] for ref in refs]
    assert written[1] == b"upper.JPG"
    assert written[3] == b"unquoted.png"
    assert b"a&amp;b.jpg" in written
    assert b"aapl&#45;g1.jpg" in written
    assert b"caf\xe9.jpg" in written
    # `<img src>` (no value) and `<img src=>`: an empty range where the value would be.
    empty = [ref for ref in refs if ref.skipped == "empty"]
    assert [TRICKY[ref.start - 5 : ref.end + 1] for ref in empty] == [
        b'src=""',
        b"g src>",
        b" src=>",
    ]


def test_a_folder_url_must_end_with_a_slash():
    with pytest.raises(ValueError, match="ends with '/'"):
        find_images(TRICKY, FOLDER_URL.rstrip("/"), PREFIXES)


def _restore(
    relinked: bytes, original: bytes, before: list[ImageRef], after: list[ImageRef]
) -> bytes:
    """The relinked document with the original bytes of each rewritten value put back."""
    pieces = []
    position = 0
    for old, new in zip(before, after, strict=True):
        start, end = new.start, new.end
        if original[old.start - 1 : old.start] not in (b'"', b"'"):
            # Written unquoted or without a value: the new value was put in double quotes.
            start, end = start - 1, end + 1
            if original[old.start - 1 : old.start] != b"=":
                start -= 1  # and without a value, after a new `=`
        pieces += [relinked[position:start], original[old.start : old.end]]
        position = end
    pieces.append(relinked[position:])
    return b"".join(pieces)


def test_relinking_every_tricky_case_changes_exactly_the_values():
    refs = find_images(TRICKY, FOLDER_URL, PREFIXES)
    new_values = {ref.start: f"0000320193-25-000057_{index}.jpg" for index, ref in enumerate(refs)}
    relinked = rewrite_images(TRICKY, new_values)
    moved = find_images(relinked, FOLDER_URL, PREFIXES)
    assert [ref.src for ref in moved] == list(new_values.values())
    assert _restore(relinked, TRICKY, refs, moved) == TRICKY
    # The way each was written is kept, and unquoted or missing values gain double quotes.
    assert b'<IMG SRC="0000320193-25-000057_1.jpg">' in relinked
    assert b"src='0000320193-25-000057_2.jpg'>" in relinked
    assert b'<img src="0000320193-25-000057_3.jpg" alt=x>' in relinked
    assert b'<img src="0000320193-25-000057_28.jpg">' in relinked
    assert b'<img src="0000320193-25-000057_29.jpg">' in relinked
    assert b"caf\xe9 caf\xc3\xa9" in relinked
    assert b'<img src="cut-off.jpg"\n' in relinked


def test_relinking_some_images_leaves_the_others_as_they_were():
    refs = find_images(TRICKY, FOLDER_URL, PREFIXES)
    fetched = [ref for ref in refs if ref.name is not None]
    relinked = rewrite_images(TRICKY, {ref.start: f"local_{ref.name}" for ref in fetched})
    moved = find_images(relinked, FOLDER_URL, PREFIXES)
    assert [ref.src for ref in moved] == [
        f"local_{ref.name}" if ref.name is not None else ref.src for ref in refs
    ]
    assert rewrite_images(TRICKY, {}) == TRICKY


def test_rewriting_found_refs_gives_the_same_bytes_without_reading_again():
    refs = find_images(TRICKY, FOLDER_URL, PREFIXES)
    chosen = [(ref, f"local_{index}_{ref.name}.jpg") for index, ref in enumerate(refs) if index % 2]
    expected = rewrite_images(TRICKY, {ref.start: new_value for ref, new_value in chosen})
    # Given out of order, as a pipeline may; written in place of each ref's own value.
    assert rewrite_found_images(TRICKY, chosen[::-1]) == expected != TRICKY
    assert rewrite_found_images(TRICKY, []) == TRICKY


def test_new_values_are_escaped_and_ascii():
    html = b"<p><img alt=\"\" src='old.jpg'></p>"
    (ref,) = find_images(html, FOLDER_URL, PREFIXES)
    relinked = rewrite_images(html, {ref.start: "a'b\"c&d<e>f\xe9.jpg"})
    assert relinked == b"<p><img alt=\"\" src='a&#x27;b&quot;c&amp;d&lt;e&gt;f&#233;.jpg'></p>"
    (moved,) = find_images(relinked, FOLDER_URL, PREFIXES)
    assert moved.src == "a'b\"c&d<e>f\xe9.jpg"


def test_an_offset_that_starts_no_src_value_is_refused():
    html = b'<img src="a.jpg">'
    with pytest.raises(ValueError, match="no <img src> value starts at byte offset 9"):
        rewrite_images(html, {9: "b.jpg"})


def test_the_same_image_twice_gives_two_refs():
    html = b'<img src="a.jpg"><p>x</p><img src="a.jpg">'
    refs = find_images(html, FOLDER_URL, PREFIXES)
    assert [(ref.name, ref.start) for ref in refs] == [("a.jpg", 10), ("a.jpg", 35)]


@pytest.mark.parametrize(
    "html",
    [
        b"<!-- never closed <img src='a.jpg'>",
        b"<script><img src='a.jpg'>",
        b"<img alt='never closed><img src='a.jpg'>",
        b"<plaintext><img src='a.jpg'>",
        b"<",
        b"</",
        b"<!",
        b"",
    ],
)
def test_unclosed_constructs_hide_the_rest(html):
    assert find_images(html, FOLDER_URL, PREFIXES) == []


@pytest.mark.parametrize(
    ("html", "name"),
    [
        (b"<!--><img src='a.jpg'>", "a.jpg"),
        (b"<!---><img src='a.jpg'>", "a.jpg"),
        (b"<!-- a --!><img src='a.jpg'>", "a.jpg"),
        (b"</p title='>'><img src='a.jpg'>", "a.jpg"),
        (b"</ ><img src='a.jpg'>", "a.jpg"),
        (b"a < b <img src='a.jpg'>", "a.jpg"),
        (b"<script></scripts><img src='x.jpg'></script><img src='a.jpg'>", "a.jpg"),
    ],
)
def test_constructs_that_end_early(html, name):
    refs = find_images(html, FOLDER_URL, PREFIXES)
    assert refs[-1].name == name


@pytest.mark.parametrize(
    ("written", "src"),
    [
        ("a&amp;b", "a&b"),
        ("a&ampb", "a&ampb"),  # a legacy name followed by a letter is text in an attribute
        ("a&ampx;", "a&ampx;"),
        ("a&amp=b", "a&amp=b"),  # and so before `=`
        ("a&amp", "a&"),
        ("a&copy;", "a\xa9"),
        ("a&#65;&#x42;", "aAB"),
        ("a&nosuch;", "a&nosuch;"),
    ],
)
def test_character_references_in_a_value(written, src):
    (ref,) = find_images(f"<img src='{written}'>".encode(), FOLDER_URL, PREFIXES)
    assert ref.src == src


def test_a_large_document_is_read_quickly():
    html = _document("000032019324000123", "aapl-20240928.htm")
    assert len(find_images(html * 4, _folder("000032019324000123"), PREFIXES)) == 8
    # A tag that never ends costs one pass, not a backtracking search.
    assert find_images(b"<img " + b"a=b " * 200_000, FOLDER_URL, PREFIXES) == []
    assert find_images(b"<a" + b"b" * 500_000, FOLDER_URL, PREFIXES) == []


def test_folder_image_names_are_the_real_files():
    folder = APPLE / "000032019324000123"
    refs = find_images((folder / "aapl-20240928.htm").read_bytes(), _folder(folder.name), PREFIXES)
    assert [Path(folder / (ref.name or "")).exists() for ref in refs] == [True, False]
