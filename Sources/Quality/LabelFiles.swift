import Foundation

/// A document named in a labels or preferences file: by its text, or by an id of a stored document.
public enum DocumentReference: Sendable, Equatable {
    case text([UInt8])
    case id(String)
}

/// One line of a labels file.
public struct LabelRecord: Sendable {
    public var line: Int
    public var document: DocumentReference
    public var label: Double
}

/// One line of a preferences file: `chosen` is better than `rejected`.
public struct PreferenceRecord: Sendable {
    public var line: Int
    public var chosen: DocumentReference
    public var rejected: DocumentReference
}

/// Reads labels (`--labels`) and preferences (`--preferences`) files.
///
/// Labels: JSON lines, or tab-separated values with a header line when the name ends in .tsv. Each record
/// names its document by `text` (the text itself, used when present) or `id` (the record's own id in the
/// store, or curate's id), and has a label: a number (0/1, or a grade such as FineWeb-Edu's 0–5), true/false, or one of the
/// classes good/positive/clean/keep/yes (1) and bad/negative/junk/drop/no (0).
///
/// Preferences: JSON lines with `chosen` and `rejected`, each a text, or an object {"id": …} or {"text": …};
/// `chosen_id` / `rejected_id` name stored documents too.
public enum LabelFiles {
    static let goodClasses: Set<String> = ["good", "positive", "pos", "clean", "keep", "yes", "true", "high"]
    static let badClasses: Set<String> = ["bad", "negative", "neg", "junk", "drop", "no", "false", "low"]

    public static func readLabels(path: String, labelField: String, textField: String = "text", idField: String = "id") throws -> [LabelRecord] {
        let lines = try readLines(path)
        var records: [LabelRecord] = []
        if path.hasSuffix(".tsv") {
            guard let header = lines.first?.1 else { throw error(path, 0, "the file is empty") }
            let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard let labelColumn = columns.firstIndex(of: labelField) else {
                throw error(path, 1, "the header has no '\(labelField)' column (it has: \(columns.joined(separator: ", ")))",
                            hint: "name the label column with --label-field")
            }
            let textColumn = columns.firstIndex(of: textField), idColumn = columns.firstIndex(of: idField)
            guard textColumn != nil || idColumn != nil else { throw error(path, 1, "the header has neither an '\(idField)' nor a '\(textField)' column") }
            for (number, line) in lines.dropFirst() where !line.isEmpty {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == columns.count else {
                    throw error(path, number, "\(fields.count) fields where the header has \(columns.count)")
                }
                let label = try parseLabel(fields[labelColumn], path: path, line: number)
                let document: DocumentReference
                if let textColumn, !fields[textColumn].isEmpty { document = .text(Array(unescapeTSV(fields[textColumn]).utf8)) }
                else if let idColumn, !fields[idColumn].isEmpty { document = .id(fields[idColumn]) }
                else { throw error(path, number, "no \(idField) or \(textField)") }
                records.append(LabelRecord(line: number, document: document, label: label))
            }
        } else {
            for (number, line) in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let object = try parseObject(line, path: path, line: number)
                guard let value = object[labelField] else { throw error(path, number, "no '\(labelField)' field", hint: "name the label field with --label-field") }
                let label = try parseLabel(value, path: path, line: number)
                let document = try reference(object, idKey: idField, textKey: textField, path: path, line: number, what: "the labelled document")
                records.append(LabelRecord(line: number, document: document, label: label))
            }
        }
        guard !records.isEmpty else { throw error(path, 0, "the file holds no labelled documents") }
        return records
    }

    public static func readPreferences(path: String) throws -> [PreferenceRecord] {
        var records: [PreferenceRecord] = []
        for (number, line) in try readLines(path) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let object = try parseObject(line, path: path, line: number)
            func side(_ name: String) throws -> DocumentReference {
                if let id = object[name + "_id"] {
                    guard let text = scalarString(id) else { throw error(path, number, "'\(name)_id' must be a string or a number") }
                    return .id(text)
                }
                switch object[name] {
                case let text as String: return .text(Array(text.utf8))
                case let nested as [String: Any]: return try reference(nested, idKey: "id", textKey: "text", path: path, line: number, what: "'\(name)'")
                case nil: throw error(path, number, "no '\(name)' field (each line needs chosen and rejected)")
                default: throw error(path, number, "'\(name)' must be a text, or an object with an id or a text")
                }
            }
            records.append(PreferenceRecord(line: number, chosen: try side("chosen"), rejected: try side("rejected")))
        }
        guard !records.isEmpty else { throw error(path, 0, "the file holds no preference pairs") }
        return records
    }

    /// Whether the labels are 0/1 (a classifier) or grades (a regression).
    public static func isGraded(_ records: [LabelRecord]) -> Bool {
        records.contains { $0.label != 0 && $0.label != 1 }
    }

    // MARK: Parsing

    static func readLines(_ path: String) throws -> [(Int, String)] {
        guard let data = FileManager.default.contents(atPath: path) else { throw error(path, 0, "cannot read the file") }
        var result: [(Int, String)] = []
        var number = 0
        for slice in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            guard let text = String(validating: slice, as: UTF8.self) else { throw error(path, number, "the line is not valid UTF-8") }
            result.append((number, text.hasSuffix("\r") ? String(text.dropLast()) : text))
        }
        if result.last?.1.isEmpty == true { result.removeLast() }
        return result
    }

    static func parseObject(_ text: String, path: String, line: Int) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) as? [String: Any] else {
            throw error(path, line, "not a JSON object", hint: path.hasSuffix(".tsv") ? nil : "labels files are JSON lines (or .tsv with a header)")
        }
        return object
    }

    static func reference(_ object: [String: Any], idKey: String, textKey: String, path: String, line: Int, what: String) throws -> DocumentReference {
        // The text, when given, is the document; an id alone names a stored one.
        if let text = object[textKey] as? String { return .text(Array(text.utf8)) }
        if let id = object[idKey] {
            guard let text = scalarString(id) else { throw error(path, line, "'\(idKey)' must be a string or a number") }
            return .id(text)
        }
        throw error(path, line, "\(what) has no '\(idKey)' or '\(textKey)'")
    }

    static func scalarString(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber, !isBoolean(number) { return number.stringValue }
        return nil
    }

    /// JSON true/false (Foundation hands them over as NSNumbers of type "c").
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    static func parseLabel(_ value: Any, path: String, line: Int) throws -> Double {
        if let number = value as? NSNumber {
            if isBoolean(number) { return number.boolValue ? 1 : 0 }
            let double = number.doubleValue
            guard double.isFinite else { throw error(path, line, "the label is not a finite number") }
            return double
        }
        if let text = value as? String { return try parseLabel(text, path: path, line: line) }
        throw error(path, line, "the label is not a number or a class name")
    }

    static func parseLabel(_ text: String, path: String, line: Int) throws -> Double {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if goodClasses.contains(word) { return 1 }
        if badClasses.contains(word) { return 0 }
        if let number = Double(word), number.isFinite { return number }
        throw error(path, line, "label '\(text)' is not a number or a known class",
                    hint: "use numbers (0/1, or grades), true/false, or good/bad (also positive/negative, clean/junk, keep/drop)")
    }

    /// TSV cells escape tab, newline and backslash as \t, \n and \\.
    static func unescapeTSV(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var result = "", escaped = false
        for character in text {
            if escaped {
                switch character {
                case "t": result.append("\t")
                case "n": result.append("\n")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func error(_ path: String, _ line: Int, _ message: String, hint: String? = nil) -> QualityError {
        QualityError(line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)", hint: hint)
    }
}
