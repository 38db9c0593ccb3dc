-- 006_export: the ranking an export works from, rebuilt by each `curate export`: every document that
-- may be exported (not a duplicate, not dropped by the filters, scored), its quality score and the key
-- export sorts by. Reading it through the index streams documents best first without a sort.
CREATE TABLE export_ranking (
    seq         INTEGER PRIMARY KEY,   -- documents.seq
    document_id INTEGER NOT NULL,
    score       REAL    NOT NULL,      -- the score as defined (e.g. perplexity; a weighted sum of z-scores)
    sort_key    REAL    NOT NULL,      -- ascending = best first (perplexity; minus a higher-is-better score;
                                       -- minus the sampled key with --sample-temperature)
    shuffle     INTEGER NOT NULL       -- a seeded hash of the document id, for --order random
);
CREATE INDEX export_ranking_order ON export_ranking(sort_key, document_id);
CREATE INDEX export_ranking_shuffle ON export_ranking(shuffle, document_id);
