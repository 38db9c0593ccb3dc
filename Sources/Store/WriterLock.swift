import Foundation

/// One writing command per store at a time. SQLite would let a second writer wait for the lock and
/// then fail with "database is locked" somewhere in the middle of its work; instead, every command that
/// writes takes `STORE.lock` (an advisory flock, released by the kernel when the process ends, even
/// after kill -9) before it starts, and a second one fails at once naming the first. Readers (`stats`,
/// `show`, `report`) take no lock: WAL gives them a consistent snapshot while a writer runs.
enum WriterLock {
    /// Paths this process holds (a process may run several stages on one store: `curate run`).
    nonisolated(unsafe) private static var held: [String: Int32] = [:]
    private static let mutex = NSLock()

    static func acquire(store path: String, command: String) throws {
        let lockPath = URL(fileURLWithPath: path).standardizedFileURL.path + ".lock"
        mutex.lock()
        defer { mutex.unlock() }
        if held[lockPath] != nil { return }
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return } // a read-only directory: nothing to coordinate with
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            let holder = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            throw StoreError("\(path) is being written by \(holder)",
                             hint: "wait for it to finish (readers such as curate stats work meanwhile), or use another --db")
        }
        let note = "curate \(command) (pid \(getpid()))\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        held[lockPath] = descriptor
    }
}
