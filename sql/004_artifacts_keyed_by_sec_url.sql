-- Artifacts are keyed by their URL on SEC itself, not by the URL they were fetched from.
--
-- The base URL was part of the key: a second run through a mirror on another port, or a move
-- from a mirror to SEC, queued every file again beside the stored one, and the old rows failed
-- for ever ("not an SEC or NASDAQ Trader URL"). Each row now holds the file's URL on SEC
-- (https://www.sec.gov/Archives/edgar/data/...), whatever base it was fetched through; the
-- crawler builds the URL it fetches from the configured base when it sends the request.
--
-- Every artifact is a file of a filing folder, so its SEC URL is its path from
-- /Archives/edgar/data/ on. Rows that now share a key are merged: the stored one is kept (the
-- most recently stored, if several), else the one known first.

ALTER TABLE artifacts RENAME COLUMN source_url TO sec_url;
ALTER TABLE artifacts RENAME CONSTRAINT artifacts_source_url_key TO artifacts_sec_url_key;

CREATE TEMPORARY TABLE artifact_keys ON COMMIT DROP AS
SELECT id,
       key,
       row_number() OVER (
           PARTITION BY key
           ORDER BY status = 'downloaded' DESC, downloaded_at DESC NULLS LAST, id
       ) AS rank
FROM (
    SELECT id,
           status,
           downloaded_at,
           regexp_replace(sec_url, '^.*?/Archives/edgar/data/', 'https://www.sec.gov/Archives/edgar/data/') AS key
    FROM artifacts
) AS keyed;

DELETE FROM artifacts
USING artifact_keys
WHERE artifacts.id = artifact_keys.id AND artifact_keys.rank > 1;

UPDATE artifacts
SET sec_url = artifact_keys.key, updated_at = now()
FROM artifact_keys
WHERE artifacts.id = artifact_keys.id AND artifacts.sec_url <> artifact_keys.key;

-- New rows are checked; NOT VALID spares an old row that is somehow not a filing's file from
-- failing the upgrade (it would be worth a look, not a lost database).
ALTER TABLE artifacts
    ADD CONSTRAINT artifacts_sec_url_check
    CHECK (starts_with(sec_url, 'https://www.sec.gov/Archives/edgar/data/')) NOT VALID;
