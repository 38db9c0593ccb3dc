import Core
import Foundation

/// One example of a classification task.
public struct LabelledExample: Sendable, Equatable {
    public var id: String
    public var text: String
    public var label: String?

    public init(id: String, text: String, label: String?) {
        self.id = id
        self.text = text
        self.label = label
    }
}

/// Labelled text for `curate finetune` and `curate predict`: JSON lines (`.jsonl`, `.jsonl.zst`, or an
/// export directory) with the text under `text` and the label under `labelField`, or tab-separated
/// values (`.tsv`, the format of GLUE's tasks) with a header row naming the same columns.
public enum LabelledData {
    public static func read(_ path: String, labelField: String, textField: String = "text", idField: String = "id",
                            requireLabels: Bool) throws -> [LabelledExample] {
        if path.hasSuffix(".tsv") { return try readTSV(path, labelField: labelField, textField: textField, idField: idField,
                                                       requireLabels: requireLabels) }
        var examples: [LabelledExample] = []
        var line = 0
        for file in try ShardReader.files(path) {
            line = 0
            func record(_ bytes: UnsafeRawBufferPointer) throws {
                line += 1
                guard bytes.count > 0 else { return }
                guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                    throw TrainError("\(file): line \(line) is not a JSON object")
                }
                guard let text = object[textField] as? String else { throw TrainError("\(file): line \(line) has no string \"\(textField)\"") }
                var label: String?
                switch object[labelField] {
                case let value as String: label = value
                case let value as NSNumber: label = value.stringValue
                case nil, is NSNull: label = nil
                default: throw TrainError("\(file): line \(line): \"\(labelField)\" is neither a string nor a number")
                }
                if requireLabels && label == nil { throw TrainError("\(file): line \(line) has no label \"\(labelField)\"") }
                let id = (object[idField] as? String) ?? (object[idField] as? NSNumber)?.stringValue ?? "\(URL(fileURLWithPath: file).lastPathComponent):\(line)"
                examples.append(LabelledExample(id: id, text: text, label: label))
            }
            if file.hasSuffix(".zst") {
                try ZstdLines.forEach(path: file, record)
            } else {
                guard let data = FileManager.default.contents(atPath: file) else { throw TrainError("\(file): cannot read") }
                for row in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
                    try row.withUnsafeBytes { try record($0) }
                }
            }
        }
        guard !examples.isEmpty else { throw TrainError("\(path): no examples") }
        return examples
    }

    static func readTSV(_ path: String, labelField: String, textField: String, idField: String, requireLabels: Bool) throws -> [LabelledExample] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TrainError("\(path): cannot read") }
        guard let content = String(data: data, encoding: .utf8) else { throw TrainError("\(path): not UTF-8") }
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
              let textColumn = header.firstIndex(of: textField) else {
            throw TrainError("\(path): line 1 is not a header with a \"\(textField)\" column")
        }
        let labelColumn = header.firstIndex(of: labelField), idColumn = header.firstIndex(of: idField)
        if requireLabels && labelColumn == nil { throw TrainError("\(path): the header has no \"\(labelField)\" column") }
        var examples: [LabelledExample] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count else {
                throw TrainError("\(path): line \(index + 1) has \(fields.count) fields, the header \(header.count)")
            }
            examples.append(LabelledExample(id: idColumn.map { fields[$0] } ?? "\(index + 1)", text: fields[textColumn],
                                            label: labelColumn.map { fields[$0] }))
        }
        guard !examples.isEmpty else { throw TrainError("\(path): no examples") }
        return examples
    }
}

/// Accuracy, macro-F1 and the confusion matrix of predictions against labels.
public struct ClassificationReport: Codable, Sendable, Equatable {
    public var labels: [String]
    /// confusion[true][predicted]
    public var confusion: [[Int]]
    public var examples: Int
    public var accuracy: Double
    public var macroF1: Double
    /// The accuracy of always predicting the most frequent true label.
    public var majorityBaseline: Double

    public init(labels: [String], truth: [Int], predicted: [Int]) {
        self.labels = labels
        let k = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
        self.confusion = confusion
        examples = truth.count
        let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
        accuracy = examples > 0 ? Double(correct) / Double(examples) : 0
        var f1Sum = 0.0
        for label in 0..<k {
            let truePositive = Double(confusion[label][label])
            let predictedCount = Double((0..<k).reduce(0) { $0 + confusion[$1][label] })
            let actualCount = Double(confusion[label].reduce(0, +))
            let precision = predictedCount > 0 ? truePositive / predictedCount : 0
            let recall = actualCount > 0 ? truePositive / actualCount : 0
            f1Sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        }
        macroF1 = k > 0 ? f1Sum / Double(k) : 0
        majorityBaseline = examples > 0 ? Double(confusion.map { $0.reduce(0, +) }.max() ?? 0) / Double(examples) : 0
    }

    /// The matrix as aligned text lines (rows: true label; columns: predicted).
    public var table: [String] {
        let width = max(8, (labels.map(\.count).max() ?? 0) + 2)
        let first = max(width, 18)
        func pad(_ text: String, _ size: Int = width) -> String { String(repeating: " ", count: max(0, size - text.count)) + text }
        var lines = [pad("true \\ predicted", first) + labels.map { pad($0) }.joined()]
        for (index, label) in labels.enumerated() { lines.append(pad(label, first) + confusion[index].map { pad(String($0)) }.joined()) }
        return lines
    }
}
