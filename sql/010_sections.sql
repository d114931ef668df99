-- Each stored 10-K and 10-Q's Items as text (sec/sections): one row per Item of the form, found
-- (its heading and text), combined (printed under another Item's heading) or absent, with why.
-- A filing's sections are replaced as a whole when it is split again. `search` is the text's
-- English tsvector (the heading and the first 500,000 characters: a tsvector is at most 1 MB)
-- for `scrapy search`, with a GIN index.
CREATE TABLE sections (
    filing_id     bigint NOT NULL REFERENCES filings (id) ON DELETE CASCADE,
    item          text NOT NULL,
    status        text NOT NULL CHECK (status IN ('found', 'combined', 'absent')),
    heading       text NOT NULL DEFAULT '',
    body          text NOT NULL DEFAULT '',
    start_offset  integer NOT NULL DEFAULT 0,
    end_offset    integer NOT NULL DEFAULT 0,
    words         integer NOT NULL DEFAULT 0,
    document      text NOT NULL,
    method        text NOT NULL DEFAULT '',
    reason        text NOT NULL DEFAULT '',
    search        tsvector GENERATED ALWAYS AS
                  (to_tsvector('english', heading || ' ' || left(body, 500000))) STORED,
    PRIMARY KEY (filing_id, item)
);
CREATE INDEX sections_search_idx ON sections USING gin (search);

-- Whether and how a filing was split: when, how many Items found, or why not.
ALTER TABLE filings ADD COLUMN sections_read_at timestamptz;
ALTER TABLE filings ADD COLUMN sections_found integer;
ALTER TABLE filings ADD COLUMN sections_error text;
