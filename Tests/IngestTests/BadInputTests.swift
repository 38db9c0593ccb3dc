import Core
import Foundation
import Ingest
import Store
import Testing

/// Every kind of bad input gives a reject with its reason and location, and loses no good document.
@Suite struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var file: String
        var bad: [UInt8]
        var reason: RejectReason
        var testDescription: String { name }
    }

    /// Two good lines, the bad line, two good lines: the bad record is line 3.
    static func surrounded(_ bad: [UInt8]) -> [UInt8] {
        let good = Corpus.goodLines(4)
        return Array((good[0] + good[1]).utf8) + bad + Array("\n".utf8) + Array((good[2] + good[3]).utf8)
    }

    static let recordCases: [Case] = [
        Case(name: "invalid UTF-8", file: "a.jsonl", bad: Array(#"{"text": "caf"#.utf8) + [0xE9] + Array(#" au lait"}"#.utf8), reason: .invalidUTF8),
        Case(name: "malformed JSON", file: "a.jsonl", bad: Array(#"{"text": "no closing quote}"#.utf8), reason: .malformedJSON),
        Case(name: "trailing garbage", file: "a.jsonl", bad: Array(#"{"text": "fine"} extra"#.utf8), reason: .malformedJSON),
        Case(name: "not an object", file: "a.jsonl", bad: Array(#"["text", "in an array"]"#.utf8), reason: .malformedJSON),
        Case(name: "missing text field", file: "a.jsonl", bad: Array(#"{"body": "elsewhere"}"#.utf8), reason: .missingText),
        Case(name: "text is a number", file: "a.jsonl", bad: Array(#"{"text": 12.5e3}"#.utf8), reason: .textNotString),
        Case(name: "text is an object", file: "a.jsonl", bad: Array(#"{"text": {"nested": "x"}}"#.utf8), reason: .textNotString),
        Case(name: "raw NUL byte", file: "a.jsonl", bad: Array(#"{"text": "a"#.utf8) + [0] + Array(#"b"}"#.utf8), reason: .nulByte),
        Case(name: "escaped NUL", file: "a.jsonl", bad: Array(#"{"text": "a\u0000b"}"#.utf8), reason: .nulByte),
        Case(name: "empty text", file: "a.jsonl", bad: Array(#"{"text": ""}"#.utf8), reason: .empty),
        Case(name: "white-space-only text", file: "a.jsonl", bad: Array("{\"text\": \" \\n\\t\u{3000} \"}".utf8), reason: .empty),
        Case(name: "lone surrogate", file: "a.jsonl", bad: Array(#"{"text": "x\ud800y"}"#.utf8), reason: .invalidUTF8),
        Case(name: "record over --max-doc-bytes", file: "a.jsonl",
             bad: Array(("{\"text\": \"" + String(repeating: "long ", count: 400) + "\"}").utf8), reason: .tooLarge),
    ]

    @Test(arguments: recordCases)
    func rejectsTheBadRecordAndKeepsTheRest(_ testCase: Case) throws {
        let directory = TemporaryDirectory()
        let path = directory.write(testCase.file, Self.surrounded(testCase.bad))
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store) { $0.maxDocBytes = 1000 }
        #expect(summary.documents == 4)
        #expect(try store.externalIDs() == ["doc-1", "doc-2", "doc-3", "doc-4"])
        let rejects = try store.rejects()
        #expect(rejects.count == 1)
        #expect(rejects.first?.reason == testCase.reason.rawValue)
        #expect(rejects.first?.record == 3)
        #expect(rejects.first?.path.hasSuffix("/" + testCase.file) == true)
        #expect(summary.rejectsByReason == [testCase.reason.rawValue: 1])
        // The raw record is kept, up to 1 KiB.
        #expect((rejects.first?.raw?.utf8.count ?? 0) > 0)
        #expect((rejects.first?.raw?.utf8.count ?? 0) <= 1024)
    }

    @Test func overlongLinesAreSkippedWithoutBeingBuffered() throws {
        let directory = TemporaryDirectory()
        // A 3 MB line against a 1000-byte limit: refused while reading, without parsing.
        let huge = Array(("{\"text\": \"" + String(repeating: "x", count: 3_000_000) + "\"}").utf8)
        let path = directory.write("big.jsonl", Self.surrounded(huge))
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store) { $0.maxDocBytes = 1000 }
        #expect(try store.externalIDs() == ["doc-1", "doc-2", "doc-3", "doc-4"])
        #expect(try store.rejectReasons().map(\.0) == ["too_large"])
        #expect(try store.rejects().first?.raw?.utf8.count == 1024)
    }

    @Test func truncatedGzipKeepsTheRecordsBeforeTheCut() throws {
        let directory = TemporaryDirectory()
        let lines = Corpus.goodLines(200).joined()
        let compressed = Corpus.gzip(Array(lines.utf8))
        let path = directory.write("cut.jsonl.gz", Array(compressed.prefix(compressed.count * 2 / 3)))
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store)
        let rejects = try store.rejects()
        #expect(rejects.map(\.reason) == ["truncated"])
        // Everything decoded before the cut is kept, in order, and nothing after it is invented.
        let ids = try store.externalIDs()
        #expect(ids.count > 50 && ids.count < 200)
        #expect(ids == (1...ids.count).map { "doc-\($0)" })
        #expect(rejects.first?.record == Int64(ids.count + 1) || rejects.first?.record == Int64(ids.count + 2))
        #expect(summary.documents == Int64(ids.count))
        #expect(try store.connection.scalarText("SELECT status FROM sources") == "partial")
    }

    @Test func truncatedZstdIsReported() throws {
        let directory = TemporaryDirectory()
        let compressed = Corpus.zstd(Array(Corpus.goodLines(200).joined().utf8))
        let path = directory.write("cut.jsonl.zst", Array(compressed.prefix(compressed.count / 2)))
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        #expect(try store.rejects().map(\.reason) == ["truncated"])
        let ids = try store.externalIDs()
        #expect(ids == (0..<ids.count).map { "doc-\($0 + 1)" })
    }

    @Test func corruptZstdFrameKeepsTheEarlierFrames() throws {
        let directory = TemporaryDirectory()
        let first = Corpus.zstd(Array(Corpus.goodLines(3, prefix: "a").joined().utf8))
        var second = Corpus.zstd(Array(Corpus.goodLines(3, prefix: "b").joined().utf8))
        second.replaceSubrange(0..<4, with: [0, 1, 2, 3]) // destroy the second frame's magic number
        let path = directory.write("bad.jsonl.zst", first + second)
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        #expect(try store.externalIDs() == ["a-1", "a-2", "a-3"])
        #expect(try store.rejectReasons().map(\.0) == ["corrupt"])
    }

    @Test func corruptGzipIsReported() throws {
        let directory = TemporaryDirectory()
        var compressed = Corpus.gzip(Array(Corpus.goodLines(50).joined().utf8))
        for index in compressed.count / 2 ..< compressed.count / 2 + 40 { compressed[index] ^= 0xA5 }
        let path = directory.write("bad.jsonl.gz", compressed)
        let store = try Store(path: directory.storePath())
        try ingest([path], store: store)
        let reasons = Set(try store.rejectReasons().map(\.0))
        #expect(reasons.contains("corrupt"))
        #expect(try store.connection.scalarText("SELECT status FROM sources") == "partial")
    }

    @Test func missingPathsLoopsAndUnreadableFilesAreRejectedAndTheRestIsRead() throws {
        let directory = TemporaryDirectory()
        let good = directory.write("corpus/good.jsonl", Corpus.goodLines(3).joined())
        // A symbolic link to itself, a directory link to its own directory, a dangling link, and a file that fails on read
        // (linked to /proc/self/mem, whose first page is unmapped: read(2) gives EIO even for root).
        symlink("self.jsonl", directory.path + "/corpus/self.jsonl")
        symlink(".", directory.path + "/corpus/here")
        symlink("gone.jsonl", directory.path + "/corpus/dangling.jsonl")
        symlink("/proc/self/mem", directory.path + "/corpus/unreadable.jsonl")
        let missing = directory.path + "/no/such/file.jsonl"
        let store = try Store(path: directory.storePath())
        let summary = try ingest([directory.path + "/corpus", missing, good], store: store)

        #expect(try store.externalIDs() == ["doc-1", "doc-2", "doc-3"])
        #expect(summary.filesRead == 1)
        var byPath: [String: String] = [:]
        for reject in try store.rejects() { byPath[(reject.path as NSString).lastPathComponent] = reject.reason }
        #expect(byPath["self.jsonl"] == "symlink_loop")
        #expect(byPath["here"] == "symlink_loop")
        #expect(byPath["dangling.jsonl"] == "not_found")
        #expect(byPath["file.jsonl"] == "not_found")
        #expect(byPath["mem"] == "unreadable" || byPath["unreadable.jsonl"] == "unreadable")
        #expect(try store.count("SELECT count(*) FROM rejects WHERE record = 0 AND source_id IS NULL") == 5)
    }

    @Test func aNamedFileOfUnknownTypeIsRejected() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("notes.md", "# not a corpus file")
        let store = try Store(path: directory.storePath())
        let summary = try ingest([path], store: store)
        #expect(try store.rejectReasons().map(\.0) == ["unsupported_format"])
        #expect(summary.nothingRead)
    }

    @Test func rejectsAreNotRecordedTwice() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("a.jsonl", Self.surrounded(Array("{oops".utf8)))
        let missing = directory.path + "/missing.jsonl"
        let store = try Store(path: directory.storePath())
        try ingest([path, missing], store: store)
        try ingest([path, missing], store: store)
        #expect(try store.count("SELECT count(*) FROM rejects") == 2)
        #expect(try store.count("SELECT sum(rejects) FROM sources") == 1)
    }
}
