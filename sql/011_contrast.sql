-- 011_contrast: a contrast model beside the reference (Moore–Lewis), and each document's difference.

-- A contrast model is an n-gram model trained on a uniform sample of the store (duplicates excluded),
-- cross-fitted in the reference's two halves. Its perplexity rows sit in `perplexity` under its own id;
-- `contrast_for` names the reference model it is contrasted with (NULL for every other model).
ALTER TABLE lm_models ADD COLUMN contrast_for INTEGER;

-- Moore and Lewis (2010): the cross-entropy difference H_contrast(d) − H_reference(d), in bits per
-- predicted token (tokens + one end of sentence per line, cc_net's events), from the two models'
-- log-probabilities of the same tokens. Higher: the document looks more like the reference text than
-- like the corpus at large.
CREATE TABLE moore_lewis (
    reference_id INTEGER NOT NULL,   -- lm_models.id of the reference
    contrast_id  INTEGER NOT NULL,   -- lm_models.id of the contrast
    seq          INTEGER NOT NULL,   -- documents.seq
    document_id  INTEGER NOT NULL,
    language     TEXT    NOT NULL,
    difference   REAL    NOT NULL,
    PRIMARY KEY (reference_id, contrast_id, seq)
) WITHOUT ROWID;
