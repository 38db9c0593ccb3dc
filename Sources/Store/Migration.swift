/// One numbered schema change from `sql/NNN_name.sql`, compiled into the binary by the EmbedSQL plugin.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// Applies the embedded migrations in order and records them in `schema_migrations`.
///
/// A store written by a newer curate (one with migrations this build does not know) is refused rather
/// than opened: writing to it could break tables this build does not understand.
enum Migrator {
    static let all = embeddedMigrations

    /// The newest schema version this build knows.
    static var latestVersion: Int { all.last?.version ?? 0 }

    static func migrate(_ connection: SQLiteConnection) throws {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let current = try currentVersion(connection)
        if current > latestVersion {
            throw StoreError(
                "\(connection.path) has schema version \(current), newer than this curate (\(curateVersionTag)) knows (\(latestVersion))",
                hint: "use a newer curate, or a different --db")
        }
        for migration in all where migration.version > current {
            try connection.transaction {
                try connection.execute(migration.sql)
                let record = try connection.prepare(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")
                try record.bind([.integer(Int64(migration.version)), .text(migration.name)])
                try record.run()
            }
        }
    }

    static func currentVersion(_ connection: SQLiteConnection) throws -> Int {
        Int(try connection.scalarInt("SELECT max(version) FROM schema_migrations") ?? 0)
    }
}
