-- 001_foundation: inputs, documents, rejected records and runs.
-- Migrations are applied in order when a store is opened and recorded in schema_migrations.
-- A shipped migration is never edited; later issues add their tables in 002_…, 003_….

-- One row per input file that was opened. The id is derived from the file's key (its path relative
-- to the root it was found under) and its content fingerprint, so that stores built from different
-- partitions of the input can be merged without renumbering.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL,            -- root-relative name, part of every document id
    path         TEXT    NOT NULL,            -- absolute path when it was read
    format       TEXT    NOT NULL,            -- jsonl | txt | wet
    compression  TEXT    NOT NULL,            -- none | gzip | zstd
    size         INTEGER NOT NULL,            -- bytes on disk
    mtime        INTEGER NOT NULL,            -- modification time, seconds since the epoch
    fingerprint  BLOB    NOT NULL,            -- XXH3-128 of size, first and last 64 KiB
    status       TEXT    NOT NULL CHECK (status IN ('reading', 'done', 'partial')),
    records_read INTEGER NOT NULL DEFAULT 0,  -- last record (line) number committed: the resume point
    documents    INTEGER NOT NULL DEFAULT 0,  -- documents stored from this source (duplicates included)
    duplicates   INTEGER NOT NULL DEFAULT 0,  -- of which exact duplicates of an earlier document
    rejects      INTEGER NOT NULL DEFAULT 0,
    bytes_read   INTEGER NOT NULL DEFAULT 0,  -- uncompressed input bytes consumed
    text_bytes   INTEGER NOT NULL DEFAULT 0,  -- UTF-8 bytes of the stored texts
    stored_bytes INTEGER NOT NULL DEFAULT 0,  -- bytes of the text column (after compression)
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    run_id       INTEGER                      -- the run that started reading it
);
CREATE INDEX sources_path ON sources(path);

-- One row per document. `id` is derived from the source key, the record's position and the content
-- hash (never from a counter), so ids are stable across runs, partitions and merges; other tables refer
-- to documents by `id`. `seq` is this store's insertion order only: it keeps the table append-only
-- (hashed ids as the B-tree key would scatter every insert) and is not comparable across stores.
CREATE TABLE documents (
    seq          INTEGER PRIMARY KEY,
    id           INTEGER NOT NULL UNIQUE,
    source_id    INTEGER NOT NULL,
    position     INTEGER NOT NULL,            -- 1-based line (jsonl), record (wet) or 1 (txt)
    external_id  TEXT,                        -- the record's own id field, if any
    byte_length  INTEGER NOT NULL,            -- UTF-8 bytes of the text
    content_hash BLOB    NOT NULL,            -- XXH3-128 of the UTF-8 text (16 bytes, big-endian)
    duplicate_of INTEGER,                     -- id of the first document with the same content_hash
    codec        INTEGER NOT NULL DEFAULT 0,  -- 0 plain UTF-8, 1 zstd
    metadata     TEXT,                        -- JSON object: the record's other fields
    text         BLOB    NOT NULL             -- UTF-8, or one zstd frame when codec = 1 (last: scans of
                                              -- the other columns need not step over it)
);
CREATE UNIQUE INDEX documents_source_position ON documents(source_id, position);
CREATE INDEX documents_content_hash ON documents(content_hash);

-- Records and inputs that could not be ingested, with the reason. Re-running over the same bad
-- input does not add rows: (path, record, reason) identifies a reject.
CREATE TABLE rejects (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER,
    source_id   INTEGER,                      -- NULL when the path itself could not be opened
    path        TEXT    NOT NULL,
    record      INTEGER NOT NULL,             -- line or record number; 0 for the file as a whole
    reason      TEXT    NOT NULL,             -- a reason code, e.g. invalid_utf8, malformed_json
    message     TEXT    NOT NULL,
    raw         BLOB,                         -- the first 1 KiB of the raw record
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX rejects_identity ON rejects(path, record, reason);
CREATE INDEX rejects_reason ON rejects(reason);

-- One row per command that wrote to the store. A run whose status is still 'running' was interrupted.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    command     TEXT    NOT NULL,             -- the subcommand, e.g. ingest
    arguments   TEXT    NOT NULL,             -- the full command line as a JSON array
    version     TEXT    NOT NULL,             -- curate's version
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    status      TEXT    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    counts      TEXT                          -- JSON object of the run's counts
);
