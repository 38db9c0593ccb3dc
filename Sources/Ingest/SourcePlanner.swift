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
    /// How text files are cut: part of a text file's identity, since the same bytes cut another way are
    /// other documents.
    var textSplit = TextSplit.file
    /// Whether this ingest reads one partition of the inputs: its sources then record their input rank.
    var partitioned = false

    func plan(_ file: InputFile) throws -> (PlanDecision, changedFrom: SourceRecord?) {
        var fingerprint: Hash128
        do {
            fingerprint = try FileFingerprint.of(path: file.path, size: file.size)
        } catch let error as FileFingerprint.ReadError {
            return (.problem(InputProblem(path: file.path, displayPath: file.displayPath, reason: .unreadable, message: error.description)), nil)
        }
        if file.format.records == .txt && textSplit != .file {
            var builder = Hash128Builder(seed: 0x7478_745F_7370_6C69) // "txt_spli"
            builder.update(fingerprint)
            builder.update(textSplit.rawValue)
            fingerprint = builder.finish()
        }
        var source = SourceFile(key: file.key, path: file.path, format: file.format.records.rawValue,
                                compression: file.format.compression.rawValue, size: file.size, mtime: file.mtime,
                                fingerprint: fingerprint)
        if partitioned { source.inputRank = file.rank }
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
}
