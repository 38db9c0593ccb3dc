-- 005_dedup: what deduplication keeps in the store. Signatures and band hashes are computed once per
-- document; candidate pairs come from a join on the band hashes; results are recomputed from the
-- confirmed pairs, so a run over new documents never recomputes old signatures.

-- Per document (first copies of ingest's exact duplicates only).
CREATE TABLE dedup_signatures (
    seq             INTEGER PRIMARY KEY,   -- documents.seq
    document_id     INTEGER NOT NULL,
    normalized_hash BLOB    NOT NULL,      -- XXH3-128 of the text NFKC-folded, lower-cased, white space collapsed
    shingles        INTEGER NOT NULL,      -- distinct shingles
    signature       BLOB                   -- MinHash: bands × rows UInt32 minima; NULL without shingles
);
CREATE INDEX dedup_signatures_normalized ON dedup_signatures(normalized_hash);

-- LSH buckets: one row per document and band, keyed in lookup order (candidates are a merge join).
CREATE TABLE minhash_bands (
    band INTEGER NOT NULL,
    hash INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    PRIMARY KEY (band, hash, seq)
) WITHOUT ROWID;

-- Band hashes of documents signed but not yet searched for candidates: appended while signing (cheap),
-- moved into minhash_bands in key order once their candidate pairs are stored.
CREATE TABLE minhash_bands_pending (
    seq  INTEGER NOT NULL,
    band INTEGER NOT NULL,
    hash INTEGER NOT NULL
);

-- Candidate pairs that were compared (seq_a < seq_b): the Jaccard estimated from the signatures and,
-- for pairs whose estimate came near the threshold, the exact Jaccard of their shingle sets.
CREATE TABLE dedup_pairs (
    seq_a   INTEGER NOT NULL,
    seq_b   INTEGER NOT NULL,
    jaccard REAL    NOT NULL,
    exact   REAL,
    PRIMARY KEY (seq_a, seq_b)
) WITHOUT ROWID;

-- The result: every document in a cluster of more than one. The kept document has duplicate_of NULL
-- and method 'kept'; the others name it and say why: 'normalized' (equal after normalisation) or
-- 'minhash' (Jaccard at or above the threshold, directly or through other members).
CREATE TABLE dedup_clusters (
    seq          INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL,
    cluster      INTEGER NOT NULL,         -- seq of the kept document
    duplicate_of INTEGER,                  -- document id of the kept document
    method       TEXT    NOT NULL,
    similarity   REAL                      -- Jaccard with the kept document (minhash; exact when known)
);
CREATE INDEX dedup_clusters_cluster ON dedup_clusters(cluster);

-- cc_net's repeated lines: normalised line hash (lower case, no accents or punctuation, digits as 0)
-- and the number of documents containing it (ingest's exact duplicates not counted). The example is
-- kept only once a second document contains the line, so lines seen once cost a hash and a count.
CREATE TABLE repeated_lines (
    hash      INTEGER PRIMARY KEY,
    documents INTEGER NOT NULL,
    example   TEXT
);
CREATE INDEX repeated_lines_count ON repeated_lines(documents);
-- Documents whose lines were counted (so counting resumes and never counts a document twice).
CREATE TABLE repeated_lines_documents (
    seq INTEGER PRIMARY KEY
);

-- Parameters the stored signatures were made with ('minhash': a run with different ones must start
-- over), and 'line_threshold': the repeated-line threshold of the last run, which export applies.
CREATE TABLE dedup_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
