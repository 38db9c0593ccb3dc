-- 017_partition_keys: each document's global key in a partition store, beside its seq.

-- The tasks that deduplicate partition stores in place look up, for every band-hash and normalised-hash
-- row they read, the document's key across partitions ((input_rank + 1) * 2^32 + position, sql/015).
-- Read from `documents`, each lookup loads the page that holds the document's text: on 1 GB of text a
-- near task spent its time copying those pages. This table, filled once per partition by dedup's
-- prepare step, answers the same from a few bytes a document. Empty outside partitioned runs.
CREATE TABLE partition_keys (
    seq INTEGER PRIMARY KEY,
    key INTEGER NOT NULL
);
