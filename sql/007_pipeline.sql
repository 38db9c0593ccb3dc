-- 007_pipeline: stages `curate run` has finished in this store, so that a re-run skips them.

-- One row per stage. A stage is skipped when its fingerprint (its command line, the pipeline section
-- it reads and, for ingest, the input files' fingerprints) is unchanged and the store still holds the
-- number of documents it finished with.
CREATE TABLE pipeline_stages (
    stage       TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL,
    documents   INTEGER NOT NULL,
    finished_at TEXT    NOT NULL
) WITHOUT ROWID;
