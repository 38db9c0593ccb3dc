import Core
import Foundation
import Store
import Testing

private func temporaryPath(_ name: String = "store.db") -> String {
    let directory = NSTemporaryDirectory() + "/curate-store-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/" + name
}

private func document(_ text: String, source: Int64 = 1, position: Int64) -> NewDocument {
    let bytes = Array(text.utf8)
    return NewDocument(sourceID: source, sourceKey: "k", position: position, externalID: nil, stored: bytes,
                       codec: .plain, byteLength: bytes.count, contentHash: Hash128(of: bytes), metadata: nil)
}

@Suite struct MigrationTests {
    @Test func appliesEveryMigrationOnceAndRecordsIt() throws {
        let path = temporaryPath()
        let store = try Store(path: path)
        #expect(try store.schemaVersion == Store.latestSchemaVersion)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM schema_migrations") == Int64(Store.latestSchemaVersion))
        #expect(try store.connection.scalarText("PRAGMA journal_mode") == "wal")
        for table in ["sources", "documents", "rejects", "runs"] {
            #expect(try store.connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)]) == 1)
        }
        // Reopening applies nothing twice.
        let again = try Store(path: path)
        #expect(try again.connection.scalarInt("SELECT count(*) FROM schema_migrations") == Int64(Store.latestSchemaVersion))
    }

    @Test func refusesAStoreFromANewerCurate() throws {
        let path = temporaryPath()
        let store = try Store(path: path)
        try store.connection.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 'now')")
        do {
            _ = try Store(path: path)
            Issue.record("a newer store was opened")
        } catch let error as StoreError {
            #expect(error.description.contains("schema version 999"))
            #expect(error.hint != nil)
        }
    }

    @Test func refusesAnSQLiteFileThatIsNotACurateStore() throws {
        let path = temporaryPath()
        let other = try SQLiteConnection(path: path)
        try other.execute("CREATE TABLE something_else (x)")
        #expect(throws: StoreError.self) { try Store(path: path) }
    }

    @Test func readingCommandsDoNotCreateAStore() throws {
        let path = temporaryPath("missing.db")
        #expect(throws: StoreError.self) { try Store(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite struct DocumentWriterTests {
    @Test func marksExactDuplicatesAndSkipsRecordsAlreadyStored() throws {
        let store = try Store(path: temporaryPath())
        let writer = try DocumentWriter(store: store, runID: 1)
        let first = try writer.insert(document("same", position: 1))
        let second = try writer.insert(document("same", position: 2))
        let again = try writer.insert(document("same", position: 1))
        guard case .stored(let firstID, nil) = first else { Issue.record("first not stored fresh: \(first)"); return }
        #expect(second == .stored(id: document("same", position: 2).id, duplicateOf: firstID))
        #expect(again == .alreadyStored(id: firstID))
        #expect(try store.connection.scalarInt("SELECT count(*) FROM documents") == 2)
    }

    @Test func anIDCollisionGetsTheNextSaltedID() throws {
        let store = try Store(path: temporaryPath())
        let writer = try DocumentWriter(store: store, runID: 1)
        let victim = document("text", source: 7, position: 3)
        // Another document already holds the id this one derives (as if two hashes collided).
        try store.connection.execute("""
            INSERT INTO documents (id, source_id, position, byte_length, content_hash, text)
            VALUES (\(victim.id), 99, 1, 1, x'00', x'00')
            """)
        let outcome = try writer.insert(victim)
        let salted = StableID.document(sourceKey: "k", position: 3, contentHash: victim.contentHash, salt: 1)
        #expect(outcome == .stored(id: salted, duplicateOf: nil))
    }

    @Test func rejectsAreKeptOncePerPathRecordAndReason() throws {
        let store = try Store(path: temporaryPath())
        let writer = try DocumentWriter(store: store, runID: 1)
        let reject = NewReject(sourceID: nil, path: "/x.jsonl", record: 4, reason: "malformed_json", message: "m", raw: [1, 2])
        #expect(try writer.insert(reject))
        #expect(try !writer.insert(reject))
        var other = reject
        other.reason = "empty"
        #expect(try writer.insert(other))
        #expect(try store.rejects().count == 2)
        #expect(try store.rejects(reason: "empty").count == 1)
    }

    @Test func runsAreRecordedWithTheirCounts() throws {
        let store = try Store(path: temporaryPath())
        let id = try store.beginRun(command: "ingest", arguments: ["curate", "ingest", "x"])
        #expect(try store.statistics().interruptedRuns == 1)
        try store.finishRun(id: id, status: .done, counts: ["documents": 3])
        let counts = try #require(try store.connection.scalarText("SELECT counts FROM runs"))
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(counts.utf8)) as? [String: Any])
        #expect(recorded.keys.sorted() == ["documents", "peak_memory_bytes"])
        #expect((recorded["documents"] as? NSNumber)?.intValue == 3)
        #expect(((recorded["peak_memory_bytes"] as? NSNumber)?.int64Value ?? 0) > 1 << 20)
        #expect(try store.connection.scalarText("SELECT arguments FROM runs") == #"["curate","ingest","x"]"#)
        #expect(try store.statistics().interruptedRuns == 0)
    }
}

/// A damaged store file is a clear error naming it, never a crash or an empty store.
@Suite struct DamagedStoreTests {
    @Test func truncatedAndGarbageFilesAreRefusedByName() throws {
        let directory = NSTemporaryDirectory() + "curate-damaged-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/store.db"
        do {
            let store = try Store(path: path)
            try store.connection.execute("""
                CREATE TABLE filler (x BLOB);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) INSERT INTO filler SELECT randomblob(30000) FROM n;
                PRAGMA wal_checkpoint(TRUNCATE);
                """)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.count > 200_000)
        for (name, bytes) in [("truncated.db", data.prefix(150_000)), ("garbage.db", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }))] {
            let damaged = directory + "/" + name
            try bytes.write(to: URL(fileURLWithPath: damaged))
            #expect { _ = try Store(path: damaged, create: false) } throws: { error in
                "\(error)".contains(name) && "\(error)".contains("is damaged")
            }
        }
    }
}
