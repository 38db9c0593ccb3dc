-- 006_export: the ranking an export works from, rebuilt by each `curate export`: every document that
-- may be exported (not a duplicate, not dropped by the filters, scored), its quality score and the key
-- export sorts by. Reading it through the index streams documents best first without a sort.
CREATE TABLE export_ranking (
    seq         INTEGER PRIMARY KEY,   -- documents.seq
    document_id INTEGER NOT NULL,
    score       REAL    NOT NULL,      -- the score as defined (e.g. perplexity; a weighted sum of z-scores)
    sort_key    REAL    NOT NULL,      -- ascending = best first (perplexity; minus a higher-is-better score;
                                       -- minus the sampled key with --sample-temperature)
    shuffle     INTEGER,               -- a seeded hash of the document id, set for --order random
    language    TEXT,                  -- copied for the shards' metadata, so that export reads each
    perplexity  REAL                   -- document with one lookup
);
CREATE INDEX export_ranking_order ON export_ranking(sort_key, document_id);
