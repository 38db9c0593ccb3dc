import Foundation

/// Runs the built `curate` binary as a child process.
struct CommandRunner {
    /// The executable SwiftPM built next to the test bundle.
    static let binary: String = {
        let tests = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (tests as NSString).deletingLastPathComponent
        // On Linux the test binary may sit inside a *.xctest bundle directory.
        while !FileManager.default.isExecutableFile(atPath: directory + "/curate") && directory.count > 1 {
            directory = (directory as NSString).deletingLastPathComponent
        }
        return directory + "/curate"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let workingDirectory: String
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// Runs the command to its end. With a `watchdog`, a run still going after that many seconds is a hang
    /// (the tests that use it wait for something that must not block): it is killed, with status -1.
    @discardableResult
    func run(_ arguments: [String], watchdog: Double? = nil) throws -> Result {
        // Output goes to files rather than pipes, so a chatty child can never block on a full pipe.
        let base = NSTemporaryDirectory() + "/curate-out-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let process = try start(arguments, stdout: FileHandle(forWritingAtPath: base + ".out"),
                                stderr: FileHandle(forWritingAtPath: base + ".err"))
        let hung = Flag(), ended = Flag()
        if let watchdog {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + watchdog) {
                guard !ended.isSet else { return }
                hung.set()
                kill(pid, SIGKILL)
            }
        }
        process.waitUntilExit()
        ended.set()
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        if hung.isSet { return Result(status: -1, stdout: read(base + ".out"), stderr: "hung: killed after \(watchdog ?? 0) s\n" + read(base + ".err")) }
        return Result(status: process.terminationStatus, stdout: read(base + ".out"), stderr: read(base + ".err"))
    }

    func start(_ arguments: [String], stdout: FileHandle? = nil, stderr: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        process.environment = environment
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// A flag one thread sets and another reads.
final class Flag: @unchecked Sendable { // guarded by `lock`
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// A fresh directory, removed at the end of the test.
final class Scratch {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "/curate-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> String {
        let full = path + "/" + relative
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
        return full
    }

    var runner: CommandRunner { CommandRunner(workingDirectory: path) }
}
