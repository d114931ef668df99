-- The dataset: the company universe, the listing reference, filings, their artifacts and the run audit.
-- Every natural key carries a unique constraint so each loader can upsert with ON CONFLICT.

CREATE TABLE companies (
    cik                     bigint PRIMARY KEY CHECK (cik > 0),
    name                    text NOT NULL,
    tickers                 text[] NOT NULL DEFAULT '{}',
    primary_ticker          text,
    -- Listing exchange after enrichment from listings_ref: NASDAQ, NYSE, NYSE American, NYSE Arca or UNKNOWN.
    exchange                text NOT NULL DEFAULT 'UNKNOWN',
    -- SEC's own exchange column(s), kept apart from the enriched value (fallback only).
    sec_exchanges           text[] NOT NULL DEFAULT '{}',
    entity_type             text,
    sic                     text,
    sic_description         text,
    state_of_incorporation  text,
    fiscal_year_end         text,
    former_names            jsonb NOT NULL DEFAULT '[]',
    submissions_fetched_at  timestamptz,
    last_error              text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX companies_exchange_idx ON companies (exchange);
CREATE INDEX companies_primary_ticker_idx ON companies (primary_ticker);

CREATE TABLE listings_ref (
    id                  bigserial PRIMARY KEY,
    symbol              text NOT NULL,
    security_name       text NOT NULL,
    listing_exchange    text NOT NULL,
    is_etf              boolean NOT NULL,
    is_test_issue       boolean NOT NULL,
    source_file         text NOT NULL,
    file_created_at     timestamptz NOT NULL,
    loaded_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_file, symbol)
);
CREATE INDEX listings_ref_symbol_idx ON listings_ref (symbol);

CREATE TABLE filings (
    id                      bigserial PRIMARY KEY,
    accession_number        text NOT NULL UNIQUE CHECK (accession_number ~ '^[0-9]{10}-[0-9]{2}-[0-9]{6}$'),
    cik                     bigint NOT NULL REFERENCES companies (cik),
    form                    text NOT NULL,
    filing_date             date NOT NULL,
    report_date             date,
    acceptance_datetime     timestamptz,
    primary_document        text NOT NULL,
    primary_doc_description text,
    is_xbrl                 boolean NOT NULL DEFAULT false,
    is_inline_xbrl          boolean NOT NULL DEFAULT false,
    size_bytes              bigint,
    -- How the documents were fetched: 'xbrl_zip' or 'per_file' (NULL until fetched).
    fetch_path              text CHECK (fetch_path IN ('xbrl_zip', 'per_file')),
    last_error              text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX filings_cik_idx ON filings (cik);
CREATE INDEX filings_filing_date_idx ON filings (filing_date);

CREATE TABLE artifacts (
    id              bigserial PRIMARY KEY,
    filing_id       bigint NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('html', 'image', 'xbrl')),
    source_url      text NOT NULL UNIQUE,
    storage_path    text,
    sha256          char(64) CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    bytes           bigint CHECK (bytes >= 0),
    status          text NOT NULL DEFAULT 'pending_download'
                    CHECK (status IN ('pending_download', 'downloaded', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    downloaded_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- A downloaded artifact always says where it is and what its bytes are.
    CHECK (status <> 'downloaded' OR (storage_path IS NOT NULL AND sha256 IS NOT NULL AND bytes IS NOT NULL))
);
CREATE INDEX artifacts_filing_id_idx ON artifacts (filing_id);
CREATE INDEX artifacts_status_idx ON artifacts (status) WHERE status <> 'downloaded';

CREATE TABLE execution_runs (
    id              bigserial PRIMARY KEY,
    run_type        text NOT NULL,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    duration_seconds double precision,
    hostname        text,
    pid             integer,
    -- The crawl's arguments, its close reason and its Scrapy stats.
    metadata        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX execution_runs_started_at_idx ON execution_runs (started_at DESC);
CREATE INDEX execution_runs_running_idx ON execution_runs (run_type) WHERE status = 'running';
