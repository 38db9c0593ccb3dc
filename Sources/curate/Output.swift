import Core
import Foundation

/// Writing results to stdout: a JSON object with stable (sorted) keys, or text lines.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// One JSON object per line (for listings that may be long).
    static func jsonLine<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        FileHandle.standardOutput.write(data)
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A path as the user would type it: relative to the current directory when it lies below it.
    static func displayPath(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// "invalid_utf8 21 · malformed_json 12 · empty 4"
    static func breakdown(_ counts: [(String, Int64)]) -> String {
        counts.map { "\($0.0) \(Formatting.count($0.1))" }.joined(separator: " · ")
    }

    /// Left-aligned label column for summaries.
    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// Right-aligned column (at least one space before it).
    static func leftPadded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(1, width - text.count)) + text
    }

    /// Columns a string takes on a terminal: East Asian wide characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (isWide($1.value) ? 2 : 1) }
    }

    static func isWide(_ scalar: UInt32) -> Bool {
        (0x1100...0x115F).contains(scalar) || (0x2E80...0xA4CF).contains(scalar) || (0xAC00...0xD7A3).contains(scalar)
            || (0xF900...0xFAFF).contains(scalar) || (0xFE30...0xFE4F).contains(scalar) || (0xFF00...0xFF60).contains(scalar)
            || (0xFFE0...0xFFE6).contains(scalar) || (0x20000...0x3FFFD).contains(scalar)
    }

    /// Lines of at most `width` terminal columns.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = [], current = "", columns = 0
        for character in text {
            let w = displayWidth(String(character)) > 1 ? 2 : 1
            if columns + w > width {
                lines.append(current)
                current = ""
                columns = 0
            }
            current.append(character)
            columns += w
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Pads to `width` terminal columns.
    static func paddedColumns(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - displayWidth(text)))
    }
}
