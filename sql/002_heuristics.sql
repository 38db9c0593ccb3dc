-- 002_heuristics: per-document language and the statistics of the heuristic quality filters, measured
-- once from the text, and the verdicts of the filters under the active profiles (recomputed from the
-- statistics alone by `curate filter`).
--
-- Rows are keyed by documents.seq (so they are written in the documents' order) and carry the stable
-- document id for merging stores. Only documents that are not exact duplicates are scored; a duplicate
-- shares the statistics of its first copy. The statistic columns must match the filters' declarations
-- in Sources/Filters (a test checks it).

CREATE TABLE document_language (
    seq         INTEGER PRIMARY KEY,       -- documents.seq
    document_id INTEGER NOT NULL,          -- documents.id
    language    TEXT    NOT NULL,          -- ISO 639-1 code, or 'other'
    script      TEXT    NOT NULL,          -- ISO 15924 code of most of its letters
    confidence  REAL    NOT NULL,
    profile     TEXT    NOT NULL           -- profile whose statistic parameters were used
);
CREATE INDEX document_language_language ON document_language(language);

CREATE TABLE stats_gopher_quality (
    seq INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
    words INTEGER, mean_word_length REAL, hash_count INTEGER, ellipsis_count INTEGER, lines INTEGER,
    bullet_lines INTEGER, ellipsis_lines INTEGER, alpha_words INTEGER, stop_words INTEGER
);

CREATE TABLE stats_gopher_repetition (
    seq INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
    characters INTEGER, paragraphs INTEGER, dup_paragraphs INTEGER, dup_paragraph_chars INTEGER,
    line_pieces INTEGER, dup_lines INTEGER, dup_line_chars INTEGER,
    top_2gram_chars INTEGER, top_3gram_chars INTEGER, top_4gram_chars INTEGER,
    dup_5gram_chars INTEGER, dup_6gram_chars INTEGER, dup_7gram_chars INTEGER,
    dup_8gram_chars INTEGER, dup_9gram_chars INTEGER, dup_10gram_chars INTEGER
);

CREATE TABLE stats_c4 (
    seq INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
    lines INTEGER, lines_long_word INTEGER, lines_no_terminal INTEGER, lines_few_words INTEGER,
    lines_javascript INTEGER, lines_policy INTEGER, kept_lines INTEGER, sentences INTEGER,
    lorem_ipsum INTEGER, curly_bracket INTEGER
);

CREATE TABLE stats_fineweb (
    seq INTEGER PRIMARY KEY, document_id INTEGER NOT NULL,
    lines INTEGER, punct_lines INTEGER, short_lines INTEGER, dup_line_chars INTEGER,
    chars_without_newlines INTEGER, newlines INTEGER, words INTEGER
);

-- The verdict of each filter: NULL when not scored, 'keep', or the first rule that failed.
CREATE TABLE filter_verdicts (
    seq               INTEGER PRIMARY KEY,
    document_id       INTEGER NOT NULL,
    profile           TEXT    NOT NULL,    -- profile whose thresholds were applied
    gopher_quality    TEXT,
    gopher_repetition TEXT,
    c4                TEXT,
    fineweb           TEXT,
    failures          TEXT    NOT NULL,    -- every failing rule, space-separated ('' when kept)
    kept              INTEGER NOT NULL     -- 1 when no scored filter dropped it
);
CREATE INDEX filter_verdicts_kept ON filter_verdicts(kept);
