import Core
import Foundation
import Store

/// Finds stored documents by the ids users know them by — the record's own id (`external_id`), or
/// curate's id — or by their text. Every match resolves to the document's first copy (ingest's exact
/// duplicates share their first copy's scores).
public final class DocumentLookup {
    public struct Match: Sendable, Equatable {
        /// The first copy's seq and id.
        public var seq: Int64
        public var id: Int64
    }

    private var byExternalID: [String: Match] = [:]
    private var byID: [Int64: Match] = [:]
    private var byHash: [Hash128: Match] = [:]

    /// Reads the ids of every document (one scan of the documents table's small columns).
    public init(store: Store) throws {
        let statement = try store.connection.prepare("SELECT seq, id, external_id, content_hash, duplicate_of FROM documents ORDER BY seq")
        var duplicates: [(id: Int64, external: String?, firstID: Int64)] = []
        while try statement.step() {
            let seq = statement.int64(0), id = statement.int64(1)
            if statement.isNull(4) {
                let match = Match(seq: seq, id: id)
                byID[id] = match
                if let external = statement.text(2), byExternalID[external] == nil { byExternalID[external] = match }
                if let hash = Hash128(bytes: statement.blobBytes(3)), byHash[hash] == nil { byHash[hash] = match }
            } else {
                duplicates.append((id, statement.text(2), statement.int64(4)))
            }
        }
        for duplicate in duplicates {
            guard let first = byID[duplicate.firstID] else { continue }
            byID[duplicate.id] = first
            if let external = duplicate.external, byExternalID[external] == nil { byExternalID[external] = first }
        }
    }

    /// The document a user's id names: the record's own id first, then curate's id.
    public func find(id key: String) -> Match? {
        if let match = byExternalID[key] { return match }
        if let id = Int64(key) { return byID[id] }
        return nil
    }

    /// The document with exactly this UTF-8 text.
    public func find(text: [UInt8]) -> Match? {
        byHash[Hash128(of: text)]
    }

    /// The document a labels or preferences file names, by id or by text.
    public func find(_ reference: DocumentReference) -> Match? {
        switch reference {
        case .id(let id): find(id: id)
        case .text(let text): find(text: text)
        }
    }

    /// Whether a stored document has exactly this text.
    public func contains(text: [UInt8]) -> Bool { find(text: text) != nil }
}

/// Draws training negatives from a store: documents that are not duplicates (ingest's or dedup's),
/// uniformly at random (a seeded hash of each id orders them), leaving out any text in `excluding`.
public enum StoreNegatives {
    public static func sample(store: Store, count: Int, seed: UInt64, excluding: Set<Hash128>) throws -> [TrainingDocument] {
        let candidates = try store.connection.prepare("""
            SELECT d.seq, d.id, d.content_hash FROM documents d
            WHERE d.duplicate_of IS NULL AND NOT EXISTS (SELECT 1 FROM dedup_clusters c WHERE c.seq = d.seq AND c.duplicate_of IS NOT NULL)
            """)
        var keyed: [(key: UInt64, seq: Int64)] = []
        while try candidates.step() {
            if !excluding.isEmpty, let hash = Hash128(bytes: candidates.blobBytes(2)), excluding.contains(hash) { continue }
            keyed.append((splitMix(seed, UInt64(bitPattern: candidates.int64(1))), candidates.int64(0)))
        }
        keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.seq < $1.seq) }
        let chosen = keyed.prefix(count).map(\.seq).sorted()
        var documents: [TrainingDocument] = []
        documents.reserveCapacity(chosen.count)
        for seq in chosen {
            guard let document = try store.document(seq: seq) else { continue }
            documents.append(TrainingDocument(text: document.text, documentID: document.id))
        }
        return documents
    }
}
