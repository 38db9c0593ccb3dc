import Core
import Foundation

/// How a run ended.
public enum RunStatus: String, Sendable {
    case running, done, failed
}

extension Store {
    /// Records the start of a command that writes to the store; committed at once, so a run killed
    /// midway stays visible as `running`.
    /// Also takes the store's writer lock (WriterLock): a second writing command fails at once.
    public func beginRun(command: String, arguments: [String]) throws -> Int64 {
        try WriterLock.acquire(store: path, command: command)
        let statement = try connection.prepare("""
            INSERT INTO runs (command, arguments, version, started_at) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            """)
        let argumentsJSON = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        statement.bind(1, command)
        statement.bind(2, argumentsJSON)
        statement.bind(3, curateVersion)
        try statement.run()
        return connection.lastInsertRowID
    }

    /// Records the end of a run with its counts and notes (one flat JSON object), and the process's peak
    /// resident memory so far (`peak_memory_bytes`: what a --max-memory budget is measured against).
    public func finishRun(id: Int64, status: RunStatus, counts: [String: Int64], notes: [String: String] = [:]) throws {
        var object: [String: Any] = counts
        object["peak_memory_bytes"] = peakResidentBytes()
        for (key, value) in notes { object[key] = value }
        let countsJSON = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        let statement = try connection.prepare("""
            UPDATE runs SET status = ?, counts = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?
            """)
        statement.bind(1, status.rawValue)
        statement.bind(2, countsJSON)
        statement.bind(3, id)
        try statement.run()
    }
}
