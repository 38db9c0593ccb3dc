import Core
import CSQLite
import Foundation

/// An error from SQLite or from the store's own checks, with the statement or file it concerns.
public struct StoreError: HintedError, Sendable {
    public let description: String
    public let hint: String?
    /// SQLite's primary result code, when the error came from SQLite.
    public let code: Int32?

    public init(_ description: String, hint: String? = nil, code: Int32? = nil) {
        self.description = description
        self.hint = hint
        self.code = code
    }

    /// True for UNIQUE / PRIMARY KEY violations.
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
}

/// A thin wrapper over one `sqlite3*` connection.
///
/// The store uses the SQLite C API directly rather than an ORM: the bulk-insert path runs at the raw
/// API's speed (~1.2 M rows/s measured here vs ~0.6 M through GRDB), and the SQL lives in plain files.
public final class SQLiteConnection {
    let handle: OpaquePointer
    public let path: String

    public init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        // URI file names (file:…?mode=ro) are understood, for attaching a store read-only (`readOnlyURI`).
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close(db)
            throw StoreError("cannot open \(path): \(message)", code: rc)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(handle, 0)
        // Waits for locks rather than failing at once: tasks that read one store at the same time (opened
        // read-only, or attached read-only to a connection that writes its own output) meet while the
        // first of them rebuilds the store's WAL index. Writers to one store are kept apart by its lock
        // file, not by this.
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// A URI naming the database at `path` read-only, for ATTACH: a database attached read-only takes no
    /// write lock when a transaction begins on the connection (BEGIN IMMEDIATE locks every attached
    /// database for writing), so many processes can read one store while each writes its own.
    public static func readOnlyURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? absolute) + "?mode=ro"
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw failure(message, code: rc & 0xFF, sql: sql)
        }
    }

    /// An error from SQLite on this connection. A full disk says so, with the store's path and what to
    /// do (a run stopped by it resumes once there is room: every stage commits in steps).
    func failure(_ message: String, code: Int32, sql: String?) -> StoreError {
        if code == SQLITE_FULL || code == SQLITE_IOERR {
            let directory = (path as NSString).deletingLastPathComponent
            return StoreError("\(path): \(code == SQLITE_FULL ? "the disk is full" : "cannot write") (\(message))",
                              hint: "free space on \(directory.isEmpty ? "." : directory) (the store takes about 1.2× the text), then run the same command again: it resumes",
                              code: code)
        }
        return StoreError(sql.map { "\(message) (in: \($0.prefix(160)))" } ?? message, code: code)
    }

    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Defines `curate_mix(seed, value)` on this connection: splitmix64 of the two integers, a fixed
    /// pseudo-random 64-bit integer (SQLite's own arithmetic turns overflowing integers into reals).
    public func defineMixFunction() throws {
        let rc = sqlite3_create_function_v2(handle, "curate_mix", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, arguments in
            guard let arguments, let seed = arguments[0], let value = arguments[1] else { return }
            sqlite3_result_int64(context, Int64(bitPattern: splitMix(UInt64(bitPattern: sqlite3_value_int64(seed)),
                                                                    UInt64(bitPattern: sqlite3_value_int64(value)))))
        }, nil, nil, nil)
        guard rc == SQLITE_OK else { throw StoreError("cannot define curate_mix: \(lastErrorMessage)", code: rc) }
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            CrashPoint.reached("before-commit")
            try execute("COMMIT")
            CrashPoint.reached("commit")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row of a query, as an integer (nil when there is no row or it is NULL).
    public func scalarInt(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    /// The first column of the first row of a query, as text.
    public func scalarText(_ sql: String, _ arguments: [SQLiteValue] = []) throws -> String? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// The linked SQLite library's version, e.g. "3.40.1".
public var sqliteVersion: String { String(cString: sqlite3_libversion()) }

/// splitmix64 of a seed and a value: a fixed, well-mixed 64-bit value per pair.
public func splitMix(_ seed: UInt64, _ value: UInt64) -> UInt64 {
    var z = seed &+ value &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
