import Foundation

// Fixed-size binary records on disk, and an external merge sort over them: the estimator's passes
// stream n-grams through these, so estimating a model needs memory for one sort buffer, not for the
// model (KenLM's lmplz is built the same way, with its -S budget for the sorts). Written here because
// the system libraries offer no external sort of fixed-size records; its pieces are small.

/// How n-gram records are ordered by their word ids (the first `words` UInt32 of a record): a three-way
/// comparison, negative, zero or positive. A value, not a closure, so comparing costs no reference
/// counting in the sorts' inner loops.
struct RecordOrder {
    enum Kind {
        /// Compared from the last word back: n-grams sharing a suffix are adjacent.
        case suffix
        /// By the context (all words but the last) from its last word back, then by the last word.
        case context
    }

    let kind: Kind
    let words: Int

    @inline(__always)
    func callAsFunction(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer) -> Int {
        var i = (kind == .suffix ? words - 1 : words - 2) * 4
        while i >= 0 {
            let x = a.loadUnaligned(fromByteOffset: i, as: UInt32.self), y = b.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            if x != y { return x < y ? -1 : 1 }
            i -= 4
        }
        guard kind == .context else { return 0 }
        let x = a.loadUnaligned(fromByteOffset: (words - 1) * 4, as: UInt32.self)
        let y = b.loadUnaligned(fromByteOffset: (words - 1) * 4, as: UInt32.self)
        return x == y ? 0 : x < y ? -1 : 1
    }
}

/// An error of the estimator's scratch files.
struct ScratchFileError: Error, CustomStringConvertible {
    let description: String
}

/// Appends fixed-size records to a file through a 1 MiB buffer.
final class RecordWriter {
    let path: String
    let recordBytes: Int
    private let file: UnsafeMutablePointer<FILE>
    private(set) var count = 0
    private var failed = false

    init(path: String, recordBytes: Int) throws {
        guard let file = fopen(path, "w") else {
            throw ScratchFileError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        self.path = path
        self.recordBytes = recordBytes
        self.file = file
    }

    func append(_ record: UnsafeRawPointer) {
        if fwrite(record, recordBytes, 1, file) != 1 { failed = true }
        count += 1
    }

    /// Flushes and closes the file; throws when anything could not be written (a full disk).
    func close() throws {
        let closed = fclose(file) == 0
        guard closed && !failed else {
            throw ScratchFileError(description: "cannot write \(path): \(String(cString: strerror(errno))) (the estimator's scratch files need free disk space)")
        }
    }
}

/// A sorted source of fixed-size records: `current` points at the record until `advance()`.
protocol RecordSource: AnyObject {
    var current: UnsafeRawPointer? { get }
    func advance() throws
}

/// Reads a file of fixed-size records through a 1 MiB buffer.
final class RecordFileReader: RecordSource {
    let recordBytes: Int
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var filled = 0
    private var position = 0
    private(set) var current: UnsafeRawPointer?

    init(path: String, recordBytes: Int) throws {
        guard let file = fopen(path, "r") else {
            throw ScratchFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.recordBytes = recordBytes
        capacity = max(1, (1 << 20) / recordBytes)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity * recordBytes, alignment: 8)
        try advance()
    }

    deinit {
        fclose(file)
        buffer.deallocate()
    }

    func advance() throws {
        if position >= filled {
            filled = fread(buffer, recordBytes, capacity, file)
            position = 0
            if filled == 0 {
                if ferror(file) != 0 { throw ScratchFileError(description: "cannot read a scratch file: \(String(cString: strerror(errno)))") }
                current = nil
                return
            }
        }
        current = UnsafeRawPointer(buffer + position * recordBytes)
        position += 1
    }
}

/// Records held in memory, in order.
final class RecordBuffer: RecordSource {
    let recordBytes: Int
    private var bytes: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0
    private var position = 0
    private(set) var current: UnsafeRawPointer?

    init(recordBytes: Int, capacity: Int = 1024) {
        self.recordBytes = recordBytes
        self.capacity = max(1, capacity)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: self.capacity * recordBytes, alignment: 8)
    }

    deinit { bytes.deallocate() }

    var byteCount: Int { count * recordBytes }

    func append(_ record: UnsafeRawPointer) {
        if count == capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2 * recordBytes, alignment: 8)
            grown.copyMemory(from: bytes, byteCount: count * recordBytes)
            bytes.deallocate()
            bytes = grown
            capacity *= 2
        }
        (bytes + count * recordBytes).copyMemory(from: record, byteCount: recordBytes)
        count += 1
    }

    func record(_ index: Int) -> UnsafeRawPointer { UnsafeRawPointer(bytes + index * recordBytes) }

    /// Sorts the records (stable for equal keys: they keep their order of arrival).
    func sort(by compare: RecordOrder) {
        guard count > 1 else { return }
        var order = [Int32](0..<Int32(count))
        let base = UnsafeRawPointer(bytes), size = recordBytes
        order.sort { a, b in
            let c = compare(base + Int(a) * size, base + Int(b) * size)
            return c < 0 || (c == 0 && a < b)
        }
        let sorted = UnsafeMutableRawPointer.allocate(byteCount: count * recordBytes, alignment: 8)
        for (target, source) in order.enumerated() {
            (sorted + target * size).copyMemory(from: base + Int(source) * size, byteCount: size)
        }
        bytes.deallocate()
        bytes = sorted
        capacity = count
    }

    /// Reading from the first record again.
    func rewind() {
        position = 0
        current = count > 0 ? UnsafeRawPointer(bytes) : nil
    }

    func advance() {
        position += 1
        current = position < count ? UnsafeRawPointer(bytes + position * recordBytes) : nil
    }

    func removeAll() {
        count = 0
        position = 0
        current = nil
    }

    func write(to path: String) throws {
        let writer = try RecordWriter(path: path, recordBytes: recordBytes)
        for index in 0..<count { writer.append(record(index)) }
        try writer.close()
    }
}

/// Merges sorted sources into one sorted stream (equal records: the earlier source first).
final class RecordMerger: RecordSource {
    private let sources: [RecordSource]
    private let compare: RecordOrder
    /// Each source's current record, kept here so that the heap's comparisons touch no source object.
    private var heads: [UnsafeRawPointer?]
    private var heap: [Int] = [] // indices of the sources not yet exhausted, a binary min-heap by their record
    private(set) var current: UnsafeRawPointer?

    init(_ sources: [RecordSource], compare: RecordOrder) {
        self.sources = sources
        self.compare = compare
        heads = sources.map(\.current)
        for index in sources.indices where heads[index] != nil {
            heap.append(index)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard before(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        current = heap.first.flatMap { heads[$0] }
    }

    /// The sorted run files merged into one stream; the files are unlinked at once (the open readers
    /// keep their data, which goes when they close).
    static func merging(runs: [String], recordBytes: Int, compare: RecordOrder) throws -> RecordSource {
        let readers: [RecordSource] = try runs.map { try RecordFileReader(path: $0, recordBytes: recordBytes) }
        for run in runs { unlink(run) }
        return readers.count == 1 ? readers[0] : RecordMerger(readers, compare: compare)
    }

    @inline(__always)
    private func before(_ a: Int, _ b: Int) -> Bool {
        let c = compare(heads[a].unsafelyUnwrapped, heads[b].unsafelyUnwrapped)
        return c < 0 || (c == 0 && a < b)
    }

    private func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && before(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count && before(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Advances the source of the current record and moves it down the heap to its place.
    func advance() throws {
        guard let top = heap.first else { return }
        let source = sources[top]
        try source.advance()
        heads[top] = source.current
        if heads[top] == nil {
            let last = heap.removeLast()
            if !heap.isEmpty { heap[0] = last }
        }
        if !heap.isEmpty { siftDown() }
        current = heap.first.flatMap { heads[$0] }
    }
}

/// Sorts fixed-size records within a memory budget: records collect in memory, and each time the
/// buffer reaches the budget it is sorted and written to a run file; `finish` merges the runs (and what
/// is still in memory) into one sorted stream. Equal records keep their order of arrival.
final class RecordSorter {
    let recordBytes: Int
    private let budget: Int
    private let directory: String
    private let name: String
    private let compare: RecordOrder
    private var buffer: RecordBuffer
    private var runs: [String] = []
    private(set) var count = 0

    /// - Parameter budget: bytes for records in memory, counting the buffer's room to grow (up to twice
    ///   its records), the sorted copy made while sorting and the sort's index (4 bytes a record).
    init(recordBytes: Int, budget: Int, directory: String, name: String, compare: RecordOrder) {
        self.recordBytes = recordBytes
        self.budget = max(budget, 1 << 16)
        self.directory = directory
        self.name = name
        self.compare = compare
        buffer = RecordBuffer(recordBytes: recordBytes)
    }

    /// Records that may wait in memory: the buffer (at most twice their bytes), the sorted copy and the index.
    private var limit: Int { max(1, budget / (3 * recordBytes + 4)) }

    func append(_ record: UnsafeRawPointer) throws {
        if buffer.count >= limit { try spill() }
        buffer.append(record)
        count += 1
    }

    private func spill() throws {
        buffer.sort(by: compare)
        let path = directory + "/\(name)-\(runs.count).run"
        try buffer.write(to: path)
        runs.append(path)
        buffer = RecordBuffer(recordBytes: recordBytes) // frees the full buffer
    }

    /// The records in order. With `persist`, records still in memory go to a run file first unless they
    /// take less than `keepInMemory` bytes, so that several finished sorters can be read side by side.
    func finish(persist keepInMemory: Int = Int.max) throws -> RecordSource {
        if !runs.isEmpty || buffer.byteCount > keepInMemory {
            if buffer.count > 0 { try spill() }
            defer { runs.removeAll() }
            return try RecordMerger.merging(runs: runs, recordBytes: recordBytes, compare: compare)
        }
        buffer.sort(by: compare)
        buffer.rewind()
        return buffer
    }
}

/// Records appended in the order they will be read back: kept in memory up to a limit, then in a file.
final class RecordSpool {
    let recordBytes: Int
    private let limit: Int
    private let path: String
    private var buffer: RecordBuffer?
    private var writer: RecordWriter?
    private(set) var count = 0

    init(recordBytes: Int, memoryLimit: Int, path: String) {
        self.recordBytes = recordBytes
        limit = memoryLimit
        self.path = path
        buffer = RecordBuffer(recordBytes: recordBytes)
    }

    func append(_ record: UnsafeRawPointer) throws {
        count += 1
        if let writer {
            writer.append(record)
            return
        }
        buffer!.append(record)
        if buffer!.byteCount > limit {
            let writer = try RecordWriter(path: path, recordBytes: recordBytes)
            for index in 0..<buffer!.count { writer.append(buffer!.record(index)) }
            buffer = nil
            self.writer = writer
        }
    }

    /// The records, in order; the spool is spent.
    func finish() throws -> RecordSource {
        if let writer {
            try writer.close()
            let reader = try RecordFileReader(path: path, recordBytes: recordBytes)
            unlink(path)
            return reader
        }
        buffer!.rewind()
        return buffer!
    }
}

/// A directory for scratch files, made when first needed and removed with everything in it.
final class ScratchDirectory {
    private let parent: String
    private var made: String?

    init(in parent: String) {
        self.parent = parent
    }

    deinit {
        guard let made else { return }
        try? FileManager.default.removeItem(atPath: made)
    }

    /// The directory (made now if it does not exist yet).
    func path() throws -> String {
        if let made { return made }
        var template = Array((parent + "/curate-lm-XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ScratchFileError(description: "cannot make a scratch directory in \(parent): \(String(cString: strerror(errno)))")
        }
        made = String(cString: result)
        return made!
    }
}
