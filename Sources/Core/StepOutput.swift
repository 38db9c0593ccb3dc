import Foundation

/// The output file of one task of a step that runs across partitions (a bucket store, a model, a run, a
/// shard's record): built under a temporary name and renamed into place when complete, so that a task
/// killed at any point leaves nothing that looks finished, runs again from the start, and a finished
/// task is skipped (the rename is what marks it done).
public enum StepOutput {
    /// Builds `path` by `body(temporary path)` unless it exists. Returns whether it was built now.
    @discardableResult
    public static func produce(_ path: String, _ body: (String) throws -> Void) throws -> Bool {
        if FileManager.default.fileExists(atPath: path) { return false }
        let building = path + ".building"
        func remove() { for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: building + suffix) } }
        remove() // what a killed task left
        do { try body(building) } catch { remove(); throw error }
        guard rename(building, path) == 0 else {
            let reason = String(cString: strerror(errno))
            remove()
            throw StepOutputError(description: "cannot rename \(building) to \(path): \(reason)", hint: nil)
        }
        CrashPoint.reached("rename")
        remove()
        return true
    }

    /// `paths` when they all exist; else the error naming the first missing one and its step.
    public static func required(_ paths: [String], step: String) throws -> [String] {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw StepOutputError(description: "\(path) is missing: the \(step) step has not finished", hint: "run every task of \(step) first")
        }
        return paths
    }
}

public struct StepOutputError: HintedError, Sendable {
    public let description: String
    public let hint: String?
}
