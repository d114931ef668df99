-- Each stored filing's XBRL facts, read from SEC's extracted instance (*_htm.xml) where it is
-- stored, else from the inline XBRL primary document (sec/xbrl.py). A filing's facts are
-- replaced as a whole when it is read again; duplicates (same concept, context, unit and value)
-- are stored once.
CREATE TABLE facts (
    id              bigserial PRIMARY KEY,
    filing_id       bigint NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    concept_prefix  text NOT NULL,
    concept_name    text NOT NULL,
    namespace       text NOT NULL,
    value_text      text NOT NULL,
    value_numeric   numeric,
    is_numeric      boolean NOT NULL,
    is_nil          boolean NOT NULL,
    is_truncated    boolean NOT NULL DEFAULT false,
    unit            text,
    period_instant  date,
    period_start    date,
    period_end      date,
    -- [[axis, member], ...] as written, sorted by axis.
    dimensions      jsonb NOT NULL DEFAULT '[]',
    decimals        integer,
    context_id      text NOT NULL
);
CREATE INDEX facts_filing_idx ON facts (filing_id);
CREATE INDEX facts_concept_idx ON facts (concept_name, concept_prefix);

-- Whether and how a filing's facts were read: from which file, how many, or why not.
ALTER TABLE filings ADD COLUMN facts_read_at timestamptz;
ALTER TABLE filings ADD COLUMN facts_source text;
ALTER TABLE filings ADD COLUMN facts_count integer;
ALTER TABLE filings ADD COLUMN facts_error text;
