-- 010_quality: learned quality models (`curate quality train`) and each document's score under them.

-- One row per quality model a run scored with. The id is derived from the model file's content
-- fingerprint, so stores scored with the same model in different partitions agree on it.
CREATE TABLE quality_models (
    id          INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL,       -- the model file when it was used
    fingerprint BLOB    NOT NULL,       -- XXH3-128 of the file's size, first and last 64 KiB
    loss        TEXT    NOT NULL,       -- 'logistic' | 'squared' | 'bradley_terry'
    folds       INTEGER NOT NULL,       -- cross-fitting folds (1 = none)
    trained_on  TEXT,                   -- what it learned from, in words
    created_at  TEXT    NOT NULL,
    run_id      INTEGER
);

-- Per document (first copies only; exact duplicates share them) and model. `score` is the logit of
-- "good" (logistic), the predicted grade (squared) or the Bradley–Terry strength: higher is better.
-- `fold` is the cross-fitting fold whose model scored it (a model that did not train on it).
-- `percentile` is its percent rank among the documents of its language (0 worst, 1 best), set once the
-- run has scored every document.
CREATE TABLE quality_scores (
    model_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,   -- documents.seq
    document_id INTEGER NOT NULL,
    language    TEXT    NOT NULL,
    fold        INTEGER NOT NULL,
    score       REAL    NOT NULL,
    percentile  REAL,
    PRIMARY KEY (model_id, seq)
) WITHOUT ROWID;
CREATE INDEX quality_scores_language ON quality_scores(model_id, language, score);
