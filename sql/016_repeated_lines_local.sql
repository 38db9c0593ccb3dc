-- 016_repeated_lines_local: a partition's own repeated-line counts, kept beside the corpus-wide ones.

-- Deduplicating partition stores in place (`curate dedup --partition-stores`) sums each line's count
-- over the partitions and writes the sum into every partition's repeated_lines, where export, dedup's
-- kept-copy rule and reports read it. The counts each partition found in its own documents are kept
-- here, so that summing again (dedup run once more after scoring) adds partition counts, not sums.
CREATE TABLE repeated_lines_local (
    hash      INTEGER PRIMARY KEY,
    documents INTEGER NOT NULL
);
