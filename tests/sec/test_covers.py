"""The securities of a 10-K or 10-Q cover: the real covers of Apple, Coca-Cola, Alphabet, Amazon
and CARBO, SEC's exchnameen table, and small documents with every way a cover is tagged."""

import dataclasses
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from filings_crawler.sec.covers import (
    EXCHNAMEEN,
    LATER_EXCHANGES,
    OTHER_NAMES,
    Cover,
    CoverSecurity,
    exchange_code,
    project_exchange,
    read_cover,
)
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from tests.sample_files import sample_bytes

ARCHIVES = "www.sec.gov/Archives/edgar/data"


# --- The real covers --------------------------------------------------------------------------

NASDAQ_LLC = "The Nasdaq Stock Market LLC"
APPLE_STOCK = CoverSecurity(
    "AAPL", "NASDAQ", "NASDAQ", "Common Stock, $0.00001 par value per share", NASDAQ_LLC
)


def _apple(*notes: str) -> list[CoverSecurity]:
    """Apple's cover: its common stock, then its notes (no trading symbol), all on Nasdaq."""
    return [
        APPLE_STOCK,
        *(
            CoverSecurity(None, "NASDAQ", "NASDAQ", f"{note} Notes due {year}", NASDAQ_LLC)
            for note, year in (n.split() for n in notes)
        ),
    ]


APPLE_2024 = _apple(
    "0.000% 2025",
    "0.875% 2025",
    "1.625% 2026",
    "2.000% 2027",
    "1.375% 2029",
    "3.050% 2029",
    "0.500% 2031",
    "3.600% 2042",
)
APPLE_2023 = [APPLE_STOCK, *_apple("1.375% 2024")[1:], *APPLE_2024[1:]]
# The 10-Q for June 2025 no longer lists the 0.875% notes due 2025.
APPLE_2025_06 = [s for s in APPLE_2024 if s.title != "0.875% Notes due 2025"]

KO_NOTES = [
    ("KO24", "0.500% Notes Due 2024"),
    ("KO26", "1.875% Notes Due 2026"),
    ("KO26C", "0.750% Notes Due 2026"),
    ("KO27", "1.125% Notes Due 2027"),
    ("KO29A", "0.125% Notes Due 2029"),
    ("KO29B", "0.125% Notes Due 2029"),  # the title of KO29A: only the symbol differs
    ("KO30B", "0.400% Notes Due 2030"),
    ("KO31", "1.250% Notes Due 2031"),
    ("KO33", "0.375% Notes Due 2033"),
    ("KO33A", "0.500% Notes Due 2033"),
    ("KO35", "1.625% Notes Due 2035"),
    ("KO36", "1.100% Notes Due 2036"),
    ("KO36A", "0.950% Notes Due 2036"),
    ("KO40B", "0.800% Notes Due 2040"),
    ("KO41", "1.000% Notes Due 2041"),
]
KO = [
    CoverSecurity(symbol, "NYSE", "NYSE", title, "New York Stock Exchange")
    for symbol, title in [("KO", "Common Stock, $0.25 Par Value"), *KO_NOTES]
]
GOOG = [
    CoverSecurity(
        "GOOGL",
        "NASDAQ",
        "NASDAQ",
        "Class A Common Stock, $0.001 par value",  # written with &#160;
        "Nasdaq Stock Market LLC",
    ),
    CoverSecurity(
        "GOOG",
        "NASDAQ",
        "NASDAQ",
        "Class C Capital Stock, $0.001 par value",
        "Nasdaq Stock Market LLC",
    ),
]
AMZN = [
    CoverSecurity(
        "AMZN",
        "NASDAQ",
        "NASDAQ",
        "Common Stock, par value $.01 per share",
        "Nasdaq Global Select Market",
    )
]


@pytest.mark.parametrize(
    ("path", "securities"),
    [
        ("320193/000032019323000077/aapl-20230701.htm", APPLE_2023),
        ("320193/000032019324000123/aapl-20240928.htm", APPLE_2024),
        ("320193/000032019325000057/aapl-20250329.htm", APPLE_2024),
        ("320193/000032019325000073/aapl-20250628.htm", APPLE_2025_06),
        ("21344/000002134424000009/ko-20231231.htm", KO),
        ("1652044/000165204423000094/goog-20230930.htm", GOOG),
        ("1018724/000101872423000012/amzn-20230630.htm", AMZN),
    ],
)
def test_the_securities_of_the_real_covers(path, securities):
    cover = read_cover(sample_bytes(f"{ARCHIVES}/{path}"), path)
    assert list(cover.securities) == securities
    assert cover.unknown_exchanges == ()


def test_the_real_covers_in_short():
    ko = read_cover(sample_bytes(f"{ARCHIVES}/21344/000002134424000009/ko-20231231.htm"), "ko")
    assert len(ko.securities) == 16
    assert ko.primary_symbol == "KO"
    assert ko.symbols == ("KO", *(symbol for symbol, _ in KO_NOTES))
    assert ko.exchanges == ("NYSE",)
    assert ko.listed_on() == "NYSE"
    assert ko.listed_on(["NASDAQ"]) is None

    apple = read_cover(sample_bytes(f"{ARCHIVES}/320193/000032019324000123/aapl-20240928.htm"), "")
    assert apple.symbols == ("AAPL",)
    assert apple.primary_symbol == "AAPL"
    assert apple.exchanges == ("NASDAQ",)
    assert apple.listed_on() == "NASDAQ"

    goog = read_cover(sample_bytes(f"{ARCHIVES}/1652044/000165204423000094/goog-20230930.htm"), "")
    assert goog.primary_symbol == "GOOGL"
    assert goog.symbols == ("GOOGL", "GOOG")


@pytest.mark.parametrize(
    "path",
    [
        # 2018: before cover tagging (and an SGML <DOCUMENT> wrapper around the HTML).
        "1009672/000156459018004771/crr-10k_20171231.htm",
        # An exhibit: HTML without any inline XBRL.
        "320193/000032019325000057/a10-qexhibit31103292025.htm",
    ],
)
def test_a_document_without_cover_facts_has_an_empty_cover(path):
    cover = read_cover(sample_bytes(f"{ARCHIVES}/{path}"), path)
    assert cover == Cover()
    assert cover.securities == ()
    assert cover.exchanges == ()
    assert cover.primary_symbol is None
    assert cover.listed_on() is None


# --- exchnameen ---------------------------------------------------------------------------------

# The registry's test cases for ixt-sec:exchnameen (tests.xml), inputs as written there.
REGISTRY_VALID_CASES = [
    ("BOX Exchange LLC", "BOX"),
    ("BOX\xa0Exchange\xa0LLC", "BOX"),
    (" BOX Exchange LLC ", "BOX"),
    ("Cboe BYX Exchange, Inc.", "CboeBYX"),
    ("Cboe BZX Exchange, Inc.", "CboeBZX"),
    ("Cboe C2 Exchange, Inc.", "C2"),
    ("Cboe EDGA Exchange, Inc.", "CboeEDGA"),
    ("Cboe EDGX Exchange, Inc.", "CboeEDGX"),
    ("Cboe Exchange, Inc.", "CBOE"),
    ("Chicago Stock Exchange, Inc.", "CHX"),
    ("Investors Exchange LLC", "IEX"),
    ("Miami International Securities Exchange LLC", "MIAX"),
    ("MIAX PEARL, LLC", "PEARL"),
    ("Nasdaq BX, Inc. ", "BX"),
    ("Nasdaq GEMX, LLC", "GEMX"),
    ("Nasdaq ISE, LLC", "ISE"),
    ("Nasdaq MRX, LLC", "MRX"),
    ("Nasdaq PHLX LLC", "Phlx"),
    ("New York Stock Exchange LLC", "NYSE"),
    ("NYSE American LLC", "NYSEAMER"),
    ("NYSE Arca, Inc.", "NYSEArca"),
    ("NYSE National, Inc.", "NYSENAT"),
    ("The Nasdaq Stock Market LLC", "NASDAQ"),
]


@pytest.mark.parametrize(("text", "code"), REGISTRY_VALID_CASES)
def test_exchnameen_registry_test_cases(text, code):
    assert exchange_code(text) == code


def test_the_table_is_the_registry_table():
    registry = dict.fromkeys((" ".join(text.split()), code) for text, code in REGISTRY_VALID_CASES)
    assert [(name, code) for code, name in EXCHNAMEEN.items()] == list(registry)


def _spellings(name: str) -> list[str]:
    """Ways covers write a registry name: without "The" or the company suffix, in other cases,
    with no-break spaces (which the registry only takes between words)."""
    bare = name.removeprefix("The ")
    for suffix in (", Inc.", " Inc.", ", LLC", " LLC"):
        bare = bare.removesuffix(suffix)
    return [
        name,
        bare,
        f"The {bare}",
        f"the {bare}, Inc",
        f"{bare} L.L.C.",
        name.upper(),
        name.lower(),
        f"\xa0{name.replace(' ', chr(0xA0))}\xa0",
        f"  {bare}\n ",
    ]


@pytest.mark.parametrize(("code", "name"), [*EXCHNAMEEN.items(), *LATER_EXCHANGES.items()])
def test_every_name_and_code_of_the_table(code, name):
    for spelling in _spellings(name):
        assert exchange_code(spelling) == code, spelling
    # The code itself (a cover without format="ixt-sec:exchnameen"), in any case.
    for spelling in (code, code.upper(), code.lower(), f" {code} "):
        assert exchange_code(spelling) == code, spelling


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Other forms the registry's pattern takes.
        ("NYSE", "NYSE"),
        ("The NYSE", "NYSE"),
        ("New York Stock Exchange", "NYSE"),
        ("Nasdaq", "NASDAQ"),
        ("The Nasdaq Stock Market", "NASDAQ"),
        ("Nasdaq Stock Market LLC", "NASDAQ"),
        ("NASDAQ Global Market", "NASDAQ"),
        ("The Nasdaq Global Select Market", "NASDAQ"),
        ("Nasdaq Global Select Market, LLC", "NASDAQ"),
        # Beyond the registry: the third Nasdaq tier, spacing and punctuation.
        ("The Nasdaq Capital Market", "NASDAQ"),
        ("NASDAQ Capital Market LLC", "NASDAQ"),
        ("The NASDAQ Stock Market, LLC", "NASDAQ"),
        ("NYSE\xa0Arca", "NYSEArca"),
        ("NYSE-Arca", "NYSEArca"),
        ("NYSE American", "NYSEAMER"),
        ("N.Y.S.E.", "NYSE"),
        ("Cboe BZX", "CboeBZX"),
        ("MIAX Pearl", "PEARL"),
        ("MIAXPEARL", "PEARL"),
        ("Nasdaq PHLX", "Phlx"),
        ("PHLX", "Phlx"),
        ("Long-Term Stock Exchange", "LTSE"),
    ],
)
def test_exchange_code_other_forms(text, code):
    assert exchange_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "Bernard Madoff & Sons",  # the registry's invalid case
        "",
        " ",
        "The",
        "LLC",
        "Inc.",
        "OTC",
        "OTCQB",
        "OTC Markets Group",
        "Toronto Stock Exchange",
        "NYSE MKT LLC",  # NYSE American's name until 2017, before cover tagging
        "Nasdaq Global",
        "New York",
        "Exchange",
    ],
)
def test_exchange_code_of_what_is_not_an_exchange_we_know(text):
    assert exchange_code(text) is None


def test_no_two_exchanges_meet():
    codes = [*EXCHNAMEEN, *LATER_EXCHANGES]
    assert len({code.casefold() for code in codes}) == len(codes)
    for code in codes:
        assert exchange_code(code) == code
    for name, code in OTHER_NAMES.items():
        assert exchange_code(name) == code


@pytest.mark.parametrize(
    ("code", "exchange"),
    [
        ("NASDAQ", "NASDAQ"),
        ("NYSE", "NYSE"),
        ("NYSEAMER", "NYSE American"),
        ("NYSEArca", "NYSE Arca"),
        ("NYSENAT", "NYSENAT"),
        ("CboeBZX", "CboeBZX"),
        ("IEX", "IEX"),
        ("Phlx", "Phlx"),
        ("SOMETHING", "SOMETHING"),
    ],
)
def test_project_exchange(code, exchange):
    assert project_exchange(code) == exchange


def test_project_exchange_names_exactly_the_targets():
    codes = [*EXCHNAMEEN, *LATER_EXCHANGES]
    targets = {project_exchange(code) for code in codes} & set(TARGET_EXCHANGES)
    assert targets == set(TARGET_EXCHANGES)
    assert sum(project_exchange(code) in TARGET_EXCHANGES for code in codes) == 4


# --- Small documents ----------------------------------------------------------------------------

ROOT = (
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"'
    ' xmlns:ixt-sec="http://www.sec.gov/inlineXBRL/transformation/2015-08-31"'
    ' xmlns:dei="http://xbrl.sec.gov/dei/2023">'
)


def _document(*body: str, root: str = ROOT) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?>\n{root}<body>{"".join(body)}</body></html>'.encode()


def _fact(concept: str, value: str, context: str = "c-1", attributes: str = "") -> str:
    return (
        f'<ix:nonNumeric contextRef="{context}" name="dei:{concept}"{attributes}>'
        f"{value}</ix:nonNumeric>"
    )


def _row(title: str, symbol: str | None, exchange: str | None, context: str) -> str:
    """One row of the cover table, as filers write it."""
    cells = [_fact("Security12bTitle", title, context)]
    if symbol is None:
        cells.append(_fact("NoTradingSymbolFlag", "&#8212;", context, ' format="ixt:fixed-true"'))
    else:
        cells.append(_fact("TradingSymbol", symbol, context))
    if exchange is not None:
        cells.append(_fact("SecurityExchangeName", exchange, context))
    return "<tr>" + "".join(f"<td><span>{cell}</span></td>" for cell in cells) + "</tr>"


def _cover(html: bytes) -> list[CoverSecurity]:
    return list(read_cover(html, "test.htm").securities)


@pytest.mark.parametrize(
    ("written", "code", "exchange"),
    [
        ("NASDAQ", "NASDAQ", "NASDAQ"),
        ("NYSE", "NYSE", "NYSE"),
        ("NYSEAMER", "NYSEAMER", "NYSE American"),
        ("NYSEArca", "NYSEArca", "NYSE Arca"),
        ("BOX", "BOX", "BOX"),
        ("CBOE", "CBOE", "CBOE"),
        ("CboeBZX", "CboeBZX", "CboeBZX"),
        ("IEX", "IEX", "IEX"),
        ("MIAX", "MIAX", "MIAX"),
    ],
)
def test_an_exchange_written_as_its_code(written, code, exchange):
    html = _document(_row("Common Stock", "ABC", written, "c-1"))
    assert _cover(html) == [CoverSecurity("ABC", code, exchange, "Common Stock", written)]


def test_facts_with_nested_markup_entities_and_comments():
    html = _document(
        '<ix:nonNumeric name="dei:Security12bTitle" contextRef="c-1">'
        '<span style="font-weight:bold">Class&#160;A</span> Common&nbsp;Stock, '
        "$0.01 par value &amp; rights<!-- a comment --></ix:nonNumeric>",
        '<ix:nonNumeric name="dei:TradingSymbol" contextRef="c-1"><span> ABC </span></ix:nonNumeric>',
        '<ix:nonNumeric name="dei:SecurityExchangeName" contextRef="c-1" '
        'format="ixt-sec:exchnameen"><span>NYSE</span>&#160;<span>Arca,</span>\n Inc.'
        "</ix:nonNumeric>",
    )
    assert _cover(html) == [
        CoverSecurity(
            "ABC",
            "NYSEArca",
            "NYSE Arca",
            "Class A Common Stock, $0.01 par value & rights",
            "NYSE Arca, Inc.",
        )
    ]


def test_an_excluded_part_is_not_in_the_value():
    html = _document(
        _fact(
            "Security12bTitle",
            "Common Stock<ix:exclude> (see note 1)</ix:exclude>, no par value",
        ),
        _fact("TradingSymbol", "ABC"),
    )
    assert _cover(html) == [CoverSecurity("ABC", None, None, "Common Stock, no par value")]


def test_the_text_is_utf8_or_latin1():
    utf8 = _document(_fact("Security12bTitle", "Actions ordinaires \u00e9mises"))
    latin1 = utf8.replace("\u00e9".encode(), b"\xe9")
    assert latin1 != utf8
    for html in (utf8, latin1):
        assert _cover(html) == [CoverSecurity(None, None, None, "Actions ordinaires \u00e9mises")]


def test_the_hidden_section_and_duplicates_are_read_once():
    html = _document(
        # ix:header opens the body; its ix:hidden repeats the symbol under the entity's context.
        '<div style="display:none"><ix:header><ix:hidden>',
        _fact("TradingSymbol", "ABC", "c-1"),
        _fact("TradingSymbol", "ABC", "c-2"),
        "</ix:hidden><ix:resources/></ix:header></div>",
        "<table>",
        _row("Common Stock", "ABC", "New York Stock Exchange", "c-2"),
        _row("Preferred Stock", "ABC-PA", "New York Stock Exchange", "c-3"),
        "</table>",
        # The same fact twice, in the same context.
        _fact("TradingSymbol", "ABC-PA", "c-3"),
    )
    assert _cover(html) == [
        CoverSecurity("ABC", "NYSE", "NYSE", "Common Stock", "New York Stock Exchange"),
        CoverSecurity("ABC-PA", "NYSE", "NYSE", "Preferred Stock", "New York Stock Exchange"),
    ]


def test_a_fact_only_in_the_hidden_section_pairs_by_context():
    html = _document(
        "<ix:header><ix:hidden>",
        _fact("SecurityExchangeName", "NASDAQ", "c-2"),
        "</ix:hidden></ix:header>",
        _fact("Security12bTitle", "Common Stock", "c-2"),
        _fact("TradingSymbol", "ABC", "c-2"),
        # A security only tagged in ix:hidden comes after those shown on the cover.
        "<ix:header><ix:hidden>",
        _fact("TradingSymbol", "ABCW", "c-9"),
        "</ix:hidden></ix:header>",
        _row("Warrants", "ABCZ", "NASDAQ", "c-3"),
    )
    assert _cover(html) == [
        CoverSecurity("ABC", "NASDAQ", "NASDAQ", "Common Stock", "NASDAQ"),
        CoverSecurity("ABCZ", "NASDAQ", "NASDAQ", "Warrants", "NASDAQ"),
        CoverSecurity("ABCW", None, None, None),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("<IX:NONNUMERIC", "</IX:NONNUMERIC>"),
        ("<ix:nonnumeric", "</ix:nonnumeric >"),
        ("<Ix:NonNumeric", "</iX:nonNUMERIC>"),
    ],
)
def test_ix_tags_in_any_case(start, end):
    html = _document(
        f'{start} contextRef="c-1" name="dei:TradingSymbol">ABC{end}',
        f"{start} contextref='c-1' name = 'dei:SecurityExchangeName' >NYSE{end}",
    )
    assert _cover(html) == [CoverSecurity("ABC", "NYSE", "NYSE", None, "NYSE")]


def test_prefixes_bound_to_the_inline_xbrl_and_dei_namespaces():
    root = (
        '<html xmlns="http://www.w3.org/1999/xhtml"'
        " xmlns:inline='http://www.xbrl.org/2013/inlineXBRL'"
        ' xmlns:cover = "http://xbrl.sec.gov/dei/2024">'
    )
    html = _document(
        '<inline:nonNumeric contextRef="c-1" name="cover:TradingSymbol">ABC</inline:nonNumeric>',
        '<inline:nonNumeric name=" cover:SecurityExchangeName " contextRef="c-1"'
        ' format="ixt-sec:exchnameen">The Nasdaq Stock Market LLC</inline:nonNumeric>',
        # Not ix: and not dei: (another namespace, another element).
        '<other:nonNumeric contextRef="c-1" name="cover:Security12bTitle">X</other:nonNumeric>',
        '<inline:nonNumeric contextRef="c-1" name="other:Security12bTitle">Y</inline:nonNumeric>',
        '<inline:nonFraction contextRef="c-1" name="cover:Security12bTitle">Z</inline:nonFraction>',
        root=root,
    )
    assert _cover(html) == [
        CoverSecurity("ABC", "NASDAQ", "NASDAQ", None, "The Nasdaq Stock Market LLC")
    ]


def test_names_outside_an_ix_nonnumeric_tag_are_not_facts():
    html = _document(
        "<p>The cover tags dei:TradingSymbol and dei:SecurityExchangeName.</p>",
        '<input name="dei:TradingSymbol" value="NOPE"/>',
        '<ix:nonNumeric contextRef="c-1" name="dei:EntityRegistrantName">dei:TradingSymbol'
        "</ix:nonNumeric>",
        '<ix:nonNumeric contextRef="c-1" id="dei:TradingSymbol" name="dei:TradingSymbol">ABC'
        "</ix:nonNumeric>",
    )
    assert _cover(html) == [CoverSecurity("ABC", None, None, None)]


def test_an_empty_no_trading_symbol_flag():
    html = _document(
        _fact("Security12bTitle", "1.000% Notes due 2030", "c-4"),
        '<ix:nonNumeric contextRef="c-4" name="dei:NoTradingSymbolFlag" format="ixt:fixed-true"/>',
        _fact("SecurityExchangeName", "New York Stock Exchange", "c-4"),
    )
    assert _cover(html) == [
        CoverSecurity(None, "NYSE", "NYSE", "1.000% Notes due 2030", "New York Stock Exchange")
    ]


def test_contexts_that_do_not_pair_are_read_in_document_order():
    # Every row in one context: the table's rows decide.
    one_context = _document(
        _row("Common Stock", "ABC", "NASDAQ", "c-1"),
        _row("Warrants", "ABCW", "NASDAQ", "c-1"),
        _row("Notes due 2030", None, "NYSE", "c-1"),
    )
    expected = [
        CoverSecurity("ABC", "NASDAQ", "NASDAQ", "Common Stock", "NASDAQ"),
        CoverSecurity("ABCW", "NASDAQ", "NASDAQ", "Warrants", "NASDAQ"),
        CoverSecurity(None, "NYSE", "NYSE", "Notes due 2030", "NYSE"),
    ]
    assert _cover(one_context) == expected
    # Every fact in a context of its own.
    own_contexts = _document(
        _fact("Security12bTitle", "Common Stock", "c-1"),
        _fact("TradingSymbol", "ABC", "c-2"),
        _fact("SecurityExchangeName", "NASDAQ", "c-3"),
        _fact("Security12bTitle", "Warrants", "c-4"),
        _fact("TradingSymbol", "ABCW", "c-5"),
        _fact("SecurityExchangeName", "NASDAQ", "c-6"),
        _fact("Security12bTitle", "Notes due 2030", "c-7"),
        _fact("NoTradingSymbolFlag", "", "c-8", ' format="ixt:fixed-true"'),
        _fact("SecurityExchangeName", "NYSE", "c-9"),
    )
    assert _cover(own_contexts) == expected
    # The hidden section, read first in the document, does not shift the rows.
    with_hidden = one_context.replace(
        b"<body>", b"<body><ix:hidden>" + _fact("TradingSymbol", "ABC").encode() + b"</ix:hidden>"
    )
    assert _cover(with_hidden) == expected


def test_an_otc_company_declares_no_exchange():
    html = _document(
        "<p>Securities registered pursuant to Section 12(b) of the Act: None</p>",
        '<p>Trading symbol: <ix:nonNumeric contextRef="c-1" name="dei:TradingSymbol">ABCD'
        "</ix:nonNumeric> (OTCQB)</p>",
    )
    cover = read_cover(html, "otc.htm")
    assert list(cover.securities) == [CoverSecurity("ABCD", None, None, None)]
    assert cover.primary_symbol == "ABCD"
    assert cover.exchanges == ()
    assert cover.unknown_exchanges == ()
    assert cover.listed_on() is None
    # Without a symbol either: nothing is declared.
    no_symbol = _document(
        '<ix:nonNumeric contextRef="c-1" name="dei:NoTradingSymbolFlag">true</ix:nonNumeric>'
    )
    assert read_cover(no_symbol, "otc.htm") == Cover()


def test_unknown_exchange_text_is_kept_for_the_caller():
    html = _document(
        _row("Common Stock", "ABC", "The Nasdaq Stock Market LLC", "c-1"),
        _row("Common Shares", "ABC.TO", "Toronto Stock Exchange", "c-2"),
        _row("Warrants", "ABCWS", "OTCQB", "c-3"),
        _row("Preferred", "ABC-P", "NYSE Arca, Inc.", "c-4"),
        _row("Depositary Shares", "ABCX", "Cboe BZX Exchange, Inc.", "c-5"),
        _row("Rights", "ABCR", "Toronto Stock Exchange", "c-6"),
    )
    cover = read_cover(html, "test.htm")
    assert cover.securities[1] == CoverSecurity(
        "ABC.TO", None, None, "Common Shares", "Toronto Stock Exchange"
    )
    assert cover.unknown_exchanges == ("Toronto Stock Exchange", "OTCQB")
    assert cover.exchanges == ("NASDAQ", "NYSE Arca", "CboeBZX")
    assert cover.listed_on() == "NASDAQ"
    assert cover.listed_on(["NYSE", "NYSE Arca"]) == "NYSE Arca"
    assert cover.listed_on(["NYSE"]) is None
    assert cover.symbols == ("ABC", "ABC.TO", "ABCWS", "ABC-P", "ABCX", "ABCR")


def test_the_cover_order_is_the_document_order():
    html = _document(
        _row("Common Stock", "ZZZ", "NYSE", "c-9"),
        _row("Notes due 2030", "AAA30", "NYSE", "c-1"),
    )
    assert read_cover(html, "test.htm").symbols == ("ZZZ", "AAA30")


@pytest.mark.parametrize(
    "prefix",
    [b"", b"\xef\xbb\xbf", b"\r\n  \t", b"\xef\xbb\xbf\n"],
)
def test_markup_may_follow_a_bom_and_whitespace(prefix):
    html = prefix + _document(_fact("TradingSymbol", "ABC"))
    assert _cover(html) == [CoverSecurity("ABC", None, None, None)]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b'{"cik": "0000320193", "tickers": ["AAPL"]}',
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x00\x00",
        gzip.compress(_document(_fact("TradingSymbol", "ABC")), mtime=0),
        b"Trading symbol: ABC\n<p>not a document</p>",
    ],
)
def test_bytes_that_are_not_markup_are_a_format_error(data):
    with pytest.raises(FormatError) as raised:
        read_cover(data, "https://www.sec.gov/x/doc.htm")
    assert raised.value.source == "https://www.sec.gov/x/doc.htm"
    assert "not an HTML document" in raised.value.problem
    assert "\n" not in str(raised.value)


def test_a_fact_cut_off_by_the_end_of_the_document_is_a_format_error():
    html = _document(_fact("TradingSymbol", "ABC"))
    cut = html[: html.index(b"</ix:nonNumeric>")]
    with pytest.raises(FormatError, match=r"^doc\.htm: dei:TradingSymbol at byte \d+ has no end"):
        read_cover(cut, "doc.htm")


def test_html_without_cover_facts_is_an_empty_cover():
    assert read_cover(b"<html><body><p>Exhibit 31.1</p></body></html>", "x") == Cover()
    assert read_cover(b"<", "x") == Cover()


# --- Purity -------------------------------------------------------------------------------------


def test_the_functions_are_pure():
    path = f"{ARCHIVES}/320193/000032019325000057/aapl-20250329.htm"
    html = sample_bytes(path)
    before = bytes(html)
    first = read_cover(html, path)
    assert read_cover(html, path) == first
    assert html == before
    # Records are frozen values: equal by content, hashable, not to be changed.
    assert hash(first) == hash(read_cover(before, "another name"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.securities[0].symbol = "X"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.securities = ()  # type: ignore[misc]
    assert [exchange_code("NYSE Arca, Inc.") for _ in range(3)] == ["NYSEArca"] * 3
    assert [project_exchange("NYSEAMER") for _ in range(3)] == ["NYSE American"] * 3


def test_the_module_needs_no_scrapy_and_no_database():
    code = (
        "import sys, filings_crawler.sec.covers; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'scrapy', 'twisted', 'sqlalchemy', 'psycopg', 'lxml', 'parsel', 'boto3', 'botocore'}))"
    )
    project = Path(__file__).parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
