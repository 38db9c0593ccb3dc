import Core
import Foundation
import Store

/// What to do with one input file, decided before reading it.
struct SourcePlan: Sendable {
    var file: InputFile
    var source: SourceFile
    var context: SourceContext
    /// Records up to this number were committed by an earlier, interrupted run.
    var resumeAfter: Int64
}

/// The planner's decision for one file.
enum PlanDecision {
    /// Read it (from the start, or after `resumeAfter` when an earlier run was interrupted).
    case read(SourcePlan)
    /// Already ingested completely: nothing to do.
    case skip(SourceRecord)
    /// The file cannot be opened or read.
    case problem(InputProblem)
}

/// Decides per file whether to read, resume or skip it, from its fingerprint and what the store holds.
struct SourcePlanner {
    let store: Store

    /// Bytes hashed at each end of a file for its fingerprint.
    static let fingerprintSpan = 64 << 10

    func plan(_ file: InputFile) throws -> (PlanDecision, changedFrom: SourceRecord?) {
        let fingerprint: Hash128
        do {
            fingerprint = try Self.fingerprint(path: file.path, size: file.size)
        } catch {
            return (.problem(InputProblem(path: file.path, displayPath: file.displayPath, reason: .unreadable, message: error.message)), nil)
        }
        let source = SourceFile(key: file.key, path: file.path, format: file.format.records.rawValue,
                                compression: file.format.compression.rawValue, size: file.size, mtime: file.mtime,
                                fingerprint: fingerprint)
        let context = SourceContext(id: source.id, key: file.key, path: file.path, displayPath: file.displayPath, format: file.format.records)
        if let existing = try store.source(id: source.id) {
            switch existing.status {
            case .done, .partial:
                return (.skip(existing), nil)
            case .reading:
                return (.read(SourcePlan(file: file, source: source, context: context, resumeAfter: existing.recordsRead)), nil)
            }
        }
        let earlier = try store.sources(path: file.path).last
        return (.read(SourcePlan(file: file, source: source, context: context, resumeAfter: 0)), earlier)
    }

    /// XXH3-128 over the size and the first and last 64 KiB: identifies a file's content without
    /// reading all of it (the same bytes under another path give the same fingerprint).
    static func fingerprint(path: String, size: Int64) throws(StreamError) -> Hash128 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var builder = Hash128Builder(seed: 0x6669_6E67_6572) // "finger"
        builder.update(UInt64(size))
        let span = fingerprintSpan
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: span, alignment: 16)
        defer { buffer.deallocate() }
        // Read the head even when stat says 0 bytes: some files (in /proc, on FUSE) only fail on read.
        for offset in size > Int64(span) ? [0, size - Int64(span)] : [0] {
            let count = pread(descriptor, buffer.baseAddress, span, off_t(offset))
            guard count >= 0 else { throw .io("read failed: \(String(cString: strerror(errno)))") }
            builder.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return builder.finish()
    }
}
