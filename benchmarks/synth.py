"""Writes a synthetic EDGAR mirror root, shaped like SEC's and NASDAQ Trader's data, for benchmarks."""

from __future__ import annotations

import argparse
import errno
import os
import random
import re
import shutil
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"
SAMPLE_DATA = SAMPLE / "www.sec.gov" / "Archives" / "edgar" / "data"

# The crawler's defaults (FILINGS_START_DATE, FILINGS_END_DATE, FILING_FORMS).
WINDOW_START, WINDOW_END = date(2023, 1, 1), date(2025, 12, 31)
FORMS_IN_SCOPE = ("10-K", "10-K/A", "10-Q", "10-Q/A")
HISTORY_START = date(2019, 1, 1)
LAST_FILING_DAY = date(2026, 2, 27)  # the data's "today": filings after the window exist too
FILE_CREATION_TIME = "0227202621:31"  # the symbol directory footer, MMDDYYYYHH:MM Eastern

# Above every CIK of the real sample (and the constructed 9999001) and of EDGAR today (~2.1M).
FIRST_CIK = 3_000_001
AGENT_CIKS = tuple(range(2_999_001, 2_999_013))  # filing agents: accession prefixes only

LISTED_SHARES = {"NASDAQ": 0.50, "NYSE": 0.38, "NYSE American": 0.08, "NYSE Arca": 0.04}
OTHERLISTED_CODES = {"NYSE": "N", "NYSE American": "A", "NYSE Arca": "P", "Cboe BZX": "Z"}
# SEC's exchange column knows no NYSE American or Arca: it shows their companies as NYSE.
SEC_COLUMN = {"NASDAQ": "Nasdaq", "NYSE": "NYSE", "NYSE American": "NYSE", "NYSE Arca": "NYSE"}
INLINE_SHARE = 0.8
MIN_DIRECTORY_ROWS = 1500  # the crawler refuses a symbol directory file under 1,000 rows

COLUMNS = (
    "accessionNumber",
    "filingDate",
    "reportDate",
    "acceptanceDateTime",
    "act",
    "form",
    "fileNumber",
    "filmNumber",
    "items",
    "core_type",
    "size",
    "isXBRL",
    "isInlineXBRL",
    "primaryDocument",
    "primaryDocDescription",
)

# Word lists read better as one string each.
PREFIXES = (  # noqa: SIM905
    "Apex Northwind Bluewater Cedar Summit Ironwood Harbor Silverline Redstone Granite "
    "Aurora Beacon Crescent Evergreen Falcon Frontier Golden Horizon Keystone Lakeshore "
    "Meridian Monarch Nova Oakmont Pinnacle Prairie Quantum Riverbend Sable Sterling "
    "Tidewater Trident Vanguard Vertex Westbrook Zenith Atlas Bristol Cobalt Delta Eastgate "
    "Fairmont Glacier Highland Juniper Kestrel Liberty Magnolia Noble Orion Pacific Radiant "
    "Sierra Titan Unity Valley Willow Yukon Arcadia Boreal"
).split()
MIDDLES = ("", "", "", "American", "Global", "National", "United", "First", "Advanced", "Applied")
INDUSTRIES = (
    ("Therapeutics", "2834", "Pharmaceutical Preparations"),
    ("Biosciences", "2836", "Biological Products, (No Diagnostic Substances)"),
    ("Software", "7372", "Services-Prepackaged Software"),
    ("Semiconductor", "3674", "Semiconductors & Related Devices"),
    ("Bancorp", "6022", "State Commercial Banks"),
    ("Financial", "6199", "Finance Services"),
    ("Energy", "1311", "Crude Petroleum & Natural Gas"),
    ("Realty", "6798", "Real Estate Investment Trusts"),
    ("Industries", "3990", "Miscellaneous Manufacturing Industries"),
    ("Retail", "5331", "Retail-Variety Stores"),
    ("Foods", "2000", "Food and Kindred Products"),
    ("Medical", "3841", "Surgical & Medical Instruments & Apparatus"),
    ("Communications", "4813", "Telephone Communications (No Radiotelephone)"),
    ("Airlines", "4512", "Air Transportation, Scheduled"),
    ("Mining", "1040", "Gold and Silver Ores"),
    ("Utilities", "4911", "Electric Services"),
    ("Networks", "7370", "Services-Computer Programming, Data Processing, Etc."),
    ("Insurance", "6331", "Fire, Marine & Casualty Insurance"),
    ("Motors", "3711", "Motor Vehicles & Passenger Car Bodies"),
)
ETF_ISSUERS = ("Capital", "Funds", "Advisors", "Shares", "Investments")
SPAC_INDUSTRY = ("Acquisition", "6770", "Blank Checks")
SUFFIXES = ("Inc.", "Corp.", "Holdings, Inc.", "Group, Inc.", "Co.", "Ltd.", "plc", "N.V.")
ETF_THEMES = (  # noqa: SIM905
    "Dividend Growth|Small Cap Value|Treasury Bond|Clean Energy|Semiconductor|Emerging Markets|"
    "Quality Factor|Municipal Bond|Covered Call|Momentum|Gold Miners|Biotech|Floating Rate"
).split("|")
STATES = ("DE", "DE", "DE", "DE", "DE", "DE", "NV", "MD", "NY", "CA", "TX", "E9", "D0")
CATEGORIES = (
    "Large accelerated filer",
    "Accelerated filer",
    "Non-accelerated filer",
    "Non-accelerated filer<br>Smaller reporting company",
)

# The real files' test issues, verbatim: they must never match a company.
NASDAQ_TEST_ROWS = (
    "ZAZZT|Tick Pilot Test Stock Class A Common Stock|G|Y|N|100||N",
    "ZBZZT|Test Pilot Test Stock Class B Common Stock|G|Y|N|100||N",
    "ZCZZT|Tick Pilot Test Stock Class C |G|Y|N|100||N",
    "ZJZZT|NASDAQ TEST STOCK|Q|Y|N|100||N",
    "ZVZZT|NASDAQ TEST STOCK|G|Y|N|100||N",
    "ZWZZT|NASDAQ TEST STOCK|S|Y|N|100||N",
    "ZXYZ.A|Nasdaq Symbology Test Common Stock|Q|Y|N|100||N",
    "ZXZZT|NASDAQ TEST STOCK|G|Y|N|100||N",
)
OTHER_TEST_ROWS = (
    "ATEST|Tick Pilot Test Control Common Stock|A|ATEST|N|100|Y|ATEST",
    "CBO|CBO (Listing Market - NYSE - Networks A/E) Common Stock|N|CBO|N|100|Y|CBO",
    "CBX|CBX (Listing Market NYSE Networks AE) Common Stock|N|CBX|N|100|Y|CBX",
    "CTEST|NYSE Test One Common Stock|N|CTEST|N|100|Y|CTEST",
    "IGZ|IGZ (Listing Market NYSE Arca Network B F) Common Stock|P|IGZ|N|100|Y|IGZ",
    "MTEST|NYSE Texas, Inc. TEST Common Stock|M|MTEST|N|100|Y|MTEST",
    "NTEST|NYSE Tick Pilot Test Sym-Control|N|NTEST|N|100|Y|NTEST",
    "ZBZX|BATS BZX Exchange test issue|Z|ZBZX|N|100|Y|ZBZX",
    "ZEXIT|IEX Test Company Test Symbol Two for IEX|V|ZEXIT|N|100|Y|ZEXIT",
    "ZIEXT|IEX Test Company Test Symbol One for IEX|V|ZIEXT|N|100|Y|ZIEXT",
)
NASDAQ_HEADER = (
    "Symbol|Security Name|Market Category|Test Issue|Financial Status|Round Lot Size|ETF|NextShares"
)
OTHER_HEADER = (
    "ACT Symbol|Security Name|Exchange|CQS Symbol|ETF|Round Lot Size|Test Issue|NASDAQ Symbol"
)

XBRL_SUFFIXES = (".xsd", "_cal.xml", "_def.xml", "_lab.xml", "_pre.xml", "_htm.xml")
IMAGE_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff")
IMG_SRC = re.compile(
    rb"""<img\b[^>]*?(?<![\w-])src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE
)


@dataclass(frozen=True)
class Security:
    """One listed (or SEC-only) security of a company."""

    ticker: str  # as SEC's ticker files write it ("ABC-B", "ABC-WT")
    symbol: str  # as NASDAQ Trader writes it ("ABC.B", "ABC.W"); "" if not in its files
    description: str  # the symbol directory's security name after the company's name


@dataclass
class Company:
    cik: int
    kind: str  # "listed", "unlisted" or "etf"
    name: str  # NASDAQ Trader's spelling
    title: str  # SEC's spelling
    industry: tuple[str, str, str]  # name word, SIC code, SIC description
    exchange: str  # the listing exchange as the crawler names it; "" if none
    sec_exchange: str  # SEC's exchange column
    fiscal_year_end: int  # month
    securities: list[Security] = field(default_factory=list)

    @property
    def tickers(self) -> list[str]:
        return [s.ticker for s in self.securities]

    @cached_property
    def stem(self) -> str:
        """Its documents' names start so, as Apple's start "aapl"."""
        return re.sub(r"[^a-z]", "", self.securities[0].ticker.lower())


@dataclass(frozen=True)
class Template:
    """A real filing folder whose files an in-scope synthetic filing's folder is linked from."""

    name: str  # "inline" or "per_file"
    folder: Path  # the copy under DIR/_templates the links point at
    files: dict[str, str]  # name in the filing folder ("{accession}" filled in) -> name in folder
    primary_document: str
    is_inline: bool
    size: int
    requests: int  # documents-stage requests per filing
    stored: int  # artifacts stored per filing
    failed: int  # artifacts recorded as failed per filing (the template's broken images)


@dataclass(frozen=True)
class Filing:
    accession: str
    form: str
    filed: date
    period: date | None
    accepted: str
    primary_document: str
    description: str
    is_xbrl: bool
    is_inline: bool
    size: int
    template: Template | None  # set on in-scope filings only

    @property
    def in_scope(self) -> bool:
        return self.form in FORMS_IN_SCOPE and WINDOW_START <= self.filed <= WINDOW_END


@dataclass(frozen=True)
class Page:
    """A `filings.files` entry; `filings` is empty for an older page whose file is not written."""

    name: str
    count: int
    start: date
    end: date
    filings: list[Filing]

    def meets_window(self) -> bool:
        return self.start <= WINDOW_END and self.end >= WINDOW_START


@dataclass
class Output:
    """Everything written under the root, and how."""

    root: Path
    files: int = 0
    bytes_written: int = 0
    links: int = 0
    copies: int = 0  # links that had to be copies (e.g. a file system without hard links)
    link_sources: dict[Path, Path] = field(default_factory=dict)

    def write(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1
        self.bytes_written += len(data)

    def link(self, source: Path, target: Path) -> None:
        current = self.link_sources.get(source, source)
        try:
            os.link(current, target)
            self.links += 1
            return
        except OSError as error:
            if error.errno != errno.EMLINK:
                shutil.copyfile(current, target)
                self.copies += 1
                return
        # An inode holds at most ~65,000 links (ext4): start a fresh copy for the next ones.
        shutil.copyfile(current, target)
        self.link_sources[source] = target
        self.files += 1
        self.bytes_written += target.stat().st_size


# -- companies -------------------------------------------------------------------------------


class SymbolPool:
    """Unique ticker symbols, compared as the crawler compares them (`BRK-B` is `BRK.B`)."""

    def __init__(self, rng: random.Random, reserved: list[str]):
        self.rng = rng
        self.used = {self.key(symbol) for symbol in reserved}

    @staticmethod
    def key(symbol: str) -> str:
        return re.sub(r"[-./ ]+", ".", symbol.upper().replace("$", ".P")).strip(".")

    def new(self, lengths: dict[int, float], variants: tuple[str, ...] = ("",)) -> str:
        """A free base symbol; `variants` are suffixes (`"W"`, `"-WT"`, `".W"`) reserved with it."""
        sizes, weights = list(lengths), list(lengths.values())
        while True:
            size = self.rng.choices(sizes, weights)[0]
            base = "".join(self.rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ", k=size))
            keys = {self.key(base + variant) for variant in variants}
            if not keys & self.used:
                self.used |= keys
                return base


def unique_name(rng: random.Random, seen: set[str], *words: Sequence[str]) -> str:
    """One word of each of `words`, a name not yet in `seen`."""
    for attempt in range(1000):
        chosen = [rng.choice(choices) for choices in words]
        if attempt > 20:  # the combinations run short: number it, as SEC's "II" names do
            chosen.insert(-1, str(attempt))
        name = " ".join(w for w in chosen if w)
        if name not in seen:
            seen.add(name)
            return name
    raise RuntimeError("no free name")


def sec_title(rng: random.Random, name: str) -> str:
    """SEC's spelling: the company's own, or EDGAR's upper case without punctuation."""
    return name if rng.random() < 0.5 else re.sub(r"[,.]", "", name).upper()


def listed_securities(rng: random.Random, pool: SymbolPool, exchange: str) -> list[Security]:
    """Most companies one common stock; ~6% share classes; ~4% SPACs with warrants and units."""
    nasdaq = exchange == "NASDAQ"
    lengths = {4: 0.85, 3: 0.1, 2: 0.05} if nasdaq else {3: 0.7, 2: 0.1, 4: 0.18, 1: 0.02}
    chance = rng.random()
    if chance < 0.06:
        classes = ["A", "B", "C"][: 3 if rng.random() < 0.25 else 2]
        rng.shuffle(classes)  # the most prominent class is not always A
        if nasdaq:  # NASDAQ appends the class letter (LBRDA, LBRDK)
            base = pool.new({4: 1.0}, tuple(classes))
            return [Security(base + c, base + c, f"Class {c} Common Stock") for c in classes]
        base = pool.new(lengths, tuple(f".{c}" for c in classes))
        return [Security(f"{base}-{c}", f"{base}.{c}", f"Class {c} Common Stock") for c in classes]
    if chance < 0.10:
        if nasdaq:
            base = pool.new({4: 1.0}, ("", "W", "U"))
            return [
                Security(base, base, "Class A Ordinary Shares"),
                Security(base + "W", base + "W", "Warrant"),
                Security(base + "U", base + "U", "Unit"),
            ][: rng.choice((2, 3))]
        base = pool.new(lengths, ("", "-WT", ".W", "-UN", ".U"))
        return [
            Security(base, base, "Class A Ordinary Shares"),
            Security(f"{base}-WT", f"{base}.W", "Redeemable Warrants"),
            Security(f"{base}-UN", f"{base}.U", "Units"),
        ][: rng.choice((2, 3))]
    base = pool.new(lengths)
    return [Security(base, base, "Common Stock")]


def otc_security(rng: random.Random, pool: SymbolPool) -> Security:
    """An unlisted filer's ticker: four letters, an F (foreign ordinary) or Y (ADR) now and then."""
    suffix = rng.choice(("", "", "F", "Y"))
    return Security(pool.new({4: 1.0}, (suffix,)) + suffix, "", "")


def sec_exchange_column(rng: random.Random, exchange: str) -> str:
    """SEC's column for a listed company: usually right, sometimes behind a transfer or listing."""
    chance = rng.random()
    if chance < 0.01:
        return "NYSE" if exchange == "NASDAQ" else "Nasdaq"
    if chance < 0.015:
        return ""
    if chance < 0.02:
        return "OTC"
    return SEC_COLUMN[exchange]


def build_companies(
    rng: random.Random, pool: SymbolPool, listed: int, unlisted: int, etfs: int
) -> list[Company]:
    """Listed companies by LISTED_SHARES, unlisted filers and ETF trusts, interleaved by CIK."""
    exchanges = {name: round(listed * share) for name, share in LISTED_SHARES.items()}
    exchanges["NASDAQ"] = listed - sum(v for k, v in exchanges.items() if k != "NASDAQ")
    kinds = [("listed", e) for e, n in exchanges.items() for _ in range(n)]
    kinds += [("unlisted", "")] * unlisted
    kinds += [
        ("etf", rng.choices(("NYSE Arca", "NASDAQ", "Cboe BZX"), (7, 2, 1))[0]) for _ in range(etfs)
    ]
    rng.shuffle(kinds)
    names: set[str] = set()
    companies, cik = [], FIRST_CIK
    for kind, exchange in kinds:
        cik += rng.randint(1, 60)
        if kind == "etf":
            companies.append(etf_trust(rng, pool, names, cik, exchange))
            continue
        securities = (
            listed_securities(rng, pool, exchange)
            if kind == "listed"
            else [otc_security(rng, pool)]
        )
        spac = any("Warrant" in s.description for s in securities)
        industry = SPAC_INDUSTRY if spac else rng.choice(INDUSTRIES)
        name = unique_name(rng, names, PREFIXES, MIDDLES, industry[:1], SUFFIXES)
        sec_exchange = (
            sec_exchange_column(rng, exchange)
            if kind == "listed"
            else rng.choice(("OTC", "OTC", ""))
        )
        fye = rng.choice((12, 12, 12, 12, 12, 12, 12, 6, 9, 3, 1))
        companies.append(
            Company(
                cik,
                kind,
                name,
                sec_title(rng, name),
                industry,
                exchange,
                sec_exchange,
                fye,
                securities,
            )
        )
    return companies


def etf_trust(
    rng: random.Random, pool: SymbolPool, names: set[str], cik: int, exchange: str
) -> Company:
    """An ETF trust: one to three ETFs, each its own ticker at SEC and ETF=Y at NASDAQ Trader."""
    issuer = unique_name(rng, names, PREFIXES, MIDDLES, ETF_ISSUERS)
    name = f"{issuer} ETF Trust"
    securities = []
    for theme in rng.sample(ETF_THEMES, rng.choice((1, 1, 1, 1, 2, 3))):
        symbol = pool.new({3: 0.5, 4: 0.5})
        securities.append(Security(symbol, symbol, f"{issuer} {theme} ETF"))
    sec_exchange = {"NYSE Arca": "NYSE", "NASDAQ": "Nasdaq"}.get(exchange) or rng.choice(
        ("Cboe US", "")
    )
    return Company(
        cik, "etf", name, name.upper(), ("ETF", "", ""), exchange, sec_exchange, 12, securities
    )


# -- SEC's ticker files ------------------------------------------------------------------------


def ticker_entries(rng: random.Random, companies: list[Company]) -> list[tuple[Company, str]]:
    """(company, ticker) in file order: every primary ticker first, secondary classes later,
    as SEC's files list GOOGL near the top and GOOG thousands of rows down."""
    primaries = [(c, c.tickers[0]) for c in companies]
    secondaries = [(c, t) for c in companies for t in c.tickers[1:]]
    rng.shuffle(primaries)
    rng.shuffle(secondaries)
    return primaries + secondaries


def write_ticker_files(out: Output, entries: list[tuple[Company, str]]) -> None:
    tickers = {
        str(i): {"cik_str": c.cik, "ticker": t, "title": c.title}
        for i, (c, t) in enumerate(entries)
    }
    out.write("www.sec.gov/files/company_tickers.json", orjson.dumps(tickers))
    exchange = {
        "fields": ["cik", "name", "ticker", "exchange"],
        "data": [[c.cik, c.title, t, c.sec_exchange] for c, t in entries],
    }
    out.write("www.sec.gov/files/company_tickers_exchange.json", orjson.dumps(exchange))


# -- NASDAQ Trader's symbol directory ----------------------------------------------------------


def nasdaq_row(rng: random.Random, symbol: str, name: str, etf: bool) -> str:
    category = "G" if etf else rng.choice("QQGSS")
    status = "D" if rng.random() < 0.03 else "N"
    return f"{symbol}|{name}|{category}|N|{status}|100|{'Y' if etf else 'N'}|N"


def other_row(act: str, name: str, code: str, etf: bool) -> str:
    cqs, nasdaq = act, act
    if "$" in act:  # preferred: BFS$D, CQS BFSpD, NASDAQ BFS-D
        base, series = act.split("$")
        cqs, nasdaq = f"{base}p{series}", f"{base}-{series}"
    elif act.endswith(".W"):
        cqs, nasdaq = act + "S", act[:-2] + "+"
    elif act.endswith(".U"):
        nasdaq = act[:-2] + "="
    return f"{act}|{name}|{code}|{cqs}|{'Y' if etf else 'N'}|100|N|{nasdaq}"


def company_rows(rng: random.Random, companies: list[Company]) -> tuple[list[str], list[str]]:
    """The listed companies' and the ETFs' rows: nasdaqlisted.txt's, otherlisted.txt's."""
    nasdaq, other = [], []
    for company in companies:
        if not company.exchange:
            continue
        etf = company.kind == "etf"
        for security in company.securities:
            if etf:
                name = security.description
            else:
                joiner = " - " if company.exchange == "NASDAQ" else " "
                name = company.name + joiner + security.description
            if company.exchange == "NASDAQ":
                nasdaq.append(nasdaq_row(rng, security.symbol, name, etf))
            else:
                code = OTHERLISTED_CODES[company.exchange]
                other.append(other_row(security.symbol, name, code, etf))
    return nasdaq, other


def filler_rows(
    rng: random.Random, pool: SymbolPool, companies: list[Company], nasdaq: int, other: int
) -> tuple[list[str], list[str]]:
    """Securities no SEC ticker names (rights, notes, preferreds, closed-end funds, IEX and Cboe
    listings), so each file is as full as the real one whatever the universe's size."""
    nasdaq_rows = []
    for _ in range(nasdaq):
        symbol = pool.new({5: 1.0})
        what = rng.choice(("Rights", "Depositary Shares", "7.00% Senior Notes due 2029"))
        nasdaq_rows.append(
            nasdaq_row(rng, symbol, f"{rng.choice(PREFIXES)} Holdings - {what}", False)
        )
    single = [
        c for c in companies if c.exchange == "NYSE" and c.kind == "listed" and len(c.tickers) == 1
    ]
    other_rows: list[str] = []
    while len(other_rows) < other:
        # Half preferreds of listed companies (ABR$D), while their series are free; else funds.
        if single and len(other_rows) % 2 == 0:
            company = single[rng.randrange(len(single))]
            series = rng.choice("ABCDEFGHIJ")
            act = f"{company.tickers[0]}${series}"
            if pool.key(act) not in pool.used:
                pool.used.add(pool.key(act))
                rate = f"{rng.randint(4, 8)}.{rng.choice(('000', '125', '375', '500'))}%"
                name = f"{company.name} {rate} Series {series} Preferred Stock"
                other_rows.append(other_row(act, name, "N", False))
                continue
        code = rng.choices(("N", "A", "V", "Z", "M"), (6, 2, 1, 1, 1))[0]
        name = f"{rng.choice(PREFIXES)} Municipal Income Fund Common Shares of Beneficial Interest"
        other_rows.append(other_row(pool.new({3: 0.5, 4: 0.5}), name, code, False))
    return nasdaq_rows, other_rows


def write_symbol_directory(
    out: Output, rng: random.Random, pool: SymbolPool, companies: list[Company]
) -> dict[str, int]:
    nasdaq, other = company_rows(rng, companies)
    # Always some filler (as in reality), more when the universe is small.
    extra = max(50, len(companies) // 40)
    nasdaq_fill = max(extra, MIN_DIRECTORY_ROWS - len(nasdaq) - len(NASDAQ_TEST_ROWS))
    other_fill = max(extra, MIN_DIRECTORY_ROWS - len(other) - len(OTHER_TEST_ROWS))
    more_nasdaq, more_other = filler_rows(rng, pool, companies, nasdaq_fill, other_fill)
    files = {
        "nasdaqlisted.txt": (NASDAQ_HEADER, [*nasdaq, *more_nasdaq, *NASDAQ_TEST_ROWS], 7),
        "otherlisted.txt": (OTHER_HEADER, [*other, *more_other, *OTHER_TEST_ROWS], 6),
    }
    rows = {}
    for name, (header, body, pipes) in files.items():
        body.sort()  # both real files are in symbol order
        footer = f"File Creation Time: {FILE_CREATION_TIME}" + "|" * pipes
        text = "\n".join([header, *body, footer]) + "\n"
        out.write(f"www.nasdaqtrader.com/dynamic/SymDir/{name}", text.encode())
        rows[name] = len(body)
    return rows


# -- submissions -------------------------------------------------------------------------------


class Accessions:
    """`{filer:010d}-{yy:02d}-{seq:06d}`, numbered per filer and year as EDGAR numbers them."""

    def __init__(self) -> None:
        self.last: Counter[tuple[int, int]] = Counter()

    def new(self, filer: int, filed: date) -> str:
        key = (filer, filed.year % 100)
        self.last[key] += 1
        return f"{filer:010d}-{key[1]:02d}-{self.last[key]:06d}"


def business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def draw(rng: random.Random, low: int, high: int) -> int:
    """randint(low, high) in a third of its time: it runs several times for every row."""
    return low + int(rng.random() * (high - low + 1))


def random_day(rng: random.Random, start: date, end: date) -> date:
    return business_day(start + timedelta(days=draw(rng, 0, (end - start).days)))


def accepted(rng: random.Random, filed: date) -> str:
    """EDGAR's acceptance time, 10:00 to 21:59 UTC (one draw: this runs for every row)."""
    minutes, seconds = divmod(36_000 + int(rng.random() * 43_200), 60)
    return f"{filed}T{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}.000Z"


OTHER_FORMS = {"4": 50, "8-K": 30, "SC 13G/A": 12, "S-8": 8}
FUND_FORMS = ("N-CSR", "N-CSRS", "485BPOS", "NPORT-P", "497K", "24F-2NT")


@dataclass
class FilingHistory:
    """One company's filings, drawn from its own generator; accession numbers from the shared
    sequence."""

    rng: random.Random
    company: Company
    templates: dict[str, Template]
    accessions: Accessions

    def filings(self) -> list[Filing]:
        """Newest first, as SEC lists them: ~12 in scope among 3-8 times as many out of scope."""
        rng = self.rng
        if self.company.kind == "etf":
            days = [random_day(rng, HISTORY_START, LAST_FILING_DAY) for _ in range(20)]
            filings = [self.other(rng.choice(FUND_FORMS), day) for day in days]
        else:
            filings = self.periodic_reports()
            in_scope = sum(f.in_scope for f in filings)
            by_date = len(filings) - in_scope
            filings += self.others(max(8, round(in_scope * rng.uniform(3, 8)) - by_date))
        filings.sort(key=lambda f: (f.filed, f.accepted), reverse=True)
        return filings

    def periodic_reports(self) -> list[Filing]:
        """A 10-K per fiscal year and a 10-Q per other quarter, 2019 to today: ~12 in the
        window, the rest out of scope by date (2019-2022, 2026)."""
        rng, fiscal_year_end = self.rng, self.company.fiscal_year_end
        filings = []
        for year in range(2018, 2026):
            for month in range(1, 13):
                if (month - fiscal_year_end) % 3:
                    continue
                period = month_end(year, month)
                annual = month == fiscal_year_end
                delay = rng.randint(55, 85) if annual else rng.randint(33, 44)
                filed = business_day(period + timedelta(days=delay))
                if HISTORY_START <= filed <= LAST_FILING_DAY:
                    filings.append(self.report("10-K" if annual else "10-Q", period, filed))
        if rng.random() < 0.05:  # an amendment, filed weeks after the report it amends
            original = rng.choice([f for f in filings if f.in_scope and f.filed < date(2025, 9, 1)])
            assert original.period is not None
            filed = business_day(original.filed + timedelta(days=rng.randint(20, 110)))
            filings.append(self.report(original.form + "/A", original.period, filed))
        return filings

    def report(self, form: str, period: date, filed: date) -> Filing:
        """A 10-K or 10-Q (or amendment); in scope, it takes a template's document and flags."""
        rng, template = self.rng, None
        if form in FORMS_IN_SCOPE and WINDOW_START <= filed <= WINDOW_END:
            template = self.templates["inline" if rng.random() < INLINE_SHARE else "per_file"]
            document, inline, size = template.primary_document, template.is_inline, template.size
        else:
            document = f"{self.company.stem}-{period:%Y%m%d}.htm"
            inline, size = filed >= date(2020, 6, 15), draw(rng, 2_000_000, 12_000_000)
        accession = self.accessions.new(self.filer(), filed)
        return Filing(
            accession,
            form,
            filed,
            period,
            accepted(rng, filed),
            document,
            form,
            True,
            inline,
            size,
            template,
        )

    def others(self, count: int) -> list[Filing]:
        """`count` out-of-scope filings: a proxy a year, now and then an NT 10-K or a 10-KT
        dated inside the window, and insider, current, ownership and registration filings."""
        rng = self.rng
        days: list[tuple[str, date]] = [
            ("DEF 14A", business_day(date(year, 3, 20) + timedelta(days=rng.randint(0, 50))))
            for year in range(2019, 2026)
        ]
        if rng.random() < 0.05:
            days.append(("NT 10-K", random_day(rng, WINDOW_START, WINDOW_END)))
        if rng.random() < 0.01:
            days.append(("10-KT", random_day(rng, WINDOW_START, WINDOW_END)))
        forms, weights = list(OTHER_FORMS), list(OTHER_FORMS.values())
        while len(days) < count:
            form = rng.choices(forms, weights)[0]
            days.append((form, random_day(rng, HISTORY_START, LAST_FILING_DAY)))
        return [self.other(form, day) for form, day in days]

    def other(self, form: str, filed: date) -> Filing:
        """A filing the crawler must pass over: its form is not in scope, whatever its date."""
        rng = self.rng
        period: date | None = None
        document, description, xbrl = f"{self.company.stem}-{filed:%Y%m%d}.htm", form, False
        filer = self.filer()
        if form == "4":
            filer, period = rng.choice(AGENT_CIKS), filed - timedelta(days=2)
            # SEC lists form 4s by their XSL rendition, as Apple's file shows.
            document = f"xslF345X05/wk-form4_{draw(rng, 10**9, 2 * 10**9)}.xml"
            description = "FORM 4"
        elif form == "SC 13G/A":
            filer = rng.choice(AGENT_CIKS)
        elif form == "8-K":
            period = filed - timedelta(days=draw(rng, 0, 3))
            xbrl = filed >= date(2019, 6, 15)  # cover page tags
        elif form in ("NT 10-K", "10-KT"):
            period = month_end(filed.year - 1, self.company.fiscal_year_end)
            xbrl = form == "10-KT"
        inline = xbrl and form != "8-K"
        size = draw(rng, 3_000, 400_000)
        accession = self.accessions.new(filer, filed)
        return Filing(
            accession,
            form,
            filed,
            period,
            accepted(rng, filed),
            document,
            description,
            xbrl,
            inline,
            size,
            None,
        )

    def filer(self) -> int:
        """Most companies file themselves; the rest through an agent, whose CIK the accession
        has (the filing folder is under the company's CIK all the same)."""
        return self.company.cik if self.rng.random() < 0.7 else self.rng.choice(AGENT_CIKS)


def columns(company: Company, filings: list[Filing]) -> dict[str, list[Any]]:
    """SEC's parallel arrays, with the columns the crawler does not read filled in too."""
    rows = []
    for f in filings:
        act = "" if f.form in ("4", "SC 13G/A") else ("33" if f.form == "S-8" else "34")
        rows.append(
            (
                f.accession,
                f.filed.isoformat(),
                f.period.isoformat() if f.period else "",
                f.accepted,
                act,
                f.form,
                f"001-{company.cik % 100_000:05d}" if act == "34" else "",
                "" if f.form == "4" else f"{f.filed:%y}{f.accession[-6:]}",
                "2.02,9.01" if f.form == "8-K" else "",
                "XBRL" if f.is_xbrl else f.form,
                f.size,
                int(f.is_xbrl),
                int(f.is_inline),
                f.primary_document,
                f.description,
            )
        )
    arrays = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    return {name: list(array) for name, array in zip(COLUMNS, arrays, strict=True)}


def split_pages(
    rng: random.Random, company: Company, filings: list[Filing]
) -> tuple[list[Filing], Page | None]:
    """About 5% of companies have their older filings on a page that meets the window (so some
    in-scope filings are only there), 5% a page of filings from before 2019 (never fetched)."""
    chance, name = rng.random(), f"CIK{company.cik:010d}-submissions-001.json"
    # Cut the list (newest first) just after an in-scope filing, not the newest: the page
    # then ends inside the window and holds in-scope filings, and recent holds some too.
    cuts = [i for i, f in enumerate(filings) if f.in_scope][1:]
    if chance < 0.05 and cuts:
        cut = rng.choice(cuts)
        older = filings[cut:]
        return filings[:cut], Page(name, len(older), older[-1].filed, older[0].filed, older)
    if chance < 0.10:
        start = random_day(rng, date(1996, 1, 1), date(2008, 12, 31))
        end = random_day(rng, date(2012, 1, 1), date(2018, 11, 30))
        return filings, Page(name, rng.randint(50, 900), start, end, [])
    return filings, None


def submissions(company: Company, recent: list[Filing], page: Page | None) -> dict[str, Any]:
    """The company file in SEC's key order (Apple's file is the model)."""
    _, sic, sic_description = company.industry
    state = STATES[company.cik % len(STATES)]
    former = []
    if company.cik % 7 == 0:
        former = [
            {
                "name": company.title + " (FORMER)",
                "from": "2005-03-01T00:00:00.000Z",
                "to": "2019-06-30T00:00:00.000Z",
            }
        ]
    files = []
    if page is not None:
        files = [
            {
                "name": page.name,
                "filingCount": page.count,
                "filingFrom": page.start.isoformat(),
                "filingTo": page.end.isoformat(),
            }
        ]
    return {
        "cik": f"{company.cik:010d}",
        "entityType": "operating" if company.kind != "etf" else "other",
        "sic": sic,
        "sicDescription": sic_description,
        "insiderTransactionForOwnerExists": 0,
        "insiderTransactionForIssuerExists": int(company.kind != "etf"),
        "name": company.title,
        "tickers": company.tickers,
        "exchanges": [company.sec_exchange] * len(company.tickers),
        "ein": f"{company.cik * 37 % 10**9:09d}",
        "lei": None,
        "description": "",
        "website": "",
        "investorWebsite": "",
        "category": CATEGORIES[company.cik % len(CATEGORIES)] if company.kind != "etf" else "",
        "fiscalYearEnd": f"{company.fiscal_year_end:02d}{month_end(2025, company.fiscal_year_end).day:02d}",
        "stateOfIncorporation": state,
        "stateOfIncorporationDescription": state,
        "phone": f"(212) 555-{company.cik % 10_000:04d}",
        "flags": "",
        "formerNames": former,
        "filings": {"recent": columns(company, recent), "files": files},
    }


# -- documents ---------------------------------------------------------------------------------


def shown_images(html: bytes) -> list[str]:
    """Names of the images a document shows from its own folder, in order, once each."""
    names: list[str] = []
    for match in IMG_SRC.finditer(re.sub(rb"<!--.*?-->", b"", html, flags=re.DOTALL)):
        src = next(g for g in match.groups() if g is not None).decode().strip().removeprefix("./")
        if src and "/" not in src and ":" not in src and src not in names:
            names.append(src)
    return names


def fetch_figures(
    folder: dict[str, bytes], primary: str, members: dict[str, bytes] | None
) -> tuple[int, int, int]:
    """(requests, stored, failed) of the documents stage for one filing, by its two paths.

    Inline (`members`, the zip's): the zip, then only what it lacks: the `_htm.xml` instance
    (absent is fine) and any shown image not in it. Per file: index.json, the document, each
    shown image the folder has (one that is not an image fails; one it lacks fails unasked) and
    each XBRL file. Stored counts the document, images, XBRL files; exhibits are not kept.
    """
    images = shown_images(folder[primary])

    def is_image(name: str) -> bool:
        data = (members or {}).get(name, folder.get(name, b""))
        return data.startswith(IMAGE_MAGIC)

    stored_images = sum(map(is_image, images))
    if members is not None:
        instance = primary.rsplit(".", 1)[0] + "_htm.xml"
        asked = [i for i in images if i not in members] + [instance] * (instance not in members)
        xbrl = sum(m.endswith(XBRL_SUFFIXES) for m in members) + (instance in folder)
        return 1 + len(asked), 1 + stored_images + xbrl, len(images) - stored_images
    present = [i for i in images if i in folder]
    xbrl = sum(n.endswith(XBRL_SUFFIXES) for n in folder if n != primary)
    return 2 + len(present) + xbrl, 1 + stored_images + xbrl, len(images) - stored_images


INLINE_SOURCE = SAMPLE_DATA / "320193" / "000032019325000057"  # Apple's 10-Q of 2025-05-02
PER_FILE_SOURCE = SAMPLE_DATA / "9999001" / "000999900124000002"  # constructed, no zip


def prepare_templates(out: Output) -> dict[str, Template]:
    """Both templates, copied once under DIR/_templates (never served: not a host folder).

    Links point at these copies, not at the repository's fixtures: DIR may be on another
    device, and a write through a link must never change a test fixture.
    """
    stem = "aapl-20250329"
    inline = {
        f"{stem}{suffix}": f"{stem}{suffix}" for suffix in (".htm", "_g1.jpg", *XBRL_SUFFIXES)
    }
    inline["{accession}-xbrl.zip"] = "0000320193-25-000057-xbrl.zip"
    per_file = {path.name: path.name for path in sorted(PER_FILE_SOURCE.iterdir())}
    return {
        "inline": template(
            out, "inline", INLINE_SOURCE, inline, primary=f"{stem}.htm", filed=date(2025, 5, 2)
        ),
        "per_file": template(
            out,
            "per_file",
            PER_FILE_SOURCE,
            per_file,
            primary="ctst-20240331.htm",
            filed=date(2024, 5, 1),
        ),
    }


def template(
    out: Output, name: str, source: Path, files: dict[str, str], *, primary: str, filed: date
) -> Template:
    data = {}
    for target, source_name in files.items():
        data[target] = (source / source_name).read_bytes()
        out.write(f"_templates/{name}/{source_name}", data[target])
        # A fixed time, so the index.json the mirror synthesizes is the same on every run.
        stamp = datetime(filed.year, filed.month, filed.day, 20, tzinfo=UTC).timestamp()
        os.utime(out.root / "_templates" / name / source_name, (stamp, stamp))
    members = None
    if zip_name := next((t for t in files if t.endswith("-xbrl.zip")), None):
        with zipfile.ZipFile(source / files[zip_name]) as archive:
            members = {member: archive.read(member) for member in archive.namelist()}
    requests, stored, failed = fetch_figures(data, primary, members)
    return Template(
        name,
        out.root / "_templates" / name,
        files,
        primary,
        members is not None,
        sum(map(len, data.values())),
        requests,
        stored,
        failed,
    )


def link_filing(out: Output, company: Company, filing: Filing) -> None:
    template = filing.template
    assert template is not None
    folder = out.root.joinpath(
        "www.sec.gov/Archives/edgar/data", str(company.cik), filing.accession.replace("-", "")
    )
    folder.mkdir(parents=True)
    for target, source_name in template.files.items():
        out.link(template.folder / source_name, folder / target.format(accession=filing.accession))


# -- the whole root ----------------------------------------------------------------------------


@dataclass
class Tally:
    """What a reader of the generated files should find, counted while writing them."""

    in_scope: Counter[str] = field(default_factory=Counter)
    only_in_pages: int = 0
    out_of_scope: int = 0
    submissions_files: int = 0
    untargeted_files: int = 0  # a few unlisted filers and ETF trusts, for stray requests
    pages_meeting_window: int = 0  # written, and fetched by the crawler
    pages_older: int = 0  # listed in filings.files, file not written
    slice_filings: Counter[str] = field(default_factory=Counter)  # by template

    def add(self, filings: list[Filing], page: Page | None) -> None:
        self.in_scope.update(f.form for f in filings if f.in_scope)
        self.out_of_scope += sum(not f.in_scope for f in filings)
        if page is not None:
            self.only_in_pages += sum(f.in_scope for f in page.filings)
            self.pages_meeting_window += page.meets_window()
            self.pages_older += not page.meets_window()


def write_submissions(
    out: Output,
    seed: int,
    companies: list[Company],
    templates: dict[str, Template],
    slice_ciks: set[int],
) -> Tally:
    """Every listed company's file (and pages), a few others' too; the slice's filing folders."""
    unlisted = [c for c in companies if c.kind == "unlisted"][:20]
    etfs = [c for c in companies if c.kind == "etf"][:10]
    written = {c.cik for c in unlisted + etfs}
    accessions, tally = Accessions(), Tally()
    for company in companies:
        if company.kind != "listed" and company.cik not in written:
            continue
        # One generator per company, so its filings do not shift when others change.
        rng = random.Random(seed * 100_000_000 + company.cik)
        filings = FilingHistory(rng, company, templates, accessions).filings()
        recent, page = (
            split_pages(rng, company, filings) if company.kind == "listed" else (filings, None)
        )
        document = submissions(company, recent, page)
        out.write(f"data.sec.gov/submissions/CIK{company.cik:010d}.json", orjson.dumps(document))
        if page is not None and page.filings:
            out.write(
                f"data.sec.gov/submissions/{page.name}",
                orjson.dumps(columns(company, page.filings)),
            )
        if company.kind != "listed":
            tally.untargeted_files += 1
            continue
        tally.submissions_files += 1
        tally.add(filings, page)
        if company.cik in slice_ciks:
            for filing in filings:
                if filing.template is not None:
                    link_filing(out, company, filing)
                    tally.slice_filings[filing.template.name] += 1
    return tally


def universe(
    seed: int,
    *,
    companies: list[Company],
    directory_rows: dict[str, int],
    templates: dict[str, Template],
    tally: Tally,
    slice_ciks: list[int],
) -> dict[str, Any]:
    listed = [c for c in companies if c.kind == "listed"]
    etfs = [c for c in companies if c.kind == "etf"]
    unlisted = [c for c in companies if c.kind == "unlisted"]
    by_exchange = dict(sorted(Counter(c.exchange for c in listed).items()))
    slice_by = tally.slice_filings
    return {
        "seed": seed,
        "window": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat()},
        "forms": list(FORMS_IN_SCOPE),
        "companies": {
            "total": len(companies),
            "listed": {"total": len(listed), **by_exchange},
            "unlisted": {
                "total": len(unlisted),
                **Counter(c.sec_exchange or "blank" for c in unlisted),
            },
            "etf_trusts": {"total": len(etfs), **Counter(c.exchange for c in etfs)},
            "multi_ticker": sum(len(c.tickers) > 1 for c in companies),
        },
        # Listed companies whose SEC column names another exchange than their listing's (SEC
        # calling NYSE American and Arca companies "NYSE" is its normal spelling, not counted).
        "sec_column_disagrees": sum(SEC_COLUMN[c.exchange] != c.sec_exchange for c in listed),
        "ticker_entries": sum(len(c.tickers) for c in companies),
        "symbol_directory_rows": directory_rows,
        "symbol_directory_etf_listings": sum(len(c.securities) for c in etfs),
        "symbol_directory_test_issues": len(NASDAQ_TEST_ROWS) + len(OTHER_TEST_ROWS),
        "targeted_companies": {"total": len(listed), **by_exchange},
        "submissions": {
            "targeted_company_files": tally.submissions_files,
            "untargeted_company_files": tally.untargeted_files,
            "pages_meeting_window": tally.pages_meeting_window,
            "pages_older_not_written": tally.pages_older,
        },
        "in_scope_filings": {
            "total": sum(tally.in_scope.values()),
            "by_form": dict(sorted(tally.in_scope.items())),
            "only_in_pages": tally.only_in_pages,
            "out_of_scope_rows": tally.out_of_scope,
        },
        "reference_requests": 4,  # two ticker files, two symbol directory files
        "expected_discovery_requests": len(listed) + tally.pages_meeting_window,
        "slice": {
            "companies": len(slice_ciks),
            "in_scope_filings": sum(slice_by.values()),
            "by_template": dict(slice_by),
            "per_filing": {
                name: {
                    "requests": t.requests,
                    "artifacts_stored": t.stored,
                    "artifacts_failed": t.failed,
                }
                for name, t in templates.items()
            },
            "expected_download_requests": sum(
                n * templates[k].requests for k, n in slice_by.items()
            ),
            "expected_artifacts": {
                "stored": sum(n * templates[k].stored for k, n in slice_by.items()),
                "failed": sum(n * templates[k].failed for k, n in slice_by.items()),
            },
            "ciks": slice_ciks,
        },
    }


def prepare_root(root: Path) -> None:
    """An empty root; a previous output (it has universe.json) is replaced, anything else kept."""
    if root.exists() and any(root.iterdir()):
        if not (root / "universe.json").is_file():
            sys.exit(
                f"{root} is not empty and not a previous output (no universe.json); not touched"
            )
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)


def generate(root: Path, listed: int, documents_for: int, seed: int) -> dict[str, Any]:
    prepare_root(root)
    out, rng = Output(root), random.Random(seed)
    reserved = [row.split("|")[0] for row in (*NASDAQ_TEST_ROWS, *OTHER_TEST_ROWS)]
    pool = SymbolPool(rng, reserved)
    companies = build_companies(rng, pool, listed, round(listed / 4), round(listed / 20))
    write_ticker_files(out, ticker_entries(rng, companies))
    directory_rows = write_symbol_directory(out, rng, pool, companies)
    shutil.copytree(SAMPLE / "_errors", root / "_errors")  # SEC's own 403/404/429 bodies
    templates = prepare_templates(out)
    slice_ciks = [c.cik for c in companies if c.kind == "listed"][:documents_for]
    tally = write_submissions(out, seed, companies, templates, set(slice_ciks))
    figures = universe(
        seed,
        companies=companies,
        directory_rows=directory_rows,
        templates=templates,
        tally=tally,
        slice_ciks=slice_ciks,
    )
    figures["output"] = {
        "files_written": out.files,
        "bytes_written": out.bytes_written,
        "hard_links": out.links,
        "copies": out.copies,
    }
    out.write("universe.json", orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="the mirror root to write")
    parser.add_argument("--companies", type=int, default=6000, help="listed operating companies")
    parser.add_argument(
        "--documents-for", type=int, default=300, help="first N listed by CIK get filing folders"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.monotonic()
    figures = generate(args.out, args.companies, args.documents_for, args.seed)
    seconds = time.monotonic() - started
    companies, scope, piece, output = (
        figures["companies"],
        figures["in_scope_filings"],
        figures["slice"],
        figures["output"],
    )
    print(
        f"{args.out}: {companies['total']:,} companies ({companies['listed']['total']:,} listed, "
        f"{companies['unlisted']['total']:,} unlisted, {companies['etf_trusts']['total']:,} ETF trusts)\n"
        f"targeted {figures['targeted_companies']['total']:,}; in-scope filings {scope['total']:,} "
        f"({scope['only_in_pages']:,} only in pages); discovery requests "
        f"{figures['expected_discovery_requests']:,}\n"
        f"slice: {piece['companies']:,} companies, {piece['in_scope_filings']:,} filings "
        f"{piece['by_template']}, {piece['expected_download_requests']:,} download requests\n"
        f"{output['files_written']:,} files, {output['bytes_written'] / 1e6:,.1f} MB written, "
        f"{output['hard_links']:,} hard links, {seconds:.1f} s"
    )
    if output["copies"]:
        print(f"note: {output['copies']:,} files were copied: hard links failed", file=sys.stderr)


if __name__ == "__main__":
    main()
