import CXXHash
import Core
import Foundation
import Store

/// A feature with its weight and its readable form, for `curate quality inspect`.
public struct NamedFeature: Codable, Sendable, Equatable {
    public var text: String
    public var weight: Double
    public var bucket: UInt32

    public init(text: String, weight: Double, bucket: UInt32) {
        self.text = text
        self.weight = weight
        self.bucket = bucket
    }
}

/// A learned quality model: the feature settings, one linear model per cross-fitting fold, and what it
/// was trained on. Format (docs/quality.md):
///
///     "CURATEQM"  u32 version  u32 header bytes  header (JSON, sorted keys)
///     per fold: f64 bias  u32 n  n × u32 bucket  n × f32 weight
///     u64 XXH3-64 of everything before it
///
/// All numbers little-endian. The same training data and settings give a byte-identical file.
public struct QualityModel: Sendable {
    public static let magic = Array("CURATEQM".utf8)
    public static let version: UInt32 = 1

    public struct Header: Codable, Sendable, Equatable {
        public var loss: LinearLoss
        public var features: FeatureSettings
        /// Number of folds: a document is scored by fold `StableFold.of(id, folds, seed)`'s model, which
        /// did not train on it when the negatives came from the store (1 = no cross-fitting).
        public var folds = 1
        public var foldSeed: UInt64 = 0x9A17_F01D
        public var l2 = 0.0
        /// What it learned from, in words ("359 exemplars against 10,000 store documents, 5 folds").
        public var trainedOn = ""
        /// Examples by role: positives, negatives, labelled, pairs.
        public var counts: [String: Int] = [:]
        /// For graded labels, the range of the grades.
        public var gradeRange: [Double]?
        public var figures: [TrainingFigures] = []
        /// The strongest features (mean weight over the folds), most positive first, then most negative.
        public var strongest: [NamedFeature] = []
        /// The combined ranking over every stored signal (`quality train --combine`), if fitted.
        public var stacked: StackedModel?

        public init(loss: LinearLoss, features: FeatureSettings) {
            self.loss = loss
            self.features = features
        }
    }

    public var header: Header
    public var folds: [LinearWeights]

    public init(header: Header, folds: [LinearWeights]) {
        self.header = header
        self.folds = folds
    }

    /// The fold a document belongs to, from its stable id.
    public func fold(of documentID: Int64) -> Int {
        Self.fold(of: documentID, folds: header.folds, seed: header.foldSeed)
    }

    public static func fold(of documentID: Int64, folds: Int, seed: UInt64) -> Int {
        folds <= 1 ? 0 : Int(splitMix(seed, UInt64(bitPattern: documentID)) % UInt64(folds))
    }

    // MARK: File

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = Array(try encoder.encode(header))
        var bytes = Self.magic
        Self.append(Self.version, to: &bytes)
        Self.append(UInt32(json.count), to: &bytes)
        bytes += json
        for fold in folds {
            Self.append(fold.bias.bitPattern, to: &bytes)
            Self.append(UInt32(fold.indices.count), to: &bytes)
            for index in fold.indices { Self.append(index, to: &bytes) }
            for weight in fold.weights { Self.append(weight.bitPattern, to: &bytes) }
        }
        let checksum = bytes.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) }
        Self.append(checksum, to: &bytes)
        return bytes
    }

    /// Writes the model (to a temporary file, then renamed: a killed write leaves no half model).
    public func write(to path: String) throws {
        let bytes = try encoded()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw QualityError("cannot write \(temporary)", hint: "check that its directory exists and is writable")
        }
        if FileManager.default.fileExists(atPath: path) { try? FileManager.default.removeItem(atPath: path) }
        do { try FileManager.default.moveItem(atPath: temporary, toPath: path) } catch {
            throw QualityError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Reads a model file, checking its magic, version, checksum and structure.
    public static func read(from path: String) throws -> QualityModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QualityError("cannot read the quality model \(path)", hint: "train one with `curate quality train --out \(path)`")
        }
        return try decode(Array(data), path: path)
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> QualityModel {
        func damaged(_ what: String) -> QualityError {
            QualityError("\(path) is not a usable curate quality model: \(what)", hint: "train it again with `curate quality train`")
        }
        guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { throw damaged("it does not start with CURATEQM") }
        var reader = ByteReader(bytes: bytes, offset: 8)
        let version: UInt32 = try reader.read() ?? { throw damaged("truncated") }()
        guard version == Self.version else {
            throw QualityError("\(path) is a quality model of format version \(version); this curate reads version \(Self.version)",
                               hint: "train it again with this curate (`curate quality train`)")
        }
        guard bytes.count >= 24 else { throw damaged("truncated") }
        let stored = bytes[(bytes.count - 8)...].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let computed = bytes.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count - 8) }
        guard UInt64(littleEndian: stored) == computed else { throw damaged("its checksum does not match (truncated or changed)") }
        let headerLength: UInt32 = try reader.read() ?? { throw damaged("truncated") }()
        guard let json = reader.take(Int(headerLength)) else { throw damaged("truncated header") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(json)) } catch { throw damaged("its header is not valid") }
        guard (10...28).contains(header.features.bits), header.folds >= 1, header.folds <= 64 else { throw damaged("its header is out of range") }
        var folds: [LinearWeights] = []
        for _ in 0..<header.folds {
            guard let biasBits: UInt64 = reader.read(), let count: UInt32 = reader.read() else { throw damaged("truncated weights") }
            guard Int(count) <= header.features.buckets else { throw damaged("more weights than buckets") }
            var indices = [UInt32](), weights = [Float]()
            indices.reserveCapacity(Int(count))
            weights.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let index: UInt32 = reader.read(), Int(index) < header.features.buckets else { throw damaged("a weight's bucket is out of range") }
                indices.append(index)
            }
            for _ in 0..<count {
                guard let bits: UInt32 = reader.read() else { throw damaged("truncated weights") }
                weights.append(Float(bitPattern: bits))
            }
            folds.append(LinearWeights(indices: indices, weights: weights, bias: Double(bitPattern: biasBits)))
        }
        guard reader.offset == bytes.count - 8 else { throw damaged("it has \(bytes.count - 8 - reader.offset) bytes after its weights") }
        return QualityModel(header: header, folds: folds)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A content fingerprint (the model's identity in the store).
    public static func fingerprint(path: String) throws -> Hash128 {
        try FileFingerprint.of(path: path)
    }
}

/// Reads little-endian numbers from a byte array.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int

    mutating func read<T: FixedWidthInteger>() -> T? {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { return nil }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { destination in
            bytes.withUnsafeBytes { destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + size)])) }
        }
        offset += size
        return T(littleEndian: value)
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, offset + count <= bytes.count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
}

/// Scores feature vectors with a model's folds: dense weight arrays, built once (4 MB per fold at 2^20 buckets).
public final class QualityScorer: @unchecked Sendable {
    public let model: QualityModel
    private let dense: [[Float]]

    public init(model: QualityModel) {
        self.model = model
        dense = model.folds.map { $0.dense(buckets: model.header.features.buckets) }
    }

    /// The score of a document under one fold's model: the logit of "good" (logistic), the predicted
    /// grade (squared) or the Bradley–Terry strength.
    public func score(_ vector: SparseVector, fold: Int) -> Double {
        model.folds[fold].score(vector, dense: dense[fold])
    }

    /// The score of a document with this stable id (its own fold's model).
    public func score(_ vector: SparseVector, documentID: Int64) -> Double {
        score(vector, fold: model.fold(of: documentID))
    }
}

/// A quality-model error with what to do about it.
public struct QualityError: HintedError, Sendable {
    public let description: String
    public let hint: String?

    public init(_ description: String, hint: String? = nil) {
        self.description = description
        self.hint = hint
    }
}

extension QualityModel {
    /// Whether a file starts like a quality model (its magic), to tell it from a language model.
    public static func recognizes(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: magic.count)).map(Array.init) == magic
    }
}
