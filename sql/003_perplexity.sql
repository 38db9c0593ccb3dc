-- 003_perplexity: reference language models and the perplexity of each document under them.

-- One row per model a run scored with. The id is derived from the model files' content fingerprints, so
-- stores scored with the same model in different partitions agree on it. A cross-fitted reference is a
-- pair of models, each trained on half of the documents and scoring the other half (path_b set).
CREATE TABLE lm_models (
    id          INTEGER PRIMARY KEY,
    path        TEXT    NOT NULL,       -- the model file when it was used
    path_b      TEXT,                   -- the second model of a cross-fitted pair
    fingerprint BLOB    NOT NULL,       -- XXH3-128 of the files' sizes, first and last 64 KiB
    kind        TEXT    NOT NULL,       -- 'ngram'
    ngram_order INTEGER,
    tokenizer   TEXT    NOT NULL,       -- e.g. 'icu lowercase fold_digits'
    trained_on  TEXT,                   -- what curate trained it on, when curate trained it
    created_at  TEXT    NOT NULL,
    run_id      INTEGER
);

-- Per document (first copies only; exact duplicates share them) and model. cc_net's perplexity:
-- 10^(-Σ log10 p / Σ (tokens + 1)) over the document's lines, each line a sentence with </s>;
-- bits per byte: -Σ log2 p / UTF-8 bytes.
CREATE TABLE perplexity (
    model_id               INTEGER NOT NULL,
    seq                    INTEGER NOT NULL,   -- documents.seq
    document_id            INTEGER NOT NULL,
    language               TEXT    NOT NULL,
    lines                  INTEGER NOT NULL,
    tokens                 INTEGER NOT NULL,
    oov                    INTEGER NOT NULL,
    log10_prob             REAL    NOT NULL,
    perplexity             REAL    NOT NULL,
    bits_per_byte          REAL    NOT NULL,
    max_line_perplexity    REAL    NOT NULL,
    median_line_perplexity REAL    NOT NULL,
    bucket                 TEXT,               -- head / middle / tail in its language; NULL until assigned
    PRIMARY KEY (model_id, seq)
) WITHOUT ROWID;
CREATE INDEX perplexity_language ON perplexity(model_id, language, perplexity);

-- The 30th and 60th percentiles of perplexity per language (cc_net's head / middle / tail cut-offs).
CREATE TABLE perplexity_cutoffs (
    model_id  INTEGER NOT NULL,
    language  TEXT    NOT NULL,
    documents INTEGER NOT NULL,
    p30       REAL    NOT NULL,
    p60       REAL    NOT NULL,
    PRIMARY KEY (model_id, language)
) WITHOUT ROWID;
