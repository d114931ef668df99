"""One spelling of a ticker symbol, so SEC's and NASDAQ Trader's symbols can be matched."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-./ ]+")


def normalize_symbol(symbol: str) -> str:
    """The canonical form of `symbol`, for matching only (stored symbols keep their spelling).

    Share classes and preferred series are written differently by each source; the canonical
    form uppercases, strips, writes every separator (`-`, `.`, ` `, `/`, repeats collapsed) as
    `.`, and writes the ACT symbol's preferred marker `$` as `.P` (SEC's `-P`):

    ==================  =====================================  ==========
    written             by                                     canonical
    ==================  =====================================  ==========
    ``BRK-B``           SEC ticker files                       ``BRK.B``
    ``BRK.B``           NASDAQ Trader ACT symbol               ``BRK.B``
    ``BRK B``           NASDAQ Trader (space form)             ``BRK.B``
    ``BRK/B``           NASDAQ Trader (slash form)             ``BRK.B``
    ``BFS-PD``          SEC, preferred series D                ``BFS.PD``
    ``HWM-P``           SEC, preferred without a series        ``HWM.P``
    ``BFS$D``           otherlisted ACT symbol, preferred D    ``BFS.PD``
    ``HWM$``            otherlisted ACT symbol, no series      ``HWM.P``
    ``brk-b``           any source, lower case                 ``BRK.B``
    ==================  =====================================  ==========

    Not handled, so they do not meet: the `NASDAQ Symbol` column's preferred form (`BFS-D` is
    `BFS.D`, indistinguishable from a class D share), CQS's lower-case suffixes (`BFSpD`), and
    units, warrants and rights (SEC `-UN`, `-WT`, `-RI`; ACT `.U`, `.W`, `.R`).
    """
    canonical = _SEPARATORS.sub(".", symbol.strip().upper().replace("$", ".P"))
    return canonical.strip(".")
