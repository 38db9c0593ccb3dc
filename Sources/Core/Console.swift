import Foundation

/// Everything curate writes to stderr: one-line errors and warnings, and the progress line.
///
/// Follows docs/UX conventions: `curate: error: …` with an optional `  hint: …`, per-record warnings
/// `curate: warning: path:line: message`, at most `warningLimit` warnings of one kind before a single
/// line says how many more were suppressed, and a progress line only on a terminal.
public final class Console: @unchecked Sendable {
    public let quiet: Bool
    public let isTerminal: Bool
    public let useColor: Bool
    public var warningLimit = 20

    private let lock = NSLock()
    private var warningsByKind: [String: Int] = [:]
    private var progressShown = false

    public init(quiet: Bool, progress: Bool = true) {
        self.quiet = quiet
        isTerminal = isatty(STDERR_FILENO) == 1 && progress
        useColor = isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// True when a live progress line may be drawn.
    public var showsProgress: Bool { isTerminal && !quiet }

    public func error(_ message: String, hint: String? = nil) {
        var text = tag("error", color: "31") + message + "\n"
        if let hint { text += "  hint: \(hint)\n" }
        write(text)
    }

    /// A per-record warning of a given kind (e.g. a reject reason). Returns false when it was suppressed.
    @discardableResult
    public func warning(_ message: String, kind: String) -> Bool {
        guard !quiet else { return false }
        lock.lock()
        let seen = warningsByKind[kind, default: 0] + 1
        warningsByKind[kind] = seen
        lock.unlock()
        guard seen <= warningLimit else { return false }
        write(tag("warning", color: "33") + message + "\n")
        return true
    }

    /// Lines saying how many warnings of each kind were not shown, with the command that lists them.
    public func flushSuppressedWarnings(listCommand: (String) -> String) {
        guard !quiet else { return }
        for (kind, count) in warningsByKind.sorted(by: { $0.key < $1.key }) where count > warningLimit {
            write(tag("warning", color: "33") + "\(Formatting.count(count - warningLimit)) more \(kind) warnings not shown (\(listCommand(kind)))\n")
        }
    }

    /// Rewrites the progress line in place (terminal only).
    public func progress(_ line: String) {
        guard showsProgress else { return }
        write("\r\u{1B}[K" + line)
        progressShown = true
    }

    /// Removes the progress line, so that a summary can take its place.
    public func clearProgress() {
        guard progressShown else { return }
        write("\r\u{1B}[K")
        progressShown = false
    }

    public func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if progressShown && !text.hasPrefix("\r") {
            // A warning in the middle of progress: clear the line first, the next update redraws it.
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            progressShown = false
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    private func tag(_ word: String, color: String) -> String {
        useColor ? "curate: \u{1B}[\(color)m\(word)\u{1B}[0m: " : "curate: \(word): "
    }
}
