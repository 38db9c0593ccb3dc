import Foundation

/// curate's binary model format: the query tables themselves, laid out in one file that is mapped into
/// memory (no parsing), so a model of any size is ready in milliseconds and shared between processes.
///
/// Layout (little-endian): a 256-byte header — magic "CURATELM", format version, order, tokenizer kind
/// and flags, vocabulary size and table capacity, the offset and size of the word strings, and per
/// order (up to 6) the n-gram count, table capacity and offset — then the vocabulary table (token hash →
/// id), one probing table per order (n-gram hash → log10 probability, log10 back-off), 16 bytes a slot,
/// and the words (an offset table and the UTF-8 bytes) for writing the model back out as ARPA.
public enum BinaryModel {
    static let magic = Array("CURATELM".utf8)
    static let version: UInt32 = 1
    static let headerSize = 256
    static let maxOrder = 6

    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// True when the file at `path` starts with the binary model magic.
    public static func isBinary(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 8)).map { Array($0) == magic } ?? false
    }

    // MARK: Writing

    public static func write(_ model: ModelData, to path: String) throws {
        guard model.order <= maxOrder else { throw FormatError(description: "order \(model.order) is above the format's maximum of \(maxOrder)") }
        let vocabularyCapacity = ProbingTable.capacity(for: model.vocabulary.count)
        let capacities = model.orders.map { ProbingTable.capacity(for: $0.count) }
        var offset = headerSize
        let vocabularyOffset = offset
        offset += vocabularyCapacity * ProbingTable.slotSize
        var tableOffsets: [Int] = []
        for capacity in capacities {
            tableOffsets.append(offset)
            offset += capacity * ProbingTable.slotSize
        }
        let stringsOffset = offset
        let stringBytes = model.vocabulary.reduce(0) { $0 + $1.count }
        let total = stringsOffset + (model.vocabulary.count + 1) * 8 + stringBytes

        let region = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 16)
        defer { region.deallocate() }
        region.initializeMemory(as: UInt8.self, repeating: 0, count: total)

        // Header.
        for (index, byte) in magic.enumerated() { region.storeBytes(of: byte, toByteOffset: index, as: UInt8.self) }
        region.storeBytes(of: version, toByteOffset: 8, as: UInt32.self)
        region.storeBytes(of: UInt32(model.order), toByteOffset: 12, as: UInt32.self)
        region.storeBytes(of: model.options.kind == .icu ? UInt32(0) : 1, toByteOffset: 16, as: UInt32.self)
        let flags = UInt32(model.options.lowercase ? 1 : 0) | UInt32(model.options.foldDigits ? 2 : 0)
        region.storeBytes(of: flags, toByteOffset: 20, as: UInt32.self)
        region.storeBytes(of: UInt64(model.vocabulary.count), toByteOffset: 24, as: UInt64.self)
        region.storeBytes(of: UInt64(vocabularyCapacity), toByteOffset: 32, as: UInt64.self)
        region.storeBytes(of: UInt64(stringsOffset), toByteOffset: 40, as: UInt64.self)
        region.storeBytes(of: UInt64(stringBytes), toByteOffset: 48, as: UInt64.self)
        for (index, order) in model.orders.enumerated() {
            let at = 56 + index * 24
            region.storeBytes(of: UInt64(order.count), toByteOffset: at, as: UInt64.self)
            region.storeBytes(of: UInt64(capacities[index]), toByteOffset: at + 8, as: UInt64.self)
            region.storeBytes(of: UInt64(tableOffsets[index]), toByteOffset: at + 16, as: UInt64.self)
        }

        // Tables.
        ProbingTable.fill(region + vocabularyOffset, capacity: vocabularyCapacity,
                          keys: model.vocabulary.map { word in word.withUnsafeBytes { TokenHash.of($0) } },
                          first: (0..<model.vocabulary.count).map { Float(bitPattern: UInt32($0)) },
                          second: [Float](repeating: 0, count: model.vocabulary.count))
        for (index, order) in model.orders.enumerated() {
            let keys = (0..<order.count).map { i in order.gram(i).withUnsafeBufferPointer { NGramHash.of($0) } }
            ProbingTable.fill(region + tableOffsets[index], capacity: capacities[index], keys: keys,
                              first: order.logProb, second: model.tableBackoffs(index))
        }

        // Words.
        var stringOffset = 0
        let blob = stringsOffset + (model.vocabulary.count + 1) * 8
        for (index, word) in model.vocabulary.enumerated() {
            region.storeBytes(of: UInt64(stringOffset), toByteOffset: stringsOffset + index * 8, as: UInt64.self)
            word.withUnsafeBytes { (region + blob + stringOffset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            stringOffset += word.count
        }
        region.storeBytes(of: UInt64(stringOffset), toByteOffset: stringsOffset + model.vocabulary.count * 8, as: UInt64.self)

        let temporary = path + ".tmp-\(getpid())"
        let data = Data(bytesNoCopy: region, count: total, deallocator: .none)
        guard FileManager.default.createFile(atPath: temporary, contents: data), rename(temporary, path) == 0 else {
            unlink(temporary)
            throw FormatError(description: "cannot write \(path)")
        }
    }

    // MARK: Reading

    /// Maps a binary model file.
    public static func load(path: String) throws -> NGramModel {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FormatError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size >= headerSize else { throw FormatError(description: "\(path) is not a curate model") }
        let size = Int(info.st_size)
        guard let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
            throw FormatError(description: "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        let mapping = MappedFile(base: UnsafeRawPointer(mapped), size: size)
        let base = mapping.base
        guard Array(UnsafeRawBufferPointer(start: base, count: 8)) == magic else { throw FormatError(description: "\(path) is not a curate binary model") }
        let fileVersion = base.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        guard fileVersion == version else { throw FormatError(description: "\(path) has format version \(fileVersion); this curate reads version \(version)") }
        let order = Int(base.loadUnaligned(fromByteOffset: 12, as: UInt32.self))
        let kind = base.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
        let flags = base.loadUnaligned(fromByteOffset: 20, as: UInt32.self)
        let vocabularySize = Int(base.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        let vocabularyCapacity = Int(base.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        let stringsOffset = Int(base.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
        guard (1...maxOrder).contains(order), stringsOffset < size else { throw FormatError(description: "\(path): damaged header") }
        var tables: [ProbingTable] = []
        var counts: [Int] = []
        for index in 0..<order {
            let at = 56 + index * 24
            counts.append(Int(base.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
            let capacity = Int(base.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
            let offset = Int(base.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))
            guard offset + capacity * ProbingTable.slotSize <= size, capacity > 0, capacity & (capacity - 1) == 0 else {
                throw FormatError(description: "\(path): damaged table \(index + 1)")
            }
            tables.append(ProbingTable(base: base + offset, capacity: capacity))
        }
        let options = TokenizerOptions(kind: kind == 0 ? .icu : .whitespace, lowercase: flags & 1 != 0, foldDigits: flags & 2 != 0)
        let blob = stringsOffset + (vocabularySize + 1) * 8
        let words = { (id: Int) -> [UInt8] in
            let start = Int(base.loadUnaligned(fromByteOffset: stringsOffset + id * 8, as: UInt64.self))
            let end = Int(base.loadUnaligned(fromByteOffset: stringsOffset + (id + 1) * 8, as: UInt64.self))
            return Array(UnsafeRawBufferPointer(start: base + blob + start, count: end - start))
        }
        return NGramModel(order: order, options: options, vocabularySize: vocabularySize,
                          vocabulary: ProbingTable(base: base + headerSize, capacity: vocabularyCapacity),
                          tables: tables, counts: counts, words: words, storage: mapping)
    }
}

/// A read-only memory mapping, unmapped when the model goes away.
final class MappedFile {
    let base: UnsafeRawPointer
    let size: Int

    init(base: UnsafeRawPointer, size: Int) {
        self.base = base
        self.size = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }
}

extension NGramModel {
    /// Loads a model: curate's binary format (mapped) or ARPA (parsed and built in memory).
    public static func load(path: String) throws -> NGramModel {
        if BinaryModel.isBinary(path: path) { return try BinaryModel.load(path: path) }
        return NGramModel(try ARPA.read(path: path))
    }
}
