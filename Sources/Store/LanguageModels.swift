extension Store {
    /// The newest reference language model (`lm_models`, contrast models left out); with `scored`, the
    /// newest one that has scored documents. Every stage that reads perplexity reads it under this model.
    public func latestReferenceModelID(scored: Bool = false) throws -> Int64? {
        let scoredOnly = scored ? " AND EXISTS (SELECT 1 FROM perplexity p WHERE p.model_id = m.id)" : ""
        return try connection.scalarInt("""
            SELECT m.id FROM lm_models m WHERE m.contrast_for IS NULL\(scoredOnly) ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """)
    }

    /// The newest contrast model of a reference whose Moore–Lewis differences are stored.
    public func latestContrastModelID(for reference: Int64) throws -> Int64? {
        try connection.scalarInt("""
            SELECT m.id FROM lm_models m WHERE m.contrast_for = ?
              AND EXISTS (SELECT 1 FROM moore_lewis l WHERE l.reference_id = ? AND l.contrast_id = m.id)
            ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """, [.integer(reference), .integer(reference)])
    }
}

extension Store {
    /// The files of a language model in `lm_models` (one, or the two of a cross-fitted pair), if it
    /// exists (and is of `kind`, when given).
    public func languageModelPaths(id: Int64, kind: String? = nil) throws -> [String]? {
        let statement = try connection.prepare("SELECT path, path_b, kind FROM lm_models WHERE id = ?")
        statement.bind(1, id)
        guard try statement.step(), let path = statement.text(0), kind == nil || statement.text(2) == kind else { return nil }
        return [path] + (statement.text(1).map { [$0] } ?? [])
    }
}

extension Store {
    /// The newest quality model that has scored documents (`quality_models`).
    public func latestQualityModelID() throws -> Int64? {
        try connection.scalarInt("""
            SELECT m.id FROM quality_models m WHERE EXISTS (SELECT 1 FROM quality_scores q WHERE q.model_id = m.id)
            ORDER BY m.created_at DESC, m.id DESC LIMIT 1
            """)
    }
}

extension Store {
    /// Sets each row's `percentile` in a per-model score table (`quality_scores`, `combined_scores`):
    /// its percent rank within its language, ties broken by document id, 1 = best. The caller runs it
    /// inside its own transaction.
    public func assignPercentiles(table: String, modelID: Int64) throws {
        try connection.execute("""
            UPDATE \(table) SET percentile = r.percentile
            FROM (SELECT seq, percent_rank() OVER (PARTITION BY language ORDER BY score, document_id) AS percentile
                  FROM \(table) WHERE model_id = \(modelID)) r
            WHERE \(table).model_id = \(modelID) AND \(table).seq = r.seq
            """)
    }
}
