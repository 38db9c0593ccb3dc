-- 009_dedup_kept_by: which rule chose each cluster's kept document, on the kept row (NULL on the others):
-- 'repeated_lines' (fewest characters in lines that documents outside the cluster repeat), 'filters',
-- 'perplexity', 'longest' or 'first'; the first rule on which the kept document beat the runner-up.
ALTER TABLE dedup_clusters ADD COLUMN kept_by TEXT;
