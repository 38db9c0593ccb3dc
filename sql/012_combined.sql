-- 012_combined: the combined ranking — a quality model's stacked model over every stored signal.

-- Per document (first copies only) and quality model whose file holds a stacked model. `score` is the
-- combined logit (logistic), grade (squared) or strength (Bradley–Terry): higher is better. `fold` is the
-- cross-fitting fold whose fits scored it; `percentile` its percent rank within its language (1 = best).
CREATE TABLE combined_scores (
    model_id    INTEGER NOT NULL,   -- quality_models.id
    seq         INTEGER NOT NULL,   -- documents.seq
    document_id INTEGER NOT NULL,
    language    TEXT    NOT NULL,
    fold        INTEGER NOT NULL,
    score       REAL    NOT NULL,
    percentile  REAL,
    PRIMARY KEY (model_id, seq)
) WITHOUT ROWID;
