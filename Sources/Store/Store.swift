import Core
import CSQLite
import Foundation

/// The embedded SQLite database every stage reads and writes (`./curate.db` by default).
///
/// Opening a store sets WAL mode (readers never block the writer; a killed writer loses at most its
/// open transaction), checks that the file is a curate store, and applies pending migrations.
public final class Store {
    /// 'CURA' in the SQLite header's application_id field: marks a file as a curate store.
    static let applicationID: Int64 = 0x4355_5241

    public let connection: SQLiteConnection
    public let path: String

    /// Opens the store at `path`, applying pending migrations. With `create: false` a missing file is
    /// an error (for commands that only read, so that a mistyped --db does not create an empty store).
    public init(path: String, create: Bool = true) throws {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw StoreError("no store at \(path)", hint: "run `curate ingest PATH…` first, or pass --db")
        }
        let connection = try SQLiteConnection(path: path)
        self.connection = connection
        self.path = path
        do {
            try connection.execute("PRAGMA busy_timeout = 10000")
            try checkApplicationID()
            try connection.execute("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA cache_size = -\(Self.pageCacheKiB);
                PRAGMA temp_store = \(Self.tempStore);
                """)
            try Migrator.migrate(connection)
        } catch let error as StoreError where error.code == SQLITE_CORRUPT || error.code == SQLITE_NOTADB {
            throw Self.damaged(path, error)
        }
    }

    /// The page cache of a store's main connection: 64 MiB, or the --max-memory budget's share.
    static var pageCacheKiB: Int {
        if let budget = MemoryBudget.current {
            sqlite3_soft_heap_limit64(Int64(budget.sqliteHeapBytes))
            return budget.pageCacheBytes >> 10
        }
        return 65536
    }

    /// Where SQLite keeps temporary tables and sort runs: in files. A file-backed sort still runs in
    /// memory up to the page cache and spills past it; an in-memory one grows with what it sorts, and
    /// the statements that end a pass (percent ranks of every quality score, perplexity cut-offs) sort
    /// one row per document.
    public static var tempStore: String { "FILE" }

    /// How much of the store a reader maps: `wanted`, or at most the --max-memory budget's share.
    public static func mapBytes(_ wanted: Int) -> Int {
        MemoryBudget.current.map { min(wanted, $0.mapBytes) } ?? wanted
    }

    /// The message for a store SQLite finds damaged (a truncated or overwritten file, not a database at all).
    public static func damaged(_ path: String, _ error: StoreError) -> StoreError {
        StoreError("\(path) is damaged: \(error.description)",
                   hint: "restore it from a copy (or rebuild it: curate ingest and the stages are resumable); `sqlite3 \(path) 'PRAGMA integrity_check'` shows what is broken",
                   code: error.code)
    }

    /// The schema version the store is at.
    public var schemaVersion: Int {
        get throws { try Migrator.currentVersion(connection) }
    }

    /// The newest schema version this build knows.
    public static var latestSchemaVersion: Int { Migrator.latestVersion }

    private func checkApplicationID() throws {
        let id = try connection.scalarInt("PRAGMA application_id") ?? 0
        if id == Store.applicationID { return }
        let tables = try connection.scalarInt("SELECT count(*) FROM sqlite_master") ?? 0
        guard id == 0 && tables == 0 else {
            throw StoreError("\(path) is an SQLite database but not a curate store", hint: "pass --db with another path")
        }
        // 32 KiB pages: documents are mostly 1–10 KB blobs written in order. Measured on 300 MB of JSONL,
        // ingest took 2.7 s with 8 KiB pages, 2.2 s with 32 KiB and 2.1 s with 64 KiB, and the file
        // shrank 9% (fewer blobs split across pages); 32 KiB keeps random index reads smaller than 64.
        try connection.execute("PRAGMA page_size = 32768; PRAGMA application_id = \(Store.applicationID)")
    }
}

/// The store's tag in error messages.
let curateVersionTag = "curate \(curateVersion)"
