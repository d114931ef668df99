-- What the documents stage records: how each filing was fetched and at what cost, the source
-- checksum beside the stored one (they differ only for the HTML, whose image links are
-- rewritten), when a failed artifact may be tried again, and exhibits as a kind.

ALTER TABLE filings
    ADD COLUMN fetch_requests integer CHECK (fetch_requests >= 0),
    ADD COLUMN documents_fetched_at timestamptz;

ALTER TABLE artifacts
    ADD COLUMN source_sha256 char(64) CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
    ADD COLUMN next_attempt_at timestamptz,
    DROP CONSTRAINT artifacts_kind_check,
    ADD CONSTRAINT artifacts_kind_check CHECK (kind IN ('html', 'image', 'xbrl', 'exhibit'));

CREATE INDEX artifacts_retry_idx ON artifacts (next_attempt_at) WHERE status = 'failed';
