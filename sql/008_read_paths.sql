-- 008_read_paths: indexes that keep whole-store counts and the export's ranked scan off the pages that
-- hold the texts.

-- Ingest's byte-identical duplicates, counted by export, dedup, merge and report. Without it each count
-- reads every page of `documents` (the texts live there); the index holds only the duplicates.
CREATE INDEX documents_duplicates ON documents(duplicate_of) WHERE duplicate_of IS NOT NULL;

-- The ranking index carries every column export reads, so the ranked scan never visits the table
-- (rebuilt by each export; this replaces 006's narrower one in stores made before).
DROP INDEX IF EXISTS export_ranking_order;
CREATE INDEX export_ranking_order ON export_ranking(sort_key, document_id, seq, score, language, perplexity);
