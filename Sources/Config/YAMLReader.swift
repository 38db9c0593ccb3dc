import Core
import Yams

/// A configuration file (a pipeline or a threshold profile) that cannot be used, with the key it is about.
public struct ConfigError: HintedError, Sendable {
    public let source: String
    public let key: String?
    public let message: String
    public let hint: String?

    public init(source: String, key: String?, message: String, hint: String? = nil) {
        self.source = source
        self.key = key
        self.message = message
        self.hint = hint
    }

    public var description: String {
        key.map { "\(source): \($0): \(message)" } ?? "\(source): \(message)"
    }
}

/// Typed access to YAML nodes, with errors that name the key path. Unknown keys, values of the wrong
/// type and values out of range are errors: a misspelt setting must not be silently ignored.
public struct YAMLReader {
    public let source: String
    /// Printed under every error: where the keys are documented.
    public let hint: String?

    public init(source: String, hint: String? = nil) {
        self.source = source
        self.hint = hint
    }

    /// The number as a person writes it: 3 rather than 3.0.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The top-level mapping of a YAML document.
    public func root(_ yaml: String) throws -> Node.Mapping {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw fail(nil, "not valid YAML: \(error)")
        }
        guard let root = node?.mapping else { throw fail(nil, "expected a mapping of keys") }
        return root
    }

    public func fail(_ path: String?, _ message: String) -> ConfigError {
        ConfigError(source: source, key: path, message: message, hint: hint)
    }

    public func keys(_ mapping: Node.Mapping?, path: String?, allowed: Set<String>) throws -> [String: Node] {
        guard let mapping else { throw fail(path, "expected a mapping of keys") }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail(path, "keys must be names") }
            let full = path.map { $0 + "." + key } ?? key
            guard allowed.contains(key) else {
                throw fail(full, "unknown key (known here: \(allowed.sorted().joined(separator: ", ")))")
            }
            if result[key] != nil { throw fail(full, "given twice") }
            result[key] = value
        }
        return result
    }

    public func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.tag == Tag(.null) || (scalar.style == .plain && ["null", "~", ""].contains(scalar.string)) }
        return false
    }

    public func number(_ node: Node, _ path: String, range: ClosedRange<Double>) throws -> Double? {
        if isNull(node) { return nil }
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string), value.isFinite else {
            throw fail(path, "expected a number or null, found '\(node.string ?? "a list or mapping")'")
        }
        guard range.contains(value) else {
            throw fail(path, "\(Self.format(value)) is out of range (\(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)))")
        }
        return value
    }

    public func integer(_ node: Node, _ path: String, range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            throw fail(path, "expected a whole number, found '\(node.string ?? "a list or mapping")'")
        }
        guard range.contains(value) else { throw fail(path, "\(value) is out of range (\(range.lowerBound) to \(range.upperBound))") }
        return value
    }

    public func bool(_ node: Node, _ path: String) throws -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain, ["true", "false"].contains(scalar.string) else {
            throw fail(path, "expected true or false, found '\(node.string ?? "a list or mapping")'")
        }
        return scalar.string == "true"
    }

    public func string(_ node: Node, _ path: String) throws -> String {
        guard case .scalar(let scalar) = node, !isNull(node) else { throw fail(path, "expected a string") }
        return scalar.string
    }

    public func integers(_ node: Node, _ path: String, range: ClosedRange<Int>) throws -> [Int] {
        guard let sequence = node.sequence else { throw fail(path, "expected a list of whole numbers, e.g. [1, 2]") }
        return try sequence.enumerated().map { index, item in try integer(item, "\(path)[\(index)]", range: range) }
    }

    public func strings(_ node: Node, _ path: String, nonEmptyItems: Bool = false) throws -> [String] {
        guard let sequence = node.sequence else { throw fail(path, "expected a list, e.g. [a, b]") }
        return try sequence.enumerated().map { index, item in
            guard case .scalar(let scalar) = item else { throw fail("\(path)[\(index)]", "expected a string") }
            if nonEmptyItems && scalar.string.isEmpty { throw fail("\(path)[\(index)]", "must not be empty") }
            return scalar.string
        }
    }
}

/// The sections a pipeline file may have: one per stage that reads it.
public enum PipelineSections {
    public static let all: Set<String> = ["inputs", "store", "stages", "ingest", "score", "dedup", "export", "train", "partitions", "slurm"]
}
