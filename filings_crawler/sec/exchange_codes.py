"""Every name and code an exchange goes by, in one table that the rest of `sec/` reads.

The sources name exchanges four ways: the project's own name (`companies.exchange`, the storage
folders: `NYSE American`), NASDAQ Trader's symbol directory (`otherlisted.txt`'s Exchange column:
`A`), SEC's company tickers file (its exchange column: `NYSE`, `Nasdaq`, `OTC`, ...) and EDGAR's
codes on cover pages (`dei:SecurityExchangeName`: `NYSEAMER`, or the name SEC's `exchnameen`
transformation reads: "NYSE American LLC"). `TARGETS` holds each target exchange's four;
`EXCHNAMEEN` every EDGAR code with its English name, `OTHER_NAMES` and `LATER_EXCHANGES` the
names covers also use; `OTHER_TRADER_CODES` the other exchanges of the symbol directory.
sec/exchanges.py, sec/listings.py, sec/covers.py and sec/xbrl_transforms.py read them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetExchange:
    name: str  # the project's name
    edgar_code: str  # EDGAR's code (dei:SecurityExchangeName)
    trader_code: str | None  # otherlisted.txt's Exchange code; None: nasdaqlisted.txt's rows
    sec_tickers_name: str | None  # SEC's tickers file's exchange column; None: it never says


TARGETS = (
    TargetExchange("NASDAQ", "NASDAQ", None, "Nasdaq"),
    TargetExchange("NYSE", "NYSE", "N", "NYSE"),
    TargetExchange("NYSE American", "NYSEAMER", "A", None),
    TargetExchange("NYSE Arca", "NYSEArca", "P", None),
)

# The symbol directory's other exchanges, as NASDAQ Trader's definitions give them.
OTHER_TRADER_CODES: Mapping[str, str] = {
    "Z": "Cboe BZX",
    "V": "IEX",
    # The former NYSE Chicago, renamed NYSE Texas in 2025; the code stayed "M" (the real file's
    # MTEST row reads "NYSE Texas, Inc. TEST Common Stock").
    "M": "NYSE Texas",
}

# SEC's ixt-sec:exchnameen transformation: each EDGAR exchange code and the exchange's English name
# as the registry lists it (ixt-sec-exchnameen.xml and its test cases, revision 2019-03-26, the
# same in Arelle's EDGAR plugin of 2026). The registry's pattern takes each name with or without a
# leading "The" and its trailing "LLC" or "Inc.", in any case of the first letters.
EXCHNAMEEN: Mapping[str, str] = {
    "BOX": "BOX Exchange LLC",
    "CboeBYX": "Cboe BYX Exchange, Inc.",
    "CboeBZX": "Cboe BZX Exchange, Inc.",
    "C2": "Cboe C2 Exchange, Inc.",
    "CboeEDGA": "Cboe EDGA Exchange, Inc.",
    "CboeEDGX": "Cboe EDGX Exchange, Inc.",
    "CBOE": "Cboe Exchange, Inc.",
    "CHX": "Chicago Stock Exchange, Inc.",
    "IEX": "Investors Exchange LLC",
    "MIAX": "Miami International Securities Exchange LLC",
    "PEARL": "MIAX PEARL, LLC",
    "BX": "Nasdaq BX, Inc.",
    "GEMX": "Nasdaq GEMX, LLC",
    "ISE": "Nasdaq ISE, LLC",
    "MRX": "Nasdaq MRX, LLC",
    "Phlx": "Nasdaq PHLX LLC",
    "NYSE": "New York Stock Exchange LLC",
    "NYSEAMER": "NYSE American LLC",
    "NYSEArca": "NYSE Arca, Inc.",
    "NYSENAT": "NYSE National, Inc.",
    "NASDAQ": "The Nasdaq Stock Market LLC",
}
# Names the registry's pattern also takes: two of Nasdaq's market tiers, and the two short names.
EXCHNAMEEN_ALSO: Mapping[str, str] = {
    "Nasdaq Global Select Market": "NASDAQ",
    "Nasdaq Global Market": "NASDAQ",
    "Nasdaq": "NASDAQ",
    "NYSE": "NYSE",
}

# Other names covers give a code (sec/covers.py reads them leniently). The registry's pattern
# also takes two Nasdaq market tiers for NASDAQ; covers name the third tier too, which it lacks.
OTHER_NAMES: Mapping[str, str] = {
    "Nasdaq Global Select Market": "NASDAQ",
    "Nasdaq Global Market": "NASDAQ",
    "Nasdaq Capital Market": "NASDAQ",
}

# Exchanges registered after the registry's table was written (2019), which it has no name for.
# Not from the registry, and not checked against EDGAR's list of codes: the codes are the names
# these exchanges go by, kept so that such a cover reads as another exchange, not unknown text.
LATER_EXCHANGES: Mapping[str, str] = {
    "LTSE": "Long-Term Stock Exchange, Inc.",
    "MEMX": "MEMX LLC",
}

TARGET_EXCHANGES = tuple(target.name for target in TARGETS)
# SEC's tickers file names only two of the targets; every other value of its column is unknown.
SEC_TICKERS_NAMES: Mapping[str, str] = {
    target.sec_tickers_name: target.name for target in TARGETS if target.sec_tickers_name
}
TRADER_CODES: Mapping[str, str] = {
    **{target.trader_code: target.name for target in TARGETS if target.trader_code},
    **OTHER_TRADER_CODES,
}
NAME_BY_EDGAR_CODE: Mapping[str, str] = {target.edgar_code: target.name for target in TARGETS}
