-- 015_input_rank: where a partition's source stands among all the inputs of a partitioned run.

-- A partition ingests only its own files, but the steps that work across partitions (duplicates,
-- cut-offs, export order) need the order one ingest of every input would have read the documents in:
-- the file's index in the whole input list (directories walked in byte order), recorded by
-- `curate ingest --partition K/N`. With the record's position it gives each document a key that
-- sorts like a one-store ingest's seq and is the same however many partitions there are:
-- (input_rank + 1) * 2^32 + position. NULL for sources ingested without --partition.
ALTER TABLE sources ADD COLUMN input_rank INTEGER;
