-- 004_overlap: each document's best BLEU or ROUGE-L against a set of exemplar documents.

-- One row per exemplar set used; the id is derived from the exemplar files' fingerprints.
CREATE TABLE overlap_references (
    id         INTEGER PRIMARY KEY,
    paths      TEXT    NOT NULL,       -- the exemplar files, space-separated
    exemplars  INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);

-- metric: 'rouge' (ROUGE-L F1, 0…1) or 'bleu' (sentence BLEU, 0…100), best over the exemplars an n-gram
-- index proposes; exemplar: the position of the best one in the set (0-based), -1 when none shares n-grams.
CREATE TABLE overlap_scores (
    metric       TEXT    NOT NULL,
    reference_id INTEGER NOT NULL,
    seq          INTEGER NOT NULL,     -- documents.seq
    document_id  INTEGER NOT NULL,
    score        REAL    NOT NULL,
    exemplar     INTEGER NOT NULL,
    PRIMARY KEY (metric, reference_id, seq)
) WITHOUT ROWID;
