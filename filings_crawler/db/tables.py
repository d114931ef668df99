"""SQLAlchemy Core descriptions of the tables that `sql/` creates, for composing queries.

The SQL migrations are the truth; a test checks that every column named here exists there.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR

metadata = MetaData()

companies = Table(
    "companies",
    metadata,
    Column("cik", BigInteger, primary_key=True),
    Column("name", Text, nullable=False),
    Column("tickers", ARRAY(Text), nullable=False),
    Column("primary_ticker", Text),
    Column("exchange", Text, nullable=False),
    Column("sec_exchanges", ARRAY(Text), nullable=False),
    Column("entity_type", Text),
    Column("sic", Text),
    Column("sic_description", Text),
    Column("state_of_incorporation", Text),
    Column("fiscal_year_end", Text),
    Column("former_names", JSONB, nullable=False),
    Column("submissions_fetched_at", DateTime(timezone=True)),
    Column("submissions_checked_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("listed_in_past", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

past_listings = Table(
    "past_listings",
    metadata,
    Column("cik", BigInteger, primary_key=True),
    Column("name", Text, nullable=False),
    Column("exchange", Text),
    Column("symbol", Text),
    Column("accession_number", Text),
    Column("filing_date", Date),
    Column("exchanges_declared", ARRAY(Text), nullable=False),
    Column("checked_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

listings_ref = Table(
    "listings_ref",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("symbol", Text, nullable=False),
    Column("security_name", Text, nullable=False),
    Column("listing_exchange", Text, nullable=False),
    Column("is_etf", Boolean, nullable=False),
    Column("is_test_issue", Boolean, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("file_created_at", DateTime(timezone=True), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

filings = Table(
    "filings",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("accession_number", Text, nullable=False, unique=True),
    Column("cik", BigInteger, ForeignKey("companies.cik"), nullable=False),
    Column("form", Text, nullable=False),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date),
    Column("acceptance_datetime", DateTime(timezone=True)),
    Column("primary_document", Text, nullable=False),
    Column("primary_doc_description", Text),
    Column("is_xbrl", Boolean, nullable=False),
    Column("is_inline_xbrl", Boolean, nullable=False),
    Column("size_bytes", BigInteger),
    Column("fetch_path", Text),
    Column("fetch_requests", Integer),
    Column("documents_fetched_at", DateTime(timezone=True)),
    Column("exchanges_declared", ARRAY(Text)),
    Column("symbols_declared", ARRAY(Text)),
    Column("facts_read_at", DateTime(timezone=True)),
    Column("facts_source", Text),
    Column("facts_count", Integer),
    Column("facts_error", Text),
    Column("sections_read_at", DateTime(timezone=True)),
    Column("sections_found", Integer),
    Column("sections_error", Text),
    Column("lease_owner", Text),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("filing_id", BigInteger, ForeignKey("filings.id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("sec_url", Text, nullable=False, unique=True),
    Column("storage_path", Text),
    Column("sha256", Text),
    Column("source_sha256", Text),
    Column("bytes", BigInteger),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("downloaded_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

facts = Table(
    "facts",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("filing_id", BigInteger, ForeignKey("filings.id"), nullable=False),
    Column("concept_prefix", Text, nullable=False),
    Column("concept_name", Text, nullable=False),
    Column("namespace", Text, nullable=False),
    Column("value_text", Text, nullable=False),
    Column("value_numeric", Numeric),
    Column("is_numeric", Boolean, nullable=False),
    Column("is_nil", Boolean, nullable=False),
    Column("is_truncated", Boolean, nullable=False),
    Column("unit", Text),
    Column("period_instant", Date),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("dimensions", JSONB, nullable=False),
    Column("decimals", Integer),
    Column("context_id", Text, nullable=False),
)

sections = Table(
    "sections",
    metadata,
    Column("filing_id", BigInteger, ForeignKey("filings.id"), primary_key=True),
    Column("item", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("heading", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("start_offset", Integer, nullable=False),
    Column("end_offset", Integer, nullable=False),
    Column("words", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("search", TSVECTOR),
)

execution_runs = Table(
    "execution_runs",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("run_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("duration_seconds", Float),
    Column("hostname", Text),
    Column("pid", Integer),
    Column("metadata", JSONB, nullable=False),
)
