"""Queries of the exports: the scope of --exchange and --since, the Parquet export's tables
(export.py), and for the FSDS export (fsds_export.py, fsds_rows.py) the filings with what their
`sub` row needs, their numeric facts, the concepts they use and their stored linkbases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

# The Parquet export's queries (filings_crawler/export.py), each partition's rows in order.
# The partitions: each (filing year, form) of the filings in scope.
PARQUET_PARTITIONS = """
SELECT DISTINCT extract(year FROM f.filing_date)::int AS year, f.form
FROM filings f
JOIN companies c ON c.cik = f.cik
WHERE {where}
ORDER BY year, f.form
"""
PARQUET_IN_YEAR = (
    "f.filing_date >= make_date(:year, 1, 1) AND f.filing_date < make_date(:year + 1, 1, 1)"
)
PARQUET_FILINGS = """
SELECT f.accession_number AS adsh, f.cik, c.name, f.form,
       f.report_date AS period,
       fy.value_text AS fy, fp.value_text AS fp,
       to_char(f.filing_date, 'YYYYMMDD')::int AS filed,
       f.acceptance_datetime AS accepted,
       coalesce(f.exchanges_declared[1], c.exchange) AS exchange,
       coalesce(f.symbols_declared[1], c.primary_ticker) AS ticker,
       f.filing_date, f.report_date, f.primary_document, f.is_inline_xbrl,
       f.exchanges_declared, f.symbols_declared, f.facts_count, f.facts_error,
       c.exchange AS company_exchange, c.listed_in_past
FROM filings f
JOIN companies c ON c.cik = f.cik
LEFT JOIN LATERAL (
    SELECT value_text FROM facts x WHERE x.filing_id = f.id
      AND x.concept_name = 'DocumentFiscalYearFocus' AND x.dimensions = '[]' LIMIT 1) fy ON true
LEFT JOIN LATERAL (
    SELECT value_text FROM facts x WHERE x.filing_id = f.id
      AND x.concept_name = 'DocumentFiscalPeriodFocus' AND x.dimensions = '[]' LIMIT 1) fp ON true
WHERE {where}
ORDER BY f.filing_date, f.accession_number
"""
PARQUET_FACTS = """
SELECT f.accession_number AS adsh, f.cik, f.form, f.filing_date,
       x.concept_prefix, x.concept_name, x.namespace, x.value_text, x.value_numeric,
       x.is_numeric, x.is_nil, x.unit, x.period_instant, x.period_start, x.period_end,
       x.dimensions::text AS dimensions, x.decimals
FROM facts x
JOIN filings f ON f.id = x.filing_id
JOIN companies c ON c.cik = f.cik
WHERE {where}
ORDER BY f.filing_date, f.accession_number, x.id
"""
PARQUET_SECTIONS = """
SELECT f.accession_number AS adsh, f.cik, f.form, f.filing_date, s.item, s.status, s.heading,
       s.body AS text, s.words, s.start_offset, s.end_offset, s.document, s.method, s.reason
FROM sections s
JOIN filings f ON f.id = s.filing_id
JOIN companies c ON c.cik = f.cik
WHERE {where}
ORDER BY f.filing_date, f.accession_number, s.item
"""
PARQUET_COMPANIES = """
SELECT cik, name, tickers, primary_ticker, exchange, listed_in_past, sec_exchanges, entity_type,
       sic, sic_description, state_of_incorporation, fiscal_year_end
FROM companies c
WHERE c.cik IN (SELECT f.cik FROM filings f JOIN companies c ON c.cik = f.cik WHERE {where})
ORDER BY cik
"""
PARQUET_ARTIFACTS = """
SELECT f.accession_number AS adsh, f.filing_date, a.kind, a.sec_url, a.storage_path, a.sha256,
       a.bytes, a.status, a.attempts, a.last_error, a.downloaded_at
FROM artifacts a
JOIN filings f ON f.id = a.filing_id
JOIN companies c ON c.cik = f.cik
WHERE {where}
ORDER BY f.filing_date, f.accession_number, a.sec_url
"""

# The cover facts `sub` is made of, by local name (dei, any year).
COVER_CONCEPTS = (
    "DocumentFiscalYearFocus",
    "DocumentFiscalPeriodFocus",
    "EntityFilerCategory",
    "EntityWellKnownSeasonedIssuer",
    "CurrentFiscalYearEndDate",
)

_QUARTERS = """
SELECT DISTINCT date_trunc('quarter', f.filing_date)::date AS first
FROM filings f JOIN companies c ON c.cik = f.cik
WHERE {where} AND f.facts_count > 0
ORDER BY first
"""

# A filing is `prevrpt` when an amendment of the same report by the same company was filed after
# it and by the cutoff (SEC: "subsequently amended prior to the end cutoff date" of the data set;
# the FSDS export's cutoff is the quarter's end, the Parquet export's none).
_FILINGS = """
SELECT f.id AS filing_id, f.accession_number AS adsh, f.cik, c.name, c.sic, c.addresses,
       c.phone, c.ein, c.state_of_incorporation, c.former_names, c.fiscal_year_end, f.form,
       f.report_date, f.filing_date, f.acceptance_datetime, f.primary_document,
       coalesce(cover.facts, '{{}}') AS cover,
       EXISTS (
           SELECT 1 FROM filings a
           WHERE a.cik = f.cik AND a.id <> f.id
             AND a.form = regexp_replace(f.form, '/A$', '') || '/A'
             AND a.report_date IS NOT DISTINCT FROM f.report_date
             AND (a.filing_date, a.accession_number) > (f.filing_date, f.accession_number)
             AND a.filing_date <= :cutoff
       ) AS prevrpt
FROM filings f
JOIN companies c ON c.cik = f.cik
LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(concept_name, value_text) AS facts FROM (
        SELECT DISTINCT ON (x.concept_name) x.concept_name, x.value_text
        FROM facts x
        WHERE x.filing_id = f.id AND x.dimensions = '[]' AND x.concept_name = ANY(:cover)
          AND x.namespace LIKE 'http://xbrl.sec.gov/dei/%'
        ORDER BY x.concept_name, x.id) first_of_each
) cover ON true
WHERE {where} AND f.facts_count > 0
ORDER BY f.filing_date, f.accession_number
"""

# Numeric facts only: SEC's `num` holds numbers; the text facts are in the notes' data sets.
# The most precise first, so that of two facts on one FSDS key the kept one is the exact one.
_NUMBERS = """
SELECT x.concept_name, x.namespace, x.value_numeric, x.unit, x.period_instant,
       x.period_start, x.period_end, x.dimensions::text AS dimensions, x.decimals, x.footnote
FROM facts x
WHERE x.filing_id = :filing_id AND x.is_numeric AND NOT x.is_nil
ORDER BY x.decimals DESC NULLS FIRST, x.id
"""

_CONCEPTS = """
SELECT x.namespace, x.concept_name, bool_or(x.is_numeric) AS is_numeric, min(x.unit) AS unit,
       bool_or(x.period_instant IS NOT NULL) AS is_instant
FROM facts x
WHERE x.filing_id = :filing_id
GROUP BY x.namespace, x.concept_name
ORDER BY x.namespace, x.concept_name
"""

# The company's schema and its presentation and label linkbases, as stored.
_LINKBASES = """
SELECT a.sec_url, a.storage_path
FROM artifacts a
WHERE a.filing_id = :filing_id AND a.kind = 'xbrl' AND a.status = 'downloaded'
  AND (a.sec_url LIKE '%\\_pre.xml' OR a.sec_url LIKE '%\\_lab.xml' OR a.sec_url LIKE '%.xsd')
ORDER BY a.sec_url
"""


def scope(exchanges: Sequence[str] | None, since: date | None) -> tuple[str, dict[str, Any]]:
    """The WHERE condition (on `f` filings, `c` companies) of an export's --exchange and --since."""
    conditions: list[str] = ["true"]
    params: dict[str, Any] = {}
    if exchanges is not None:
        conditions.append("c.exchange = ANY(:exchanges)")
        params["exchanges"] = list(exchanges)
    if since is not None:
        conditions.append("f.filing_date >= :since")
        params["since"] = since
    return " AND ".join(conditions), params


def quarters(conn: Connection, where: str, params: dict[str, Any]) -> list[date]:
    """The first day of each quarter with filings (whose facts were read) in scope."""
    return list(conn.execute(text(_QUARTERS.format(where=where)), params).scalars())


def sub_filings(
    conn: Connection, where: str, params: dict[str, Any], *, cutoff: date = date.max
) -> list[dict[str, Any]]:
    """The filings in scope whose facts were read, with what their `sub` row is made of."""
    query = text(_FILINGS.format(where=where))
    bound = {**params, "cutoff": cutoff, "cover": list(COVER_CONCEPTS)}
    return [dict(row._mapping) for row in conn.execute(query, bound)]


def numbers(conn: Connection, filing_id: int) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(text(_NUMBERS), {"filing_id": filing_id})]


def concepts(conn: Connection, filing_id: int) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(text(_CONCEPTS), {"filing_id": filing_id})]


def linkbases(conn: Connection, filing_id: int) -> dict[str, str]:
    """SEC URL → storage path of the filing's stored schema, `_pre.xml` and `_lab.xml`."""
    rows = conn.execute(text(_LINKBASES), {"filing_id": filing_id}).all()
    return {sec_url: path for sec_url, path in rows if path}
