"""A mirror universe for companies listed in the past: the sample, plus constructed filers that
today's lists do not target, and EDGAR's quarterly full index naming them all.

    python -m edgar_mirror.past_universe DIR [--past N] [--otc N] [--seed N]

Each constructed filer has a submissions JSON and, for each in-scope filing (a 10-K and 10-Qs
in the window, beside an 8-K), a folder whose primary document has a cover page tagged as
EDGAR's are (`dei:TradingSymbol`, `dei:SecurityExchangeName`), and a `-xbrl.zip`:

- **past**: listed on NASDAQ or NYSE when it filed, in no list today (acquired, liquidated);
  one in five has no zip (its document is read on its own);
- **moved**: listed on NYSE American then, on OTC today (SEC's ticker file says OTC);
- **otc_listed**: OTC today and then (SEC's ticker file says OTC), a cover with a symbol only;
- **otc_unlisted**: in no list at all, and a cover without a table of securities;
- **fund**: an ETF today (NASDAQ Trader's flag) whose cover names NYSE Arca: stays out.

Deterministic for a seed. `build` returns what it wrote, for tests and the benchmark to check
the crawl against.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "edgar"
WINDOW_START, WINDOW_END = date(2023, 1, 1), date(2025, 12, 31)
FIRST_CIK = 9_990_001  # above EDGAR's CIKs today (~2.1M) and below the sample's 9999001
AGENT = 9_990_000  # the filing agent whose number starts every accession number
# NASDAQ Trader's ETF of the sample that the constructed fund trades as today.
FUND_SYMBOL = "AADR"

# How each kind's cover names its exchange (None: the cover has no exchange), and SEC's exchange
# column today (None: not in SEC's ticker files).
EXCHANGE_TEXTS = {
    "past": ("The Nasdaq Stock Market LLC", "New York Stock Exchange", "NASDAQ", "NYSE"),
    "moved": ("NYSE American LLC",),
    "otc_listed": (None,),
    "otc_unlisted": (None,),
    "fund": ("NYSE Arca, Inc.",),
}
SEC_COLUMN = {"moved": "OTC", "otc_listed": "OTC", "fund": "Nasdaq"}
EXPECTED_EXCHANGE = {
    "The Nasdaq Stock Market LLC": "NASDAQ",
    "NASDAQ": "NASDAQ",
    "New York Stock Exchange": "NYSE",
    "NYSE": "NYSE",
    "NYSE American LLC": "NYSE American",
}


@dataclass
class Filer:
    cik: int
    kind: str
    name: str
    symbol: str
    exchange_text: str | None
    has_zip: bool
    filings: list[tuple[str, str, date]] = field(default_factory=list)  # accession, form, filed

    @property
    def listed_on(self) -> str | None:
        """The exchange the crawl should find, or None."""
        return EXPECTED_EXCHANGE.get(self.exchange_text or "")

    @property
    def in_scope(self) -> list[str]:
        return [a for a, form, _ in self.filings if form in ("10-K", "10-Q")]


@dataclass
class Universe:
    root: Path
    filers: list[Filer]

    def of_kind(self, *kinds: str) -> list[Filer]:
        return [f for f in self.filers if f.kind in kinds]


def build(
    root: Path,
    *,
    past: int = 5,
    moved: int = 1,
    otc_listed: int = 2,
    otc_unlisted: int = 2,
    funds: int = 1,
    seed: int = 16,
    sample: Path = SAMPLE,
) -> Universe:
    """Write the universe under `root` (the sample copied, then the constructed filers)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    shutil.copytree(sample, root, dirs_exist_ok=True)
    kinds = (
        ["past"] * past
        + ["moved"] * moved
        + ["otc_listed"] * otc_listed
        + ["otc_unlisted"] * otc_unlisted
        + ["fund"] * funds
    )
    filers = []
    for number, kind in enumerate(kinds):
        cik = FIRST_CIK + number
        symbol = FUND_SYMBOL if kind == "fund" else _symbol(number)
        texts = EXCHANGE_TEXTS[kind]
        filer = Filer(
            cik,
            kind,
            f"{kind.replace('_', ' ').title()} Constructed {number} Corp",
            symbol,
            texts[number % len(texts)],
            has_zip=not (kind == "past" and number % 5 == 4),
        )
        _write_filer(root, filer, rng)
        filers.append(filer)
    _write_ticker_files(root, [f for f in filers if f.kind in SEC_COLUMN])
    _write_full_index(root, filers)
    return Universe(root, filers)


def _symbol(number: int) -> str:
    letters = "QXZJ"
    return "Z" + "".join(letters[(number // 4**i) % 4] for i in range(3))


def _write_filer(root: Path, filer: Filer, rng: random.Random) -> None:
    day = date(2023, 2, 20) + timedelta(days=rng.randint(0, 20))
    plan = [("10-K", day), ("8-K", day + timedelta(days=30))]
    plan += [("10-Q", day + timedelta(days=85 + 91 * i)) for i in range(3)]
    for sequence, (form, filed) in enumerate(plan, start=1):
        accession = (
            f"{AGENT:010d}-{filed.year % 100:02d}-{(filer.cik - FIRST_CIK) * 10 + sequence:06d}"
        )
        filer.filings.append((accession, form, filed))
    recent: dict[str, list[object]] = {
        key: []
        for key in (
            "accessionNumber",
            "filingDate",
            "reportDate",
            "acceptanceDateTime",
            "form",
            "primaryDocument",
            "primaryDocDescription",
            "isXBRL",
            "isInlineXBRL",
            "size",
        )
    }
    for accession, form, filed in reversed(filer.filings):
        document = f"{filer.symbol.lower()}-{filed:%Y%m%d}.htm"
        periodic = form in ("10-K", "10-Q")
        inline = periodic
        html = _document(filer, form, filed, cover=periodic)
        folder = root / f"www.sec.gov/Archives/edgar/data/{filer.cik}/{accession.replace('-', '')}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / document).write_bytes(html)
        if inline and filer.has_zip:
            (folder / f"{accession}-xbrl.zip").write_bytes(_zip({document: html}))
        for column, value in (
            ("accessionNumber", accession),
            ("filingDate", filed.isoformat()),
            ("reportDate", (filed - timedelta(days=40)).isoformat() if periodic else ""),
            ("acceptanceDateTime", f"{filed.isoformat()}T16:05:00.000Z"),
            ("form", form),
            ("primaryDocument", document),
            ("primaryDocDescription", form),
            ("isXBRL", int(inline)),
            ("isInlineXBRL", int(inline)),
            ("size", len(html)),
        ):
            recent[column].append(value)
    submissions = {
        "cik": f"{filer.cik:010d}",
        "entityType": "operating",
        "sic": "6770",
        "sicDescription": "Blank Checks",
        "name": filer.name,
        # A company delisted has no tickers at SEC; one on OTC today has its OTC symbol.
        "tickers": [filer.symbol] if filer.kind in SEC_COLUMN else [],
        "exchanges": [SEC_COLUMN[filer.kind]] if filer.kind in SEC_COLUMN else [],
        "fiscalYearEnd": "1231",
        "stateOfIncorporation": "DE",
        "formerNames": [],
        "filings": {"recent": recent, "files": []},
    }
    path = root / f"data.sec.gov/submissions/CIK{filer.cik:010d}.json"
    path.write_text(json.dumps(submissions))


def _document(filer: Filer, form: str, filed: date, *, cover: bool) -> bytes:
    """A primary document; a report's cover tags its securities as EDGAR's covers do."""
    rows = ""
    if cover and filer.kind != "otc_unlisted":
        exchange = (
            f'<td><ix:nonNumeric name="dei:SecurityExchangeName" contextRef="c-1" '
            f'format="ixt-sec:exchnameen">{filer.exchange_text}</ix:nonNumeric></td>'
            if filer.exchange_text
            else "<td>None</td>"
        )
        rows = (
            "<table><tr><th>Title of each class</th><th>Trading Symbol</th>"
            "<th>Name of each exchange on which registered</th></tr><tr>"
            '<td><ix:nonNumeric name="dei:Security12bTitle" contextRef="c-1">Common Stock'
            "</ix:nonNumeric></td>"
            f'<td><ix:nonNumeric name="dei:TradingSymbol" contextRef="c-1">{filer.symbol}'
            f"</ix:nonNumeric></td>{exchange}</tr></table>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" '
        'xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
        'xmlns:dei="http://xbrl.sec.gov/dei/2023">'
        f"<head><title>{filer.name} {form}</title></head><body>"
        f"<h1>{filer.name}</h1><p>Form {form}, filed {filed.isoformat()}.</p>{rows}"
        "<p>Constructed for the past listings tests.</p></body></html>"
    ).encode()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _write_ticker_files(root: Path, filers: Sequence[Filer]) -> None:
    """SEC's ticker files of the sample, with the filers that SEC names today added."""
    files = root / "www.sec.gov/files"
    tickers = json.loads((files / "company_tickers.json").read_text())
    for filer in filers:
        tickers[str(len(tickers))] = {
            "cik_str": filer.cik,
            "ticker": filer.symbol,
            "title": filer.name,
        }
    (files / "company_tickers.json").write_text(json.dumps(tickers))
    exchange = json.loads((files / "company_tickers_exchange.json").read_text())
    for filer in filers:
        exchange["data"].append([filer.cik, filer.name, filer.symbol, SEC_COLUMN[filer.kind]])
    (files / "company_tickers_exchange.json").write_text(json.dumps(exchange))


def _write_full_index(root: Path, filers: Sequence[Filer]) -> None:
    """`full-index/{year}/QTR{n}/xbrl.idx` for every quarter of the window: the constructed
    filers' filings, and in-scope filings of companies targeted today (Apple, Microsoft)."""
    entries = [
        (filer.cik, filer.name.upper(), form, filed, accession)
        for filer in filers
        for accession, form, filed in filer.filings
        if form in ("10-K", "10-Q")
    ]
    entries += [
        (320193, "Apple Inc.", "10-Q", date(2025, 5, 2), "0000320193-25-000057"),
        (789019, "MICROSOFT CORP", "10-K", date(2024, 7, 30), "0000950170-24-087843"),
        (1000184, "SAP SE", "20-F", date(2023, 3, 2), "0001104659-23-027626"),
    ]
    first = WINDOW_START.year * 4
    for quarter in range(first, WINDOW_END.year * 4 + 4):
        year, number = divmod(quarter, 4)
        lines = [
            "Description:           XBRL Index of EDGAR Dissemination Feed",
            f"Last Data Received:    {year}-{3 * number + 3:02d}",
            "Comments:              webmaster@sec.gov",
            "Anonymous FTP:         ftp://ftp.sec.gov/edgar/",
            " ",
            " ",
            " ",
            " ",
            "CIK|Company Name|Form Type|Date Filed|Filename",
            "-" * 80,
        ]
        for cik, name, form, filed, accession in sorted(entries):
            if (filed.year, (filed.month - 1) // 3) == (year, number):
                lines.append(f"{cik}|{name}|{form}|{filed}|edgar/data/{cik}/{accession}.txt")
        folder = root / f"www.sec.gov/Archives/edgar/full-index/{year}/QTR{number + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "xbrl.idx").write_text("\n".join(lines) + "\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--past", type=int, default=5)
    parser.add_argument("--otc", type=int, default=2)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    universe = build(
        args.root, past=args.past, otc_listed=args.otc, otc_unlisted=args.otc, seed=args.seed
    )
    print(f"{len(universe.filers)} constructed filers under {args.root}")


if __name__ == "__main__":
    main()
