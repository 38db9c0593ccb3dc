-- 014_repeated_lines_pending: line hashes appended by the scoring pass, counted by dedup.

-- Each counted document's distinct normalised line hashes (little-endian 64-bit values, in line order),
-- written as the pass measures it (with the document marked in repeated_lines_documents in the same
-- transaction). `curate dedup` folds them into repeated_lines (a count per hash and, for a line in more
-- than one document, an example) in one sorted pass and empties this table. Counting into
-- repeated_lines directly meant an upsert per line and document at a random key: 3.4 s of writes for
-- the 9,609-document dev corpus (514,647 line-document pairs, 408,764 distinct lines); a row per line
-- and document still took 1.8 s; a row per document takes a small fraction of that.
CREATE TABLE repeated_lines_pending (
    seq    INTEGER PRIMARY KEY,
    hashes BLOB NOT NULL
);
