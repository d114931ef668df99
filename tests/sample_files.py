"""Reading the bundled real SEC files: plain, or kept gzip-compressed (`name.gz`) to keep the repo small.

The large documents of `tests/fixtures/edgar/` (inline XBRL 10-Ks of several MB) are stored as
`<url path>.gz`, compressed with `gzip -9 -n`; the mirror serves them as the plain file, and
tests read them through `sample_bytes`, which gives the original bytes either way.
"""

from __future__ import annotations

import gzip
from pathlib import Path

EDGAR_SAMPLE = Path(__file__).parent / "fixtures" / "edgar"


def sample_path(relative: str) -> Path:
    """The stored file for `relative` (`www.sec.gov/Archives/...`): itself, or its `.gz`."""
    plain = EDGAR_SAMPLE / relative
    if plain.is_file():
        return plain
    compressed = plain.with_name(plain.name + ".gz")
    if compressed.is_file():
        return compressed
    raise FileNotFoundError(f"not in the bundled sample: {relative}")


def sample_bytes(relative: str) -> bytes:
    """The original bytes of a bundled SEC file, decompressed if it is kept as `.gz`."""
    path = sample_path(relative)
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data
